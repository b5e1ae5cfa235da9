import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { sharedDatabaseUrl, startApp, TestClock } from './support/app.ts';
import { location } from './support/browser.ts';
import { BSIMON, TestIdp, type TestUser } from './support/idp.ts';
import { failureCode, setOptions, ssoOrganization, ssoSignIn, startLogin } from './support/sso.ts';

const ALEX: TestUser = {
  objectId: 'c1111111-1111-4111-8111-111111111111',
  email: 'alex@contoso.com',
  givenName: 'Alex',
  surname: 'Wu',
};

for (const dialect of DIALECTS) {
  describe(`ACS on ${dialect}`, () => {
    test('SP-initiated sign-in creates a new person just in time with the default role, then signs them straight in', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      await setOptions(owner, 'acme', { defaultRole: 'admin' });
      const browser = t.browser();
      const signedIn = await ssoSignIn(browser, t, idp, 'acme', BSIMON);
      assert.equal(signedIn.statusCode, 303, signedIn.body.slice(0, 1500));
      assert.equal(location(signedIn), '/organizations/acme/');
      // The session cookie is Lax; the SSO binding cookie None, Secure, HttpOnly, for the ACS only.
      assert.equal(browser.cookies.get('federa_ws_session')?.sameSite, 'lax');
      assert.equal(browser.cookies.get('federa_ws_sso')?.sameSite, 'none');
      const home = await browser.get('/organizations/acme/');
      assert.equal(home.statusCode, 200);
      assert.match(home.body, /B Simon<\/td><td>b\.simon@contoso\.com<\/td><td>Admin/);
      const me = (await browser.get('/api/0/users/me/')).json();
      assert.equal(me.email, 'b.simon@contoso.com');
      assert.equal(me.hasPasswordAuth, false);
      assert.match((await owner.get('/settings/acme/audit-log/')).body, /data-action="member.added-by-jit"/);

      // Keyed on the immutable object id: a changed email signs in the same person.
      const again = t.browser();
      const second = await ssoSignIn(again, t, idp, 'acme', { ...BSIMON, email: 'bee.simon@contoso.com' });
      assert.equal(second.statusCode, 303);
      assert.equal((await again.get('/api/0/users/me/')).json().id, me.id);
      const users = await t.ctx.db.selectFrom('users').select('email').execute();
      assert.equal(users.length, 2, 'no second account');
    });

    test('an SSO sign-in replaces the session it was started from: one row per browser, the old id dead', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      await ssoOrganization(t, 'acme', idp);
      const browser = t.browser();
      const rows = async () => (await t.ctx.db.selectFrom('sessions').select('id_hash').execute()).length;
      const before = await rows();
      assert.equal((await ssoSignIn(browser, t, idp, 'acme', BSIMON)).statusCode, 303);
      const first = browser.cookies.get('federa_ws_session')!.value;
      assert.equal(await rows(), before + 1);
      // Signing in again (the session expired at the IdP, another organization, a new day): the
      // login page and the start use the session; the ACS, reached without its cookie, replaces it.
      assert.equal((await ssoSignIn(browser, t, idp, 'acme', BSIMON)).statusCode, 303);
      const second = browser.cookies.get('federa_ws_session')!.value;
      assert.notEqual(second, first);
      assert.equal(await rows(), before + 1, 'the earlier session was replaced, not left behind');
      const stale = t.browser();
      stale.cookies.set('federa_ws_session', { value: first, sameSite: 'lax' });
      assert.equal((await stale.get('/organizations/acme/')).statusCode, 303, 'the old id signs nobody in');
      assert.equal((await browser.get('/organizations/acme/')).statusCode, 200);
    });

    test('IdP-initiated sign-in works where allowed, is refused where not; RelayState only to a same-origin path', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      const post = async (relayState: string) => {
        const browser = t.browser();
        const response = await idp.respond({
          slug: 'acme',
          inResponseTo: null,
          user: BSIMON,
          clock: t.clock,
        });
        return browser.crossSitePost('/saml/acs/acme/', { ...response, RelayState: relayState });
      };
      assert.equal(location(await post('https://evil.example/steal')), '/organizations/acme/');
      assert.equal(location(await post('//evil.example/')), '/organizations/acme/');
      assert.equal(location(await post('/settings/acme/members/')), '/settings/acme/members/');

      await setOptions(owner, 'acme', { allowIdpInitiated: false });
      const refused = await post('');
      assert.equal(refused.statusCode, 400);
      assert.equal(failureCode(refused), 'UNSOLICITED_NOT_ALLOWED');
    });

    test('refuses a response whose InResponseTo was issued to another browser session', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      await ssoOrganization(t, 'acme', idp);
      const victim = t.browser();
      const attacker = t.browser();
      const victimRequest = await startLogin(victim, t, 'acme');
      const forged = await idp.respond({
        slug: 'acme',
        inResponseTo: victimRequest.id,
        user: ALEX,
        clock: t.clock,
      });
      // A browser with no sign-in pending.
      const none = await attacker.crossSitePost('/saml/acs/acme/', forged);
      assert.equal(failureCode(none), 'IN_RESPONSE_TO_UNEXPECTED');
      // A browser with its own sign-in pending.
      await startLogin(attacker, t, 'acme');
      const other = await attacker.crossSitePost('/saml/acs/acme/', forged);
      assert.equal(failureCode(other), 'IN_RESPONSE_TO_MISMATCH');
      assert.equal((await attacker.get('/api/0/users/me/')).statusCode, 401);
      // The victim's own browser still completes it.
      assert.equal((await victim.crossSitePost('/saml/acs/acme/', forged)).statusCode, 303);
    });

    test('refuses a replayed assertion, solicited or not', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      await ssoOrganization(t, 'acme', idp);
      const unsolicited = await idp.respond({
        slug: 'acme',
        inResponseTo: null,
        user: BSIMON,
        clock: t.clock,
      });
      assert.equal((await t.browser().crossSitePost('/saml/acs/acme/', unsolicited)).statusCode, 303);
      const replay = await t.browser().crossSitePost('/saml/acs/acme/', unsolicited);
      assert.equal(failureCode(replay), 'RESPONSE_REPLAYED');

      const browser = t.browser();
      const request = await startLogin(browser, t, 'acme');
      const solicited = await idp.respond({
        slug: 'acme',
        inResponseTo: request.id,
        user: BSIMON,
        clock: t.clock,
      });
      assert.equal((await browser.crossSitePost('/saml/acs/acme/', solicited)).statusCode, 303);
      const again = await browser.crossSitePost('/saml/acs/acme/', solicited);
      assert.equal(again.statusCode, 400);
      assert.match(String(failureCode(again)), /^(RESPONSE_REPLAYED|IN_RESPONSE_TO_UNEXPECTED)$/);
    });

    test('an assertion is accepted by exactly one of two app instances on one database', async (c) => {
      const url = await sharedDatabaseUrl(dialect);
      const clock = new TestClock();
      const a = await startApp(dialect, { url, clock });
      c.after(() => a.close());
      const b = await startApp(dialect, { url, clock });
      c.after(() => b.close());
      const idp = await TestIdp.create();
      await ssoOrganization(a, 'acme', idp);
      const first = await idp.respond({ slug: 'acme', inResponseTo: null, user: BSIMON, clock });
      assert.equal((await a.browser().crossSitePost('/saml/acs/acme/', first)).statusCode, 303);
      assert.equal(
        failureCode(await b.browser().crossSitePost('/saml/acs/acme/', first)),
        'RESPONSE_REPLAYED',
      );

      // The same assertion at both instances at once: one sign-in, one RESPONSE_REPLAYED.
      const second = await idp.respond({ slug: 'acme', inResponseTo: null, user: BSIMON, clock });
      const results = await Promise.all([
        a.browser().crossSitePost('/saml/acs/acme/', second),
        b.browser().crossSitePost('/saml/acs/acme/', second),
      ]);
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [303, 400]);
      assert.equal(failureCode(results.find((r) => r.statusCode === 400)!), 'RESPONSE_REPLAYED');
    });

    test("never accepts organization A's assertion at organization B's ACS", async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idpA = await TestIdp.create('tenant-a');
      const idpB = await TestIdp.create('tenant-b');
      await ssoOrganization(t, 'org-a', idpA);
      await ssoOrganization(t, 'org-b', idpB);
      const forA = await idpA.respond({ slug: 'org-a', inResponseTo: null, user: BSIMON, clock: t.clock });
      const atB = await t.browser().crossSitePost('/saml/acs/org-b/', forA);
      assert.equal(atB.statusCode, 400);
      assert.match(
        String(failureCode(atB)),
        /^(ISSUER_MISMATCH|SIGNATURE_KEY_UNTRUSTED|DESTINATION_MISMATCH)$/,
      );

      // Even when both organizations trust the same IdP, the audience and recipient are per organization.
      const shared = await TestIdp.create('tenant-a');
      await ssoOrganization(t, 'org-c', shared);
      const audienceA = await shared.respond({
        slug: 'org-a',
        inResponseTo: null,
        user: BSIMON,
        clock: t.clock,
        acs: 'http://localhost:5000/saml/acs/org-c/',
      });
      const atC = await t.browser().crossSitePost('/saml/acs/org-c/', audienceA);
      assert.equal(failureCode(atC), 'AUDIENCE_MISMATCH');
    });

    test('trusts every listed certificate during a rollover, and refuses one that was removed', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      const next = await TestIdp.create('contoso', 'contoso-next');
      const reconfigure = async () => {
        await owner.get('/settings/acme/auth/configure/active-directory/');
        const saved = await owner.post('/settings/acme/auth/configure/active-directory/', {
          method: 'xml',
          metadataXml: idp.metadata(),
        });
        assert.equal(saved.statusCode, 303);
      };
      const signIn = async (signer: typeof idp.signer) =>
        t
          .browser()
          .crossSitePost(
            '/saml/acs/acme/',
            await idp.respond({ slug: 'acme', inResponseTo: null, user: BSIMON, clock: t.clock, signer }),
          );

      assert.equal(failureCode(await signIn(next.signer)), 'SIGNATURE_KEY_UNTRUSTED');
      idp.listed = [idp.signer, next.signer];
      await reconfigure();
      assert.equal((await signIn(idp.signer)).statusCode, 303, 'old certificate accepted during rollover');
      assert.equal((await signIn(next.signer)).statusCode, 303, 'new certificate accepted during rollover');
      idp.listed = [next.signer];
      await reconfigure();
      const removed = await signIn(idp.signer);
      assert.equal(removed.statusCode, 400);
      assert.equal(failureCode(removed), 'SIGNATURE_KEY_UNTRUSTED');
      assert.equal((await signIn(next.signer)).statusCode, 303);
      assert.match(
        (await owner.get('/settings/acme/audit-log/')).body,
        /data-action="sso.certificates-changed"/,
      );
    });

    test('a refused sign-in shows what failed and a reference; admins see the exact fix', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      const wrong = await idp.respond({
        slug: 'acme',
        inResponseTo: null,
        user: BSIMON,
        clock: t.clock,
        audience: 'https://sentry.io/saml/metadata/acme/',
      });
      const page = await t.browser().crossSitePost('/saml/acs/acme/', wrong);
      assert.equal(page.statusCode, 400);
      assert.match(page.body, /meant for another application or address/);
      const reference = String(page.headers['x-correlation-id']);
      assert.ok(page.body.includes(reference));
      assert.doesNotMatch(page.body, /SAMLResponse|<saml|Assertion/);

      const attempts = await owner.get('/settings/acme/auth/attempts/');
      assert.ok(attempts.body.includes(reference));
      assert.match(attempts.body, /<code>validate-response<\/code>/);
      assert.match(
        attempts.body,
        /The Audience was https:\/\/sentry\.io\/saml\/metadata\/acme\/; set the Identifier \(Entity ID\) in your IdP to http:\/\/localhost:5000\/saml\/metadata\/acme\//,
      );
      const logged = await t.ctx.db
        .selectFrom('sso_attempts')
        .selectAll()
        .where('id', '=', reference)
        .executeTakeFirstOrThrow();
      assert.equal(logged.check_name, 'validate-response');
      assert.equal(logged.error_code, 'AUDIENCE_MISMATCH');
      assert.doesNotMatch(JSON.stringify(logged), /PHNhbWxw|<samlp?:/, 'no SAML message in the log');

      const broken = await t.browser().crossSitePost('/saml/acs/acme/', { SAMLResponse: 'not base64!' });
      assert.equal(broken.statusCode, 400);
      const decoded = await t.ctx.db
        .selectFrom('sso_attempts')
        .selectAll()
        .where('id', '=', String(broken.headers['x-correlation-id']))
        .executeTakeFirstOrThrow();
      assert.equal(decoded.check_name, 'decode-post');
      const unknown = await t.browser().crossSitePost('/saml/acs/nowhere/', wrong);
      assert.equal(unknown.statusCode, 404);
    });
  });
}
