import { sessionExpired } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../accounts/accounts.repository.ts';
import type { Context } from '../context.ts';
import { organizationBySlug, providerOfOrganization } from '../db/config-cache.ts';
import { forbidden, memberSuspended, notFound } from '../errors.ts';
import { findMembership, type Organization } from '../organizations/organizations.repository.ts';
import { can, type Permission, type Role } from '../organizations/roles.ts';
import type { Provider } from '../providers/providers.repository.ts';
import { isTopLevelNavigation, sendsStraightToIdp, startSsoForPage } from '../sso/straight-to-idp.ts';
import { currentUser, hasLiveSsoSession } from './auth-state.ts';
import { safeNextPath } from './safe-path.ts';

export interface OrgAccess {
  user: User;
  organization: Organization;
  role: Role;
  provider: Provider | null;
}

export type AccessOutcome =
  | { kind: 'ok'; access: OrgAccess }
  /** Not signed in: go to the organization's login page (or straight to its IdP, see orgPageAccess). */
  | { kind: 'sign-in'; loginUrl: string; organization: Organization; nextPath: string }
  /** Signed in, but Require SSO is on and this browser has no live SSO session for the organization. */
  | { kind: 'sso-required'; loginUrl: string };

export function loginUrlFor(slug: string, next?: string): string {
  const base = `/auth/login/${slug}/`;
  return next ? `${base}?next=${encodeURIComponent(next)}` : base;
}

/**
 * Who may see an organization's page: a signed-in member, with a live SSO session when the
 * organization requires SSO, and with `permission` when given. Owners may reach the auth settings
 * without SSO (`ownerMayBypassSso`), so that a broken IdP cannot lock the organization out for good.
 */
export async function checkOrgAccess(
  request: FastifyRequest,
  ctx: Context,
  slug: string,
  options: { permission?: Permission; ownerMayBypassSso?: boolean } = {},
): Promise<AccessOutcome> {
  const organization = await organizationBySlug(ctx.cache, slug);
  if (!organization) throw notFound('organization');
  const next = safeNextPath(request.url, ctx.config.baseUrl) ?? undefined;
  const user = await currentUser(request, ctx);
  if (!user) {
    const nextPath = next ?? `/organizations/${slug}/`;
    return { kind: 'sign-in', loginUrl: loginUrlFor(slug, next), organization, nextPath };
  }
  const membership = await findMembership(ctx.db, organization.id, user.id);
  if (!membership)
    throw forbidden('You are not a member of this organization. Ask one of its owners for an invitation.');
  // Suspended by SCIM: refused on the next request, whatever session the browser holds.
  if (membership.suspended) throw memberSuspended(organization.name);
  const provider = await providerOfOrganization(ctx.cache, organization.id);
  const bypass = options.ownerMayBypassSso && membership.role === 'owner';
  if (provider?.status === 'active' && provider.requireSso && !bypass) {
    if (!(await hasLiveSsoSession(request, ctx, organization.id, user.id))) {
      return { kind: 'sso-required', loginUrl: loginUrlFor(slug, next) };
    }
  }
  if (options.permission && !can(membership.role, options.permission)) {
    throw forbidden('Only owners and managers of this organization can open this page.');
  }
  return { kind: 'ok', access: { user, organization, role: membership.role, provider } };
}

/**
 * For pages: the access, or null after redirecting to the organization's login page; or, for a
 * signed-out visitor of an organization that sends its members straight to its IdP, after starting
 * the sign-in there (sso/straight-to-idp.ts). Pages owners may open without SSO keep the login page,
 * whose password form is the way in when the IdP is broken.
 */
export async function orgPageAccess(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  slug: string,
  options: { permission?: Permission; ownerMayBypassSso?: boolean } = {},
): Promise<OrgAccess | null> {
  const outcome = await checkOrgAccess(request, ctx, slug, options);
  if (outcome.kind === 'ok') return outcome.access;
  // A form posted after the session (or the SSO session it needs) ended: said so, with the way back.
  if (request.method !== 'GET' && request.method !== 'HEAD') throw sessionExpired(request);
  if (outcome.kind === 'sign-in' && !options.ownerMayBypassSso && isTopLevelNavigation(request)) {
    const provider = await providerOfOrganization(ctx.cache, outcome.organization.id);
    if (sendsStraightToIdp(provider)) {
      await startSsoForPage(request, reply, ctx, {
        organization: outcome.organization,
        provider,
        nextPath: outcome.nextPath,
      });
      return null;
    }
  }
  reply.status(303).header('location', outcome.loginUrl).send();
  return null;
}

/** For pages that only need a signed-in account: the user, or null after redirecting to sign in. */
export async function requireUser(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
): Promise<User | null> {
  const user = await currentUser(request, ctx);
  if (user) return user;
  if (request.method !== 'GET' && request.method !== 'HEAD') throw sessionExpired(request);
  const next = safeNextPath(request.url, ctx.config.baseUrl);
  reply
    .status(303)
    .header('location', next ? `/auth/login/?next=${encodeURIComponent(next)}` : '/auth/login/')
    .send();
  return null;
}
