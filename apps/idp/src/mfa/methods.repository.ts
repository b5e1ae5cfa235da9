import { open, seal } from '@federa/kit';
import type { Db } from '../db/schema.ts';

export type MethodKind = 'totp' | 'passkey';

/** A registered authentication method, without its secret. */
export interface AuthenticationMethod {
  id: string;
  userId: string;
  kind: MethodKind;
  displayName: string;
  createdAt: string;
  lastUsedAt: string | null;
}

import type { PerUserMfaState } from '../users/users.repository.ts';

export type { PerUserMfaState };
export const PER_USER_MFA_STATES: readonly PerUserMfaState[] = ['disabled', 'enabled', 'enforced'];

export interface UserMfa {
  perUserState: PerUserMfaState;
  /** The last TOTP time-step accepted for this user (a code is accepted once). */
  totpLastStep: number | null;
  registrationPromptedAt: string | null;
}

const NO_MFA: UserMfa = { perUserState: 'disabled', totpLastStep: null, registrationPromptedAt: null };

/** The sealing context of a TOTP key: bound to its method id, so a sealed key copied to another row does not open. */
export const totpSealContext = (methodId: string) => `totp:${methodId}`;

export function sealTotpKey(secretKey: Buffer, methodId: string, key: Uint8Array): string {
  return seal(secretKey, Buffer.from(key).toString('base64'), totpSealContext(methodId));
}

export function openTotpKey(secretKey: Buffer, methodId: string, sealed: string): Uint8Array {
  return new Uint8Array(Buffer.from(open(secretKey, sealed, totpSealContext(methodId)), 'base64'));
}

export async function listMethods(db: Db, userId: string): Promise<AuthenticationMethod[]> {
  const rows = await db
    .selectFrom('authentication_methods')
    .select(['id', 'user_id', 'kind', 'display_name', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    kind: r.kind as MethodKind,
    displayName: r.display_name,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }));
}

/** The user's TOTP keys, opened, for checking a code. */
export async function totpKeysOf(
  db: Db,
  secretKey: Buffer,
  userId: string,
): Promise<Array<{ id: string; key: Uint8Array }>> {
  const rows = await db
    .selectFrom('authentication_methods')
    .select(['id', 'secret_sealed'])
    .where('user_id', '=', userId)
    .where('kind', '=', 'totp')
    .execute();
  return rows
    .filter((r): r is { id: string; secret_sealed: string } => r.secret_sealed !== null)
    .map((r) => ({ id: r.id, key: openTotpKey(secretKey, r.id, r.secret_sealed) }));
}

export async function insertTotpMethod(
  db: Db,
  method: { id: string; userId: string; displayName: string; sealedKey: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('authentication_methods')
    .values({
      id: method.id,
      user_id: method.userId,
      kind: 'totp',
      display_name: method.displayName,
      secret_sealed: method.sealedKey,
      created_at: method.createdAt,
      last_used_at: null,
    })
    .execute();
}

export async function deleteMethod(db: Db, userId: string, methodId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('authentication_methods')
    .where('id', '=', methodId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteAllMethods(db: Db, userId: string): Promise<number> {
  const result = await db
    .deleteFrom('authentication_methods')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function markMethodUsed(db: Db, methodId: string, at: string): Promise<void> {
  await db
    .updateTable('authentication_methods')
    .set({ last_used_at: at })
    .where('id', '=', methodId)
    .execute();
}

export async function userMfaOf(db: Db, userId: string): Promise<UserMfa> {
  const row = await db.selectFrom('user_mfa').selectAll().where('user_id', '=', userId).executeTakeFirst();
  if (!row) return NO_MFA;
  return {
    perUserState: row.per_user_state as PerUserMfaState,
    totpLastStep: row.totp_last_step,
    registrationPromptedAt: row.registration_prompted_at,
  };
}

async function ensureUserMfa(db: Db, userId: string, at: string): Promise<void> {
  await db
    .insertInto('user_mfa')
    .values({
      user_id: userId,
      per_user_state: 'disabled',
      totp_last_step: null,
      registration_prompted_at: null,
      updated_at: at,
    })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
}

export async function setPerUserState(
  db: Db,
  userId: string,
  state: PerUserMfaState,
  at: string,
): Promise<void> {
  await ensureUserMfa(db, userId, at);
  await db
    .updateTable('user_mfa')
    .set({ per_user_state: state, updated_at: at })
    .where('user_id', '=', userId)
    .execute();
}

/** Notes the first time a sign-in asked the user to register (kept: the allowance runs from it). */
export async function noteRegistrationPrompted(db: Db, userId: string, at: string): Promise<void> {
  await ensureUserMfa(db, userId, at);
  await db
    .updateTable('user_mfa')
    .set({ registration_prompted_at: at })
    .where('user_id', '=', userId)
    .where('registration_prompted_at', 'is', null)
    .execute();
}

/**
 * Consumes a TOTP time-step for the user: true when `step` is later than every step accepted before
 * (one conditional UPDATE, so two instances given the same code at once cannot both accept it).
 */
export async function consumeTotpStep(db: Db, userId: string, step: number, at: string): Promise<boolean> {
  await ensureUserMfa(db, userId, at);
  const result = await db
    .updateTable('user_mfa')
    .set({ totp_last_step: step, updated_at: at })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The user's per-user MFA state and when registration was first asked for (for a user read without them). */
export async function userMfaFacts(
  db: Db,
  userId: string,
): Promise<{ perUserState: PerUserMfaState; registrationPromptedAt: string | null }> {
  const row = await db
    .selectFrom('user_mfa')
    .select(['per_user_state', 'registration_prompted_at'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return {
    perUserState: (row?.per_user_state ?? 'disabled') as PerUserMfaState,
    registrationPromptedAt: row?.registration_prompted_at ?? null,
  };
}
