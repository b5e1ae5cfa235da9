// RFC 7643 §6: resource types, and what the filter and PATCH code needs to know of one.
import { type Attribute, findAttribute, type Schema } from './attributes.ts';
import { COMMON_ATTRIBUTES } from './common.ts';
import { GROUP_SCHEMA_DEFINITION } from './group.ts';
import { ENTERPRISE_USER_SCHEMA_DEFINITION, USER_SCHEMA_DEFINITION } from './user.ts';

/**
 * A resource type with its schemas: what `/ResourceTypes` publishes, and what filters and PATCH
 * resolve attribute names against (canonical spelling, type, caseExact, mutability).
 * A server with attributes of its own (Sentry's `sentryOrgRole`) passes a copy with them added.
 */
export interface ResourceDefinition {
  name: string;
  endpoint: string;
  description: string;
  schema: Schema;
  /** RFC 7643 §3.3: extension schemas; their attributes sit under the schema URI in a resource. */
  extensions: { schema: Schema; required: boolean }[];
}

export const USER_RESOURCE: ResourceDefinition = {
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: USER_SCHEMA_DEFINITION,
  extensions: [{ schema: ENTERPRISE_USER_SCHEMA_DEFINITION, required: false }],
};

export const GROUP_RESOURCE: ResourceDefinition = {
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: GROUP_SCHEMA_DEFINITION,
  extensions: [],
};

/** Where an attribute path lands: the top level (`schema: null`) or an extension's object. */
export interface ResolvedAttribute {
  /** The extension URI the attribute sits under, or null for core and common attributes. */
  extension: string | null;
  attribute: Attribute;
  /** A sub-attribute of a complex attribute (`name.givenName`, `emails.value`), if named. */
  subAttribute: Attribute | null;
}

/**
 * Resolves an `attrPath` (RFC 7644 §3.10: `[URI ":"] ATTRNAME ["." subAttr]`) against a resource type,
 * case-insensitively. Returns null when the resource type has no such attribute.
 */
export function resolveAttribute(resource: ResourceDefinition, path: string): ResolvedAttribute | null {
  let extension: string | null = null;
  let attributes: readonly Attribute[] = [...COMMON_ATTRIBUTES, ...resource.schema.attributes];
  let rest = path;
  const lowerPath = path.toLowerCase();
  const core = resource.schema.id.toLowerCase();
  if (lowerPath.startsWith(`${core}:`)) {
    rest = path.slice(core.length + 1);
  } else {
    const found = resource.extensions.find((candidate) =>
      lowerPath.startsWith(`${candidate.schema.id.toLowerCase()}:`),
    );
    if (found) {
      extension = found.schema.id;
      attributes = found.schema.attributes;
      rest = path.slice(found.schema.id.length + 1);
    } else if (path.includes(':')) {
      return null;
    }
  }
  const [name, sub, ...more] = rest.split('.');
  if (name === undefined || more.length > 0) return null;
  const attribute = findAttribute(attributes, name);
  if (!attribute) return null;
  if (sub === undefined) return { extension, attribute, subAttribute: null };
  const subAttribute = findAttribute(attribute.subAttributes ?? [], sub);
  return subAttribute ? { extension, attribute, subAttribute } : null;
}

/** True when `uri` is one of the resource type's schemas (core or extension), compared case-insensitively. */
export function isSchemaOf(resource: ResourceDefinition, uri: string): boolean {
  const lower = uri.toLowerCase();
  return (
    resource.schema.id.toLowerCase() === lower ||
    resource.extensions.some((extension) => extension.schema.id.toLowerCase() === lower)
  );
}
