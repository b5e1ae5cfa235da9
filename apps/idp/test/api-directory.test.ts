import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyPassword } from '@federa/kit';
import { listAudit } from '../src/audit/audit.repository.ts';
import { passwordHashOf } from '../src/users/users.repository.ts';
import { type ApiClient, apiClient, tokenFor } from './support/api.ts';
import { DIALECTS, startIdp, type TestIdp } from './support/harness.ts';
import { type Contoso, seedContoso } from './support/seed.ts';

async function setUp(
  dialect: (typeof DIALECTS)[number],
): Promise<{ idp: TestIdp; contoso: Contoso; api: ApiClient }> {
  const idp = await startIdp(dialect);
  const contoso = await seedContoso(idp.deps);
  return { idp, contoso, api: apiClient(idp.app, await tokenFor(idp.deps, contoso.admin, 'directory')) };
}

for (const dialect of DIALECTS) {
  describe(`admin API: users and groups on ${dialect}`, () => {
    test('users: create returns the initial password once, then get, update, block, unblock, reset password and delete', async (t) => {
      const { idp, contoso, api } = await setUp(dialect);
      t.after(() => idp.close());
      const created = await api.post('/users', {
        userPrincipalName: 'J.Doe@contoso.com',
        displayName: 'J.Doe',
        givenName: 'J.',
        surname: 'Doe',
      });
      assert.equal(created.status, 201);
      const { user, password } = created.body;
      assert.equal(user.userPrincipalName, 'J.Doe@contoso.com');
      assert.equal(user.accountEnabled, true);
      assert.equal(user.isAdmin, false);
      assert.ok(
        !('passwordHash' in user) && !('failedSignIns' in user),
        'no secret or lockout counter leaves',
      );
      assert.ok(await verifyPassword((await passwordHashOf(idp.deps.db, user.id))!, password));

      const byUpn = await api.get('/users/j.doe@CONTOSO.com');
      assert.equal(byUpn.status, 200);
      assert.equal(byUpn.body.id, user.id);
      assert.ok(!('password' in byUpn.body), 'the password is never returned again');
      assert.equal((await api.get(`/users/${user.id}`)).body.displayName, 'J.Doe');
      assert.ok(
        (await api.get('/users?search=doe')).body.value.some((u: { id: string }) => u.id === user.id),
      );

      const patched = await api.patch(`/users/${user.id}`, { mail: 'j.doe@contoso.com', surname: null });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.mail, 'j.doe@contoso.com');
      assert.equal(patched.body.surname, null);
      assert.equal(patched.body.givenName, 'J.', 'properties not sent are kept');

      const blocked = await api.post('/users/J.Doe@contoso.com/block');
      assert.equal(blocked.status, 200);
      assert.equal(blocked.body.accountEnabled, false);
      assert.equal((await api.post(`/users/${user.id}/unblock`)).body.accountEnabled, true);

      const reset = await api.post(`/users/${user.id}/resetPassword`);
      assert.equal(reset.status, 200);
      assert.notEqual(reset.body.password, password);
      assert.ok(await verifyPassword((await passwordHashOf(idp.deps.db, user.id))!, reset.body.password));

      assert.equal((await api.delete(`/users/${user.id}`)).status, 204);
      assert.equal((await api.get(`/users/${user.id}`)).status, 404);

      const audit = await listAudit(idp.deps.db, contoso.tenant.id, { category: 'UserManagement' });
      const mine = audit.filter((e) => e.targetName === 'J.Doe@contoso.com').map((e) => e.activity);
      assert.deepEqual(mine.sort(), [
        'Add user',
        'Delete user',
        'Disable account',
        'Enable account',
        'Reset password',
        'Update user',
      ]);
      const entry = audit.find((e) => e.activity === 'Add user' && e.targetName === 'J.Doe@contoso.com')!;
      assert.equal(entry.actorId, contoso.admin.id);
      assert.match(entry.actorName, /admin@contoso\.com \(API token directory\)/);
      assert.ok(entry.correlationId, 'the audit entry names the API call');
    });

    test('users: the service’s rules answer 400 or 409 with the field, the schema 400 invalid_request, unknown 404', async (t) => {
      const { idp, contoso, api } = await setUp(dialect);
      t.after(() => idp.close());
      const foreign = await api.post('/users', { userPrincipalName: 'x@fabrikam.com', displayName: 'X' });
      assert.equal(foreign.status, 400);
      assert.equal(foreign.body.error.code, 'validation_failed');
      assert.equal(foreign.body.error.field, 'userPrincipalName');
      assert.match(foreign.body.error.message, /verified domains: contoso\.com/);

      const weak = await api.post('/users', {
        userPrincipalName: 'x@contoso.com',
        displayName: 'X',
        password: 'short',
      });
      assert.equal(weak.status, 400);
      assert.equal(weak.body.error.field, 'password');

      const taken = await api.post('/users', {
        userPrincipalName: 'b.simon@contoso.com',
        displayName: 'Twin',
      });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.error.code, 'conflict');
      assert.equal(taken.body.error.field, 'userPrincipalName');

      const missing = await api.post('/users', { displayName: 'X' });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error.code, 'invalid_request');
      assert.equal(missing.body.error.field, 'userPrincipalName');
      const wrongType = await api.patch(`/users/${contoso.simon.id}`, { accountEnabled: 'maybe' });
      assert.equal(wrongType.status, 400);
      assert.equal(wrongType.body.error.field, 'accountEnabled');
      const empty = await api.patch(`/users/${contoso.simon.id}`, {});
      assert.equal(empty.status, 400);
      const notJson = await idp.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { authorization: await tokenHeader(idp, contoso), 'content-type': 'application/json' },
        payload: '{"userPrincipalName":',
      });
      assert.equal(notJson.statusCode, 400);
      assert.equal(JSON.parse(notJson.body).error.code, 'invalid_request');

      assert.equal((await api.get('/users/nobody@contoso.com')).status, 404);
      assert.equal(
        (await api.get('/users/00000000-0000-4000-8000-000000000000')).body.error.code,
        'not_found',
      );
      const self = await api.post(`/users/${contoso.admin.id}/block`);
      assert.equal(self.status, 403, 'the token’s administrator cannot block themself');
      assert.equal(
        (await api.get('/users')).body.value.length,
        3,
        'nothing was created by the refused calls',
      );
    });

    test('groups: create, add members by user name, list members, remove, delete; duplicate names 409; unknown user 400', async (t) => {
      const { idp, contoso, api } = await setUp(dialect);
      t.after(() => idp.close());
      const created = await api.post('/groups', {
        displayName: 'Sentry users',
        description: 'Who uses Sentry',
      });
      assert.equal(created.status, 201);
      const group = created.body;
      assert.equal(group.memberCount, 0);
      const again = await api.post('/groups', { displayName: 'sentry USERS' });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.field, 'displayName');
      const noName = await api.post('/groups', { description: 'x' });
      assert.equal(noName.status, 400);
      assert.equal(noName.body.error.field, 'displayName');

      const added = await api.post(`/groups/${group.id}/members`, { user: 'B.Simon@contoso.com' });
      assert.equal(added.status, 200);
      assert.deepEqual(
        added.body.value.map((u: { id: string }) => u.id),
        [contoso.simon.id],
      );
      const twice = await api.post('/groups/Sentry users/members', { user: contoso.simon.id });
      assert.equal(twice.status, 409);
      assert.equal(twice.body.error.field, 'user');
      const nobody = await api.post(`/groups/${group.id}/members`, { user: 'nobody@contoso.com' });
      assert.equal(nobody.status, 400);
      assert.equal(nobody.body.error.field, 'user');

      assert.equal((await api.get('/groups')).body.value[0].memberCount, 1);
      assert.equal((await api.get('/groups/Sentry users')).body.id, group.id);
      assert.equal((await api.get(`/groups/${group.id}/members`)).body.value.length, 1);
      assert.equal((await api.delete(`/groups/${group.id}/members/B.Simon@contoso.com`)).status, 204);
      assert.equal((await api.delete(`/groups/${group.id}/members/B.Simon@contoso.com`)).status, 404);
      assert.equal((await api.get(`/groups/${group.id}/members`)).body.value.length, 0);
      assert.equal((await api.delete(`/groups/${group.id}`)).status, 204);
      assert.equal((await api.get(`/groups/${group.id}`)).status, 404);
      const activities = (
        await listAudit(idp.deps.db, contoso.tenant.id, { category: 'GroupManagement' })
      ).map((e) => e.activity);
      assert.deepEqual(activities.sort(), [
        'Add group',
        'Add member to group',
        'Delete group',
        'Remove member from group',
      ]);
    });
  });
}

async function tokenHeader(idp: TestIdp, contoso: Contoso): Promise<string> {
  return `Bearer ${await tokenFor(idp.deps, contoso.admin, `raw ${Math.random()}`)}`;
}
