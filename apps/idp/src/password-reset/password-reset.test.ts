import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Browser, samlPostOf } from '../../test/support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR } from '../../test/support/harness.ts';
import { codeAt, registerTotp } from '../../test/support/mfa.ts';
import { resetWithCode, ridOf, startReset } from '../../test/support/password-reset.ts';
import { seedContoso, USER_PASSWORD } from '../../test/support/seed.ts';
import { redirectRequest } from '../../test/support/sp.ts';
import { listAudit } from '../audit/audit.repository.ts';
import { LOCKOUT_THRESHOLD } from '../signin/password-check.ts';
import { findUser } from '../users/users.repository.ts';
import { setPasswordResetPolicy } from './policy.ts';

const NEW_PASSWORD = 'New-Pa55word!';
const SIMON = 'B.Simon@contoso.com';

/** Contoso with self-service password reset for All, and B.Simon with an authenticator app. */
async function setUp(t: { after(fn: () => Promise<void>): void }, dialect: (typeof DIALECTS)[number]) {
  const idp = await startIdp(dialect);
  t.after(() => idp.close());
  const contoso = await seedContoso(idp.deps);
  await setPasswordResetPolicy(idp.deps, TEST_ACTOR, contoso.tenant.id, { enabledFor: 'all' });
  const key = await registerTotp(idp.deps, contoso.simon);
  idp.clock.advance(30);
  return { idp, contoso, key, browser: new Browser(idp.app) };
}

const signsIn = async (idp: { app: Browser['app'] }, password: string) =>
  (await new Browser(idp.app).signIn(SIMON, password)).headers.location === '/myapps';

