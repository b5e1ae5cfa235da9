import type { Selectable } from 'kysely';
import type { Db, UsersTable } from '../db/schema.ts';

export interface User {
  /** Object id. */
  id: string;
  tenantId: string;
  userPrincipalName: string;
  displayName: string;
  mail: string | null;
  givenName: string | null;
  surname: string | null;
  accountEnabled: boolean;
  isAdmin: boolean;
  failedSignIns: number;
  lockouts: number;
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string;
  /** SSO sessions signed in before this are over (a self-service password reset sets it: password-reset/). */
  signInSessionsValidFrom?: string | null;
  /**
   * Graph's passwordProfile, without the password: `forceChangePasswordNextSignIn` is true while the
   * password is a temporary one an administrator made (temporary-password/). Always read by `toUser`.
   */
  passwordProfile?: { forceChangePasswordNextSignIn: boolean };
  /** Entra's per-user MFA state and when registration was first asked for, when read with them (`findUser`). */
  mfa?: { perUserState: PerUserMfaState; registrationPromptedAt: string | null };
}

export type PerUserMfaState = 'disabled' | 'enabled' | 'enforced';

export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userPrincipalName: row.user_principal_name,
    displayName: row.display_name,
    mail: row.mail,
    givenName: row.given_name,
    surname: row.surname,
    accountEnabled: row.account_enabled === 1,
    isAdmin: row.is_admin === 1,
    failedSignIns: row.failed_sign_ins,
    lockouts: row.lockouts,
    lockedUntil: row.locked_until,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    signInSessionsValidFrom: row.sign_in_sessions_valid_from ?? null,
    passwordProfile: { forceChangePasswordNextSignIn: row.force_change_password_next_sign_in === 1 },
  };
}

// Every lookup below sees users who are not deleted only: a deleted user cannot sign in, is not
// listed, assigned or counted, and keeps no session (see deleted-users.repository.ts for the others).

/**
 * The user `id` (not deleted), with their MFA facts read in the same query: every sign-in reads the
 * user, and asks whether they must do MFA (mfa/requirement.ts).
 */
export async function findUser(db: Db, id: string): Promise<User | null> {
  const row = await db
    .selectFrom('users')
    .leftJoin('user_mfa', 'user_mfa.user_id', 'users.id')
    .selectAll('users')
    .select(['user_mfa.per_user_state', 'user_mfa.registration_prompted_at'])
    .where('users.id', '=', id)
    .where('users.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  return {
    ...toUser(row),
    mfa: {
      perUserState: (row.per_user_state ?? 'disabled') as PerUserMfaState,
      registrationPromptedAt: row.registration_prompted_at ?? null,
    },
  };
}

export async function findUserInTenant(db: Db, tenantId: string, id: string): Promise<User | null> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', id)
    .where('tenant_id', '=', tenantId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function findUserByUpn(db: Db, upn: string): Promise<User | null> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('upn_key', '=', upn.trim().toLowerCase())
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

/** The stored argon2id hash, only for the password check. */
export async function passwordHashOf(db: Db, userId: string): Promise<string | null> {
  const row = await db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.password_hash ?? null;
}

export async function listUsers(db: Db, tenantId: string, search = ''): Promise<User[]> {
  let query = db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('deleted_at', 'is', null);
  const term = search.trim().toLowerCase();
  if (term) {
    query = query.where((eb) =>
      eb.or([
        eb('upn_key', 'like', `%${escapeLike(term)}%`),
        eb('display_name', 'like', `%${escapeLike(search.trim())}%`),
      ]),
    );
  }
  const rows = await query.orderBy('display_name').orderBy('upn_key').limit(500).execute();
  return rows.map(toUser);
}

export function escapeLike(text: string): string {
  return text.replace(/[%_\\]/g, '');
}

export async function countAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('is_admin', '=', 1)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface NewUserRow {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  displayName: string;
  mail: string | null;
  givenName: string | null;
  surname: string | null;
  accountEnabled: boolean;
  isAdmin: boolean;
  passwordHash: string;
  /** A temporary password, to be changed at the next sign-in (Graph's default: false). */
  forceChangePasswordNextSignIn?: boolean;
  at: string;
}

export async function insertUser(db: Db, user: NewUserRow): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      tenant_id: user.tenantId,
      user_principal_name: user.userPrincipalName,
      upn_key: user.userPrincipalName.toLowerCase(),
      display_name: user.displayName,
      mail: user.mail,
      given_name: user.givenName,
      surname: user.surname,
      account_enabled: user.accountEnabled ? 1 : 0,
      password_hash: user.passwordHash,
      failed_sign_ins: 0,
      lockouts: 0,
      locked_until: null,
      is_admin: user.isAdmin ? 1 : 0,
      force_change_password_next_sign_in: user.forceChangePasswordNextSignIn ? 1 : 0,
      created_at: user.at,
      updated_at: user.at,
    })
    .execute();
}

export interface UserProfileChange {
  userPrincipalName: string;
  displayName: string;
  mail: string | null;
  givenName: string | null;
  surname: string | null;
  accountEnabled: boolean;
  isAdmin: boolean;
}

export async function updateUserProfile(
  db: Db,
  id: string,
  change: UserProfileChange,
  at: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      user_principal_name: change.userPrincipalName,
      upn_key: change.userPrincipalName.toLowerCase(),
      display_name: change.displayName,
      mail: change.mail,
      given_name: change.givenName,
      surname: change.surname,
      account_enabled: change.accountEnabled ? 1 : 0,
      is_admin: change.isAdmin ? 1 : 0,
      updated_at: at,
    })
    .where('id', '=', id)
    .execute();
}

/** A new password (and whether it is temporary: Graph's forceChangePasswordNextSignIn); clears any lockout. */
export async function setPasswordHash(
  db: Db,
  id: string,
  hash: string,
  at: string,
  forceChangePasswordNextSignIn = false,
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      password_hash: hash,
      force_change_password_next_sign_in: forceChangePasswordNextSignIn ? 1 : 0,
      failed_sign_ins: 0,
      lockouts: 0,
      locked_until: null,
      updated_at: at,
    })
    .where('id', '=', id)
    .execute();
}

/** Makes the current password temporary, or not (Graph's PATCH of passwordProfile without a password). */
export async function setForceChangePassword(db: Db, id: string, force: boolean, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ force_change_password_next_sign_in: force ? 1 : 0, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** Smart-lockout bookkeeping after a failed or a successful password check. */
export async function setLockoutState(
  db: Db,
  id: string,
  state: { failedSignIns: number; lockouts: number; lockedUntil: string | null },
): Promise<void> {
  await db
    .updateTable('users')
    .set({ failed_sign_ins: state.failedSignIns, lockouts: state.lockouts, locked_until: state.lockedUntil })
    .where('id', '=', id)
    .execute();
}

/** Deletes the user for good, with their assignments and group memberships. */
export async function deleteUserRow(db: Db, id: string): Promise<void> {
  await db
    .deleteFrom('assignments')
    .where('principal_type', '=', 'user')
    .where('principal_id', '=', id)
    .execute();
  await db.deleteFrom('group_members').where('user_id', '=', id).execute();
  await db.deleteFrom('users').where('id', '=', id).execute();
}
