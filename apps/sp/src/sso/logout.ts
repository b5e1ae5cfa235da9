import { card, getSession, html, type Session } from '@federa/kit';
import {
  BINDING,
  buildLogoutResponse,
  decodePost,
  decodeRedirect,
  encodeRedirect,
  parseLogoutRequest,
  rawQuery,
  SamlError,
  verifyRedirectSignature,
} from '@federa/saml';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Context, nowIso } from '../context.ts';
import { organizationBySlug, providerOfOrganization } from '../db/config-cache.ts';
import { notFound, SpError } from '../errors.ts';
import { certificatesOf, type Provider } from '../providers/providers.repository.ts';
import { refusedForSha1, SHA1_SETTING_PLACE } from '../providers/sha1.ts';
import { sendPage } from '../web/page.ts';
import { takeLogoutResponse } from './sign-out-at-idp.ts';
import { endSsoSessions, findSsoSession } from './sso-sessions.repository.ts';
import { sendPostForm } from './start.ts';
import { spUrls } from './urls.ts';

// Single logout (SAML Profiles §4.4), front channel. The IdP's LogoutRequest ends the SSO sessions it
// names (and with them a browser session that rests on one of them, never another); ours, where the
// organization turned it on, tells the IdP when a person signs out here (sign-out-at-idp.ts).

async function organizationAndProvider(
  ctx: Context,
  slug: string,
): Promise<{ organizationId: string; provider: Provider }> {
  const organization = await organizationBySlug(ctx.cache, slug);
  if (!organization) throw notFound('organization');
  const provider = await providerOfOrganization(ctx.cache, organization.id);
  if (!provider)
    throw new SpError('sso_not_configured', 404, 'This organization does not use single sign-on.');
  return { organizationId: organization.id, provider };
}

/** For a logout message refused only for SHA-1: the algorithm, and where the setting is. */
function sha1Hint(error: SamlError): string {
  return refusedForSha1(error.code, error.detail ?? null)
    ? ` The identity provider signed it with SHA-1: an owner or manager can set it to sign with SHA-256, or turn on ${SHA1_SETTING_PLACE}.`
    : '';
}

function signedOutPage(request: FastifyRequest, reply: FastifyReply, ctx: Context) {
  return sendPage(request, reply, ctx, {
    title: 'Signed out',
    body: card(
      null,
      html`<p role="status">You are signed out.</p><div class="actions"><a class="button" href="/">Home</a></div>`,
    ),
  });
}

/**
 * Ends the browser session when it rests on the organization's SSO session (or drops that organization
 * from it), but only when that SSO session is one the LogoutRequest named and ended: a request naming
 * someone else (an unsigned one can come from anyone) ends nothing of this browser's.
 */
async function forgetOrganization(
  ctx: Context,
  session: Session,
  organizationId: string,
  named: { nameId: string; sessionIndexes: readonly string[] },
): Promise<void> {
  const sso = session.get<Record<string, string>>('sso') ?? {};
  const id = sso[organizationId];
  if (!id) return;
  const mine = await findSsoSession(ctx.db, id);
  if (
    !mine ||
    mine.nameId !== named.nameId ||
    (named.sessionIndexes.length > 0 && !named.sessionIndexes.includes(mine.sessionIndex ?? ''))
  )
    return;
  if (session.get<string>('viaSso') === id) {
    session.destroy();
    return;
  }
  delete sso[organizationId];
  session.set('sso', sso);
}

/** Characters of a posted RelayState accepted: what the Redirect binding allows it (with SigAlg and Signature). */
const MAX_RELAY_STATE_CHARS = 16 * 1024;

/** The RelayState field of an HTTP-POST message: null when absent; refused when repeated or too long. */
function postedRelayState(body: Record<string, unknown> | undefined): string | null {
  const value = body?.RelayState;
  if (value === undefined) return null;
  if (typeof value !== 'string' || value.length > MAX_RELAY_STATE_CHARS)
    throw new SamlError('RELAY_STATE_INVALID', 'The RelayState field is repeated or too long.');
  return value;
}

/**
 * Ends the SSO sessions the IdP's LogoutRequest names and answers it where the IdP takes responses,
 * by its SLO binding, with the RelayState the request carried.
 */
