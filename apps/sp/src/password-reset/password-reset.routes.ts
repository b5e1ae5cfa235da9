import { csrfToken, getSession } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MIN_PASSWORD_LENGTH } from '../accounts/accounts.service.ts';
import type { Context } from '../context.ts';
import { SpError } from '../errors.ts';
import { text } from '../validation.ts';
import { setFlash, signInSession } from '../web/auth-state.ts';
import { seeOther, sendPage } from '../web/page.ts';
import { newPasswordBody, recoverBody, recoverSentBody } from './password-reset.pages.ts';
import {
  findResetLink,
  PasswordTooShort,
  requestPasswordReset,
  resetPassword,
} from './password-reset.service.ts';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function linkInvalid(): SpError {
  return new SpError(
    'link_invalid',
    404,
    'This password reset link has expired or was already used. Ask for a new one from “Lost your password?” on the sign-in page.',
    { link: { href: '/account/recover/', label: 'Ask for a new link' } },
  );
}

export function recoverPage(ctx: Context): Handler {
  return async (request, reply) =>
    sendPage(request, reply, ctx, {
      title: 'Lost your password?',
      body: recoverBody({ csrf: await csrfToken(request), email: '', errors: {} }),
    });
}

export function recover(ctx: Context): Handler {
  return async (request, reply) => {
    const email = text(request.body, 'email');
    if (!EMAIL.test(email)) {
      return sendPage(request, reply, ctx, {
        title: 'Lost your password?',
        status: 400,
        body: recoverBody({
          csrf: await csrfToken(request),
          email,
          errors: { email: 'Enter the email address you sign in with, e.g. jane@example.com.' },
        }),
      });
    }
    const sent = await requestPasswordReset(ctx.db, ctx.clock, ctx.mailer, ctx.config.baseUrl, email);
    // The account's id only: never the address in a log line.
    request.log.info({ userId: sent?.userId ?? null }, 'password reset requested');
    return sendPage(request, reply, ctx, { title: 'Check your email', body: recoverSentBody(email) });
  };
}

export function newPasswordPage(ctx: Context): Handler {
  return async (request, reply) => {
    const { token } = request.params as { token: string };
    const link = await findResetLink(ctx.db, ctx.clock, token);
    if (!link) throw linkInvalid();
    return sendPage(request, reply, ctx, {
      title: 'Choose a new password',
      body: newPasswordBody({
        csrf: await csrfToken(request),
        action: `/account/recover/confirm/${token}/`,
        email: link.email,
        errors: {},
      }),
    });
  };
}

export function setNewPassword(ctx: Context): Handler {
  return async (request, reply) => {
    const { token } = request.params as { token: string };
    const password =
      typeof (request.body as Record<string, unknown>)?.password === 'string'
        ? (request.body as Record<string, string>).password!
        : '';
    let userId: string | null;
    try {
      userId = await resetPassword(ctx.db, ctx.clock, token, password);
    } catch (error) {
      if (!(error instanceof PasswordTooShort)) throw error;
      const link = await findResetLink(ctx.db, ctx.clock, token);
      if (!link) throw linkInvalid();
      return sendPage(request, reply, ctx, {
        title: 'Choose a new password',
        status: 400,
        body: newPasswordBody({
          csrf: await csrfToken(request),
          action: `/account/recover/confirm/${token}/`,
          email: link.email,
          errors: { password: `Use ${MIN_PASSWORD_LENGTH} to 256 characters.` },
        }),
      });
    }
    if (!userId) throw linkInvalid();
    request.log.info({ userId }, 'password reset');
    const session = await getSession(request);
    signInSession(session, userId);
    setFlash(session, 'success', 'Your new password is set, and you are signed in.');
    return seeOther(reply, '/');
  };
}