for (const dialect of DIALECTS) {
  describe(`Self-service password reset on ${dialect}`, () => {
    test('a user with an authenticator app resets with its code: the new password signs in, the old one no longer does; lockout cleared, sessions elsewhere ended, audited with one correlation id', async (t) => {
      const { idp, contoso, key, browser } = await setUp(t, dialect);
      // Signed in elsewhere, and a few wrong passwords on the count.
      const elsewhere = new Browser(idp.app);
      await elsewhere.signIn(SIMON, USER_PASSWORD);
      assert.equal((await elsewhere.get('/myapps')).statusCode, 200);
      for (let i = 0; i < 3; i++) await new Browser(idp.app).signIn(SIMON, 'wrong');
      assert.equal((await findUser(idp.deps.db, contoso.simon.id))?.failedSignIns, 3);

      const { page } = await startReset(browser, SIMON);
      assert.match(page.body, /Get back into your account/);
      const before = browser.cookies.get('federa_idp_session');
      const { verified, done } = await resetWithCode(browser, page, codeAt(idp.deps, key), NEW_PASSWORD);
      assert.equal(verified.statusCode, 303);
      assert.notEqual(browser.cookies.get('federa_idp_session'), before, 'a new session id once verified');
      assert.ok(done);
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /Your password has been reset/);
      assert.match(done.body, /href="\/common\/login"/);
      assert.equal(
        (await findUser(idp.deps.db, contoso.simon.id))?.failedSignIns,
        0,
        'lockout count cleared',
      );

      assert.equal(await signsIn(idp, USER_PASSWORD), false);
      assert.equal(await signsIn(idp, NEW_PASSWORD), true);
      // The session signed in before the reset is over.
      const gone = await elsewhere.get('/myapps');
      assert.equal(gone.statusCode, 303);
      assert.match(String(gone.headers.location), /\/login/);

      const audit = await listAudit(idp.deps.db, contoso.tenant.id);
      const reset = audit.find((e) => e.activity === 'Reset password (self-service)');
      assert.ok(reset);
      assert.equal(reset.actorId, contoso.simon.id);
      assert.equal(reset.targetId, contoso.simon.id);
      assert.deepEqual(reset.details, {
        verifiedWith: 'Authenticator app code',
        signInSessionsRevoked: true,
        lockoutCleared: true,
        forceChangePasswordNextSignIn: false,
      });
      const progress = audit.filter(
        (e) => e.activity === 'Self-service password reset flow activity progress',
      );
      assert.ok(reset.correlationId);
      assert.ok(progress.length >= 1);
      assert.ok(progress.every((e) => e.correlationId === reset.correlationId));
    });

    test('Forgot my password keeps the waiting SAML sign-in: after the reset, signing in finishes it', async (t) => {
      const { idp, key, browser } = await setUp(t, dialect);
      const login = await browser.follow(await browser.get(redirectRequest(idp.clock).url));
      const flow = /name="flow" value="([^"]+)"/.exec(login.body)?.[1];
      assert.ok(flow);
      const link = /href="([^"]*\/passwordreset\?flow=[^"]+)"/.exec(login.body)?.[1];
      assert.ok(link, 'the sign-in page links to the reset with the waiting sign-in');
      assert.match(login.body, />Forgot my password</);
      const start = await browser.get(link.replace(/&amp;/g, '&'));
      assert.match(start.body, new RegExp(`name="flow" value="${flow}"`));
      const segment = link.split('/')[1]!;
      const posted = await browser.post(`/${segment}/passwordreset`, { username: SIMON, flow });
      const { done } = await resetWithCode(
        browser,
        await browser.follow(posted),
        codeAt(idp.deps, key),
        NEW_PASSWORD,
        segment,
      );
      assert.ok(done);
      const back = /href="([^"]*\/login\?flow=[^"]+)"/.exec(done.body)?.[1];
      assert.ok(back, done.body);
      const signInPage = await browser.get(back.replace(/&amp;/g, '&'));
      const finished = await browser.follow(await browser.signIn(SIMON, NEW_PASSWORD, signInPage));
      assert.ok(samlPostOf(finished.body), 'the response goes to Sentry');
    });

    test('a code works once: the code that verified one reset does not verify another', async (t) => {
      const { idp, key, browser } = await setUp(t, dialect);
      const code = codeAt(idp.deps, key);
      const first = await startReset(browser, SIMON);
      const ok = await browser.post('/common/passwordreset/verify', { rid: ridOf(first.page), otc: code });
      assert.equal(ok.statusCode, 303);
      const other = new Browser(idp.app);
      const second = await startReset(other, SIMON);
      const again = await other.post('/common/passwordreset/verify', { rid: ridOf(second.page), otc: code });
      assert.equal(again.statusCode, 401);
      assert.match(again.body, /You didn’t enter the expected verification code/);
    });

    test('wrong codes count toward Smart Lockout: the 10th locks the account; then even the right code fails, with the same answer', async (t) => {
      const { idp, contoso, key, browser } = await setUp(t, dialect);
      const { page } = await startReset(browser, SIMON);
      const rid = ridOf(page);
      let last = page;
      for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
        last = await browser.post('/common/passwordreset/verify', { rid, otc: '000000' });
        assert.equal(last.statusCode, 401);
      }
      const locked = await findUser(idp.deps.db, contoso.simon.id);
      assert.ok(locked?.lockedUntil, 'locked');
      const right = await browser.post('/common/passwordreset/verify', { rid, otc: codeAt(idp.deps, key) });
      assert.equal(right.statusCode, 401);
      assert.match(right.body, /You didn’t enter the expected verification code/);
      // The sign-in page says it plainly (as before).
      const signIn = await new Browser(idp.app).signIn(SIMON, USER_PASSWORD);
      assert.match(signIn.body, /AADSTS50053/);
      const audit = await listAudit(idp.deps.db, contoso.tenant.id);
      assert.ok(audit.some((e) => (e.details as { reason?: string }).reason === 'accountLocked'));
    });

    test('the flow is not reusable: its password form does nothing once used, a new flow replaces an old one, and it expires after 10 minutes', async (t) => {
      const { idp, key, browser } = await setUp(t, dialect);
      const { page } = await startReset(browser, SIMON);
      const verified = await browser.post('/common/passwordreset/verify', {
        rid: ridOf(page),
        otc: codeAt(idp.deps, key),
      });
      const form = await browser.follow(verified);
      const rid = ridOf(form);
      const done = await browser.post('/common/passwordreset/new', {
        rid,
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      assert.equal(done.statusCode, 200);
      const again = await browser.post('/common/passwordreset/new', {
        rid,
        password: 'Other-Pa55word!',
        confirm: 'Other-Pa55word!',
      });
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /no longer waiting/);
      assert.equal(await signsIn(idp, 'Other-Pa55word!'), false);
      assert.equal((await browser.get('/common/passwordreset/new')).statusCode, 400);

      // A new flow replaces the one before: the earlier flow's forms are refused.
      idp.clock.advance(30);
      const one = await startReset(browser, SIMON);
      const two = await startReset(browser, SIMON);
      const stale = await browser.post('/common/passwordreset/verify', {
        rid: ridOf(one.page),
        otc: codeAt(idp.deps, key),
      });
      assert.equal(stale.statusCode, 400);
      // 10 minutes later the flow has expired.
      idp.clock.advance(10 * 60);
      const late = await browser.post('/common/passwordreset/verify', {
        rid: ridOf(two.page),
        otc: codeAt(idp.deps, key),
      });
      assert.equal(late.statusCode, 400);
      assert.equal(await signsIn(idp, NEW_PASSWORD), true);
    });

    test('the reset’s posts are rate limited per address, as sign-in is', async (t) => {
      const idp = await startIdp(dialect, { signInRateLimitPerMinute: 3 });
      t.after(() => idp.close());
      const browser = new Browser(idp.app);
      await browser.get('/common/passwordreset');
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await browser.post('/common/passwordreset', { username: SIMON })).statusCode);
      }
      assert.deepEqual(statuses, [303, 303, 303, 429]);
    });

    test('the password step needs a verified flow: posting a new password before the code changes nothing', async (t) => {
      const { idp, browser } = await setUp(t, dialect);
      const { page } = await startReset(browser, SIMON);
      const early = await browser.post('/common/passwordreset/new', {
        rid: ridOf(page),
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      assert.equal(early.statusCode, 303);
      assert.equal(early.headers.location, '/common/passwordreset/verify');
      assert.equal((await browser.get('/common/passwordreset/new')).statusCode, 303);
      assert.equal(await signsIn(idp, NEW_PASSWORD), false);
      assert.equal(await signsIn(idp, USER_PASSWORD), true);
    });

    test('the new password follows Entra’s rule, must be confirmed, and must not be the current one', async (t) => {
      const { idp, key, browser } = await setUp(t, dialect);
      const { page } = await startReset(browser, SIMON);
      const form = await browser.follow(
        await browser.post('/common/passwordreset/verify', { rid: ridOf(page), otc: codeAt(idp.deps, key) }),
      );
      const rid = ridOf(form);
      const weak = await browser.post('/common/passwordreset/new', {
        rid,
        password: 'password',
        confirm: 'password',
      });
      assert.equal(weak.statusCode, 400);
      assert.match(weak.body, /three of: lower-case letters/);
      const short = await browser.post('/common/passwordreset/new', {
        rid,
        password: 'Ab1!',
        confirm: 'Ab1!',
      });
      assert.equal(short.statusCode, 400);
      assert.match(short.body, /8 to 256 characters/);
      const mismatch = await browser.post('/common/passwordreset/new', {
        rid,
        password: NEW_PASSWORD,
        confirm: `${NEW_PASSWORD}x`,
      });
      assert.equal(mismatch.statusCode, 400);
      assert.match(mismatch.body, /The passwords don’t match/);
      const same = await browser.post('/common/passwordreset/new', {
        rid,
        password: USER_PASSWORD,
        confirm: USER_PASSWORD,
      });
      assert.equal(same.statusCode, 400);
      assert.match(same.body, /Choose a password you don’t use now/);
      assert.equal(await signsIn(idp, 'password'), false);
      const ok = await browser.post('/common/passwordreset/new', {
        rid,
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      assert.equal(ok.statusCode, 200);
      assert.equal(await signsIn(idp, NEW_PASSWORD), true);
    });
  });
}
