import { AUTHN_CONTEXT, STATUS } from '@federa/saml';
import { authnRequestOf, type SsoCheck } from '../context.ts';
import { SsoStatusRefusal } from '../sso-error.ts';

/** What a password sign-in over this service satisfies. */
const SATISFIABLE: readonly string[] = [
  AUTHN_CONTEXT.password,
  AUTHN_CONTEXT.passwordProtectedTransport,
  AUTHN_CONTEXT.unspecified,
];

/**
 * RequestedAuthnContext (Core §3.3.2.2.1): satisfied when a listed class is one a password sign-in
 * gives (Password, PasswordProtectedTransport, unspecified): with `exact`, `minimum` or `maximum`
 * any of those; with `better`, only when the list names Password or unspecified (transport protection
 * is better than a bare password). The assertion then carries the class asked for. Otherwise a
 * NoAuthnContext status goes back (Entra: AADSTS75011).
 */
export const requestedAuthnContext: SsoCheck = {
  name: 'requested-authn-context',
  run(ctx) {
    const requested = authnRequestOf(ctx).requestedAuthnContext;
    if (!requested) {
      ctx.authnContextClassRef = AUTHN_CONTEXT.password;
      return;
    }
    const refs = requested.classRefs;
    let chosen: string | undefined;
    if (requested.comparison === 'better') {
      chosen = refs.some((r) => r === AUTHN_CONTEXT.password || r === AUTHN_CONTEXT.unspecified)
        ? AUTHN_CONTEXT.passwordProtectedTransport
        : undefined;
    } else {
      chosen = refs.find((r) => SATISFIABLE.includes(r));
    }
    if (!chosen) {
      throw new SsoStatusRefusal({
        code: 'AADSTS75011',
        check: this.name,
        status: {
          code: STATUS.responder,
          subCode: STATUS.noAuthnContext,
          message: `Authentication method 'Password' by which the user authenticates doesn't match the requested authentication method (${requested.comparison}: ${[...refs, ...requested.declRefs].join(', ')}).`,
        },
      });
    }
    ctx.authnContextClassRef = chosen;
  },
};
