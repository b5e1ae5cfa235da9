import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { routeAuthTable } from '@federa/kit';
import type { FastifyInstance } from 'fastify';
import { tokenFor } from './support/api.ts';
import { Browser } from './support/browser.ts';
import { DIALECTS, startIdp } from './support/harness.ts';
import { ADMIN_PASSWORD, seedContoso } from './support/seed.ts';

// Issue 10: the kit skipped its CSRF check whenever an `Authorization: Bearer` header came, while the
// route behind it still acted on the session cookie. Now a route is authorized by a bearer token or by
// the session, as it declares, never by a cookie with the check skipped because of a header.

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A concrete URL for a route pattern (the checks under test run before any handler looks it up). */
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, 'x');

function cookieHeader(browser: Browser): string {
  return [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

async function signedInAdmin(app: FastifyInstance): Promise<Browser> {
  const browser = new Browser(app);
  const signedIn = await browser.signIn(
    'admin@contoso.com',
    ADMIN_PASSWORD,
    await browser.follow(await browser.get('/portal')),
  );
  assert.equal(signedIn.headers.location, '/portal');
  assert.equal((await browser.get('/portal/users')).statusCode, 200, 'the cookies work in the portal');
  return browser;
}

for (const dialect of DIALECTS) {
  describe(`route authorization of Federa Directory on ${dialect}`, () => {
    test('every state-changing route of the session refuses a request without the CSRF token, even with a bearer token, bogus or valid', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = await signedInAdmin(idp.app);
      const token = await tokenFor(idp.deps, contoso.admin);
      const routes = routeAuthTable(idp.app).filter((r) => STATE_CHANGING.has(r.method));
      const optedOut: string[] = [];
      let checked = 0;
      for (const route of routes) {
        if (route.auth === 'bearer') continue;
        if (!route.csrf) {
          optedOut.push(`${route.method} ${route.url}`);
          continue;
        }
        for (const authorization of ['Bearer bogus', `Bearer ${token}`]) {
          const response = await idp.app.inject({
            method: route.method as 'POST',
            url: concrete(route.url),
            headers: {
              cookie: cookieHeader(browser),
              authorization,
              'content-type': 'application/x-www-form-urlencoded',
            },
            payload: 'displayName=Forged&userPrincipalName=forged%40contoso.com&password=Forged-Pa55word!',
          });
          assert.equal(response.statusCode, 403, `${route.method} ${route.url}`);
          assert.match(response.body, /csrf_failed/, `${route.method} ${route.url}`);
        }
        checked++;
      }
      assert.ok(checked > 40, `only ${checked} routes checked`);
      // The one route without the token: the SAML endpoint receiving an SP's cross-site POST, whose
      // protection is the SAML message itself.
      assert.deepEqual(optedOut, ['POST /:tenant/saml2']);
      const users = await idp.deps.db.selectFrom('users').select('user_principal_name').execute();
      assert.equal(users.length, 3, 'no user was created');
    });

    test('the admin API is bearer-authenticated, all of it and nothing else', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const table = routeAuthTable(idp.app);
      const api = table.filter((r) => r.url.startsWith('/api/'));
      assert.ok(api.length > 30);
      assert.deepEqual(
        api.filter((r) => r.auth !== 'bearer'),
        [],
        'every /api/v1 operation declares auth: bearer',
      );
      assert.deepEqual(
        table.filter((r) => r.auth === 'bearer' && !r.url.startsWith('/api/v1/')),
        [],
        'no page is bearer-authenticated',
      );
    });

    test('the admin API ignores the portal’s cookies: without a valid bearer token every operation is 401', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      await seedContoso(idp.deps);
      const browser = await signedInAdmin(idp.app);
      const operations = routeAuthTable(idp.app).filter(
        (r) => r.auth === 'bearer' && r.method !== 'HEAD' && !r.url.endsWith('/openapi.json'),
      );
      assert.ok(operations.length > 30, `the admin API's operations are all here (${operations.length})`);
      for (const route of operations) {
        for (const authorization of [undefined, 'Bearer bogus', `Bearer fdt_${'A'.repeat(43)}`]) {
          const response = await idp.app.inject({
            method: route.method as 'GET',
            url: concrete(route.url),
            headers: {
              cookie: cookieHeader(browser),
              ...(authorization ? { authorization } : {}),
              ...(route.method === 'GET' || route.method === 'DELETE'
                ? {}
                : { 'content-type': 'application/json' }),
            },
            ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: '{}' }),
          });
          assert.equal(response.statusCode, 401, `${route.method} ${route.url} (${authorization})`);
          assert.equal(response.headers['set-cookie'], undefined, 'the session was not touched');
        }
      }
    });
  });
}
