import { csrfToken, getSession, type SafeHtml, sessionExpired } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, Deps } from '../context.ts';
import { idpError } from '../errors.ts';
import { SIGN_OUT_ACTION, sendPage } from '../http/pages.ts';
import { portalOpen } from '../signin/portal-cookie.ts';
import { currentUser } from '../signin/session-auth.ts';
import { findTenant, type Tenant } from '../tenants/tenants.repository.ts';
import { countAdmins, type User } from '../users/users.repository.ts';

/** The signed-in administrator, their tenant (the one the portal manages) and a CSRF token. */
export interface AdminContext {
  user: User;
  tenant: Tenant;
  actor: Actor;
  csrf: string;
}

/**
 * The portal is for administrators only. Signed out → the sign-in page (then back here); no
 * administrator exists yet → `/portal` (which offers to create the first one); a user who is not an
 * administrator → 403. Returns null when it has already answered.
 *
 * Signed in means the SSO session and the portal's own SameSite=Lax cookie bound to it: the SSO
 * cookie is SameSite=None, so another site can make the browser send it, and alone it is treated as
 * signed out of the portal (the sign-in page may then open the portal again, see `loginPage`).
 */
export async function requireAdmin(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<AdminContext | null> {
  const signedIn = (await portalOpen(request)) ? await currentUser(request, deps) : null;
  if (!signedIn) {
    if ((await countAdmins(deps.db)) === 0) {
      await reply.redirect('/portal', 303);
      return null;
    }
    // A form posted after the session ended: said so, with the way back to the form (kit csrf.ts).
    if (request.method !== 'GET' && request.method !== 'HEAD') throw sessionExpired(request);
    await reply.redirect(`/common/login?return=${encodeURIComponent(request.url)}`, 303);
    return null;
  }
  if (!signedIn.user.isAdmin) {
    throw idpError(
      'forbidden',
      403,
      `You are signed in as ${signedIn.user.userPrincipalName}, who is not an administrator of the directory. Sign out, then sign in with an administrator account.`,
    );
  }
  const tenant = await findTenant(deps.db, signedIn.user.tenantId);
  if (!tenant) throw idpError('tenant_not_found', 404, 'Your tenant no longer exists.');
  return {
    user: signedIn.user,
    tenant,
    actor: { id: signedIn.user.id, name: signedIn.user.userPrincipalName, correlationId: request.id },
    csrf: await csrfToken(request),
  };
}

export type NavKey =
  | 'overview'
  | 'tenants'
  | 'users'
  | 'groups'
  | 'applications'
  | 'sign-ins'
  | 'conditional-access'
  | 'audit'
  | 'api-tokens';

const NAV: ReadonlyArray<{ key: NavKey; href: string; label: string }> = [
  { key: 'overview', href: '/portal', label: 'Overview' },
  { key: 'tenants', href: '/portal/tenants', label: 'Tenants' },
  { key: 'users', href: '/portal/users', label: 'Users' },
  { key: 'groups', href: '/portal/groups', label: 'Groups' },
  { key: 'applications', href: '/portal/applications', label: 'Enterprise applications' },
  { key: 'conditional-access', href: '/portal/conditional-access', label: 'Conditional Access' },
  { key: 'sign-ins', href: '/portal/sign-ins', label: 'Sign-in logs' },
  { key: 'audit', href: '/portal/audit', label: 'Audit logs' },
  { key: 'api-tokens', href: '/portal/api-tokens', label: 'API tokens' },
];

export interface PortalPageOptions {
  title: string;
  body: SafeHtml;
  active: NavKey;
  breadcrumbs?: ReadonlyArray<{ href?: string; label: string }>;
  status?: number;
  /** A page inside an application, with its own sub-navigation. */
  subnav?: ReadonlyArray<{ href: string; label: string; active?: boolean }>;
}

/** A portal page: the left navigation, breadcrumbs from Home, the admin's name with a sign-out button. */
export async function sendPortalPage(
  request: FastifyRequest,
  reply: FastifyReply,
  admin: AdminContext,
  options: PortalPageOptions,
): Promise<FastifyReply> {
  const flash = await takeFlash(request);
  const nav =
    options.subnav ??
    NAV.map((item) => ({ href: item.href, label: item.label, active: item.key === options.active }));
  return sendPage(
    reply,
    {
      title: options.title,
      body: options.body,
      nav,
      breadcrumbs: [{ href: '/portal', label: 'Home' }, ...(options.breadcrumbs ?? [])],
      user: {
        name: `${admin.user.displayName} (${admin.tenant.name})`,
        signOutAction: SIGN_OUT_ACTION,
        csrf: admin.csrf,
      },
      flash,
    },
    options.status ?? 200,
  );
}

interface Flash {
  kind: 'success' | 'error' | 'info';
  text: string;
}

/** A message for the next page (after a redirect): what was saved. Never a secret. */
export async function setFlash(
  request: FastifyRequest,
  text: string,
  kind: Flash['kind'] = 'success',
): Promise<void> {
  (await getSession(request)).set('flash', { kind, text });
}

async function takeFlash(request: FastifyRequest): Promise<Flash | null> {
  const session = await getSession(request);
  const flash = session.get<Flash>('flash') ?? null;
  if (flash) session.set('flash', undefined);
  return flash;
}

/** Redirect after a successful post (so a reload does not post again), with a flash message. */
export async function done(
  request: FastifyRequest,
  reply: FastifyReply,
  location: string,
  message: string,
): Promise<FastifyReply> {
  await setFlash(request, message);
  return reply.redirect(location, 303);
}
