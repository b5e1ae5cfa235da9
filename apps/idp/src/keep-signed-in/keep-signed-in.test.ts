import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LightMyRequestResponse as InjectResponse } from 'fastify';
import { Browser, samlPostOf } from '../../test/support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR, type TestIdp } from '../../test/support/harness.ts';
import { ADMIN_PASSWORD, seedContoso, USER_PASSWORD } from '../../test/support/seed.ts';
import { redirectRequest } from '../../test/support/sp.ts';
import { createPolicy } from '../conditional-access/conditional-access.service.ts';
import { setShowKeepSignedIn } from './user-settings.ts';

const SESSION_MAX_AGE = 12 * 3600; // testConfig's

/** The SSO session cookie this response sets: its Max-Age, or null for a browser-session cookie. */
function sessionCookieOf(response: InjectResponse): { maxAge: number | null } {
  const header = response.headers['set-cookie'];
  const lines = Array.isArray(header) ? header : header ? [String(header)] : [];
  const line = lines.find(
    (l) => l.startsWith('federa_idp_session=') && !l.startsWith('federa_idp_session=;'),
  );
  assert.ok(line, 'the response sets the SSO session cookie');
  const maxAge = /;\s*Max-Age=(\d+)/i.exec(line)?.[1];
  assert.doesNotMatch(line, /;\s*Expires=/i);
  return { maxAge: maxAge === undefined ? null : Number(maxAge) };
}

/** B.Simon's SP-initiated sign-in to Sentry, up to the Directory's answer to the password. */
async function signInToSentry(idp: TestIdp, browser: Browser) {
  const login = await browser.follow(await browser.get(redirectRequest(idp.clock).url));
  return browser.signIn('B.Simon@contoso.com', USER_PASSWORD, login);
}

async function answer(browser: Browser, asked: InjectResponse, fields: Record<string, string>) {
  const page = await browser.follow(asked);
  assert.match(page.body, /Stay signed in\?/);
  assert.match(page.body, /Do this to reduce the number of times you are asked to sign in\./);
  assert.match(page.body, /Don’t show this again/);
  const action = /<form method="post" action="([^"]*\/kmsi)"/.exec(page.body)?.[1];
  assert.ok(action);
  return browser.post(action, fields);
}

const allAppsSession = (simonId: string, mode: 'always' | 'never') => ({
  displayName: `Persistent browser ${mode}`,
  state: 'enabled',
  conditions: { users: { includeUsers: [simonId] }, applications: { includeApplications: ['All'] } },
  sessionControls: { persistentBrowser: { isEnabled: true, mode } },
});

