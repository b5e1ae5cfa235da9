import { card, csrfToken, getSession, html } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { findUserById } from '../accounts/accounts.repository.ts';
import { verifyAccountPassword } from '../accounts/accounts.service.ts';
import { type Context, nowIso } from '../context.ts';
import { SpError } from '../errors.ts';
import {
  findOrganizationById,
  findOrganizationBySlug,
  type Organization,
} from '../organizations/organizations.repository.ts';
import { hashToken, newToken } from '../organizations/organizations.service.ts';
import { normalizeEmail, text } from '../validation.ts';
import { setFlash, signInSession } from '../web/auth-state.ts';
import { seeOther, sendPage } from '../web/page.ts';
import {
  findOpenPendingLink,
  findOpenPendingLinkByToken,
  type PendingLink,
  setPendingLinkToken,
} from './identities.repository.ts';
import { confirmLinkBody, linkBody } from './link.pages.ts';
import { completeLink } from './link.service.ts';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const expired = () =>
  new SpError(
    'link_invalid',
    404,
    'This sign-in link request has expired or was already used. Sign in through your organization again.',
  );

/** The pending link this browser holds (set by the ACS), for the organization in the path. */
async function pendingOf(
  request: FastifyRequest,
  ctx: Context,
): Promise<{ link: PendingLink; organization: Organization }> {
  const { org } = request.params as { org: string };
  const organization = await findOrganizationBySlug(ctx.db, org);
  const id = (await getSession(request)).get<string>('pendingLink');
  const link = id ? await findOpenPendingLink(ctx.db, id, nowIso(ctx.clock)) : null;
  if (!organization || !link || link.organizationId !== organization.id) throw expired();
  return { link, organization };
}

export function linkPage(ctx: Context): Handler {
  return async (request, reply) => {
    const { link, organization } = await pendingOf(request, ctx);
    return sendPage(request, reply, ctx, {
      title: 'Link your sign-in to your account',
      body: linkBody({ csrf: await csrfToken(request), organization, link, errors: {}, emailed: false }),
    });
  };
}

export function linkWithPassword(ctx: Context): Handler {
  return async (request, reply) => {
    const { link, organization } = await pendingOf(request, ctx);
    const password = String((request.body as Record<string, unknown>)?.password ?? '');
    const account = await findUserById(ctx.db, link.userId);
    // The password of the account with this email, and only that account.
    const emailMatches = normalizeEmail(text(request.body, 'email') || link.email) === account?.email;
    const proved =
      account && emailMatches && password
        ? await verifyAccountPassword(ctx.db, ctx.clock, link.userId, password)
        : null;
    if (!proved) {
      return sendPage(request, reply, ctx, {
        title: 'Link your sign-in to your account',
        status: 400,
        body: linkBody({
          csrf: await csrfToken(request),
          organization,
          link,
          errors: { form: 'That password is not right for this account. Try again, or get a link by email.' },
          emailed: false,
        }),
      });
    }
    const { ssoSessionId } = await completeLink(ctx.db, ctx.clock, link, 'password');
    const session = await getSession(request);
    signInSession(
      session,
      link.userId,
      ssoSessionId ? { organizationId: organization.id, ssoSessionId } : undefined,
    );
    setFlash(session, 'success', `Your ${organization.name} sign-in is now linked to your account.`);
    return seeOther(reply, link.nextPath);
  };
}

export function linkByEmail(ctx: Context): Handler {
  return async (request, reply) => {
    const { link, organization } = await pendingOf(request, ctx);
    const account = await findUserById(ctx.db, link.userId);
    if (!account) throw expired();
    const token = newToken();
    await setPendingLinkToken(ctx.db, link.id, hashToken(token));
    await ctx.mailer.send({
      to: account.email,
      subject: `Link your ${organization.name} sign-in to your Federa Workspace account`,
      text: `Someone signed in to ${organization.name} through its identity provider as ${link.email} and asked to link that sign-in to your Federa Workspace account.\n\nIf that was you, open this link within 30 minutes and confirm:\n${ctx.config.baseUrl}/auth/link/confirm/${token}/\n\nIf it was not you, ignore this email: nothing is linked without your confirmation.\n`,
    });
    return sendPage(request, reply, ctx, {
      title: 'Check your email',
      body: linkBody({ csrf: await csrfToken(request), organization, link, errors: {}, emailed: true }),
    });
  };
}

async function byToken(request: FastifyRequest, ctx: Context) {
  const { token } = request.params as { token: string };
  const link = await findOpenPendingLinkByToken(ctx.db, hashToken(token), nowIso(ctx.clock));
  const organization = link ? await findOrganizationById(ctx.db, link.organizationId) : null;
  if (!link || !organization) throw expired();
  return { link, organization, token };
}

export function confirmLinkPage(ctx: Context): Handler {
  return async (request, reply) => {
    const { link, organization, token } = await byToken(request, ctx);
    return sendPage(request, reply, ctx, {
      title: 'Confirm the link',
      body: confirmLinkBody({ csrf: await csrfToken(request), organization, link, token }),
    });
  };
}

export function confirmLink(ctx: Context): Handler {
  return async (request, reply) => {
    const { link, organization } = await byToken(request, ctx);
    await completeLink(ctx.db, ctx.clock, link, 'emailed link');
    return sendPage(request, reply, ctx, {
      title: 'Sign-in linked',
      body: card(
        null,
        html`<p role="status">Your ${organization.name} sign-in is linked to your account. From now on, signing in through ${organization.name}’s identity provider takes you straight in.</p>
<div class="actions"><a class="button" href="/auth/login/${organization.slug}/">Sign in to ${organization.name}</a></div>`,
      ),
    });
  };
}
