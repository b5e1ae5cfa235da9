import type { ConfigCache } from '@federa/kit';
import { recordAudit } from '../audit/audit.repository.ts';
import { type Actor, type Deps, nowIso } from '../context.ts';
import { type Db, type IdpDatabase, inTransaction } from '../db/schema.ts';

/**
 * Whether the tenant shows "Stay signed in?" after a sign-in (Entra: Users › User settings › "Show
 * keep user signed in"). Off for a new tenant (no row): its users get a browser-session cookie.
 */
export async function showKeepSignedIn(db: Db, tenantId: string): Promise<boolean> {
  const row = await db
    .selectFrom('tenant_user_settings')
    .select('show_keep_signed_in')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row?.show_keep_signed_in === 1;
}

/** The same, from the configuration cache when the caller has it (every interactive sign-in asks). */
export function showKeepSignedInCached(
  ctx: { db: Db; cache?: ConfigCache<IdpDatabase> },
  tenantId: string,
): Promise<boolean> {
  const { cache } = ctx;
  if (!cache) return showKeepSignedIn(ctx.db, tenantId);
  return cache.get(JSON.stringify(['show-keep-signed-in', tenantId]), () =>
    showKeepSignedIn(cache.db, tenantId),
  );
}

/** Turns the prompt on or off, with an audit entry. */
export async function setShowKeepSignedIn(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  show: boolean,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const before = await showKeepSignedIn(db, tenantId);
    if (before === show) return;
    const at = nowIso(deps);
    const value = show ? 1 : 0;
    await db
      .insertInto('tenant_user_settings')
      .values({ tenant_id: tenantId, show_keep_signed_in: value, updated_at: at })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ show_keep_signed_in: value, updated_at: at }))
      .execute();
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'UserManagement',
      activity: 'Update user settings',
      targetType: 'Tenant',
      targetId: tenantId,
      targetName: tenantId,
      details: { showKeepUserSignedIn: { from: before, to: show } },
    });
  });
}
