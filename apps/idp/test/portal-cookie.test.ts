import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LightMyRequestResponse as InjectResponse } from 'fastify';
import { SESSION_COOKIE } from '../src/app.ts';
import { PORTAL_COOKIE } from '../src/signin/portal-cookie.ts';
import { Browser } from './support/browser.ts';
import { DIALECTS, startIdp, type TestIdp } from './support/harness.ts';
import { ADMIN_PASSWORD, seedContoso, USER_PASSWORD } from './support/seed.ts';

// Issue 10: the SSO session's cookie is SameSite=None (SPs' cross-site posts must carry it), so
// another site can make a browser send it. The admin portal also needs a SameSite=Lax cookie of its own.

/** The Set-Cookie line of `name` in a response. */
function setCookie(response: InjectResponse, name: string): string | null {
  const header = response.headers['set-cookie'];
  const lines = Array.isArray(header) ? header : header ? [String(header)] : [];
  return lines.find((line) => line.startsWith(`${name}=`)) ?? null;
}

async function signedInAdmin(idp: TestIdp): Promise<{ browser: Browser; signedIn: InjectResponse }> {
  const browser = new Browser(idp.app);
  const signedIn = await browser.signIn(
    'admin@contoso.com',
    ADMIN_PASSWORD,
    await browser.follow(await browser.get('/portal')),
  );
  assert.equal(signedIn.headers.location, '/portal');
  return { browser, signedIn };
}

/** The same browser without its portal cookie: what another site's request carries (SameSite=None only). */
function ssoCookieOnly(browser: Browser): Browser {
  const other = new Browser(browser.app);
  other.cookies.set(SESSION_COOKIE, browser.cookies.get(SESSION_COOKIE)!);
  other.csrf = browser.csrf;
  return other;
}

const NEW_USER = { userPrincipalName: 'N.Ew@contoso.com', displayName: 'N.Ew', password: 'Chosen-Pa55word!' };

async function userCount(idp: TestIdp): Promise<number> {
  return (await idp.deps.db.selectFrom('users').select('id').execute()).length;
}

/** What Chromium sends with a top-level navigation, by where it started. */
const navigation = (site: 'same-origin' | 'none' | 'cross-site') => ({
  'sec-fetch-site': site,
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
});

for (const dialect of DIALECTS) {
  describe(`the admin portal's own cookie on ${dialect}`, () => {
    test('sign-in sets the SSO cookie SameSite=None and the portal’s cookie SameSite=Lax; sign-out clears both', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      await seedContoso(idp.deps);
      const { browser, signedIn } = await signedInAdmin(idp);
      const sso = setCookie(signedIn, SESSION_COOKIE);
      const portal = setCookie(signedIn, PORTAL_COOKIE);
      assert.match(String(sso), /; SameSite=None/);
      assert.match(String(sso), /; Secure/);
      assert.match(String(portal), /; HttpOnly/);
      assert.match(String(portal), /; Secure/);
      assert.match(String(portal), /; SameSite=Lax/);
      assert.equal(PORTAL_COOKIE, 'federa_idp_portal', 'the name says which service set it');

      const signedOut = await browser.post('/signout', {});
      assert.equal(signedOut.headers.location, '/signed-out');
      assert.match(String(setCookie(signedOut, PORTAL_COOKIE)), /Expires=Thu, 01 Jan 1970/);
      assert.equal(browser.cookies.has(PORTAL_COOKIE), false);
      assert.equal(browser.cookies.has(SESSION_COOKIE), false);
    });

    test('the SSO cookie alone opens no portal page and changes nothing, even with a valid CSRF token', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      await seedContoso(idp.deps);
      const { browser } = await signedInAdmin(idp);
      await browser.get('/portal/users/new');
      const sso = ssoCookieOnly(browser);

      // Refused as a post from a signed-out browser (the way back to the form is a sign-in).
      const refused = await sso.post('/portal/users', NEW_USER);
      assert.equal(refused.statusCode, 401);
      assert.match(refused.body, /session_expired/);
      assert.equal(await userCount(idp), 3, 'no user was created');
      const page = await sso.get('/portal/users');
      assert.equal(page.statusCode, 303);
      assert.equal(page.headers.location, '/common/login?return=%2Fportal%2Fusers');
      assert.doesNotMatch(page.body, /B\.Simon/);

      const created = await browser.post('/portal/users', NEW_USER);
      assert.equal(created.statusCode, 201, 'with both cookies it works');
      assert.equal(await userCount(idp), 4);
      assert.equal((await browser.get('/portal/users')).statusCode, 200);
      // My Apps only reads, and is reached from other sites: the SSO cookie is enough there.
      assert.equal((await sso.get('/myapps')).statusCode, 200);
    });

    test('a portal cookie counts only beside the SSO session it was made for', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      await seedContoso(idp.deps);
      const { browser: admin } = await signedInAdmin(idp);
      const other = new Browser(idp.app);
      await other.signIn('admin@contoso.com', ADMIN_PASSWORD);
      const mixed = ssoCookieOnly(admin);
      mixed.cookies.set(PORTAL_COOKIE, other.cookies.get(PORTAL_COOKIE)!);
      assert.equal((await mixed.get('/portal/users')).statusCode, 303);
      const signedOut = admin.cookies.get(PORTAL_COOKIE)!;
      await admin.post('/signout', {});
      await admin.signIn('admin@contoso.com', ADMIN_PASSWORD);
      const stale = ssoCookieOnly(admin);
      stale.cookies.set(PORTAL_COOKIE, signedOut);
      assert.equal((await stale.get('/portal/users')).statusCode, 303, 'sign-out ended the old one');
      assert.equal((await admin.get('/portal/users')).statusCode, 200);
    });

    test('the sign-in page opens the portal again from the SSO session only on a navigation started here or by hand', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      await seedContoso(idp.deps);
      const { browser } = await signedInAdmin(idp);
      const url = '/common/login?return=%2Fportal%2Fusers';
      for (const headers of [{}, navigation('cross-site')]) {
        const sso = ssoCookieOnly(browser);
        const page = await sso.get(url, headers);
        assert.equal(page.statusCode, 200, 'the password form');
        assert.match(page.body, /name="password"/);
        assert.equal(setCookie(page, PORTAL_COOKIE), null);
        assert.equal((await sso.get('/portal/users')).statusCode, 303);
      }
      for (const site of ['same-origin', 'none'] as const) {
        const sso = ssoCookieOnly(browser);
        const opened = await sso.get(url, navigation(site));
        assert.equal(opened.statusCode, 303);
        assert.equal(opened.headers.location, '/portal/users');
        assert.match(String(setCookie(opened, PORTAL_COOKIE)), /SameSite=Lax/);
        assert.equal((await sso.get('/portal/users')).statusCode, 200, site);
      }
      // Nothing else is opened that way: a return path outside the portal is followed as before.
      const myApps = await ssoCookieOnly(browser).get('/common/login?return=%2Fmyapps', navigation('none'));
      assert.equal(myApps.headers.location, '/myapps');
      assert.equal(setCookie(myApps, PORTAL_COOKIE), null);
    });

    test('every password sign-in sets the portal’s cookie; the portal still asks for an administrator', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      const signedIn = await browser.signIn('B.Simon@contoso.com', USER_PASSWORD);
      assert.match(String(setCookie(signedIn, PORTAL_COOKIE)), /SameSite=Lax/);
      const refused = await browser.get('/portal/users');
      assert.equal(refused.statusCode, 403, 'and the portal still asks for an administrator');
    });
  });
}
