import { nowIso } from '../context.ts';
import { type CycleContext, hashOf, recordAction } from './cycle-context.ts';
import type { ProvisioningAction } from './logs.repository.ts';
import {
  deleteSyncedObject,
  listSyncedObjects,
  type SyncedObject,
  saveSyncedObject,
} from './objects.repository.ts';
import { createGroupBody, groupMembersRequest, renameGroupRequest } from './requests.ts';
import type { ScimClientError } from './scim-client.ts';
import { createGroup, deleteGroup, findGroupBy, idOf, patchGroup } from './scim-operations.ts';
import type { SourceGroup } from './source.repository.ts';
import { isFatal, messageOf } from './sync-user.ts';

// Groups after users (members are named by their ids in the target): a group in scope is matched by
// displayName or created (empty, as Entra creates it), renamed when its name changed, and its members
// added and removed by PATCH; a group out of scope or deleted is deleted in the target.

interface GroupFields {
  action: ProvisioningAction;
  status: 'success' | 'failure';
  targetId: string | null;
  changed: Record<string, unknown>;
  error: string | null;
}

interface GroupSynced {
  displayName: string;
  members: string[];
}

const groupSynced = (object: SyncedObject): GroupSynced => ({
  displayName: String(object.synced.displayName ?? ''),
  members: Array.isArray(object.synced.members) ? (object.synced.members as string[]) : [],
});

/** Runs the group phase; returns a fatal error when the target cannot be used at all. */
export async function syncGroups(
  ctx: CycleContext,
  groups: readonly SourceGroup[],
  keepGoing: () => Promise<boolean>,
): Promise<ScimClientError | null> {
  const users = await listSyncedObjects(ctx.deps.db, ctx.config.applicationId, 'user');
  const targetOfUser = new Map(users.map((u) => [u.sourceId, u.targetId]));
  const liveTargets = new Set(targetOfUser.values());
  const synced = new Map(
    (await listSyncedObjects(ctx.deps.db, ctx.config.applicationId, 'group')).map((g) => [g.sourceId, g]),
  );
  const save = (group: SourceGroup, targetId: string, value: GroupSynced) =>
    saveSyncedObject(ctx.deps.db, {
      applicationId: ctx.config.applicationId,
      objectType: 'group',
      sourceId: group.id,
      targetId,
      state: 'active',
      synced: { ...value },
      hash: hashOf({ ...value }),
      updatedAt: nowIso(ctx.deps),
    });
  const record = (group: { id: string; displayName: string }, fields: GroupFields) =>
    recordAction(ctx, { objectType: 'group', sourceId: group.id, sourceName: group.displayName, ...fields });

  for (const group of groups) {
    if (!(await keepGoing())) return null;
    const wanted = [
      ...new Set(group.memberIds.map((id) => targetOfUser.get(id)).filter((id): id is string => !!id)),
    ].sort();
    const previous = synced.get(group.id);
    synced.delete(group.id);
    try {
      if (!previous) {
        const found = await findGroupBy(ctx.connection, group.displayName);
        let targetId = idOf(found);
        const action = targetId ? 'update' : 'create';
        if (!targetId) {
          targetId = idOf(
            await createGroup(
              ctx.connection,
              createGroupBody({ displayName: group.displayName, externalId: group.id }),
            ),
          );
          if (!targetId) throw new Error('no id');
        }
        const request = groupMembersRequest(wanted, [], ctx.dialect);
        if (request) await patchGroup(ctx.connection, targetId, request);
        await save(group, targetId, { displayName: group.displayName, members: wanted });
        await record(group, {
          action,
          status: 'success',
          targetId,
          changed: { displayName: group.displayName, 'members.add': wanted },
          error: null,
        });
        continue;
      }
      const before = groupSynced(previous);
      const add = wanted.filter((id) => !before.members.includes(id));
      // A member deleted in the target left its groups with it: nothing to remove.
      const remove = before.members.filter((id) => !wanted.includes(id) && liveTargets.has(id));
      const renamed = before.displayName !== group.displayName;
      if (!renamed && add.length === 0 && remove.length === 0) {
        if (before.members.length !== wanted.length)
          await save(group, previous.targetId, { displayName: group.displayName, members: wanted });
        continue;
      }
      if (renamed)
        await patchGroup(
          ctx.connection,
          previous.targetId,
          renameGroupRequest(group.displayName, ctx.dialect),
        );
      const request = groupMembersRequest(add, remove, ctx.dialect);
      if (request) await patchGroup(ctx.connection, previous.targetId, request);
      await save(group, previous.targetId, { displayName: group.displayName, members: wanted });
      const changed: Record<string, unknown> = {};
      if (renamed) changed.displayName = group.displayName;
      if (add.length) changed['members.add'] = add;
      if (remove.length) changed['members.remove'] = remove;
      await record(group, {
        action: 'update',
        status: 'success',
        targetId: previous.targetId,
        changed,
        error: null,
      });
    } catch (error) {
      await record(group, {
        action: previous ? 'update' : 'create',
        status: 'failure',
        targetId: previous?.targetId ?? null,
        changed: {},
        error: messageOf(error),
      });
      if (isFatal(error)) return error;
    }
  }

  // Linked groups no longer in scope (unassigned or deleted): deleted in the target.
  for (const previous of synced.values()) {
    if (!(await keepGoing())) return null;
    const before = groupSynced(previous);
    const group = { id: previous.sourceId, displayName: before.displayName };
    try {
      await deleteGroup(ctx.connection, previous.targetId);
    } catch (error) {
      await record(group, {
        action: 'delete',
        status: 'failure',
        targetId: previous.targetId,
        changed: {},
        error: messageOf(error),
      });
      if (isFatal(error)) return error;
      continue;
    }
    await deleteSyncedObject(ctx.deps.db, ctx.config.applicationId, 'group', previous.sourceId);
    await record(group, {
      action: 'delete',
      status: 'success',
      targetId: previous.targetId,
      changed: {},
      error: null,
    });
  }
  return null;
}
