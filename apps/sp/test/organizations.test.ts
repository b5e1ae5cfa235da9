import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { createdOrganization, signedUp, startApp, verifiedEmail } from './support/app.ts';
import { location } from './support/browser.ts';

for (const dialect of DIALECTS) {
  describe(`organizations on ${dialect}`, () => {
    test('creates an organization by Sentry slug rules; its creator is owner and its home lists the members', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const owner = await signedUp(t, 'owner@acme.test', 'Olive Owner');
      await owner.get('/organizations/new/');
      for (const [slug, message] of [
        ['12345', /only digits/],
        ['Acme!', /lower-case letters/],
        ['-acme', /lower-case letters/],
        ['api', /reserved/],
      ] as const) {
        const refused = await owner.post('/organizations/new/', { name: 'Acme', slug });
        assert.equal(refused.statusCode, 400, slug);
        assert.match(refused.body, message);
      }
      const created = await owner.post('/organizations/new/', { name: 'Acme Corp', slug: '' });
      assert.equal(location(created), '/organizations/acme-corp/');
      const home = await owner.get('/organizations/acme-corp/');
      assert.equal(home.statusCode, 200);
      assert.match(home.body, /owner@acme\.test/);
      assert.match(home.body, /<td>Owner<\/td>/);
      const taken = await owner.post('/organizations/new/', { name: 'Other', slug: 'acme-corp' });
      assert.match(taken.body, /This slug is taken/);
    });

    test('invites by link: the invited person joins with the role chosen; the link works once', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const owner = await signedUp(t, 'owner@acme.test');
      await createdOrganization(owner, 'acme');
      await owner.get('/settings/acme/members/');
      const invited = await owner.post('/settings/acme/members/invite/', {
        email: 'bob@acme.test',
        role: 'admin',
      });
      assert.equal(location(invited), '/settings/acme/members/');
      const page = await owner.get('/settings/acme/members/');
      const link = /value="(http:\/\/localhost:5000\/accept-invite\/[^"]+)"/.exec(page.body)?.[1];
      assert.ok(link, 'the invitation link is shown to copy');
      const path = new URL(link).pathname;

      const bob = await signedUp(t, 'bob@acme.test');
      await bob.get('/settings/acme/members/').then((r) => assert.equal(r.statusCode, 403));
      const invitation = await bob.get(path);
      assert.match(invitation.body, /Join ACME/);
      const joined = await bob.post(path);
      assert.equal(location(joined), '/organizations/acme/');
      const home = await bob.get('/organizations/acme/');
      assert.match(home.body, /bob@acme\.test<\/td><td>Admin/);

      const eve = await signedUp(t, 'eve@example.test');
      await eve.get(path);
      const reused = await eve.post(path);
      assert.equal(reused.statusCode, 404);
      assert.match(reused.body, /invitation_invalid/);

      // The email went to the outbox, shown to its addressee only, once the address is verified.
      assert.doesNotMatch((await bob.get('/dev/outbox/')).body, /You are invited/);
      await verifiedEmail(bob);
      const outbox = await bob.get('/dev/outbox/');
      assert.match(outbox.body, /You are invited to join ACME/);
      assert.doesNotMatch((await eve.get('/dev/outbox/')).body, /You are invited/);
    });

    test('a member cannot open auth settings, invite, or change roles; a manager cannot make an owner', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const owner = await signedUp(t, 'owner@acme.test');
      await createdOrganization(owner, 'acme');
      const invite = async (email: string, role: string) => {
        await owner.get('/settings/acme/members/');
        await owner.post('/settings/acme/members/invite/', { email, role });
        const page = await owner.get('/settings/acme/members/');
        const path = new URL(/value="(http:\/\/localhost:5000\/accept-invite\/[^"]+)"/.exec(page.body)![1]!)
          .pathname;
        const browser = await signedUp(t, email);
        await browser.get(path);
        await browser.post(path);
        return browser;
      };
      const member = await invite('mia@acme.test', 'member');
      const manager = await invite('max@acme.test', 'manager');

      assert.equal((await member.get('/settings/acme/auth/')).statusCode, 403);
      assert.equal((await member.get('/settings/acme/audit-log/')).statusCode, 403);
      await member.get('/settings/acme/members/');
      const memberInvite = await member.post('/settings/acme/members/invite/', {
        email: 'x@acme.test',
        role: 'member',
      });
      assert.equal(memberInvite.statusCode, 403);

      assert.equal((await manager.get('/settings/acme/auth/')).statusCode, 200);
      await manager.get('/settings/acme/members/');
      const me = await member.get('/api/0/users/me/');
      const miaId = me.json().id as string;
      const promote = await manager.post(`/settings/acme/members/${miaId}/role/`, { role: 'owner' });
      assert.equal(promote.statusCode, 403);
      const toAdmin = await manager.post(`/settings/acme/members/${miaId}/role/`, { role: 'admin' });
      assert.equal(toAdmin.statusCode, 303);
      assert.match((await owner.get('/organizations/acme/')).body, /mia@acme\.test<\/td><td>Admin/);

      const outsider = await signedUp(t, 'out@example.test');
      assert.equal((await outsider.get('/organizations/acme/')).statusCode, 403);
      assert.equal(
        location(await t.browser().get('/organizations/acme/')),
        '/auth/login/acme/?next=%2Forganizations%2Facme%2F',
      );
    });
  });
}
