import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { createdOrganization, signedUp, startApp } from './support/app.ts';
import { location } from './support/browser.ts';

for (const dialect of DIALECTS) {
  describe(`removing a member on ${dialect}`, () => {
    test('Remove opens a confirmation naming who goes and that their sessions end; only its button removes', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const owner = await signedUp(t, 'owner@acme.test', 'Olive Owner');
      await createdOrganization(owner, 'acme', 'Acme');
      await owner.get('/settings/acme/members/');
      await owner.post('/settings/acme/members/invite/', { email: 'bob@acme.test', role: 'member' });
      const invite = (await owner.get('/settings/acme/members/')).body;
      const link = /value="http:\/\/localhost:5000(\/accept-invite\/[^"]+)"/.exec(invite)?.[1];
      assert.ok(link);
      const bob = await signedUp(t, 'bob@acme.test', 'Bob');
      await bob.get(link);
      assert.equal(location(await bob.post(link)), '/organizations/acme/');

      // The members page links to the confirmation; it has no form that removes at once.
      const members = (await owner.get('/settings/acme/members/')).body;
      const bobId =
        /href="\/settings\/acme\/members\/([^/"]+)\/remove\/" aria-label="Remove bob@acme\.test"/.exec(
          members,
        )?.[1];
      assert.ok(bobId, 'Remove is a link to the confirmation');
      assert.doesNotMatch(members, /<form method="post" action="\/settings\/acme\/members\/[^"]+\/remove\/"/);
      const removeUrl = `/settings/acme/members/${bobId}/remove/`;

      const page = await owner.get(removeUrl);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Remove Bob \(bob@acme\.test\), Member, from Acme\?/);
      assert.match(page.body, /Removing Bob from Acme ends their sessions in Acme now\./);
      assert.match(page.body, /name="confirm" value="yes"/);

      // A post without the confirmation (an old page's button) removes nobody: it shows the question.
      const unconfirmed = await owner.post(removeUrl, {});
      assert.equal(unconfirmed.statusCode, 200);
      assert.match(unconfirmed.body, /Remove Bob \(bob@acme\.test\)/);
      assert.equal((await bob.get('/organizations/acme/')).statusCode, 200, 'Bob is still a member');

      const removed = await owner.post(removeUrl, { confirm: 'yes' });
      assert.equal(location(removed), '/settings/acme/members/');
      assert.match((await owner.get('/settings/acme/members/')).body, /Removed Bob from Acme\./);
      assert.equal((await bob.get('/organizations/acme/')).statusCode, 403, 'Bob is no longer a member');
      assert.equal((await owner.get(removeUrl)).statusCode, 404);
    });

    test('the confirmation is for those who may remove: a member gets 403 and removes nobody', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const owner = await signedUp(t, 'owner@acme.test');
      await createdOrganization(owner, 'acme');
      await owner.get('/settings/acme/members/');
      await owner.post('/settings/acme/members/invite/', { email: 'bob@acme.test', role: 'member' });
      const invite = (await owner.get('/settings/acme/members/')).body;
      const link = /value="http:\/\/localhost:5000(\/accept-invite\/[^"]+)"/.exec(invite)?.[1] ?? '';
      const bob = await signedUp(t, 'bob@acme.test');
      await bob.get(link);
      await bob.post(link);
      const ownerId =
        /href="\/settings\/acme\/members\/([^/"]+)\/remove\/" aria-label="Remove owner@acme\.test"/.exec(
          (await owner.get('/settings/acme/members/')).body,
        )?.[1];
      assert.ok(ownerId);
      assert.equal((await bob.get(`/settings/acme/members/${ownerId}/remove/`)).statusCode, 403);
      await bob.get('/organizations/acme/');
      assert.equal(
        (await bob.post(`/settings/acme/members/${ownerId}/remove/`, { confirm: 'yes' })).statusCode,
        403,
      );
      assert.match((await owner.get('/organizations/acme/')).body, /owner@acme\.test/);
    });
  });
}
