import type { Db } from '../db/schema.ts';

// What was synced of each user and group to an application's target (table provisioning_objects):
// the target's id, the values last sent and their hash. Written right after each action succeeds, so
// a cycle cut short (a crash, a lost lease) resumes where it stopped and sends nothing twice.

export type ObjectType = 'user' | 'group';
export type ObjectState = 'active' | 'disabled';

export interface SyncedObject {
  applicationId: string;
  objectType: ObjectType;
  sourceId: string;
  targetId: string;
  state: ObjectState;
  /** Users: SCIM path → value. Groups: { displayName, members: target ids }. */
  synced: Record<string, unknown>;
  hash: string;
  updatedAt: string;
}

export async function listSyncedObjects(
  db: Db,
  applicationId: string,
  objectType: ObjectType,
): Promise<SyncedObject[]> {
  const rows = await db
    .selectFrom('provisioning_objects')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('object_type', '=', objectType)
    .execute();
  return rows.map((row) => ({
    applicationId: row.application_id,
    objectType: row.object_type as ObjectType,
    sourceId: row.source_id,
    targetId: row.target_id,
    state: row.state as ObjectState,
    synced: JSON.parse(row.synced) as Record<string, unknown>,
    hash: row.hash,
    updatedAt: row.updated_at,
  }));
}

export async function saveSyncedObject(db: Db, object: SyncedObject): Promise<void> {
  const values = {
    target_id: object.targetId,
    state: object.state,
    synced: JSON.stringify(object.synced),
    hash: object.hash,
    updated_at: object.updatedAt,
  };
  await db
    .insertInto('provisioning_objects')
    .values({
      application_id: object.applicationId,
      object_type: object.objectType,
      source_id: object.sourceId,
      ...values,
    })
    .onConflict((oc) => oc.columns(['application_id', 'object_type', 'source_id']).doUpdateSet(values))
    .execute();
}

export async function deleteSyncedObject(
  db: Db,
  applicationId: string,
  objectType: ObjectType,
  sourceId: string,
): Promise<void> {
  await db
    .deleteFrom('provisioning_objects')
    .where('application_id', '=', applicationId)
    .where('object_type', '=', objectType)
    .where('source_id', '=', sourceId)
    .execute();
}

/** Restart provisioning: forget what was synced (the next cycle is an initial one, matching again). */
export async function clearSyncedObjects(db: Db, applicationId: string): Promise<void> {
  await db.deleteFrom('provisioning_objects').where('application_id', '=', applicationId).execute();
}
