import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAssignments } from '../src/assignments/assignments.repository.ts';
import { listAudit } from '../src/audit/audit.repository.ts';
import { membersOf } from '../src/groups/groups.repository.ts';
import { addMember, createGroup } from '../src/groups/groups.service.ts';
import { listDeletedUsers } from '../src/users/deleted-users.repository.ts';
import { purgeDeletedUsers } from '../src/users/deleted-users.service.ts';
import { findUserInTenant } from '../src/users/users.repository.ts';
import { createUser, deleteUser } from '../src/users/users.service.ts';
import { apiClient, tokenFor } from './support/api.ts';
import { Browser, decodeEntities } from './support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR, type TestIdp } from './support/harness.ts';
import { ADMIN_PASSWORD, seedContoso, USER_PASSWORD } from './support/seed.ts';

async function setUp(dialect: (typeof DIALECTS)[number]) {
  const idp = await startIdp(dialect);
  const contoso = await seedContoso(idp.deps);
  const group = await createGroup(idp.deps, TEST_ACTOR, contoso.tenant.id, { displayName: 'Sentry users' });
  await addMember(idp.deps, TEST_ACTOR, contoso.tenant.id, group.id, contoso.simon.id);
  const browser = new Browser(idp.app);
  await browser.signIn(
    'admin@contoso.com',
    ADMIN_PASSWORD,
    await browser.follow(await browser.get('/portal')),
  );
  return { idp, contoso, group, browser };
}

async function signsIn(idp: TestIdp, upn: string, password = USER_PASSWORD) {
  const simon = new Browser(idp.app);
  return simon.signIn(upn, password, await simon.get('/common/login'));
}

const DAY = 86_400;

