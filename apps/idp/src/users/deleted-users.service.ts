import { recordAudit } from '../audit/audit.repository.ts';
import { type Actor, type Deps, nowIso, SYSTEM_ACTOR } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { idpError, notFound } from '../errors.ts';
import { findTenant } from '../tenants/tenants.repository.ts';
import {
  type DeletedUser,
  deletedUsersDue,
  findDeletedUser,
  markUserRestored,
} from './deleted-users.repository.ts';
import { deleteUserRow, findUserByUpn, findUserInTenant, type User } from './users.repository.ts';

// Users › Deleted users (Entra's recycle bin for users): restore within 30 days, or delete permanently,
// by hand or by the purge job once the 30 days are over. Audit activities are Entra's.

/**
 * Brings a deleted user back with their assignments and group memberships. Refused while someone else
 * has taken the user name, or its domain is no longer the tenant's (Entra refuses the same way).
 */
export async function restoreUser(deps: Deps, actor: Actor, tenantId: string, userId: string): Promise<User> {
  return inTransaction(deps.db, async (db) => {
    const user = await findDeletedUser(db, tenantId, userId);
    if (!user) throw notFound('The deleted user');
    const upn = user.userPrincipalName;
    if (await findUserByUpn(db, upn)) {
      throw idpError(
        'conflict',
        409,
        `Another user now has the user name ${upn}: change that user's name, or delete ${user.displayName} permanently.`,
      );
    }
    const domain = upn.slice(upn.lastIndexOf('@') + 1).toLowerCase();
    if (!(await findTenant(db, tenantId))?.domains.some((d) => d.domain === domain)) {
      throw idpError('conflict', 409, `@${domain} is no longer a domain of this tenant: add it back first.`);
    }
    const at = nowIso(deps);
    await markUserRestored(db, user, at);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'UserManagement',
      activity: 'Restore user',
      targetType: 'User',
      targetId: userId,
      targetName: upn,
    });
    return (await findUserInTenant(db, tenantId, userId))!;
  });
}

async function hardDelete(db: Deps['db'], actor: Actor, at: string, user: DeletedUser): Promise<void> {
  await deleteUserRow(db, user.id);
  await recordAudit(db, actor, at, {
    tenantId: user.tenantId,
    category: 'UserManagement',
    activity: 'Hard delete user',
    targetType: 'User',
    targetId: user.id,
    targetName: user.userPrincipalName,
    details: { deletedAt: user.deletedAt },
  });
}

/** Deletes a deleted user for good, with their assignments and memberships: no way back. */
export async function deleteUserPermanently(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  userId: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const user = await findDeletedUser(db, tenantId, userId);
    if (!user) throw notFound('The deleted user');
    await hardDelete(db, actor, nowIso(deps), user);
  });
}

/**
 * The purge job: deletes for good every user deleted 30 days ago or more (any tenant). Idempotent, so
 * that every instance may run it. Returns how many it deleted.
 */
export async function purgeDeletedUsers(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  const now = deps.clock.now();
  const due = await deletedUsersDue(deps.db, now);
  for (const user of due) {
    await inTransaction(deps.db, async (db) => {
      // Restored or purged by another instance meanwhile: nothing to do.
      if (!(await findDeletedUser(db, user.tenantId, user.id))) return;
      await hardDelete(db, SYSTEM_ACTOR, now.toISOString(), user);
    });
  }
  return due.length;
}
