import type { Db } from '../db/db.ts';
import type { UsersTable } from '../db/schema.ts';

export interface User {
  id: string;
  email: string;
  name: string;
  hasPassword: boolean;
  createdAt: string;
  /** The Workspace itself verified `email` (a mailed link, or a domain the organization verified). */
  emailVerified: boolean;
  /** Null for a Workspace-wide account; else the one organization this account belongs to. */
  scopeOrganizationId: string | null;
}

export interface UserWithSecrets extends User {
  passwordHash: string | null;
  failedSignIns: number;
  lockedUntil: string | null;
}

function toUser(row: UsersTable): UserWithSecrets {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at,
    emailVerified: row.email_verified_at !== null,
    scopeOrganizationId: row.scope_organization_id,
    passwordHash: row.password_hash,
    failedSignIns: row.failed_sign_ins,
    lockedUntil: row.locked_until,
  };
}

function publicUser(user: UserWithSecrets): User {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    hasPassword: user.hasPassword,
    createdAt: user.createdAt,
    emailVerified: user.emailVerified,
    scopeOrganizationId: user.scopeOrganizationId,
  };
}

export interface NewUser {
  id: string;
  email: string;
  name: string;
  passwordHash: string | null;
  createdAt: string;
  /** Default null: not verified. */
  emailVerifiedAt?: string | null;
  /** Default null: a Workspace-wide account. */
  scopeOrganizationId?: string | null;
}

export async function insertUser(db: Db, user: NewUser): Promise<User> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      email: user.email,
      name: user.name,
      password_hash: user.passwordHash,
      failed_sign_ins: 0,
      locked_until: null,
      created_at: user.createdAt,
      email_verified_at: user.emailVerifiedAt ?? null,
      scope_organization_id: user.scopeOrganizationId ?? null,
    })
    .execute();
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    hasPassword: user.passwordHash !== null,
    createdAt: user.createdAt,
    emailVerified: (user.emailVerifiedAt ?? null) !== null,
    scopeOrganizationId: user.scopeOrganizationId ?? null,
  };
}

export async function findUserById(db: Db, id: string): Promise<User | null> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? publicUser(toUser(row)) : null;
}

/**
 * The account `id` while its SSO session `ssoSessionId` has neither ended nor expired at `now`; null
 * otherwise. One query for what every page of an SSO-signed-in browser checks.
 */
export async function findUserWithLiveSsoSession(
  db: Db,
  id: string,
  ssoSessionId: string,
  now: string,
): Promise<User | null> {
  const row = await db
    .selectFrom('users')
    .innerJoin('sso_sessions', 'sso_sessions.user_id', 'users.id')
    .selectAll('users')
    .where('users.id', '=', id)
    .where('sso_sessions.id', '=', ssoSessionId)
    .where('sso_sessions.ended_at', 'is', null)
    .where('sso_sessions.expires_at', '>', now)
    .executeTakeFirst();
  return row ? publicUser(toUser(row)) : null;
}

/**
 * The Workspace-wide account that holds `email` (lower-cased), or null. Accounts scoped to an
 * organization are never found by email: their address is an IdP's claim, which reserves nothing.
 */
export async function findUserByEmail(db: Db, email: string): Promise<User | null> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email)
    .where('scope_organization_id', 'is', null)
    .executeTakeFirst();
  return row ? publicUser(toUser(row)) : null;
}

/** With the password hash and throttle state: for the sign-in check only (Workspace-wide accounts). */
export async function findUserForSignIn(db: Db, email: string): Promise<UserWithSecrets | null> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email)
    .where('scope_organization_id', 'is', null)
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

/** Records that the Workspace verified the account's current address. */
export async function markEmailVerified(db: Db, id: string, email: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ email_verified_at: at })
    .where('id', '=', id)
    .where('email', '=', email)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findUserSecretsById(db: Db, id: string): Promise<UserWithSecrets | null> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function recordSignInFailure(
  db: Db,
  id: string,
  failures: number,
  lockedUntil: string | null,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ failed_sign_ins: failures, locked_until: lockedUntil })
    .where('id', '=', id)
    .execute();
}

export async function clearSignInFailures(db: Db, id: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ failed_sign_ins: 0, locked_until: null })
    .where('id', '=', id)
    .execute();
}
