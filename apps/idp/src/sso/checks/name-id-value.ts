import { NAMEID_FORMAT } from '@federa/saml';
import { readAttribute } from '../../applications/claims.ts';
import type { CompletionCheck } from '../context.ts';
import { SsoError } from '../sso-error.ts';

/** The Unique User Identifier's source attribute has a value for this user (else there is no NameID). */
export const nameIdValue: CompletionCheck = {
  name: 'name-id-value',
  run(ctx) {
    const app = ctx.application;
    // A transient NameID is made up for each response, whatever the source holds.
    if (ctx.nameIdFormat !== NAMEID_FORMAT.transient && readAttribute(ctx.user, app.nameIdSource) === null) {
      throw new SsoError({
        code: 'AADSTS50107',
        check: this.name,
        message: `The Name ID of the user '${ctx.user.userPrincipalName}' for the application ${app.displayName} would be empty: the attribute ${app.nameIdSource} has no value.`,
        adminAction: `Fill in the attribute ${app.nameIdSource} for ${ctx.user.userPrincipalName} (Users › Edit), or choose another source attribute for the Unique User Identifier (Single sign-on › Attributes & Claims).`,
      });
    }
  },
};
