import { applicationOf, type SsoCheck } from '../context.ts';
import { SsoError } from '../sso-error.ts';

/** Properties › "Enabled for users to sign-in?" is Yes. */
export const applicationEnabled: SsoCheck = {
  name: 'application-enabled',
  run(ctx) {
    const app = applicationOf(ctx);
    if (!app.enabledForSignIn) {
      throw new SsoError({
        code: 'AADSTS7000112',
        check: this.name,
        message: `Application '${app.appId}'(${app.displayName}) is disabled.`,
        adminAction: `Set "Enabled for users to sign-in?" to Yes in Enterprise applications › ${app.displayName} › Properties.`,
        status: 403,
      });
    }
  },
};
