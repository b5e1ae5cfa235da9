import { auditApplication, requireApplication } from '../applications/applications.service.ts';
import { type Actor, type Deps, newId, nowIso } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { FieldErrors, idpError, notFound } from '../errors.ts';
import {
  defaultConfig,
  findProvisioningConfig,
  type ProvisioningConfig,
  type ProvisioningMode,
  type ProvisioningScope,
  saveProvisioningConfig,
} from './config.repository.ts';
import type { Logger } from './cycle-context.ts';
import { connectionOf, newCycleContext, sealSecret } from './cycle-context.ts';
import { acquireLease, releaseLease } from './lease.ts';
import { type AttributeMapping, mappingProblem } from './mappings.ts';
import { clearSyncedObjects, listSyncedObjects } from './objects.repository.ts';
import { SCIM_TRANSPORT_DEFAULTS, ScimClientError, tenantBase } from './scim-client.ts';
import { testConnection as scimTestConnection } from './scim-operations.ts';
import { readSourceScope } from './source.repository.ts';
import { syncUser, type UserOutcome } from './sync-user.ts';

// The Provisioning blade's actions: save the settings (the Secret Token sealed, never shown again),
// Test Connection, the attribute mappings, Restart provisioning, Provision on demand.

/** The application's provisioning settings, or Entra's blank blade for one never configured. */
export async function provisioningOf(
  deps: Deps,
  tenantId: string,
  applicationId: string,
): Promise<ProvisioningConfig> {
  const app = await requireApplication(deps.db, tenantId, applicationId);
  return (await findProvisioningConfig(deps.db, app.id)) ?? defaultConfig(app.id, tenantId, nowIso(deps));
}

export interface ProvisioningSettingsInput {
  mode: ProvisioningMode;
  tenantUrl: string;
  /** Blank keeps the stored one. */
  secretToken: string;
  scope: ProvisioningScope;
  provisionGroups: boolean;
  statusOn: boolean;
  notifyOnFailure: boolean;
}

function urlError(tenantUrl: string): string | null {
  try {
    tenantBase(tenantUrl);
    return null;
  } catch (error) {
    return error instanceof ScimClientError ? error.message : 'The Tenant URL is not valid.';
  }
}

/** Saves the blade (Save). Turning provisioning on, or changing scope, runs a cycle within seconds. */
export async function saveProvisioningSettings(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  input: ProvisioningSettingsInput,
): Promise<ProvisioningConfig> {
  return inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const current =
      (await findProvisioningConfig(db, app.id)) ?? defaultConfig(app.id, tenantId, nowIso(deps));
    const errors = new FieldErrors();
    const tenantUrl = input.tenantUrl.trim();
    const token = input.secretToken.trim();
    if (input.mode === 'automatic') {
      if (tenantUrl === '')
        errors.add('tenantUrl', 'Enter the Tenant URL: the SCIM base URL the application gives you.');
      else {
        const problem = urlError(tenantUrl);
        if (problem) errors.add('tenantUrl', problem);
      }
      if (token === '' && !current.secretSealed)
        errors.add('secretToken', 'Enter the Secret Token the application gives you.');
      // The stored token goes only to the Tenant URL it was given for, never to a new one.
      else if (token === '' && current.tenantUrl && current.tenantUrl !== tenantUrl)
        errors.add('secretToken', 'The Tenant URL changed: enter the Secret Token for it.');
    }
    if (token.length > 4096) errors.add('secretToken', 'The Secret Token can be at most 4096 characters.');
    errors.throwIfAny();
    const at = nowIso(deps);
    const urlChanged = (current.tenantUrl ?? '') !== tenantUrl;
    const next: ProvisioningConfig = {
      ...current,
      mode: input.mode,
      tenantUrl: tenantUrl || null,
      secretSealed: token ? sealSecret(deps, app.id, token) : current.secretSealed,
      scope: input.scope,
      provisionGroups: input.provisionGroups,
      statusOn: input.statusOn,
      notifyOnFailure: input.notifyOnFailure,
      updatedAt: at,
    };
    const credentialsChanged = urlChanged || token !== '';
    const turnedOn = input.statusOn && !current.statusOn;
    if (
      turnedOn ||
      credentialsChanged ||
      input.scope !== current.scope ||
      input.provisionGroups !== current.provisionGroups
    ) {
      next.nextRunAt = null;
    }
    if (credentialsChanged) {
      // New credentials: quarantine is lifted, so that the next cycle tries them at once.
      next.quarantinedAt = null;
      next.quarantineReason = null;
      next.consecutiveFailures = 0;
      next.quarantineNotified = false;
    }
    await saveProvisioningConfig(db, next);
    await auditApplication(db, actor, at, app, 'Update provisioning settings', {
      mode: next.mode,
      tenantUrl: next.tenantUrl,
      secretTokenChanged: token !== '',
      scope: next.scope,
      provisionGroups: next.provisionGroups,
      status: next.statusOn ? 'On' : 'Off',
    });
    return next;
  });
}

