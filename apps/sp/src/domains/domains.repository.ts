import type { Db } from '../db/db.ts';
import type { OrganizationDomainsTable } from '../db/schema.ts';

export interface OrganizationDomain {
  id: string;
  organizationId: string;
  domain: string;
  token: string;
  createdAt: string;
  verifiedAt: string | null;
  checkedAt: string | null;
  checkError: string | null;
}

function toDomain(row: OrganizationDomainsTable): OrganizationDomain {
  return {
    id: row.id,
    organizationId: row.organization_id,
    domain: row.domain,
    token: row.token,
    createdAt: row.created_at,
    verifiedAt: row.verified_at,
    checkedAt: row.checked_at,
    checkError: row.check_error,
  };
}

export async function insertDomain(
  db: Db,
  domain: Pick<OrganizationDomain, 'id' | 'organizationId' | 'domain' | 'token' | 'createdAt'>,
): Promise<void> {
  await db
    .insertInto('organization_domains')
    .values({
      id: domain.id,
      organization_id: domain.organizationId,
      domain: domain.domain,
      token: domain.token,
      created_at: domain.createdAt,
      verified_at: null,
      checked_at: null,
      check_error: null,
    })
    .execute();
}

export async function listDomains(db: Db, organizationId: string): Promise<OrganizationDomain[]> {
  const rows = await db
    .selectFrom('organization_domains')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('domain')
    .execute();
  return rows.map(toDomain);
}

export async function findDomain(
  db: Db,
  organizationId: string,
  id: string,
): Promise<OrganizationDomain | null> {
  const row = await db
    .selectFrom('organization_domains')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toDomain(row) : null;
}

/** The organization that verified `domain` (ASCII, lower-case), or null. */
export async function verifiedHolderOf(db: Db, domain: string): Promise<string | null> {
  const row = await db
    .selectFrom('organization_domains')
    .select('organization_id')
    .where('domain', '=', domain)
    .where('verified_at', 'is not', null)
    .executeTakeFirst();
  return row?.organization_id ?? null;
}

export async function recordDomainCheck(
  db: Db,
  id: string,
  check: { at: string; verified: boolean; error: string | null },
): Promise<void> {
  await db
    .updateTable('organization_domains')
    .set({
      checked_at: check.at,
      check_error: check.error,
      ...(check.verified ? { verified_at: check.at } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteDomain(db: Db, organizationId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('organization_domains')
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
