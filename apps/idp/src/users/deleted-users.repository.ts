import type { Db } from '../db/schema.ts';
import { toUser, type User } from './users.repository.ts';

/** Entra keeps a deleted user 30 days, restorable, then deletes them permanently. */
export const DELETED_USER_RETENTION_DAYS = 30;

export interface DeletedUser extends User {
  deletedAt: string;
  /** When the purge job deletes the user for good: `deletedAt` + 30 days. */
  permanentDeletionAt: string;
}

export function permanentDeletionOf(deletedAt: string): string {
  return new Date(new Date(deletedAt).getTime() + DELETED_USER_RETENTION_DAYS * 86_400_000).toISOString();
}

/**
 * The key a deleted user's user name is kept under, freeing the name for someone new (Entra prefixes a
 * deleted user's UPN with their object id the same way). Restoring puts the plain key back.
 */
export function deletedUpnKey(id: string, userPrincipalName: string): string {
  return `${id.replace(/-/g, '')}${userPrincipalName}`.toLowerCase();
}

function toDeletedUser(row: Parameters<typeof toUser>[0]): DeletedUser {
  const deletedAt = row.deleted_at ?? '';
  return { ...toUser(row), deletedAt, permanentDeletionAt: permanentDeletionOf(deletedAt) };
}

/** Soft delete: the row, its assignments and memberships stay; every live lookup stops seeing it. */
export async function markUserDeleted(db: Db, user: User, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ deleted_at: at, upn_key: deletedUpnKey(user.id, user.userPrincipalName), updated_at: at })
    .where('id', '=', user.id)
    .execute();
}

export async function markUserRestored(db: Db, user: DeletedUser, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ deleted_at: null, upn_key: user.userPrincipalName.toLowerCase(), updated_at: at })
    .where('id', '=', user.id)
    .execute();
}

/** Users › Deleted users: the most recently deleted first. */
export async function listDeletedUsers(db: Db, tenantId: string): Promise<DeletedUser[]> {
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('deleted_at', 'is not', null)
    .orderBy('deleted_at', 'desc')
    .orderBy('id')
    .limit(500)
    .execute();
  return rows.map(toDeletedUser);
}

export async function findDeletedUser(db: Db, tenantId: string, id: string): Promise<DeletedUser | null> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', id)
    .where('tenant_id', '=', tenantId)
    .where('deleted_at', 'is not', null)
    .executeTakeFirst();
  return row ? toDeletedUser(row) : null;
}

/** Deleted users whose 30 days have ended by `now` (a batch; the purge job runs again). */
export async function deletedUsersDue(db: Db, now: Date): Promise<DeletedUser[]> {
  const deletedBy = new Date(now.getTime() - DELETED_USER_RETENTION_DAYS * 86_400_000).toISOString();
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .where('deleted_at', 'is not', null)
    .where('deleted_at', '<=', deletedBy)
    .orderBy('deleted_at')
    .limit(500)
    .execute();
  return rows.map(toDeletedUser);
}
