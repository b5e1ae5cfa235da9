import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../context.ts';
import { sessionAuth } from '../signin/session-auth.ts';
import { signInApplication } from '../sso/sign-in-config.ts';
import { finishSignOut } from './finish.ts';
import { dropLogoutState, logoutState, saveLogoutState, sentStep } from './logout-state.ts';
import { sendLogoutRequest } from './send-request.ts';

/**
 * GET `/signout/continue`: the next application of the sign-out in progress. The browser is here
 * either after an application's LogoutResponse (`response.ts`) or because it came back without one
 * (Back from an application that did not answer, or a reload): the application waited on is then
 * skipped, and named on the signed-out page as possibly still signed in.
 */
export async function continueSignOut(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const state = await logoutState(request);
  if (!state) return reply.redirect('/signed-out', 303);
  if (await sessionAuth(request)) {
    // Signed in again since (a new SSO session in this browser): the old sign-out is over, and must
    // not end the new session.
    await dropLogoutState(request);
    return reply.redirect('/myapps', 303);
  }
  const unanswered = sentStep(state);
  if (unanswered) {
    unanswered.status = 'no-answer';
    request.log.warn({ app: unanswered.applicationId }, 'single logout: no answer, skipped');
  }
  for (const step of state.steps) {
    if (step.status !== 'waiting') continue;
    const app = await signInApplication(deps, step.tenantId, step.applicationId);
    const logoutUrl = app?.logoutUrl;
    if (!app || !logoutUrl) {
      // Its Logout URL was removed (or the application deleted) since the session began.
      step.status = 'no-answer';
      continue;
    }
    const sent = {
      ...step,
      status: 'sent' as const,
      requestId: deps.random.id(),
      sentAt: deps.clock.now().toISOString(),
    };
    Object.assign(step, sent);
    await saveLogoutState(request, state);
    return sendLogoutRequest(deps, reply, { ...app, logoutUrl }, sent, state.key, app.logoutBinding);
  }
  await saveLogoutState(request, state);
  return finishSignOut(deps, request, reply, state);
}
