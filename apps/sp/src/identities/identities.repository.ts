import type { Selectable } from 'kysely';
import type { Db } from '../db/db.ts';
import type { IdentitiesTable, PendingLinksTable } from '../db/schema.ts';

export interface Identity {
  id: string;
  providerId: string;
  idpUserId: string;
  userId: string;
  email: string;
}

export async function findIdentity(db: Db, providerId: string, idpUserId: string): Promise<Identity | null> {
  const row = await db
    .selectFrom('identities')
    .selectAll()
    .where('provider_id', '=', providerId)
    .where('idp_user_id', '=', idpUserId)
    .executeTakeFirst();
  return row ? toIdentity(row) : null;
}

export async function findIdentityOfUser(
  db: Db,
  providerId: string,
  userId: string,
): Promise<Identity | null> {
  const row = await db
    .selectFrom('identities')
    .selectAll()
    .where('provider_id', '=', providerId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? toIdentity(row) : null;
}

/** How many people are linked through the provider (what a change of its user-id mapping would split). */
export async function countIdentities(db: Db, providerId: string): Promise<number> {
  const row = await db
    .selectFrom('identities')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('provider_id', '=', providerId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertIdentity(db: Db, identity: Identity & { at: string }): Promise<void> {
  await db
    .insertInto('identities')
    .values({
      id: identity.id,
      provider_id: identity.providerId,
      idp_user_id: identity.idpUserId,
      user_id: identity.userId,
      email: identity.email,
      created_at: identity.at,
      last_seen_at: identity.at,
    })
    .execute();
}

/**
 * A sign-in of a known identity: its email as the IdP now asserts it, and when it was last seen. Returns
 * the identity (null when there is none): finding and recording in one statement.
 */
export async function touchIdentity(
  db: Db,
  providerId: string,
  idpUserId: string,
  change: { email: string; at: string },
): Promise<Identity | null> {
  const row = await db
    .updateTable('identities')
    .set({ email: change.email, last_seen_at: change.at })
    .where('provider_id', '=', providerId)
    .where('idp_user_id', '=', idpUserId)
    .returningAll()
    .executeTakeFirst();
  return row ? toIdentity(row) : null;
}

export interface PendingLink {
  id: string;
  organizationId: string;
  providerId: string;
  idpUserId: string;
  userId: string;
  email: string;
  name: string;
  nameId: string;
  nameIdFormat: string;
  sessionIndex: string | null;
  sessionExpiresAt: string;
  nextPath: string;
  expiresAt: string;
}

export async function insertPendingLink(db: Db, link: PendingLink & { createdAt: string }): Promise<void> {
  await db
    .insertInto('pending_links')
    .values({
      id: link.id,
      organization_id: link.organizationId,
      provider_id: link.providerId,
      idp_user_id: link.idpUserId,
      user_id: link.userId,
      email: link.email,
      name: link.name,
      name_id: link.nameId,
      name_id_format: link.nameIdFormat,
      session_index: link.sessionIndex,
      session_expires_at: link.sessionExpiresAt,
      next_path: link.nextPath,
      email_token_hash: null,
      created_at: link.createdAt,
      expires_at: link.expiresAt,
      completed_at: null,
    })
    .execute();
}

function toLink(row: Selectable<PendingLinksTable>): PendingLink {
  return {
    id: row.id,
    organizationId: row.organization_id,
    providerId: row.provider_id,
    idpUserId: row.idp_user_id,
    userId: row.user_id,
    email: row.email,
    name: row.name,
    nameId: row.name_id,
    nameIdFormat: row.name_id_format,
    sessionIndex: row.session_index,
    sessionExpiresAt: row.session_expires_at,
    nextPath: row.next_path,
    expiresAt: row.expires_at,
  };
}

/** An open pending link (not completed, not expired). */
export async function findOpenPendingLink(db: Db, id: string, now: string): Promise<PendingLink | null> {
  const row = await db
    .selectFrom('pending_links')
    .selectAll()
    .where('id', '=', id)
    .where('completed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row ? toLink(row) : null;
}

export async function findOpenPendingLinkByToken(
  db: Db,
  tokenHash: string,
  now: string,
): Promise<PendingLink | null> {
  const row = await db
    .selectFrom('pending_links')
    .selectAll()
    .where('email_token_hash', '=', tokenHash)
    .where('completed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row ? toLink(row) : null;
}

export async function setPendingLinkToken(db: Db, id: string, tokenHash: string): Promise<void> {
  await db.updateTable('pending_links').set({ email_token_hash: tokenHash }).where('id', '=', id).execute();
}

/** Completes a pending link: true for the one caller that did. */
export async function completePendingLink(db: Db, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('pending_links')
    .set({ completed_at: at })
    .where('id', '=', id)
    .where('completed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

function toIdentity(row: Selectable<IdentitiesTable>): Identity {
  return {
    id: row.id,
    providerId: row.provider_id,
    idpUserId: row.idp_user_id,
    userId: row.user_id,
    email: row.email,
  };
}
