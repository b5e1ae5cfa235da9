import { recordAudit } from '../audit/audit.repository.ts';
import { type Deps, nowIso, SYSTEM_ACTOR } from '../context.ts';
import {
  type CycleSummary,
  findProvisioningConfig,
  latestDirectoryChange,
  type ProvisioningConfig,
  saveProvisioningConfig,
} from './config.repository.ts';
import type { Logger } from './cycle-context.ts';
import { connectionOf, newCycleContext } from './cycle-context.ts';
import { acquireLease, LEASE_SECONDS, releaseLease, renewLease } from './lease.ts';
import { listSyncedObjects } from './objects.repository.ts';
import { afterCycle } from './quarantine.ts';
import type { ScimClientError } from './scim-client.ts';
import { readSourceScope } from './source.repository.ts';
import { syncGroups } from './sync-groups.ts';
import { syncUser } from './sync-user.ts';

// A provisioning cycle of one application (Entra's): under the application's lease, read everything in
// scope, bring each user and then each group to the target, then record the cycle and decide the next
// one (or quarantine). Initial and incremental cycles run the same code: what was synced is kept per
// object, so an incremental cycle sends only what changed and an interrupted one resumes.

export const DEFAULT_INTERVAL_SECONDS = 2400;

export type CycleOutcome =
  | { ran: false; reason: 'LEASE_HELD' | 'NOT_ACTIVE' }
  | { ran: true; summary: CycleSummary; fatal: ScimClientError | null; interrupted: boolean };

export interface CycleOptions {
  /** Who runs it (one id per instance): the lease's holder. */
  holder: string;
  logger?: Logger | null;
}

export function isActive(config: ProvisioningConfig | null): config is ProvisioningConfig {
  return (
    !!config && config.mode === 'automatic' && config.statusOn && !!config.tenantUrl && !!config.secretSealed
  );
}

/** Whether the application's next cycle is due: never run, its time has come, or the directory changed. */
export function isDue(config: ProvisioningConfig, latestChange: string | null, now: Date): boolean {
  const timeHasCome = config.nextRunAt === null || config.nextRunAt <= now.toISOString();
  if (config.quarantinedAt) return timeHasCome;
  if (!config.initialDone || timeHasCome) return true;
  return latestChange !== null && (config.changesSeenAt === null || latestChange > config.changesSeenAt);
}

export async function runProvisioningCycle(
  deps: Deps,
  applicationId: string,
  options: CycleOptions,
): Promise<CycleOutcome> {
  const start = deps.clock.now();
  if (!(await acquireLease(deps.db, applicationId, options.holder, start)))
    return { ran: false, reason: 'LEASE_HELD' };
  try {
    const config = await findProvisioningConfig(deps.db, applicationId);
    if (!isActive(config)) return { ran: false, reason: 'NOT_ACTIVE' };
    const connection = connectionOf(deps, config);
    if (!connection) return { ran: false, reason: 'NOT_ACTIVE' };
    const ctx = newCycleContext(deps, config, connection, options.logger ?? null);
    // Read before the directory: a change made during the cycle triggers the next one.
    const changesSeenAt = await latestDirectoryChange(deps.db, config.tenantId);
    const kind = config.initialDone ? 'incremental' : 'initial';

    let renewedAt = start.getTime();
    let interrupted = false;
    const keepGoing = async (): Promise<boolean> => {
      if (interrupted) return false;
      const now = deps.clock.now();
      if (now.getTime() - renewedAt < (LEASE_SECONDS * 1000) / 3) return true;
      renewedAt = now.getTime();
      if (!(await renewLease(deps.db, applicationId, options.holder, now))) interrupted = true;
      return !interrupted;
    };

    const scope = await readSourceScope(deps.db, config.tenantId, applicationId, config.scope);
    const syncedUsers = new Map(
      (await listSyncedObjects(deps.db, applicationId, 'user')).map((object) => [object.sourceId, object]),
    );
    const userIds = new Set([...scope.inScope, ...syncedUsers.keys()]);
    let fatal: ScimClientError | null = null;
    for (const id of userIds) {
      if (!(await keepGoing())) break;
      const outcome = await syncUser(
        ctx,
        id,
        scope.users.get(id) ?? null,
        scope.inScope.has(id),
        syncedUsers.get(id) ?? null,
      );
      if (outcome?.fatal) {
        fatal = outcome.fatal;
        break;
      }
    }
    if (!fatal && !interrupted && config.provisionGroups)
      fatal = await syncGroups(ctx, scope.groups, keepGoing);

    const now = deps.clock.now();
    const summary: CycleSummary = {
      kind,
      created: ctx.counts.created,
      updated: ctx.counts.updated,
      disabled: ctx.counts.disabled,
      deleted: ctx.counts.deleted,
      failed: ctx.counts.failed,
      completedAt: now.toISOString(),
    };
    if (interrupted) {
      // Another instance holds the lease now: it finishes the cycle; nothing is recorded here.
      options.logger?.warn({ applicationId, cycleId: ctx.cycleId }, 'provisioning cycle lost its lease');
      return { ran: true, summary, fatal, interrupted };
    }
    await finishCycle(
      deps,
      config,
      { summary, fatal, attempted: ctx.counts.attempted, changesSeenAt, now },
      options.logger ?? null,
    );
    return { ran: true, summary, fatal, interrupted };
  } finally {
    await releaseLease(deps.db, applicationId, options.holder);
  }
}

async function finishCycle(
  deps: Deps,
  config: ProvisioningConfig,
  cycle: {
    summary: CycleSummary;
    fatal: ScimClientError | null;
    attempted: number;
    changesSeenAt: string | null;
    now: Date;
  },
  logger: Logger | null,
): Promise<void> {
  // Re-read: the admin may have saved the settings during the cycle.
  const current = (await findProvisioningConfig(deps.db, config.applicationId)) ?? config;
  const change = afterCycle(
    current,
    { attempted: cycle.attempted, failed: cycle.summary.failed, fatal: cycle.fatal },
    cycle.now,
    deps.config.provisioningIntervalSeconds ?? DEFAULT_INTERVAL_SECONDS,
  );
  const { entered, disabled, ...fields } = change;
  const at = nowIso(deps);
  const notify = entered && current.notifyOnFailure && !current.quarantineNotified;
  await saveProvisioningConfig(deps.db, {
    ...current,
    ...fields,
    initialDone: current.initialDone || (!cycle.fatal && current.updatedAt <= config.updatedAt),
    changesSeenAt: cycle.changesSeenAt ?? current.changesSeenAt,
    lastCycleAt: cycle.summary.completedAt,
    lastCycleSummary: cycle.summary,
    quarantineNotified: fields.quarantinedAt ? current.quarantineNotified || notify : false,
    updatedAt: current.updatedAt,
  });
  if (entered || disabled) {
    await recordAudit(deps.db, SYSTEM_ACTOR, at, {
      tenantId: current.tenantId,
      category: 'ApplicationManagement',
      activity: disabled ? 'Provisioning turned off after quarantine' : 'Quarantine',
      targetType: 'Application',
      targetId: current.applicationId,
      targetName: current.applicationId,
      details: { reason: fields.quarantineReason },
    });
  }
  if (notify) {
    // The Directory has no mailer: the email Entra sends to the notification addresses becomes a
    // warning in the service log (ids only) and the reason on the Provisioning blade.
    logger?.warn(
      { applicationId: current.applicationId, reason: fields.quarantineReason?.split(':')[0] },
      'provisioning quarantined; no mailer configured to notify the application’s notification addresses',
    );
  }
}
