import type { FastifyInstance } from 'fastify';
import { createApiToken } from '../../src/api-tokens/api-tokens.service.ts';
import type { Deps } from '../../src/context.ts';
import type { User } from '../../src/users/users.repository.ts';

/** An API token of `admin`'s tenant, made through the service (the portal test makes one by clicking). */
export async function tokenFor(deps: Deps, admin: User, name = 'tests', lifetimeDays = 30): Promise<string> {
  const { secret } = await createApiToken(
    deps,
    { id: admin.id, name: admin.userPrincipalName, correlationId: null },
    admin.tenantId,
    { name, lifetimeDays },
  );
  return secret;
}

export interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of many shapes; tests assert on them.
  body: any;
  text: string;
  headers: Record<string, unknown>;
}

/** A client of the admin API over `app.inject`, sending the bearer token and JSON bodies. */
export function apiClient(app: FastifyInstance, token: string | null) {
  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => {
    const response = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
    let body: unknown = null;
    try {
      body = response.body ? JSON.parse(response.body) : null;
    } catch {
      body = null;
    }
    return {
      status: response.statusCode,
      body,
      text: response.body,
      headers: response.headers,
    } as ApiResponse;
  };
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, payload?: unknown) => call('POST', url, payload),
    patch: (url: string, payload: unknown) => call('PATCH', url, payload),
    delete: (url: string) => call('DELETE', url),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;
