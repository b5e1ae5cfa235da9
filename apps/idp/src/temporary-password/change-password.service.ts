import { hashPassword, verifyPassword } from '@federa/kit';
import { recordAudit } from '../audit/audit.repository.ts';
import { type Deps, nowIso } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { countFailedSignIn, lockedNow } from '../signin/password-check.ts';
import { findUser, passwordHashOf, setPasswordHash, type User } from '../users/users.repository.ts';
import { passwordError } from '../users/users.service.ts';

/** What the user typed on "Update your password". */
export interface PasswordChange {
  current: string;
  next: string;
  confirm: string;
}

export type PasswordChangeResult =
  | { ok: true; user: User }
  /** A wrong current password (counted toward Smart Lockout), or the account is locked now. */
  | { ok: false; code: 'AADSTS50126' | 'AADSTS50053'; errors: Partial<Record<keyof PasswordChange, string>> }
  /** The new password is refused; nothing was counted. */
  | { ok: false; code: 'invalid'; errors: Partial<Record<keyof PasswordChange, string>> };

/**
 * The user replaces their temporary password at sign-in, as Entra's "Update your password" asks:
 * the current password (a wrong one counts toward Smart Lockout, as at the sign-in page), then a new
 * one that meets Entra's rule, differs from the current one and is typed twice. The new one is not
 * temporary; the lockout count starts again.
 */
export async function changeTemporaryPassword(
  deps: Pick<Deps, 'db' | 'clock'>,
  user: User,
  change: PasswordChange,
  correlationId: string,
): Promise<PasswordChangeResult> {
  if (lockedNow(user, deps.clock.now())) {
    return { ok: false, code: 'AADSTS50053', errors: {} };
  }
  if (change.current === '') {
    return { ok: false, code: 'invalid', errors: { current: 'Enter your current password.' } };
  }
  const hash = await passwordHashOf(deps.db, user.id);
  if (hash === null || !(await verifyPassword(hash, change.current))) {
    await countFailedSignIn(deps, user);
    const after = await findUser(deps.db, user.id);
    if (after && lockedNow(after, deps.clock.now())) return { ok: false, code: 'AADSTS50053', errors: {} };
    return {
      ok: false,
      code: 'AADSTS50126',
      errors: { current: 'Your current password is incorrect. Enter the password you signed in with.' },
    };
  }
  const problem =
    change.next === ''
      ? 'Enter a new password.'
      : change.next === change.current
        ? 'You can’t reuse your current password. Choose a new one.'
        : passwordError(change.next);
  if (problem) return { ok: false, code: 'invalid', errors: { next: problem } };
  if (change.confirm !== change.next) {
    return {
      ok: false,
      code: 'invalid',
      errors: { confirm: 'The passwords don’t match. Enter the new password again.' },
    };
  }
  const newHash = await hashPassword(change.next);
  return inTransaction(deps.db, async (db) => {
    const at = nowIso(deps);
    await setPasswordHash(db, user.id, newHash, at, false);
    // Entra's audit log: the user changed their own password, at sign-in.
    await recordAudit(db, { id: user.id, name: user.userPrincipalName, correlationId }, at, {
      tenantId: user.tenantId,
      category: 'UserManagement',
      activity: 'Change user password',
      targetType: 'User',
      targetId: user.id,
      targetName: user.userPrincipalName,
      details: { atSignIn: true, forceChangePasswordNextSignIn: { from: true, to: false } },
    });
    return { ok: true as const, user: (await findUser(db, user.id))! };
  });
}
