import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Browser } from '../../test/support/browser.ts';
import { DIALECTS, startIdp } from '../../test/support/harness.ts';
import { codeAt, registerTotp } from '../../test/support/mfa.ts';
import { ADMIN_PASSWORD, seedContoso, USER_PASSWORD } from '../../test/support/seed.ts';
import { listAudit } from '../audit/audit.repository.ts';
import { listMethods, userMfaOf } from './methods.repository.ts';
import { securityDefaultsOn } from './security-defaults.ts';
import { totpKeyOf } from './totp.ts';

const secretOf = (page: string) => totpKeyOf(/<code id="totp-secret">([^<]+)<\/code>/.exec(page)![1]!);

async function setUp(t: { after(fn: () => Promise<void>): void }, dialect: (typeof DIALECTS)[number]) {
  const idp = await startIdp(dialect);
  t.after(() => idp.close());
  const contoso = await seedContoso(idp.deps);
  return { idp, contoso };
}

for (const dialect of DIALECTS) {
  describe(`Security info on ${dialect}`, () => {
    test('signed out, Security info asks to sign in and comes back', async (t) => {
      const { idp } = await setUp(t, dialect);
      const page = await new Browser(idp.app).get('/myapps/security-info');
      assert.equal(page.statusCode, 303);
      assert.equal(page.headers.location, '/common/login?return=%2Fmyapps%2Fsecurity-info');
    });

    test('adds an authenticator app from the QR code page with a first code, lists it, and deletes it after confirmation', async (t) => {
      const { idp, contoso } = await setUp(t, dialect);
      const browser = new Browser(idp.app);
      await browser.signIn('B.Simon@contoso.com', USER_PASSWORD);
      const empty = await browser.get('/myapps/security-info');
      assert.equal(empty.statusCode, 200);
      assert.match(empty.body, /no sign-in methods besides your password/);

      const add = await browser.get('/myapps/security-info/add');
      assert.equal(add.statusCode, 200);
      assert.match(add.body, /<svg width="200" height="200" /);
      assert.match(add.body, /Contoso: B\.Simon@contoso\.com/);
      const key = secretOf(add.body);
      const wrong = await browser.post('/myapps/security-info/add', { otc: '000000' });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /That code didn’t work/);
      assert.equal((await listMethods(idp.deps.db, contoso.simon.id)).length, 0);
      const added = await browser.post('/myapps/security-info/add', { otc: codeAt(idp.deps, key) });
      assert.equal(added.statusCode, 303);
      assert.equal(added.headers.location, '/myapps/security-info?done=added');
      const [method] = await listMethods(idp.deps.db, contoso.simon.id);
      assert.ok(method);
      // The new app's first code proved a second factor: the session goes on editing without a prompt.
      const list = await browser.get('/myapps/security-info?done=added');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /Authenticator app was successfully registered/);
      assert.match(list.body, /Authenticator app 1/);

      const ask = await browser.get(`/myapps/security-info/${method.id}/remove`);
      assert.equal(ask.statusCode, 200);
      assert.match(ask.body, /Delete Authenticator app 1\?/);
      const stray = await browser.post(`/myapps/security-info/${method.id}/remove`, {});
      assert.equal(stray.statusCode, 200, 'a post without the confirmation only asks');
      assert.equal((await listMethods(idp.deps.db, contoso.simon.id)).length, 1);
      const removed = await browser.post(`/myapps/security-info/${method.id}/remove`, { confirm: 'yes' });
      assert.equal(removed.statusCode, 303);
      assert.equal((await listMethods(idp.deps.db, contoso.simon.id)).length, 0);
    });

    test('with a method registered, a password-only session proves it before adding another', async (t) => {
      const { idp, contoso } = await setUp(t, dialect);
      await registerTotp(idp.deps, contoso.simon);
      const browser = new Browser(idp.app);
      await browser.signIn('B.Simon@contoso.com', USER_PASSWORD);
      const add = await browser.get('/myapps/security-info/add');
      assert.equal(add.statusCode, 303);
      assert.equal(add.headers.location, `/${contoso.tenant.id}/mfa`);
      const post = await browser.post('/myapps/security-info/add', { otc: '123456' });
      assert.equal(post.statusCode, 303);
      assert.equal((await listMethods(idp.deps.db, contoso.simon.id)).length, 1);
    });

    test('another user’s method cannot be deleted', async (t) => {
      const { idp, contoso } = await setUp(t, dialect);
      await registerTotp(idp.deps, contoso.other);
      const [theirs] = await listMethods(idp.deps.db, contoso.other.id);
      const browser = new Browser(idp.app);
      await browser.signIn('B.Simon@contoso.com', USER_PASSWORD);
      await browser.get('/myapps/security-info');
      const refused = await browser.post(`/myapps/security-info/${theirs!.id}/remove`, { confirm: 'yes' });
      assert.equal(refused.statusCode, 404);
      assert.equal((await listMethods(idp.deps.db, contoso.other.id)).length, 1);
    });
  });

  describe(`MFA administration on ${dialect}`, () => {
    test('an administrator sets per-user MFA, requires re-registration and turns security defaults on, each audited', async (t) => {
      const { idp, contoso } = await setUp(t, dialect);
      await registerTotp(idp.deps, contoso.simon);
      const admin = new Browser(idp.app);
      await admin.signIn('admin@contoso.com', ADMIN_PASSWORD);
      const page = await admin.get(`/portal/users/${contoso.simon.id}/authentication-methods`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Authenticator app 1/);
      assert.match(page.body, /Require re-register MFA/);

      const saved = await admin.post(`/portal/users/${contoso.simon.id}/authentication-methods/state`, {
        state: 'enforced',
      });
      assert.equal(saved.statusCode, 303);
      assert.equal((await userMfaOf(idp.deps.db, contoso.simon.id)).perUserState, 'enforced');
      const bad = await admin.post(`/portal/users/${contoso.simon.id}/authentication-methods/state`, {
        state: 'sometimes',
      });
      assert.equal(bad.statusCode, 400);

      const ask = await admin.get(`/portal/users/${contoso.simon.id}/authentication-methods/reregister`);
      assert.match(ask.body, /Require B\.Simon to register MFA again\?/);
      const done = await admin.post(`/portal/users/${contoso.simon.id}/authentication-methods/reregister`, {
        confirm: 'yes',
      });
      assert.equal(done.statusCode, 303);
      assert.equal((await listMethods(idp.deps.db, contoso.simon.id)).length, 0);

      const sd = await admin.get(`/portal/tenants/${contoso.tenant.id}/security-defaults`);
      assert.equal(sd.statusCode, 200);
      assert.match(sd.body, /must register for multifactor authentication/);
      assert.match(sd.body, /Conditional Access policies cannot be turned on/);
      assert.equal(await securityDefaultsOn(idp.deps.db, contoso.tenant.id), false);
      await admin.post(`/portal/tenants/${contoso.tenant.id}/security-defaults`, { enabled: 'yes' });
      assert.equal(await securityDefaultsOn(idp.deps.db, contoso.tenant.id), true);
      await admin.post(`/portal/tenants/${contoso.tenant.id}/security-defaults`, { enabled: 'no' });
      assert.equal(await securityDefaultsOn(idp.deps.db, contoso.tenant.id), false);

      const activities = (await listAudit(idp.deps.db, contoso.tenant.id)).map((a) => a.activity);
      assert.ok(activities.includes('Update per-user multifactor authentication state'));
      assert.ok(activities.includes('Admin required re-registration of multifactor authentication'));
      assert.equal(activities.filter((a) => a === 'Update security defaults').length, 2);
    });

    test('a user who is not an administrator cannot change anyone’s MFA', async (t) => {
      const { idp, contoso } = await setUp(t, dialect);
      const browser = new Browser(idp.app);
      await browser.signIn('B.Simon@contoso.com', USER_PASSWORD);
      await browser.get('/myapps');
      const refused = await browser.post(`/portal/users/${contoso.other.id}/authentication-methods/state`, {
        state: 'disabled',
      });
      assert.equal(refused.statusCode, 403);
      const sd = await browser.post(`/portal/tenants/${contoso.tenant.id}/security-defaults`, {
        enabled: 'yes',
      });
      assert.equal(sd.statusCode, 403);
      assert.equal(await securityDefaultsOn(idp.deps.db, contoso.tenant.id), false);
    });
  });
}
