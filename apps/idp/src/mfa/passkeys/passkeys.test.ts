import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Browser, samlPostOf } from '../../../test/support/browser.ts';
import { BASE_URL, DIALECTS, startIdp, TEST_ACTOR, type TestIdp } from '../../../test/support/harness.ts';
import { codeAt, enforceMfa, registerTotp } from '../../../test/support/mfa.ts';
import {
  type Lie,
  passkeyOptionsOf,
  refusalOf,
  SoftwareAuthenticator,
} from '../../../test/support/passkey-authenticator.ts';
import { type Contoso, seedContoso, USER_PASSWORD } from '../../../test/support/seed.ts';
import { acmeValidates, metadataCertificates, redirectRequest } from '../../../test/support/sp.ts';
import { createPolicy } from '../../conditional-access/conditional-access.service.ts';
import { listSignInLogs } from '../../sign-in-logs/sign-in-logs.repository.ts';
import { AMR_MULTIPLE_AUTHN, AMR_PASSWORD } from '../authentication-details.ts';
import { listMethods, userMfaOf } from '../methods.repository.ts';
import { passkeysOf, recordPasskeyUse } from './passkeys.repository.ts';

const AMR = 'http://schemas.microsoft.com/claims/authnmethodsreferences';
const SECURITY_INFO = '/myapps/security-info';
const ADD = '/myapps/security-info/passkey';
type Options = { challenge: string; rp: { id: string; name: string }; user: { id: string } } & Record<
  string,
  unknown
>;
type RequestOptions = { challenge: string; rpId: string; allowCredentials: Array<{ id: string }> } & Record<
  string,
  unknown
>;

async function setUp(t: { after(fn: () => Promise<void>): void }, dialect: (typeof DIALECTS)[number]) {
  const idp = await startIdp(dialect);
  t.after(() => idp.close());
  const contoso = await seedContoso(idp.deps);
  return { idp, contoso, browser: new Browser(idp.app) };
}

/** B.Simon (with an authenticator app) signs in to Security info: password, then her code. */
async function signInWithCode(idp: TestIdp, contoso: Contoso, browser: Browser, key: Uint8Array) {
  await browser.signIn('B.Simon@contoso.com', USER_PASSWORD);
  const asked = await browser.get(SECURITY_INFO);
  assert.equal(asked.headers.location, `/${contoso.tenant.id}/mfa`);
  const code = await browser.follow(asked);
  assert.match(code.body, /Enter code/);
  idp.clock.advance(30);
  const done = await browser.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key) });
  assert.equal(done.statusCode, 303);
}

/** Adds a passkey on Security info with `authenticator` (the session has recent MFA). */
async function addPasskey(
  browser: Browser,
  authenticator: SoftwareAuthenticator,
  name = 'Work laptop',
  lie?: Lie,
) {
  const page = await browser.get(ADD);
  assert.equal(page.statusCode, 200, page.body.slice(0, 400));
  const options = passkeyOptionsOf<Options>(page.body);
  const response = authenticator.register(options, lie);
  return {
    options,
    response,
    posted: await browser.post(ADD, { name, response: JSON.stringify(response) }),
  };
}

/** An SP-initiated sign-in to Sentry up to the MFA step's first page. */
async function toMfaStep(idp: TestIdp, browser: Browser) {
  const request = redirectRequest(idp.clock);
  const login = await browser.follow(await browser.get(request.url));
  const afterPassword = await browser.signIn('B.Simon@contoso.com', USER_PASSWORD, login);
  return { request, page: await browser.follow(afterPassword) };
}

async function validated(idp: TestIdp, contoso: Contoso, page: string, requestId: string) {
  return acmeValidates(samlPostOf(page).xml, {
    tenant: contoso.tenant,
    certificates: await metadataCertificates(idp.app, contoso.tenant, contoso.app),
    clock: idp.clock,
    requestIds: [requestId],
  });
}

/** B.Simon with an authenticator app and a passkey, per-user MFA Enforced, signed out. */
async function withPasskey(
  idp: TestIdp,
  contoso: Contoso,
  options: { backupEligible?: boolean; counterless?: boolean } = {},
) {
  const key = await registerTotp(idp.deps, contoso.simon);
  const setup = new Browser(idp.app);
  await signInWithCode(idp, contoso, setup, key);
  const authenticator = new SoftwareAuthenticator(BASE_URL, options);
  const { posted } = await addPasskey(setup, authenticator);
  assert.equal(posted.statusCode, 303);
  await enforceMfa(idp.deps, contoso.simon);
  idp.clock.advance(60);
  return { key, authenticator };
}

