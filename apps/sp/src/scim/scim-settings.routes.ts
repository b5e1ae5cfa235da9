import { getSession } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { providerOfOrganization } from '../db/config-cache.ts';
import { orgPageAccess } from '../web/access.ts';
import { setFlash } from '../web/auth-state.ts';
import { seeOther, sendPage } from '../web/page.ts';
import { scimTokenBody } from './scim-settings.pages.ts';
import { disableScim, issueScimToken, scimBaseUrl } from './scim-token.service.ts';

// Org Settings › Auth › SCIM (owners and managers, like the rest of the auth settings).

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const access = (request: FastifyRequest, reply: FastifyReply, ctx: Context) =>
  orgPageAccess(request, reply, ctx, (request.params as { org: string }).org, {
    permission: 'auth:write',
    ownerMayBypassSso: true,
  });

/**
 * POST `/settings/:org/auth/scim/enable/`: enables SCIM or regenerates its token, and shows the token
 * in this response only (never stored, never in a redirect or the session).
 */
export function enableScim(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    const slug = a.organization.slug;
    // Sentry's rule: SCIM needs the organization's SAML SSO (its identities are what SCIM keys on).
    const provider = await providerOfOrganization(ctx.cache, a.organization.id);
    if (!provider) {
      setFlash(await getSession(request), 'error', 'Configure SAML single sign-on first: SCIM needs it.');
      return seeOther(reply, `/settings/${slug}/auth/`);
    }
    const token = await issueScimToken(ctx.db, ctx.clock, {
      organizationId: a.organization.id,
      providerId: provider.id,
      actorUserId: a.user.id,
    });
    return sendPage(request, reply, ctx, {
      title: 'SCIM token',
      org: a,
      active: 'auth',
      breadcrumbs: [
        { href: `/organizations/${slug}/`, label: a.organization.name },
        { href: `/settings/${slug}/auth/`, label: 'Auth' },
        { label: 'SCIM token' },
      ],
      body: scimTokenBody({ slug, baseUrl: scimBaseUrl(ctx.config.baseUrl, slug), token }),
    });
  };
}

/** POST `/settings/:org/auth/scim/disable/`: the token stops working; members stay as they are. */
export function disableScimRoute(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    await disableScim(ctx.db, ctx.clock, { organizationId: a.organization.id, actorUserId: a.user.id });
    setFlash(
      await getSession(request),
      'success',
      'SCIM is disabled: its token no longer works, and SSO sign-in makes new members again.',
    );
    return seeOther(reply, `/settings/${a.organization.slug}/auth/`);
  };
}
