import { allowFormActionTo, getSession } from '@federa/kit';
import { BINDING, buildAuthnRequest, encodeRedirect, postForm } from '@federa/saml';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { addSeconds, type Context } from '../context.ts';
import type { Organization } from '../organizations/organizations.repository.ts';
import type { Provider } from '../providers/providers.repository.ts';
import { signsRequests, spSigningCredential } from '../request-signing/sp-signing-key.ts';
import { browserKey, hashBrowserKey } from './browser-binding.ts';
import { insertPendingRequest, type SsoPurpose } from './pending-requests.repository.ts';
import { spUrls } from './urls.ts';

/** How long a sign-in started here may take at the IdP. */
const PENDING_SECONDS = 10 * 60;

/**
 * Starts SP-initiated SSO: an AuthnRequest recorded as pending for this browser, sent to the IdP by
 * HTTP-Redirect (or by HTTP-POST when the IdP offers only that). RelayState is the same-origin path to
 * return to, which the ACS takes from the pending request, not from what comes back.
 */
export async function startSso(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  input: {
    organization: Organization;
    provider: Provider;
    purpose: SsoPurpose;
    userId: string | null;
    nextPath: string;
  },
): Promise<FastifyReply> {
  const urls = spUrls(ctx.config.baseUrl, input.organization.slug);
  const id = ctx.random.id();
  const now = ctx.clock.now();
  const key = browserKey(request, reply, ctx.config.secureCookies);
  await insertPendingRequest(ctx.db, {
    id,
    organizationId: input.organization.id,
    providerId: input.provider.id,
    purpose: input.purpose,
    userId: input.userId,
    nextPath: input.nextPath,
    // The start is a same-site POST or a top-level GET navigation (sso/straight-to-idp.ts): the Lax
    // session cookie came with it, the ACS's cross-site POST will not.
    sessionHash: (await getSession(request)).hash,
    browserHash: hashBrowserKey(key),
    createdAt: now.toISOString(),
    expiresAt: addSeconds(now, PENDING_SECONDS).toISOString(),
  });
  // Signed when the owner or the IdP's metadata asks for it: by an enveloped signature for HTTP-POST,
  // over the query string for HTTP-Redirect (SAML Bindings §3.4.4.1; the XML then carries none).
  const signing = signsRequests(input.provider)
    ? await spSigningCredential(ctx, input.organization.id)
    : null;
  const xml = buildAuthnRequest({
    id,
    issueInstant: now,
    issuer: urls.entityId,
    destination: input.provider.ssoUrl,
    assertionConsumerServiceUrl: urls.acs,
    protocolBinding: BINDING.post,
    // The owner's "authenticate again at each sign-in" (providers/settings.pages.ts).
    forceAuthn: input.provider.forceAuthn ? true : undefined,
    sign: signing && input.provider.ssoBinding === BINDING.post ? { credential: signing } : undefined,
  });
  request.log.info(
    { organization: input.organization.slug, purpose: input.purpose, requestId: id },
    'SSO started',
  );
  reply.header('cache-control', 'no-store');
  if (input.provider.ssoBinding === BINDING.post) {
    return sendPostForm(reply, {
      action: input.provider.ssoUrl,
      parameter: 'SAMLRequest',
      xml,
      relayState: input.nextPath,
    });
  }
  const url = encodeRedirect({
    location: input.provider.ssoUrl,
    parameter: 'SAMLRequest',
    xml,
    relayState: input.nextPath,
    sign: signing ? { privateKey: signing.privateKey } : undefined,
  });
  return reply.status(303).header('location', url).send();
}

/**
 * The auto-submitting SAML POST form. The kit's CSP allows forms to post to this site only; this one
 * page posts to the IdP, so its CSP names that origin too (and allows the form's one script by hash).
 */
export function sendPostForm(
  reply: FastifyReply,
  input: { action: string; parameter: 'SAMLRequest' | 'SAMLResponse'; xml: string; relayState?: string },
): FastifyReply {
  return allowFormActionTo(reply, [input.action]).type('text/html; charset=utf-8').send(postForm(input));
}
