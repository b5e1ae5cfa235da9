import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { apiClient, tokenFor } from '../../test/support/api.ts';
import { Browser, inputValue, samlPostOf } from '../../test/support/browser.ts';
import { DIALECTS, startIdp, type TestIdp } from '../../test/support/harness.ts';
import { codeAt, enforceMfa, registerTotp } from '../../test/support/mfa.ts';
import { type Contoso, seedContoso, USER_PASSWORD } from '../../test/support/seed.ts';
import { acmeValidates, metadataCertificates, redirectRequest } from '../../test/support/sp.ts';
import { listSignInLogs } from '../sign-in-logs/sign-in-logs.repository.ts';
import { LOCKOUT_THRESHOLD } from '../signin/password-check.ts';
import { findUser } from '../users/users.repository.ts';
import { AMR_MULTIPLE_AUTHN, AMR_PASSWORD } from './authentication-details.ts';
import { listMethods, userMfaOf } from './methods.repository.ts';
import { totpKeyOf } from './totp.ts';

const AMR = 'http://schemas.microsoft.com/claims/authnmethodsreferences';

/** An SP-initiated sign-in up to the page after the password. */
async function passwordStep(idp: TestIdp, browser: Browser, options: { forceAuthn?: boolean } = {}) {
  const request = redirectRequest(idp.clock, options);
  const login = await browser.follow(await browser.get(request.url));
  const posted = await browser.signIn('B.Simon@contoso.com', USER_PASSWORD, login);
  return { request, posted };
}

async function validated(idp: TestIdp, contoso: Contoso, page: string, requestId: string) {
  const form = samlPostOf(page);
  return acmeValidates(form.xml, {
    tenant: contoso.tenant,
    certificates: await metadataCertificates(idp.app, contoso.tenant, contoso.app),
    clock: idp.clock,
    requestIds: [requestId],
  });
}

async function setUp(t: { after(fn: () => Promise<void>): void }, dialect: (typeof DIALECTS)[number]) {
  const idp = await startIdp(dialect);
  t.after(() => idp.close());
  const contoso = await seedContoso(idp.deps);
  return { idp, contoso, browser: new Browser(idp.app) };
}

