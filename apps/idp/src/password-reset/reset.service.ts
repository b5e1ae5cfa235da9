import { hashPassword, verifyPassword } from '@federa/kit';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Actor, Deps } from '../context.ts';
import { type Db, inTransaction } from '../db/schema.ts';
import { listMethods } from '../mfa/methods.repository.ts';
import type { Tenant } from '../tenants/tenants.repository.ts';
import {
  findUser,
  findUserByUpn,
  passwordHashOf,
  setPasswordHash,
  type User,
} from '../users/users.repository.ts';
import { passwordError } from '../users/users.service.ts';
import { enabledForUser } from './policy.ts';
import { revokeSignInSessions } from './sign-in-sessions.ts';

/** Why a user name cannot reset here: said in the audit log only, never to the browser. */
export type NotResettable = 'unknownUser' | 'accountDisabled' | 'notEnabled' | 'noMethod';

export type Candidate = { ok: true; user: User } | { ok: false; reason: NotResettable; user: User | null };

/**
 * Who may reset, as one pipeline of named checks: a user of this tenant (any, for `/common`), whose
 * sign-in is allowed (a blocked user cannot get back in this way), whom the tenant's policy enables
 * (None / Selected group / All), and who registered a method to prove themself with.
 */
export async function resetCandidate(db: Db, tenant: Tenant | null, userName: string): Promise<Candidate> {
  const found = userName.trim() === '' ? null : await findUserByUpn(db, userName);
  const user = found && (!tenant || found.tenantId === tenant.id) ? await findUser(db, found.id) : null;
  return checkCandidate(db, user);
}

/** The same checks for the user of a flow under way (anything may have changed since its start). */
export async function stillResettable(db: Db, userId: string | null): Promise<Candidate> {
  return checkCandidate(db, userId ? await findUser(db, userId) : null);
}

async function checkCandidate(db: Db, user: User | null): Promise<Candidate> {
  if (!user) return { ok: false, reason: 'unknownUser', user: null };
  if (!user.accountEnabled) return { ok: false, reason: 'accountDisabled', user };
  if (!(await enabledForUser(db, user))) return { ok: false, reason: 'notEnabled', user };
  if ((await listMethods(db, user.id)).length === 0) return { ok: false, reason: 'noMethod', user };
  return { ok: true, user };
}

/** The user acting on their own account, for the audit log (Entra shows the user as initiator). */
export const selfActor = (user: User, correlationId: string): Actor => ({
  id: user.id,
  name: user.userPrincipalName,
  correlationId,
});

/** One step of a reset, in the audit log (Entra: "Self-service password reset flow activity progress"). */
export async function auditProgress(
  deps: Pick<Deps, 'db' | 'clock'>,
  user: User,
  correlationId: string,
  details: { result: 'success' | 'failure'; step: string; reason?: string },
): Promise<void> {
  await recordAudit(deps.db, selfActor(user, correlationId), deps.clock.now().toISOString(), {
    tenantId: user.tenantId,
    category: 'UserManagement',
    activity: 'Self-service password reset flow activity progress',
    targetType: 'User',
    targetId: user.id,
    targetName: user.userPrincipalName,
    details,
  });
}

export type NewPasswordCheck = { ok: true } | { ok: false; field: 'password' | 'confirm'; error: string };

/** Entra's rule (users.service.ts), the confirmation, and not the password the user has now. */
export async function checkNewPassword(
  db: Db,
  user: User,
  password: string,
  confirm: string,
): Promise<NewPasswordCheck> {
  const problem = passwordError(password);
  if (problem) return { ok: false, field: 'password', error: problem };
  if (password !== confirm) return { ok: false, field: 'confirm', error: 'The passwords don’t match.' };
  const hash = await passwordHashOf(db, user.id);
  if (hash !== null && (await verifyPassword(hash, password))) {
    return { ok: false, field: 'password', error: 'Choose a password you don’t use now.' };
  }
  return { ok: true };
}

/**
 * Sets the new password, in one transaction: its hash (which clears Smart Lockout and makes the
 * password not temporary), the end of the user's SSO sessions everywhere, and the
 * audit entry "Reset password (self-service)" with the flow's correlation id.
 */
export async function resetOwnPassword(
  deps: Pick<Deps, 'db' | 'clock'>,
  user: User,
  password: string,
  flow: { correlationId: string; verifiedWith: 'totp' | 'passkey' },
): Promise<void> {
  const hash = await hashPassword(password);
  await inTransaction(deps.db, async (db) => {
    const at = deps.clock.now().toISOString();
    // The user's own password: not temporary (setPasswordHash clears forceChangePasswordNextSignIn).
    await setPasswordHash(db, user.id, hash, at);
    await revokeSignInSessions(db, user.id, at);
    await recordAudit(db, selfActor(user, flow.correlationId), at, {
      tenantId: user.tenantId,
      category: 'UserManagement',
      activity: 'Reset password (self-service)',
      targetType: 'User',
      targetId: user.id,
      targetName: user.userPrincipalName,
      details: {
        verifiedWith: flow.verifiedWith === 'totp' ? 'Authenticator app code' : 'Passkey',
        signInSessionsRevoked: true,
        lockoutCleared: true,
        forceChangePasswordNextSignIn: false,
      },
    });
  });
}
