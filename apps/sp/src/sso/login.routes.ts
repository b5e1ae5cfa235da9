import { allowFormActionTo, card, csrfToken, hiddenCsrf, html } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { signInForm } from '../accounts/accounts.pages.ts';
import type { Context } from '../context.ts';
import { organizationBySlug, providerOfOrganization } from '../db/config-cache.ts';
import { notFound, SpError } from '../errors.ts';
import { PROVIDER_LABEL } from '../providers/providers.repository.ts';
import { text } from '../validation.ts';
import { currentUser } from '../web/auth-state.ts';
import { sendPage } from '../web/page.ts';
import { safeNextPath } from '../web/safe-path.ts';
import { startSso } from './start.ts';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

function nextOf(request: FastifyRequest, ctx: Context, slug: string): string {
  const raw = text(request.body, 'next') || (request.query as Record<string, string | undefined>).next;
  return safeNextPath(raw, ctx.config.baseUrl) ?? `/organizations/${slug}/`;
}

/**
 * GET /auth/login/{org}/: the organization's login page. With active SSO it offers the IdP (one button,
 * which starts SP-initiated SSO by POST); without it, email and password. It never starts a sign-in
 * by itself, even where the organization sends members straight to its IdP (sso/straight-to-idp.ts):
 * it is where a failed sign-in's "Try again" leads, and where owners keep their password.
 */
export function organizationLoginPage(ctx: Context): Handler {
  return async (request, reply) => {
    const { org } = request.params as { org: string };
    const organization = await organizationBySlug(ctx.cache, org);
    if (!organization) throw notFound('organization');
    const provider = await providerOfOrganization(ctx.cache, organization.id);
    const next = nextOf(request, ctx, org);
    const csrf = await csrfToken(request);
    const user = await currentUser(request, ctx);
    const sso = provider?.status === 'active';
    const ssoCard = sso
      ? card(
          null,
          html`<p>${organization.name} signs in with ${PROVIDER_LABEL[provider!.kind]}.${provider!.requireSso ? ' Its members must use it.' : ''}</p>
<form method="post" action="/auth/login/${org}/">${hiddenCsrf(csrf)}<input type="hidden" name="next" value="${next}">
<div class="actions"><button type="submit">Continue with ${PROVIDER_LABEL[provider!.kind]}</button></div></form>`,
        )
      : null;
    const passwordCard = user
      ? null
      : signInForm({
          csrf,
          next,
          email: '',
          errors: {},
          heading: sso ? 'Or sign in with email and password' : 'Sign in with email and password',
        });
    // The button's POST is answered by a redirect to the IdP: the page's CSP must allow that hop.
    if (sso) allowFormActionTo(reply, [provider!.ssoUrl]);
    return sendPage(request, reply, ctx, {
      title: `Sign in to ${organization.name}`,
      body: html`${ssoCard}${passwordCard}${user && !sso ? card(null, html`<p>You are signed in as ${user.email}. <a href="${next}">Continue</a>.</p>`) : null}`,
    });
  };
}

/** POST /auth/login/{org}/: starts SP-initiated SSO. */
export function startOrganizationLogin(ctx: Context): Handler {
  return async (request, reply) => {
    const { org } = request.params as { org: string };
    const organization = await organizationBySlug(ctx.cache, org);
    if (!organization) throw notFound('organization');
    const provider = await providerOfOrganization(ctx.cache, organization.id);
    if (provider?.status !== 'active') {
      throw new SpError(
        'sso_not_configured',
        409,
        'This organization does not sign in with single sign-on. Sign in with email and password.',
      );
    }
    // Who is signed in here does not matter to a login: the response decides who signs in (only a
    // setup records its admin, see settings.routes.ts).
    return startSso(request, reply, ctx, {
      organization,
      provider,
      purpose: 'login',
      userId: null,
      nextPath: nextOf(request, ctx, org),
    });
  };
}
