import { decodePost, SamlError } from '@federa/saml';
import type { AcsCheck } from '../state.ts';

/** Largest SAMLResponse form value accepted, checked before base64 decoding (baseline 10). */
export const MAX_SAML_RESPONSE_CHARS = 512 * 1024;
const MAX_RELAY_STATE_CHARS = 1024;

/** HTTP-POST binding (SAML Bindings §3.5.4): one base64 SAMLResponse, size-capped, strict base64 and UTF-8. */
export const decodePostedResponse: AcsCheck = {
  name: 'decode-post',
  async run(state) {
    const body = state.request.body as Record<string, unknown> | undefined;
    const value = body?.SAMLResponse;
    if (typeof value !== 'string' || value === '') {
      throw new SamlError('BINDING_INVALID', 'The request carries no SAMLResponse form field.');
    }
    state.xml = decodePost(value, { maxEncodedBytes: MAX_SAML_RESPONSE_CHARS });
    const relayState = body?.RelayState;
    state.relayState =
      typeof relayState === 'string' && relayState.length <= MAX_RELAY_STATE_CHARS ? relayState : null;
  },
};
