import type { Db } from '../db/db.ts';

/** Whether the organization has a SCIM token (SCIM enabled). */
export async function scimEnabled(db: Db, organizationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('scim_tokens')
    .select('organization_id')
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The SHA-256 of the organization's SCIM token, and when it was made; null when SCIM is off. */
export async function findScimToken(
  db: Db,
  organizationId: string,
): Promise<{ tokenHash: string; createdAt: string } | null> {
  const row = await db
    .selectFrom('scim_tokens')
    .select(['token_hash', 'created_at'])
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return row ? { tokenHash: row.token_hash, createdAt: row.created_at } : null;
}

/** Sets the organization's token (replacing the previous one, which stops working at once). */
export async function saveScimToken(
  db: Db,
  token: {
    organizationId: string;
    providerId: string;
    tokenHash: string;
    createdBy: string;
    createdAt: string;
  },
): Promise<void> {
  await db.deleteFrom('scim_tokens').where('organization_id', '=', token.organizationId).execute();
  await db
    .insertInto('scim_tokens')
    .values({
      organization_id: token.organizationId,
      provider_id: token.providerId,
      token_hash: token.tokenHash,
      created_by: token.createdBy,
      created_at: token.createdAt,
    })
    .execute();
}

export async function deleteScimToken(db: Db, organizationId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('scim_tokens')
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
