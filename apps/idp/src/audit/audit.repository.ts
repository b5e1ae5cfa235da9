import type { Actor } from '../context.ts';
import type { Db } from '../db/schema.ts';

export interface AuditEntry {
  id: string;
  tenantId: string | null;
  actorId: string | null;
  actorName: string;
  category: AuditCategory;
  activity: string;
  targetType: string;
  targetId: string | null;
  targetName: string;
  details: Record<string, unknown>;
  correlationId: string | null;
  createdAt: string;
}

export type AuditCategory =
  | 'TenantManagement'
  | 'UserManagement'
  | 'GroupManagement'
  | 'ApplicationManagement'
  /** Conditional Access policies and named locations (Entra's category for them). */
  | 'Policy';

export interface NewAuditEntry {
  tenantId: string | null;
  category: AuditCategory;
  activity: string;
  targetType: string;
  targetId: string | null;
  targetName: string;
  /** What changed. Never a password, key or SAML message. */
  details?: Record<string, unknown>;
}

/** Records one admin change; call it in the same transaction as the change. */
export async function recordAudit(db: Db, actor: Actor, at: string, entry: NewAuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: crypto.randomUUID(),
      tenant_id: entry.tenantId,
      actor_id: actor.id,
      actor_name: actor.name,
      category: entry.category,
      activity: entry.activity,
      target_type: entry.targetType,
      target_id: entry.targetId,
      target_name: entry.targetName,
      details: JSON.stringify(entry.details ?? {}),
      correlation_id: actor.correlationId,
      created_at: at,
    })
    .execute();
}

export async function listAudit(
  db: Db,
  tenantId: string,
  options: { category?: AuditCategory | null; limit?: number } = {},
): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId);
  if (options.category) query = query.where('category', '=', options.category);
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(options.limit ?? 200)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    tenantId: row.tenant_id,
    actorId: row.actor_id,
    actorName: row.actor_name,
    category: row.category as AuditCategory,
    activity: row.activity,
    targetType: row.target_type,
    targetId: row.target_id,
    targetName: row.target_name,
    details: JSON.parse(row.details) as Record<string, unknown>,
    correlationId: row.correlation_id,
    createdAt: row.created_at,
  }));
}
