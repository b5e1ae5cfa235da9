import { card, getSession, hiddenCsrf, html, type SafeHtml } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { SpError } from '../errors.ts';
import { requireUser } from '../web/access.ts';
import { setFlash } from '../web/auth-state.ts';
import { seeOther, sendPage } from '../web/page.ts';
import type { User } from './accounts.repository.ts';
import { sendEmailVerification, verifyEmailToken } from './email-verification.ts';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** A card asking a Workspace-wide account to verify its address, with a button to mail the link again. */
export function verifyEmailNotice(user: User, csrf: string): SafeHtml | null {
  if (user.emailVerified || user.scopeOrganizationId) return null;
  return card(
    'Verify your email address',
    html`<p>We sent a link to <strong>${user.email}</strong>. Until you open it, nobody can link a sign-in to this account by email.</p>
<form method="post" action="/auth/verify-email/">${hiddenCsrf(csrf)}<div class="actions"><button type="submit" class="secondary">Send the link again</button></div></form>`,
  );
}

/** Mails the verification link; a Workspace that cannot send mail says so, and the sign-up still stands. */
export async function mailVerification(request: FastifyRequest, ctx: Context, user: User): Promise<void> {
  try {
    await sendEmailVerification(ctx.db, ctx.clock, ctx.mailer, ctx.config.baseUrl, user);
  } catch (error) {
    if (!(error instanceof SpError) || error.code !== 'mail_unavailable') throw error;
    setFlash(await getSession(request), 'error', error.message);
  }
}

export function resendVerification(ctx: Context): Handler {
  return async (request, reply) => {
    const user = await requireUser(request, reply, ctx);
    if (!user) return reply;
    if (!user.emailVerified && !user.scopeOrganizationId) {
      await sendEmailVerification(ctx.db, ctx.clock, ctx.mailer, ctx.config.baseUrl, user);
      setFlash(await getSession(request), 'success', `We sent a new link to ${user.email}.`);
    }
    return seeOther(reply, '/');
  };
}

export function verifyEmail(ctx: Context): Handler {
  return async (request, reply) => {
    const { token } = request.params as { token: string };
    const userId = await verifyEmailToken(ctx.db, ctx.clock, token);
    if (!userId) {
      throw new SpError(
        'link_invalid',
        404,
        'This verification link has expired or was already used. Sign in and send yourself a new one.',
      );
    }
    request.log.info({ userId }, 'email address verified');
    return sendPage(request, reply, ctx, {
      title: 'Email address verified',
      body: card(
        null,
        html`<p role="status">Your email address is verified.</p><div class="actions"><a class="button" href="/">Continue</a></div>`,
      ),
    });
  };
}
