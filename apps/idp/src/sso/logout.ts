import { parseLogoutRequest, SamlError, verifyRedirectSignature } from '@federa/saml';
import type { FastifyReply } from 'fastify';
import { sessionAuth } from '../signin/session-auth.ts';
import { beginSignOut } from '../single-logout/begin.ts';
import { answerLogout } from '../single-logout/finish.ts';
import { namesSessionUser } from '../single-logout/names-session.ts';
import type { SsoContext } from './context.ts';
import { sha1RequestRefusal } from './sha1-requests.ts';
import { signInApplicationByIdentifier } from './sign-in-config.ts';
import { SsoError } from './sso-error.ts';

/**
 * SP-initiated single logout (SAML Profiles §4.4) at `/{tenant}/saml2`: a LogoutRequest from an
 * application of the tenant (Issuer = one of its Identifiers; signature verified when the SP's
 * certificate is known; RSA-SHA1 only where the application allows it for its requests) naming this
 * browser's user ends this browser's IdP session and is propagated to the session's other applications (`single-logout/`); the
 * LogoutResponse then goes by HTTP-Redirect, signed, to where the application takes responses: its SLO
 * endpoint's ResponseLocation when its metadata gave one, else its Logout URL (a page says "signed
 * out" when it has neither).
 */
export async function handleLogoutRequest(ctx: SsoContext, reply: FastifyReply): Promise<FastifyReply> {
  const { deps, tenant } = ctx;
  const message = ctx.message!;
  const issuer = ctx.issuer ?? '';
  const app = await signInApplicationByIdentifier(deps, tenant.id, issuer);
  if (!app) {
    throw new SsoError({
      code: 'AADSTS700016',
      check: 'known-application',
      message: `Application with identifier '${issuer}' was not found in the directory '${tenant.name}'.`,
      adminAction: `The logout request came from '${issuer}', which is not an Identifier of any application in this tenant.`,
    });
  }
  ctx.application = app;
  const keys = app.spKeys;
  const allowSha1 = app.allowSha1Requests;
  const endpoints = [tenant.id, ...tenant.domains.map((d) => d.domain)].map(
    (t) => `${deps.config.baseUrl}/${t}/saml2`,
  );
  let parsed: ReturnType<typeof parseLogoutRequest>;
  try {
    if (message.redirect?.signature && keys.length > 0)
      verifyRedirectSignature(message.redirect, { keys, allowSha1 });
    parsed = parseLogoutRequest(message.xml, {
      clock: deps.clock,
      expectedIssuer: issuer,
      keys: message.redirect ? undefined : keys,
      allowSha1,
    });
    if (parsed.destination !== null && !endpoints.includes(parsed.destination)) {
      throw new SamlError('DESTINATION_MISMATCH', 'The LogoutRequest was addressed to another endpoint.');
    }
  } catch (error) {
    if (!(error instanceof SamlError)) throw error;
    const sha1 = sha1RequestRefusal(error, app, 'logout-request', 'logout request');
    if (sha1) throw sha1;
    throw new SsoError({
      code: error.code.startsWith('SIGNATURE') ? 'AADSTS76021' : 'AADSTS75005',
      check: 'logout-request',
      message: 'The logout request is not a valid Saml2 protocol message.',
      adminAction: `The logout request from ${app.displayName} was refused (${error.code}: ${error.message}).`,
      detail: { samlError: error.code },
    });
  }

  const initiator = {
    tenantId: tenant.id,
    applicationId: app.id,
    requestId: parsed.id,
    relayState: message.relayState,
  };
  const auth = await sessionAuth(ctx.request);
  if (auth && !(await namesSessionUser(deps, ctx.request, auth, app, parsed.nameId))) {
    // Someone else signed out of the application in this browser: their sign-out is done here (this
    // session never stood for them), and this browser's own session stays.
    ctx.request.log.info(
      { applicationId: app.id },
      'single logout: the request names someone other than this session, which stays',
    );
    return answerLogout(deps, reply, initiator, []);
  }
  // Profiles §4.4.3.3: the other applications of the session first, then this one's LogoutResponse.
  return beginSignOut(deps, ctx.request, reply, initiator);
}