const phishingResistantPolicy = (contoso: Contoso) => ({
  displayName: 'Require phishing-resistant MFA for Sentry',
  state: 'enabled',
  conditions: {
    users: { includeUsers: ['All'], excludeUsers: [contoso.admin.id] },
    applications: { includeApplications: [contoso.app.appId] },
  },
  grantControls: {
    operator: 'OR',
    builtInControls: [],
    authenticationStrength: { id: '00000000-0000-0000-0000-000000000004' },
  },
});

for (const dialect of DIALECTS) {
  describe(`Passkeys on Security info on ${dialect}`, () => {
    test('adds a named passkey after recent MFA: RP ID = the Directory’s host, user verification required, resident key preferred; stores key, counter, transports and backup flags', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const key = await registerTotp(idp.deps, contoso.simon);
      await signInWithCode(idp, contoso, browser, key);
      const authenticator = new SoftwareAuthenticator(BASE_URL, { backupEligible: true });
      const { options, posted } = await addPasskey(browser, authenticator, '  Work   laptop ');
      assert.equal(options.rp.id, '127.0.0.1');
      assert.deepEqual(options.authenticatorSelection, {
        residentKey: 'preferred',
        userVerification: 'required',
        requireResidentKey: false,
      });
      assert.equal(posted.statusCode, 303);
      assert.equal(posted.headers.location, `${SECURITY_INFO}?done=passkey`);
      const [passkey] = await passkeysOf(idp.deps.db, contoso.simon.id);
      assert.ok(passkey);
      assert.equal(passkey.displayName, 'Work laptop');
      assert.equal(passkey.credentialId, Buffer.from(authenticator.credentials[0]!.id).toString('base64url'));
      assert.equal(passkey.counter, 0);
      assert.deepEqual(passkey.transports, ['internal']);
      assert.equal(passkey.backupEligible, true);
      assert.equal(passkey.backedUp, true);
      assert.equal(passkey.publicKey.length > 60, true);
      const list = await browser.get(`${SECURITY_INFO}?done=passkey`);
      assert.match(list.body, /Passkey was successfully registered/);
      assert.match(list.body, /<td>Passkey<\/td>\s*<td>Work laptop<\/td>/);
      // The page asks for both scripts from the Directory itself.
      const page = await browser.get(ADD);
      assert.match(
        page.body,
        /<script src="\/assets\/webauthn.js" defer><\/script><script src="\/assets\/passkey.js" defer><\/script>/,
      );
      const bundle = await browser.get('/assets/webauthn.js');
      assert.equal(bundle.statusCode, 200);
      assert.match(bundle.body, /SimpleWebAuthnBrowser/);
      assert.match((await browser.get('/assets/passkey.js')).body, /startAuthentication/);
    });

    test('without MFA in the last 5 minutes, adding a passkey asks for MFA again, on the page and on the post', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const key = await registerTotp(idp.deps, contoso.simon);
      await signInWithCode(idp, contoso, browser, key);
      idp.clock.advance(4 * 60);
      const page = await browser.get(ADD);
      assert.equal(page.statusCode, 200);
      const response = new SoftwareAuthenticator(BASE_URL).register(passkeyOptionsOf<Options>(page.body));
      idp.clock.advance(2 * 60); // the MFA is now 6 minutes old, the challenge 2
      const posted = await browser.post(ADD, { name: 'Late', response: JSON.stringify(response) });
      assert.equal(posted.statusCode, 303);
      assert.equal(posted.headers.location, `/${contoso.tenant.id}/mfa`);
      assert.equal((await passkeysOf(idp.deps.db, contoso.simon.id)).length, 0);
      // After the code, back to the page.
      idp.clock.advance(30);
      const again = await browser.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key) });
      assert.equal(again.headers.location, ADD);
    });

    test('a user with no second factor is told to add one first: a password alone never adds a passkey', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await browser.signIn('B.Simon@contoso.com', USER_PASSWORD);
      const page = await browser.get(ADD);
      assert.equal(page.statusCode, 403);
      assert.match(page.body, /Add an authenticator app first/);
      assert.doesNotMatch(page.body, /data-options/);
      const posted = await browser.post(ADD, { name: 'Mine', response: '{}' });
      assert.equal(posted.statusCode, 403);
      assert.equal((await listMethods(idp.deps.db, contoso.simon.id)).length, 0);
    });

    test('a registration challenge answers one response only', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await signInWithCode(idp, contoso, browser, await registerTotp(idp.deps, contoso.simon));
      const { response, posted } = await addPasskey(browser, new SoftwareAuthenticator(BASE_URL));
      assert.equal(posted.statusCode, 303);
      const replay = await browser.post(ADD, { name: 'Again', response: JSON.stringify(response) });
      assert.equal(replay.statusCode, 400);
      assert.equal(refusalOf(replay.body), 'CHALLENGE_MISSING');
    });

    test('refuses a registration made for another origin, another RP ID, or without user verification', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await signInWithCode(idp, contoso, browser, await registerTotp(idp.deps, contoso.simon));
      const authenticator = new SoftwareAuthenticator(BASE_URL);
      for (const lie of [
        { origin: 'https://login.evil.example' },
        { rpId: 'evil.example' },
        { userVerified: false },
      ]) {
        const { posted } = await addPasskey(browser, authenticator, 'Bad', lie);
        assert.equal(posted.statusCode, 400, JSON.stringify(lie));
        assert.equal(refusalOf(posted.body), 'CEREMONY_INVALID', JSON.stringify(lie));
      }
      assert.equal((await passkeysOf(idp.deps.db, contoso.simon.id)).length, 0);
    });

    test('deletes a passkey after confirmation, with its credential', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await signInWithCode(idp, contoso, browser, await registerTotp(idp.deps, contoso.simon));
      await addPasskey(browser, new SoftwareAuthenticator(BASE_URL));
      const [passkey] = await passkeysOf(idp.deps.db, contoso.simon.id);
      const ask = await browser.get(`${SECURITY_INFO}/${passkey!.methodId}/remove`);
      assert.equal(ask.statusCode, 200);
      assert.match(ask.body, /Delete Work laptop\?/);
      assert.match(ask.body, /no longer be able to sign in with it/);
      const removed = await browser.post(`${SECURITY_INFO}/${passkey!.methodId}/remove`, { confirm: 'yes' });
      assert.equal(removed.statusCode, 303);
      assert.equal((await passkeysOf(idp.deps.db, contoso.simon.id)).length, 0);
      const rows = await idp.deps.db.selectFrom('passkey_credentials').select('method_id').execute();
      assert.equal(rows.length, 0);
      assert.equal((await userMfaOf(idp.deps.db, contoso.simon.id)).perUserState, 'disabled');
    });
  });

  describe(`Passkey repository on ${dialect}`, () => {
    test('stores a new counter only over the counter the check read (two instances cannot both accept one assertion)', async (t) => {
      const { idp, contoso } = await setUp(t, dialect);
      await withPasskey(idp, contoso);
      const [read] = await passkeysOf(idp.deps.db, contoso.simon.id);
      assert.ok(read);
      const at = idp.clock.now().toISOString();
      assert.equal(await recordPasskeyUse(idp.deps.db, read, { counter: 7, backedUp: false, at }), true);
      assert.equal(await recordPasskeyUse(idp.deps.db, read, { counter: 7, backedUp: false, at }), false);
      const [after] = await passkeysOf(idp.deps.db, contoso.simon.id);
      assert.equal(after?.counter, 7);
      const [method] = (await listMethods(idp.deps.db, contoso.simon.id)).filter((m) => m.kind === 'passkey');
      assert.equal(method?.lastUsedAt, at);
    });
  });

  describe(`Passkeys at sign-in on ${dialect}`, () => {
    test('the MFA step offers the passkey first; it signs in with multipleauthn and the log says "Passkey (device-bound)"', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const { authenticator } = await withPasskey(idp, contoso);
      const { request, page } = await toMfaStep(idp, browser);
      assert.match(page.body, /Use your passkey/);
      assert.match(page.body, /Sign in another way/);
      const choose = await browser.get(`/${contoso.tenant.id}/mfa?choose=1`);
      assert.match(
        choose.body,
        /Use a passkey<\/a><\/li><li><a href="[^"]*\?method=totp">Use a verification code/,
      );
      const code = await browser.get(`/${contoso.tenant.id}/mfa?method=totp`);
      assert.match(code.body, /Enter code/);
      const again = await browser.get(`/${contoso.tenant.id}/mfa?method=passkey`);
      const options = passkeyOptionsOf<RequestOptions>(again.body);
      assert.equal(options.rpId, '127.0.0.1');
      assert.equal(options.userVerification, 'required');
      assert.deepEqual(
        options.allowCredentials.map((c) => c.id),
        [Buffer.from(authenticator.credentials[0]!.id).toString('base64url')],
      );
      const done = await browser.post(`/${contoso.tenant.id}/mfa/passkey`, {
        response: JSON.stringify(authenticator.authenticate(options)),
      });
      assert.equal(done.statusCode, 200, done.body.slice(0, 600));
      const assertion = await validated(idp, contoso, done.body, request.id);
      assert.deepEqual(assertion.attributes[AMR], [AMR_PASSWORD, AMR_MULTIPLE_AUTHN]);
      const [log] = await listSignInLogs(idp.deps.db, contoso.tenant.id, { result: 'success' });
      assert.equal(log?.authentication?.requirement, 'multiFactorAuthentication');
      assert.deepEqual(
        log?.authentication?.details.map((d) => [d.authenticationMethod, d.succeeded]),
        [
          ['Password', true],
          ['Passkey (device-bound)', true],
        ],
      );
      const [stored] = await passkeysOf(idp.deps.db, contoso.simon.id);
      assert.equal(stored?.counter, 1);
    });

    test('a synced passkey (backup eligible) is logged as "Passkey"', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const { authenticator } = await withPasskey(idp, contoso, { backupEligible: true, counterless: true });
      const { page } = await toMfaStep(idp, browser);
      const done = await browser.post(`/${contoso.tenant.id}/mfa/passkey`, {
        response: JSON.stringify(authenticator.authenticate(passkeyOptionsOf<RequestOptions>(page.body))),
      });
      assert.equal(done.statusCode, 200);
      const [log] = await listSignInLogs(idp.deps.db, contoso.tenant.id, { result: 'success' });
      assert.deepEqual(
        log?.authentication?.details.map((d) => d.authenticationMethod),
        ['Password', 'Passkey'],
      );
    });

    test('an authentication challenge expires after 5 minutes', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const { authenticator } = await withPasskey(idp, contoso);
      const { page } = await toMfaStep(idp, browser);
      const response = authenticator.authenticate(passkeyOptionsOf<RequestOptions>(page.body));
      idp.clock.advance(5 * 60 + 1);
      const late = await browser.post(`/${contoso.tenant.id}/mfa/passkey`, {
        response: JSON.stringify(response),
      });
      assert.equal(late.statusCode, 401);
      assert.equal(refusalOf(late.body), 'CHALLENGE_EXPIRED');
    });

    test('an authentication challenge answers one response only', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      // Counterless (as synced passkeys are), so that only the challenge stands against a replay.
      const { authenticator } = await withPasskey(idp, contoso, { counterless: true });
      const { page } = await toMfaStep(idp, browser);
      const response = JSON.stringify(
        authenticator.authenticate(passkeyOptionsOf<RequestOptions>(page.body)),
      );
      const done = await browser.post(`/${contoso.tenant.id}/mfa/passkey`, { response });
      assert.equal(done.statusCode, 200);
      // The app asks again with ForceAuthn: a new MFA step, whose page is never shown; the same answer
      // is sent again.
      const again = redirectRequest(idp.clock, { forceAuthn: true });
      const login = await browser.follow(await browser.get(again.url));
      const toMfa = await browser.signIn('B.Simon@contoso.com', USER_PASSWORD, login);
      assert.equal(toMfa.headers.location, `/${contoso.tenant.id}/mfa`);
      const replayed = await browser.post(`/${contoso.tenant.id}/mfa/passkey`, { response });
      assert.equal(replayed.statusCode, 401);
      assert.equal(refusalOf(replayed.body), 'CHALLENGE_MISSING');
    });

    test('refuses an assertion made for another origin or another RP ID', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const { authenticator } = await withPasskey(idp, contoso);
      let { page } = await toMfaStep(idp, browser);
      for (const lie of [{ origin: 'https://login.evil.example' }, { rpId: 'evil.example' }]) {
        const refused = await browser.post(`/${contoso.tenant.id}/mfa/passkey`, {
          response: JSON.stringify(
            authenticator.authenticate(passkeyOptionsOf<RequestOptions>(page.body), lie),
          ),
        });
        assert.equal(refused.statusCode, 401, JSON.stringify(lie));
        assert.equal(refusalOf(refused.body), 'CEREMONY_INVALID', JSON.stringify(lie));
        page = refused;
      }
    });

    test('a signature counter that does not move forward is refused and logged, and the stored counter stays', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const { authenticator } = await withPasskey(idp, contoso);
      const first = await toMfaStep(idp, browser);
      const ok = await browser.post(`/${contoso.tenant.id}/mfa/passkey`, {
        response: JSON.stringify(
          authenticator.authenticate(passkeyOptionsOf<RequestOptions>(first.page.body), { counter: 5 }),
        ),
      });
      assert.equal(ok.statusCode, 200);
      const clone = new Browser(idp.app);
      const second = await toMfaStep(idp, clone);
      const refused = await clone.post(`/${contoso.tenant.id}/mfa/passkey`, {
        response: JSON.stringify(
          authenticator.authenticate(passkeyOptionsOf<RequestOptions>(second.page.body), { counter: 3 }),
        ),
      });
      assert.equal(refused.statusCode, 401);
      assert.equal(refusalOf(refused.body), 'COUNTER_REGRESSED');
      assert.equal((await passkeysOf(idp.deps.db, contoso.simon.id))[0]?.counter, 5);
      const [log] = await listSignInLogs(idp.deps.db, contoso.tenant.id, { result: 'failure' });
      assert.match(log?.failureReason ?? '', /COUNTER_REGRESSED/);
      assert.deepEqual(
        log?.authentication?.details.map((d) => [d.authenticationMethod, d.succeeded]),
        [
          ['Password', true],
          ['Passkey (device-bound)', false],
        ],
      );
    });

    test('phishing-resistant MFA (Conditional Access): only the passkey is offered, and it satisfies the policy', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const { authenticator } = await withPasskey(idp, contoso);
      await createPolicy(idp.deps, TEST_ACTOR, contoso.tenant.id, phishingResistantPolicy(contoso));
      const { request, page } = await toMfaStep(idp, browser);
      assert.match(page.body, /Use your passkey/);
      assert.doesNotMatch(page.body, /Sign in another way/);
      const done = await browser.post(`/${contoso.tenant.id}/mfa/passkey`, {
        response: JSON.stringify(authenticator.authenticate(passkeyOptionsOf<RequestOptions>(page.body))),
      });
      assert.equal(done.statusCode, 200, done.body.slice(0, 600));
      const assertion = await validated(idp, contoso, done.body, request.id);
      assert.deepEqual(assertion.attributes[AMR], [AMR_PASSWORD, AMR_MULTIPLE_AUTHN]);
    });

    test('phishing-resistant MFA without a passkey: the code first, then a passkey is registered and used', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      const key = await registerTotp(idp.deps, contoso.simon);
      await createPolicy(idp.deps, TEST_ACTOR, contoso.tenant.id, phishingResistantPolicy(contoso));
      idp.clock.advance(30);
      const { request, page } = await toMfaStep(idp, browser);
      assert.match(page.body, /Enter code/);
      const afterCode = await browser.post(`/${contoso.tenant.id}/mfa`, { otc: codeAt(idp.deps, key) });
      const register = await browser.follow(afterCode);
      assert.match(register.body, /Keep your account secure/);
      assert.match(register.body, /requires a passkey/);
      const authenticator = new SoftwareAuthenticator(BASE_URL);
      const created = await browser.post(`/${contoso.tenant.id}/mfa/passkey/register`, {
        name: 'Phone',
        response: JSON.stringify(authenticator.register(passkeyOptionsOf<Options>(register.body))),
      });
      assert.equal(created.statusCode, 303);
      const challenge = await browser.follow(created);
      assert.match(challenge.body, /Use your passkey/);
      const done = await browser.post(`/${contoso.tenant.id}/mfa/passkey`, {
        response: JSON.stringify(
          authenticator.authenticate(passkeyOptionsOf<RequestOptions>(challenge.body)),
        ),
      });
      assert.equal(done.statusCode, 200, done.body.slice(0, 600));
      await validated(idp, contoso, done.body, request.id);
    });

    test('phishing-resistant MFA for a user with no method at all: AADSTS50074 (adding a passkey needs MFA)', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await createPolicy(idp.deps, TEST_ACTOR, contoso.tenant.id, phishingResistantPolicy(contoso));
      const request = redirectRequest(idp.clock);
      const login = await browser.follow(await browser.get(request.url));
      const page = await browser.follow(await browser.signIn('B.Simon@contoso.com', USER_PASSWORD, login));
      assert.match(page.body, /AADSTS50074/);
      assert.doesNotMatch(page.body, /federa-saml-post/);
    });

    test('the passkey registration interrupt needs a second factor proved in the last 5 minutes', async (t) => {
      const { idp, contoso, browser } = await setUp(t, dialect);
      await registerTotp(idp.deps, contoso.simon);
      await createPolicy(idp.deps, TEST_ACTOR, contoso.tenant.id, phishingResistantPolicy(contoso));
      await toMfaStep(idp, browser);
      const page = await browser.get(`/${contoso.tenant.id}/mfa/passkey/register`);
      assert.equal(page.statusCode, 303, 'the password alone does not reach it');
      const posted = await browser.post(`/${contoso.tenant.id}/mfa/passkey/register`, {
        name: 'X',
        response: '{}',
      });
      assert.equal(posted.statusCode, 303);
      assert.equal((await passkeysOf(idp.deps.db, contoso.simon.id)).length, 0);
    });
  });
}
