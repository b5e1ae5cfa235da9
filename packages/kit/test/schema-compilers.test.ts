import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { compileSchemasOnFirstUse } from '../src/http/schema-compilers.ts';

function server() {
  const app = Fastify({ schemaController: compileSchemasOnFirstUse() });
  app.addSchema({ $id: 'name', type: 'string', minLength: 2 });
  app.post(
    '/people',
    {
      schema: {
        body: {
          type: 'object',
          required: ['name', 'age'],
          properties: { name: { $ref: 'name#' }, age: { type: 'integer' } },
          additionalProperties: false,
        },
        querystring: { type: 'object', properties: { verbose: { type: 'boolean' } } },
        response: {
          201: { type: 'object', properties: { name: { type: 'string' }, verbose: { type: 'boolean' } } },
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send({
        ...(request.body as object),
        verbose: (request.query as { verbose?: boolean }).verbose,
        secret: 'x',
      }),
  );
  return app;
}

describe('schemas compiled on first use', () => {
  test('validate requests (shared schemas, coercion) and shape responses as Fastify compiled them at start', async (t) => {
    const app = server();
    t.after(() => app.close());
    const ok = await app.inject({
      method: 'POST',
      url: '/people?verbose=true',
      payload: { name: 'Ada', age: 36 },
    });
    assert.equal(ok.statusCode, 201);
    assert.deepEqual(ok.json(), { name: 'Ada', verbose: true });

    const bad = await app.inject({ method: 'POST', url: '/people', payload: { name: 'A', age: 'old' } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().message, /^body\/name must NOT have fewer than 2 characters/);
  });

  test('a broken schema lets the server start and fails its route on the first request', async (t) => {
    const app = Fastify({ schemaController: compileSchemasOnFirstUse() });
    t.after(() => app.close());
    app.post('/broken', { schema: { body: { type: 'no-such-type' } } }, async () => 'unreached');
    app.get('/fine', async () => 'fine');
    await app.ready();
    assert.equal((await app.inject({ method: 'GET', url: '/fine' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'POST', url: '/broken', payload: {} })).statusCode, 500);
  });
});
