import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { PASSWORD, signedUp, startApp } from './support/app.ts';
import { location } from './support/browser.ts';

for (const dialect of DIALECTS) {
  describe(`accounts on ${dialect}`, () => {
    test('signs up, is signed in, and /api/0/users/me/ says who; signed out it answers 401 JSON', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const anonymous = await t.browser().get('/api/0/users/me/');
      assert.equal(anonymous.statusCode, 401);
      assert.equal(anonymous.json().detail.code, 'not-authenticated');

      const browser = await signedUp(t, 'Ada@Example.test', 'Ada');
      const me = await browser.get('/api/0/users/me/');
      assert.equal(me.statusCode, 200);
      assert.equal(me.json().email, 'ada@example.test');
      assert.equal(me.json().name, 'Ada');
      assert.match(String(me.headers['content-type']), /application\/json/);

      await browser.get('/');
      const out = await browser.post('/auth/logout/');
      assert.equal(out.statusCode, 303);
      assert.equal((await browser.get('/api/0/users/me/')).statusCode, 401);
    });

    test('refuses a second account with the same email, a short password and a malformed email, beside each field', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      await signedUp(t, 'ada@example.test');
      const browser = t.browser();
      await browser.get('/auth/register/');
      const taken = await browser.post('/auth/register/', {
        name: 'Eve',
        email: 'ADA@example.test',
        password: PASSWORD,
      });
      assert.equal(taken.statusCode, 400);
      assert.match(taken.body, /id="f-email-error"[^>]*>An account with this email already exists/);
      const bad = await browser.post('/auth/register/', {
        name: 'Eve',
        email: 'not-an-email',
        password: 'short',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /id="f-email-error"/);
      assert.match(bad.body, /id="f-password-error"[^>]*>Use at least 10 characters/);
    });

    test('signs in with the right password only, and throttles an account after repeated failures', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      await signedUp(t, 'ada@example.test');
      const browser = t.browser();
      await browser.get('/auth/login/');
      const wrong = await browser.post('/auth/login/', {
        email: 'ada@example.test',
        password: 'wrong password!',
      });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /The email or password is not right/);
      const right = await browser.post('/auth/login/', {
        email: 'ada@example.test',
        password: PASSWORD,
        next: '/organizations/new/',
      });
      assert.equal(right.statusCode, 303);
      assert.equal(location(right), '/organizations/new/');

      const attacker = t.browser();
      await attacker.get('/auth/login/');
      for (let i = 0; i < 5; i++)
        await attacker.post('/auth/login/', { email: 'ada@example.test', password: `guess ${i} guess` });
      const locked = await attacker.post('/auth/login/', { email: 'ada@example.test', password: PASSWORD });
      assert.equal(locked.statusCode, 429);
      assert.match(locked.body, /account_locked/);
      t.clock.advance(61);
      const after = await attacker.post('/auth/login/', { email: 'ada@example.test', password: PASSWORD });
      assert.equal(after.statusCode, 303);
    });

    test('a sign-in redirect never leaves the site', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      await signedUp(t, 'ada@example.test');
      const browser = t.browser();
      await browser.get('/auth/login/');
      for (const next of [
        '//evil.example/',
        'https://evil.example/',
        '/\\evil.example',
        'javascript:alert(1)',
      ]) {
        const response = await browser.post('/auth/login/', {
          email: 'ada@example.test',
          password: PASSWORD,
          next,
        });
        assert.equal(location(response), '/', next);
      }
    });
  });
}

describe('rate limit', () => {
  test('limits sign-in attempts per IP address', async (c) => {
    const t = await startApp('sqlite', { config: { signInRateLimitPerMinute: 3 } });
    c.after(() => t.close());
    const browser = t.browser();
    await browser.get('/auth/login/');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await browser.post('/auth/login/', { email: 'x@example.test', password: 'whatever12' })).statusCode,
      );
    }
    assert.deepEqual(statuses, [400, 400, 400, 429]);
  });
});
