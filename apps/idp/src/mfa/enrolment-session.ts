import { getSession } from '@federa/kit';
import type { FastifyRequest } from 'fastify';
import { openTotpKey } from './methods.repository.ts';
import type { TotpEnrolment } from './totp.service.ts';

const ENROLMENT = 'totpEnrolment';
const ENROLMENT_SECONDS = 10 * 60;

/** Keeps the enrolment (its key sealed) in the session until the user types the first code. */
export async function keepEnrolment(request: FastifyRequest, enrolment: TotpEnrolment): Promise<void> {
  (await getSession(request)).set(ENROLMENT, enrolment);
}

/** The user's enrolment in this session with its key opened, or null (none, another user's, expired). */
export async function enrolmentOf(
  request: FastifyRequest,
  secretKey: Buffer,
  userId: string,
  now: Date,
): Promise<{ enrolment: TotpEnrolment; key: Uint8Array } | null> {
  const enrolment = (await getSession(request)).get<TotpEnrolment>(ENROLMENT) ?? null;
  if (!enrolment || enrolment.userId !== userId) return null;
  if (Date.parse(enrolment.createdAt) + ENROLMENT_SECONDS * 1000 < now.getTime()) return null;
  return { enrolment, key: openTotpKey(secretKey, enrolment.methodId, enrolment.sealedKey) };
}

export async function dropEnrolment(request: FastifyRequest): Promise<void> {
  (await getSession(request)).set(ENROLMENT, undefined);
}
