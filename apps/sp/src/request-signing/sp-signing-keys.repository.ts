import { sql } from 'kysely';
import type { Db } from '../db/db.ts';
import type { SpSigningKeyStatus } from '../db/schema.ts';

// The rows of sp_signing_keys: an organization's SP signing keys, at most one of each status
// (migration 0017). The sealed private key leaves this file only for `sealedKeyRow`.

export type { SpSigningKeyStatus };

export interface SpSigningKey {
  id: string;
  organizationId: string;
  status: SpSigningKeyStatus;
  certificatePem: string;
  createdAt: string;
}

/** What signing needs: the row's id (the seal's context) and its sealed private key. */
export interface SealedKeyRow {
  id: string;
  certificatePem: string;
  privateKeySealed: string;
}

const ORDER: Record<SpSigningKeyStatus, number> = { active: 0, next: 1, previous: 2 };

/** The organization's keys: active, next, previous. */
export async function listSpSigningKeys(db: Db, organizationId: string): Promise<SpSigningKey[]> {
  const rows = await db
    .selectFrom('sp_signing_keys')
    .select(['id', 'organization_id', 'status', 'certificate_pem', 'created_at'])
    .where('organization_id', '=', organizationId)
    .execute();
  return rows
    .map((row) => ({
      id: row.id,
      organizationId: row.organization_id,
      status: row.status,
      certificatePem: row.certificate_pem,
      createdAt: row.created_at,
    }))
    .sort((a, b) => ORDER[a.status] - ORDER[b.status]);
}

export async function sealedKeyRow(
  db: Db,
  organizationId: string,
  status: SpSigningKeyStatus,
): Promise<SealedKeyRow | null> {
  const row = await db
    .selectFrom('sp_signing_keys')
    .select(['id', 'certificate_pem', 'private_key_sealed'])
    .where('organization_id', '=', organizationId)
    .where('status', '=', status)
    .executeTakeFirst();
  return row
    ? { id: row.id, certificatePem: row.certificate_pem, privateKeySealed: row.private_key_sealed }
    : null;
}

/**
 * Inserts a key with `status` unless the organization has one with that status already; returns
 * whether it did. Two instances making the first active key at once: the first insert wins, the other
 * does nothing (the conflict target names the partial unique index by its predicate, written as a
 * literal so that PostgreSQL can match it to the index).
 */
export async function insertSpSigningKeyUnlessPresent(
  db: Db,
  row: {
    id: string;
    organizationId: string;
    status: SpSigningKeyStatus;
    certificatePem: string;
    privateKeySealed: string;
    createdAt: string;
  },
): Promise<boolean> {
  await db
    .insertInto('sp_signing_keys')
    .values({
      id: row.id,
      organization_id: row.organizationId,
      status: row.status,
      certificate_pem: row.certificatePem,
      private_key_sealed: row.privateKeySealed,
      created_at: row.createdAt,
    })
    .onConflict((oc) =>
      oc.column('organization_id').where(sql.ref('status'), '=', sql.lit(row.status)).doNothing(),
    )
    .execute();
  // Whether this row is the one with that status now (affected-row counts differ between drivers).
  return (await sealedKeyRow(db, row.organizationId, row.status))?.id === row.id;
}

export async function setSpSigningKeyStatus(
  db: Db,
  organizationId: string,
  id: string,
  status: SpSigningKeyStatus,
): Promise<void> {
  await db
    .updateTable('sp_signing_keys')
    .set({ status })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .execute();
}

export async function deleteSpSigningKey(db: Db, organizationId: string, id: string): Promise<void> {
  await db
    .deleteFrom('sp_signing_keys')
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .execute();
}
