import type { CompletionCheck } from '../context.ts';
import { SsoError } from '../sso-error.ts';

/** The signed-in user's account is still enabled ("Account enabled" / Block sign-in). */
export const accountEnabled: CompletionCheck = {
  name: 'account-enabled',
  run(ctx) {
    if (!ctx.user.accountEnabled) {
      throw new SsoError({
        code: 'AADSTS50057',
        check: this.name,
        message: 'The user account is disabled.',
        adminAction: `Sign-in is blocked for ${ctx.user.userPrincipalName}. To allow it, open Users › ${ctx.user.displayName} and choose "Allow sign-in".`,
        status: 403,
      });
    }
  },
};
