import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addGalleryApplication } from '../src/applications/applications.service.ts';
import { assign } from '../src/assignments/assignments.service.ts';
import { listSignInLogs } from '../src/sign-in-logs/sign-in-logs.repository.ts';
import { MARKER_SECONDS } from '../src/test-sign-in/marker.ts';
import { Browser, decodeEntities, samlPostOf } from './support/browser.ts';
import { BASE_URL, DIALECTS, startIdp, TEST_ACTOR, type TestIdp } from './support/harness.ts';
import { codeAt, enforceMfa, registerTotp } from './support/mfa.ts';
import { ACME, ADMIN_PASSWORD, type Contoso, seedContoso, USER_PASSWORD } from './support/seed.ts';
import { acmeValidates, metadataCertificates, redirectRequest } from './support/sp.ts';

// Test single sign-on › "Sign in as someone else" (src/test-sign-in/): the admin's marker makes one
// request for one application ask for credentials afresh; the response is for whoever signs in then,
// and the admin's own SSO session goes on.

/** Contoso with the admin assigned too, so that a response for the admin shows the marker was not used. */
async function setUp(t: { after(fn: () => Promise<void>): void }, dialect: (typeof DIALECTS)[number]) {
  const idp = await startIdp(dialect);
  t.after(() => idp.close());
  const contoso = await seedContoso(idp.deps);
  await assign(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
    principalType: 'user',
    principalId: contoso.admin.id,
  });
  const admin = new Browser(idp.app);
  await admin.signIn('admin@contoso.com', ADMIN_PASSWORD, await admin.follow(await admin.get('/portal')));
  assert.equal((await admin.get('/portal')).statusCode, 200, 'the admin is in the portal');
  return { idp, contoso, admin };
}

const testUrl = (contoso: Contoso) => `/portal/applications/${contoso.app.id}/test`;
const markUrl = (contoso: Contoso) => `/portal/applications/${contoso.app.id}/test/someone-else`;

/** Opens the Test page (for its CSRF token), then posts the choice; returns where it sends the new tab. */
async function chooseSomeoneElse(admin: Browser, contoso: Contoso, mode: 'sp' | 'idp'): Promise<string> {
  await admin.get(testUrl(contoso));
  const marked = await admin.post(markUrl(contoso), { mode });
  assert.equal(marked.statusCode, 303, marked.body.slice(0, 300));
  return String(marked.headers.location);
}

const local = (url: string) => url.replace(BASE_URL, '');

/** The NameID of the response a page posts, checked as the SP would check it. */
async function nameIdOf(idp: TestIdp, contoso: Contoso, page: { body: string }, requestIds?: string[]) {
  const form = samlPostOf(page.body);
  const assertion = await acmeValidates(form.xml, {
    tenant: contoso.tenant,
    certificates: await metadataCertificates(idp.app, contoso.tenant, contoso.app),
    clock: idp.clock,
    ...(requestIds ? { requestIds } : { unsolicited: true }),
  });
  return assertion.nameId;
}

/** The admin's session is still the admin's: the portal answers, and My Apps names the admin. */
async function adminStillSignedIn(admin: Browser, contoso: Contoso) {
  const portal = await admin.get(testUrl(contoso));
  assert.equal(portal.statusCode, 200, 'the admin’s portal tab still works');
  const myApps = await admin.get('/myapps');
  assert.equal(myApps.statusCode, 200);
  assert.match(myApps.body, /Contoso Admin \(admin@contoso\.com\)/);
  assert.doesNotMatch(myApps.body, /B\.Simon@contoso\.com/);
}