export type TestConnectionResult = { ok: true } | { ok: false; code: string; message: string };

/**
 * Test Connection with the credentials on the form (a blank token: the stored one). Entra queries a
 * user that does not exist by a random userName; a ListResponse means the credentials are authorized.
 */
export async function testProvisioningConnection(
  deps: Deps,
  tenantId: string,
  applicationId: string,
  input: { tenantUrl: string; secretToken: string },
): Promise<TestConnectionResult> {
  const config = await provisioningOf(deps, tenantId, applicationId);
  const tenantUrl = input.tenantUrl.trim();
  const problem = tenantUrl === '' ? 'Enter the Tenant URL.' : urlError(tenantUrl);
  if (problem) return { ok: false, code: 'URL_INVALID', message: problem };
  // A blank token means the stored one, sent only to the Tenant URL it was saved with.
  const stored = config.tenantUrl === tenantUrl ? connectionOf(deps, config) : null;
  const token = input.secretToken.trim() || stored?.target.secretToken || '';
  if (token === '') {
    return {
      ok: false,
      code: 'TOKEN_MISSING',
      message: config.secretSealed
        ? 'The Tenant URL changed: enter the Secret Token for it.'
        : 'Enter the Secret Token.',
    };
  }
  try {
    await scimTestConnection(
      {
        target: { tenantUrl, secretToken: token },
        transport: {
          ...SCIM_TRANSPORT_DEFAULTS,
          allowLoopback: deps.config.allowLoopbackScim ?? false,
          allowPrivate: deps.config.allowPrivateScim ?? false,
        },
      },
      `federa-test-${newId()}@example.invalid`,
      config.provisionGroups,
    );
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ScimClientError)) throw error;
    const hint =
      error.status === 401 || error.status === 403
        ? ' The Secret Token was refused: copy it again from the application.'
        : error.status === 404
          ? ' Nothing answers SCIM at this Tenant URL: check the path.'
          : '';
    return { ok: false, code: error.code, message: `${error.message}${hint}` };
  }
}

function checkMappings(mappings: AttributeMapping[], errors: FieldErrors): void {
  const matching = mappings.filter((m) => m.matching);
  if (matching.length !== 1) errors.add('matching', 'Exactly one mapping must be the matching attribute.');
  const targets = new Set<string>();
  for (const mapping of mappings) {
    if (targets.has(mapping.target.toLowerCase())) errors.add('target', `${mapping.target} is mapped twice.`);
    targets.add(mapping.target.toLowerCase());
  }
}

