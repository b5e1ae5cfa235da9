import type { SsoCheck } from '../context.ts';
import { signInApplicationByIdentifier } from '../sign-in-config.ts';
import { SsoError } from '../sso-error.ts';

/** The request's Issuer is one of the Identifiers of an application in this tenant (exact match). */
export const knownApplication: SsoCheck = {
  name: 'known-application',
  async run(ctx) {
    const issuer = ctx.issuer ?? '';
    const app = await signInApplicationByIdentifier(ctx.deps, ctx.tenant.id, issuer);
    if (!app) {
      throw new SsoError({
        code: 'AADSTS700016',
        check: this.name,
        message: `Application with identifier '${issuer}' was not found in the directory '${ctx.tenant.name}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        adminAction: `The application sent the Identifier '${issuer}'. Add it to the Identifiers (Entity ID) in the application's Basic SAML Configuration, or correct the entity ID configured in the application, so that both are the same, character for character (including any trailing slash).`,
        detail: { issuer },
      });
    }
    ctx.application = app;
  },
};
