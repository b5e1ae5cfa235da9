import { card, getSession, html, type Session } from '@federa/kit';
import {
  BINDING,
  buildLogoutRequest,
  type DecodedRedirect,
  encodeRedirect,
  parseLogoutResponse,
  SamlError,
  type SamlErrorCode,
  verifyRedirectSignature,
} from '@federa/saml';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Context, nowIso } from '../context.ts';
import { providerOfOrganization } from '../db/config-cache.ts';
import { certificatesOf, type Provider } from '../providers/providers.repository.ts';
import { signsRequests, spSigningCredential } from '../request-signing/sp-signing-key.ts';
import { liveSsoSession, setFlash } from '../web/auth-state.ts';
import { sendPage } from '../web/page.ts';
import { endSsoSession, findSsoSession } from './sso-sessions.repository.ts';
import { spUrls } from './urls.ts';

// Single logout started here (SAML Profiles §4.4.3.1, front channel): "Sign out" of a session that
// came from an organization's IdP, where the organization turned single logout on, sends the IdP a
// LogoutRequest. The browser can do nothing as the person from that moment (its session is replaced
// by one that only waits for the answer); the SSO session itself ends when the IdP answers: with a
// valid Success, "signed out here and at your identity provider"; with anything else, or no answer
// within LOGOUT_ANSWER_SECONDS, a page that says the Workspace session ended and the IdP's may not have.

/** What the browser session keeps while the IdP's answer is awaited. */
interface PendingLogout {
  /** The LogoutRequest's ID: the answer's InResponseTo. */
  id: string;
  organizationId: string;
  ssoSessionId: string;
  startedAt: string;
}

const PENDING = 'pendingLogout';
/** After this, a browser back at the Workspace without the IdP's answer is told the IdP may not have signed it out. */
export const LOGOUT_ANSWER_SECONDS = 30;

/** Why the IdP's sign-out is not confirmed (logged; the page says it in words). */
export type LogoutNotConfirmed = 'STATUS_NOT_SUCCESS' | `SAML_${SamlErrorCode}`;

/**
 * On sign-out: if this browser's session rests on a live SSO session of an organization with single
 * logout on and an HTTP-Redirect SLO URL, replaces the browser session by one awaiting the IdP's
 * answer and returns the IdP URL carrying our LogoutRequest (signed when the organization signs its
 * requests); else null (a local sign-out).
 */
export async function startSingleLogout(
  request: FastifyRequest,
  ctx: Context,
  session: Session,
  userId: string,
): Promise<string | null> {
  const ssoByOrg = session.get<Record<string, string>>('sso') ?? {};
  for (const [organizationId, ssoSessionId] of Object.entries(ssoByOrg)) {
    const live = await liveSsoSession(ctx, ssoSessionId, userId);
    const provider = live ? await providerOfOrganization(ctx.cache, organizationId) : null;
    if (!live || !provider?.singleLogout || !provider.sloUrl || provider.sloBinding !== BINDING.redirect)
      continue;
    const org = await ctx.db
      .selectFrom('organizations')
      .select('slug')
      .where('id', '=', organizationId)
      .executeTakeFirst();
    if (!org) continue;
    const sso = await findSsoSession(ctx.db, ssoSessionId);
    const id = ctx.random.id();
    const xml = buildLogoutRequest({
      id,
      issueInstant: ctx.clock.now(),
      issuer: spUrls(ctx.config.baseUrl, org.slug).entityId,
      destination: provider.sloUrl,
      nameId: { value: live.nameId, format: sso?.nameIdFormat ?? null },
      sessionIndexes: live.sessionIndex ? [live.sessionIndex] : [],
    });
    session.data = {};
    session.regenerate();
    const pending: PendingLogout = { id, organizationId, ssoSessionId, startedAt: nowIso(ctx.clock) };
    session.set(PENDING, pending);
    request.log.info({ organizationId }, 'single logout started');
    // Signed as its AuthnRequests are (SAML Bindings §3.4.4.1): an IdP that wants those signed wants these too.
    const signing = signsRequests(provider) ? await spSigningCredential(ctx, organizationId) : null;
    return encodeRedirect({
      location: provider.sloUrl,
      parameter: 'SAMLRequest',
      xml,
      sign: signing ? { privateKey: signing.privateKey } : undefined,
    });
  }
  return null;
}

/** The IdP's origin, for the person to sign out there by hand. */
function idpHome(provider: Provider | null): string | null {
  const url = provider?.sloUrl ?? provider?.ssoUrl;
  if (!url) return null;
  try {
    return `${new URL(url).origin}/`;
  } catch {
    return null;
  }
}

