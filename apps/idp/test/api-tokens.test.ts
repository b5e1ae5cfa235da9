import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { listAudit } from '../src/audit/audit.repository.ts';
import { createTenant } from '../src/tenants/tenants.service.ts';
import { createUser } from '../src/users/users.service.ts';
import { apiClient, tokenFor } from './support/api.ts';
import { Browser, inputValue } from './support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR, type TestIdp } from './support/harness.ts';
import { ADMIN_PASSWORD, seedContoso } from './support/seed.ts';

async function adminBrowser(idp: TestIdp): Promise<Browser> {
  const browser = new Browser(idp.app);
  const signedIn = await browser.signIn(
    'admin@contoso.com',
    ADMIN_PASSWORD,
    await browser.follow(await browser.get('/portal/api-tokens')),
  );
  assert.equal(signedIn.headers.location, '/portal/api-tokens');
  return browser;
}

for (const dialect of DIALECTS) {
  describe(`admin API tokens on ${dialect}`, () => {
    test('a token made in the portal is shown once, kept only as its SHA-256, works, and stops working when revoked', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = await adminBrowser(idp);
      const page = await browser.get('/portal/api-tokens');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<a href="\/portal\/api-tokens" aria-current="page">API tokens<\/a>/);

      const created = await browser.post('/portal/api-tokens', { name: 'deploy script', lifetimeDays: '30' });
      assert.equal(created.statusCode, 201);
      assert.equal(created.headers['cache-control'], 'no-store');
      const token =
        inputValue(created.body, 'api-token') ?? /id="api-token"[^>]*value="([^"]+)"/.exec(created.body)?.[1];
      assert.match(String(token), /^fdt_[A-Za-z0-9_-]{43}$/);

      const list = await browser.get('/portal/api-tokens');
      assert.match(list.body, /deploy script/);
      assert.ok(!list.body.includes(String(token)), 'the list never shows the token again');

      const rows = await idp.deps.db.selectFrom('api_tokens').selectAll().execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.token_hash, createHash('sha256').update(String(token)).digest('hex'));
      assert.ok(!JSON.stringify(rows).includes(String(token)), 'no column holds the token');
      assert.equal(rows[0]!.created_by_id, contoso.admin.id);

      const api = apiClient(idp.app, String(token));
      const me = await api.get('/organization');
      assert.equal(me.status, 200);
      assert.equal(me.body.id, contoso.tenant.id);
      assert.equal(me.headers['cache-control'], 'no-store');
      const used = await idp.deps.db
        .selectFrom('api_tokens')
        .select('last_used_at')
        .executeTakeFirstOrThrow();
      assert.ok(used.last_used_at, 'last use is recorded');
      assert.match((await browser.get('/portal/api-tokens')).body, /Active/);

      const revoked = await browser.post(`/portal/api-tokens/${rows[0]!.id}/revoke`, {});
      assert.equal(revoked.statusCode, 303);
      const refused = await api.get('/organization');
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error.code, 'invalid_token');
      assert.match(String(refused.headers['www-authenticate']), /^Bearer .*error="invalid_token"/);
      assert.match((await browser.get('/portal/api-tokens')).body, /Revoked/);

      const activities = (await listAudit(idp.deps.db, contoso.tenant.id)).map((e) => e.activity);
      assert.ok(activities.includes('Add API token'));
      assert.ok(activities.includes('Revoke API token'));
    });

    test('the portal refuses a token without a name, beside the field, and makes none', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      await seedContoso(idp.deps);
      const browser = await adminBrowser(idp);
      const refused = await browser.post('/portal/api-tokens', { name: '  ', lifetimeDays: '30' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /id="f-name-error"/);
      const badLifetime = await browser.post('/portal/api-tokens', { name: 'x', lifetimeDays: '9999' });
      assert.equal(badLifetime.statusCode, 400);
      assert.match(badLifetime.body, /id="f-lifetimeDays-error"/);
      assert.equal((await idp.deps.db.selectFrom('api_tokens').selectAll().execute()).length, 0);
      const noCsrf = await browser.post('/portal/api-tokens', {
        name: 'x',
        lifetimeDays: '30',
        _csrf: 'forged',
      });
      assert.equal(noCsrf.statusCode, 403);
    });

    test('without a token, with a malformed, unknown or expired one, or another scheme: 401 with a stable code', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const token = await tokenFor(idp.deps, contoso.admin, 'short', 7);

      const none = await apiClient(idp.app, null).get('/users');
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'unauthenticated');
      assert.ok(none.body.error.correlationId);
      assert.match(String(none.headers['www-authenticate']), /^Bearer realm=/);
      const post = await apiClient(idp.app, null).post('/users', {
        userPrincipalName: 'x@contoso.com',
        displayName: 'x',
      });
      assert.equal(post.status, 401, 'a POST without a token is refused before anything else');

      for (const bad of ['nonsense', `fdt_${'A'.repeat(43)}`, `${token}x`]) {
        const refused = await apiClient(idp.app, bad).get('/users');
        assert.equal(refused.status, 401, bad);
        assert.equal(refused.body.error.code, 'invalid_token');
      }
      const basic = await idp.app.inject({
        url: '/api/v1/users',
        headers: { authorization: `Basic ${token}` },
      });
      assert.equal(basic.statusCode, 401);
      assert.equal(JSON.parse(basic.body).error.code, 'invalid_token');

      assert.equal((await apiClient(idp.app, token).get('/users')).status, 200);
      idp.clock.advance(7 * 86400 + 1);
      const expired = await apiClient(idp.app, token).get('/users');
      assert.equal(expired.status, 401);
      assert.equal(expired.body.error.code, 'invalid_token');
    });

    test('a token stops working when the administrator who made it is blocked or no longer an administrator', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const { user: second } = await createUser(idp.deps, TEST_ACTOR, contoso.tenant.id, {
        userPrincipalName: 'second@contoso.com',
        displayName: 'Second Admin',
        isAdmin: true,
      });
      const api = apiClient(idp.app, await tokenFor(idp.deps, second, 'second'));
      const admin = apiClient(idp.app, await tokenFor(idp.deps, contoso.admin, 'first'));
      assert.equal((await api.get('/organization')).status, 200);
      assert.equal((await admin.post(`/users/${second.id}/block`)).status, 200);
      assert.equal((await api.get('/organization')).body.error.code, 'invalid_token');
      assert.equal((await admin.post(`/users/${second.id}/unblock`)).status, 200);
      assert.equal((await api.get('/organization')).status, 200);
      assert.equal((await admin.patch(`/users/${second.id}`, { isAdmin: false })).status, 200);
      assert.equal((await api.get('/organization')).status, 401);
    });

    test('a token sees only its own tenant: another tenant’s users, groups and applications are not found, nor assignable', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const fabrikam = await createTenant(idp.deps, TEST_ACTOR, { name: 'Fabrikam', domain: 'fabrikam.com' });
      const { user: fabAdmin } = await createUser(idp.deps, TEST_ACTOR, fabrikam.id, {
        userPrincipalName: 'admin@fabrikam.com',
        displayName: 'Fabrikam Admin',
        isAdmin: true,
      });
      const fab = apiClient(idp.app, await tokenFor(idp.deps, fabAdmin));
      const con = apiClient(idp.app, await tokenFor(idp.deps, contoso.admin));

      assert.equal((await fab.get('/organization')).body.id, fabrikam.id);
      const fabUsers = (await fab.get('/users')).body.value.map(
        (u: { userPrincipalName: string }) => u.userPrincipalName,
      );
      assert.deepEqual(fabUsers, ['admin@fabrikam.com']);
      assert.equal((await fab.get(`/users/${contoso.simon.id}`)).status, 404);
      assert.equal((await fab.get('/users/B.Simon@contoso.com')).status, 404);
      assert.equal((await fab.post(`/users/${contoso.simon.id}/block`)).status, 404);
      assert.equal((await fab.post(`/users/${contoso.simon.id}/resetPassword`)).status, 404);
      assert.equal((await fab.delete(`/users/${contoso.simon.id}`)).status, 404);
      assert.deepEqual((await fab.get('/applications')).body.value, []);
      for (const ref of [contoso.app.id, contoso.app.appId]) {
        assert.equal((await fab.get(`/applications/${ref}`)).status, 404);
        assert.equal((await fab.get(`/applications/${ref}/federation-metadata-url`)).status, 404);
        assert.equal((await fab.get(`/applications/${ref}/certificates`)).status, 404);
        assert.equal((await fab.get(`/applications/${ref}/assignments`)).status, 404);
        assert.equal((await fab.patch(`/applications/${ref}`, { displayName: 'stolen' })).status, 404);
        assert.equal((await fab.patch(`/applications/${ref}/saml`, { relayState: 'x' })).status, 404);
      }
      const group = (await con.post('/groups', { displayName: 'Sentry users' })).body;
      assert.equal((await fab.get(`/groups/${group.id}`)).status, 404);
      assert.equal((await fab.get('/groups/Sentry users')).status, 404);
      assert.equal((await fab.post(`/groups/${group.id}/members`, { user: fabAdmin.id })).status, 404);

      // Fabrikam's own application cannot get Contoso's user assigned.
      const fabApp = (await fab.post('/applications', { template: 'custom', displayName: 'Fab app' })).body;
      const cross = await fab.post(`/applications/${fabApp.id}/assignments`, {
        principalType: 'user',
        principal: contoso.simon.id,
      });
      assert.equal(cross.status, 400);
      assert.equal(cross.body.error.field, 'principal');
      const crossMember = await con.post(`/groups/${group.id}/members`, { user: fabAdmin.id });
      assert.equal(crossMember.status, 400);
      assert.equal(crossMember.body.error.field, 'user');
      assert.equal((await con.get(`/applications/${fabApp.id}`)).status, 404);
    });
  });
}
