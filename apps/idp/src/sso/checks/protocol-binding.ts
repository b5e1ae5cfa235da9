import { BINDING } from '@federa/saml';
import { applicationOf, authnRequestOf, type SsoCheck } from '../context.ts';
import { SsoError } from '../sso-error.ts';

/** Responses go by HTTP-POST only (DESIGN.md baseline 10); a request asking for another binding is refused. */
export const protocolBinding: SsoCheck = {
  name: 'protocol-binding',
  run(ctx) {
    const request = authnRequestOf(ctx);
    if (request.protocolBinding !== null && request.protocolBinding !== BINDING.post) {
      const app = applicationOf(ctx);
      throw new SsoError({
        code: 'AADSTS75003',
        check: this.name,
        message:
          'The application asked for the SAML response by a binding other than HTTP POST, which is the only one supported.',
        adminAction: `The application ${app.displayName} asked for ${request.protocolBinding}. Configure it to receive responses by HTTP-POST (${BINDING.post}).`,
        detail: { protocolBinding: request.protocolBinding },
      });
    }
  },
};
