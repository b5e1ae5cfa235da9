import { csrfToken, getSession } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { startSingleLogout } from '../sso/sign-out-at-idp.ts';
import { text, ValidationError } from '../validation.ts';
import { currentUser, forgetCurrentUser, signInSession, signOutSession } from '../web/auth-state.ts';
import { seeOther, sendPage } from '../web/page.ts';
import { safeNextPath } from '../web/safe-path.ts';
import { signInBody, signUpBody, singleLogoutBody } from './accounts.pages.ts';
import { checkPassword, createAccount } from './accounts.service.ts';
import { mailVerification } from './email-verification.routes.ts';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const nextOf = (request: FastifyRequest, ctx: Context): string | null => {
  const fromQuery = (request.query as Record<string, string | undefined>).next;
  const fromBody = text(request.body, 'next');
  return safeNextPath(fromBody || fromQuery, ctx.config.baseUrl);
};

export function signInPage(ctx: Context): Handler {
  return async (request, reply) => {
    const next = nextOf(request, ctx);
    if (await currentUser(request, ctx)) return seeOther(reply, next ?? '/');
    return sendPage(request, reply, ctx, {
      title: 'Sign in',
      body: signInBody({ csrf: await csrfToken(request), next, email: '', errors: {} }),
    });
  };
}

export function signIn(ctx: Context): Handler {
  return async (request, reply) => {
    const next = nextOf(request, ctx);
    const email = text(request.body, 'email');
    const password =
      typeof (request.body as Record<string, unknown>)?.password === 'string'
        ? ((request.body as Record<string, string>).password ?? '')
        : '';
    const user = email && password ? await checkPassword(ctx.db, ctx.clock, email, password) : null;
    if (!user) {
      return sendPage(request, reply, ctx, {
        title: 'Sign in',
        status: 400,
        body: signInBody({
          csrf: await csrfToken(request),
          next,
          email,
          errors: { form: 'The email or password is not right. Check both and try again.' },
        }),
      });
    }
    signInSession(await getSession(request), user.id);
    request.log.info({ userId: user.id }, 'signed in with password');
    return seeOther(reply, next ?? '/');
  };
}

export function signUpPage(ctx: Context): Handler {
  return async (request, reply) =>
    sendPage(request, reply, ctx, {
      title: 'Create account',
      body: signUpBody({
        csrf: await csrfToken(request),
        next: nextOf(request, ctx),
        values: { name: '', email: '' },
        errors: {},
      }),
    });
}

export function signUp(ctx: Context): Handler {
  return async (request, reply) => {
    const next = nextOf(request, ctx);
    const values = { name: text(request.body, 'name'), email: text(request.body, 'email') };
    const password = String((request.body as Record<string, unknown>)?.password ?? '');
    try {
      const user = await createAccount(ctx.db, ctx.clock, { ...values, password });
      signInSession(await getSession(request), user.id);
      await mailVerification(request, ctx, user);
      return seeOther(reply, next ?? '/');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return sendPage(request, reply, ctx, {
        title: 'Create account',
        status: 400,
        body: signUpBody({ csrf: await csrfToken(request), next, values, errors: error.fields }),
      });
    }
  };
}

export function signOut(ctx: Context): Handler {
  return async (request, reply) => {
    const session = await getSession(request);
    const user = await currentUser(request, ctx);
    // Single logout at the IdP, where the organization turned it on (otherwise a local sign-out).
    const redirect = user ? await startSingleLogout(request, ctx, session, user.id) : null;
    if (!redirect) {
      signOutSession(session);
      return seeOther(reply, '/');
    }
    forgetCurrentUser(request);
    // Not a redirect: Chromium applies the sign-out form's CSP form-action ('self') to every hop the
    // form's navigation takes, so the hop to the IdP is a new navigation, started by this page.
    return sendPage(request, reply, ctx, {
      title: 'Signing out',
      body: singleLogoutBody(redirect),
    });
  };
}
