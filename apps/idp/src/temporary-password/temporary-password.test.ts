import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NS, parseXml, STATUS } from '@federa/saml';
import type { LightMyRequestResponse as InjectResponse } from 'fastify';
import { apiClient, tokenFor } from '../../test/support/api.ts';
import { Browser, samlPostOf } from '../../test/support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR, type TestIdp } from '../../test/support/harness.ts';
import { codeAt, enforceMfa, registerTotp } from '../../test/support/mfa.ts';
import { ADMIN_PASSWORD, type Contoso, seedContoso, USER_PASSWORD } from '../../test/support/seed.ts';
import { acmeValidates, metadataCertificates, redirectRequest } from '../../test/support/sp.ts';
import { listAudit } from '../audit/audit.repository.ts';
import { listSignInLogs } from '../sign-in-logs/sign-in-logs.repository.ts';
import { LOCKOUT_THRESHOLD } from '../signin/password-check.ts';
import { findUser, setForceChangePassword } from '../users/users.repository.ts';
import { resetPassword } from '../users/users.service.ts';

const NEW_PASSWORD = 'Chosen-by-B.Simon-1';

async function setUp(t: { after(fn: () => Promise<void>): void }, dialect: (typeof DIALECTS)[number]) {
  const idp = await startIdp(dialect);
  t.after(() => idp.close());
  const contoso = await seedContoso(idp.deps);
  return { idp, contoso, browser: new Browser(idp.app) };
}

/** B.Simon's password becomes temporary, as an administrator's Create user or Reset password makes it. */
async function makeTemporary(idp: TestIdp, contoso: Contoso): Promise<void> {
  await setForceChangePassword(idp.deps.db, contoso.simon.id, true, idp.clock.now().toISOString());
}

/** An SP-initiated sign-in of B.Simon up to the Directory's answer to her password. */
async function passwordStep(idp: TestIdp, browser: Browser, password = USER_PASSWORD) {
  const request = redirectRequest(idp.clock);
  const login = await browser.follow(await browser.get(request.url));
  const posted = await browser.signIn('B.Simon@contoso.com', password, login);
  return { request, posted };
}

const update = (browser: Browser, contoso: Contoso, fields: Record<string, string>) =>
  browser.post(`/${contoso.tenant.id}/update-password`, fields);

const change = (current: string, next: string, confirm = next) => ({
  currentPassword: current,
  newPassword: next,
  confirmPassword: confirm,
});

async function validated(idp: TestIdp, contoso: Contoso, page: InjectResponse, requestId: string) {
  return acmeValidates(samlPostOf(page.body).xml, {
    tenant: contoso.tenant,
    certificates: await metadataCertificates(idp.app, contoso.tenant, contoso.app),
    clock: idp.clock,
    requestIds: [requestId],
  });
}

function statusOf(xml: string) {
  const { root } = parseXml(xml);
  const codes = Array.from(root.getElementsByTagNameNS(NS.protocol, 'StatusCode'));
  return {
    code: codes[0]?.getAttribute('Value') ?? null,
    subCode: codes[1]?.getAttribute('Value') ?? null,
    assertions: root.getElementsByTagNameNS(NS.assertion, 'Assertion').length,
  };
}

