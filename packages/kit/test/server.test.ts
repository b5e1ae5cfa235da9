import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { DIALECTS, freshDatabaseUrl } from '../../../test/support/databases.ts';
import {
  AppError,
  allowFormActionTo,
  connectDatabase,
  createLogger,
  createServer,
  csrfToken,
  getSession,
  html,
  migrateToLatest,
  routeAuthTable,
  sessionsMigration,
} from '../src/index.ts';

async function makeApp(
  url: string,
): Promise<{ app: FastifyInstance; sessionRows: () => Promise<number>; close: () => Promise<void> }> {
  const database = connectDatabase<unknown>(url);
  await migrateToLatest(database.db, { '0000-sessions': sessionsMigration });
  const app = await createServer({
    brand: { key: 'idp', name: 'Test', home: '/' },
    logger: createLogger('test', 'silent'),
    db: database.db,
    session: { cookieName: 'federa_test_session', maxAgeSeconds: 3600, sameSite: 'lax', secure: false },
  });
  app.get('/count', async (request) => {
    const session = await getSession(request);
    const count = (session.get<number>('count') ?? 0) + 1;
    session.set('count', count);
    return { count, csrf: await csrfToken(request) };
  });
  app.get('/hash', async (request) => ({ hash: (await getSession(request)).hash }));
  // A sign-in: a new id for the session (against fixation); `replaces` names the row it takes over
  // when the request came without the cookie.
  app.post('/sign-in', { config: { csrf: false } }, async (request) => {
    const session = await getSession(request);
    session.replaces((request.query as { replaces?: string }).replaces ?? null);
    session.regenerate();
    session.set('user', 'u1');
    return { ok: true };
  });
  app.post('/form', async () => ({ ok: true }));
  app.post('/acs', { config: { csrf: false } }, async () => ({ ok: true }));
  // Bearer-authenticated: the token is all there is (a real route checks it in an onRequest hook).
  app.post('/api/things', { config: { auth: 'bearer' } }, async () => ({ ok: true }));
  // A bearer route that reaches for the session anyway, as a handler written carelessly would.
  app.post('/api/whoami', { config: { auth: 'bearer' } }, async (request) => ({
    user: (await getSession(request)).get<string>('user') ?? null,
  }));
  app.get('/refuse', async () => {
    throw new AppError('bad_thing', 422, 'The thing was bad; fix the thing.', { field: 'thing' });
  });
  app.get('/crash', async () => {
    throw new Error('secret internals');
  });
  app.get('/to-idp', async (_request, reply) =>
    allowFormActionTo(reply, ['https://idp.example/t/saml2?x=1']).send(
      '<form method="post" action="/start"></form>',
    ),
  );
  app.get('/echo', async (request, reply) =>
    reply.type('text/html').send(html`<p>${(request.query as { q: string }).q}</p>`.value),
  );
  const sessions = database.db as unknown as Kysely<{ sessions: { id_hash: string } }>;
  const sessionRows = async () =>
    Number(
      (
        await sessions
          .selectFrom('sessions')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { app, sessionRows, close: () => database.close() };
}

function cookieFrom(response: { headers: Record<string, unknown> }): string {
  const header = response.headers['set-cookie'];
  const first = Array.isArray(header) ? header[0] : String(header);
  return first.split(';')[0]!;
}

for (const dialect of DIALECTS) {
  describe(`kit server on ${dialect}`, () => {
    test('keeps session data across requests in the database, keyed by an HttpOnly cookie', async (t) => {
      const { app, close } = await makeApp(await freshDatabaseUrl(dialect));
      t.after(async () => {
        await app.close();
        await close();
      });
      const first = await app.inject({ method: 'GET', url: '/count' });
      assert.equal(first.json().count, 1);
      assert.match(String(first.headers['set-cookie']), /federa_test_session=.*HttpOnly.*SameSite=Lax/);
      const second = await app.inject({
        method: 'GET',
        url: '/count',
        headers: { cookie: cookieFrom(first) },
      });
      assert.equal(second.json().count, 2);
      const stranger = await app.inject({
        method: 'GET',
        url: '/count',
        headers: { cookie: 'federa_test_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      });
      assert.equal(stranger.json().count, 1);
    });

    test('a sign-in re-keys the session: the old id stops working and leaves no row behind', async (t) => {
      const { app, sessionRows, close } = await makeApp(await freshDatabaseUrl(dialect));
      t.after(async () => {
        await app.close();
        await close();
      });
      const first = await app.inject({ method: 'GET', url: '/count' });
      const before = cookieFrom(first);
      const signedIn = await app.inject({ method: 'POST', url: '/sign-in', headers: { cookie: before } });
      const after = cookieFrom(signedIn);
      assert.notEqual(after, before);
      assert.equal(await sessionRows(), 1);
      const old = await app.inject({ method: 'GET', url: '/count', headers: { cookie: before } });
      assert.equal(old.json().count, 1, 'the old id is a stranger now');
    });

    test('a request without the cookie that names the earlier session takes its row over', async (t) => {
      const { app, sessionRows, close } = await makeApp(await freshDatabaseUrl(dialect));
      t.after(async () => {
        await app.close();
        await close();
      });
      const first = await app.inject({ method: 'GET', url: '/count' });
      const before = cookieFrom(first);
      const { hash } = (
        await app.inject({ method: 'GET', url: '/hash', headers: { cookie: before } })
      ).json();
      assert.match(hash, /^[A-Za-z0-9_-]{43}$/);
      // The ACS case: the IdP's cross-site POST carries no Lax cookie, but the sign-in it completes
      // was started in this browser's session.
      const signedIn = await app.inject({ method: 'POST', url: `/sign-in?replaces=${hash}` });
      assert.notEqual(cookieFrom(signedIn), before);
      assert.equal(await sessionRows(), 1);
      const old = await app.inject({ method: 'GET', url: '/count', headers: { cookie: before } });
      assert.equal(old.json().count, 1);
      // Naming nothing that exists: a new row, as for any first session.
      await app.inject({ method: 'POST', url: '/sign-in?replaces=nothing-of-the-kind' });
      assert.equal(await sessionRows(), 3);
    });

    test('refuses a form post without the session CSRF token, accepts it with, and lets the ACS opt out', async (t) => {
      const { app, close } = await makeApp(await freshDatabaseUrl(dialect));
      t.after(async () => {
        await app.close();
        await close();
      });
      const page = await app.inject({ method: 'GET', url: '/count' });
      const cookie = cookieFrom(page);
      const token = page.json().csrf as string;
      const missing = await app.inject({
        method: 'POST',
        url: '/form',
        headers: { cookie },
        payload: { a: '1' },
      });
      assert.equal(missing.statusCode, 403);
      assert.match(missing.body, /csrf_failed/);
      const wrong = await app.inject({
        method: 'POST',
        url: '/form',
        headers: { cookie },
        payload: { _csrf: `${token.slice(1)}x` },
      });
      assert.equal(wrong.statusCode, 403);
      const right = await app.inject({
        method: 'POST',
        url: '/form',
        headers: { cookie },
        payload: { _csrf: token },
      });
      assert.equal(right.statusCode, 200);
      const acs = await app.inject({ method: 'POST', url: '/acs', payload: { SAMLResponse: 'x' } });
      assert.equal(acs.statusCode, 200);
    });

    test("every page names the service's icon, which is served with /favicon.ico, and a title is not said twice", async (t) => {
      const { app, close } = await makeApp(await freshDatabaseUrl(dialect));
      t.after(async () => {
        await app.close();
        await close();
      });
      const missing = await app.inject({ method: 'GET', url: '/no-such-page' });
      assert.match(missing.body, /<link rel="icon" href="\/assets\/favicon.svg"/);
      assert.match(missing.body, /<title>Page not found · Test<\/title>/);
      for (const url of ['/assets/favicon.svg', '/favicon.ico']) {
        const icon = await app.inject({ method: 'GET', url });
        assert.equal(icon.statusCode, 200, url);
        assert.match(icon.headers['content-type'] as string, /^image\/svg\+xml/);
        assert.match(icon.body, /^<svg /);
      }
    });

    test('a form of this service posted without a session says the session expired, and links back to the form', async (t) => {
      const { app, close } = await makeApp(await freshDatabaseUrl(dialect));
      t.after(async () => {
        await app.close();
        await close();
      });
      const sameOrigin = await app.inject({
        method: 'POST',
        url: '/form',
        headers: {
          'sec-fetch-site': 'same-origin',
          host: 'localhost:80',
          referer: 'http://localhost:80/edit?x=1',
        },
        payload: { a: '1' },
      });
      assert.equal(sameOrigin.statusCode, 401);
      assert.match(sameOrigin.body, /session_expired/);
      assert.match(sameOrigin.body, /href="\/edit\?x=1">Sign in again</);
      const byOrigin = await app.inject({
        method: 'POST',
        url: '/form',
        headers: { origin: 'http://localhost:80', host: 'localhost:80' },
        payload: { a: '1' },
      });
      assert.equal(byOrigin.statusCode, 401, 'an Origin of this service counts as same-origin');
      // From another site, or saying nothing of where it comes from: the plain CSRF refusal.
      for (const headers of [
        { 'sec-fetch-site': 'cross-site', host: 'localhost:80' },
        { origin: 'https://attacker.example', host: 'localhost:80' },
        { host: 'localhost:80' },
      ]) {
        const refused = await app.inject({ method: 'POST', url: '/form', headers, payload: { a: '1' } });
        assert.equal(refused.statusCode, 403, JSON.stringify(headers));
        assert.match(refused.body, /csrf_failed/);
      }
      // A live session with a wrong token is a forgery, not an expiry, even from this service's pages.
      const cookie = cookieFrom(await app.inject({ method: 'GET', url: '/count' }));
      const live = await app.inject({
        method: 'POST',
        url: '/form',
        headers: { cookie, 'sec-fetch-site': 'same-origin' },
        payload: { _csrf: 'wrong' },
      });
      assert.equal(live.statusCode, 403);
    });

    test('an Authorization: Bearer header does not excuse a session route from the CSRF token', async (t) => {
      const { app, close } = await makeApp(await freshDatabaseUrl(dialect));
      t.after(async () => {
        await app.close();
        await close();
      });
      const cookie = cookieFrom(await app.inject({ method: 'GET', url: '/count' }));
      for (const authorization of ['Bearer bogus', 'bearer bogus', 'Basic Ym9ndXM=']) {
        const forged = await app.inject({
          method: 'POST',
          url: '/form',
          headers: { cookie, authorization },
          payload: { a: '1' },
        });
        assert.equal(forged.statusCode, 403, authorization);
        assert.match(forged.body, /csrf_failed/);
      }
    });

    test('a route declared bearer-authenticated skips the CSRF check and cannot read the session cookie', async (t) => {
      const { app, close } = await makeApp(await freshDatabaseUrl(dialect));
      t.after(async () => {
        await app.close();
        await close();
      });
      const signedIn = await app.inject({ method: 'POST', url: '/sign-in' });
      const cookie = cookieFrom(signedIn);
      const headers = { cookie, authorization: 'Bearer token' };
      const things = await app.inject({ method: 'POST', url: '/api/things', headers, payload: { a: '1' } });
      assert.equal(things.statusCode, 200);
      assert.equal(things.headers['set-cookie'], undefined, 'no session was loaded or written');
      const whoami = await app.inject({ method: 'POST', url: '/api/whoami', headers, payload: { a: '1' } });
      assert.equal(whoami.statusCode, 500, 'the signed-in cookie is not read on a bearer route');
      assert.doesNotMatch(whoami.body, /u1/);
    });
  });
}

describe('kit server errors and headers', () => {
  test('an AppError becomes its status with code, message and a correlation id; never a stack trace', async (t) => {
    const { app, close } = await makeApp(':memory:');
    t.after(async () => {
      await app.close();
      await close();
    });
    const page = await app.inject({ method: 'GET', url: '/refuse' });
    assert.equal(page.statusCode, 422);
    assert.match(page.body, /bad_thing/);
    assert.ok(page.body.includes(String(page.headers['x-correlation-id'])));
    const json = await app.inject({ method: 'GET', url: '/refuse', headers: { accept: 'application/json' } });
    assert.deepEqual(Object.keys(json.json().error).sort(), ['code', 'correlationId', 'field', 'message']);
    const crash = await app.inject({ method: 'GET', url: '/crash' });
    assert.equal(crash.statusCode, 500);
    assert.doesNotMatch(crash.body, /secret internals|at .*\.ts/);
  });

  test('escapes reflected values and sends a strict CSP', async (t) => {
    const { app, close } = await makeApp(':memory:');
    t.after(async () => {
      await app.close();
      await close();
    });
    const page = await app.inject({
      method: 'GET',
      url: `/echo?q=${encodeURIComponent('<script>alert(1)</script>')}`,
    });
    assert.doesNotMatch(page.body, /<script>/);
    assert.match(page.body, /&#60;script&#62;/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /form-action 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    const toIdp = await app.inject({ method: 'GET', url: '/to-idp' });
    assert.match(
      String(toIdp.headers['content-security-policy']),
      /form-action 'self' https:\/\/idp\.example(;|$)/,
    );
    const missing = await app.inject({ method: 'GET', url: '/nowhere' });
    assert.equal(missing.statusCode, 404);
  });
});

describe('kit server route table', () => {
  test('lists every route with how it is authorized, including the CSRF opt-outs', async (t) => {
    const { app, close } = await makeApp(':memory:');
    t.after(async () => {
      await app.close();
      await close();
    });
    const posts = routeAuthTable(app).filter((r) => r.method === 'POST');
    assert.deepEqual(posts.map((r) => `${r.url} ${r.auth} ${r.csrf ? 'csrf' : 'no-csrf'}`).sort(), [
      '/acs session no-csrf',
      '/api/things bearer no-csrf',
      '/api/whoami bearer no-csrf',
      '/form session csrf',
      '/sign-in session no-csrf',
    ]);
    assert.ok(routeAuthTable(app).some((r) => r.method === 'GET' && r.url === '/healthz'));
  });
});

describe('kit server health and metrics', () => {
  test('answers /healthz, /readyz from the ready check, and /metrics in Prometheus format', async (t) => {
    const database = connectDatabase<unknown>(':memory:');
    await migrateToLatest(database.db, { '0000-sessions': sessionsMigration });
    let ready = true;
    const app = await createServer({
      brand: { key: 'ws', name: 'Test', home: '/' },
      logger: createLogger('test', 'silent'),
      db: database.db,
      session: { cookieName: 'federa_test_session', maxAgeSeconds: 60, sameSite: 'lax', secure: false },
      ready: async () => ready,
    });
    t.after(async () => {
      await app.close();
      await database.close();
    });
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    ready = false;
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 503);
    app.metrics.signIns.inc({ result: 'failure', code: 'AUDIENCE_MISMATCH' });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    assert.match(
      metrics.body,
      /federa_sign_ins_total\{result="failure",code="AUDIENCE_MISMATCH",service="ws"\} 1/,
    );
    assert.match(metrics.body, /federa_http_request_duration_seconds_bucket\{.*route="\/readyz"/);
  });
});
