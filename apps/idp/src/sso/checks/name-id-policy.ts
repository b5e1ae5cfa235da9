import { NAMEID_FORMAT, STATUS } from '@federa/saml';
import { SUPPORTED_REQUESTED_FORMATS } from '../../applications/claims.ts';
import { authnRequestOf, type SsoCheck } from '../context.ts';
import { SsoStatusRefusal } from '../sso-error.ts';

/**
 * NameIDPolicy (Core §3.4.1.1): a requested Format Federa can issue is used for the NameID; any other
 * is answered with an InvalidNameIDPolicy status (Entra: AADSTS75016).
 */
export const nameIdPolicy: SsoCheck = {
  name: 'name-id-policy',
  run(ctx) {
    const format = authnRequestOf(ctx).nameIdPolicy?.format ?? null;
    if (format === null || format === NAMEID_FORMAT.unspecified) {
      ctx.requestedNameIdFormat = null;
      return;
    }
    if (!SUPPORTED_REQUESTED_FORMATS.includes(format)) {
      throw new SsoStatusRefusal({
        code: 'AADSTS75016',
        check: this.name,
        status: {
          code: STATUS.requester,
          subCode: STATUS.invalidNameIdPolicy,
          message: `SAML2 Authentication Request has invalid NameIDPolicy: the Format ${format} is not supported.`,
        },
      });
    }
    ctx.requestedNameIdFormat = format;
  },
};
