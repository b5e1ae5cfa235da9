import { listApplications } from '../applications/applications.repository.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { type Actor, type Deps, newId, nowIso } from '../context.ts';
import { type Db, inTransaction } from '../db/schema.ts';
import { FormErrors, notFound } from '../errors.ts';
import { listGroups } from '../groups/groups.repository.ts';
import { securityDefaultsOn } from '../mfa/security-defaults.ts';
import { listUsers } from '../users/users.repository.ts';
import {
  deleteNamedLocationRow,
  deletePolicyRow,
  findNamedLocation,
  findPolicy,
  insertNamedLocation,
  insertPolicy,
  listNamedLocations,
  listPolicies,
  updateNamedLocation,
  updatePolicy,
} from './conditional-access.repository.ts';
import { lockoutProblem } from './lockout.ts';
import { type NamedLocation, type NamedLocationInput, parseNamedLocation } from './named-location.ts';
import type { ConditionalAccessPolicy, PolicyRefs } from './policy.ts';
import { parsePolicy } from './policy.validate.ts';

// Creating, changing and deleting policies and named locations: validated (parsePolicy,
// parseNamedLocation), Entra's refusals (lock-out, security defaults), audited under Policy.

/** The tenant's objects a policy may name, lower-cased. */
export async function policyRefs(db: Db, tenantId: string): Promise<PolicyRefs> {
  const [users, groups, apps, locations] = await Promise.all([
    listUsers(db, tenantId),
    listGroups(db, tenantId),
    listApplications(db, tenantId),
    listNamedLocations(db, tenantId),
  ]);
  return {
    userIds: new Set(users.map((u) => u.id.toLowerCase())),
    groupIds: new Set(groups.map((g) => g.id.toLowerCase())),
    appIds: new Set(apps.map((a) => a.appId.toLowerCase())),
    locationIds: new Set(locations.map((l) => l.id.toLowerCase())),
  };
}

/** Plain objects merged key by key (Graph's PATCH); arrays and scalars replaced. */
function merge(current: unknown, patch: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(current) || !isObject(patch)) return patch;
  const out: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) out[key] = merge(current[key], value);
  return out;
}

async function checkedPolicy(db: Db, tenantId: string, body: unknown) {
  const policy = parsePolicy(body, await policyRefs(db, tenantId));
  const lockout = await lockoutProblem(db, tenantId, policy);
  if (lockout) throw new FormErrors({ 'conditions.users.excludeUsers': lockout });
  if (policy.state !== 'disabled' && (await securityDefaultsOn(db, tenantId))) {
    throw new FormErrors({
      state:
        'Security defaults are on for this tenant. Turn them off before turning on a Conditional Access policy (in On or Report-only), as Entra requires: the two cannot be used together.',
    });
  }
  return policy;
}

export async function createPolicy(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  body: unknown,
): Promise<ConditionalAccessPolicy> {
  return inTransaction(deps.db, async (db) => {
    const policy = await checkedPolicy(db, tenantId, body);
    const id = newId();
    const at = nowIso(deps);
    await insertPolicy(db, { id, tenantId, at, policy });
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'Policy',
      activity: 'Add conditional access policy',
      targetType: 'Policy',
      targetId: id,
      targetName: policy.displayName,
      details: { state: policy.state },
    });
    return (await findPolicy(db, tenantId, id))!;
  });
}

/** Graph's PATCH: the body merged over the policy, the whole result validated again. */
export async function patchPolicy(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  policyId: string,
  body: unknown,
): Promise<ConditionalAccessPolicy> {
  return inTransaction(deps.db, async (db) => {
    const current = await findPolicy(db, tenantId, policyId);
    if (!current) throw notFound('The policy');
    const { id, createdDateTime, modifiedDateTime, ...writable } = current;
    const policy = await checkedPolicy(db, tenantId, merge(writable, body));
    const at = nowIso(deps);
    await updatePolicy(db, current.id, policy, at);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'Policy',
      activity: 'Update conditional access policy',
      targetType: 'Policy',
      targetId: current.id,
      targetName: policy.displayName,
      details: { state: policy.state },
    });
    return (await findPolicy(db, tenantId, current.id))!;
  });
}

