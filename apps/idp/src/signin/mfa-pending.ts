import { getSession } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MfaReason } from '../mfa/requirement.ts';
import type { User } from '../users/users.repository.ts';
import { type AuthMethodUse, type SessionAuth, sessionAuth } from './session-auth.ts';

/**
 * A sign-in between its first factor and its second: kept in the session, never as `auth`, so that
 * nothing treats the user as signed in until the second factor is done (or, under security defaults,
 * registration is skipped). For a session that is signed in already (an application that now needs
 * MFA), `continues` carries it on.
 */
export interface PendingMfa {
  userId: string;
  tenantId: string;
  /** The factors proved so far (the password, with its time). */
  methods: AuthMethodUse[];
  reason: MfaReason | null;
  /** The waiting SAML sign-in (a PendingFlow key), or the local path to go to. */
  flow: string | null;
  returnTo: string | null;
  /** The session this step continues (step-up), whose SessionIndex is kept. */
  continues: { sessionIndex: string } | null;
  /** For "Sign in as someone else" (test-sign-in/): the session's own sign-in stays as it is. */
  someoneElse?: boolean;
  createdAt: string;
}

const PENDING = 'mfaPending';
/** As long as Entra's sign-in page waits: after that, start again. */
export const PENDING_MFA_SECONDS = 10 * 60;

/**
 * Starts the second-factor step. After a password, with a new session id (against fixation); a
 * session of another user in this browser ends here, as a new sign-in would end it.
 */
export async function beginMfa(
  request: FastifyRequest,
  pending: Omit<PendingMfa, 'createdAt'>,
  at: Date,
  current: SessionAuth | null,
): Promise<void> {
  const session = await getSession(request);
  session.regenerate();
  if (current && current.userId !== pending.userId && !pending.someoneElse) session.set('auth', undefined);
  session.set(PENDING, { ...pending, createdAt: at.toISOString() } satisfies PendingMfa);
}

/** The pending step, if there is one and it has not expired. */
export async function pendingMfa(request: FastifyRequest, now: Date): Promise<PendingMfa | null> {
  const pending = (await getSession(request)).get<PendingMfa>(PENDING) ?? null;
  if (!pending) return null;
  if (Date.parse(pending.createdAt) + PENDING_MFA_SECONDS * 1000 < now.getTime()) return null;
  return pending;
}

export async function endPendingMfa(request: FastifyRequest): Promise<void> {
  (await getSession(request)).set(PENDING, undefined);
}

/** Whether the pending step's user is still one who may sign in (not blocked, deleted or moved). */
export function stillSignInable(user: User | null, pending: PendingMfa): user is User {
  return user?.accountEnabled === true && user.tenantId === pending.tenantId;
}

/**
 * Sends the sign-in to its second factor (`/{tenant}/mfa`): after a password (`continues` null), or for
 * a session signed in already that now needs MFA (an application that requires it, Security info).
 */
export async function startMfaStep(
  deps: { clock: { now(): Date } },
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  requirement: { reason: MfaReason | null },
  next: {
    flow: string | null;
    returnTo: string | null;
    continues: SessionAuth | null;
    passwordAt?: Date;
    someoneElse?: boolean;
  },
): Promise<FastifyReply> {
  const now = deps.clock.now();
  const methods: AuthMethodUse[] = next.continues
    ? (next.continues.methods ?? [{ method: 'password', at: next.continues.authnInstant }])
    : [{ method: 'password', at: (next.passwordAt ?? now).toISOString() }];
  await beginMfa(
    request,
    {
      userId: user.id,
      tenantId: user.tenantId,
      methods,
      reason: requirement.reason,
      flow: next.flow,
      returnTo: next.returnTo,
      continues: next.continues ? { sessionIndex: next.continues.sessionIndex } : null,
      ...(next.someoneElse ? { someoneElse: true } : {}),
    },
    now,
    await sessionAuth(request),
  );
  return reply.redirect(`/${user.tenantId}/mfa`, 303);
}
