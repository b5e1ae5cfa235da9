import { getSession } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { beginKeepSignedIn } from '../keep-signed-in/keep-signed-in.ts';
import { sessionRevoked } from '../password-reset/sign-in-sessions.ts';
import { findUser, type User } from '../users/users.repository.ts';
import { closePortal, openPortal } from './portal-cookie.ts';

/** Who is signed in to this browser's single sign-on session. */
export interface SessionAuth {
  userId: string;
  tenantId: string;
  /** When the password was checked (the AuthnInstant of every assertion in this session). */
  authnInstant: string;
  /** One SessionIndex per IdP session, sent in every AuthnStatement. */
  sessionIndex: string;
  /** The factors proved in this session, in order: the password, then any second factor (0009-mfa). */
  methods?: AuthMethodUse[];
  /** When a second factor was last proved in this session; absent or null: the password only. */
  mfaAt?: string | null;
  /** The user chose "Skip for now" at security defaults' registration, within the 14 days allowed. */
  registrationSkipped?: boolean;
}

/** One factor proved: which, and when. */
export interface AuthMethodUse {
  method: 'password' | 'totp' | 'passkey';
  at: string;
  /** A passkey that cannot leave its authenticator (not backup eligible): the sign-in log says so. */
  deviceBound?: boolean;
}

/**
 * A sign-in waiting for the user to authenticate: what the checks established about the request, kept
 * in the session while the sign-in page is shown, then finished by `completeFlow`. Also used for
 * IdP-initiated sign-in (`requestId` null).
 */
export interface PendingFlow {
  key: string;
  tenantId: string;
  applicationId: string;
  /** The Identifier the SP sent as Issuer (or the default Identifier for IdP-initiated). */
  audience: string;
  /** The AuthnRequest ID; null for an unsolicited response. */
  requestId: string | null;
  acsUrl: string;
  relayState: string | null;
  /** NameID format asked for in NameIDPolicy (already checked), or null. */
  requestedNameIdFormat: string | null;
  authnContextClassRef: string;
  forceAuthn: boolean;
  /** IsPassive: no page may be shown, so a second factor still to do answers NoPassive (0009-mfa). */
  isPassive?: boolean;
  /**
   * Test single sign-on › "Sign in as someone else" (test-sign-in/): credentials are asked afresh and
   * the sign-in lasts for this one response; the browser's SSO session is neither used nor replaced.
   */
  someoneElse?: boolean;
  correlationId: string;
  createdAt: string;
}

const AUTH = 'auth';
const FLOWS = 'flows';
const MAX_FLOWS = 10;

export async function sessionAuth(request: FastifyRequest): Promise<SessionAuth | null> {
  return (await getSession(request)).get<SessionAuth>(AUTH) ?? null;
}

/**
 * The signed-in user, re-read from the database on every request: a user blocked, deleted or moved
 * since signing in is signed out.
 */
export async function currentUser(
  request: FastifyRequest,
  deps: Pick<Deps, 'db'>,
): Promise<{ auth: SessionAuth; user: User } | null> {
  const auth = await sessionAuth(request);
  if (!auth) return null;
  const user = await findUser(deps.db, auth.userId);
  if (!user?.accountEnabled || user.tenantId !== auth.tenantId) return null;
  // Sessions revoked since this one signed in (a password reset: password-reset/sign-in-sessions.ts).
  if (sessionRevoked(user, auth)) return null;
  // A password an administrator made temporary since (temporary-password/): not signed in until the
  // user chooses their own at the next sign-in (Entra ends the sessions of an admin's password reset).
  if (user.passwordProfile?.forceChangePasswordNextSignIn) return null;
  return { auth, user };
}

/**
 * Starts the SSO session after a successful password check: a new session id (against fixation),
 * and the admin portal's own cookie beside it (portal-cookie.ts), since the password was just proved.
 */
export async function startSession(
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  at: Date,
  /** After a second factor (signin/mfa-step.ts): the factors proved, and the session continued, if any. */
  mfa?: {
    methods: AuthMethodUse[];
    mfaAt: string | null;
    sessionIndex?: string;
    registrationSkipped?: boolean;
  },
): Promise<SessionAuth> {
  const session = await getSession(request);
  session.regenerate();
  const auth: SessionAuth = {
    userId: user.id,
    tenantId: user.tenantId,
    authnInstant: at.toISOString(),
    sessionIndex: mfa?.sessionIndex ?? `_${crypto.randomUUID()}`,
    methods: mfa?.methods ?? [{ method: 'password', at: at.toISOString() }],
    mfaAt: mfa?.mfaAt ?? null,
    ...(mfa?.registrationSkipped ? { registrationSkipped: true } : {}),
  };
  session.set(AUTH, auth);
  // "Stay signed in?" (keep-signed-in/): a browser-session cookie until the user or a policy says otherwise.
  beginKeepSignedIn(session, user.id, mfa?.sessionIndex !== undefined);
  await openPortal(request, reply);
  return auth;
}

/** Ends the SSO session, and with it the portal's cookie (which means nothing without it anyway). */
export async function endSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  (await getSession(request)).destroy();
  closePortal(reply);
}

export async function saveFlow(request: FastifyRequest, flow: PendingFlow): Promise<void> {
  const session = await getSession(request);
  const flows = { ...(session.get<Record<string, PendingFlow>>(FLOWS) ?? {}) };
  flows[flow.key] = flow;
  const keys = Object.values(flows)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((f) => f.key);
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_FLOWS))) delete flows[old];
  session.set(FLOWS, flows);
}

export async function findFlow(
  request: FastifyRequest,
  key: string | undefined,
): Promise<PendingFlow | null> {
  if (!key) return null;
  const flows = (await getSession(request)).get<Record<string, PendingFlow>>(FLOWS) ?? {};
  return flows[key] ?? null;
}

export async function dropFlow(request: FastifyRequest, key: string): Promise<void> {
  const session = await getSession(request);
  const flows = { ...(session.get<Record<string, PendingFlow>>(FLOWS) ?? {}) };
  if (!(key in flows)) return;
  delete flows[key];
  session.set(FLOWS, flows);
}
