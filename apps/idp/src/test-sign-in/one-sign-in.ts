import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AuthMethodUse, type SessionAuth, startSession } from '../signin/session-auth.ts';
import type { User } from '../users/users.repository.ts';

/**
 * The sign-in a password (and any second factor) just proved. For a flow of "Sign in as someone else"
 * (marker.ts; PendingFlow.someoneElse) it lasts for that one response: nothing is written to this browser's session, so the
 * admin's SSO session and portal cookie go on untouched and nothing of the other person stays behind.
 * Otherwise the SSO session starts (`startSession`).
 */
export async function signedInFor(
  request: FastifyRequest,
  reply: FastifyReply,
  /** The flow's, or its MFA step's, `someoneElse`. */
  someoneElse: boolean,
  user: User,
  at: Date,
  mfa?: Parameters<typeof startSession>[4],
): Promise<SessionAuth> {
  if (!someoneElse) return startSession(request, reply, user, at, mfa);
  const methods: AuthMethodUse[] = mfa?.methods ?? [{ method: 'password', at: at.toISOString() }];
  return {
    userId: user.id,
    tenantId: user.tenantId,
    authnInstant: at.toISOString(),
    sessionIndex: `_${crypto.randomUUID()}`,
    methods,
    mfaAt: mfa?.mfaAt ?? null,
    ...(mfa?.registrationSkipped ? { registrationSkipped: true } : {}),
  };
}
