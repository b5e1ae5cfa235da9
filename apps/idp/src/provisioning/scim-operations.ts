import { LIST_RESPONSE_SCHEMA, type PatchRequest } from '@federa/scim';
import { eqFilter } from './requests.ts';
import {
  ScimClientError,
  type ScimResponse,
  type ScimTarget,
  type ScimTransportOptions,
  scimRequest,
} from './scim-client.ts';

// The SCIM calls a provisioning cycle makes, one function each (RFC 7644 §3): query by the matching
// attribute, create, update by PATCH, delete; for Users and Groups. A status the call does not expect
// throws ScimClientError HTTP_STATUS carrying the target's own error text (what the provisioning log
// shows), e.g. "409 uniqueness: User already exists in the database.".

type Json = Record<string, unknown>;

export interface ScimConnection {
  target: ScimTarget;
  transport: ScimTransportOptions;
}

function targetError(response: ScimResponse): ScimClientError {
  const body = (response.body ?? {}) as Json;
  const detail = typeof body.detail === 'string' ? body.detail : '';
  const scimType = typeof body.scimType === 'string' ? `${body.scimType}: ` : '';
  const text = `${response.status} ${scimType}${detail}`.trim().slice(0, 500);
  return new ScimClientError('HTTP_STATUS', text || `HTTP ${response.status}`, response.status);
}

async function call(
  connection: ScimConnection,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body: unknown,
  expected: readonly number[],
): Promise<ScimResponse> {
  const response = await scimRequest(connection.target, method, path, body, connection.transport);
  if (!expected.includes(response.status)) throw targetError(response);
  return response;
}

/** The first resource a ListResponse holds, or null (totalResults 0). */
function firstResource(response: ScimResponse): Json | null {
  const body = response.body as Json | null;
  const resources = body && Array.isArray(body.Resources) ? (body.Resources as Json[]) : [];
  return resources[0] ?? null;
}

/** GET /Users?filter=<attribute> eq "<value>" (Entra's query by the matching attribute). */
export async function findUserBy(
  connection: ScimConnection,
  attribute: string,
  value: string,
): Promise<Json | null> {
  const response = await call(
    connection,
    'GET',
    `Users?filter=${encodeURIComponent(eqFilter(attribute, value))}`,
    undefined,
    [200],
  );
  return firstResource(response);
}

export async function createUser(connection: ScimConnection, body: Json): Promise<Json> {
  return (await call(connection, 'POST', 'Users', body, [200, 201])).body as Json;
}

export async function patchUser(
  connection: ScimConnection,
  id: string,
  request: PatchRequest,
): Promise<void> {
  await call(connection, 'PATCH', `Users/${encodeURIComponent(id)}`, request, [200, 204]);
}

/** DELETE /Users/{id}; one already gone (404) is as good as deleted. */
export async function deleteUser(connection: ScimConnection, id: string): Promise<void> {
  await call(connection, 'DELETE', `Users/${encodeURIComponent(id)}`, undefined, [200, 204, 404]);
}

/** GET /Groups?filter=displayName eq "…"&excludedAttributes=members, as Entra queries groups. */
export async function findGroupBy(connection: ScimConnection, displayName: string): Promise<Json | null> {
  const query = `filter=${encodeURIComponent(eqFilter('displayName', displayName))}&excludedAttributes=members`;
  return firstResource(await call(connection, 'GET', `Groups?${query}`, undefined, [200]));
}

export async function createGroup(connection: ScimConnection, body: Json): Promise<Json> {
  return (await call(connection, 'POST', 'Groups', body, [200, 201])).body as Json;
}

export async function patchGroup(
  connection: ScimConnection,
  id: string,
  request: PatchRequest,
): Promise<void> {
  await call(connection, 'PATCH', `Groups/${encodeURIComponent(id)}`, request, [200, 204]);
}

export async function deleteGroup(connection: ScimConnection, id: string): Promise<void> {
  await call(connection, 'DELETE', `Groups/${encodeURIComponent(id)}`, undefined, [200, 204, 404]);
}

/**
 * Test Connection, as Entra does it: query a user that does not exist by a random userName and expect
 * an empty ListResponse (and a 200 for a random group's query too when groups are provisioned).
 */
export async function testConnection(
  connection: ScimConnection,
  random: string,
  groups: boolean,
): Promise<void> {
  const response = await call(
    connection,
    'GET',
    `Users?filter=${encodeURIComponent(eqFilter('userName', random))}`,
    undefined,
    [200],
  );
  const body = response.body as Json | null;
  const schemas = body && Array.isArray(body.schemas) ? (body.schemas as unknown[]) : [];
  if (!schemas.includes(LIST_RESPONSE_SCHEMA) || typeof body?.totalResults !== 'number') {
    throw new ScimClientError(
      'HTTP_STATUS',
      `${response.status}: the answer is not a SCIM ListResponse`,
      response.status,
    );
  }
  if (groups) {
    await call(
      connection,
      'GET',
      `Groups?filter=${encodeURIComponent(eqFilter('displayName', random))}&excludedAttributes=members`,
      undefined,
      [200],
    );
  }
}

export const idOf = (resource: Json | null): string | null =>
  resource && typeof resource.id === 'string'
    ? resource.id
    : resource && typeof resource.id === 'number'
      ? String(resource.id)
      : null;
