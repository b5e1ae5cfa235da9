import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { routeAuthTable } from '@federa/kit';
import { DIALECTS } from '../../../test/support/databases.ts';
import { findOrganizationBySlug } from '../src/organizations/organizations.repository.ts';
import { createdOrganization, signedUp, startApp } from './support/app.ts';

// Issue 10: the kit skipped its CSRF check whenever an `Authorization: Bearer` header came, and the
// organization's auth settings were saved on the strength of the session cookie alone. The Workspace's
// only bearer-authenticated routes are its SCIM server's (issue 14), authorized by the organization's
// SCIM token and never by the session; every other route, `/api/0/…` included, is authorized by the
// session.

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

for (const dialect of DIALECTS) {
  describe(`route authorization of Federa Workspace on ${dialect}`, () => {
    test('every state-changing route refuses a request without the CSRF token, even with a bearer header', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const owner = await signedUp(t, 'owner@acme.test');
      await createdOrganization(owner, 'acme');
      const cookie = [...owner.cookies].map(([name, c]) => `${name}=${c.value}`).join('; ');
      const table = routeAuthTable(t.app);
      const bearer = table.filter((r) => r.auth === 'bearer');
      assert.ok(bearer.length > 0);
      assert.deepEqual(
        bearer.filter((r) => !r.url.startsWith('/api/0/organizations/:org/scim/v2/')),
        [],
        'the Workspace reads its session cookie on every route but the SCIM server',
      );
      // The SCIM routes: the owner's cookie with a bogus token is refused, whatever the method.
      for (const route of bearer) {
        const response = await t.app.inject({
          method: route.method as 'POST',
          url: route.url.replace(':org', 'acme').replace(/:[A-Za-z]+/g, 'x'),
          headers: { cookie, authorization: 'Bearer bogus', 'content-type': 'application/scim+json' },
          ...(STATE_CHANGING.has(route.method)
            ? { payload: '{"userName":"forged@acme.test","displayName":"Forged"}' }
            : {}),
        });
        assert.equal(response.statusCode, 401, `${route.method} ${route.url}`);
      }
      const optedOut: string[] = [];
      let checked = 0;
      for (const route of table.filter((r) => STATE_CHANGING.has(r.method) && r.auth === 'session')) {
        if (!route.csrf) {
          optedOut.push(`${route.method} ${route.url}`);
          continue;
        }
        const response = await t.app.inject({
          method: route.method as 'POST',
          url: route.url.replace(':org', 'acme').replace(/:[A-Za-z]+/g, 'x'),
          headers: {
            cookie,
            authorization: 'Bearer bogus',
            'content-type': 'application/x-www-form-urlencoded',
          },
          payload: 'requireSso=on&defaultRole=owner&name=Forged&slug=forged',
        });
        assert.equal(response.statusCode, 403, `${route.method} ${route.url}`);
        assert.match(response.body, /csrf_failed/, `${route.method} ${route.url}`);
        checked++;
      }
      assert.ok(checked > 20, `only ${checked} routes checked`);
      // The SAML endpoints receiving the IdP's cross-site POST; InResponseTo, the browser binding and
      // the replay cache protect them instead.
      assert.deepEqual(optedOut.sort(), ['POST /saml/acs/:org/', 'POST /saml/sls/:org/']);
      assert.equal(await findOrganizationBySlug(t.ctx.db, 'forged'), null, 'nothing was created');
    });
  });
}
