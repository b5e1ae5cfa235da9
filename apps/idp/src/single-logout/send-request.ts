import { html } from '@federa/kit';
import { buildLogoutRequest, encodeRedirect } from '@federa/saml';
import type { FastifyReply } from 'fastify';
import type { AppDeps } from '../context.ts';
import { sendPlainPage } from '../http/pages.ts';
import { idpAddresses } from '../sso/context.ts';
import { sendSamlPost } from '../sso/respond.ts';
import type { SignInApplication } from '../sso/sign-in-config.ts';
import type { LogoutStep } from './logout-state.ts';

/** SAML Core §3.7.3: the principal ended the session (Entra sends no Reason; peers log it). */
const REASON_USER = 'urn:oasis:names:tc:SAML:2.0:logout:user';

/**
 * The page that takes the browser to one application with its LogoutRequest, by the binding of its
 * Logout URL (HTTP-Redirect unless its metadata offered HTTP-POST only), signed with the Directory's
 * key for the application as Entra signs (the query for Redirect, the message for POST); RelayState is
 * the Directory's own sign-out key. A page rather than a redirect: the navigation after a form post
 * (Sign out) must be a new one, and a refresh later than one second stays in the history, so that
 * coming Back from an application that never answers reaches `/signout/continue` again, which skips it.
 */
export function sendLogoutRequest(
  deps: AppDeps,
  reply: FastifyReply,
  app: SignInApplication & { logoutUrl: string },
  step: LogoutStep & { requestId: string },
  relayState: string,
  binding: 'redirect' | 'post',
): FastifyReply {
  const algorithm = app.signingAlgorithm === 'sha1' ? 'rsa-sha1' : 'rsa-sha256';
  const message = {
    id: step.requestId,
    issueInstant: deps.clock.now(),
    issuer: idpAddresses(deps.config.baseUrl, step.tenantId).entityId,
    destination: app.logoutUrl,
    nameId: { value: step.nameId, format: step.nameIdFormat },
    sessionIndexes: [step.sessionIndex],
    reason: REASON_USER,
  };
  if (binding === 'post') {
    const xml = buildLogoutRequest({
      ...message,
      sign: app.credential ? { credential: app.credential, algorithm } : undefined,
    });
    return sendSamlPost(reply, { action: app.logoutUrl, parameter: 'SAMLRequest', xml, relayState });
  }
  const location = encodeRedirect({
    location: app.logoutUrl,
    parameter: 'SAMLRequest',
    xml: buildLogoutRequest(message),
    relayState,
    sign: app.credential ? { privateKey: app.credential.privateKey, algorithm } : undefined,
  });
  return sendPlainPage(
    reply,
    'Signing out',
    html`<meta http-equiv="refresh" content="2;url=${location}"><section class="card">
<p role="status">Signing you out of ${app.displayName}…</p>
<p>If ${app.displayName} does not send you back, go back to this page: the sign-out continues without it.</p>
<p><a class="button" href="${location}">Continue to ${app.displayName}</a></p></section>`,
  );
}
