import { card, csrfToken, getSession, hiddenCsrf, html, type SafeHtml } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Context, nowIso } from '../context.ts';
import { SpError } from '../errors.ts';
import { type OrgAccess, orgPageAccess } from '../web/access.ts';
import { setFlash, signInSession } from '../web/auth-state.ts';
import { seeOther, sendPage } from '../web/page.ts';
import { findOpenPendingLink, type PendingLink } from './identities.repository.ts';
import { confirmSetupIdentity, declineSetupIdentity } from './setup-identity.service.ts';

// /settings/{org}/auth/setup-identity/: "Test and finish setup" came back as someone with another
// email address than the admin who pressed it. The page names both; only the admin's yes links them.

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const gone = () =>
  new SpError(
    'link_invalid',
    404,
    'This setup sign-in has expired or was already confirmed or declined. Press “Test and finish setup” again.',
  );

/** The admin, and the pending identity this browser's setup sign-in left for them. */
async function pendingOf(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
): Promise<{ a: OrgAccess; link: PendingLink } | null> {
  const a = await orgPageAccess(request, reply, ctx, (request.params as { org: string }).org, {
    permission: 'auth:write',
    ownerMayBypassSso: true,
  });
  if (!a) return null;
  const id = (await getSession(request)).get<string>('pendingSetupLink');
  const link = id ? await findOpenPendingLink(ctx.db, id, nowIso(ctx.clock)) : null;
  if (!link || link.organizationId !== a.organization.id || link.userId !== a.user.id) throw gone();
  return { a, link };
}

function body(csrf: string, a: OrgAccess, link: PendingLink): SafeHtml {
  const base = `/settings/${a.organization.slug}/auth/setup-identity`;
  return card(
    'Is this you at the identity provider?',
    html`<p role="alert">The identity provider signed in <strong>${link.name} (${link.email})</strong>, but you are <strong>${a.user.email}</strong> here.</p>
<p>If you link them, whoever signs in to the identity provider as ${link.email} signs in to ${a.organization.name} as you, ${a.user.email}, with your role. Link them only if ${link.email} is your own account at the identity provider.</p>
<form method="post" action="${base}/confirm/">${hiddenCsrf(csrf)}<div class="actions"><button type="submit">Link ${link.email} to ${a.user.email} and finish setup</button></div></form>
<form method="post" action="${base}/decline/">${hiddenCsrf(csrf)}<p>Not you? Nothing is linked and single sign-on stays off: sign out of the identity provider, then press “Test and finish setup” again and sign in there as yourself.</p><div class="actions"><button type="submit" class="secondary">It is not me: link nothing</button></div></form>`,
  );
}

export function setupIdentityPage(ctx: Context): Handler {
  return async (request, reply) => {
    const pending = await pendingOf(request, reply, ctx);
    if (!pending) return reply;
    return sendPage(request, reply, ctx, {
      title: 'Confirm your identity provider account',
      org: pending.a,
      active: 'auth',
      body: body(await csrfToken(request), pending.a, pending.link),
    });
  };
}

export function confirmSetupIdentityRoute(ctx: Context): Handler {
  return async (request, reply) => {
    const pending = await pendingOf(request, reply, ctx);
    if (!pending) return reply;
    const { a, link } = pending;
    const { ssoSessionId, activated } = await confirmSetupIdentity(ctx.db, ctx.clock, link);
    const session = await getSession(request);
    session.set('pendingSetupLink', undefined);
    if (ssoSessionId) signInSession(session, a.user.id, { organizationId: a.organization.id, ssoSessionId });
    setFlash(
      session,
      'success',
      activated
        ? 'Single sign-on works and is now active for this organization.'
        : `Your account is now linked to ${link.email} at the identity provider.`,
    );
    return seeOther(reply, link.nextPath);
  };
}

export function declineSetupIdentityRoute(ctx: Context): Handler {
  return async (request, reply) => {
    const pending = await pendingOf(request, reply, ctx);
    if (!pending) return reply;
    await declineSetupIdentity(ctx.db, ctx.clock, pending.link);
    const session = await getSession(request);
    session.set('pendingSetupLink', undefined);
    setFlash(
      session,
      'error',
      `Nothing was linked. Sign out of the identity provider, then press “Test and finish setup” and sign in there as ${pending.a.user.email}.`,
    );
    return seeOther(reply, `/settings/${pending.a.organization.slug}/auth/`);
  };
}