/** The page for a sign-out the IdP did not confirm. */
function notConfirmedPage(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  provider: Provider | null,
  reason: LogoutNotConfirmed,
) {
  const home = idpHome(provider);
  const why =
    reason === 'STATUS_NOT_SUCCESS'
      ? 'Your identity provider answered that it could not sign you out.'
      : 'Your identity provider’s answer could not be accepted.';
  return sendPage(request, reply, ctx, {
    title: 'Signed out of the Workspace',
    body: card(
      null,
      html`<p role="status">Your Workspace session has ended.</p>
<p role="alert">${why} You may still be signed in there: sign out at your identity provider, or close the browser.</p>
${home ? html`<div class="actions"><a class="button" href="${home}">Go to your identity provider</a></div>` : ''}`,
    ),
  });
}

/**
 * GET /saml/sls/{org}/ with a SAMLResponse: the IdP's answer to our LogoutRequest. Counts only for a
 * sign-out this browser is waiting on for that organization; checked for the Redirect signature when
 * present (the IdP's keys), Issuer = the IdP, InResponseTo = our request, Destination = this SLS,
 * status Success. Either way the SSO session ends; the page says whether the IdP confirmed it.
 */
export async function takeLogoutResponse(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  input: { slug: string; organizationId: string; provider: Provider; decoded: DecodedRedirect },
): Promise<FastifyReply> {
  const { slug, organizationId, provider, decoded } = input;
  const session = await getSession(request);
  const pending = session.get<PendingLogout>(PENDING);
  if (!pending || pending.organizationId !== organizationId) {
    request.log.warn({ organization: slug, check: 'logout-pending' }, 'unexpected LogoutResponse');
    return sendPage(request, reply, ctx, {
      title: 'Sign-out',
      status: 400,
      body: card(
        null,
        html`<p role="alert">No sign-out from this organization is waiting in this browser: the identity provider’s answer was ignored.</p>
<div class="actions"><a class="button" href="/">Home</a></div>`,
      ),
    });
  }
  session.set(PENDING, undefined);
  let refusal: LogoutNotConfirmed | null = null;
  try {
    if (decoded.signature)
      verifyRedirectSignature(decoded, {
        keys: certificatesOf(provider).map((c) => c.publicKey),
        allowSha1: provider.allowSha1,
      });
    parseLogoutResponse(decoded.xml, {
      clock: ctx.clock,
      expectedIssuer: provider.entityId,
      expectedInResponseTo: pending.id,
      expectedDestination: spUrls(ctx.config.baseUrl, slug).sls,
    });
  } catch (error) {
    if (!(error instanceof SamlError)) throw error;
    refusal = error.code === 'RESPONSE_STATUS_NOT_SUCCESS' ? 'STATUS_NOT_SUCCESS' : `SAML_${error.code}`;
  }
  await endSsoSession(ctx.db, pending.ssoSessionId, nowIso(ctx.clock));
  request.log.info(
    {
      organization: slug,
      outcome: refusal ? 'not-confirmed' : 'signed-out',
      ...(refusal ? { code: refusal } : {}),
    },
    'single logout answered',
  );
  if (refusal) return notConfirmedPage(request, reply, ctx, provider, refusal);
  setFlash(session, 'success', 'You are signed out here and at your identity provider.');
  return reply.status(303).header('location', '/').send();
}

/**
 * A sign-out whose answer has not come within LOGOUT_ANSWER_SECONDS (the browser is back at the
 * Workspace another way): the SSO session ends, and the next page says the IdP may not have signed
 * the person out. Called for every signed-out browser session; does nothing without a pending sign-out.
 */
export async function settleOverdueLogout(ctx: Context, session: Session): Promise<void> {
  const pending = session.get<PendingLogout>(PENDING);
  if (!pending) return;
  const overdue = Date.parse(pending.startedAt) + LOGOUT_ANSWER_SECONDS * 1000 <= ctx.clock.now().getTime();
  if (!overdue) return;
  session.set(PENDING, undefined);
  await endSsoSession(ctx.db, pending.ssoSessionId, nowIso(ctx.clock));
  const home = idpHome(await providerOfOrganization(ctx.cache, pending.organizationId));
  setFlash(
    session,
    'error',
    `Your Workspace session has ended, but your identity provider did not answer the sign-out, so you may still be signed in there.${home ? ` Sign out at ${home}, or close the browser.` : ' Sign out there, or close the browser.'}`,
  );
}
