import { html } from '@federa/kit';
import { buildLogoutResponse, encodeRedirect, STATUS } from '@federa/saml';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../context.ts';
import { sendPlainPage } from '../http/pages.ts';
import { endSession } from '../signin/session-auth.ts';
import { idpAddresses } from '../sso/context.ts';
import { sendSamlPost } from '../sso/respond.ts';
import { signInApplication } from '../sso/sign-in-config.ts';
import { type LogoutState, type LogoutStep, unconfirmed } from './logout-state.ts';

/** The Directory's signed-out page, naming the applications that may still be signed in. */
export function sendSignedOutPage(reply: FastifyReply, stillSignedIn: readonly LogoutStep[]): FastifyReply {
  const names = [...new Set(stillSignedIn.map((s) => s.displayName))];
  return sendPlainPage(
    reply,
    'You signed out of your account',
    html`<section class="card"><p>You signed out of your account. It’s a good idea to close all browser windows.</p>
${
  names.length > 0
    ? html`<p role="alert">These applications did not confirm the sign-out, so you may still be signed in to them:</p>
<ul class="still-signed-in">${names.map((n) => html`<li>${n} may still be signed in. Sign out there, or close the browser.</li>`)}</ul>`
    : ''
}<p><a href="/myapps">Sign in again</a></p></section>`,
  );
}

/**
 * Ends the sign-out: the session goes, then the application that asked for it gets its LogoutResponse
 * (status Success, with PartialLogout under it when another application may still be signed in:
 * SAML Core §3.7.3.2), by the binding of its Logout URL, signed, to its ResponseLocation or Logout
 * URL, carrying its own RelayState; a sign-out started here ends on the signed-out page.
 */
export async function finishSignOut(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  state: LogoutState,
): Promise<FastifyReply> {
  await endSession(request, reply);
  const left = unconfirmed(state);
  request.log.info(
    { applications: state.steps.length, unconfirmed: left.length },
    'single logout: session ended',
  );
  return answerLogout(deps, reply, state.initiator, left);
}

/**
 * The application that asked for the sign-out gets its LogoutResponse (PartialLogout when `left`
 * names applications that may still be signed in); a sign-out started here ends on the signed-out
 * page. Nothing about the browser's session changes here.
 */
export async function answerLogout(
  deps: AppDeps,
  reply: FastifyReply,
  initiator: LogoutState['initiator'],
  left: readonly LogoutStep[],
): Promise<FastifyReply> {
  const app = initiator ? await signInApplication(deps, initiator.tenantId, initiator.applicationId) : null;
  // SAML Metadata §2.2.2: ResponseLocation, when present, is where responses go.
  const replyTo = app ? (app.logoutResponseUrl ?? app.logoutUrl) : null;
  if (!initiator || !app || !replyTo) return sendSignedOutPage(reply, left);
  const algorithm = app.signingAlgorithm === 'sha1' ? 'rsa-sha1' : 'rsa-sha256';
  const response = {
    id: deps.random.id(),
    inResponseTo: initiator.requestId,
    issueInstant: deps.clock.now(),
    issuer: idpAddresses(deps.config.baseUrl, initiator.tenantId).entityId,
    destination: replyTo,
    status: left.length > 0 ? { code: STATUS.success, subCode: STATUS.partialLogout } : undefined,
  };
  if (app.logoutBinding === 'post') {
    const xml = buildLogoutResponse({
      ...response,
      sign: app.credential ? { credential: app.credential, algorithm } : undefined,
    });
    return sendSamlPost(reply, {
      action: replyTo,
      parameter: 'SAMLResponse',
      xml,
      relayState: initiator.relayState,
    });
  }
  const location = encodeRedirect({
    location: replyTo,
    parameter: 'SAMLResponse',
    xml: buildLogoutResponse(response),
    relayState: initiator.relayState ?? undefined,
    sign: app.credential ? { privateKey: app.credential.privateKey, algorithm } : undefined,
  });
  return reply.header('cache-control', 'no-store').redirect(location, 303);
}