async function answerLogoutRequest(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  slug: string,
  logout: { id: string; nameId: string; sessionIndexes: string[]; relayState: string | null },
  organizationId: string,
  provider: Provider,
) {
  await endSsoSessions(ctx.db, {
    organizationId,
    nameId: logout.nameId,
    sessionIndexes: logout.sessionIndexes,
    at: nowIso(ctx.clock),
  });
  await forgetOrganization(ctx, await getSession(request), organizationId, logout);
  request.log.info({ organization: slug }, 'IdP single logout');
  // SAML Metadata §2.2.2: the SLO endpoint's ResponseLocation, when the IdP's metadata has one, is
  // where responses go; its Location then takes requests only.
  const replyTo = provider.sloResponseUrl ?? provider.sloUrl;
  if (!replyTo) return signedOutPage(request, reply, ctx);
  const xml = buildLogoutResponse({
    id: ctx.random.id(),
    inResponseTo: logout.id,
    issueInstant: ctx.clock.now(),
    issuer: spUrls(ctx.config.baseUrl, slug).entityId,
    destination: replyTo,
  });
  // SAML Bindings §3.4.3, §3.5.3: a reply to a message that carried RelayState MUST carry it back
  // unchanged (an IdP may keep where its own logout stands in it).
  const relayState = logout.relayState === null ? {} : { relayState: logout.relayState };
  if (provider.sloBinding === BINDING.post)
    return sendPostForm(reply, { action: replyTo, parameter: 'SAMLResponse', xml, ...relayState });
  return reply
    .status(303)
    .header('location', encodeRedirect({ location: replyTo, parameter: 'SAMLResponse', xml, ...relayState }))
    .send();
}

/** GET /saml/sls/{org}/: HTTP-Redirect LogoutRequest from the IdP, or its LogoutResponse to ours. */
export function slsRedirect(ctx: Context) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const { org } = request.params as { org: string };
    const { organizationId, provider } = await organizationAndProvider(ctx, org);
    const sls = spUrls(ctx.config.baseUrl, org).sls;
    try {
      const decoded = decodeRedirect(rawQuery(request.url));
      if (decoded.parameter === 'SAMLResponse')
        return await takeLogoutResponse(request, reply, ctx, {
          slug: org,
          organizationId,
          provider,
          decoded,
        });
      const keys = certificatesOf(provider).map((c) => c.publicKey);
      // A signed message must verify with the IdP's keys (SHA-1 only where the organization allowed
      // it, as at the ACS); Entra sends its logout requests unsigned, and the worst an unsigned one can
      // do is end the session it names (answerLogoutRequest).
      if (decoded.signature) verifyRedirectSignature(decoded, { keys, allowSha1: provider.allowSha1 });
      if (decoded.parameter === 'SAMLRequest') {
        const logout = parseLogoutRequest(decoded.xml, {
          clock: ctx.clock,
          expectedIssuer: provider.entityId,
          expectedDestination: sls,
        });
        return answerLogoutRequest(
          request,
          reply,
          ctx,
          org,
          {
            id: logout.id,
            nameId: logout.nameId.value,
            sessionIndexes: logout.sessionIndexes,
            relayState: decoded.relayState,
          },
          organizationId,
          provider,
        );
      }
      throw new SamlError('BINDING_INVALID', 'No SAMLRequest.');
    } catch (error) {
      if (!(error instanceof SamlError)) throw error;
      request.log.warn({ code: error.code, organization: org }, 'logout message refused');
      throw new SpError(
        'sso_start_failed',
        400,
        `The logout message could not be accepted (${error.code}).${sha1Hint(error)} You may still be signed in: sign out from the Workspace menu.`,
      );
    }
  };
}

/** POST /saml/sls/{org}/: HTTP-POST LogoutRequest (cross-site: no CSRF token, and no session cookie). */
export function slsPost(ctx: Context) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const { org } = request.params as { org: string };
    const { organizationId, provider } = await organizationAndProvider(ctx, org);
    const body = request.body as Record<string, unknown> | undefined;
    try {
      if (typeof body?.SAMLRequest !== 'string') throw new SamlError('BINDING_INVALID', 'No SAMLRequest.');
      const relayState = postedRelayState(body);
      const xml = decodePost(body.SAMLRequest, { maxEncodedBytes: 64 * 1024 });
      const logout = parseLogoutRequest(xml, {
        clock: ctx.clock,
        expectedIssuer: provider.entityId,
        expectedDestination: spUrls(ctx.config.baseUrl, org).sls,
        keys: certificatesOf(provider).map((c) => c.publicKey),
        allowSha1: provider.allowSha1,
      });
      return answerLogoutRequest(
        request,
        reply,
        ctx,
        org,
        { id: logout.id, nameId: logout.nameId.value, sessionIndexes: logout.sessionIndexes, relayState },
        organizationId,
        provider,
      );
    } catch (error) {
      if (!(error instanceof SamlError)) throw error;
      request.log.warn({ code: error.code, organization: org }, 'logout message refused');
      throw new SpError(
        'sso_start_failed',
        400,
        `The logout message could not be accepted (${error.code}).${sha1Hint(error)}`,
      );
    }
  };
}
