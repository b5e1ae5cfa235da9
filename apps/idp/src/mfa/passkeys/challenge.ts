import { getSession } from '@federa/kit';
import type { FastifyRequest } from 'fastify';

/** What a challenge was issued for: adding a passkey, or signing in with one. */
export type CeremonyPurpose = 'registration' | 'authentication';

/** A WebAuthn challenge lives as long as Entra's: 5 minutes, then the ceremony starts again. */
export const CHALLENGE_SECONDS = 5 * 60;

interface StoredChallenge {
  purpose: CeremonyPurpose;
  userId: string;
  /** base64url, as the options carried it. */
  challenge: string;
  createdAt: string;
}

const KEY = 'webauthnChallenge';

/**
 * Keeps the challenge in this browser's session (in the database, never in a cookie or a page the
 * server trusts back): bound to the session, the user and the ceremony; a new one replaces the last.
 */
export async function keepChallenge(
  request: FastifyRequest,
  purpose: CeremonyPurpose,
  userId: string,
  challenge: string,
  at: Date,
): Promise<void> {
  (await getSession(request)).set(KEY, {
    purpose,
    userId,
    challenge,
    createdAt: at.toISOString(),
  } satisfies StoredChallenge);
}

export type ChallengeRefusal = 'CHALLENGE_MISSING' | 'CHALLENGE_EXPIRED';

/**
 * Takes the session's challenge for this ceremony and user: removed before anything checks the
 * response, so that it answers one response only, good or bad (single use).
 */
export async function takeChallenge(
  request: FastifyRequest,
  purpose: CeremonyPurpose,
  userId: string,
  now: Date,
): Promise<{ ok: true; challenge: string } | { ok: false; code: ChallengeRefusal }> {
  const session = await getSession(request);
  const stored = session.get<StoredChallenge>(KEY) ?? null;
  session.set(KEY, undefined);
  if (!stored || stored.purpose !== purpose || stored.userId !== userId) {
    return { ok: false, code: 'CHALLENGE_MISSING' };
  }
  if (Date.parse(stored.createdAt) + CHALLENGE_SECONDS * 1000 < now.getTime()) {
    return { ok: false, code: 'CHALLENGE_EXPIRED' };
  }
  return { ok: true, challenge: stored.challenge };
}
