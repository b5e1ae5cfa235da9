import type { Selectable } from 'kysely';
import type { ApiTokensTable, Db } from '../db/schema.ts';

/** An admin API token as the portal lists it: never the token itself, which is shown once. */
export interface ApiToken {
  id: string;
  tenantId: string;
  name: string;
  createdById: string | null;
  createdByName: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
  revokedAt: string | null;
}

function toApiToken(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    createdById: row.created_by_id,
    createdByName: row.created_by_name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

export async function listApiTokens(db: Db, tenantId: string): Promise<ApiToken[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toApiToken);
}

export async function findApiToken(db: Db, tenantId: string, id: string): Promise<ApiToken | null> {
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toApiToken(row) : null;
}

/** The token whose SHA-256 is `hash` (hex), whatever its state: the caller checks expiry and revocation. */
export async function findApiTokenByHash(db: Db, hash: string): Promise<ApiToken | null> {
  const row = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  return row ? toApiToken(row) : null;
}

export async function insertApiToken(db: Db, token: ApiToken & { tokenHash: string }): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({
      id: token.id,
      tenant_id: token.tenantId,
      name: token.name,
      token_hash: token.tokenHash,
      created_by_id: token.createdById,
      created_by_name: token.createdByName,
      created_at: token.createdAt,
      last_used_at: token.lastUsedAt,
      expires_at: token.expiresAt,
      revoked_at: token.revokedAt,
    })
    .execute();
}

export async function markApiTokenUsed(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

export async function markApiTokenRevoked(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
}
