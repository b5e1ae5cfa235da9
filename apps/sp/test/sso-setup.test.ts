import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { startApp } from './support/app.ts';
import { location } from './support/browser.ts';
import { BSIMON, TestIdp } from './support/idp.ts';
import { failureCode, finishSetup, providerOf, ssoOrganization } from './support/sso.ts';

for (const dialect of DIALECTS) {
  describe(`SSO setup on ${dialect}`, () => {
    test('a configured provider stays pending, signs nobody in, until the admin completes one SSO sign-in', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp, { activate: false });
      assert.equal((await providerOf(t, 'acme'))?.status, 'pending');

      // Nobody is sent to the IdP yet: the login page offers the password only, and starting SSO is refused.
      const visitor = t.browser();
      const loginPage = await visitor.get('/auth/login/acme/');
      assert.doesNotMatch(loginPage.body, /Continue with Active Directory/);
      assert.equal((await visitor.post('/auth/login/acme/')).statusCode, 409);
      // An IdP-initiated response is refused while setup is pending.
      const unsolicited = await idp.respond({
        slug: 'acme',
        inResponseTo: null,
        user: BSIMON,
        clock: t.clock,
      });
      const refused = await visitor.crossSitePost('/saml/acs/acme/', unsolicited);
      assert.equal(refused.statusCode, 400);
      assert.equal(failureCode(refused), 'SETUP_NOT_FINISHED');

      const done = await finishSetup(owner, t, idp, 'acme');
      assert.equal(done.statusCode, 303);
      assert.equal(location(done), '/settings/acme/auth/');
      assert.equal((await providerOf(t, 'acme'))?.status, 'active');
      const settings = await owner.get('/settings/acme/auth/');
      assert.match(settings.body, /Single sign-on works and is now active/);
      assert.match(settings.body, /badge ok">Active/);
      // The owner's account is now linked to the identity they signed in with.
      const home = await owner.get('/organizations/acme/');
      assert.match(home.body, /owner@acme\.test<\/td><td>Owner<\/td><td><span class="badge ok">Linked/);
      const audit = await owner.get('/settings/acme/audit-log/');
      assert.match(audit.body, /data-action="sso.enabled"/);
      assert.match(audit.body, /data-action="identity.linked"/);
      assert.match((await visitor.get('/auth/login/acme/')).body, /Continue with Active Directory/);
    });

    test('the SP metadata names the organization entity ID and ACS; disabling SSO forgets its identities', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      const metadata = await t.browser().get('/saml/metadata/acme/');
      assert.equal(metadata.statusCode, 200);
      assert.match(String(metadata.headers['content-type']), /application\/samlmetadata\+xml/);
      assert.match(metadata.body, /entityID="http:\/\/localhost:5000\/saml\/metadata\/acme\/"/);
      assert.match(metadata.body, /Location="http:\/\/localhost:5000\/saml\/acs\/acme\/"/);
      assert.equal((await t.browser().get('/saml/metadata/nope/')).statusCode, 404);

      await owner.get('/settings/acme/auth/');
      assert.equal((await owner.post('/settings/acme/auth/disable/')).statusCode, 303);
      assert.equal(await providerOf(t, 'acme'), null);
      const identities = await t.ctx.db.selectFrom('identities').selectAll().execute();
      assert.equal(identities.length, 0);
      assert.match((await owner.get('/settings/acme/audit-log/')).body, /data-action="sso.disabled"/);
      // Sessions already signed in run to their end: the owner is still here.
      assert.equal((await owner.get('/api/0/users/me/')).statusCode, 200);
      const bsimon = t.browser();
      await bsimon.get('/auth/login/acme/');
      const after = await bsimon.post('/auth/login/acme/', {});
      assert.equal(after.statusCode, 409, 'SSO cannot be started once disabled');
      assert.equal(after.headers.location, undefined, 'no AuthnRequest is sent');
    });
  });
}
