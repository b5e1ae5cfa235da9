import { authnRequestOf, type SsoCheck } from '../context.ts';

/**
 * ForceAuthn (Core §3.4.1): the user enters a password again even with a live session. Decides whether
 * this request needs the sign-in page at all (also when nobody is signed in to this tenant).
 */
export const forceAuthn: SsoCheck = {
  name: 'force-authn',
  run(ctx) {
    ctx.prompt = !ctx.auth || authnRequestOf(ctx).forceAuthn;
  },
};
