import { STATUS } from '@federa/saml';
import { authnRequestOf, type SsoCheck } from '../context.ts';
import { SsoStatusRefusal } from '../sso-error.ts';

/**
 * IsPassive (Core §3.4.1): the IdP must not show a page. With nobody signed in (or ForceAuthn asking
 * for a new sign-in) a NoPassive status goes back to the SP; Entra logs AADSTS50058.
 */
export const isPassive: SsoCheck = {
  name: 'is-passive',
  run(ctx) {
    const request = authnRequestOf(ctx);
    if (request.isPassive && ctx.prompt) {
      throw new SsoStatusRefusal({
        code: 'AADSTS50058',
        check: this.name,
        status: {
          code: STATUS.responder,
          subCode: STATUS.noPassive,
          message: 'A silent sign-in request was sent but no user is signed in.',
        },
      });
    }
  },
};
