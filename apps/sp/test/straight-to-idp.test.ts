import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { hashBrowserKey, SSO_COOKIE } from '../src/sso/browser-binding.ts';
import { startApp, type TestApp } from './support/app.ts';
import { type Browser, location } from './support/browser.ts';
import { authnRequestFrom, BSIMON, TestIdp } from './support/idp.ts';
import { failureCode, setOptions, ssoOrganization } from './support/sso.ts';

// Issue 11, "A tile that signs you in": a signed-out person who opens a page of an organization that
// sends its members straight to its IdP (the setting, or Require SSO) starts SP-initiated SSO at once,
// bound to the browser as the login page's button binds it, and comes back to the page asked for.

/** The browser opens `path` signed out: its answer, and the AuthnRequest when it went to the IdP. */
async function open(browser: Browser, t: TestApp, idp: TestIdp, path: string, headers = {}) {
  const response = await browser.get(path, headers);
  const toIdp = location(response).startsWith(`${idp.ssoUrl}?`);
  return { response, request: toIdp ? authnRequestFrom(location(response), t.clock) : null };
}

const hasButton = (body: string) =>
  /<button type="submit">Continue with Active Directory<\/button>/.test(body);

for (const dialect of DIALECTS) {
  describe(`sending members straight to the IdP, on ${dialect}`, () => {
    test('with the setting on, a signed-out visit to an organization page goes to the IdP, bound to this browser, and the sign-in lands on the page asked for', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      await setOptions(owner, 'acme', { sendToIdp: true });

      const bsimon = t.browser();
      const { response, request } = await open(bsimon, t, idp, '/organizations/acme/?tab=members');
      assert.equal(response.statusCode, 303);
      assert.ok(request, `straight to the IdP, not ${location(response)}`);
      assert.equal(request.relayState, '/organizations/acme/?tab=members');
      assert.equal(response.headers['cache-control'], 'no-store');
      // The pending request is this browser's: its SSO cookie's hash, as the button's POST records it.
      const key = bsimon.cookies.get(SSO_COOKIE);
      assert.equal(key?.sameSite, 'none');
      const pending = await t.ctx.db
        .selectFrom('pending_requests')
        .selectAll()
        .where('id', '=', request.id)
        .executeTakeFirstOrThrow();
      assert.equal(pending.browser_hash, hashBrowserKey(key!.value));
      assert.equal(pending.purpose, 'login');
      assert.equal(pending.user_id, null);
      assert.equal(pending.next_path, '/organizations/acme/?tab=members');

      // Another browser posting the answer to this request signs nobody in (the binding holds).
      const { SAMLResponse } = await idp.respond({ slug: 'acme', inResponseTo: request.id, clock: t.clock });
      const elsewhere = t.browser();
      const refused = await elsewhere.crossSitePost('/saml/acs/acme/', { SAMLResponse });
      assert.equal(failureCode(refused), 'IN_RESPONSE_TO_UNEXPECTED');

      const landed = await bsimon.crossSitePost('/saml/acs/acme/', {
        SAMLResponse: (await idp.respond({ slug: 'acme', inResponseTo: request.id, clock: t.clock }))
          .SAMLResponse,
        RelayState: request.relayState ?? '',
      });
      assert.equal(landed.statusCode, 303, landed.body.slice(0, 1000));
      assert.equal(location(landed), '/organizations/acme/?tab=members');
      const home = await bsimon.get(location(landed));
      assert.equal(home.statusCode, 200);
      assert.match(home.body, new RegExp(BSIMON.email.replace('.', '\\.')));
    });

    test('with the setting off, the signed-out visitor gets the login page, as before', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      await ssoOrganization(t, 'acme', idp);
      const { response, request } = await open(t.browser(), t, idp, '/organizations/acme/');
      assert.equal(request, null);
      assert.equal(location(response), '/auth/login/acme/?next=%2Forganizations%2Facme%2F');
    });

    test('Require SSO sends signed-out members straight to the IdP without the setting; a setup not finished sends nobody', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      await setOptions(owner, 'acme', { requireSso: true });
      assert.ok((await open(t.browser(), t, idp, '/organizations/acme/')).request);

      const pendingIdp = await TestIdp.create('fabrikam');
      const other = await ssoOrganization(t, 'globex', pendingIdp, { activate: false });
      await setOptions(other, 'globex', { sendToIdp: true, requireSso: true });
      const { response, request } = await open(t.browser(), t, pendingIdp, '/organizations/globex/');
      assert.equal(request, null);
      assert.equal(location(response), '/auth/login/globex/?next=%2Forganizations%2Fglobex%2F');
    });

    test('only a top-level page navigation starts a sign-in: not an image, a frame, a fetch or a prefetch', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      await setOptions(owner, 'acme', { sendToIdp: true });
      const navigation = { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' };
      assert.ok((await open(t.browser(), t, idp, '/organizations/acme/', navigation)).request);
      for (const headers of [
        { 'sec-fetch-dest': 'image', 'sec-fetch-mode': 'no-cors' },
        { 'sec-fetch-dest': 'iframe', 'sec-fetch-mode': 'navigate' },
        { 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors' },
        { ...navigation, 'sec-purpose': 'prefetch;prerender' },
      ]) {
        const { response, request } = await open(t.browser(), t, idp, '/organizations/acme/', headers);
        assert.equal(request, null, JSON.stringify(headers));
        assert.ok(location(response).startsWith('/auth/login/acme/'), JSON.stringify(headers));
      }
    });

    test('pages owners may open without SSO keep the login page, with its password form', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      await setOptions(owner, 'acme', { sendToIdp: true, requireSso: true });
      const visitor = t.browser();
      const { response, request } = await open(visitor, t, idp, '/settings/acme/auth/');
      assert.equal(request, null);
      assert.equal(location(response), '/auth/login/acme/?next=%2Fsettings%2Facme%2Fauth%2F');
      const login = await visitor.get(location(response));
      assert.equal(login.statusCode, 200);
      assert.ok(hasButton(login.body));
      assert.match(login.body, /Or sign in with email and password/);
    });

    test('after a failed sign-in, "Try again" opens the button page, not another automatic sign-in', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      await setOptions(owner, 'acme', { sendToIdp: true });
      const bsimon = t.browser();
      const { request } = await open(bsimon, t, idp, '/organizations/acme/');
      assert.ok(request);
      // The IdP answers with a response this organization refuses (signed for another audience).
      const { SAMLResponse } = await idp.respond({
        slug: 'acme',
        inResponseTo: request.id,
        clock: t.clock,
        audience: 'http://localhost:5000/saml/metadata/globex/',
      });
      const failed = await bsimon.crossSitePost('/saml/acs/acme/', { SAMLResponse, RelayState: '' });
      assert.equal(failureCode(failed), 'AUDIENCE_MISMATCH');
      const tryAgain = /<a class="button" href="([^"]+)">Try again<\/a>/.exec(failed.body)?.[1];
      assert.ok(tryAgain, 'the failure page offers to try again');
      const page = await bsimon.get(tryAgain);
      assert.equal(page.statusCode, 200, `the button page, not a redirect to ${location(page)}`);
      assert.ok(hasButton(page.body));
      // The button still starts the sign-in (by POST, with the CSRF token).
      const started = await bsimon.post('/auth/login/acme/', {});
      assert.ok(location(started).startsWith(`${idp.ssoUrl}?`));
    });
  });
}
