import { fixedClock, parseAuthnRequest, SamlError, verifyRedirectSignature } from '@federa/saml';
import { applicationOf, type SsoCheck } from '../context.ts';
import { sha1RequestRefusal } from '../sha1-requests.ts';
import { SsoError } from '../sso-error.ts';

/**
 * A signed request is verified with the SP's signing certificate when the admin uploaded SP metadata
 * carrying one (Redirect: over the raw query bytes; POST: the enveloped signature). Like Entra, a
 * signature is not required, and is not checked when no certificate is configured.
 *
 * The algorithm is the request's own (SigAlg, SignatureMethod), as Entra verifies it, whatever the
 * Directory signs its responses with. SHA-1 passes only where the admin turned on "Allow requests
 * signed with RSA-SHA1" for the application (DESIGN.md baseline 5; Entra's opt-in of that name).
 */
export const signature: SsoCheck = {
  name: 'signature',
  run(ctx) {
    const app = applicationOf(ctx);
    if (app.spKeys.length === 0 || !ctx.message) return;
    const keys = app.spKeys;
    const allowSha1 = app.allowSha1Requests;
    try {
      if (ctx.message.redirect) {
        if (ctx.message.redirect.signature)
          verifyRedirectSignature(ctx.message.redirect, { keys, allowSha1 });
      } else if (ctx.message.kind === 'AuthnRequest') {
        parseAuthnRequest(ctx.message.xml, {
          keys,
          allowSha1,
          clock: fixedClock('9999-12-31T00:00:00Z'),
          maxAgeSeconds: 1e15,
        });
      }
    } catch (error) {
      if (!(error instanceof SamlError)) throw error;
      throw (
        sha1RequestRefusal(error, app, this.name, 'request') ??
        new SsoError({
          code: 'AADSTS76021',
          check: this.name,
          message: 'The request sent by the application is signed, but the signature could not be verified.',
          adminAction: `The signature does not verify with the certificate from the service provider metadata uploaded for ${app.displayName} (${error.code}). Upload the application's current metadata again, or check which key the application signs with.`,
          detail: { samlError: error.code },
        })
      );
    }
  },
};