for (const dialect of DIALECTS) {
  describe(`"Stay signed in?" on ${dialect}`, () => {
    test('with the prompt off (a new tenant), nobody is asked and the SSO cookie is a browser-session one', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      await seedContoso(idp.deps);
      const done = await signInToSentry(idp, new Browser(idp.app));
      assert.ok(samlPostOf(done.body), 'the response goes straight to Sentry');
      assert.equal(sessionCookieOf(done).maxAge, null);
    });

    test('Yes makes the SSO cookie persistent for the session lifetime, then the response goes to the app', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await setShowKeepSignedIn(idp.deps, TEST_ACTOR, contoso.tenant.id, true);
      const browser = new Browser(idp.app);
      const asked = await signInToSentry(idp, browser);
      assert.equal(asked.statusCode, 303);
      assert.equal(asked.headers.location, `/${contoso.tenant.id}/kmsi`);
      assert.equal(sessionCookieOf(asked).maxAge, null, 'a browser-session cookie until the user answers');
      const done = await answer(browser, asked, { choice: 'yes' });
      assert.ok(samlPostOf(done.body), 'the waiting sign-in is finished');
      assert.equal(sessionCookieOf(done).maxAge, SESSION_MAX_AGE);
    });

    test('No keeps a browser-session cookie; the answer is asked again at the next sign-in', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await setShowKeepSignedIn(idp.deps, TEST_ACTOR, contoso.tenant.id, true);
      const browser = new Browser(idp.app);
      const done = await answer(browser, await signInToSentry(idp, browser), { choice: 'no' });
      assert.ok(samlPostOf(done.body));
      const header = done.headers['set-cookie'];
      const lines = Array.isArray(header) ? header : header ? [String(header)] : [];
      const session = lines.find((l) => l.startsWith('federa_idp_session='));
      assert.ok(!session || !/Max-Age/i.test(session), 'no Max-Age on the SSO cookie');
      // SSO within the session: no question, no password.
      const again = await browser.follow(await browser.get(redirectRequest(idp.clock).url));
      assert.ok(samlPostOf(again.body));
      // A new interactive sign-in in another browser asks again.
      const other = new Browser(idp.app);
      const asked = await signInToSentry(idp, other);
      assert.equal(asked.headers.location, `/${contoso.tenant.id}/kmsi`);
    });

    test('“Don’t show this again” remembers the answer in this browser only', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await setShowKeepSignedIn(idp.deps, TEST_ACTOR, contoso.tenant.id, true);
      const browser = new Browser(idp.app);
      const done = await answer(browser, await signInToSentry(idp, browser), {
        choice: 'yes',
        dontShow: 'on',
      });
      assert.ok(samlPostOf(done.body));
      assert.ok(browser.cookies.has('federa_idp_kmsi'));
      // Signed out (the SSO cookie gone), the next sign-in here is not asked and is persistent again.
      browser.cookies.delete('federa_idp_session');
      const next = await signInToSentry(idp, browser);
      assert.ok(samlPostOf(next.body), 'not asked again');
      assert.equal(sessionCookieOf(next).maxAge, SESSION_MAX_AGE);
    });

    test('a persistent browser session of Always: not asked, persistent, whatever the setting', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await setShowKeepSignedIn(idp.deps, TEST_ACTOR, contoso.tenant.id, true);
      await createPolicy(idp.deps, TEST_ACTOR, contoso.tenant.id, allAppsSession(contoso.simon.id, 'always'));
      const done = await signInToSentry(idp, new Browser(idp.app));
      assert.ok(samlPostOf(done.body), 'not asked');
      assert.equal(sessionCookieOf(done).maxAge, SESSION_MAX_AGE);
    });

    test('a persistent browser session of Never: not asked, never persistent, even after “Don’t show this again” with Yes', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await setShowKeepSignedIn(idp.deps, TEST_ACTOR, contoso.tenant.id, true);
      const browser = new Browser(idp.app);
      await answer(browser, await signInToSentry(idp, browser), { choice: 'yes', dontShow: 'on' });
      await createPolicy(idp.deps, TEST_ACTOR, contoso.tenant.id, allAppsSession(contoso.simon.id, 'never'));
      // The next SSO of the session already made persistent turns it back into a browser-session cookie.
      const sso = await browser.follow(await browser.get(redirectRequest(idp.clock).url));
      assert.ok(samlPostOf(sso.body));
      assert.equal(sessionCookieOf(sso).maxAge, null);
      // And a new sign-in is not asked.
      const fresh = await signInToSentry(idp, new Browser(idp.app));
      assert.ok(samlPostOf(fresh.body), 'not asked');
      assert.equal(sessionCookieOf(fresh).maxAge, null);
    });

    test('a sign-in to My Apps is asked too, and goes on to My Apps; the policy reaches it (All apps)', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await setShowKeepSignedIn(idp.deps, TEST_ACTOR, contoso.tenant.id, true);
      const browser = new Browser(idp.app);
      const asked = await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.get('/common/login?return=%2Fmyapps'),
      );
      assert.equal(asked.headers.location, `/${contoso.tenant.id}/kmsi`);
      const done = await answer(browser, asked, { choice: 'yes' });
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, '/myapps');
      assert.equal(sessionCookieOf(done).maxAge, SESSION_MAX_AGE);

      await createPolicy(idp.deps, TEST_ACTOR, contoso.tenant.id, allAppsSession(contoso.simon.id, 'always'));
      const other = new Browser(idp.app);
      const direct = await other.signIn('B.Simon@contoso.com', USER_PASSWORD);
      assert.equal(direct.headers.location, '/myapps', 'not asked');
      assert.equal(sessionCookieOf(direct).maxAge, SESSION_MAX_AGE);
    });

    test('the answer needs the signed-in user the question was for, and the portal switch is audited', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const stranger = new Browser(idp.app);
      const page = await stranger.get(`/${contoso.tenant.id}/kmsi`);
      assert.equal(page.statusCode, 400);
      const admin = new Browser(idp.app);
      await admin.signIn(
        'admin@contoso.com',
        ADMIN_PASSWORD,
        await admin.get('/common/login?return=%2Fportal'),
      );
      const settings = await admin.get('/portal/users/settings');
      assert.equal(settings.statusCode, 200);
      assert.match(settings.body, /Show keep user signed in/);
      const saved = await admin.post('/portal/users/settings', { showKeepSignedIn: 'yes' });
      assert.equal(saved.statusCode, 303);
      const asked = await signInToSentry(idp, new Browser(idp.app));
      assert.equal(asked.headers.location, `/${contoso.tenant.id}/kmsi`);
      const audit = await idp.deps.db
        .selectFrom('audit_log')
        .select('activity')
        .where('activity', '=', 'Update user settings')
        .execute();
      assert.equal(audit.length, 1);
    });
  });
}
