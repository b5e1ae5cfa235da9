import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { findOrganizationBySlug } from '../src/organizations/organizations.repository.ts';
import { startApp, type TestApp } from './support/app.ts';
import { type Browser, location } from './support/browser.ts';
import { authnRequestFrom, BSIMON, TestIdp } from './support/idp.ts';
import { providerOf, ssoOrganization } from './support/sso.ts';

// Issue 12, "also seen": "Test and finish setup" linked the admin's account to whatever identity the
// IdP returned (an IdP session left over from testing as B.Simon made B.Simon the owner). Another email
// address than the admin's is now asked about, naming both, and nothing is linked without a yes.

/** The owner's "Test and finish setup", answered by the IdP as B.Simon. */
async function setupAnsweredAsBSimon(owner: Browser, t: TestApp, idp: TestIdp) {
  await owner.get('/settings/acme/auth/');
  const started = await owner.post('/settings/acme/auth/test/');
  const request = authnRequestFrom(location(started), t.clock);
  const { SAMLResponse } = await idp.respond({
    slug: 'acme',
    inResponseTo: request.id,
    user: BSIMON,
    clock: t.clock,
  });
  return owner.crossSitePost('/saml/acs/acme/', { SAMLResponse, RelayState: request.relayState ?? '' });
}

async function identities(t: TestApp) {
  const rows = await t.ctx.db.selectFrom('identities').select(['user_id', 'email']).execute();
  return rows.map((r) => ({ user_id: r.user_id, email: r.email }));
}

for (const dialect of DIALECTS) {
  describe(`Setup sign-in as someone else on ${dialect}`, () => {
    test('asks, naming both addresses, and links and turns SSO on only when the owner says it is them', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp, { activate: false });
      const answered = await setupAnsweredAsBSimon(owner, t, idp);
      assert.equal(answered.statusCode, 303, answered.body.slice(0, 1000));
      assert.equal(location(answered), '/settings/acme/auth/setup-identity/');
      assert.deepEqual(await identities(t), [], 'nothing linked yet');
      assert.equal((await providerOf(t, 'acme'))!.status, 'pending');

      const page = await owner.get('/settings/acme/auth/setup-identity/');
      assert.equal(page.statusCode, 200);
      assert.match(
        page.body,
        /signed in <strong>B Simon \(b\.simon@contoso\.com\)<\/strong>, but you are <strong>owner@acme\.test<\/strong>/,
      );

      const confirmed = await owner.post('/settings/acme/auth/setup-identity/confirm/');
      assert.equal(confirmed.statusCode, 303);
      assert.equal(location(confirmed), '/settings/acme/auth/');
      assert.match((await owner.get('/settings/acme/auth/')).body, /Single sign-on works and is now active/);
      assert.equal((await providerOf(t, 'acme'))!.status, 'active');
      const ownerId = (
        await t.ctx.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', 'owner@acme.test')
          .executeTakeFirstOrThrow()
      ).id;
      assert.deepEqual(await identities(t), [{ user_id: ownerId, email: BSIMON.email }]);
      // Spent: a second yes (or a replayed form) links nothing more.
      assert.equal((await owner.post('/settings/acme/auth/setup-identity/confirm/')).statusCode, 404);
    });

    test('“It is not me” links nothing and leaves SSO off', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp, { activate: false });
      await setupAnsweredAsBSimon(owner, t, idp);
      await owner.get('/settings/acme/auth/setup-identity/');
      const declined = await owner.post('/settings/acme/auth/setup-identity/decline/');
      assert.equal(declined.statusCode, 303);
      assert.match((await owner.get('/settings/acme/auth/')).body, /Nothing was linked/);
      assert.deepEqual(await identities(t), []);
      assert.equal((await providerOf(t, 'acme'))!.status, 'pending');
      assert.equal((await owner.post('/settings/acme/auth/setup-identity/confirm/')).statusCode, 404);
      assert.ok(await findOrganizationBySlug(t.ctx.db, 'acme'));
    });
  });
}
