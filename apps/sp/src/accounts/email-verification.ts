import { randomUUID } from 'node:crypto';
import type { Clock } from '@federa/saml';
import { addSeconds, nowIso } from '../context.ts';
import type { Db } from '../db/db.ts';
import type { Mailer } from '../mail/mailer.ts';
import { hashToken, newToken } from '../organizations/organizations.service.ts';
import { markEmailVerified, type User } from './accounts.repository.ts';

// The Workspace's own proof that an account holds its address: a one-time link mailed to it. Only an
// address proven this way (or by a domain its organization verified) can be the target of a link by
// email, and only then does the development outbox show the account other mail to that address.

const VERIFY_SECONDS = 24 * 3600;

/** Mails `user` a link that verifies their address. */
export async function sendEmailVerification(
  db: Db,
  clock: Clock,
  mailer: Mailer,
  baseUrl: string,
  user: User,
): Promise<void> {
  const token = newToken();
  const now = clock.now();
  await db
    .insertInto('email_verifications')
    .values({
      id: randomUUID(),
      user_id: user.id,
      email: user.email,
      token_hash: hashToken(token),
      created_at: now.toISOString(),
      expires_at: addSeconds(now, VERIFY_SECONDS).toISOString(),
      used_at: null,
    })
    .execute();
  await mailer.send({
    to: user.email,
    subject: 'Verify your email address for Federa Workspace',
    text: `Hello ${user.name},\n\nOpen this link within 24 hours to verify that ${user.email} is yours:\n${baseUrl}/auth/verify-email/${token}/\n\nIf you did not create a Federa Workspace account, ignore this email.\n`,
    verifiesUserId: user.id,
  });
}

/**
 * Verifies the address a link was mailed to, once; returns the account's id, or null when the link is
 * unknown, used, expired, or the account's address changed since.
 */
export async function verifyEmailToken(db: Db, clock: Clock, token: string): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    const now = nowIso(clock);
    const row = await trx
      .selectFrom('email_verifications')
      .select(['id', 'user_id', 'email'])
      .where('token_hash', '=', hashToken(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (!row) return null;
    const used = await trx
      .updateTable('email_verifications')
      .set({ used_at: now })
      .where('id', '=', row.id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) return null;
    return (await markEmailVerified(trx, row.user_id, row.email, now)) ? row.user_id : null;
  });
}
