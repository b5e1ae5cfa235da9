import {
  applyPatch,
  ENTRA_GROUP_SCHEMA,
  GROUP_SCHEMA,
  PATCH_OP_SCHEMA,
  type PatchOperation,
  type PatchRequest,
  parsePatchPath,
  USER_RESOURCE,
  USER_SCHEMA,
} from '@federa/scim';
import type { MappedValue } from './mappings.ts';

// The SCIM requests the Directory sends, shaped as Entra's provisioning client shapes them
// (reference §3 "Entra SCIM wire dialect"). Entra's default dialect: ops "Add"/"Replace"/"Remove",
// booleans as the strings "True"/"False", one op per path, group members removed by a value list. The
// RFC-compliant one, chosen by `aadOptscim062020` in the Tenant URL's query: lowercase ops, booleans,
// members removed by `members[value eq "…"]`.

export type Dialect = 'entra-default' | 'aadOptscim062020';

export function dialectOf(tenantUrl: string): Dialect {
  try {
    return new URL(tenantUrl).searchParams.has('aadOptscim062020') ? 'aadOptscim062020' : 'entra-default';
  } catch {
    return 'entra-default';
  }
}

const opName = (op: 'add' | 'replace' | 'remove', dialect: Dialect): string =>
  dialect === 'aadOptscim062020' ? op : `${op[0]!.toUpperCase()}${op.slice(1)}`;

const wireValue = (value: MappedValue, dialect: Dialect): unknown =>
  typeof value === 'boolean' && dialect === 'entra-default' ? (value ? 'True' : 'False') : value;

const patchRequest = (operations: PatchOperation[]): PatchRequest => ({
  schemas: [PATCH_OP_SCHEMA],
  Operations: operations,
});

/** POST /Users: the mapped values set into a User (packages/scim builds it, as a PATCH of nothing). */
export function createUserBody(values: Record<string, MappedValue>): Record<string, unknown> {
  const operations = Object.entries(values).map(([path, value]) => ({ op: 'add', path, value }));
  const { resource } = applyPatch({ schemas: [USER_SCHEMA] }, patchRequest(operations), USER_RESOURCE);
  return { ...resource, meta: { resourceType: 'User' } };
}

/** PATCH /Users/{id}: one Replace per changed path. */
export function updateUserRequest(changed: Record<string, MappedValue>, dialect: Dialect): PatchRequest {
  return patchRequest(
    Object.entries(changed).map(([path, value]) => ({
      op: opName('replace', dialect),
      path,
      value: wireValue(value, dialect),
    })),
  );
}

/** PATCH /Users/{id} that deprovisions: `{"op":"Replace","path":"active","value":"False"}` by default. */
export function disableUserRequest(dialect: Dialect): PatchRequest {
  return updateUserRequest({ active: false }, dialect);
}

/** POST /Groups: created with no members (Entra adds them by PATCH). */
export function createGroupBody(group: { displayName: string; externalId: string }): Record<string, unknown> {
  return {
    schemas: [GROUP_SCHEMA, ENTRA_GROUP_SCHEMA],
    externalId: group.externalId,
    displayName: group.displayName,
    meta: { resourceType: 'Group' },
  };
}

export function renameGroupRequest(displayName: string, dialect: Dialect): PatchRequest {
  return patchRequest([{ op: opName('replace', dialect), path: 'displayName', value: displayName }]);
}

/** PATCH /Groups/{id} adding and removing members (target user ids); null when there is nothing to do. */
export function groupMembersRequest(
  add: readonly string[],
  remove: readonly string[],
  dialect: Dialect,
): PatchRequest | null {
  const operations: PatchOperation[] = [];
  if (add.length > 0) {
    operations.push({
      op: opName('add', dialect),
      path: 'members',
      value: add.map((value) => ({ $ref: null, value })),
    });
  }
  if (remove.length > 0) {
    if (dialect === 'aadOptscim062020') {
      for (const id of remove) operations.push({ op: 'remove', path: `members[value eq "${id}"]` });
    } else {
      operations.push({
        op: 'Remove',
        path: 'members',
        value: remove.map((value) => ({ $ref: null, value })),
      });
    }
  }
  return operations.length > 0 ? patchRequest(operations) : null;
}

/** RFC 7644 §3.4.2.2: a string compared in a filter, quoted with `"` and `\` escaped. */
export function eqFilter(attribute: string, value: string): string {
  return `${attribute} eq "${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

type Json = Record<string, unknown>;

function keyOf(object: Json, name: string): string | undefined {
  return Object.keys(object).find((key) => key.toLowerCase() === name.toLowerCase());
}

/**
 * The value a target resource holds at a mapping's path (`name.givenName`, `emails[type eq "work"].value`,
 * `urn:…:enterprise:2.0:User:employeeNumber`), or undefined. Value filters are `eq` on a sub-attribute.
 */
export function readPath(resource: Json, path: string): unknown {
  const parsed = parsePatchPath(path);
  let attrPath = parsed.attrPath;
  let scope: Json = resource;
  const colon = attrPath.lastIndexOf(':');
  if (colon > 0) {
    const extension = keyOf(resource, attrPath.slice(0, colon));
    const inner = extension ? resource[extension] : undefined;
    if (!inner || typeof inner !== 'object') return undefined;
    scope = inner as Json;
    attrPath = attrPath.slice(colon + 1);
  }
  const [name, sub] = attrPath.split('.');
  const key = keyOf(scope, name!);
  let value: unknown = key ? scope[key] : undefined;
  if (parsed.valueFilter) {
    const filter = parsed.valueFilter as { op?: string; attrPath?: string; compValue?: unknown };
    if (!Array.isArray(value) || filter.op !== 'eq' || !filter.attrPath) return undefined;
    value = value.find((element) => {
      if (!element || typeof element !== 'object') return false;
      const k = keyOf(element as Json, filter.attrPath!);
      const v = k ? (element as Json)[k] : undefined;
      return String(v).toLowerCase() === String(filter.compValue).toLowerCase();
    });
  }
  const subName = sub ?? parsed.subAttr;
  if (subName) {
    if (!value || typeof value !== 'object') return undefined;
    const k = keyOf(value as Json, subName);
    return k ? (value as Json)[k] : undefined;
  }
  return value;
}

/** Whether a target's value equals the mapped one (booleans in either spelling, strings exactly). */
export function sameValue(target: unknown, mapped: MappedValue): boolean {
  if (typeof mapped === 'boolean') return String(target).toLowerCase() === String(mapped);
  return target === mapped;
}
