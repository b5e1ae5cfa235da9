import assert from 'node:assert/strict';
import type { TestApp } from './app.ts';
import type { Browser } from './browser.ts';
import type { TestIdp } from './idp.ts';
import { ssoOrganization } from './sso.ts';

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Turns SCIM on for `slug` through Org Settings › Auth and returns the token shown once. */
export async function enableScim(owner: Browser, slug: string): Promise<string> {
  await owner.get(`/settings/${slug}/auth/`);
  const page = await owner.post(`/settings/${slug}/auth/scim/enable/`);
  assert.equal(page.statusCode, 200, page.body.slice(0, 500));
  const token = /id="scim-token" type="text" readonly value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(token, 'the token is on the page');
  return token;
}

/** Organization `slug` with SSO from `idp` and SCIM enabled: its owner's browser and SCIM client. */
export async function scimOrganization(t: TestApp, slug: string, idp: TestIdp) {
  const owner = await ssoOrganization(t, slug, idp);
  const token = await enableScim(owner, slug);
  return { owner, token, scim: scimClient(t, slug, token) };
}

export interface ScimResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: test reads of JSON bodies
  body: any;
  raw: string;
}

/** A SCIM client as Entra's: bearer token, `application/scim+json`, paths under the Tenant URL. */
export function scimClient(t: TestApp, slug: string, token: string | null) {
  const base = `/api/0/organizations/${slug}/scim/v2`;
  const send = async (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ScimResponse> => {
    const response = await t.app.inject({
      method,
      url: `${base}${path}`,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    let parsed: unknown = null;
    try {
      parsed = response.body ? JSON.parse(response.body) : null;
    } catch {
      parsed = null;
    }
    return { status: response.statusCode, headers: response.headers, body: parsed, raw: response.body };
  };
  return {
    get: (path: string, headers?: Record<string, string>) => send('GET', path, undefined, headers),
    post: (path: string, body: unknown) => send('POST', path, body),
    put: (path: string, body: unknown, headers?: Record<string, string>) => send('PUT', path, body, headers),
    patch: (path: string, body: unknown, headers?: Record<string, string>) =>
      send('PATCH', path, body, headers),
    delete: (path: string) => send('DELETE', path),
  };
}

export type ScimClient = ReturnType<typeof scimClient>;

/** The User Entra's default mapping sends for a user (userPrincipalName, mail, objectId, …). */
export function entraUser(user: { objectId: string; email: string; givenName?: string; surname?: string }) {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId: user.objectId,
    userName: user.email,
    active: true,
    emails: [{ primary: true, type: 'work', value: user.email }],
    meta: { resourceType: 'User' },
    name: {
      formatted: `${user.givenName ?? 'Test'} ${user.surname ?? 'User'}`,
      familyName: user.surname ?? 'User',
      givenName: user.givenName ?? 'Test',
    },
    roles: [],
  };
}

export const patch = (...operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });
