import { html } from '@federa/kit';
import { parseLogoutResponse, SamlError, type SamlErrorCode, verifyRedirectSignature } from '@federa/saml';
import type { FastifyReply } from 'fastify';
import { sendPlainPage } from '../http/pages.ts';
import { sessionAuth } from '../signin/session-auth.ts';
import type { SsoContext } from '../sso/context.ts';
import { signInApplication } from '../sso/sign-in-config.ts';
import { type LogoutState, type LogoutStep, logoutState, saveLogoutState, sentStep } from './logout-state.ts';

/** Why an application's answer did not count as signed out (logged; never the message itself). */
export type AnswerRefusal =
  | 'STATUS_NOT_SUCCESS'
  | 'APPLICATION_GONE'
  | 'RELAY_STATE_MISMATCH'
  | `SAML_${SamlErrorCode}`;

/**
 * A LogoutResponse at `/{tenant}/saml2`: the answer of the application the sign-out in progress is
 * waiting on. Checked in order: a sign-out of this browser waits (`logout-in-progress`), the
 * RelayState is its key when the application sent one back (`relay-state`), the application still
 * exists in this tenant (`known-application`), the Redirect signature when present and the
 * application's certificate is known, then the message (`logout-response`: Issuer = the Identifier
 * the assertion was issued for, InResponseTo = the LogoutRequest sent, Destination = this endpoint,
 * fresh, status Success). Whatever the outcome the sign-out continues with the next application.
 */
export async function handleLogoutResponse(ctx: SsoContext, reply: FastifyReply): Promise<FastifyReply> {
  const { request } = ctx;
  // A sign-out in progress belongs to a browser with no SSO session (signing in again drops it).
  const state = (await sessionAuth(request)) ? null : await logoutState(request);
  const step = state ? sentStep(state) : null;
  if (!state || !step) {
    request.log.warn({ check: 'logout-in-progress' }, 'single logout: unexpected LogoutResponse');
    return sendPlainPage(
      reply,
      'Sign-out',
      html`<section class="card"><p>No sign-out is waiting for this answer in this browser: it may have finished already, or in another window. The answer was ignored.</p>
<p><a href="/myapps">My Apps</a></p></section>`,
      400,
    );
  }
  const refusal = await checkAnswer(ctx, state, step);
  step.status = refusal ? 'refused' : 'signed-out';
  request.log.info(
    { app: step.applicationId, outcome: step.status, ...(refusal ? { code: refusal } : {}) },
    'single logout: application answered',
  );
  await saveLogoutState(request, state);
  return reply.header('cache-control', 'no-store').redirect('/signout/continue', 303);
}

async function checkAnswer(
  ctx: SsoContext,
  state: LogoutState,
  step: LogoutStep,
): Promise<AnswerRefusal | null> {
  const { deps, tenant } = ctx;
  const message = ctx.message!;
  // SAML Bindings §3.4.3, §3.5.3: the reply carries the RelayState sent; some SPs drop it, so an
  // absent one is allowed, a different one is not.
  if (message.relayState !== null && message.relayState !== state.key) return 'RELAY_STATE_MISMATCH';
  const app =
    step.tenantId === tenant.id ? await signInApplication(deps, tenant.id, step.applicationId) : null;
  if (!app) return 'APPLICATION_GONE';
  const endpoints = [tenant.id, ...tenant.domains.map((d) => d.domain)].map(
    (t) => `${deps.config.baseUrl}/${t}/saml2`,
  );
  try {
    if (message.redirect?.signature && app.spKeys.length > 0)
      verifyRedirectSignature(message.redirect, { keys: app.spKeys, allowSha1: app.allowSha1Requests });
    const response = parseLogoutResponse(message.xml, {
      clock: deps.clock,
      expectedIssuer: step.audience,
      expectedInResponseTo: step.requestId ?? '',
      keys: message.redirect ? undefined : app.spKeys,
      allowSha1: app.allowSha1Requests,
    });
    if (response.destination !== null && !endpoints.includes(response.destination))
      throw new SamlError('DESTINATION_MISMATCH', 'The LogoutResponse was addressed to another endpoint.');
    return null;
  } catch (error) {
    if (!(error instanceof SamlError)) throw error;
    return error.code === 'RESPONSE_STATUS_NOT_SUCCESS' ? 'STATUS_NOT_SUCCESS' : `SAML_${error.code}`;
  }
}
