import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { createdOrganization, signedUp, startApp, type TestApp } from './support/app.ts';
import { type Browser, location } from './support/browser.ts';

// Teams pages: every member sees them; owners and managers create, rename, delete and staff them.

async function withMember(t: TestApp): Promise<{ owner: Browser; bob: Browser }> {
  const owner = await signedUp(t, 'owner@acme.test', 'Olive Owner');
  await createdOrganization(owner, 'acme', 'Acme');
  await owner.get('/settings/acme/members/');
  await owner.post('/settings/acme/members/invite/', { email: 'bob@acme.test', role: 'member' });
  const link = /value="http:\/\/localhost:5000(\/accept-invite\/[^"]+)"/.exec(
    (await owner.get('/settings/acme/members/')).body,
  )?.[1];
  assert.ok(link);
  const bob = await signedUp(t, 'bob@acme.test', 'Bob');
  await bob.get(link);
  await bob.post(link);
  return { owner, bob };
}

for (const dialect of DIALECTS) {
  describe(`teams on ${dialect}`, () => {
    test('an owner creates a team (slug from its name), adds and removes members, renames it; the nav links to Teams', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { owner } = await withMember(t);
      const list = await owner.get('/settings/acme/teams/');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /href="\/settings\/acme\/teams\/"/);
      assert.match(list.body, /No teams yet\./);

      const created = await owner.post('/settings/acme/teams/', { name: 'Back End!' });
      assert.equal(location(created), '/settings/acme/teams/back-end/');
      const page = (await owner.get('/settings/acme/teams/back-end/')).body;
      assert.match(page, /Team Back End! created\./);
      const bobMembership = /<option value="([^"]+)">Bob \(bob@acme\.test\)<\/option>/.exec(page)?.[1];
      assert.ok(bobMembership);
      await owner.post('/settings/acme/teams/back-end/members/', { membershipId: bobMembership });
      const staffed = (await owner.get('/settings/acme/teams/back-end/')).body;
      assert.match(staffed, /aria-label="Remove bob@acme\.test from Back End!"/);

      const duplicate = await owner.post('/settings/acme/teams/', { name: 'back end' });
      assert.equal(duplicate.statusCode, 400);
      assert.match(duplicate.body, /already exists/);
      assert.equal((await owner.post('/settings/acme/teams/', { name: '' })).statusCode, 400);

      await owner.post('/settings/acme/teams/back-end/rename/', { name: 'Backend' });
      const renamed = (await owner.get('/settings/acme/teams/back-end/')).body;
      assert.match(renamed, /<h1[^>]*>Backend<\/h1>/);
      await owner.post(`/settings/acme/teams/back-end/members/${bobMembership}/remove/`);
      assert.doesNotMatch(
        (await owner.get('/settings/acme/teams/back-end/')).body,
        /aria-label="Remove bob@acme\.test/,
      );
      const audit = (await owner.get('/settings/acme/audit-log/')).body;
      for (const action of ['team.created', 'team.member-added', 'team.member-removed', 'team.renamed']) {
        assert.match(audit, new RegExp(`data-action="${action.replace('.', '\\.')}"`));
      }
    });

    test('Delete opens a confirmation naming the team and its members; only its button deletes', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { owner } = await withMember(t);
      await owner.get('/settings/acme/teams/');
      await owner.post('/settings/acme/teams/', { name: 'Ops' });
      const page = (await owner.get('/settings/acme/teams/ops/')).body;
      const bobMembership = /<option value="([^"]+)">Bob/.exec(page)?.[1] ?? '';
      await owner.post('/settings/acme/teams/ops/members/', { membershipId: bobMembership });
      const confirm = await owner.get('/settings/acme/teams/ops/delete/');
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Delete the team Ops \(ops\)\?/);
      assert.match(confirm.body, /Its list of 1 member goes: bob@acme\.test\./);
      assert.equal(
        (await owner.post('/settings/acme/teams/ops/delete/', {})).statusCode,
        200,
        'no confirm: the question again',
      );
      assert.equal((await owner.get('/settings/acme/teams/ops/')).statusCode, 200);
      assert.equal(
        location(await owner.post('/settings/acme/teams/ops/delete/', { confirm: 'yes' })),
        '/settings/acme/teams/',
      );
      assert.equal((await owner.get('/settings/acme/teams/ops/')).statusCode, 404);
      assert.match((await owner.get('/settings/acme/members/')).body, /bob@acme\.test/, 'Bob stays a member');
    });

    test("members see teams but cannot change them; another organization's team or member is out of reach", async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { owner, bob } = await withMember(t);
      await owner.get('/settings/acme/teams/');
      await owner.post('/settings/acme/teams/', { name: 'Ops' });
      const seen = await bob.get('/settings/acme/teams/');
      assert.equal(seen.statusCode, 200);
      assert.doesNotMatch(seen.body, /Create team/);
      assert.equal((await bob.get('/settings/acme/teams/ops/')).statusCode, 200);
      assert.equal((await bob.post('/settings/acme/teams/', { name: 'Mine' })).statusCode, 403);
      assert.equal((await bob.post('/settings/acme/teams/ops/rename/', { name: 'Mine' })).statusCode, 403);
      assert.equal((await bob.get('/settings/acme/teams/ops/delete/')).statusCode, 403);
      assert.equal((await bob.post('/settings/acme/teams/ops/delete/', { confirm: 'yes' })).statusCode, 403);

      const other = await signedUp(t, 'eve@globex.test');
      await createdOrganization(other, 'globex');
      await other.get('/settings/globex/teams/');
      await other.post('/settings/globex/teams/', { name: 'Evil' });
      const eveMembership = /<option value="([^"]+)"/.exec(
        (await owner.get('/settings/acme/teams/ops/')).body,
      )?.[1];
      assert.ok(eveMembership, "one of acme's memberships");
      // Eve cannot put an acme member into her team, nor reach acme's team.
      assert.equal(
        (await other.post('/settings/globex/teams/evil/members/', { membershipId: eveMembership }))
          .statusCode,
        404,
      );
      assert.equal((await other.get('/settings/acme/teams/ops/')).statusCode, 403);
    });
  });
}
