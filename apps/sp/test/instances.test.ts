import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { createAccount } from '../src/accounts/accounts.service.ts';
import { findOrganizationBySlug } from '../src/organizations/organizations.repository.ts';
import { addMember } from '../src/organizations/organizations.service.ts';
import { createdOrganization, sharedDatabaseUrl, signedUp, startApp, TestClock } from './support/app.ts';

for (const dialect of DIALECTS) {
  describe(`Workspace instances on one ${dialect} database`, () => {
    test('the per-IP sign-in rate limit counts the attempts made at every instance together', async () => {
      const url = await sharedDatabaseUrl(dialect);
      const clock = new TestClock();
      const a = await startApp(dialect, { url, clock, config: { signInRateLimitPerMinute: 3 } });
      const b = await startApp(dialect, { url, clock, config: { signInRateLimitPerMinute: 3 } });
      try {
        const atA = a.browser();
        await atA.get('/auth/login/');
        const atB = atA.fork(b.app);
        const attempt = (browser: typeof atA) =>
          browser.post('/auth/login/', { email: 'x@example.test', password: 'whatever12' });
        const statuses = [
          (await attempt(atA)).statusCode,
          (await attempt(atB)).statusCode,
          (await attempt(atA)).statusCode,
          (await attempt(atB)).statusCode,
        ];
        // Neither instance alone has seen more than 2; together they have seen 4 of the 3 allowed.
        assert.deepEqual(statuses, [400, 400, 400, 429]);
      } finally {
        await a.close();
        await b.close();
      }
    });

    test('behind a trusted load balancer, the sign-in limit counts each client address, not the balancer’s', async () => {
      const t = await startApp(dialect, {
        config: { signInRateLimitPerMinute: 2, trustProxy: ['127.0.0.1'] },
      });
      try {
        const browser = t.browser();
        await browser.get('/auth/login/');
        const from = async (client: string) =>
          (
            await t.app.inject({
              method: 'POST',
              url: '/auth/login/',
              remoteAddress: '127.0.0.1',
              headers: { 'x-forwarded-for': client },
              payload: { email: 'x@example.test', password: 'whatever12' },
            })
          ).statusCode;
        // Two people behind one balancer: each has a limit of their own.
        assert.notEqual(await from('198.51.100.1'), 429);
        assert.notEqual(await from('198.51.100.1'), 429);
        assert.equal(await from('198.51.100.1'), 429);
        assert.notEqual(await from('198.51.100.2'), 429);
      } finally {
        await t.close();
      }
    });

    test('a session started at one instance is seen by the other', async () => {
      const url = await sharedDatabaseUrl(dialect);
      const a = await startApp(dialect, { url });
      const b = await startApp(dialect, { url });
      try {
        const browser = await signedUp(a, 'ada@example.test', 'Ada');
        const me = await browser.fork(b.app).get('/api/0/users/me/');
        assert.equal(me.statusCode, 200);
        assert.equal(me.json().email, 'ada@example.test');
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}

describe('an organization of thousands', () => {
  test('its home, where every SSO sign-in lands, lists the first 50 members and the count, not all of them', async () => {
    const t = await startApp('sqlite');
    try {
      const owner = await signedUp(t, 'owner@big.test', 'Owner');
      await createdOrganization(owner, 'big');
      const org = (await findOrganizationBySlug(t.ctx.db, 'big'))!;
      for (let i = 0; i < 60; i++) {
        const user = await createAccount(t.ctx.db, t.clock, {
          email: `m${i}@big.test`,
          name: `M${i}`,
          password: null,
        });
        t.clock.advance(1);
        await addMember(t.ctx.db, t.clock, org.id, user.id, 'member');
      }
      const home = await owner.get('/organizations/big/');
      assert.equal(home.statusCode, 200);
      assert.equal([...home.body.matchAll(/@big\.test<\/td>/g)].length, 50);
      assert.match(
        home.body,
        /The first 50 of 61 members\. <a href="\/settings\/big\/members\/">All members<\/a>/,
      );
      const all = await owner.get('/settings/big/members/');
      assert.equal([...all.body.matchAll(/@big\.test<\/td>/g)].length, 61);
    } finally {
      await t.close();
    }
  });
});