for (const dialect of DIALECTS) {
  describe(`deleted users on ${dialect}`, () => {
    test('Delete asks first, naming the access that goes; a post without the confirmation deletes nobody', async () => {
      const { idp, contoso, browser } = await setUp(dialect);
      const id = contoso.simon.id;
      const detail = await browser.get(`/portal/users/${id}`);
      assert.match(
        detail.body,
        new RegExp(`<a class="button danger" href="/portal/users/${id}/delete">Delete</a>`),
      );
      const page = await browser.get(`/portal/users/${id}/delete`);
      assert.equal(page.statusCode, 200);
      const text = decodeEntities(page.body);
      assert.match(text, /Delete B\.Simon \(B\.Simon@contoso\.com\)\?/);
      assert.match(text, /B\.Simon will lose access to Sentry\./);
      assert.match(text, /B\.Simon leaves Sentry users\./);
      assert.match(text, /30 days under Users › Deleted users \(until 2026-04-01\)/);
      const unconfirmed = await browser.post(`/portal/users/${id}/delete`, {});
      assert.equal(unconfirmed.statusCode, 200);
      assert.match(decodeEntities(unconfirmed.body), /B\.Simon will lose access to Sentry/);
      assert.ok(await findUserInTenant(idp.deps.db, contoso.tenant.id, id), 'not deleted');
      await idp.close();
    });

    test('a deleted user cannot sign in (AADSTS50034), loses their session, leaves lists, and Restore brings back assignments and groups', async () => {
      const { idp, contoso, group, browser } = await setUp(dialect);
      const id = contoso.simon.id;
      const simon = new Browser(idp.app);
      await simon.signIn('B.Simon@contoso.com', USER_PASSWORD, await simon.get('/common/login'));
      assert.equal((await simon.get('/myapps')).statusCode, 200);

      const deleted = await browser.post(`/portal/users/${id}/delete`, { confirm: 'yes' });
      assert.equal(deleted.headers.location, '/portal/users');
      assert.equal((await browser.get(`/portal/users/${id}`)).statusCode, 404);
      assert.doesNotMatch((await browser.get('/portal/users')).body, /B\.Simon@contoso\.com/);
      assert.deepEqual(
        await listAssignments(idp.deps.db, contoso.app.id),
        [],
        'the assignment is not listed',
      );
      assert.deepEqual(await membersOf(idp.deps.db, group.id), []);
      assert.equal(
        (await simon.get('/myapps')).statusCode,
        303,
        'the open session ends: My Apps sends to the sign-in',
      );
      const refused = await signsIn(idp, 'B.Simon@contoso.com');
      assert.equal(refused.statusCode, 401);
      assert.match(refused.body, /AADSTS50034/, 'refused as a user who does not exist');

      const list = decodeEntities((await browser.get('/portal/users/deleted')).body);
      assert.match(
        list,
        /B\.Simon@contoso\.com<\/td><td>2026-03-02 09:00:00 UTC<\/td><td>2026-04-01 09:00:00 UTC/,
      );
      assert.match(list, new RegExp(`action="/portal/users/deleted/${id}/restore"`));

      const restored = await browser.post(`/portal/users/deleted/${id}/restore`, {});
      assert.equal(restored.headers.location, `/portal/users/${id}`);
      assert.match((await browser.get(`/portal/users/${id}`)).body, /Restored B\.Simon/);
      assert.deepEqual(
        (await listAssignments(idp.deps.db, contoso.app.id)).map((a) => a.principalId),
        [id],
        'the assignment is back',
      );
      assert.deepEqual(
        (await membersOf(idp.deps.db, group.id)).map((u) => u.id),
        [id],
        'the membership is back',
      );
      assert.equal((await signsIn(idp, 'b.simon@contoso.com')).statusCode, 303);
      const activities = (await listAudit(idp.deps.db, contoso.tenant.id, { category: 'UserManagement' }))
        .filter((e) => e.targetId === id)
        .map((e) => e.activity);
      assert.deepEqual(activities.slice(0, 2), ['Restore user', 'Delete user']);
      await idp.close();
    });

    test('Delete permanently asks first, then removes the user with their assignments and memberships', async () => {
      const { idp, contoso, group, browser } = await setUp(dialect);
      const id = contoso.simon.id;
      await deleteUser(idp.deps, TEST_ACTOR, contoso.tenant.id, id);
      const url = `/portal/users/deleted/${id}/delete`;
      const page = decodeEntities((await browser.get(url)).body);
      assert.match(page, /Delete B\.Simon \(B\.Simon@contoso\.com\) permanently\?/);
      assert.match(page, /can no longer be restored/);
      assert.equal((await browser.post(url, {})).statusCode, 200, 'no confirmation: the question again');
      assert.equal((await listDeletedUsers(idp.deps.db, contoso.tenant.id)).length, 1);
      const gone = await browser.post(url, { confirm: 'yes' });
      assert.equal(gone.headers.location, '/portal/users/deleted');
      assert.deepEqual(await listDeletedUsers(idp.deps.db, contoso.tenant.id), []);
      const rows = await idp.deps.db
        .selectFrom('assignments')
        .select('id')
        .where('principal_id', '=', id)
        .execute();
      assert.deepEqual(rows, []);
      const members = await idp.deps.db
        .selectFrom('group_members')
        .select('user_id')
        .where('group_id', '=', group.id)
        .execute();
      assert.deepEqual(members, []);
      assert.equal((await browser.post(`/portal/users/deleted/${id}/restore`, {})).statusCode, 404);
      await idp.close();
    });

    test('the purge deletes users 30 days after their deletion, not before (injected clock)', async () => {
      const { idp, contoso } = await setUp(dialect);
      await deleteUser(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id);
      idp.clock.advance(29 * DAY);
      await deleteUser(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.other.id);
      assert.equal(await purgeDeletedUsers(idp.deps), 0);
      idp.clock.advance(DAY);
      assert.equal(await purgeDeletedUsers(idp.deps), 1);
      assert.deepEqual(
        (await listDeletedUsers(idp.deps.db, contoso.tenant.id)).map((u) => u.id),
        [contoso.other.id],
        'the one deleted a day later stays',
      );
      const hard = (await listAudit(idp.deps.db, contoso.tenant.id)).find(
        (e) => e.activity === 'Hard delete user',
      );
      assert.equal(hard?.targetId, contoso.simon.id);
      assert.equal(hard?.actorId, null, 'the system did it');
      assert.equal(await purgeDeletedUsers(idp.deps), 0, 'idempotent');
      await idp.close();
    });

    test('restore is refused while someone new has the user name; the name is free for them meanwhile', async () => {
      const { idp, contoso, browser } = await setUp(dialect);
      await deleteUser(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id);
      await createUser(idp.deps, TEST_ACTOR, contoso.tenant.id, {
        userPrincipalName: 'B.Simon@contoso.com',
        displayName: 'Another Simon',
      });
      const refused = await browser.post(`/portal/users/deleted/${contoso.simon.id}/restore`, {});
      assert.equal(refused.headers.location, '/portal/users/deleted');
      assert.match(
        decodeEntities((await browser.get('/portal/users/deleted')).body),
        /Another user now has the user name B\.Simon@contoso\.com/,
      );
      assert.equal((await listDeletedUsers(idp.deps.db, contoso.tenant.id)).length, 1);
      await idp.close();
    });

    test('admin API: Graph deletedItems lists, gets, restores and deletes permanently', async () => {
      const { idp, contoso } = await setUp(dialect);
      const api = apiClient(idp.app, await tokenFor(idp.deps, contoso.admin));
      assert.equal((await api.delete(`/users/${contoso.simon.id}`)).status, 204);
      assert.equal((await api.delete(`/users/${contoso.other.id}`)).status, 204);
      const list = await api.get('/directory/deletedItems/microsoft.graph.user');
      assert.equal(list.status, 200);
      const simon = list.body.value.find((u: { id: string }) => u.id === contoso.simon.id);
      assert.deepEqual(Object.keys(simon).sort(), [
        'accountEnabled',
        'createdAt',
        'deletedDateTime',
        'displayName',
        'givenName',
        'id',
        'isAdmin',
        'lockedUntil',
        'mail',
        'passwordProfile',
        'permanentDeletionDateTime',
        'surname',
        'updatedAt',
        'userPrincipalName',
      ]);
      assert.equal(simon.userPrincipalName, 'B.Simon@contoso.com');
      assert.equal(
        new Date(simon.permanentDeletionDateTime).getTime() - new Date(simon.deletedDateTime).getTime(),
        30 * DAY * 1000,
      );
      assert.equal((await api.get(`/directory/deletedItems/${contoso.simon.id}`)).body.id, contoso.simon.id);
      assert.equal((await api.get(`/directory/deletedItems/${contoso.admin.id}`)).status, 404, 'not deleted');
      assert.equal((await api.get(`/users/${contoso.simon.id}`)).status, 404);

      const restored = await api.post(`/directory/deletedItems/${contoso.simon.id}/restore`);
      assert.equal(restored.status, 200);
      assert.equal(restored.body.userPrincipalName, 'B.Simon@contoso.com');
      assert.ok(!('deletedDateTime' in restored.body));
      assert.equal((await api.get(`/users/${contoso.simon.id}`)).status, 200);
      assert.equal((await api.post(`/directory/deletedItems/${contoso.simon.id}/restore`)).status, 404);

      assert.equal((await api.delete(`/directory/deletedItems/${contoso.other.id}`)).status, 204);
      assert.equal((await api.get(`/directory/deletedItems/${contoso.other.id}`)).status, 404);
      assert.deepEqual((await api.get('/directory/deletedItems/microsoft.graph.user')).body.value, []);
      await idp.close();
    });
  });
}
