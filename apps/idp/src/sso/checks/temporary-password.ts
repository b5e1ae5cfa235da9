import { STATUS } from '@federa/saml';
import { authnRequestOf, type SsoCheck } from '../context.ts';
import { SsoStatusRefusal } from '../sso-error.ts';

/**
 * A silent (IsPassive) request from a browser whose user must first replace a temporary password
 * (temporary-password/): the page that asks for it may not be shown, so a NoPassive status goes back
 * to the SP (interaction required), with Entra's AADSTS50055 in the sign-in log.
 */
export const temporaryPassword: SsoCheck = {
  name: 'temporary-password',
  run(ctx) {
    if (authnRequestOf(ctx).isPassive && ctx.temporaryPasswordUser) {
      throw new SsoStatusRefusal({
        code: 'AADSTS50055',
        check: this.name,
        status: {
          code: STATUS.responder,
          subCode: STATUS.noPassive,
          message: 'A silent sign-in request was sent but the user must update their temporary password.',
        },
      });
    }
  },
};
