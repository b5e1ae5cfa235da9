import { validateResponse } from '@federa/saml';
import { certificatesOf } from '../../providers/providers.repository.ts';
import { spUrls } from '../../sso/urls.ts';
import type { AcsCheck } from '../state.ts';

/**
 * Every check of the SAML core (signature with ALL this organization's IdP certificates, issuer,
 * destination, recipient, audience = this organization's entity ID, time windows, InResponseTo against
 * this browser's pending requests, unsolicited only where allowed). Per organization: another
 * organization's assertion has another audience, issuer or keys, and fails here. SHA-1 signatures and
 * digests only where the organization's admin allowed them (security baseline 5).
 */
export const validateSamlResponse: AcsCheck = {
  name: 'validate-response',
  async run(state) {
    const provider = state.provider!;
    const urls = spUrls(state.ctx.config.baseUrl, state.organization!.slug);
    const pending = state.pending ?? [];
    const assertion = await validateResponse(state.xml!, {
      idp: { entityId: provider.entityId, signingCertificates: certificatesOf(provider) },
      sp: { entityId: urls.entityId, acsUrl: urls.acs },
      clock: state.ctx.clock,
      pendingRequestIds: pending.map((p) => p.id),
      allowUnsolicited: provider.allowIdpInitiated,
      allowSha1: provider.allowSha1,
      // What this organization's SP metadata says (WantAssertionsSigned), and no more or less.
      requireSignedAssertion: provider.wantAssertionsSigned,
    });
    state.assertion = assertion;
    state.answered =
      assertion.inResponseTo === null ? null : (pending.find((p) => p.id === assertion.inResponseTo) ?? null);
  },
};