export async function deletePolicy(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  policyId: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const policy = await findPolicy(db, tenantId, policyId);
    if (!policy) throw notFound('The policy');
    const at = nowIso(deps);
    await deletePolicyRow(db, policy.id);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'Policy',
      activity: 'Delete conditional access policy',
      targetType: 'Policy',
      targetId: policy.id,
      targetName: policy.displayName,
    });
  });
}

const inputOf = (l: NamedLocation): NamedLocationInput => ({
  displayName: l.displayName,
  isTrusted: l.isTrusted,
  cidrs: l.ipRanges.map((r) => r.cidrAddress),
});

async function checkNameFree(db: Db, tenantId: string, name: string, exceptId: string | null) {
  const taken = (await listNamedLocations(db, tenantId)).some(
    (l) => l.id !== exceptId && l.displayName.toLowerCase() === name.toLowerCase(),
  );
  if (taken) throw new FormErrors({ displayName: `A named location called ${name} already exists.` });
}

export async function createNamedLocation(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  body: unknown,
): Promise<NamedLocation> {
  return inTransaction(deps.db, async (db) => {
    const input = parseNamedLocation(body, null);
    await checkNameFree(db, tenantId, input.displayName, null);
    const id = newId();
    const at = nowIso(deps);
    await insertNamedLocation(db, { id, tenantId, at, ...input });
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'Policy',
      activity: 'Add named location',
      targetType: 'NamedLocation',
      targetId: id,
      targetName: input.displayName,
      details: { isTrusted: input.isTrusted, ipRanges: input.cidrs },
    });
    return (await findNamedLocation(db, tenantId, id))!;
  });
}

export async function patchNamedLocation(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  locationId: string,
  body: unknown,
): Promise<NamedLocation> {
  return inTransaction(deps.db, async (db) => {
    const current = await findNamedLocation(db, tenantId, locationId);
    if (!current) throw notFound('The named location');
    const input = parseNamedLocation(body, inputOf(current));
    await checkNameFree(db, tenantId, input.displayName, current.id);
    const at = nowIso(deps);
    await updateNamedLocation(db, current.id, input, at);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'Policy',
      activity: 'Update named location',
      targetType: 'NamedLocation',
      targetId: current.id,
      targetName: input.displayName,
      details: { isTrusted: input.isTrusted, ipRanges: input.cidrs },
    });
    return (await findNamedLocation(db, tenantId, current.id))!;
  });
}

/** The policies whose location condition names the location (Entra refuses to delete it then). */
export async function policiesUsingLocation(
  db: Db,
  tenantId: string,
  locationId: string,
): Promise<ConditionalAccessPolicy[]> {
  return (await listPolicies(db, tenantId)).filter((p) =>
    [
      ...(p.conditions.locations?.includeLocations ?? []),
      ...(p.conditions.locations?.excludeLocations ?? []),
    ].includes(locationId),
  );
}

export async function deleteNamedLocation(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  locationId: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const location = await findNamedLocation(db, tenantId, locationId);
    if (!location) throw notFound('The named location');
    const users = await policiesUsingLocation(db, tenantId, location.id);
    if (users.length > 0) {
      throw new FormErrors({
        id: `${location.displayName} is used by the policy ${users.map((p) => p.displayName).join(', ')}: remove it from the policy’s locations first.`,
      });
    }
    const at = nowIso(deps);
    await deleteNamedLocationRow(db, location.id);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'Policy',
      activity: 'Delete named location',
      targetType: 'NamedLocation',
      targetId: location.id,
      targetName: location.displayName,
    });
  });
}
