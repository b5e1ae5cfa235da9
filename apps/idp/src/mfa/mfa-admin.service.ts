import { recordAudit } from '../audit/audit.repository.ts';
import { type Actor, type Deps, nowIso } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { idpError, notFound } from '../errors.ts';
import { findUserInTenant, type User } from '../users/users.repository.ts';
import {
  deleteAllMethods,
  deleteMethod,
  listMethods,
  PER_USER_MFA_STATES,
  type PerUserMfaState,
  setPerUserState,
  userMfaOf,
} from './methods.repository.ts';

async function userOr404(deps: Deps, tenantId: string, userId: string): Promise<User> {
  const user = await findUserInTenant(deps.db, tenantId, userId);
  if (!user) throw notFound('The user');
  return user;
}

/** Entra's legacy per-user MFA: Disabled, Enabled (register at next sign-in), Enforced. */
export async function setPerUserMfa(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  userId: string,
  state: string,
): Promise<User> {
  if (!PER_USER_MFA_STATES.includes(state as PerUserMfaState)) {
    throw idpError('validation_failed', 400, 'Choose Disabled, Enabled or Enforced.', { field: 'state' });
  }
  return inTransaction(deps.db, async (db) => {
    const user = await userOr404({ ...deps, db }, tenantId, userId);
    const before = (await userMfaOf(db, userId)).perUserState;
    if (before === state) return user;
    const at = nowIso(deps);
    await setPerUserState(db, userId, state as PerUserMfaState, at);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'UserManagement',
      activity: 'Update per-user multifactor authentication state',
      targetType: 'User',
      targetId: userId,
      targetName: user.userPrincipalName,
      details: { perUserMfaState: { from: before, to: state } },
    });
    return user;
  });
}

/**
 * "Require re-register MFA": deletes the user's methods, so that their next sign-in that needs MFA
 * takes them through registration again (for a lost or replaced phone).
 */
export async function requireReregistration(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  userId: string,
): Promise<{ user: User; removed: number }> {
  return inTransaction(deps.db, async (db) => {
    const user = await userOr404({ ...deps, db }, tenantId, userId);
    const removed = await deleteAllMethods(db, userId);
    const at = nowIso(deps);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'UserManagement',
      activity: 'Admin required re-registration of multifactor authentication',
      targetType: 'User',
      targetId: userId,
      targetName: user.userPrincipalName,
      details: { methodsRemoved: removed },
    });
    return { user, removed };
  });
}

/** A user removes one of their own methods on Security info. */
export async function removeOwnMethod(deps: Deps, user: User, methodId: string): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const method = (await listMethods(db, user.id)).find((m) => m.id === methodId);
    if (!method || !(await deleteMethod(db, user.id, methodId))) throw notFound('The sign-in method');
    const at = nowIso(deps);
    await recordAudit(db, { id: user.id, name: user.userPrincipalName, correlationId: null }, at, {
      tenantId: user.tenantId,
      category: 'UserManagement',
      activity: 'User deleted security info',
      targetType: 'User',
      targetId: user.id,
      targetName: user.userPrincipalName,
      details: { method: method.kind, displayName: method.displayName },
    });
  });
}
