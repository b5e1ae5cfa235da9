import { randomUUID } from 'node:crypto';
import { hashPassword, verifyPassword } from '@federa/kit';
import type { Clock } from '@federa/saml';
import { nowIso } from '../context.ts';
import { type Db, isUniqueViolation } from '../db/db.ts';
import { SpError } from '../errors.ts';
import { isEmail, normalizeEmail, ValidationError } from '../validation.ts';
import {
  clearSignInFailures,
  findUserForSignIn,
  findUserSecretsById,
  insertUser,
  recordSignInFailure,
  type User,
} from './accounts.repository.ts';

export const MIN_PASSWORD_LENGTH = 10;
/** Failures before an account is throttled; each further failure doubles the wait (capped). */
const FREE_FAILURES = 5;
const MAX_LOCK_SECONDS = 3600;

export interface NewAccount {
  email: string;
  name: string;
  /** Null: an account made just in time by SSO, which has no password. */
  password: string | null;
  /** The operator vouches for the address (seeding); a person signing up must verify it by mail. */
  emailVerified?: boolean;
}

/**
 * Creates an account (argon2id password hash). Throws ValidationError naming each bad field, including
 * an email already taken.
 *
 * @example
 * const owner = await createAccount(db, clock, { email: 'owner@acme.test', name: 'Owner', password });
 */
export async function createAccount(db: Db, clock: Clock, input: NewAccount): Promise<User> {
  const email = normalizeEmail(input.email);
  const name = input.name.trim();
  const errors: Record<string, string> = {};
  if (!isEmail(email)) errors.email = 'Enter an email address, like name@example.com.';
  if (name === '' || name.length > 100) errors.name = 'Enter your name (at most 100 characters).';
  if (input.password !== null && input.password.length < MIN_PASSWORD_LENGTH) {
    errors.password = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  if (input.password !== null && input.password.length > 256) errors.password = 'Use at most 256 characters.';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const passwordHash = input.password === null ? null : await hashPassword(input.password);
  try {
    const createdAt = nowIso(clock);
    return await insertUser(db, {
      id: randomUUID(),
      email,
      name,
      passwordHash,
      createdAt,
      emailVerifiedAt: input.emailVerified ? createdAt : null,
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ValidationError({ email: 'An account with this email already exists. Sign in instead.' });
    }
    throw error;
  }
}

let dummyHash: Promise<string> | null = null;

/** Spends the time of a real check, so that timing does not tell which emails have passwords. */
async function spendDummyCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('not a real password');
  await verifyPassword(await dummyHash, password);
}

/**
 * Checks an email and password. Returns the account, or null when either is wrong (the caller shows
 * one message for both). Each account is throttled after repeated failures: `account_locked`.
 */
export async function checkPassword(
  db: Db,
  clock: Clock,
  emailInput: string,
  password: string,
): Promise<User | null> {
  const user = await findUserForSignIn(db, normalizeEmail(emailInput));
  if (!user || user.passwordHash === null) {
    await spendDummyCheck(password);
    return null;
  }
  return verifyAccountPassword(db, clock, user.id, password);
}

/** The password check for a known account (sign-in, and proving an account before linking an identity). */
export async function verifyAccountPassword(
  db: Db,
  clock: Clock,
  userId: string,
  password: string,
): Promise<User | null> {
  const user = await findUserSecretsById(db, userId);
  if (!user) return null;
  const now = clock.now();
  if (user.lockedUntil && user.lockedUntil > now.toISOString()) {
    const minutes = Math.max(1, Math.ceil((Date.parse(user.lockedUntil) - now.getTime()) / 60000));
    throw new SpError(
      'account_locked',
      429,
      `Too many failed sign-ins for this account. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`,
    );
  }
  if (user.passwordHash === null) {
    await spendDummyCheck(password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, password))) {
    const failures = user.failedSignIns + 1;
    const lockSeconds =
      failures >= FREE_FAILURES ? Math.min(60 * 2 ** (failures - FREE_FAILURES), MAX_LOCK_SECONDS) : 0;
    const lockedUntil = lockSeconds > 0 ? new Date(now.getTime() + lockSeconds * 1000).toISOString() : null;
    await recordSignInFailure(db, user.id, failures, lockedUntil);
    return null;
  }
  if (user.failedSignIns > 0) await clearSignInFailures(db, user.id);
  const { passwordHash: _hash, failedSignIns: _failures, lockedUntil: _lock, ...account } = user;
  return account;
}
