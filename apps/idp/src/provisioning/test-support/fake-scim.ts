import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A minimal SCIM endpoint for the provisioning tests that need to see or slow down what is sent
// (the independent-server tests use SCIMMY): bearer check, users created with ids and found again by
// `userName eq "…"`, other queries empty, 204s.

export interface FakeScim {
  url: string;
  token: string;
  requests: { method: string; url: string; body: unknown }[];
  close(): Promise<void>;
}

export async function startFakeScim(
  options: { delayMs?: number; token?: string; dropPostNumber?: number } = {},
): Promise<FakeScim> {
  let posts = 0;
  const users = new Map<string, Record<string, unknown>>();
  const token = options.token ?? 'fake-scim-secret-token-5b2c';
  const requests: FakeScim['requests'] = [];
  let next = 1;
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      const body = text ? JSON.parse(text) : null;
      requests.push({ method: request.method ?? '', url: request.url ?? '', body });
      const answer = (status: number, json?: unknown) => {
        response.writeHead(status, json === undefined ? {} : { 'content-type': 'application/scim+json' });
        response.end(json === undefined ? undefined : JSON.stringify(json));
      };
      setTimeout(() => {
        if (request.headers.authorization !== `Bearer ${token}`) {
          return answer(401, {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
            status: '401',
            detail: 'Authentication failed.',
          });
        }
        if (request.method === 'GET') {
          const wanted = /userName eq "([^"]*)"/.exec(decodeURIComponent(request.url ?? ''))?.[1];
          const found = wanted ? users.get(wanted.toLowerCase()) : undefined;
          return answer(200, {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
            totalResults: found ? 1 : 0,
            Resources: found ? [found] : [],
          });
        }
        if (request.method === 'POST') {
          posts += 1;
          // A crash mid-cycle, as the Directory sees it: the connection drops before any answer.
          if (posts === options.dropPostNumber) return request.socket.destroy();
          const created: Record<string, unknown> = { ...(body as object), id: `t-${next++}` };
          if (typeof created.userName === 'string') users.set(created.userName.toLowerCase(), created);
          return answer(201, created);
        }
        return answer(204);
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/`,
    token,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
