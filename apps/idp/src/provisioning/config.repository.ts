import { bool, type Db } from '../db/schema.ts';
import { type AttributeMapping, DEFAULT_USER_MAPPINGS } from './mappings.ts';

// An application's provisioning settings and cycle state (table provisioning_configs). The Secret
// Token stays sealed here: only the cycle opens it (provisioning/secret.ts).

export type ProvisioningMode = 'manual' | 'automatic';
export type ProvisioningScope = 'assigned' | 'all';

export interface ProvisioningConfig {
  applicationId: string;
  tenantId: string;
  mode: ProvisioningMode;
  tenantUrl: string | null;
  secretSealed: string | null;
  scope: ProvisioningScope;
  provisionGroups: boolean;
  statusOn: boolean;
  userMappings: AttributeMapping[];
  notifyOnFailure: boolean;
  initialDone: boolean;
  changesSeenAt: string | null;
  nextRunAt: string | null;
  lastCycleAt: string | null;
  lastCycleSummary: CycleSummary | null;
  consecutiveFailures: number;
  quarantinedAt: string | null;
  quarantineReason: string | null;
  quarantineNotified: boolean;
  updatedAt: string;
}

export interface CycleSummary {
  kind: 'initial' | 'incremental';
  created: number;
  updated: number;
  disabled: number;
  deleted: number;
  failed: number;
  completedAt: string;
}

/** The settings of an application that never had provisioning configured (Entra's blank blade). */
export function defaultConfig(applicationId: string, tenantId: string, at: string): ProvisioningConfig {
  return {
    applicationId,
    tenantId,
    mode: 'manual',
    tenantUrl: null,
    secretSealed: null,
    scope: 'assigned',
    provisionGroups: true,
    statusOn: false,
    userMappings: DEFAULT_USER_MAPPINGS.map((m) => ({ ...m })),
    notifyOnFailure: true,
    initialDone: false,
    changesSeenAt: null,
    nextRunAt: null,
    lastCycleAt: null,
    lastCycleSummary: null,
    consecutiveFailures: 0,
    quarantinedAt: null,
    quarantineReason: null,
    quarantineNotified: false,
    updatedAt: at,
  };
}

export async function findProvisioningConfig(
  db: Db,
  applicationId: string,
): Promise<ProvisioningConfig | null> {
  const row = await db
    .selectFrom('provisioning_configs')
    .selectAll()
    .where('application_id', '=', applicationId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    applicationId: row.application_id,
    tenantId: row.tenant_id,
    mode: row.mode === 'automatic' ? 'automatic' : 'manual',
    tenantUrl: row.tenant_url,
    secretSealed: row.secret_sealed,
    scope: row.scope === 'all' ? 'all' : 'assigned',
    provisionGroups: row.provision_groups === 1,
    statusOn: row.status === 'on',
    userMappings: JSON.parse(row.user_mappings) as AttributeMapping[],
    notifyOnFailure: row.notify_on_failure === 1,
    initialDone: row.initial_done === 1,
    changesSeenAt: row.changes_seen_at,
    nextRunAt: row.next_run_at,
    lastCycleAt: row.last_cycle_at,
    lastCycleSummary: row.last_cycle_summary ? (JSON.parse(row.last_cycle_summary) as CycleSummary) : null,
    consecutiveFailures: row.consecutive_failures,
    quarantinedAt: row.quarantined_at,
    quarantineReason: row.quarantine_reason,
    quarantineNotified: row.quarantine_notified === 1,
    updatedAt: row.updated_at,
  };
}

/** Inserts or replaces the whole row. */
export async function saveProvisioningConfig(db: Db, config: ProvisioningConfig): Promise<void> {
  const values = {
    tenant_id: config.tenantId,
    mode: config.mode,
    tenant_url: config.tenantUrl,
    secret_sealed: config.secretSealed,
    scope: config.scope,
    provision_groups: bool(config.provisionGroups),
    status: config.statusOn ? 'on' : 'off',
    user_mappings: JSON.stringify(config.userMappings),
    notify_on_failure: bool(config.notifyOnFailure),
    initial_done: bool(config.initialDone),
    changes_seen_at: config.changesSeenAt,
    next_run_at: config.nextRunAt,
    last_cycle_at: config.lastCycleAt,
    last_cycle_summary: config.lastCycleSummary ? JSON.stringify(config.lastCycleSummary) : null,
    consecutive_failures: config.consecutiveFailures,
    quarantined_at: config.quarantinedAt,
    quarantine_reason: config.quarantineReason,
    quarantine_notified: bool(config.quarantineNotified),
    updated_at: config.updatedAt,
  };
  await db
    .insertInto('provisioning_configs')
    .values({ application_id: config.applicationId, ...values })
    .onConflict((oc) => oc.column('application_id').doUpdateSet(values))
    .execute();
}

/** Applications whose provisioning is automatic and on (any tenant): what the scheduler looks at. */
export async function listActiveProvisioning(db: Db): Promise<ProvisioningConfig[]> {
  const rows = await db
    .selectFrom('provisioning_configs')
    .select('application_id')
    .where('mode', '=', 'automatic')
    .where('status', '=', 'on')
    .execute();
  const configs = await Promise.all(rows.map((row) => findProvisioningConfig(db, row.application_id)));
  return configs.filter((c): c is ProvisioningConfig => c !== null);
}

/** The newest change to users, groups or assignments of the tenant (audit time), or null. */
export async function latestDirectoryChange(db: Db, tenantId: string): Promise<string | null> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('created_at').as('latest'))
    .where('tenant_id', '=', tenantId)
    .where('category', 'in', ['UserManagement', 'GroupManagement', 'ApplicationManagement'])
    .executeTakeFirst();
  return (row?.latest as string | null | undefined) ?? null;
}
