// Session control from the Workspace's side (issue 13): an SSO session lasts 20 hours unless the owner
// chooses otherwise (Sentry's re-validation period), the owner can ask the IdP to authenticate again at
// every sign-in (ForceAuthn), and the members list shows each member's last SSO sign-in with the
// methods the IdP said were used (authnmethodsreferences: password, MFA).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { startApp } from './support/app.ts';
import { location } from './support/browser.ts';
import { BSIMON, TestIdp } from './support/idp.ts';
import { providerOf, setOptions, ssoOrganization, startLogin } from './support/sso.ts';

const PASSWORD_METHOD = 'http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password';
const MFA_METHOD = 'http://schemas.microsoft.com/claims/multipleauthn';

for (const dialect of DIALECTS) {
  describe(`session control on ${dialect}`, () => {
    test('a new provider keeps SSO sessions 20 hours; ForceAuthn is asked for only when the owner turns it on', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      assert.equal((await providerOf(t, 'acme'))!.sessionHours, 20);
      assert.match(
        (await owner.get('/settings/acme/auth/')).body,
        /<option value="20" selected>20 hours<\/option>/,
      );

      assert.equal((await startLogin(t.browser(), t, 'acme')).forceAuthn, false);
      await setOptions(owner, 'acme', { forceAuthn: true, sessionHours: 20 });
      assert.equal((await providerOf(t, 'acme'))!.forceAuthn, true);
      assert.equal((await startLogin(t.browser(), t, 'acme')).forceAuthn, true);
      await setOptions(owner, 'acme', { sessionHours: 20 });
      assert.equal((await startLogin(t.browser(), t, 'acme')).forceAuthn, false);
    });

    test('past the session length the member is signed out of the organization and sent to sign in again', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      await ssoOrganization(t, 'acme', idp);
      const bsimon = t.browser();
      const request = await startLogin(bsimon, t, 'acme');
      const { SAMLResponse } = await idp.respond({ slug: 'acme', inResponseTo: request.id, clock: t.clock });
      await bsimon.crossSitePost('/saml/acs/acme/', { SAMLResponse, RelayState: request.relayState ?? '' });
      assert.equal((await bsimon.get('/organizations/acme/')).statusCode, 200);
      t.clock.advance(20 * 3600 - 60);
      assert.equal((await bsimon.get('/organizations/acme/')).statusCode, 200, 'still within 20 hours');
      t.clock.advance(61);
      const after = await bsimon.get('/organizations/acme/');
      assert.equal(after.statusCode, 303);
      assert.match(location(after), /^\/auth\/login\/acme\//);
    });

    test('the members list shows each member’s last SSO sign-in and how the IdP authenticated them', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      const bsimon = t.browser();
      const request = await startLogin(bsimon, t, 'acme');
      const { SAMLResponse } = await idp.respond({
        slug: 'acme',
        inResponseTo: request.id,
        clock: t.clock,
        authnMethods: [PASSWORD_METHOD, MFA_METHOD],
      });
      const signedIn = await bsimon.crossSitePost('/saml/acs/acme/', {
        SAMLResponse,
        RelayState: request.relayState ?? '',
      });
      assert.equal(signedIn.statusCode, 303);
      const members = (await owner.get('/settings/acme/members/')).body;
      assert.match(members, /Last SSO sign-in/);
      const row = new RegExp(`<tr><td>[^<]*</td><td>${BSIMON.email}</td><td>(.*?)</td>`).exec(members)?.[1];
      assert.ok(row, members.slice(0, 3000));
      assert.match(row, /<time datetime="[^"]+">/);
      assert.match(row, /Password, MFA/);
      const session = await t.ctx.db
        .selectFrom('sso_sessions')
        .innerJoin('users', 'users.id', 'sso_sessions.user_id')
        .select(['sso_sessions.authn_instant', 'sso_sessions.authn_methods'])
        .where('users.email', '=', BSIMON.email)
        .executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(session.authn_methods!), [PASSWORD_METHOD, MFA_METHOD]);
      assert.ok(session.authn_instant, 'the AuthnInstant is kept');
    });
  });
}
