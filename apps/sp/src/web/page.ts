import { csrfToken, getSession, html, renderPage, type SafeHtml } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import type { Organization } from '../organizations/organizations.repository.ts';
import { can, type Role } from '../organizations/roles.ts';
import { currentUser, takeFlash } from './auth-state.ts';

export interface PageInput {
  title: string;
  body: SafeHtml;
  /** The organization the page belongs to: shows its navigation. */
  org?: { organization: Organization; role: Role } | null;
  /** The nav entry to mark current. */
  active?: string;
  breadcrumbs?: ReadonlyArray<{ href?: string; label: string }>;
  status?: number;
  /**
   * false: render without the browser session (no signed-in user, flash or CSRF token), so that the
   * response sets no session cookie. For pages answering a cross-site POST (the ACS): the browser's
   * SameSite=Lax session cookie is not sent with it, and a new session cookie would replace it.
   */
  session?: false;
}

function orgNav(org: Organization, role: Role, active: string | undefined) {
  const items = [
    { key: 'home', href: `/organizations/${org.slug}/`, label: 'Overview' },
    { key: 'members', href: `/settings/${org.slug}/members/`, label: 'Members' },
    { key: 'teams', href: `/settings/${org.slug}/teams/`, label: 'Teams' },
  ];
  if (can(role, 'auth:write')) {
    items.push({ key: 'auth', href: `/settings/${org.slug}/auth/`, label: 'Auth' });
    items.push({ key: 'domains', href: `/settings/${org.slug}/domains/`, label: 'Verified domains' });
    items.push({
      key: 'attempts',
      href: `/settings/${org.slug}/auth/attempts/`,
      label: 'SSO sign-in attempts',
    });
  }
  if (can(role, 'audit:read'))
    items.push({ key: 'audit', href: `/settings/${org.slug}/audit-log/`, label: 'Audit log' });
  return items.map((item) => ({ href: item.href, label: item.label, active: item.key === active }));
}

/** Sends a full page in the Workspace layout: signed-in user with sign-out, navigation, flash. */
export async function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  input: PageInput,
): Promise<FastifyReply> {
  const withSession = input.session !== false;
  const user = withSession ? await currentUser(request, ctx) : null;
  const flash = withSession ? takeFlash(await getSession(request)) : null;
  const csrf = withSession ? await csrfToken(request) : '';
  const nav = input.org
    ? orgNav(input.org.organization, input.org.role, input.active)
    : user
      ? [{ href: '/', label: 'Organizations', active: input.active === 'organizations' }]
      : [];
  if (ctx.mailer.kind === 'outbox')
    nav.push({ href: '/dev/outbox/', label: 'Dev outbox', active: input.active === 'outbox' });
  const body = renderPage({
    brand: ctx.brand,
    title: input.title,
    body: input.body,
    nav,
    breadcrumbs: input.breadcrumbs,
    user: user ? { name: user.email, signOutAction: '/auth/logout/', csrf } : null,
    flash,
  });
  return reply
    .status(input.status ?? 200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body);
}

/** A 303 to a same-origin path (after a form post, so that reload does not post again). */
export function seeOther(reply: FastifyReply, path: string): FastifyReply {
  return reply.status(303).header('location', path).send();
}

export const submitButton = (label: string, kind: 'primary' | 'secondary' | 'danger' = 'primary'): SafeHtml =>
  html`<button type="submit"${kind === 'primary' ? null : html` class="${kind}"`}>${label}</button>`;
