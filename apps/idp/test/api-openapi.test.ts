import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adminApiRoutes } from '../src/api/api.ts';
import { BASE_URL, DIALECTS, startIdp } from './support/harness.ts';

/** Fastify's `/users/:user` as OpenAPI writes it: `/users/{user}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z]+)/g, '{$1}');

function refsIn(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.add(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

for (const dialect of DIALECTS) {
  describe(`admin API OpenAPI document on ${dialect}`, () => {
    test('is public OpenAPI 3 JSON that lists every /api/v1 operation with its schemas and bearer security', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const response = await idp.app.inject({ url: '/api/v1/openapi.json' });
      assert.equal(response.statusCode, 200, 'no token needed to read the description');
      assert.match(String(response.headers['content-type']), /^application\/json/);
      const doc = JSON.parse(response.body);
      assert.match(doc.openapi, /^3\.\d+\.\d+$/);
      assert.equal(doc.servers[0].url, BASE_URL);
      assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
      assert.deepEqual(doc.components.securitySchemes.bearerAuth, {
        type: 'http',
        scheme: 'bearer',
        description: doc.components.securitySchemes.bearerAuth.description,
      });

      const routes = adminApiRoutes(idp.app);
      assert.ok(routes.length >= 30, `the API has its operations (${routes.length})`);
      const documented = new Set<string>();
      for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
        for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path}`);
      }
      const registered = new Set(routes.map((r) => `${r.method} ${openApiPath(r.url)}`));
      assert.deepEqual([...documented].sort(), [...registered].sort(), 'documented = registered');
      for (const key of registered) assert.match(key, /^(GET|POST|PATCH|DELETE) \/api\/v1\//);
      for (const resource of [
        'GET /api/v1/users',
        'POST /api/v1/users/{user}/resetPassword',
        'POST /api/v1/groups/{group}/members',
        'POST /api/v1/applications',
        'PATCH /api/v1/applications/{app}/saml',
        'POST /api/v1/applications/{app}/certificates/{certificate}/activate',
        'GET /api/v1/applications/{app}/certificates/{certificate}/pem',
        'POST /api/v1/applications/{app}/assignments',
        'GET /api/v1/applications/{app}/federation-metadata-url',
        'GET /api/v1/signInLogs',
      ]) {
        assert.ok(documented.has(resource), resource);
      }

      for (const [path, item] of Object.entries(
        doc.paths as Record<string, Record<string, Record<string, unknown>>>,
      )) {
        for (const [method, operation] of Object.entries(item)) {
          const where = `${method.toUpperCase()} ${path}`;
          assert.ok(
            typeof operation.summary === 'string' && operation.summary.length > 0,
            `${where}: summary`,
          );
          assert.ok(Array.isArray(operation.tags) && operation.tags.length === 1, `${where}: tag`);
          const responses = operation.responses as Record<string, unknown>;
          assert.ok(responses['401'], `${where}: documents 401`);
          assert.ok(
            Object.keys(responses).some((s) => s.startsWith('2')),
            `${where}: documents its success`,
          );
          for (const name of (path.match(/\{(\w+)\}/g) ?? []).map((p) => p.slice(1, -1))) {
            const parameters = (operation.parameters ?? []) as Array<{ in: string; name: string }>;
            assert.ok(
              parameters.some((p) => p.in === 'path' && p.name === name),
              `${where}: path parameter ${name}`,
            );
          }
          if (method === 'post' || method === 'patch') {
            const body = operation.requestBody as
              | { content?: Record<string, { schema?: unknown }> }
              | undefined;
            const bodyless = /\/(block|unblock|resetPassword|restore|activate|certificates)$/.test(path);
            if (!bodyless)
              assert.ok(body?.content?.['application/json']?.schema, `${where}: request body schema`);
          }
        }
      }
      const schemas = Object.keys(doc.components.schemas);
      for (const name of [
        'User',
        'Group',
        'Application',
        'SamlSettings',
        'Certificate',
        'Assignment',
        'SignInLog',
        'Error',
      ]) {
        assert.ok(schemas.includes(name), `component ${name}`);
      }
      for (const target of refsIn(doc.paths)) {
        const match = /^#\/components\/schemas\/(.+)$/.exec(target);
        assert.ok(match && schemas.includes(match[1]!), `reference ${target} resolves`);
      }
      for (const target of refsIn(doc.components)) {
        const match = /^#\/components\/schemas\/(.+)$/.exec(target);
        assert.ok(match && schemas.includes(match[1]!), `reference ${target} resolves`);
      }
      assert.doesNotMatch(response.body, /"type":\["/, 'OpenAPI 3.0 has no type arrays (nullable instead)');
    });
  });
}
