import { nowIso } from '../../context.ts';
import { hashBrowserKey, presentedBrowserKey } from '../../sso/browser-binding.ts';
import { listPendingRequests } from '../../sso/pending-requests.repository.ts';
import type { AcsCheck } from '../state.ts';

/**
 * The sign-ins this browser started at this organization (from the `federa_ws_sso` cookie, the one
 * cookie a cross-site POST carries). None is not a failure here: an IdP-initiated response has none;
 * the response validation decides.
 */
export const loadBrowserBinding: AcsCheck = {
  name: 'browser-binding',
  async run(state) {
    const key = presentedBrowserKey(state.request);
    state.browserHash = key ? hashBrowserKey(key) : null;
    state.pending = state.browserHash
      ? await listPendingRequests(
          state.ctx.db,
          state.organization!.id,
          state.browserHash,
          nowIso(state.ctx.clock),
        )
      : [];
  },
};
