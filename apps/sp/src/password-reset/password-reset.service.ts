import { randomUUID } from 'node:crypto';
import { hashPassword } from '@federa/kit';
import type { Clock } from '@federa/saml';
import { findUserByEmail } from '../accounts/accounts.repository.ts';
import { MIN_PASSWORD_LENGTH } from '../accounts/accounts.service.ts';
import { addSeconds, nowIso } from '../context.ts';
import type { Db } from '../db/db.ts';
import type { Mailer } from '../mail/mailer.ts';
import { hashToken, newToken } from '../organizations/organizations.service.ts';

// "Lost your password?" as Sentry has it (/account/recover/): a one-time link mailed to the address of
// a Workspace-wide account. Accounts an IdP made for its organization only are never found by email,
// so no link reaches them. Opening the link proves the address (it becomes verified), and the new
// password ends every other browser session of the account.

const LINK_SECONDS = 3600;

/**
 * Mails a reset link when `email` is a Workspace-wide account's address; says nothing either way, so
 * that the page cannot tell who has an account.
 */
export async function requestPasswordReset(
  db: Db,
  clock: Clock,
  mailer: Mailer,
  baseUrl: string,
  email: string,
): Promise<{ userId: string } | null> {
  const user = await findUserByEmail(db, email.trim().toLowerCase());
  if (!user) return null;
  const token = newToken();
  const now = clock.now();
  await db
    .insertInto('password_resets')
    .values({
      id: randomUUID(),
      user_id: user.id,
      email: user.email,
      token_hash: hashToken(token),
      created_at: now.toISOString(),
      expires_at: addSeconds(now, LINK_SECONDS).toISOString(),
      used_at: null,
    })
    .execute();
  await mailer.send({
    to: user.email,
    subject: 'Reset your Federa Workspace password',
    text: `Hello ${user.name},\n\nSomeone asked to set a new password for the Federa Workspace account ${user.email}. Open this link within an hour to choose one:\n${baseUrl}/account/recover/confirm/${token}/\n\nIf it was not you, ignore this email: your password stays as it is.\n`,
    // Not `verifiesUserId`: the development outbox must not show it to an account whose address is
    // unproven (a squatter that registered someone else's address would reset and so "verify" it).
  });
  return { userId: user.id };
}

/** The account a reset link is for, while it is unused, unexpired and the account keeps that address. */
export async function findResetLink(
  db: Db,
  clock: Clock,
  token: string,
): Promise<{ userId: string; email: string } | null> {
  const row = await db
    .selectFrom('password_resets')
    .innerJoin('users', 'users.id', 'password_resets.user_id')
    .select(['password_resets.user_id as userId', 'users.email as email'])
    .where('password_resets.token_hash', '=', hashToken(token))
    .where('password_resets.used_at', 'is', null)
    .where('password_resets.expires_at', '>', nowIso(clock))
    .whereRef('password_resets.email', '=', 'users.email')
    .executeTakeFirst();
  return row ?? null;
}

export class PasswordTooShort extends Error {}

/**
 * Sets the new password through the link, once: the link and every other link of the account are
 * spent, the address counts as verified, the lock-out count is cleared, and the account's stored
 * browser sessions end. Returns the account's id, or null when the link no longer works.
 */
export async function resetPassword(
  db: Db,
  clock: Clock,
  token: string,
  password: string,
): Promise<string | null> {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > 256) throw new PasswordTooShort();
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const link = await findResetLink(trx, clock, token);
    if (!link) return null;
    const now = nowIso(clock);
    const spent = await trx
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('user_id', '=', link.userId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) === 0) return null;
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, failed_sign_ins: 0, locked_until: null })
      .where('id', '=', link.userId)
      .execute();
    await trx
      .updateTable('users')
      .set({ email_verified_at: now })
      .where('id', '=', link.userId)
      .where('email_verified_at', 'is', null)
      .execute();
    // The kit's session rows keep their data as JSON; the account's id is a UUID, so this matches
    // exactly the sessions signed in as this account.
    await trx.deleteFrom('sessions').where('data', 'like', `%"userId":"${link.userId}"%`).execute();
    return link.userId;
  });
}
