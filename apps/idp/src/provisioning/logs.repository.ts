import type { Db } from '../db/schema.ts';
import type { ObjectType } from './objects.repository.ts';

// Provisioning logs (Entra's): one row per action a cycle or on-demand run took.

export type ProvisioningAction = 'create' | 'update' | 'disable' | 'delete' | 'skip' | 'other';
export type ProvisioningStatus = 'success' | 'failure' | 'skipped';

export interface ProvisioningLogEntry {
  id: string;
  applicationId: string;
  tenantId: string;
  cycleId: string;
  objectType: ObjectType;
  sourceId: string;
  sourceName: string;
  action: ProvisioningAction;
  status: ProvisioningStatus;
  targetId: string | null;
  /** SCIM path → value sent. */
  changed: Record<string, unknown>;
  /** What the target answered (its SCIM error), or why the Directory could not send. */
  error: string | null;
  createdAt: string;
}

export async function insertProvisioningLog(db: Db, entry: ProvisioningLogEntry): Promise<void> {
  await db
    .insertInto('provisioning_logs')
    .values({
      id: entry.id,
      application_id: entry.applicationId,
      tenant_id: entry.tenantId,
      cycle_id: entry.cycleId,
      object_type: entry.objectType,
      source_id: entry.sourceId,
      source_name: entry.sourceName,
      action: entry.action,
      status: entry.status,
      target_id: entry.targetId,
      changed: JSON.stringify(entry.changed),
      error: entry.error,
      created_at: entry.createdAt,
    })
    .execute();
}

export async function listProvisioningLogs(
  db: Db,
  applicationId: string,
  limit = 200,
): Promise<ProvisioningLogEntry[]> {
  const rows = await db
    .selectFrom('provisioning_logs')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    applicationId: row.application_id,
    tenantId: row.tenant_id,
    cycleId: row.cycle_id,
    objectType: row.object_type as ObjectType,
    sourceId: row.source_id,
    sourceName: row.source_name,
    action: row.action as ProvisioningAction,
    status: row.status as ProvisioningStatus,
    targetId: row.target_id,
    changed: JSON.parse(row.changed) as Record<string, unknown>,
    error: row.error,
    createdAt: row.created_at,
  }));
}
