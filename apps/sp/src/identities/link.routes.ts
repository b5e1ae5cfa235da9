import { csrfToken, getSession } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { findUserById, type User } from '../accounts/accounts.repository.ts';
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
import { confirmLinkBody, linkBody, linkMail, otherBrowserBody } from './link.pages.ts';
import { completeLink, type LinkOutcome } from './link.service.ts';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const expired = () =>
  new SpError(
    'link_invalid',
    404,
    'This sign-in link request has expired or was already used. Sign in through your organization again.',
  );

interface Pending {
  link: PendingLink;
  organization: Organization;
  account: User;
}

/** The pending link this browser holds (set by the ACS), for the organization in the path. */
async function pendingOf(request: FastifyRequest, ctx: Context): Promise<Pending> {
  const { org } = request.params as { org: string };
  const organization = await findOrganizationBySlug(ctx.db, org);
  const id = (await getSession(request)).get<string>('pendingLink');
  const link = id ? await findOpenPendingLink(ctx.db, id, nowIso(ctx.clock)) : null;
  const account = link ? await findUserById(ctx.db, link.userId) : null;
  if (!organization || !link || !account || link.organizationId !== organization.id) throw expired();
  return { link, organization, account };
}

async function showLinkPage(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  pending: Pending,
  options: { error?: string; emailed?: boolean } = {},
) {
  return sendPage(request, reply, ctx, {
    title: options.emailed ? 'Check your email' : 'Link your sign-in to your account',
    status: options.error ? 400 : 200,
    body: linkBody({
      csrf: await csrfToken(request),
      ...pending,
      error: options.error ?? null,
      emailed: options.emailed ?? false,
    }),
  });
}

/** Signs this browser in as the account the pending identity now belongs to, and goes on. */
async function signInLinked(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  pending: { link: PendingLink; organization: Organization },
  outcome: LinkOutcome,
) {
  const { link, organization } = pending;
  const { userId, ssoSessionId } = await completeLink(ctx.db, ctx.clock, link, outcome);
  const session = await getSession(request);
  signInSession(
    session,
    userId,
    ssoSessionId ? { organizationId: organization.id, ssoSessionId } : undefined,
  );
  setFlash(
    session,
    'success',
    outcome.via === 'separate account'
      ? `You are signed in to ${organization.name} with an account of its own.`
      : `Your ${organization.name} sign-in is now linked to your account.`,
  );
  request.log.info(
    { userId, organizationId: organization.id, via: outcome.via },
    'pending identity completed',
  );
  return seeOther(reply, link.nextPath);
}

export function linkPage(ctx: Context): Handler {
  return async (request, reply) => showLinkPage(request, reply, ctx, await pendingOf(request, ctx));
}

export function linkWithPassword(ctx: Context): Handler {
  return async (request, reply) => {
    const pending = await pendingOf(request, ctx);
    const { link, account } = pending;
    const password = String((request.body as Record<string, unknown>)?.password ?? '');
    // The password of the account with this email, and only that account.
    const emailMatches = normalizeEmail(text(request.body, 'email') || link.email) === account.email;
    const proved =
      emailMatches && password ? await verifyAccountPassword(ctx.db, ctx.clock, link.userId, password) : null;
    if (!proved) {
      return showLinkPage(request, reply, ctx, pending, {
        error: 'That password is not right for this account. Try again, or choose another way below.',
      });
    }
    return signInLinked(request, reply, ctx, pending, { via: 'password' });
  };
}

export function linkByEmail(ctx: Context): Handler {
  return async (request, reply) => {
    const pending = await pendingOf(request, ctx);
    const { link, organization, account } = pending;
    // Only an address the Workspace verified: mail to an address nobody proved could reach anyone.
    if (!account.emailVerified) {
      return showLinkPage(request, reply, ctx, pending, {
        error: 'This account’s email address is not verified, so no link can be sent to it.',
      });
    }
    const token = newToken();
    await setPendingLinkToken(ctx.db, link.id, hashToken(token));
    await ctx.mailer.send(
      linkMail({ account, organization, link, url: `${ctx.config.baseUrl}/auth/link/confirm/${token}/` }),
    );
    return showLinkPage(request, reply, ctx, pending, { emailed: true });
  };
}

export function linkSeparateAccount(ctx: Context): Handler {
  return async (request, reply) =>
    signInLinked(request, reply, ctx, await pendingOf(request, ctx), { via: 'separate account' });
}

/**
 * The pending link a mailed link names, opened in the browser that asked for it: the one whose session
 * holds it. Opened anywhere else (the account owner's mail reached by someone else's request, or the
 * link passed on) it links nothing.
 */
async function byToken(request: FastifyRequest, ctx: Context) {
  const { token } = request.params as { token: string };
  const link = await findOpenPendingLinkByToken(ctx.db, hashToken(token), nowIso(ctx.clock));
  const organization = link ? await findOrganizationById(ctx.db, link.organizationId) : null;
  const account = link ? await findUserById(ctx.db, link.userId) : null;
  if (!link || !organization || !account?.emailVerified) throw expired();
  const sameBrowser = (await getSession(request)).get<string>('pendingLink') === link.id;
  return { link, organization, account, token, sameBrowser };
}

export function confirmLinkPage(ctx: Context): Handler {
  return async (request, reply) => {
    const { link, organization, account, token, sameBrowser } = await byToken(request, ctx);
    if (!sameBrowser) {
      return sendPage(request, reply, ctx, {
        title: 'Open this link where you signed in',
        status: 403,
        body: otherBrowserBody(organization),
      });
    }
    return sendPage(request, reply, ctx, {
      title: 'Confirm the link',
      body: confirmLinkBody({ csrf: await csrfToken(request), organization, link, account, token }),
    });
  };
}

export function confirmLink(ctx: Context): Handler {
  return async (request, reply) => {
    const { link, organization, sameBrowser } = await byToken(request, ctx);
    if (!sameBrowser) {
      request.log.warn({ pendingLinkId: link.id }, 'emailed link confirmed from another browser: refused');
      return sendPage(request, reply, ctx, {
        title: 'Open this link where you signed in',
        status: 403,
        body: otherBrowserBody(organization),
      });
    }
    return signInLinked(request, reply, ctx, { link, organization }, { via: 'emailed link' });
  };
}
