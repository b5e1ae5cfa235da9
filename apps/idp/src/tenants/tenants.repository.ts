import type { Db } from '../db/schema.ts';

export interface TenantDomain {
  domain: string;
  isDefault: boolean;
}

export interface Tenant {
  id: string;
  name: string;
  /** Verified domains, the default one first. */
  domains: TenantDomain[];
  createdAt: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

export async function findTenant(db: Db, id: string): Promise<Tenant | null> {
  if (!isGuid(id)) return null;
  const row = await db
    .selectFrom('tenants')
    .selectAll()
    .where('id', '=', id.toLowerCase())
    .executeTakeFirst();
  if (!row) return null;
  return { id: row.id, name: row.name, createdAt: row.created_at, domains: await domainsOf(db, row.id) };
}

/** A tenant named as URLs name it: by its GUID or by one of its verified domains. */
export async function findTenantByKey(db: Db, key: string): Promise<Tenant | null> {
  if (isGuid(key)) return findTenant(db, key);
  const row = await db
    .selectFrom('tenant_domains')
    .select('tenant_id')
    .where('domain', '=', key.toLowerCase())
    .executeTakeFirst();
  return row ? findTenant(db, row.tenant_id) : null;
}

export async function listTenants(db: Db): Promise<Tenant[]> {
  const rows = await db.selectFrom('tenants').selectAll().orderBy('name').execute();
  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      name: row.name,
      createdAt: row.created_at,
      domains: await domainsOf(db, row.id),
    })),
  );
}

async function domainsOf(db: Db, tenantId: string): Promise<TenantDomain[]> {
  const rows = await db
    .selectFrom('tenant_domains')
    .select(['domain', 'is_default'])
    .where('tenant_id', '=', tenantId)
    .orderBy('is_default', 'desc')
    .orderBy('domain')
    .execute();
  return rows.map((row) => ({ domain: row.domain, isDefault: row.is_default === 1 }));
}

export async function domainOwner(db: Db, domain: string): Promise<string | null> {
  const row = await db
    .selectFrom('tenant_domains')
    .select('tenant_id')
    .where('domain', '=', domain.toLowerCase())
    .executeTakeFirst();
  return row?.tenant_id ?? null;
}

export async function insertTenant(
  db: Db,
  tenant: { id: string; name: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('tenants')
    .values({ id: tenant.id, name: tenant.name, created_at: tenant.createdAt })
    .execute();
}

export async function insertDomain(
  db: Db,
  domain: { tenantId: string; domain: string; isDefault: boolean; createdAt: string },
): Promise<void> {
  await db
    .insertInto('tenant_domains')
    .values({
      domain: domain.domain.toLowerCase(),
      tenant_id: domain.tenantId,
      is_default: domain.isDefault ? 1 : 0,
      created_at: domain.createdAt,
    })
    .execute();
}

export async function deleteDomain(db: Db, tenantId: string, domain: string): Promise<void> {
  await db
    .deleteFrom('tenant_domains')
    .where('tenant_id', '=', tenantId)
    .where('domain', '=', domain.toLowerCase())
    .execute();
}

export async function setDefaultDomain(db: Db, tenantId: string, domain: string): Promise<void> {
  await db.updateTable('tenant_domains').set({ is_default: 0 }).where('tenant_id', '=', tenantId).execute();
  await db
    .updateTable('tenant_domains')
    .set({ is_default: 1 })
    .where('tenant_id', '=', tenantId)
    .where('domain', '=', domain.toLowerCase())
    .execute();
}

export async function renameTenant(db: Db, tenantId: string, name: string): Promise<void> {
  await db.updateTable('tenants').set({ name }).where('id', '=', tenantId).execute();
}
