import type { Selectable } from 'kysely';
import type { CaNamedLocationsTable, CaPoliciesTable, Db } from '../db/schema.ts';
import { IP_NAMED_LOCATION, type NamedLocation, type NamedLocationInput, rangeOf } from './named-location.ts';
import type { ConditionalAccessPolicy, PolicyInput, PolicyState } from './policy.ts';

// Named locations and policies of a tenant. The policy's conditions and controls are one JSON column,
// validated by `parsePolicy` before every write; rows never leave this file.

function toNamedLocation(row: Selectable<CaNamedLocationsTable>): NamedLocation {
  return {
    '@odata.type': IP_NAMED_LOCATION,
    id: row.id,
    displayName: row.display_name,
    isTrusted: row.is_trusted === 1,
    ipRanges: (JSON.parse(row.ip_ranges) as string[]).map(rangeOf),
    createdDateTime: row.created_at,
    modifiedDateTime: row.modified_at,
  };
}

function toPolicy(row: Selectable<CaPoliciesTable>): ConditionalAccessPolicy {
  const body = JSON.parse(row.policy) as Pick<
    ConditionalAccessPolicy,
    'conditions' | 'grantControls' | 'sessionControls'
  >;
  return {
    id: row.id,
    displayName: row.display_name,
    state: row.state as PolicyState,
    createdDateTime: row.created_at,
    modifiedDateTime: row.modified_at,
    conditions: body.conditions,
    grantControls: body.grantControls,
    sessionControls: body.sessionControls,
  };
}

export async function listNamedLocations(db: Db, tenantId: string): Promise<NamedLocation[]> {
  const rows = await db
    .selectFrom('ca_named_locations')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('display_name')
    .orderBy('id')
    .execute();
  return rows.map(toNamedLocation);
}

export async function findNamedLocation(db: Db, tenantId: string, id: string): Promise<NamedLocation | null> {
  const row = await db
    .selectFrom('ca_named_locations')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id.toLowerCase())
    .executeTakeFirst();
  return row ? toNamedLocation(row) : null;
}

export async function insertNamedLocation(
  db: Db,
  row: { id: string; tenantId: string; at: string } & NamedLocationInput,
): Promise<void> {
  await db
    .insertInto('ca_named_locations')
    .values({
      id: row.id,
      tenant_id: row.tenantId,
      display_name: row.displayName,
      is_trusted: row.isTrusted ? 1 : 0,
      ip_ranges: JSON.stringify(row.cidrs),
      created_at: row.at,
      modified_at: null,
    })
    .execute();
}

export async function updateNamedLocation(
  db: Db,
  id: string,
  input: NamedLocationInput,
  at: string,
): Promise<void> {
  await db
    .updateTable('ca_named_locations')
    .set({
      display_name: input.displayName,
      is_trusted: input.isTrusted ? 1 : 0,
      ip_ranges: JSON.stringify(input.cidrs),
      modified_at: at,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteNamedLocationRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('ca_named_locations').where('id', '=', id).execute();
}

export async function listPolicies(db: Db, tenantId: string): Promise<ConditionalAccessPolicy[]> {
  const rows = await db
    .selectFrom('ca_policies')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toPolicy);
}

export async function findPolicy(
  db: Db,
  tenantId: string,
  id: string,
): Promise<ConditionalAccessPolicy | null> {
  const row = await db
    .selectFrom('ca_policies')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id.toLowerCase())
    .executeTakeFirst();
  return row ? toPolicy(row) : null;
}

const policyJson = (input: PolicyInput) =>
  JSON.stringify({
    conditions: input.conditions,
    grantControls: input.grantControls,
    sessionControls: input.sessionControls,
  });

export async function insertPolicy(
  db: Db,
  row: { id: string; tenantId: string; at: string; policy: PolicyInput },
): Promise<void> {
  await db
    .insertInto('ca_policies')
    .values({
      id: row.id,
      tenant_id: row.tenantId,
      display_name: row.policy.displayName,
      state: row.policy.state,
      policy: policyJson(row.policy),
      created_at: row.at,
      modified_at: null,
    })
    .execute();
}

export async function updatePolicy(db: Db, id: string, policy: PolicyInput, at: string): Promise<void> {
  await db
    .updateTable('ca_policies')
    .set({
      display_name: policy.displayName,
      state: policy.state,
      policy: policyJson(policy),
      modified_at: at,
    })
    .where('id', '=', id)
    .execute();
}

export async function deletePolicyRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('ca_policies').where('id', '=', id).execute();
}
