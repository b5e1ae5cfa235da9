import { randomBytes, timingSafeEqual } from 'node:crypto';
import { getSession } from '@federa/kit';
import type { FastifyRequest } from 'fastify';
import { type SessionAuth, sessionAuth } from '../signin/session-auth.ts';

// Test single sign-on › "Sign in as someone else": the admin's POST (with the portal's CSRF token)
// leaves this marker in the admin's own server-side session. It is good for 5 minutes, once, for one
// application and one mode, and only while the same admin's SSO session (same user, same
// SessionIndex) is the one signed in. The request it marks (the user access URL carrying its nonce, or
// the application's next AuthnRequest from this browser) asks for credentials afresh, and its
// response is for whoever signs in then (one-sign-in.ts); every check of a normal sign-in still runs.
// The marker can only make a sign-in ask for more, never skip anything.

export type TestMode = 'sp' | 'idp';

export interface SomeoneElseMarker {
  /** Random, in the user access URL of an IdP-initiated test; unused for SP-initiated. */
  nonce: string;
  tenantId: string;
  applicationId: string;
  mode: TestMode;
  /** The admin's SSO session the marker belongs to. */
  adminUserId: string;
  sessionIndex: string;
  expiresAt: string;
}

const KEY = 'testAsSomeoneElse';
/** How long the marker waits for its request. */
export const MARKER_SECONDS = 5 * 60;

/** Sets the marker (replacing any earlier one) and returns its nonce. */
export async function markSomeoneElse(
  request: FastifyRequest,
  at: Date,
  admin: SessionAuth,
  app: { id: string; tenantId: string },
  mode: TestMode,
): Promise<string> {
  const nonce = randomBytes(32).toString('base64url');
  (await getSession(request)).set(KEY, {
    nonce,
    tenantId: app.tenantId,
    applicationId: app.id,
    mode,
    adminUserId: admin.userId,
    sessionIndex: admin.sessionIndex,
    expiresAt: new Date(at.getTime() + MARKER_SECONDS * 1000).toISOString(),
  } satisfies SomeoneElseMarker);
  return nonce;
}

const sameText = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Whether this request is the one the marker waits for: the same application and mode (and nonce, for
 * IdP-initiated), before it expires, in the admin's same SSO session. A match uses the marker up; an
 * expired marker, or one whose admin session is gone, is dropped; a request for another application
 * leaves it waiting.
 */
export async function takeSomeoneElse(
  request: FastifyRequest,
  now: Date,
  wanted: { applicationId: string; mode: TestMode; nonce?: string },
): Promise<boolean> {
  const session = await getSession(request);
  const marker = session.get<SomeoneElseMarker>(KEY);
  if (!marker) return false;
  if (Date.parse(marker.expiresAt) <= now.getTime()) {
    session.set(KEY, undefined);
    return false;
  }
  if (marker.applicationId !== wanted.applicationId || marker.mode !== wanted.mode) return false;
  if (wanted.mode === 'idp' && !sameText(wanted.nonce ?? '', marker.nonce)) return false;
  session.set(KEY, undefined);
  const auth = await sessionAuth(request);
  return auth?.userId === marker.adminUserId && auth.sessionIndex === marker.sessionIndex;
}
