import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { startApp } from './support/app.ts';
import { TestIdp } from './support/idp.ts';
import { failureCode, ssoOrganization } from './support/sso.ts';

for (const dialect of DIALECTS) {
  describe(`ACS failure page on ${dialect}`, () => {
    test('a failed sign-in leaves the browser signed in: the failure page sets no session cookie over the one the cross-site POST could not carry', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      // The owner is signed in with a password and has not finished the setup yet.
      const owner = await ssoOrganization(t, 'acme', idp, { activate: false });
      const before = owner.cookies.get('federa_ws_session')?.value;
      assert.ok(before);

      const failed = await owner.crossSitePost('/saml/acs/acme/', { SAMLResponse: 'bm90IFNBTUw=' });
      assert.equal(failed.statusCode, 400);
      assert.equal(failureCode(failed), 'XML_MALFORMED');
      assert.equal(failed.headers['set-cookie'], undefined);

      assert.equal(owner.cookies.get('federa_ws_session')?.value, before);
      const settings = await owner.get('/settings/acme/auth/');
      assert.equal(settings.statusCode, 200, 'still signed in: the settings page, not the login page');
    });
  });
}
