import { appendElement, serialize } from '../xml/build.ts';
import { NS } from '../xml/namespaces.ts';
import { createMessage, type MessageSigning, signMessage } from './common.ts';

/**
 * SAML Core §3.2.2: a Response that carries only a Status, no Assertion: how an IdP tells the SP that
 * it will not authenticate the principal for this request (Profiles §4.1.4.2), e.g. `IsPassive` with
 * nobody signed in (`NoPassive`), a NameIDPolicy it cannot satisfy (`InvalidNameIDPolicy`) or an
 * authentication context it cannot provide (`NoAuthnContext`).
 */
export interface BuildStatusResponseOptions {
  id: string;
  /** The AuthnRequest ID answered. */
  inResponseTo: string;
  issueInstant: Date;
  /** The IdP entity ID. */
  issuer: string;
  /** The ACS URL the response is posted to. */
  destination: string;
  /**
   * Top-level code (Core §3.2.2.2: Requester or Responder for a refusal) and the second-level code
   * naming the reason (e.g. `STATUS.noPassive`).
   */
  status: { code: string; subCode?: string | undefined; message?: string | undefined };
  /** An enveloped signature after Issuer (the message goes by HTTP-POST). */
  sign?: MessageSigning | undefined;
}

/**
 * Builds a non-Success Response (Core §3.2.2) with a DOM, serialized in canonical form.
 *
 * @example
 * const xml = buildStatusResponse({
 *   id: random.id(), inResponseTo: request.id, issueInstant: clock.now(),
 *   issuer: 'http://127.0.0.1:4000/<tid>/', destination: acsUrl,
 *   status: { code: STATUS.responder, subCode: STATUS.noPassive },
 * });
 */
export function buildStatusResponse(options: BuildStatusResponseOptions): string {
  const { root, issuer } = createMessage('Response', options, { InResponseTo: options.inResponseTo });
  const status = appendElement(root, NS.protocol, 'samlp:Status');
  const code = appendElement(status, NS.protocol, 'samlp:StatusCode', { Value: options.status.code });
  if (options.status.subCode !== undefined) {
    appendElement(code, NS.protocol, 'samlp:StatusCode', { Value: options.status.subCode });
  }
  if (options.status.message !== undefined) {
    appendElement(status, NS.protocol, 'samlp:StatusMessage', {}, options.status.message);
  }
  signMessage(root, issuer, options.sign);
  return serialize(root);
}
