import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAudit } from '../src/audit/audit.repository.ts';
import { findUserByUpn } from '../src/users/users.repository.ts';
import { Browser } from './support/browser.ts';
import { DIALECTS, startIdp, type TestIdp } from './support/harness.ts';
import { ADMIN_PASSWORD, type Contoso, seedContoso, USER_PASSWORD } from './support/seed.ts';

async function adminBrowser(idp: TestIdp): Promise<Browser> {
  const browser = new Browser(idp.app);
  const signedIn = await browser.signIn(
    'admin@contoso.com',
    ADMIN_PASSWORD,
    await browser.follow(await browser.get('/portal')),
  );
  assert.equal(signedIn.headers.location, '/portal');
  return browser;
}

async function setUp(
  dialect: (typeof DIALECTS)[number],
): Promise<{ idp: TestIdp; contoso: Contoso; browser: Browser }> {
  const idp = await startIdp(dialect);
  const contoso = await seedContoso(idp.deps);
  return { idp, contoso, browser: await adminBrowser(idp) };
}

for (const dialect of DIALECTS) {
  describe(`admin portal: directory on ${dialect}`, () => {
    test('only administrators get in: signed out → sign-in page and back; a user → 403', async () => {
      const idp = await startIdp(dialect);
      await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      const out = await browser.get('/portal/users?q=simon');
      assert.equal(out.headers.location, '/common/login?return=%2Fportal%2Fusers%3Fq%3Dsimon');
      const back = await browser.signIn('admin@contoso.com', ADMIN_PASSWORD, await browser.follow(out));
      assert.equal(back.headers.location, '/portal/users?q=simon');
      const user = new Browser(idp.app);
      await user.signIn('B.Simon@contoso.com', USER_PASSWORD, await user.get('/common/login'));
      const refused = await user.get('/portal');
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /not an administrator/);
      const evil = await user.get('/common/login?return=%2F%2Fevil.example%2F');
      assert.equal(evil.headers.location, '/myapps', 'an outside return address is ignored');
      await idp.close();
    });

    test('New user: the initial password is shown once, only its argon2id hash is kept, and it signs in', async () => {
      const { idp, contoso, browser } = await setUp(dialect);
      assert.equal((await browser.get('/portal/users/new')).statusCode, 200);
      const created = await browser.post('/portal/users', {
        userPrincipalName: 'J.Doe@contoso.com',
        displayName: 'J.Doe',
        givenName: 'J.',
        surname: 'Doe',
        mail: '',
        accountEnabled: 'on',
      });
      assert.equal(created.statusCode, 201);
      assert.equal(created.headers['cache-control'], 'no-store');
      const password = /<code class="password" id="new-password">([^<]+)<\/code>/.exec(created.body)?.[1];
      assert.ok(password && password.length >= 16);
      assert.match(created.body, /shown only this once/);
      const user = (await findUserByUpn(idp.deps.db, 'j.doe@contoso.com'))!;
      const detail = await browser.get(`/portal/users/${user.id}`);
      assert.equal(detail.statusCode, 200);
      assert.ok(!detail.body.includes(password), 'never shown again');
      const row = await idp.deps.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.match(row.password_hash, /^\$argon2id\$/);
      // The password is temporary (Entra's portal makes it so): J.Doe chooses her own, then is in.
      const jdoe = new Browser(idp.app);
      const signedIn = await jdoe.signIn('J.Doe@contoso.com', password, await jdoe.get('/common/login'));
      assert.equal(signedIn.headers.location, `/${contoso.tenant.id}/update-password`);
      assert.match((await jdoe.follow(signedIn)).body, /Update your password/);
      const changed = await jdoe.post(`/${contoso.tenant.id}/update-password`, {
        currentPassword: password,
        newPassword: 'J.Doe-Own-Pa55word',
        confirmPassword: 'J.Doe-Own-Pa55word',
      });
      assert.equal(changed.headers.location, '/myapps');
      const audit = await listAudit(idp.deps.db, contoso.tenant.id, { category: 'UserManagement' });
      assert.ok(
        audit.some(
          (e) =>
            e.activity === 'Add user' &&
            e.targetName === 'J.Doe@contoso.com' &&
            e.actorName === 'admin@contoso.com',
        ),
      );
      assert.ok(!JSON.stringify(audit).includes(password));
      await idp.close();
    });

    test('New user refuses a user name outside the verified domains, a taken one and a weak password, beside the fields, saving nothing', async () => {
      const { idp, contoso, browser } = await setUp(dialect);
      const count = async () =>
        (
          await idp.deps.db
            .selectFrom('users')
            .select('id')
            .where('tenant_id', '=', contoso.tenant.id)
            .execute()
        ).length;
      const before = await count();
      const outside = await browser.post('/portal/users', {
        userPrincipalName: 'x@fabrikam.com',
        displayName: 'X',
        password: 'Weakling',
      });
      assert.equal(outside.statusCode, 400);
      assert.match(
        outside.body,
        /id="f-userPrincipalName-error">The domain must be one of this tenant&#39;s verified domains: contoso.com/,
      );
      assert.match(outside.body, /id="f-password-error"/);
      const taken = await browser.post('/portal/users', {
        userPrincipalName: 'b.simon@contoso.com',
        displayName: 'Dup',
      });
      assert.match(taken.body, /Another user already has the user name/);
      const nameless = await browser.post('/portal/users', {
        userPrincipalName: 'n@contoso.com',
        displayName: ' ',
      });
      assert.match(nameless.body, /id="f-displayName-error"/);
      assert.equal(await count(), before);
      await idp.close();
    });

    test('edit, block and allow sign-in, reset password (shown once; the old one stops working), delete', async () => {
      const { idp, contoso, browser } = await setUp(dialect);
      const id = contoso.simon.id;
      assert.equal((await browser.get(`/portal/users/${id}/edit`)).statusCode, 200);
      const edited = await browser.post(`/portal/users/${id}`, {
        userPrincipalName: 'B.Simon@contoso.com',
        displayName: 'Britta Simon',
        givenName: 'Britta',
        surname: 'Simon',
        mail: 'britta@contoso.com',
        accountEnabled: 'on',
      });
      assert.equal(edited.statusCode, 303);
      assert.match((await browser.get(`/portal/users/${id}`)).body, /Saved Britta Simon/);
      const badMail = await browser.post(`/portal/users/${id}`, {
        userPrincipalName: 'B.Simon@contoso.com',
        displayName: 'B',
        mail: 'nope',
        accountEnabled: 'on',
      });
      assert.equal(badMail.statusCode, 400);
      assert.match(badMail.body, /id="f-mail-error"/);

      assert.equal((await browser.post(`/portal/users/${id}/block`, {})).statusCode, 303);
      assert.match((await browser.get(`/portal/users/${id}`)).body, /No \(sign-in blocked\)/);
      assert.equal((await browser.post(`/portal/users/${id}/unblock`, {})).statusCode, 303);
      const self = await browser.post(`/portal/users/${contoso.admin.id}/block`, {});
      assert.equal(self.statusCode, 403);

      const reset = await browser.post(`/portal/users/${id}/reset-password`, {});
      const password = /id="new-password">([^<]+)</.exec(reset.body)?.[1];
      assert.ok(password);
      const simon = new Browser(idp.app);
      assert.equal(
        (await simon.signIn('B.Simon@contoso.com', USER_PASSWORD, await simon.get('/common/login')))
          .statusCode,
        401,
      );
      assert.equal(
        (await simon.signIn('B.Simon@contoso.com', password, await simon.get('/common/login'))).statusCode,
        303,
      );

      assert.equal((await browser.post(`/portal/users/${id}/delete`, { confirm: 'yes' })).statusCode, 303);
      assert.equal((await browser.get(`/portal/users/${id}`)).statusCode, 404);
      const activities = (await listAudit(idp.deps.db, contoso.tenant.id)).map((e) => e.activity);
      for (const activity of [
        'Update user',
        'Disable account',
        'Enable account',
        'Reset password',
        'Delete user',
      ])
        assert.ok(activities.includes(activity), activity);
      await idp.close();
    });

    test('users list and search; groups: create, members, duplicate names refused, delete', async () => {
      const { idp, contoso, browser } = await setUp(dialect);
      const list = await browser.get('/portal/users?q=simon');
      assert.match(list.body, /B.Simon@contoso.com/);
      assert.doesNotMatch(list.body, /E.Other@contoso.com/);
      assert.equal((await browser.get('/portal/groups/new')).statusCode, 200);
      const created = await browser.post('/portal/groups', {
        displayName: 'Sentry users',
        description: 'People who use Sentry',
      });
      assert.equal(created.statusCode, 303);
      const groupUrl = String(created.headers.location);
      const duplicate = await browser.post('/portal/groups', { displayName: 'sentry USERS' });
      assert.equal(duplicate.statusCode, 400);
      assert.match(duplicate.body, /already exists/);
      assert.equal((await browser.post(`${groupUrl}/members`, { userId: contoso.simon.id })).statusCode, 303);
      const again = await browser.post(`${groupUrl}/members`, { userId: contoso.simon.id });
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /already a member/);
      const page = await browser.get(groupUrl);
      assert.match(page.body, /B.Simon@contoso.com/);
      assert.match((await browser.get('/portal/groups')).body, /Sentry users/);
      assert.equal(
        (await browser.post(`${groupUrl}/members/${contoso.simon.id}/remove`, { confirm: 'yes' })).statusCode,
        303,
      );
      assert.doesNotMatch((await browser.get(groupUrl)).body, /B.Simon@contoso.com<\/td>/);
      assert.equal((await browser.post(`${groupUrl}/delete`, { confirm: 'yes' })).statusCode, 303);
      assert.equal((await browser.get(groupUrl)).statusCode, 404);
      const activities = (
        await listAudit(idp.deps.db, contoso.tenant.id, { category: 'GroupManagement' })
      ).map((e) => e.activity);
      assert.deepEqual(activities, [
        'Delete group',
        'Remove member from group',
        'Add member to group',
        'Add group',
      ]);
      await idp.close();
    });

    test('tenants: the tenant ID and verified domains; add, make default, remove; a new tenant with its own first administrator', async () => {
      const { idp, contoso, browser } = await setUp(dialect);
      const list = await browser.get('/portal/tenants');
      assert.ok(list.body.includes(contoso.tenant.id));
      const detailUrl = `/portal/tenants/${contoso.tenant.id}`;
      assert.equal((await browser.get(detailUrl)).statusCode, 200);
      const bad = await browser.post(`${detailUrl}/domains`, { domain: 'contoso' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /id="f-domain-error"/);
      assert.equal((await browser.post(`${detailUrl}/domains`, { domain: 'Contoso.NET' })).statusCode, 303);
      assert.match((await browser.get(detailUrl)).body, /contoso\.net/);
      assert.equal(
        (await browser.post(`${detailUrl}/domains/default`, { domain: 'contoso.net' })).statusCode,
        303,
      );
      const inUse = await browser.post(`${detailUrl}/domains/remove`, { domain: 'contoso.com' });
      assert.equal(inUse.statusCode, 400);
      assert.match(inUse.body, /Users still sign in with @contoso.com/);
      assert.equal(
        (await browser.post(`${detailUrl}/domains/default`, { domain: 'contoso.com' })).statusCode,
        303,
      );
      assert.equal(
        (await browser.post(`${detailUrl}/domains/remove`, { domain: 'contoso.net' })).statusCode,
        303,
      );
      assert.equal((await browser.post(detailUrl, { name: 'Contoso Ltd' })).statusCode, 303);
      assert.equal(
        (await browser.get('/portal/tenants/00000000-0000-4000-8000-000000000000')).statusCode,
        403,
      );

      const taken = await browser.post('/portal/tenants', {
        name: 'Again',
        domain: 'contoso.com',
        adminUserName: 'a@contoso.com',
      });
      assert.equal(taken.statusCode, 400);
      assert.match(taken.body, /already used by a tenant/);
      const made = await browser.post('/portal/tenants', {
        name: 'Fabrikam',
        domain: 'fabrikam.com',
        adminUserName: 'admin@fabrikam.com',
      });
      assert.equal(made.statusCode, 201);
      const password = /id="new-password">([^<]+)</.exec(made.body)?.[1];
      assert.ok(password);
      const fabrikam = new Browser(idp.app);
      await fabrikam.signIn('admin@fabrikam.com', password, await fabrikam.get('/common/login'));
      const overview = await fabrikam.get('/portal');
      assert.match(overview.body, /Fabrikam \| Overview/);
      assert.doesNotMatch((await fabrikam.get('/portal/users')).body, /B.Simon/, 'tenants are isolated');
      await idp.close();
    });

    test('audit log and sign-in logs pages list entries and filter them', async () => {
      const { idp, browser } = await setUp(dialect);
      const simon = new Browser(idp.app);
      await simon.signIn('B.Simon@contoso.com', 'wrong', await simon.get('/common/login'));
      const all = await browser.get('/portal/sign-ins');
      assert.equal(all.statusCode, 200);
      assert.match(all.body, /AADSTS50126/);
      const failures = await browser.get('/portal/sign-ins?result=failure');
      assert.match(failures.body, /AADSTS50126/);
      assert.doesNotMatch(failures.body, /badge ok/);
      const successes = await browser.get('/portal/sign-ins?result=success');
      assert.doesNotMatch(successes.body, /AADSTS50126/);
      assert.match(successes.body, /Federa Directory portal/);
      const audit = await browser.get('/portal/audit');
      assert.match(audit.body, /Add application/);
      const filtered = await browser.get('/portal/audit?category=UserManagement');
      assert.match(filtered.body, /Add user/);
      assert.doesNotMatch(filtered.body, /Add application/);
      const landing = await browser.get('/');
      assert.equal(landing.statusCode, 200);
      assert.match(landing.body, /href="\/myapps"/);
      assert.match(landing.body, /href="\/portal"/);
      await idp.close();
    });
  });
}
