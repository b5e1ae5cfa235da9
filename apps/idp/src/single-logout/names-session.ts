import type { LogoutRequest } from '@federa/saml';
import type { FastifyRequest } from 'fastify';
import { readAttribute } from '../applications/claims.ts';
import type { AppDeps } from '../context.ts';
import type { SessionAuth } from '../signin/session-auth.ts';
import type { SignInApplication } from '../sso/sign-in-config.ts';
import { findUser } from '../users/users.repository.ts';
import { participantsOf } from './participants.ts';

/**
 * Whether an application's LogoutRequest names the person this browser's SSO session is for (SAML
 * Core §3.7.3.2: the session authority ends the sessions of the principal named). It does when an
 * assertion this session issued to the application carried that NameID, or when the NameID is what
 * the application's NameID source reads from the session's user (a session that outlived its record of
 * the application). A request naming someone else — the person an administrator's "Sign in as someone
 * else" test signed in to the application in the administrator's browser — must not end the
 * administrator's own session.
 */
export async function namesSessionUser(
  deps: AppDeps,
  request: FastifyRequest,
  auth: SessionAuth,
  app: SignInApplication,
  nameId: LogoutRequest['nameId'],
): Promise<boolean> {
  const participants = await participantsOf(request, auth.sessionIndex);
  if (participants.some((p) => p.applicationId === app.id && p.nameId === nameId.value)) return true;
  const user = await findUser(deps.db, auth.userId);
  const value = user ? readAttribute(user, app.nameIdSource) : null;
  return value !== null && value.toLowerCase() === nameId.value.toLowerCase();
}
