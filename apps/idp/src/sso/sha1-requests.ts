import type { SamlError } from '@federa/saml';
import { SsoError } from './sso-error.ts';

// A request signed with SHA-1 where the application does not allow it is refused for its algorithm,
// not its key: the admin is told which setting decides, and that it is not the response algorithm.

/** XML-DSig's SHA-1 URIs: RSA-SHA1 (a SigAlg or SignatureMethod) and the SHA-1 digest. */
const SHA1 = new Set([
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'http://www.w3.org/2000/09/xmldsig#sha1',
]);

/**
 * The refusal for `error` when it is SHA-1 refused (`SIGNATURE_ALGORITHM_FORBIDDEN` naming a SHA-1
 * URI); null for any other error, HMAC-SHA1 included (never accepted, whatever the setting).
 */
export function sha1RequestRefusal(
  error: SamlError,
  app: { displayName: string },
  check: string,
  kind: 'request' | 'logout request',
): SsoError | null {
  const algorithm = error.detail?.algorithm;
  if (error.code !== 'SIGNATURE_ALGORITHM_FORBIDDEN' || typeof algorithm !== 'string' || !SHA1.has(algorithm))
    return null;
  return new SsoError({
    code: 'AADSTS76021',
    check,
    message: `The ${kind} sent by the application is signed with RSA-SHA1, which this application does not accept.`,
    adminAction: `${app.displayName} signs its ${kind}s with SHA-1 (${algorithm}). Configure it to sign with SHA-256; if it cannot, turn on "Allow requests signed with RSA-SHA1" in the application’s Single sign-on › SAML Certificates › Edit. The Signing Algorithm there is the one Federa Directory signs its responses with, and does not decide this.`,
    detail: { samlError: error.code, algorithm },
  });
}
