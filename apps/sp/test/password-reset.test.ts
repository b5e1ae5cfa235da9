// "Lost your password?" (issue 11), Sentry's /account/recover/: a one-time link mailed to a
// Workspace-wide account; the page never tells whether an address has an account; the link works once,
// within an hour, and the new password signs out every other browser of the account.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import type { TestApp } from './support/app.ts';
import { PASSWORD, signedUp, startApp } from './support/app.ts';
import { location } from './support/browser.ts';

const NEW_PASSWORD = 'a brand new passphrase';

/** The reset link last mailed to `email` (read where the mail went: the development outbox table). */
async function resetLink(t: TestApp, email: string): Promise<string | null> {
  const mail = await t.ctx.db
    .selectFrom('outbox')
    .select('body')
    .where('to_address', '=', email)
    .where('subject', 'like', 'Reset%')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return (
    /http:\/\/localhost:5000(\/account\/recover\/confirm\/[A-Za-z0-9_-]+\/)/.exec(mail?.body ?? '')?.[1] ??
    null
  );
}

for (const dialect of DIALECTS) {
  describe(`lost your password on ${dialect}`, () => {
    test('a link by email sets a new password once, signs the browser in and every other one out', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const elsewhere = await signedUp(t, 'ada@example.test', 'Ada');
      assert.equal((await elsewhere.get('/api/0/users/me/')).statusCode, 200);

      const browser = t.browser();
      const login = await browser.get('/auth/login/');
      assert.match(login.body, /href="\/account\/recover\/">Lost your password\?/);
      await browser.get('/account/recover/');
      const asked = await browser.post('/account/recover/', { email: 'ADA@example.test' });
      assert.equal(asked.statusCode, 200);
      assert.match(asked.body, /a link to reset its password is on its way/);
      const link = await resetLink(t, 'ada@example.test');
      assert.ok(link, 'a reset link was mailed');

      const form = await browser.get(link);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /New password for ada@example\.test/);
      const short = await browser.post(link, { password: 'short' });
      assert.equal(short.statusCode, 400);
      assert.match(short.body, /id="f-password-error"/);
      const set = await browser.post(link, { password: NEW_PASSWORD });
      assert.equal(set.statusCode, 303);
      assert.equal(location(set), '/');
      assert.equal((await browser.get('/api/0/users/me/')).json().email, 'ada@example.test');
      assert.equal(
        (await elsewhere.get('/api/0/users/me/')).statusCode,
        401,
        'the other browser is signed out',
      );

      const again = await t.browser().get(link);
      assert.equal(again.statusCode, 404, 'the link works once');
      assert.match(again.body, /link_invalid/);
      const other = t.browser();
      await other.get('/auth/login/');
      const old = await other.post('/auth/login/', { email: 'ada@example.test', password: PASSWORD });
      assert.equal(old.statusCode, 400, 'the old password no longer works');
      const renewed = await other.post('/auth/login/', { email: 'ada@example.test', password: NEW_PASSWORD });
      assert.equal(renewed.statusCode, 303);
    });

    test('an unknown address gets the same answer and no mail; a link expires after an hour', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      await signedUp(t, 'ada@example.test', 'Ada');
      const browser = t.browser();
      await browser.get('/account/recover/');
      const unknown = await browser.post('/account/recover/', { email: 'nobody@example.test' });
      assert.equal(unknown.statusCode, 200);
      assert.match(unknown.body, /a link to reset its password is on its way/);
      assert.equal(await resetLink(t, 'nobody@example.test'), null);
      const malformed = await browser.post('/account/recover/', { email: 'not an address' });
      assert.equal(malformed.statusCode, 400);

      await browser.post('/account/recover/', { email: 'ada@example.test' });
      const link = await resetLink(t, 'ada@example.test');
      assert.ok(link);
      t.clock.advance(3601);
      assert.equal((await browser.get(link)).statusCode, 404);
      assert.equal((await browser.post(link, { password: NEW_PASSWORD })).statusCode, 404);
    });

    test('a squatter that registered someone else’s address cannot read the reset mail in the outbox', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const squatter = await signedUp(t, 'victim@example.test', 'Squatter');
      await squatter.get('/account/recover/');
      await squatter.post('/account/recover/', { email: 'victim@example.test' });
      assert.ok(await resetLink(t, 'victim@example.test'), 'the mail went to the address');
      const outbox = (await squatter.get('/dev/outbox/')).body;
      assert.doesNotMatch(outbox, /account\/recover\/confirm/, 'an unverified account is not shown it');
    });
  });
}