for (const dialect of DIALECTS) {
  describe(`Test single sign-on as someone else on ${dialect}`, () => {
    test('the Test page offers both choices, each opening a new tab; the someone-else form is a POST with the CSRF token', async (t) => {
      const { contoso, admin } = await setUp(t, dialect);
      const response = await admin.get(testUrl(contoso));
      const page = response.body;
      // Chromium checks form-action on each redirect: the form's answer goes to the Sign on URL.
      assert.match(
        String(response.headers['content-security-policy']),
        /form-action 'self' http:\/\/localhost:5000(;|$)/,
      );
      assert.match(page, /<h3>Sign in as current user<\/h3>/);
      assert.match(page, /<h3>Sign in as someone else<\/h3>/);
      assert.ok(page.includes(`href="${ACME.signOnUrl}" target="_blank" rel="noopener"`));
      assert.match(
        page,
        /href="[^"]*mode=idp" target="_blank" rel="noopener">Test sign in \(IdP initiated\)/,
      );
      const form = /<form method="post" action="([^"]*)" target="_blank"[^>]*>([\s\S]*?)<\/form>/.exec(page);
      assert.equal(form?.[1], markUrl(contoso));
      assert.match(form![2]!, /name="_csrf" value="[^"]+"/);
      assert.match(form![2]!, /name="mode" value="sp"/);
      assert.match(form![2]!, /name="mode" value="idp"/);
      assert.match(page, /\(opens in a new tab\)/);
    });

    test('IdP initiated: the new tab asks for credentials; the response names B.Simon; the admin stays signed in and B.Simon is not kept', async (t) => {
      const { idp, contoso, admin } = await setUp(t, dialect);
      const launch = await chooseSomeoneElse(admin, contoso, 'idp');
      assert.ok(
        launch.startsWith(
          `${BASE_URL}/myapps/signin/${contoso.app.appId}?tenantId=${contoso.tenant.id}&mode=idp&test=`,
        ),
        launch,
      );
      const forged = await admin.get(local(launch).replace(/test=[^&]*/, `test=${'A'.repeat(43)}`));
      assert.equal(forged.statusCode, 400, 'another nonce is refused');
      const login = await admin.follow(await admin.get(local(launch)));
      assert.equal(login.statusCode, 200);
      assert.match(login.body, /Sign in/);
      assert.ok(login.body.includes('name="password"'), 'the sign-in page, not a response for the admin');
      const posted = await admin.signIn('B.Simon@contoso.com', USER_PASSWORD, login);
      assert.equal(posted.statusCode, 200);
      assert.equal(await nameIdOf(idp, contoso, posted), 'B.Simon@contoso.com');
      await adminStillSignedIn(admin, contoso);

      // Logged as B.Simon's own sign-in to the application.
      const [row] = await listSignInLogs(idp.deps.db, contoso.tenant.id, { applicationId: contoso.app.id });
      assert.equal(row?.userPrincipalName, 'B.Simon@contoso.com');
      assert.equal(row?.result, 'success');

      // Single use: the same link again is refused, and never signs anybody in.
      const again = await admin.get(local(launch));
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /This test link no longer works/);
      // Without the marker, the user access URL is the admin's own sign-in again.
      const own = await admin.get(local(launch.replace(/&test=.*$/, '')));
      assert.equal(await nameIdOf(idp, contoso, own), 'admin@contoso.com');
    });

    test('SP initiated: the application’s next AuthnRequest asks for credentials, once; then the admin’s session answers again', async (t) => {
      const { idp, contoso, admin } = await setUp(t, dialect);
      const launch = await chooseSomeoneElse(admin, contoso, 'sp');
      assert.equal(launch, ACME.signOnUrl, 'the Sign on URL: the application sends its own request');
      const request = redirectRequest(idp.clock);
      const toLogin = await admin.get(request.url);
      assert.equal(toLogin.statusCode, 303);
      assert.match(String(toLogin.headers.location), /\/login\?flow=/);
      const posted = await admin.signIn('B.Simon@contoso.com', USER_PASSWORD, await admin.follow(toLogin));
      assert.equal(await nameIdOf(idp, contoso, posted, [request.id]), 'B.Simon@contoso.com');
      await adminStillSignedIn(admin, contoso);

      const next = redirectRequest(idp.clock);
      const direct = await admin.get(next.url);
      assert.equal(direct.statusCode, 200, 'the marker is used up: the admin’s session answers at once');
      assert.equal(await nameIdOf(idp, contoso, direct, [next.id]), 'admin@contoso.com');
    });

    test('the other person goes through every check: an unassigned user gets AADSTS50105, a wrong password no response, and the admin stays signed in', async (t) => {
      const { idp, contoso, admin } = await setUp(t, dialect);
      let login = await admin.follow(await admin.get(local(await chooseSomeoneElse(admin, contoso, 'idp'))));
      const wrong = await admin.signIn('B.Simon@contoso.com', 'not-her-password', login);
      assert.equal(wrong.statusCode, 401);
      assert.match(wrong.body, /AADSTS50126/);
      const refused = await admin.signIn('E.Other@contoso.com', USER_PASSWORD, wrong);
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /AADSTS50105/);
      await adminStillSignedIn(admin, contoso);

      await idp.deps.db
        .updateTable('users')
        .set({ account_enabled: 0 } as never)
        .where('id', '=', contoso.simon.id)
        .execute();
      login = await admin.follow(await admin.get(local(await chooseSomeoneElse(admin, contoso, 'idp'))));
      const blocked = await admin.signIn('B.Simon@contoso.com', USER_PASSWORD, login);
      assert.equal(blocked.statusCode, 403);
      assert.match(blocked.body, /AADSTS50057/);
      await adminStillSignedIn(admin, contoso);
    });

    test('a second factor the other person needs is asked in the new tab; the admin’s session is kept through it', async (t) => {
      const { idp, contoso, admin } = await setUp(t, dialect);
      const key = await registerTotp(idp.deps, contoso.simon);
      await enforceMfa(idp.deps, contoso.simon);
      const request = redirectRequest(idp.clock);
      await chooseSomeoneElse(admin, contoso, 'sp');
      const login = await admin.follow(await admin.get(request.url));
      const toMfa = await admin.signIn('B.Simon@contoso.com', USER_PASSWORD, login);
      assert.equal(toMfa.statusCode, 303);
      assert.equal(toMfa.headers.location, `/${contoso.tenant.id}/mfa`);
      await admin.follow(toMfa);
      idp.clock.advance(30);
      const posted = await admin.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key) });
      assert.equal(posted.statusCode, 200, posted.body.slice(0, 400));
      assert.equal(await nameIdOf(idp, contoso, posted, [request.id]), 'B.Simon@contoso.com');
      await adminStillSignedIn(admin, contoso);
    });

    test('the marker is bound to the application: another app’s request neither uses it nor is changed by it', async (t) => {
      const { idp, contoso, admin } = await setUp(t, dialect);
      const beta = await addGalleryApplication(idp.deps, TEST_ACTOR, contoso.tenant.id, {
        templateId: 'sentry-self-hosted',
        displayName: 'Beta',
        values: { host: 'http://localhost:5001', organizationSlug: 'beta' },
      });
      await assign(idp.deps, TEST_ACTOR, contoso.tenant.id, beta.id, {
        principalType: 'user',
        principalId: contoso.admin.id,
      });
      // IdP initiated: Sentry's nonce on Beta's user access URL is refused.
      const launch = await chooseSomeoneElse(admin, contoso, 'idp');
      const elsewhere = local(launch).replace(contoso.app.appId, beta.appId);
      assert.equal((await admin.get(elsewhere)).statusCode, 400);

      // SP initiated: Beta's request gets the admin's response; Sentry's next one still asks.
      await chooseSomeoneElse(admin, contoso, 'sp');
      const betaRequest = redirectRequest(idp.clock, {
        issuer: 'http://localhost:5001/saml/metadata/beta/',
        assertionConsumerServiceUrl: 'http://localhost:5001/saml/acs/beta/',
      });
      const betaDirect = await admin.get(betaRequest.url);
      assert.equal(betaDirect.statusCode, 200, 'Beta: the admin’s session answers');
      assert.equal(samlPostOf(betaDirect.body).action, 'http://localhost:5001/saml/acs/beta/');
      const sentry = await admin.get(redirectRequest(idp.clock).url);
      assert.equal(sentry.statusCode, 303);
      assert.match(String(sentry.headers.location), /\/login\?flow=/);
    });

    test('the marker expires after 5 minutes', async (t) => {
      const { idp, contoso, admin } = await setUp(t, dialect);
      const launch = await chooseSomeoneElse(admin, contoso, 'idp');
      idp.clock.advance(MARKER_SECONDS + 1);
      assert.equal((await admin.get(local(launch))).statusCode, 400);
      await chooseSomeoneElse(admin, contoso, 'sp');
      idp.clock.advance(MARKER_SECONDS + 1);
      const request = redirectRequest(idp.clock);
      const direct = await admin.get(request.url);
      assert.equal(direct.statusCode, 200);
      assert.equal(await nameIdOf(idp, contoso, direct, [request.id]), 'admin@contoso.com');
    });

    test('the marker is bound to the admin’s session: another browser cannot use the link, nor a later sign-in of someone else in the same browser', async (t) => {
      const { idp, contoso, admin } = await setUp(t, dialect);
      const launch = await chooseSomeoneElse(admin, contoso, 'idp');
      const stranger = new Browser(idp.app);
      const refused = await stranger.get(local(launch));
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /This test link no longer works/);

      // The admin marks an SP-initiated test, then B.Simon signs in to this browser the usual way:
      // the marker was the admin's session's, so her next sign-in to the app is hers, with no prompt.
      await chooseSomeoneElse(admin, contoso, 'sp');
      await admin.get('/common/login');
      const signedIn = await admin.signIn('B.Simon@contoso.com', USER_PASSWORD);
      assert.equal(signedIn.statusCode, 303);
      const request = redirectRequest(idp.clock);
      const direct = await admin.get(request.url);
      assert.equal(direct.statusCode, 200, 'no sign-in page: the marker is void');
      assert.equal(await nameIdOf(idp, contoso, direct, [request.id]), 'B.Simon@contoso.com');
    });

    test('the marker cannot be set by GET, without the CSRF token, or without the portal cookie', async (t) => {
      const { idp, contoso, admin } = await setUp(t, dialect);
      assert.equal((await admin.get(markUrl(contoso))).statusCode, 404);
      await admin.get(testUrl(contoso));
      const noCsrf = await admin.post(markUrl(contoso), { mode: 'sp' }, { csrf: false });
      assert.equal(noCsrf.statusCode, 403);
      const forged = await admin.post(markUrl(contoso), { mode: 'sp', _csrf: 'x'.repeat(43) });
      assert.equal(forged.statusCode, 403);
      // Another site's form: the browser sends the SSO cookie (SameSite=None), not the portal's (Lax).
      const portalCookie = admin.cookies.get('federa_idp_portal')!;
      admin.cookies.delete('federa_idp_portal');
      const crossSite = await admin.post(markUrl(contoso), { mode: 'sp' });
      assert.notEqual(crossSite.statusCode, 303);
      admin.cookies.set('federa_idp_portal', portalCookie);
      const bad = await admin.post(markUrl(contoso), { mode: 'both' });
      assert.equal(bad.statusCode, 400);

      const request = redirectRequest(idp.clock);
      const direct = await admin.get(request.url);
      assert.equal(direct.statusCode, 200, 'nothing was marked: the admin’s session answers');
      assert.equal(await nameIdOf(idp, contoso, direct, [request.id]), 'admin@contoso.com');
    });

    test('SP initiated needs a Sign on URL', async (t) => {
      const { idp, contoso, admin } = await setUp(t, dialect);
      const { updateBasicSaml } = await import('../src/applications/sso-settings.service.ts');
      await updateBasicSaml(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        identifiers: [{ identifier: ACME.entityId, isDefault: true }],
        replyUrls: [{ url: ACME.acsUrl, isDefault: true }],
        signOnUrl: null,
      });
      const page = (await admin.get(testUrl(contoso))).body;
      assert.doesNotMatch(page, /name="mode" value="sp"/);
      const refused = await admin.post(markUrl(contoso), { mode: 'sp' });
      assert.equal(refused.statusCode, 400);
      assert.match(decodeEntities(refused.body), /has no Sign on URL/);
    });
  });
}
