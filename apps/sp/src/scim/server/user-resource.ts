import {
  ENTERPRISE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA_DEFINITION,
  ScimError,
  USER_SCHEMA,
  USER_SCHEMA_DEFINITION,
} from '@federa/scim';
import type { ScimMemberRow } from '../scim-members.repository.ts';
import { etagOf } from './http.ts';

// A membership as a SCIM User (RFC 7643 §4.1; id = the membership's id, as Sentry's is its member
// id). What the Workspace decides is authoritative: id, externalId (the member's identity at the
// organization's provider), active (not suspended), sentryOrgRole (the role, Sentry's extension
// attribute). The other attributes of the User and Enterprise User schemas are returned as the client
// last sent them; attributes of neither schema are ignored.

type Json = Record<string, unknown>;

/** Sentry's attribute for the organization role, outside any schema (its clients send it as is). */
export const ROLE_ATTRIBUTE = 'sentryOrgRole';

const USER_ATTRIBUTES = new Map(
  USER_SCHEMA_DEFINITION.attributes
    .filter((a) => a.name !== 'active' && a.name !== 'password' && a.name !== 'groups')
    .map((a) => [a.name.toLowerCase(), a.name]),
);
const ENTERPRISE_ATTRIBUTES = new Map(
  ENTERPRISE_USER_SCHEMA_DEFINITION.attributes.map((a) => [a.name.toLowerCase(), a.name]),
);

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** What of a User body is kept as sent: the schemas' attributes (names in their canonical spelling). */
export function keptAttributes(body: Json): Json {
  const kept: Json = {};
  for (const [key, value] of Object.entries(body)) {
    const name = USER_ATTRIBUTES.get(key.toLowerCase());
    if (name && value !== null && value !== undefined) kept[name] = value;
    if (key.toLowerCase() === ENTERPRISE_USER_SCHEMA.toLowerCase() && isObject(value)) {
      const extension: Json = {};
      for (const [inner, innerValue] of Object.entries(value)) {
        const innerName = ENTERPRISE_ATTRIBUTES.get(inner.toLowerCase());
        if (innerName && innerValue !== null && innerValue !== undefined) extension[innerName] = innerValue;
      }
      if (Object.keys(extension).length > 0) kept[ENTERPRISE_USER_SCHEMA] = extension;
    }
  }
  return kept;
}

/** A top-level attribute of a body, its name in any case (RFC 7643 §2.1: names are case-insensitive). */
export function read(body: Json, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

/** A boolean in either of Entra's spellings (true or "True"); undefined when absent. */
export function readBoolean(body: Json, name: string): boolean | undefined {
  const value = read(body, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === 'true';
  throw new ScimError('invalidValue', `'${name}' must be true or false.`);
}

/** The address a User body gives: its primary or work email, else a userName that is an address. */
export function emailOf(body: Json): string | null {
  const emails = read(body, 'emails');
  if (Array.isArray(emails)) {
    const values = emails.filter(isObject);
    const chosen =
      values.find((e) => read(e, 'primary') === true || read(e, 'primary') === 'True') ??
      values.find((e) => String(read(e, 'type') ?? '').toLowerCase() === 'work') ??
      values[0];
    const value = chosen ? read(chosen, 'value') : undefined;
    if (typeof value === 'string' && value.trim() !== '') return value.trim().toLowerCase();
  }
  const userName = read(body, 'userName');
  return typeof userName === 'string' && userName.includes('@') ? userName.trim().toLowerCase() : null;
}

/** The person's name from a User body: displayName, name.formatted, or given and family names. */
export function displayNameOf(body: Json, fallback: string): string {
  const displayName = read(body, 'displayName');
  if (typeof displayName === 'string' && displayName.trim() !== '') return displayName.trim().slice(0, 200);
  const name = read(body, 'name');
  if (isObject(name)) {
    const formatted = read(name, 'formatted');
    if (typeof formatted === 'string' && formatted.trim() !== '') return formatted.trim().slice(0, 200);
    const parts = [read(name, 'givenName'), read(name, 'familyName')].filter(
      (p): p is string => typeof p === 'string' && p.trim() !== '',
    );
    if (parts.length > 0) return parts.join(' ').slice(0, 200);
  }
  return fallback;
}

export function userLocation(base: string, membershipId: string): string {
  return `${base}/Users/${membershipId}`;
}

/** The User representation of a membership, with its ETag as `meta.version`. */
export function toScimUser(row: ScimMemberRow, base: string): Json {
  const attributes = row.attributes;
  const user: Json = {
    schemas: attributes[ENTERPRISE_USER_SCHEMA] ? [USER_SCHEMA, ENTERPRISE_USER_SCHEMA] : [USER_SCHEMA],
    id: row.membershipId,
    ...(row.externalId !== null ? { externalId: row.externalId } : {}),
    userName: row.email,
    displayName: row.name,
    emails: [{ primary: true, type: 'work', value: row.email }],
    ...attributes,
    active: !row.suspended,
    [ROLE_ATTRIBUTE]: row.role,
    meta: { resourceType: 'User', created: row.createdAt, location: userLocation(base, row.membershipId) },
  };
  (user.meta as Json).version = etagOf(user);
  return user;
}
