import { nowIso } from '../context.ts';
import type { CycleContext } from './cycle-context.ts';
import { hashOf, recordAction } from './cycle-context.ts';
import type { ProvisioningAction } from './logs.repository.ts';
import { type MappedValue, mapUser, matchingMapping } from './mappings.ts';
import { deleteSyncedObject, type SyncedObject, saveSyncedObject } from './objects.repository.ts';
import { createUserBody, disableUserRequest, readPath, sameValue, updateUserRequest } from './requests.ts';
import { ScimClientError } from './scim-client.ts';
import { createUser, deleteUser, findUserBy, idOf, patchUser } from './scim-operations.ts';
import { type SourceUser, sourceValues } from './source.repository.ts';

// One user through a cycle, as Entra decides it: hard-deleted → DELETE; soft-deleted, blocked or out of
// scope → `active` false once; otherwise matched by the matching attribute (when not yet linked) and
// created or updated with the attributes that changed. Each step a reader can find in the provisioning
// log (and in provisioning on demand).

export interface UserOutcome {
  action: ProvisioningAction;
  status: 'success' | 'failure' | 'skipped';
  targetId: string | null;
  changed: Record<string, MappedValue>;
  error: string | null;
  /** Provisioning on demand shows these. */
  steps: { name: string; result: string }[];
  /** A failure that means the target cannot be used at all (the cycle stops). */
  fatal: ScimClientError | null;
}

/** Whether an error means every further call would fail too (unreachable, refused credentials). */
export function isFatal(error: unknown): error is ScimClientError {
  if (!(error instanceof ScimClientError)) return false;
  if (error.code !== 'HTTP_STATUS') return true;
  return error.status === 401 || error.status === 403;
}

function changedValues(
  wanted: Record<string, MappedValue>,
  current: (path: string) => unknown,
): Record<string, MappedValue> {
  const changed: Record<string, MappedValue> = {};
  for (const [path, value] of Object.entries(wanted)) {
    const have = current(path);
    // A target that does not return `active` (Sentry with Azure AD) has it true while it lists the user.
    if (have === undefined && path.toLowerCase() === 'active' && value === true) continue;
    if (!sameValue(have, value)) changed[path] = value;
  }
  return changed;
}

