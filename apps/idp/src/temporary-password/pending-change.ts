import { getSession } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthMethodUse } from '../signin/session-auth.ts';
import type { User } from '../users/users.repository.ts';

/**
 * A sign-in whose factors are all proved, held at "Update your password" because the password is a
 * temporary one (Graph's passwordProfile.forceChangePasswordNextSignIn). Kept in the session, never as
 * `auth`: nothing treats the user as signed in, and no SAML response is issued, until the new
 * password is chosen; then the sign-in goes on from where it was.
 */
export interface PendingPasswordChange {
  userId: string;
  tenantId: string;
  /** The factors proved so far: the password, and a second factor when the sign-in needed one. */
  methods: AuthMethodUse[];
  mfaAt: string | null;
  registrationSkipped: boolean;
  /** The session a step-up continued, whose SessionIndex is kept; null for a new sign-in. */
  sessionIndex: string | null;
  /** The waiting SAML sign-in (a PendingFlow key), or the local path to go to. */
  flow: string | null;
  returnTo: string | null;
  /** "Sign in as someone else" (test-sign-in/): the browser's own session is left as it is. */
  someoneElse: boolean;
  createdAt: string;
}

const PENDING = 'passwordChangePending';
/** As long as the MFA step waits (signin/mfa-pending.ts): after that, sign in again. */
export const PENDING_CHANGE_SECONDS = 10 * 60;

/** Whether the user's password is temporary: they choose a new one before the sign-in goes on. */
export function mustChangePassword(user: Pick<User, 'passwordProfile'>): boolean {
  return user.passwordProfile?.forceChangePasswordNextSignIn === true;
}

/**
 * Holds the sign-in at "Update your password", with a new session id (against fixation). A session
 * this browser had ends here, as a new sign-in would end it (not for "Sign in as someone else").
 */
export async function beginPasswordChange(
  request: FastifyRequest,
  pending: Omit<PendingPasswordChange, 'createdAt'>,
  at: Date,
): Promise<void> {
  const session = await getSession(request);
  session.regenerate();
  if (!pending.someoneElse) session.set('auth', undefined);
  session.set(PENDING, { ...pending, createdAt: at.toISOString() } satisfies PendingPasswordChange);
}

/** The waiting change, if there is one and it has not expired. */
export async function pendingPasswordChange(
  request: FastifyRequest,
  now: Date,
): Promise<PendingPasswordChange | null> {
  const pending = (await getSession(request)).get<PendingPasswordChange>(PENDING) ?? null;
  if (!pending) return null;
  if (Date.parse(pending.createdAt) + PENDING_CHANGE_SECONDS * 1000 < now.getTime()) return null;
  return pending;
}

export async function endPasswordChange(request: FastifyRequest): Promise<void> {
  (await getSession(request)).set(PENDING, undefined);
}

/**
 * Holds a sign-in whose factors are proved at "Update your password" (nothing is issued, no session
 * counts as signed in), and sends the browser there. Called by the password step and by the MFA step.
 */
export async function startPasswordChange(
  deps: { clock: { now(): Date } },
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  next: {
    methods: AuthMethodUse[];
    mfaAt: string | null;
    registrationSkipped?: boolean;
    sessionIndex?: string | undefined;
    flow: string | null;
    returnTo: string | null;
    someoneElse?: boolean;
  },
): Promise<FastifyReply> {
  await beginPasswordChange(
    request,
    {
      userId: user.id,
      tenantId: user.tenantId,
      methods: next.methods,
      mfaAt: next.mfaAt,
      registrationSkipped: next.registrationSkipped === true,
      sessionIndex: next.sessionIndex ?? null,
      flow: next.flow,
      returnTo: next.returnTo,
      someoneElse: next.someoneElse === true,
    },
    deps.clock.now(),
  );
  request.log.info({ check: 'password-change' }, 'temporary password: the user must choose a new one');
  return reply.redirect(`/${user.tenantId}/update-password`, 303);
}