for (const dialect of DIALECTS) {
  describe(`MFA at sign-in on ${dialect}`, () => {
    test('without MFA required, the password alone signs in and authnmethodsreferences lists the password only', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await registerTotp(idp.deps, contoso.simon);
      const { request, posted } = await passwordStep(idp, browser);
      assert.equal(posted.statusCode, 200, 'the response straight after the password');
      const assertion = await validated(idp, contoso, posted.body, request.id);
      assert.deepEqual(assertion.attributes[AMR], [AMR_PASSWORD]);
      const [log] = await listSignInLogs(idp.deps.db, contoso.tenant.id, { result: 'success' });
      assert.equal(log?.authentication?.requirement, 'singleFactorAuthentication');
      assert.deepEqual(
        log?.authentication?.details.map((d) => d.authenticationMethod),
        ['Password'],
      );
    });

    test('per-user MFA Enforced: the password leads to "Enter code", and after it the response carries multipleauthn and the MFA time', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const key = await registerTotp(idp.deps, contoso.simon);
      await enforceMfa(idp.deps, contoso.simon);
      idp.clock.advance(30);
      const { request, posted } = await passwordStep(idp, browser);
      assert.equal(posted.statusCode, 303);
      assert.equal(posted.headers.location, `/${contoso.tenant.id}/mfa`);
      // Not signed in yet: My Apps asks for the password.
      const myApps = await browser.get('/myapps');
      assert.equal(myApps.statusCode, 303);
      assert.match(String(myApps.headers.location), /\/common\/login/);

      const challenge = await browser.follow(posted);
      assert.equal(challenge.statusCode, 200);
      assert.match(challenge.body, /Enter code/);
      assert.match(challenge.body, /Sign in another way/);
      idp.clock.advance(5);
      const done = await browser.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key) });
      assert.equal(done.statusCode, 200);
      const assertion = await validated(idp, contoso, done.body, request.id);
      assert.deepEqual(assertion.attributes[AMR], [AMR_PASSWORD, AMR_MULTIPLE_AUTHN]);
      const mfaTime = (await listMethods(idp.deps.db, contoso.simon.id))[0]!.lastUsedAt!;
      // The time of the last interactive step (the code), not of the password.
      assert.ok(Math.abs(new Date(assertion.authnInstant!).getTime() - Date.parse(mfaTime)) < 50);

      const [log] = await listSignInLogs(idp.deps.db, contoso.tenant.id, { result: 'success' });
      assert.equal(log?.authentication?.requirement, 'multiFactorAuthentication');
      assert.deepEqual(
        log?.authentication?.details.map((d) => [d.authenticationMethod, d.succeeded]),
        [
          ['Password', true],
          ['OATH verification code', true],
        ],
      );

      // The same browser, another request: single sign-on with MFA already done.
      const again = redirectRequest(idp.clock);
      const sso = await browser.get(again.url);
      assert.equal(sso.statusCode, 200);
      const second = await validated(idp, contoso, sso.body, again.id);
      assert.deepEqual(second.attributes[AMR], [AMR_PASSWORD, AMR_MULTIPLE_AUTHN]);
    });

    test('the admin API’s sign-in logs carry Graph’s authenticationRequirement and authenticationDetails', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const key = await registerTotp(idp.deps, contoso.simon);
      await enforceMfa(idp.deps, contoso.simon);
      idp.clock.advance(30);
      const { posted } = await passwordStep(idp, browser);
      await browser.follow(posted);
      await browser.post(`/${contoso.tenant.id}/mfa`, { otc: '000000' });
      await browser.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key) });
      const api = apiClient(idp.app, await tokenFor(idp.deps, contoso.admin));
      const { status, body } = await api.get('/signInLogs');
      assert.equal(status, 200);
      const [success, failure] = body.value;
      assert.equal(success.result, 'success');
      assert.equal(success.authenticationRequirement, 'multiFactorAuthentication');
      assert.deepEqual(
        success.authenticationDetails.map((d: { authenticationMethod: string }) => d.authenticationMethod),
        ['Password', 'OATH verification code'],
      );
      assert.equal(failure.errorCode, 'AADSTS500121');
      assert.deepEqual(
        failure.authenticationDetails.map((d: { succeeded: boolean }) => d.succeeded),
        [true, false],
      );
      // Never a code in the log.
      assert.doesNotMatch(JSON.stringify(body), new RegExp(codeAt(idp.deps, key, -1)));
    });

    test('a code is accepted once: the same code again is refused, the next step’s code is accepted', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const key = await registerTotp(idp.deps, contoso.simon);
      await enforceMfa(idp.deps, contoso.simon);
      idp.clock.advance(30);
      const code = codeAt(idp.deps, key);
      const first = await passwordStep(idp, browser);
      await browser.follow(first.posted);
      assert.equal((await browser.post(`/${contoso.tenant.id}/mfa`, { otc: code })).statusCode, 200);

      const other = new Browser(idp.app);
      const second = await passwordStep(idp, other);
      await other.follow(second.posted);
      const replay = await other.post(`/${contoso.tenant.id}/mfa`, { otc: code });
      assert.equal(replay.statusCode, 401);
      assert.match(replay.body, /You didn’t enter the expected verification code/);
      // A code of an earlier step in the window is older than the one used: refused too.
      const older = await other.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key, -1) });
      assert.equal(older.statusCode, 401);
      idp.clock.advance(30);
      const fresh = await other.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key) });
      assert.equal(fresh.statusCode, 200);
      samlPostOf(fresh.body);
    });

    test('a code two steps away is refused, one step away accepted', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const key = await registerTotp(idp.deps, contoso.simon);
      await enforceMfa(idp.deps, contoso.simon);
      idp.clock.advance(120);
      const { posted } = await passwordStep(idp, browser);
      await browser.follow(posted);
      for (const offset of [-2, 2]) {
        const refused = await browser.post(`/${contoso.tenant.id}/mfa`, {
          otc: codeAt(idp.deps, key, offset),
        });
        assert.equal(refused.statusCode, 401, `offset ${offset}`);
      }
      const accepted = await browser.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key, 1) });
      assert.equal(accepted.statusCode, 200);
    });

    test('wrong codes count toward Smart Lockout, and a new password does not wipe the count', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const key = await registerTotp(idp.deps, contoso.simon);
      await enforceMfa(idp.deps, contoso.simon);
      idp.clock.advance(30);
      const { posted } = await passwordStep(idp, browser);
      await browser.follow(posted);
      for (let i = 0; i < LOCKOUT_THRESHOLD - 1; i++) {
        assert.equal((await browser.post(`/${contoso.tenant.id}/mfa`, { otc: '000000' })).statusCode, 401);
      }
      assert.equal((await findUser(idp.deps.db, contoso.simon.id))?.failedSignIns, LOCKOUT_THRESHOLD - 1);
      // The password again (a new sign-in), then one more wrong code: the 10th failure locks.
      const again = await passwordStep(idp, browser);
      await browser.follow(again.posted);
      assert.equal((await browser.post(`/${contoso.tenant.id}/mfa`, { otc: '000000' })).statusCode, 401);
      const locked = await findUser(idp.deps.db, contoso.simon.id);
      assert.ok(locked?.lockedUntil && locked.lockedUntil > idp.clock.now().toISOString());
      // Even the right code is refused while locked.
      const refused = await browser.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key) });
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /AADSTS50053/);
      const failures = await listSignInLogs(idp.deps.db, contoso.tenant.id, { result: 'failure' });
      assert.ok(failures.some((f) => f.errorCode === 'AADSTS500121' && f.checkName === 'mfa'));
    });

    test('the TOTP key is stored sealed: neither its base32 nor its bytes are in the row, and it opens only for its own method', async (t) => {
      const { idp, contoso } = await setUp(t, dialect);
      const key = await registerTotp(idp.deps, contoso.simon);
      const rows = await idp.deps.db.selectFrom('authentication_methods').selectAll().execute();
      assert.equal(rows.length, 1);
      const stored = JSON.stringify(rows[0]);
      const base32 = new URL(
        (await import('./totp.ts')).totpUri('Contoso', 'B.Simon@contoso.com', key),
      ).searchParams.get('secret')!;
      assert.ok(!stored.includes(base32));
      assert.ok(!stored.includes(Buffer.from(key).toString('base64')));
      assert.ok(!stored.includes(Buffer.from(key).toString('hex')));
      assert.match(rows[0]!.secret_sealed!, /^v1\./);
      const { openTotpKey } = await import('./methods.repository.ts');
      assert.deepEqual(openTotpKey(idp.deps.config.secretKey, rows[0]!.id, rows[0]!.secret_sealed!), key);
      assert.throws(() =>
        openTotpKey(idp.deps.config.secretKey, crypto.randomUUID(), rows[0]!.secret_sealed!),
      );
    });

    test('MFA required and no method: "More information required", then an authenticator app is set up and the sign-in goes on with multipleauthn', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await enforceMfa(idp.deps, contoso.simon);
      const { request, posted } = await passwordStep(idp, browser);
      const interrupt = await browser.follow(posted);
      assert.match(interrupt.body, /More information required/);
      assert.doesNotMatch(interrupt.body, /Skip for now/);
      const setup = await browser.get(`/${contoso.tenant.id}/mfa/register`);
      assert.equal(setup.statusCode, 200);
      assert.match(setup.body, /<svg /);
      const secret = /<code id="totp-secret">([^<]+)<\/code>/.exec(setup.body)?.[1];
      assert.ok(secret);
      const key = totpKeyOf(secret);
      const wrong = await browser.post(`/${contoso.tenant.id}/mfa/register`, {
        otc: codeAt(idp.deps, key, 3),
      });
      assert.equal(wrong.statusCode, 400);
      assert.equal((await listMethods(idp.deps.db, contoso.simon.id)).length, 0);
      const done = await browser.post(`/${contoso.tenant.id}/mfa/register`, { otc: codeAt(idp.deps, key) });
      assert.equal(done.statusCode, 200);
      const assertion = await validated(idp, contoso, done.body, request.id);
      assert.deepEqual(assertion.attributes[AMR], [AMR_PASSWORD, AMR_MULTIPLE_AUTHN]);
      assert.equal((await listMethods(idp.deps.db, contoso.simon.id)).length, 1);
    });

    test('per-user MFA Enabled becomes Enforced once the user has registered', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const { setPerUserMfa } = await import('./mfa-admin.service.ts');
      await setPerUserMfa(
        idp.deps,
        { id: null, name: 't', correlationId: null },
        contoso.tenant.id,
        contoso.simon.id,
        'enabled',
      );
      const { posted } = await passwordStep(idp, browser);
      await browser.follow(posted);
      const setup = await browser.get(`/${contoso.tenant.id}/mfa/register`);
      const key = totpKeyOf(/<code id="totp-secret">([^<]+)<\/code>/.exec(setup.body)![1]!);
      await browser.post(`/${contoso.tenant.id}/mfa/register`, { otc: codeAt(idp.deps, key) });
      assert.equal((await userMfaOf(idp.deps.db, contoso.simon.id)).perUserState, 'enforced');
    });

    test('with a method registered, the password alone cannot register another at the interrupt', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await registerTotp(idp.deps, contoso.simon);
      await enforceMfa(idp.deps, contoso.simon);
      const { posted } = await passwordStep(idp, browser);
      await browser.follow(posted);
      const setup = await browser.get(`/${contoso.tenant.id}/mfa/register`);
      assert.equal(setup.statusCode, 303);
      assert.equal(setup.headers.location, `/${contoso.tenant.id}/mfa`);
      const post = await browser.post(`/${contoso.tenant.id}/mfa/register`, { otc: '123456' });
      assert.equal(post.statusCode, 303);
      assert.equal((await listMethods(idp.deps.db, contoso.simon.id)).length, 1);
    });

    test('ForceAuthn asks for the password and the code again, and the AuthnInstant moves', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const key = await registerTotp(idp.deps, contoso.simon);
      await enforceMfa(idp.deps, contoso.simon);
      idp.clock.advance(30);
      const first = await passwordStep(idp, browser);
      await browser.follow(first.posted);
      const firstDone = await browser.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key) });
      const firstAssertion = await validated(idp, contoso, firstDone.body, first.request.id);

      idp.clock.advance(600);
      const forced = redirectRequest(idp.clock, { forceAuthn: true });
      const login = await browser.follow(await browser.get(forced.url));
      assert.match(login.body, /name="password"/, 'the password is asked again');
      const posted = await browser.signIn('B.Simon@contoso.com', USER_PASSWORD, login);
      assert.equal(posted.headers.location, `/${contoso.tenant.id}/mfa`, 'then the code');
      await browser.follow(posted);
      const done = await browser.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key) });
      const assertion = await validated(idp, contoso, done.body, forced.id);
      assert.deepEqual(assertion.attributes[AMR], [AMR_PASSWORD, AMR_MULTIPLE_AUTHN]);
      assert.ok(
        new Date(assertion.authnInstant!).getTime() - new Date(firstAssertion.authnInstant!).getTime() >=
          600_000,
      );
    });

    test('a session signed in with the password only is asked for the code when MFA becomes required, without the password', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const key = await registerTotp(idp.deps, contoso.simon);
      const first = await passwordStep(idp, browser);
      const firstAssertion = await validated(idp, contoso, first.posted.body, first.request.id);
      await enforceMfa(idp.deps, contoso.simon);
      idp.clock.advance(60);
      const next = redirectRequest(idp.clock);
      const stepUp = await browser.get(next.url);
      assert.equal(stepUp.statusCode, 303);
      assert.equal(stepUp.headers.location, `/${contoso.tenant.id}/mfa`);
      await browser.follow(stepUp);
      const done = await browser.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key) });
      const assertion = await validated(idp, contoso, done.body, next.id);
      assert.deepEqual(assertion.attributes[AMR], [AMR_PASSWORD, AMR_MULTIPLE_AUTHN]);
      assert.ok(
        assertion.authnInstant! > firstAssertion.authnInstant!,
        'the code is the last interactive step',
      );
    });

    test('an IsPassive request from a session that still needs MFA gets NoPassive, not a page', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await registerTotp(idp.deps, contoso.simon);
      await passwordStep(idp, browser);
      await enforceMfa(idp.deps, contoso.simon);
      const passive = redirectRequest(idp.clock, { isPassive: true });
      const answer = await browser.get(passive.url);
      assert.equal(answer.statusCode, 200);
      const form = samlPostOf(answer.body);
      assert.match(form.xml, /urn:oasis:names:tc:SAML:2\.0:status:NoPassive/);
      assert.doesNotMatch(form.xml, /<(saml:)?Assertion/);
    });

    test('cancelling the second step shows AADSTS50074 and issues nothing', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await registerTotp(idp.deps, contoso.simon);
      await enforceMfa(idp.deps, contoso.simon);
      const { posted } = await passwordStep(idp, browser);
      await browser.follow(posted);
      const cancelled = await browser.post(`/${contoso.tenant.id}/mfa/cancel`, {});
      assert.equal(cancelled.statusCode, 401);
      assert.match(cancelled.body, /AADSTS50074/);
      assert.doesNotMatch(cancelled.body, /SAMLResponse/);
      const [log] = await listSignInLogs(idp.deps.db, contoso.tenant.id, { result: 'failure' });
      assert.equal(log?.errorCode, 'AADSTS50074');
      // Nothing waits any more.
      const after = await browser.post(`/${contoso.tenant.id}/mfa`, { otc: '123456' });
      assert.equal(after.statusCode, 400);
    });

    test('security defaults: registration is asked at the next sign-in and may be skipped for 14 days, then not', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const { securityDefaultsOn, setSecurityDefaults } = await import('./security-defaults.ts');
      assert.equal(await securityDefaultsOn(idp.deps.db, contoso.tenant.id), false, 'off for a new tenant');
      await setSecurityDefaults(
        idp.deps,
        { id: null, name: 't', correlationId: null },
        contoso.tenant.id,
        true,
      );
      const first = await passwordStep(idp, browser);
      const interrupt = await browser.follow(first.posted);
      assert.match(interrupt.body, /More information required/);
      assert.match(interrupt.body, /Skip for now/);
      const skipped = await browser.post(`/${contoso.tenant.id}/mfa/skip`, {});
      assert.equal(skipped.statusCode, 200);
      const assertion = await validated(idp, contoso, skipped.body, first.request.id);
      assert.deepEqual(assertion.attributes[AMR], [AMR_PASSWORD]);

      idp.clock.advance(15 * 24 * 3600);
      const later = new Browser(idp.app);
      const second = await passwordStep(idp, later);
      const blocked = await later.follow(second.posted);
      assert.match(blocked.body, /More information required/);
      assert.doesNotMatch(blocked.body, /Skip for now/);
      const refused = await later.post(`/${contoso.tenant.id}/mfa/skip`, {});
      assert.equal(refused.statusCode, 303);
      assert.equal(refused.headers.location, `/${contoso.tenant.id}/mfa`);
    });

    test('the MFA step of a My Apps sign-in leads back to My Apps, signed in', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const key = await registerTotp(idp.deps, contoso.simon);
      await enforceMfa(idp.deps, contoso.simon);
      idp.clock.advance(30);
      const login = await browser.follow(await browser.get('/myapps'));
      const posted = await browser.signIn('B.Simon@contoso.com', USER_PASSWORD, login);
      assert.equal(posted.headers.location, `/${contoso.tenant.id}/mfa`);
      await browser.follow(posted);
      const done = await browser.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key) });
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, '/myapps');
      assert.equal((await browser.get('/myapps')).statusCode, 200);
      assert.equal(inputValue((await browser.get('/myapps')).body, '_csrf') !== null, true);
    });
  });
}
