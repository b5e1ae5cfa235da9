import { verifyPassword } from '@federa/kit';
import type { Deps } from '../context.ts';
import type { AadstsCode } from '../sso/aadsts.ts';
import type { Tenant } from '../tenants/tenants.repository.ts';
import { findUserByUpn, passwordHashOf, setLockoutState, type User } from '../users/users.repository.ts';

/** Entra Smart Lockout: the 10th failed password in a row locks the account for 60 seconds… */
export const LOCKOUT_THRESHOLD = 10;
export const LOCKOUT_SECONDS = 60;
/** …and each later lockout lasts twice as long as the one before, up to a day. */
export const MAX_LOCKOUT_SECONDS = 24 * 3600;

// A real argon2id hash of a random string, verified when the user does not exist, so that an unknown
// user name costs the same time as a wrong password.
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$/+w3TdBmKiaWLwaWH6UV1w$PsV+QlmFUYWu1Q5yK+duGpD+KiN6kQ3opNRRa6Mj5X8';

export type PasswordCheck =
  | { ok: true; user: User }
  | { ok: false; code: AadstsCode; user: User | null; reason: string };

/**
 * Checks a user name and password for a tenant (or any tenant, for `/common`), with per-account
 * lockout. Refusals, in Entra's codes: AADSTS50034 no such user in this directory, AADSTS50053 locked
 * (checked before the password, so a locked account gives nothing away), AADSTS50126 wrong password,
 * AADSTS50057 right password but sign-in blocked.
 */
export async function checkPassword(
  deps: Pick<Deps, 'db' | 'clock'>,
  tenant: Tenant | null,
  userName: string,
  password: string,
  options: { clearFailures?: boolean } = {},
): Promise<PasswordCheck> {
  const now = deps.clock.now();
  const user = await findUserByUpn(deps.db, userName);
  if (!user || (tenant && user.tenantId !== tenant.id)) {
    await verifyPassword(DUMMY_HASH, password);
    return {
      ok: false,
      code: 'AADSTS50034',
      user: null,
      reason: tenant
        ? `The user account does not exist in the ${tenant.name} directory.`
        : 'The user account does not exist in any directory.',
    };
  }
  if (user.lockedUntil && user.lockedUntil > now.toISOString()) {
    return {
      ok: false,
      code: 'AADSTS50053',
      user,
      reason: `The account is locked until ${user.lockedUntil} after too many sign-ins with a wrong password.`,
    };
  }
  const hash = await passwordHashOf(deps.db, user.id);
  const valid = hash !== null && (await verifyPassword(hash, password));
  if (!valid) {
    await countFailedSignIn(deps, user);
    return { ok: false, code: 'AADSTS50126', user, reason: 'Invalid username or password.' };
  }
  // With a second factor to come, the count is cleared only once it is done (signin/mfa-step.ts):
  // else a wrong code, then the right password, then another wrong code… would never lock.
  if (options.clearFailures !== false) await clearFailedSignIns(deps, user);
  if (!user.accountEnabled) {
    return {
      ok: false,
      code: 'AADSTS50057',
      user,
      reason: 'The user account is disabled (sign-in blocked by an administrator).',
    };
  }
  return { ok: true, user };
}

/**
 * One failed sign-in (a wrong password, or a wrong verification code at the MFA step): the 10th in a
 * row locks the account (Smart Lockout).
 */
export async function countFailedSignIn(deps: Pick<Deps, 'db' | 'clock'>, user: User): Promise<void> {
  const now = deps.clock.now();
  const failed = user.failedSignIns + 1;
  if (failed >= LOCKOUT_THRESHOLD) {
    const seconds = Math.min(LOCKOUT_SECONDS * 2 ** user.lockouts, MAX_LOCKOUT_SECONDS);
    await setLockoutState(deps.db, user.id, {
      // One more failure after the lockout ends locks again, for longer (Entra's behaviour).
      failedSignIns: LOCKOUT_THRESHOLD - 1,
      lockouts: user.lockouts + 1,
      lockedUntil: new Date(now.getTime() + seconds * 1000).toISOString(),
    });
  } else {
    await setLockoutState(deps.db, user.id, {
      failedSignIns: failed,
      lockouts: user.lockouts,
      lockedUntil: user.lockedUntil,
    });
  }
}

/** A whole sign-in succeeded: the failure count starts again. */
export async function clearFailedSignIns(deps: Pick<Deps, 'db'>, user: User): Promise<void> {
  if (user.failedSignIns !== 0 || user.lockouts !== 0 || user.lockedUntil !== null) {
    await setLockoutState(deps.db, user.id, { failedSignIns: 0, lockouts: 0, lockedUntil: null });
  }
}

/** Whether Smart Lockout holds the account now. */
export function lockedNow(user: User, now: Date): boolean {
  return user.lockedUntil !== null && user.lockedUntil > now.toISOString();
}
