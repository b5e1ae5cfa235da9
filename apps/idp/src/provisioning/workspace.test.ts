// The Directory's provisioning client against the Workspace's real SCIM server (both apps in this
// process, the Workspace listening on 127.0.0.1): assign → member; unassign or block → suspended;
// delete (soft, then permanent) → suspended, then removed; a group assigned → a team with its members.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { startApp as startWorkspace, type TestApp } from '../../../sp/test/support/app.ts';
import { TestIdp } from '../../../sp/test/support/idp.ts';
import { scimOrganization } from '../../../sp/test/support/scim.ts';
import { DIALECTS, type TestIdp as Directory, startIdp, TEST_ACTOR } from '../../test/support/harness.ts';
import { seedContoso } from '../../test/support/seed.ts';
import { listAssignments } from '../assignments/assignments.repository.ts';
import { assign, unassign } from '../assignments/assignments.service.ts';
import { addMember, createGroup, removeMember } from '../groups/groups.service.ts';
import { deleteUserPermanently } from '../users/deleted-users.service.ts';
import { deleteUser, setAccountEnabled } from '../users/users.service.ts';
import { runProvisioningCycle } from './cycle.ts';
import { listProvisioningLogs } from './logs.repository.ts';
import { saveProvisioningSettings } from './provisioning.service.ts';

async function listening(ws: TestApp): Promise<string> {
  await ws.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(ws.app.server.address() as AddressInfo).port}`;
}

async function membership(ws: TestApp, email: string) {
  return ws.ctx.db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['memberships.id', 'memberships.suspended_at', 'memberships.role'])
    .where('users.email', '=', email.toLowerCase())
    .executeTakeFirst();
}

async function setUp(dialect: (typeof DIALECTS)[number], c: { after(fn: () => Promise<void>): void }) {
  const idp = await startIdp(dialect);
  const ws = await startWorkspace(dialect);
  c.after(async () => {
    await ws.close();
    await idp.close();
  });
  idp.deps.config.allowLoopbackScim = true;
  const contoso = await seedContoso(idp.deps);
  const { token } = await scimOrganization(ws, 'acme', await TestIdp.create());
  const base = await listening(ws);
  await saveProvisioningSettings(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
    mode: 'automatic',
    tenantUrl: `${base}/api/0/organizations/acme/scim/v2/`,
    secretToken: token,
    scope: 'assigned',
    provisionGroups: true,
    statusOn: true,
    notifyOnFailure: true,
  });
  const cycle = async (directory: Directory = idp) => {
    const outcome = await runProvisioningCycle(directory.deps, contoso.app.id, { holder: 'test' });
    assert.ok(outcome.ran);
    return outcome;
  };
  return { idp, ws, contoso, cycle };
}

for (const dialect of DIALECTS) {
  describe(`provisioning into the Workspace on ${dialect}`, () => {
    test('assigned → a member of acme before signing in; unassigned → suspended; assigned again → restored', async (c) => {
      const { ws, idp, contoso, cycle } = await setUp(dialect, c);
      const first = await cycle();
      assert.equal(first.summary.kind, 'initial');
      assert.equal(
        first.summary.created,
        1,
        JSON.stringify(await listProvisioningLogs(idp.deps.db, contoso.app.id)),
      );
      const simon = await membership(ws, 'B.Simon@contoso.com');
      assert.ok(simon, 'B.Simon is a member');
      assert.equal(simon.suspended_at, null);
      assert.equal(
        await membership(ws, 'E.Other@contoso.com'),
        undefined,
        'an unassigned user is not provisioned',
      );

      const second = await cycle();
      assert.equal(second.summary.kind, 'incremental');
      assert.deepEqual([second.summary.created, second.summary.updated, second.summary.failed], [0, 0, 0]);

      const [assignment] = await listAssignments(idp.deps.db, contoso.app.id);
      await unassign(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, assignment!.id);
      const third = await cycle();
      assert.equal(third.summary.disabled, 1);
      assert.ok((await membership(ws, 'B.Simon@contoso.com'))?.suspended_at, 'suspended');
      const [log] = await listProvisioningLogs(idp.deps.db, contoso.app.id);
      assert.equal(log?.action, 'disable');
      assert.equal(log?.status, 'success');
      assert.equal(log?.targetId, simon.id);
      assert.deepEqual(log?.changed, { active: false });

      await assign(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        principalType: 'user',
        principalId: contoso.simon.id,
      });
      const fourth = await cycle();
      assert.equal(fourth.summary.updated, 1);
      assert.equal((await membership(ws, 'B.Simon@contoso.com'))?.suspended_at, null, 'restored');
    });

    test('blocked → suspended; deleted → suspended, then deleted permanently → removed', async (c) => {
      const { ws, idp, contoso, cycle } = await setUp(dialect, c);
      await cycle();
      await setAccountEnabled(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id, false);
      assert.equal((await cycle()).summary.disabled, 1);
      assert.ok((await membership(ws, 'B.Simon@contoso.com'))?.suspended_at);
      await setAccountEnabled(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id, true);
      assert.equal((await cycle()).summary.updated, 1);
      assert.equal((await membership(ws, 'B.Simon@contoso.com'))?.suspended_at, null);

      await deleteUser(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id);
      assert.equal((await cycle()).summary.disabled, 1);
      assert.ok((await membership(ws, 'B.Simon@contoso.com'))?.suspended_at, 'soft delete disables');
      await deleteUserPermanently(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id);
      assert.equal((await cycle()).summary.deleted, 1);
      assert.equal(await membership(ws, 'B.Simon@contoso.com'), undefined, 'hard delete removes the member');
    });

    test('a group assigned becomes a team with its members; a member removed leaves the team', async (c) => {
      const { ws, idp, contoso, cycle } = await setUp(dialect, c);
      const group = await createGroup(idp.deps, TEST_ACTOR, contoso.tenant.id, { displayName: 'Backend' });
      await addMember(idp.deps, TEST_ACTOR, contoso.tenant.id, group.id, contoso.simon.id);
      await addMember(idp.deps, TEST_ACTOR, contoso.tenant.id, group.id, contoso.other.id);
      await assign(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        principalType: 'group',
        principalId: group.id,
      });
      const first = await cycle();
      assert.equal(
        first.summary.failed,
        0,
        JSON.stringify(await listProvisioningLogs(idp.deps.db, contoso.app.id)),
      );
      const teamMembers = async () =>
        (
          await ws.ctx.db
            .selectFrom('teams')
            .innerJoin('team_members', 'team_members.team_id', 'teams.id')
            .innerJoin('memberships', 'memberships.id', 'team_members.membership_id')
            .innerJoin('users', 'users.id', 'memberships.user_id')
            .select(['teams.name', 'users.email'])
            .execute()
        )
          .map((row) => `${row.name}:${row.email}`)
          .sort();
      assert.deepEqual(await teamMembers(), ['Backend:b.simon@contoso.com', 'Backend:e.other@contoso.com']);

      await removeMember(idp.deps, TEST_ACTOR, contoso.tenant.id, group.id, contoso.other.id);
      const second = await cycle();
      assert.equal(second.summary.failed, 0);
      assert.deepEqual(await teamMembers(), ['Backend:b.simon@contoso.com']);
      // Out of the group, E.Other is out of scope: suspended.
      assert.ok((await membership(ws, 'E.Other@contoso.com'))?.suspended_at);
    });
  });
}
