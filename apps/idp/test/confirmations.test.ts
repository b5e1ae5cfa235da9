import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAssignments } from '../src/assignments/assignments.repository.ts';
import { assign } from '../src/assignments/assignments.service.ts';
import { findGroup, membersOf } from '../src/groups/groups.repository.ts';
import { addMember, createGroup } from '../src/groups/groups.service.ts';
import { Browser, decodeEntities } from './support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR } from './support/harness.ts';
import { ADMIN_PASSWORD, seedContoso } from './support/seed.ts';

// Each destructive portal action: its button links to a page naming what goes; a post without that
// page's confirmation changes nothing and shows the question; the confirmed post acts.

for (const dialect of DIALECTS) {
  describe(`destructive actions are confirmed on ${dialect}`, () => {
    test('removing an assignment, removing a group member and deleting a group each ask first', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const tenantId = contoso.tenant.id;
      const group = await createGroup(idp.deps, TEST_ACTOR, tenantId, { displayName: 'Sentry users' });
      await addMember(idp.deps, TEST_ACTOR, tenantId, group.id, contoso.simon.id);
      await assign(idp.deps, TEST_ACTOR, tenantId, contoso.app.id, {
        principalType: 'group',
        principalId: group.id,
      });
      const browser = new Browser(idp.app);
      await browser.signIn(
        'admin@contoso.com',
        ADMIN_PASSWORD,
        await browser.follow(await browser.get('/portal')),
      );

      // Remove assignment (B.Simon's, to Sentry).
      const base = `/portal/applications/${contoso.app.id}`;
      const usersPage = (await browser.get(`${base}/users`)).body;
      const simonAssignment = (await listAssignments(idp.deps.db, contoso.app.id)).find(
        (a) => a.principalId === contoso.simon.id,
      )!;
      const removeUrl = `${base}/assignments/${simonAssignment.id}/remove`;
      assert.match(usersPage, new RegExp(`<a class="button secondary" href="${removeUrl}"`));
      assert.doesNotMatch(usersPage, new RegExp(`<form method="post" action="${removeUrl}"`));
      const ask = decodeEntities((await browser.get(removeUrl)).body);
      assert.match(ask, /Remove the assignment of B\.Simon \(B\.Simon@contoso\.com\) to Sentry\?/);
      assert.match(ask, /B\.Simon \(B\.Simon@contoso\.com\) will lose access to Sentry/);
      assert.equal((await browser.post(removeUrl, {})).statusCode, 200);
      assert.equal((await listAssignments(idp.deps.db, contoso.app.id)).length, 2, 'nothing removed');
      assert.equal((await browser.post(removeUrl, { confirm: 'yes' })).headers.location, `${base}/users`);
      assert.equal((await listAssignments(idp.deps.db, contoso.app.id)).length, 1);

      // Remove member (B.Simon from Sentry users, which is assigned to Sentry).
      const memberUrl = `/portal/groups/${group.id}/members/${contoso.simon.id}/remove`;
      const memberAsk = decodeEntities((await browser.get(memberUrl)).body);
      assert.match(memberAsk, /Remove B\.Simon \(B\.Simon@contoso\.com\) from Sentry users\?/);
      assert.match(memberAsk, /B\.Simon will lose access to Sentry, unless assigned another way\./);
      assert.equal((await browser.post(memberUrl, {})).statusCode, 200);
      assert.equal((await membersOf(idp.deps.db, group.id)).length, 1, 'nothing removed');
      assert.equal((await browser.post(memberUrl, { confirm: 'yes' })).statusCode, 303);
      assert.equal((await membersOf(idp.deps.db, group.id)).length, 0);

      // Delete group.
      const groupPage = (await browser.get(`/portal/groups/${group.id}`)).body;
      assert.match(
        groupPage,
        new RegExp(`<a class="button danger" href="/portal/groups/${group.id}/delete">Delete group</a>`),
      );
      const deleteAsk = decodeEntities((await browser.get(`/portal/groups/${group.id}/delete`)).body);
      assert.match(deleteAsk, /Delete the group Sentry users\?/);
      assert.match(deleteAsk, /Its members will lose access to Sentry, unless assigned another way\./);
      assert.match(deleteAsk, /A deleted group cannot be restored\./);
      assert.equal((await browser.post(`/portal/groups/${group.id}/delete`, {})).statusCode, 200);
      assert.ok(await findGroup(idp.deps.db, tenantId, group.id), 'not deleted');
      assert.equal(
        (await browser.post(`/portal/groups/${group.id}/delete`, { confirm: 'yes' })).statusCode,
        303,
      );
      assert.equal(await findGroup(idp.deps.db, tenantId, group.id), null);
    });
  });
}
