import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { signedUp, startApp } from './support/app.ts';
import { TestIdp } from './support/idp.ts';
import { enableScim, entraUser, scimClient, scimOrganization } from './support/scim.ts';
import { ssoOrganization } from './support/sso.ts';

// Every SCIM request is authorized by its organization's token and by nothing else.

const ALICE = { objectId: '11111111-1111-4111-8111-111111111111', email: 'alice@contoso.com' };

for (const dialect of DIALECTS) {
  describe(`SCIM tokens on ${dialect}`, () => {
    test("a token works at its own organization only: acme's token is a 401 at contoso, and the reverse", async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const acme = await scimOrganization(t, 'acme', await TestIdp.create('contoso'));
      const other = await scimOrganization(t, 'globex', await TestIdp.create('fabrikam'));
      assert.equal((await acme.scim.get('/Users')).status, 200);
      assert.equal((await other.scim.get('/Users')).status, 200);

      for (const [slug, token] of [
        ['globex', acme.token],
        ['acme', other.token],
      ] as const) {
        const crossed = scimClient(t, slug, token);
        const list = await crossed.get('/Users');
        assert.equal(list.status, 401);
        assert.deepEqual(list.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
        assert.equal(list.headers['www-authenticate'], 'Bearer realm="SCIM"');
        assert.equal((await crossed.post('/Users', entraUser(ALICE))).status, 401);
      }
      const globexUser = (await other.scim.post('/Users', entraUser(ALICE))).body.id;
      // Even with the id of one of globex's users, acme's token reads and changes nothing there.
      assert.equal((await scimClient(t, 'globex', acme.token).get(`/Users/${globexUser}`)).status, 401);
      assert.equal((await acme.scim.get(`/Users/${globexUser}`)).status, 404);
      assert.equal((await acme.scim.delete(`/Users/${globexUser}`)).status, 404);
      assert.equal((await other.scim.get(`/Users/${globexUser}`)).status, 200);
    });

    test('no token, a wrong one, another scheme, an unknown organization: 401 with the same answer', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { token } = await scimOrganization(t, 'acme', await TestIdp.create());
      const answers = [
        await scimClient(t, 'acme', null).get('/Users'),
        await scimClient(t, 'acme', `${token}x`).get('/Users'),
        await scimClient(t, 'acme', token.slice(0, -1)).get('/Users'),
        await scimClient(t, 'nope', token).get('/Users'),
        await scimClient(t, 'acme', null).get('/Users', { authorization: `Basic ${token}` }),
      ];
      for (const answer of answers) {
        assert.equal(answer.status, 401);
        assert.equal(answer.body.detail, answers[0]!.body.detail);
      }
      assert.equal((await scimClient(t, 'acme', token).get('/ServiceProviderConfig')).status, 200);
    });

    test("the owner's browser session is no SCIM credential (bearer routes read no session and need no CSRF token)", async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { owner } = await scimOrganization(t, 'acme', await TestIdp.create());
      const cookie = [...owner.cookies].map(([name, v]) => `${name}=${v.value}`).join('; ');
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/0/organizations/acme/scim/v2/Users',
        headers: { cookie, 'content-type': 'application/scim+json' },
        payload: JSON.stringify(entraUser(ALICE)),
      });
      assert.equal(response.statusCode, 401);
    });

    test('Regenerate revokes the old token at once; Disable revokes it; SCIM needs SSO; each is in the audit log', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { owner, token } = await scimOrganization(t, 'acme', await TestIdp.create());
      const auth = (await owner.get('/settings/acme/auth/')).body;
      assert.match(auth, /http:\/\/localhost:5000\/api\/0\/organizations\/acme\/scim\/v2\//);
      assert.doesNotMatch(auth, new RegExp(token), 'the token is shown once, not on the settings page');
      const stored = await t.ctx.db.selectFrom('scim_tokens').selectAll().executeTakeFirstOrThrow();
      assert.notEqual(stored.token_hash, token, 'only a hash is kept');
      assert.doesNotMatch(JSON.stringify(stored), new RegExp(token));

      const second = await enableScim(owner, 'acme');
      assert.notEqual(second, token);
      assert.equal((await scimClient(t, 'acme', token).get('/Users')).status, 401);
      assert.equal((await scimClient(t, 'acme', second).get('/Users')).status, 200);

      await owner.get('/settings/acme/auth/');
      assert.equal((await owner.post('/settings/acme/auth/scim/disable/')).statusCode, 303);
      assert.equal((await scimClient(t, 'acme', second).get('/Users')).status, 401);
      const audit = (await owner.get('/settings/acme/audit-log/')).body;
      for (const action of ['scim.enabled', 'scim.token-regenerated', 'scim.disabled']) {
        assert.match(audit, new RegExp(`data-action="${action.replace('.', '\\.')}"`));
      }

      // Without SAML SSO there is no Enable SCIM, and a post makes no token.
      const bare = await startApp(dialect);
      c.after(() => bare.close());
      const lone = await ssoOrganization(bare, 'solo', await TestIdp.create(), { activate: false });
      await lone.post('/settings/solo/auth/disable/');
      assert.doesNotMatch((await lone.get('/settings/solo/auth/')).body, /Enable SCIM/);
      assert.equal((await lone.post('/settings/solo/auth/scim/enable/')).statusCode, 303);
      assert.equal((await bare.ctx.db.selectFrom('scim_tokens').selectAll().execute()).length, 0);
    });

    test('disabling SSO deletes the SCIM token with the provider', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { owner, token } = await scimOrganization(t, 'acme', await TestIdp.create());
      await owner.get('/settings/acme/auth/');
      await owner.post('/settings/acme/auth/disable/');
      assert.equal((await scimClient(t, 'acme', token).get('/Users')).status, 401);
      assert.equal((await t.ctx.db.selectFrom('scim_tokens').selectAll().execute()).length, 0);
    });

    test('only owners and managers enable SCIM: a member gets 403 and no token is made', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const owner = await ssoOrganization(t, 'acme', await TestIdp.create());
      await owner.get('/settings/acme/members/');
      await owner.post('/settings/acme/members/invite/', { email: 'bob@example.test', role: 'admin' });
      const link = /value="http:\/\/localhost:5000(\/accept-invite\/[^"]+)"/.exec(
        (await owner.get('/settings/acme/members/')).body,
      )?.[1];
      assert.ok(link);
      const bob = await signedUp(t, 'bob@example.test', 'Bob');
      await bob.get(link);
      await bob.post(link);
      assert.equal((await bob.get('/organizations/acme/')).statusCode, 200, 'Bob is a member (admin)');
      const refused = await bob.post('/settings/acme/auth/scim/enable/');
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /data-error-code="forbidden"/);
      assert.equal((await bob.post('/settings/acme/auth/scim/disable/')).statusCode, 403);
      assert.equal((await t.ctx.db.selectFrom('scim_tokens').selectAll().execute()).length, 0);
    });
  });
}