export async function syncUser(
  ctx: CycleContext,
  sourceId: string,
  user: SourceUser | null,
  inScope: boolean,
  synced: SyncedObject | null,
): Promise<UserOutcome | null> {
  const steps: UserOutcome['steps'] = [];
  const name = user?.userPrincipalName ?? String(synced?.synced.userName ?? sourceId);
  const finish = async (
    outcome: Omit<UserOutcome, 'steps' | 'fatal'>,
    error?: unknown,
  ): Promise<UserOutcome> => {
    await recordAction(ctx, { objectType: 'user', sourceId, sourceName: name, ...outcome });
    return { ...outcome, steps, fatal: error !== undefined && isFatal(error) ? error : null };
  };
  const save = (targetId: string, state: 'active' | 'disabled', values: Record<string, unknown>) =>
    saveSyncedObject(ctx.deps.db, {
      applicationId: ctx.config.applicationId,
      objectType: 'user',
      sourceId,
      targetId,
      state,
      synced: values,
      hash: hashOf(values),
      updatedAt: nowIso(ctx.deps),
    });

  // Hard-deleted (purged after 30 days, or deleted permanently): DELETE.
  if (!user) {
    if (!synced) return null;
    steps.push({ name: 'Import user', result: 'The user no longer exists in the directory.' });
    try {
      await deleteUser(ctx.connection, synced.targetId);
    } catch (error) {
      return finish(
        {
          action: 'delete',
          status: 'failure',
          targetId: synced.targetId,
          changed: {},
          error: messageOf(error),
        },
        error,
      );
    }
    await deleteSyncedObject(ctx.deps.db, ctx.config.applicationId, 'user', sourceId);
    steps.push({ name: 'Perform action', result: 'Deleted the user in the target.' });
    return finish({
      action: 'delete',
      status: 'success',
      targetId: synced.targetId,
      changed: {},
      error: null,
    });
  }

  const values = mapUser(ctx.config.userMappings, sourceValues(user, inScope), false);
  const active = !user.softDeleted && user.accountEnabled && inScope;
  steps.push({ name: 'Import user', result: `${user.userPrincipalName} (${user.id})` });
  steps.push({
    name: 'Determine if in scope',
    result: active
      ? 'In scope: active in the directory and assigned.'
      : user.softDeleted
        ? 'Soft-deleted in the directory.'
        : !user.accountEnabled
          ? 'Blocked from signing in (accountEnabled false).'
          : 'Not assigned to the application.',
  });

  if (!active) {
    if (!synced) {
      steps.push({ name: 'Perform action', result: 'Skipped: not in scope and never provisioned.' });
      return {
        action: 'skip',
        status: 'skipped',
        targetId: null,
        changed: {},
        error: null,
        steps,
        fatal: null,
      };
    }
    if (synced.state === 'disabled') return null;
    const changed = { active: false as MappedValue };
    try {
      await patchUser(ctx.connection, synced.targetId, disableUserRequest(ctx.dialect));
    } catch (error) {
      return finish(
        { action: 'disable', status: 'failure', targetId: synced.targetId, changed, error: messageOf(error) },
        error,
      );
    }
    await save(synced.targetId, 'disabled', { ...synced.synced, active: false });
    steps.push({ name: 'Perform action', result: 'Disabled the user in the target (active false).' });
    return finish({ action: 'disable', status: 'success', targetId: synced.targetId, changed, error: null });
  }

  if (synced) {
    steps.push({ name: 'Match user', result: `Linked to ${synced.targetId} in the target.` });
    const changed = changedValues(values, (path) => synced.synced[path]);
    if (Object.keys(changed).length === 0) {
      if (synced.hash !== hashOf(values)) await save(synced.targetId, 'active', values);
      steps.push({ name: 'Perform action', result: 'Skipped: nothing changed.' });
      return {
        action: 'skip',
        status: 'skipped',
        targetId: synced.targetId,
        changed: {},
        error: null,
        steps,
        fatal: null,
      };
    }
    try {
      await patchUser(ctx.connection, synced.targetId, updateUserRequest(changed, ctx.dialect));
    } catch (error) {
      // Gone from the target: forget the link, so that the next cycle matches (and creates) again.
      if (error instanceof ScimClientError && error.status === 404) {
        await deleteSyncedObject(ctx.deps.db, ctx.config.applicationId, 'user', sourceId);
      }
      return finish(
        { action: 'update', status: 'failure', targetId: synced.targetId, changed, error: messageOf(error) },
        error,
      );
    }
    await save(synced.targetId, 'active', values);
    steps.push({ name: 'Perform action', result: `Updated ${Object.keys(changed).join(', ')}.` });
    return finish({ action: 'update', status: 'success', targetId: synced.targetId, changed, error: null });
  }

  // Not linked yet: query the target by the matching attribute, then create or update.
  const matching = matchingMapping(ctx.config.userMappings);
  const matchValue = values[matching.target];
  if (typeof matchValue !== 'string') {
    return finish({
      action: 'create',
      status: 'failure',
      targetId: null,
      changed: {},
      error: `The matching attribute ${matching.target} has no value for this user.`,
    });
  }
  let found: Record<string, unknown> | null;
  try {
    found = await findUserBy(ctx.connection, matching.target, matchValue);
  } catch (error) {
    return finish(
      { action: 'create', status: 'failure', targetId: null, changed: {}, error: messageOf(error) },
      error,
    );
  }
  const foundId = idOf(found);
  if (found && foundId) {
    steps.push({ name: 'Match user', result: `Found ${foundId} by ${matching.target} eq "${matchValue}".` });
    const changed = changedValues(values, (path) => readPath(found, path));
    if (Object.keys(changed).length > 0) {
      try {
        await patchUser(ctx.connection, foundId, updateUserRequest(changed, ctx.dialect));
      } catch (error) {
        return finish(
          { action: 'update', status: 'failure', targetId: foundId, changed, error: messageOf(error) },
          error,
        );
      }
    }
    await save(foundId, 'active', values);
    steps.push({
      name: 'Perform action',
      result: Object.keys(changed).length
        ? `Updated ${Object.keys(changed).join(', ')}.`
        : 'Linked; nothing to change.',
    });
    return finish({ action: 'update', status: 'success', targetId: foundId, changed, error: null });
  }
  steps.push({
    name: 'Match user',
    result: `No user with ${matching.target} eq "${matchValue}" in the target.`,
  });
  const createValues = mapUser(ctx.config.userMappings, sourceValues(user, inScope), true);
  let created: Record<string, unknown>;
  try {
    created = await createUser(ctx.connection, createUserBody(createValues));
  } catch (error) {
    return finish(
      { action: 'create', status: 'failure', targetId: null, changed: createValues, error: messageOf(error) },
      error,
    );
  }
  const createdId = idOf(created);
  if (!createdId) {
    return finish({
      action: 'create',
      status: 'failure',
      targetId: null,
      changed: createValues,
      error: 'The target created the user but returned no id.',
    });
  }
  await save(createdId, 'active', values);
  steps.push({ name: 'Perform action', result: `Created ${createdId} in the target.` });
  return finish({
    action: 'create',
    status: 'success',
    targetId: createdId,
    changed: createValues,
    error: null,
  });
}

export function messageOf(error: unknown): string {
  if (error instanceof ScimClientError) return error.message;
  return 'An unexpected error stopped this action (see the service log).';
}
