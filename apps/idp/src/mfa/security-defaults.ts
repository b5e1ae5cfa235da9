import type { ConfigCache } from '@federa/kit';
import { recordAudit } from '../audit/audit.repository.ts';
import { type Actor, type Deps, nowIso } from '../context.ts';
import { type Db, type IdpDatabase, inTransaction } from '../db/schema.ts';

/** Entra's allowance: users may skip registration for 14 days after the first sign-in that asks. */
export const REGISTRATION_SKIP_DAYS = 14;

/**
 * Whether the tenant's security defaults are on, from the configuration cache when the caller has it
 * (every sign-in asks; the table is in `CONFIG_TABLES`, so a change reaches every instance at once).
 */
export function securityDefaultsOnCached(
  ctx: { db: Db; cache?: ConfigCache<IdpDatabase> },
  tenantId: string,
): Promise<boolean> {
  const { cache } = ctx;
  if (!cache) return securityDefaultsOn(ctx.db, tenantId);
  return cache.get(JSON.stringify(['security-defaults', tenantId]), () =>
    securityDefaultsOn(cache.db, tenantId),
  );
}

/**
 * Whether the tenant's security defaults are on (off for a new tenant: no row). Conditional Access
 * calls this: a policy can be turned on only while they are off, as in Entra.
 */
export async function securityDefaultsOn(db: Db, tenantId: string): Promise<boolean> {
  const row = await db
    .selectFrom('tenant_security_defaults')
    .select('enabled')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row?.enabled === 1;
}

/** Turns the tenant's security defaults on or off, with an audit entry. */
export async function setSecurityDefaults(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  enabled: boolean,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const before = await securityDefaultsOn(db, tenantId);
    if (before === enabled) return;
    const at = nowIso(deps);
    await db
      .insertInto('tenant_security_defaults')
      .values({ tenant_id: tenantId, enabled: enabled ? 1 : 0, updated_at: at })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ enabled: enabled ? 1 : 0, updated_at: at }))
      .execute();
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'TenantManagement',
      activity: 'Update security defaults',
      targetType: 'Tenant',
      targetId: tenantId,
      targetName: tenantId,
      details: { securityDefaultsEnabled: { from: before, to: enabled } },
    });
  });
}
