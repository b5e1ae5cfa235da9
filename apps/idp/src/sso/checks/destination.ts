import { applicationOf, authnRequestOf, type SsoCheck } from '../context.ts';
import { SsoError } from '../sso-error.ts';

/** A Destination, when present, is this tenant's SAML endpoint (by its GUID or any verified domain). */
export const destination: SsoCheck = {
  name: 'destination',
  run(ctx) {
    const request = authnRequestOf(ctx);
    if (request.destination === null) return;
    const base = ctx.deps.config.baseUrl;
    const accepted = [ctx.tenant.id, ...ctx.tenant.domains.map((d) => d.domain)].map(
      (t) => `${base}/${t}/saml2`,
    );
    if (!accepted.includes(request.destination)) {
      throw new SsoError({
        code: 'AADSTS75008',
        check: this.name,
        message:
          'The request from the application was denied since the SAML request had an unexpected destination.',
        adminAction: `The request was addressed to ${request.destination}. In ${applicationOf(ctx).displayName}, set the IdP sign-in URL to the Login URL shown on the Single sign-on page: ${accepted[0]}.`,
        detail: { destination: request.destination },
      });
    }
  },
};
