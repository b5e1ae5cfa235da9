import { createHash } from 'node:crypto';
import { open, seal } from '@federa/kit';
import { type Deps, newId, nowIso } from '../context.ts';
import type { ProvisioningConfig } from './config.repository.ts';
import { insertProvisioningLog, type ProvisioningLogEntry } from './logs.repository.ts';
import type { ObjectType } from './objects.repository.ts';
import { type Dialect, dialectOf } from './requests.ts';
import { SCIM_TRANSPORT_DEFAULTS } from './scim-client.ts';
import type { ScimConnection } from './scim-operations.ts';

/** Where a run writes its log lines (pino's, Fastify's request logger): ids only, never a name or token. */
export interface Logger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** What one run (a cycle, or provisioning on demand) carries along. */
export interface CycleContext {
  deps: Deps;
  config: ProvisioningConfig;
  connection: ScimConnection;
  dialect: Dialect;
  cycleId: string;
  logger: Logger | null;
  counts: {
    created: number;
    updated: number;
    disabled: number;
    deleted: number;
    failed: number;
    attempted: number;
  };
}

const secretContext = (applicationId: string) => `provisioning-secret:${applicationId}`;

/** The Secret Token sealed for storage (AES-256-GCM under IDP_SECRET_KEY, bound to the application). */
export function sealSecret(deps: Pick<Deps, 'config'>, applicationId: string, token: string): string {
  return seal(deps.config.secretKey, token, secretContext(applicationId));
}

export function openSecret(deps: Pick<Deps, 'config'>, applicationId: string, sealed: string): string {
  return open(deps.config.secretKey, sealed, secretContext(applicationId));
}

/** The SCIM connection of an application's settings; null when the credentials are incomplete. */
export function connectionOf(deps: Pick<Deps, 'config'>, config: ProvisioningConfig): ScimConnection | null {
  if (!config.tenantUrl || !config.secretSealed) return null;
  return {
    target: {
      tenantUrl: config.tenantUrl,
      secretToken: openSecret(deps, config.applicationId, config.secretSealed),
    },
    transport: {
      ...SCIM_TRANSPORT_DEFAULTS,
      allowLoopback: deps.config.allowLoopbackScim ?? false,
      allowPrivate: deps.config.allowPrivateScim ?? false,
    },
  };
}

export function newCycleContext(
  deps: Deps,
  config: ProvisioningConfig,
  connection: ScimConnection,
  logger: Logger | null,
): CycleContext {
  return {
    deps,
    config,
    connection,
    dialect: dialectOf(connection.target.tenantUrl),
    cycleId: newId(),
    logger,
    counts: { created: 0, updated: 0, disabled: 0, deleted: 0, failed: 0, attempted: 0 },
  };
}

/** A provisioning log row, and a log line with ids only (no names, addresses or token). */
export async function recordAction(
  ctx: CycleContext,
  entry: Omit<ProvisioningLogEntry, 'id' | 'applicationId' | 'tenantId' | 'cycleId' | 'createdAt'>,
): Promise<void> {
  if (entry.status === 'failure') ctx.counts.failed += 1;
  else if (entry.status === 'success') {
    if (entry.action === 'create') ctx.counts.created += 1;
    if (entry.action === 'update') ctx.counts.updated += 1;
    if (entry.action === 'disable') ctx.counts.disabled += 1;
    if (entry.action === 'delete') ctx.counts.deleted += 1;
  }
  if (entry.action !== 'skip') ctx.counts.attempted += 1;
  await insertProvisioningLog(ctx.deps.db, {
    ...entry,
    id: newId(),
    applicationId: ctx.config.applicationId,
    tenantId: ctx.config.tenantId,
    cycleId: ctx.cycleId,
    createdAt: nowIso(ctx.deps),
  });
  ctx.logger?.info(
    {
      applicationId: ctx.config.applicationId,
      cycleId: ctx.cycleId,
      objectType: entry.objectType,
      sourceId: entry.sourceId,
      targetId: entry.targetId,
      action: entry.action,
      status: entry.status,
    },
    'provisioning action',
  );
}

/** The hash of what was synced: a stable JSON of it. */
export function hashOf(values: Record<string, unknown>): string {
  const sorted = Object.keys(values)
    .sort()
    .map((key) => [key, values[key]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

export type { ObjectType };
