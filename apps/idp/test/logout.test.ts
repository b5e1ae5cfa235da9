import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import {
  buildLogoutRequest,
  decodeRedirect,
  encodeRedirect,
  parseLogoutResponse,
  rawQuery,
  verifyRedirectSignature,
} from '@federa/saml';
import { updateBasicSaml } from '../src/applications/sso-settings.service.ts';
import { Browser } from './support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR, type TestDialect } from './support/harness.ts';
import { ACME, seedContoso, USER_PASSWORD } from './support/seed.ts';
import { idpOf, metadataCertificates, redirectRequest } from './support/sp.ts';

const SLO = 'http://localhost:5000/saml/sls/acme/';

/** B.Simon signed in to acme (SP-initiated) through a Directory whose Sentry has acme's Logout URL. */
async function signedInToAcme(dialect: TestDialect, t: TestContext) {
  const idp = await startIdp(dialect);
  t.after(() => idp.close());
  const contoso = await seedContoso(idp.deps);
  await updateBasicSaml(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
    identifiers: [{ identifier: ACME.entityId, isDefault: true }],
    replyUrls: [{ url: ACME.acsUrl, isDefault: true }],
    signOnUrl: ACME.signOnUrl,
    logoutUrl: SLO,
  });
  const browser = new Browser(idp.app);
  await browser.signIn(
    'B.Simon@contoso.com',
    USER_PASSWORD,
    await browser.follow(await browser.get(redirectRequest(idp.clock).url)),
  );
  return { idp, contoso, browser };
}

for (const dialect of DIALECTS) {
  describe(`sign-out and single logout on ${dialect}`, () => {
    test('a LogoutRequest by HTTP-Redirect ends the session and a signed LogoutResponse goes to the Logout URL', async (t) => {
      const { idp, contoso, browser } = await signedInToAcme(dialect, t);
      assert.equal((await browser.get('/myapps')).statusCode, 200);

      const xml = buildLogoutRequest({
        id: '_logout-1',
        issueInstant: idp.clock.now(),
        issuer: ACME.entityId,
        destination: idpOf(contoso.tenant).ssoUrl,
        nameId: {
          value: 'B.Simon@contoso.com',
          format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
        },
      });
      const out = await browser.get(
        encodeRedirect({ location: '/contoso.com/saml2', parameter: 'SAMLRequest', xml, relayState: 'bye' }),
      );
      assert.equal(out.statusCode, 303);
      const location = String(out.headers.location);
      assert.ok(location.startsWith(`${SLO}?SAMLResponse=`));
      const decoded = decodeRedirect(rawQuery(location));
      assert.equal(decoded.relayState, 'bye');
      const certificates = await metadataCertificates(idp.app, contoso.tenant, contoso.app);
      verifyRedirectSignature(decoded, { keys: certificates.map((c) => c.publicKey) });
      const response = parseLogoutResponse(decoded.xml, {
        clock: idp.clock,
        expectedIssuer: idpOf(contoso.tenant).entityId,
        expectedInResponseTo: '_logout-1',
        expectedDestination: SLO,
      });
      assert.equal(response.inResponseTo, '_logout-1');
      assert.equal((await browser.get('/myapps')).statusCode, 303, 'signed out of the IdP');
    });

    test('a LogoutRequest naming someone other than the browser’s user is answered and leaves the session (a test signed them in to the app)', async (t) => {
      const { idp, contoso, browser } = await signedInToAcme(dialect, t);
      const logout = async (id: string, nameId: string) =>
        browser.get(
          encodeRedirect({
            location: '/contoso.com/saml2',
            parameter: 'SAMLRequest',
            xml: buildLogoutRequest({
              id,
              issueInstant: idp.clock.now(),
              issuer: ACME.entityId,
              destination: idpOf(contoso.tenant).ssoUrl,
              nameId: { value: nameId, format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' },
            }),
          }),
        );

      const other = await logout('_logout-other', 'J.Doe@contoso.com');
      assert.equal(other.statusCode, 303);
      const location = String(other.headers.location);
      assert.ok(location.startsWith(`${SLO}?SAMLResponse=`), 'the application gets its LogoutResponse');
      const response = parseLogoutResponse(decodeRedirect(rawQuery(location)).xml, {
        clock: idp.clock,
        expectedIssuer: idpOf(contoso.tenant).entityId,
        expectedInResponseTo: '_logout-other',
        expectedDestination: SLO,
      });
      assert.equal(response.status.code, 'urn:oasis:names:tc:SAML:2.0:status:Success');
      assert.equal((await browser.get('/myapps')).statusCode, 200, 'B.Simon is still signed in');

      // Her own NameID, in whatever case the application kept it, ends her session.
      assert.equal((await logout('_logout-own', 'b.simon@CONTOSO.com')).statusCode, 303);
      assert.equal((await browser.get('/myapps')).statusCode, 303, 'signed out of the IdP');
    });

    test('a LogoutRequest from an unknown issuer is refused with AADSTS700016 and leaves the session', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get('/myapps')),
      );
      const xml = buildLogoutRequest({
        id: '_logout-2',
        issueInstant: idp.clock.now(),
        issuer: 'https://stranger.example/',
        destination: idpOf(contoso.tenant).ssoUrl,
        nameId: { value: 'B.Simon@contoso.com' },
      });
      const page = await browser.get(
        encodeRedirect({ location: `/${contoso.tenant.id}/saml2`, parameter: 'SAMLRequest', xml }),
      );
      assert.equal(page.statusCode, 400);
      assert.match(page.body, /AADSTS700016/);
      assert.equal((await browser.get('/myapps')).statusCode, 200);
    });

    test('Sign out (a form with the CSRF token) ends the session; without the token it is refused', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get('/myapps')),
      );
      const page = await browser.get('/myapps');
      assert.match(page.body, /action="\/signout"/);
      assert.equal((await browser.post('/signout', {}, { csrf: false })).statusCode, 403);
      const out = await browser.post('/signout', {});
      assert.equal(out.headers.location, '/signed-out');
      assert.match((await browser.get('/signed-out')).body, /You signed out/);
      assert.equal((await browser.get('/myapps')).statusCode, 303);
    });

    test('the sign-in form is rate limited per IP address', async (t) => {
      const idp = await startIdp(dialect, { signInRateLimitPerMinute: 3 });
      t.after(() => idp.close());
      await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      let page = await browser.get('/common/login');
      for (let i = 0; i < 3; i++) page = await browser.signIn('B.Simon@contoso.com', 'wrong', page);
      const limited = await browser.signIn('B.Simon@contoso.com', USER_PASSWORD, page);
      assert.equal(limited.statusCode, 429);
      assert.match(limited.body, /Too many sign-in attempts/);
    });
  });
}