for (const dialect of DIALECTS) {
  describe(`temporary passwords ("Update your password") on ${dialect}`, () => {
    test('a temporary password leads to "Update your password": no SAML response and no signed-in session before the change', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await makeTemporary(idp, contoso);
      const { posted } = await passwordStep(idp, browser);
      assert.equal(posted.statusCode, 303);
      assert.equal(posted.headers.location, `/${contoso.tenant.id}/update-password`);
      assert.doesNotMatch(posted.body, /SAMLResponse/);

      const page = await browser.follow(posted);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Update your password/);
      assert.match(
        page.body,
        /You need to update your password because this is the first time you are signing in/,
      );
      assert.match(page.body, /B\.Simon@contoso\.com/);
      assert.match(page.body, /to continue to Sentry/);
      for (const name of ['currentPassword', 'newPassword', 'confirmPassword']) {
        assert.match(page.body, new RegExp(`name="${name}" type="password"`));
      }

      // Not signed in: My Apps asks for the password, and another request of the app gets the sign-in page.
      const myApps = await browser.get('/myapps');
      assert.equal(myApps.statusCode, 303);
      assert.match(String(myApps.headers.location), /\/common\/login/);
      const again = await browser.get(redirectRequest(idp.clock).url);
      assert.equal(again.statusCode, 303);
      assert.match(String(again.headers.location), /\/login\?flow=/);
      // A silent request cannot show the page: NoPassive, no assertion, AADSTS50055 in the sign-in log.
      const passive = await browser.get(redirectRequest(idp.clock, { isPassive: true }).url);
      const status = statusOf(samlPostOf(passive.body).xml);
      assert.equal(status.code, STATUS.responder);
      assert.equal(status.subCode, STATUS.noPassive);
      assert.equal(status.assertions, 0);
      const [refused] = await listSignInLogs(idp.deps.db, contoso.tenant.id, { result: 'failure' });
      assert.equal(refused?.errorCode, 'AADSTS50055');
      assert.equal(refused?.checkName, 'temporary-password');
      assert.equal(refused?.userId, contoso.simon.id);
      assert.equal((await listSignInLogs(idp.deps.db, contoso.tenant.id, { result: 'success' })).length, 0);
      assert.equal(
        (await findUser(idp.deps.db, contoso.simon.id))?.passwordProfile?.forceChangePasswordNextSignIn,
        true,
      );
    });

    test('the new password must meet Entra’s rule, differ from the current one and be typed twice; then the waiting sign-in is finished and the old password no longer works', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await makeTemporary(idp, contoso);
      const { request, posted } = await passwordStep(idp, browser);
      await browser.follow(posted);

      const weak = await update(browser, contoso, change(USER_PASSWORD, 'password'));
      assert.equal(weak.statusCode, 400);
      assert.match(weak.body, /The password must (have 8 to 256 characters|use three of)/);
      const same = await update(browser, contoso, change(USER_PASSWORD, USER_PASSWORD));
      assert.equal(same.statusCode, 400);
      assert.match(same.body, /can’t reuse your current password/);
      const typo = await update(browser, contoso, change(USER_PASSWORD, NEW_PASSWORD, `${NEW_PASSWORD}x`));
      assert.equal(typo.statusCode, 400);
      assert.match(typo.body, /The passwords don’t match/);
      assert.equal(
        (await findUser(idp.deps.db, contoso.simon.id))?.passwordProfile?.forceChangePasswordNextSignIn,
        true,
      );

      const done = await update(browser, contoso, change(USER_PASSWORD, NEW_PASSWORD));
      assert.equal(done.statusCode, 200, 'the waiting sign-in is finished at once');
      const assertion = await validated(idp, contoso, done, request.id);
      assert.equal(assertion.nameId, 'B.Simon@contoso.com');
      assert.equal(
        (await findUser(idp.deps.db, contoso.simon.id))?.passwordProfile?.forceChangePasswordNextSignIn,
        false,
      );
      // Signed in now: single sign-on for the next request, no password asked.
      assert.ok(samlPostOf((await browser.get(redirectRequest(idp.clock).url)).body));

      // The sign-in log records the change, then the success; the audit log the user's own change.
      const [changed] = await listSignInLogs(idp.deps.db, contoso.tenant.id, { result: 'interrupted' });
      assert.equal(changed?.errorCode, 'AADSTS50055');
      assert.equal(changed?.checkName, 'password-change');
      assert.equal(changed?.applicationId, contoso.app.id);
      const audit = await listAudit(idp.deps.db, contoso.tenant.id);
      const entry = audit.find((a) => a.activity === 'Change user password');
      assert.equal(entry?.actorId, contoso.simon.id);
      assert.equal(entry?.targetId, contoso.simon.id);
      assert.equal(
        JSON.stringify(entry?.details).includes(NEW_PASSWORD),
        false,
        'no password in the audit log',
      );

      // Another browser: the old password is refused, the new one signs in without the page.
      const old = await passwordStep(idp, new Browser(idp.app));
      assert.equal(old.posted.statusCode, 401);
      assert.match(old.posted.body, /AADSTS50126/);
      const fresh = await passwordStep(idp, new Browser(idp.app), NEW_PASSWORD);
      assert.equal(fresh.posted.statusCode, 200);
      await validated(idp, contoso, fresh.posted, fresh.request.id);
    });

    test('a wrong current password is refused and counts toward Smart Lockout, which then locks the account', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await makeTemporary(idp, contoso);
      const { posted } = await passwordStep(idp, browser);
      await browser.follow(posted);
      const wrong = await update(browser, contoso, change('Not-her-Pa55word', NEW_PASSWORD));
      assert.equal(wrong.statusCode, 401);
      assert.match(wrong.body, /Your current password is incorrect/);
      assert.equal((await findUser(idp.deps.db, contoso.simon.id))?.failedSignIns, 1);
      for (let i = 2; i < LOCKOUT_THRESHOLD; i++) {
        assert.equal(
          (await update(browser, contoso, change(`Wrong-${i}-Pa55`, NEW_PASSWORD))).statusCode,
          401,
        );
      }
      const locked = await update(browser, contoso, change('Wrong-last-Pa55', NEW_PASSWORD));
      assert.equal(locked.statusCode, 403);
      assert.match(locked.body, /AADSTS50053/);
      const user = await findUser(idp.deps.db, contoso.simon.id);
      assert.ok(user?.lockedUntil && user.lockedUntil > idp.clock.now().toISOString());
      assert.equal(user?.passwordProfile?.forceChangePasswordNextSignIn, true, 'still temporary');
      // The step is over: the right current password does not change it now.
      const after = await update(browser, contoso, change(USER_PASSWORD, NEW_PASSWORD));
      assert.equal(after.statusCode, 400);
      assert.equal(
        (await findUser(idp.deps.db, contoso.simon.id))?.passwordProfile?.forceChangePasswordNextSignIn,
        true,
      );
    });

    test('with MFA required, the page comes after the second factor, and the response then carries both', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const key = await registerTotp(idp.deps, contoso.simon);
      await enforceMfa(idp.deps, contoso.simon);
      await makeTemporary(idp, contoso);
      idp.clock.advance(30);
      const { request, posted } = await passwordStep(idp, browser);
      assert.equal(posted.headers.location, `/${contoso.tenant.id}/mfa`);
      idp.clock.advance(5);
      const proved = await browser.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key) });
      assert.equal(proved.statusCode, 303);
      assert.equal(proved.headers.location, `/${contoso.tenant.id}/update-password`);
      assert.equal((await browser.get('/myapps')).statusCode, 303, 'not signed in yet');
      const done = await update(browser, contoso, change(USER_PASSWORD, NEW_PASSWORD));
      const assertion = await validated(idp, contoso, done, request.id);
      assert.deepEqual(assertion.attributes['http://schemas.microsoft.com/claims/authnmethodsreferences'], [
        'http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password',
        'http://schemas.microsoft.com/claims/multipleauthn',
      ]);
    });

    test('signing in to My Apps: after the change the user lands on My Apps', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await makeTemporary(idp, contoso);
      const posted = await browser.signIn('B.Simon@contoso.com', USER_PASSWORD);
      assert.equal(posted.headers.location, `/${contoso.tenant.id}/update-password`);
      const page = await browser.follow(posted);
      assert.match(page.body, /to continue to My Apps/);
      const done = await update(browser, contoso, change(USER_PASSWORD, NEW_PASSWORD));
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, '/myapps');
      assert.equal((await browser.get('/myapps')).statusCode, 200);
      const [success] = await listSignInLogs(idp.deps.db, contoso.tenant.id, { result: 'success' });
      assert.equal(success?.checkName, 'password-change');
      assert.equal(success?.appDisplayName, 'My Apps');
    });

    test('an administrator’s Reset password ends the user’s session: silent requests get NoPassive, the next sign-in asks for a new password', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const first = await passwordStep(idp, browser);
      assert.ok(samlPostOf(first.posted.body));
      const { password } = await resetPassword(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id);
      const passive = await browser.get(redirectRequest(idp.clock, { isPassive: true }).url);
      assert.equal(statusOf(samlPostOf(passive.body).xml).subCode, STATUS.noPassive);
      assert.equal((await browser.get('/myapps')).statusCode, 303, 'signed out of My Apps');
      const next = await passwordStep(idp, browser, password);
      assert.equal(next.posted.headers.location, `/${contoso.tenant.id}/update-password`);
      const done = await update(browser, contoso, change(password, NEW_PASSWORD));
      await validated(idp, contoso, done, next.request.id);
    });

    test('the page without a waiting change says the sign-in is no longer waiting', async (t) => {
      const { contoso, browser } = await setUp(t, dialect);
      const page = await browser.get(`/${contoso.tenant.id}/update-password`);
      assert.equal(page.statusCode, 400);
      assert.match(page.body, /no longer waiting for a new password/);
      // A form posted anyway (with the token of another page) changes nothing.
      await browser.get('/common/login');
      const posted = await update(browser, contoso, change(USER_PASSWORD, NEW_PASSWORD));
      assert.equal(posted.statusCode, 400);
      assert.match(posted.body, /no longer waiting for a new password/);
    });

    test('the portal’s Create user and Reset password make the password temporary, and the shown-once page says so', async (t) => {
      const { idp, contoso } = await setUp(t, dialect);
      const admin = new Browser(idp.app);
      await admin.follow(
        await admin.signIn(
          'admin@contoso.com',
          ADMIN_PASSWORD,
          await admin.get('/common/login?return=/portal'),
        ),
      );
      await admin.get('/portal/users/new');
      const created = await admin.post('/portal/users', {
        userPrincipalName: 'New.Person@contoso.com',
        displayName: 'New Person',
        accountEnabled: 'on',
        submitted: '1',
      });
      assert.equal(created.statusCode, 201);
      assert.match(created.body, /New Person will be asked to choose a new password at first sign-in/);
      const id = /href="\/portal\/users\/([0-9a-f-]{36})"/.exec(created.body)?.[1];
      assert.ok(id);
      assert.equal((await findUser(idp.deps.db, id))?.passwordProfile?.forceChangePasswordNextSignIn, true);
      const detail = await admin.get(`/portal/users/${id}`);
      assert.match(detail.body, /Temporary: the user chooses a new one at the next sign-in/);
      const reset = await admin.post(`/portal/users/${contoso.simon.id}/reset-password`, {});
      assert.match(reset.body, /B\.Simon will be asked to choose a new password at the next sign-in/);
      assert.equal(
        (await findUser(idp.deps.db, contoso.simon.id))?.passwordProfile?.forceChangePasswordNextSignIn,
        true,
      );
    });

    test('the admin API: passwordProfile on create and PATCH (default false, as Graph’s), returned without the password; resetPassword makes it temporary', async (t) => {
      const { idp, contoso } = await setUp(t, dialect);
      const api = apiClient(idp.app, await tokenFor(idp.deps, contoso.admin));
      const plain = await api.post('/users', {
        userPrincipalName: 'Plain@contoso.com',
        displayName: 'Plain',
        password: 'Plain-Pa55word!',
      });
      assert.equal(plain.status, 201);
      assert.deepEqual(plain.body.user.passwordProfile, { forceChangePasswordNextSignIn: false });
      const temporary = await api.post('/users', {
        userPrincipalName: 'Temp@contoso.com',
        displayName: 'Temp',
        passwordProfile: { password: 'Temp-Pa55word!', forceChangePasswordNextSignIn: true },
      });
      assert.equal(temporary.status, 201);
      assert.equal(temporary.body.password, 'Temp-Pa55word!');
      assert.deepEqual(temporary.body.user.passwordProfile, { forceChangePasswordNextSignIn: true });
      const got = await api.get(`/users/${temporary.body.user.id}`);
      assert.deepEqual(got.body.passwordProfile, { forceChangePasswordNextSignIn: true });
      assert.doesNotMatch(got.text, /Temp-Pa55word!|password_hash|"password"/);
      // The temporary one leads to the page at sign-in.
      const browser = new Browser(idp.app);
      const signIn = await browser.signIn('Temp@contoso.com', 'Temp-Pa55word!');
      assert.equal(signIn.headers.location, `/${contoso.tenant.id}/update-password`);

      const weak = await api.post('/users', {
        userPrincipalName: 'Weak@contoso.com',
        displayName: 'Weak',
        passwordProfile: { password: 'weak' },
      });
      assert.equal(weak.status, 400);
      const twice = await api.post('/users', {
        userPrincipalName: 'Twice@contoso.com',
        displayName: 'Twice',
        password: 'First-Pa55word!',
        passwordProfile: { password: 'Second-Pa55word!' },
      });
      assert.equal(twice.status, 400);

      // PATCH: the flag alone; a new password (not temporary unless said); a refused password changes nothing.
      const id = plain.body.user.id;
      const flagged = await api.patch(`/users/${id}`, {
        passwordProfile: { forceChangePasswordNextSignIn: true },
      });
      assert.equal(flagged.status, 200);
      assert.deepEqual(flagged.body.passwordProfile, { forceChangePasswordNextSignIn: true });
      const newPassword = await api.patch(`/users/${id}`, {
        displayName: 'Plain Person',
        passwordProfile: { password: 'Next-Pa55word!' },
      });
      assert.equal(newPassword.status, 200);
      assert.equal(newPassword.body.displayName, 'Plain Person');
      assert.deepEqual(newPassword.body.passwordProfile, { forceChangePasswordNextSignIn: false });
      assert.equal(
        (await new Browser(idp.app).signIn('Plain@contoso.com', 'Next-Pa55word!')).statusCode,
        303,
      );
      const refused = await api.patch(`/users/${id}`, {
        displayName: 'Not saved',
        passwordProfile: { password: 'short', forceChangePasswordNextSignIn: true },
      });
      assert.equal(refused.status, 400);
      const unchanged = await api.get(`/users/${id}`);
      assert.equal(unchanged.body.displayName, 'Plain Person');
      assert.deepEqual(unchanged.body.passwordProfile, { forceChangePasswordNextSignIn: false });

      const reset = await api.post(`/users/${id}/resetPassword`);
      assert.equal(reset.status, 200);
      assert.deepEqual(reset.body.user.passwordProfile, { forceChangePasswordNextSignIn: true });
      const audit = await listAudit(idp.deps.db, contoso.tenant.id);
      assert.ok(
        audit.every((a) => !JSON.stringify(a.details).includes('Pa55word')),
        'no password in the audit log',
      );
    });
  });
}
