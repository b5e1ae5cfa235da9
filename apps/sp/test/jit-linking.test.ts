import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { PASSWORD, signedUp, startApp, verifiedEmail } from './support/app.ts';
import { location } from './support/browser.ts';
import { TestIdp, type TestUser } from './support/idp.ts';
import { ssoOrganization, ssoSignIn } from './support/sso.ts';

// Someone whose IdP asserts the email of an existing Workspace account (an attacker's own IdP, or a
// careless one) must not get into that account.
const IMPOSTOR: TestUser = {
  objectId: 'e7777777-7777-4777-8777-777777777777',
  email: 'victim@example.test',
  givenName: 'Not',
  surname: 'Victim',
};

async function identityCount(t: Awaited<ReturnType<typeof startApp>>): Promise<number> {
  const rows = await t.ctx.db
    .selectFrom('identities')
    .innerJoin('users', 'users.id', 'identities.user_id')
    .select('users.email')
    .where('users.email', '=', 'victim@example.test')
    .execute();
  return rows.length;
}

for (const dialect of DIALECTS) {
  describe(`JIT linking on ${dialect}`, () => {
    test('never links an identity to an existing account by email alone; links after the password proves it', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      const victim = await signedUp(t, 'victim@example.test', 'Victim');
      const victimId = (await victim.get('/api/0/users/me/')).json().id as string;

      const attacker = t.browser();
      const acs = await ssoSignIn(attacker, t, idp, 'acme', IMPOSTOR);
      assert.equal(acs.statusCode, 303);
      assert.equal(location(acs), '/auth/link/acme/');
      assert.equal((await attacker.get('/api/0/users/me/')).statusCode, 401, 'not signed in as the victim');
      assert.equal(await identityCount(t), 0, 'not linked');
      assert.doesNotMatch(
        (await owner.get('/organizations/acme/')).body,
        /victim@example\.test/,
        'not made a member',
      );

      const page = await attacker.get('/auth/link/acme/');
      assert.match(page.body, /must prove it is yours/);
      const guess = await attacker.post('/auth/link/acme/password/', {
        email: 'victim@example.test',
        password: 'wrong password',
      });
      assert.equal(guess.statusCode, 400);
      assert.equal(await identityCount(t), 0);
      assert.equal((await attacker.get('/api/0/users/me/')).statusCode, 401);

      // The real owner of the account, through the same flow, proves it with the password.
      const person = t.browser();
      await ssoSignIn(person, t, idp, 'acme', IMPOSTOR);
      await person.get('/auth/link/acme/');
      const linked = await person.post('/auth/link/acme/password/', {
        email: 'victim@example.test',
        password: PASSWORD,
      });
      assert.equal(linked.statusCode, 303);
      assert.equal(location(linked), '/organizations/acme/');
      assert.equal((await person.get('/api/0/users/me/')).json().id, victimId);
      assert.equal(await identityCount(t), 1);
      assert.match((await owner.get('/settings/acme/audit-log/')).body, /data-action="identity.linked"/);

      // From now on the linked identity signs straight in.
      const later = t.browser();
      const direct = await ssoSignIn(later, t, idp, 'acme', IMPOSTOR);
      assert.equal(location(direct), '/organizations/acme/');
      assert.equal((await later.get('/api/0/users/me/')).json().id, victimId);
    });

    test('links after the one-time link mailed to the account’s verified address is confirmed in the browser that asked, once', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      await ssoOrganization(t, 'acme', idp);
      const victim = await signedUp(t, 'victim@example.test', 'Victim');
      await verifiedEmail(victim);
      const browser = t.browser();
      await ssoSignIn(browser, t, idp, 'acme', IMPOSTOR);
      await browser.get('/auth/link/acme/');
      const sent = await browser.post('/auth/link/acme/email/');
      assert.match(sent.body, /We sent a one-time link to victim@example\.test/);
      assert.equal(await identityCount(t), 0);

      const outbox = (await victim.get('/dev/outbox/')).body;
      assert.match(outbox, /Account: Victim &#60;victim@example\.test&#62;/, 'the mail names the account');
      assert.match(outbox, /Organization: ACME \(acme\)/, 'and the organization');
      const url = /http:\/\/localhost:5000(\/auth\/link\/confirm\/[A-Za-z0-9_-]+\/)/.exec(outbox)?.[1];
      assert.ok(url, 'the link is in the account owner’s mail');
      // Opened in another browser (the owner's own, or anyone's the mail reached): nothing is linked.
      assert.equal((await victim.get(url)).statusCode, 403);
      assert.equal((await victim.post(url)).statusCode, 403);
      assert.equal(await identityCount(t), 0, 'not linked from another browser');

      const confirm = await browser.get(url);
      assert.match(confirm.body, /Confirm and link/);
      assert.match(confirm.body, /Victim \(victim@example\.test\)/);
      assert.equal(await identityCount(t), 0, 'opening the link does not link');
      const done = await browser.post(url);
      assert.equal(done.statusCode, 303);
      assert.equal(location(done), '/organizations/acme/');
      assert.equal(await identityCount(t), 1);
      assert.equal((await browser.get('/api/0/users/me/')).json().email, 'victim@example.test');
      assert.equal((await browser.post(url)).statusCode, 404, 'single use');
    });

    test('offers no link by email to an account whose address the Workspace has not verified', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      await ssoOrganization(t, 'acme', idp);
      const victim = await signedUp(t, 'victim@example.test', 'Victim');
      const browser = t.browser();
      await ssoSignIn(browser, t, idp, 'acme', IMPOSTOR);
      assert.doesNotMatch((await browser.get('/auth/link/acme/')).body, /Email me a link/);
      const refused = await browser.post('/auth/link/acme/email/');
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /not verified/);
      assert.doesNotMatch((await victim.get('/dev/outbox/')).body, /auth\/link\/confirm/);
    });
  });
}