/** Adds a mapping (index null) or replaces the one at `index`. */
export async function saveMapping(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  index: number | null,
  mapping: AttributeMapping,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const current =
      (await findProvisioningConfig(db, app.id)) ?? defaultConfig(app.id, tenantId, nowIso(deps));
    const errors = new FieldErrors();
    const problem = mappingProblem(mapping);
    if (problem)
      errors.add(
        problem.code === 'TARGET_INVALID' || problem.code === 'TARGET_UNKNOWN' ? 'target' : 'source',
        problem.message,
      );
    if (index !== null && !current.userMappings[index]) throw notFound('The mapping');
    const mappings = [...current.userMappings];
    if (mapping.matching) for (const m of mappings) m.matching = false;
    if (index === null) mappings.push(mapping);
    else mappings[index] = mapping;
    if (!problem) checkMappings(mappings, errors);
    errors.throwIfAny();
    const at = nowIso(deps);
    // Entra: a mapping change restarts the job; here the next cycle runs at once and sends what changed.
    await saveProvisioningConfig(db, { ...current, userMappings: mappings, nextRunAt: null, updatedAt: at });
    await auditApplication(db, actor, at, app, 'Update provisioning attribute mappings', {
      target: mapping.target,
      source: mapping.source,
      kind: mapping.kind,
    });
  });
}

export async function removeMapping(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  index: number,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const current =
      (await findProvisioningConfig(db, app.id)) ?? defaultConfig(app.id, tenantId, nowIso(deps));
    const mapping = current.userMappings[index];
    if (!mapping) throw notFound('The mapping');
    if (mapping.matching) {
      const errors = new FieldErrors();
      errors.add(
        'mapping',
        'The matching attribute cannot be removed: make another mapping the matching one first.',
      );
      errors.throwIfAny();
    }
    const at = nowIso(deps);
    const mappings = current.userMappings.filter((_, i) => i !== index);
    await saveProvisioningConfig(db, { ...current, userMappings: mappings, nextRunAt: null, updatedAt: at });
    await auditApplication(db, actor, at, app, 'Update provisioning attribute mappings', {
      removed: mapping.target,
    });
  });
}

/** Restart provisioning: forgets what was synced and lifts quarantine; the next cycle is an initial one. */
export async function restartProvisioning(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const current = await findProvisioningConfig(db, app.id);
    if (!current) throw notFound('The provisioning configuration');
    const at = nowIso(deps);
    await clearSyncedObjects(db, app.id);
    await saveProvisioningConfig(db, {
      ...current,
      initialDone: false,
      nextRunAt: null,
      consecutiveFailures: 0,
      quarantinedAt: null,
      quarantineReason: null,
      quarantineNotified: false,
      updatedAt: at,
    });
    await auditApplication(db, actor, at, app, 'Restart provisioning');
  });
}

/**
 * Provision on demand: one user, now, with the steps shown (import, scope, match, action). Runs under
 * the application's lease, so never beside a cycle.
 */
export async function provisionOnDemand(
  deps: Deps,
  tenantId: string,
  applicationId: string,
  userId: string,
  logger: Logger | null,
): Promise<UserOutcome> {
  const app = await requireApplication(deps.db, tenantId, applicationId);
  const config = await findProvisioningConfig(deps.db, app.id);
  const connection = config ? connectionOf(deps, config) : null;
  if (!config || !connection || config.mode !== 'automatic') {
    throw idpError(
      'conflict',
      409,
      'Set Provisioning Mode to Automatic and save the Admin Credentials first.',
    );
  }
  const holder = `on-demand:${newId()}`;
  if (!(await acquireLease(deps.db, app.id, holder, deps.clock.now()))) {
    throw idpError(
      'conflict',
      409,
      'A provisioning cycle of this application is running: try again in a minute.',
    );
  }
  try {
    const scope = await readSourceScope(deps.db, tenantId, app.id, config.scope);
    const user = scope.users.get(userId);
    if (!user || user.softDeleted) throw notFound('The user');
    const synced =
      (await listSyncedObjects(deps.db, app.id, 'user')).find((o) => o.sourceId === userId) ?? null;
    const ctx = newCycleContext(deps, config, connection, logger);
    const outcome = await syncUser(ctx, userId, user, scope.inScope.has(userId), synced);
    return (
      outcome ?? {
        action: 'skip',
        status: 'skipped',
        targetId: synced?.targetId ?? null,
        changed: {},
        error: null,
        steps: [{ name: 'Perform action', result: 'Skipped: already disabled in the target.' }],
        fatal: null,
      }
    );
  } finally {
    await releaseLease(deps.db, app.id, holder);
  }
}
