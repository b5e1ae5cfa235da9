import { getSession } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../context.ts';
import { closePortal } from '../signin/portal-cookie.ts';
import { endSession, sessionAuth } from '../signin/session-auth.ts';
import { signInApplication } from '../sso/sign-in-config.ts';
import { finishSignOut } from './finish.ts';
import { type LogoutInitiator, type LogoutStep, MAX_STEPS, replaceSessionByLogout } from './logout-state.ts';
import { participantsOf } from './participants.ts';

/**
 * Ends this browser's SSO session and starts single logout (SAML Profiles §4.4.3.3): every other
 * application of the session with a Logout URL gets a LogoutRequest, one after another
 * (`/signout/continue`), then the browser ends at the signed-out page, or, when an application's
 * LogoutRequest started it (`initiator`), with that application's LogoutResponse.
 */
export async function beginSignOut(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  initiator: LogoutInitiator | null,
): Promise<FastifyReply> {
  const auth = await sessionAuth(request);
  const participants = auth ? await participantsOf(request, auth.sessionIndex) : [];
  const steps: LogoutStep[] = [];
  for (const p of participants) {
    if (initiator && p.applicationId === initiator.applicationId) continue;
    const app = await signInApplication(deps, p.tenantId, p.applicationId);
    if (!app?.logoutUrl) continue;
    const { ssoSession: _, at: __, ...named } = p;
    steps.push({ ...named, displayName: app.displayName, status: 'waiting', requestId: null, sentAt: null });
  }
  if (steps.length === 0 && !initiator) {
    await endSession(request, reply);
    return reply.redirect('/signed-out', 303);
  }
  const state = {
    key: deps.random.id(),
    steps: steps.slice(0, MAX_STEPS),
    initiator,
    startedAt: deps.clock.now().toISOString(),
  };
  replaceSessionByLogout(await getSession(request), state);
  closePortal(reply);
  request.log.info({ applications: state.steps.length }, 'single logout started');
  if (state.steps.length === 0) return finishSignOut(deps, request, reply, state);
  return reply.redirect('/signout/continue', 303);
}
