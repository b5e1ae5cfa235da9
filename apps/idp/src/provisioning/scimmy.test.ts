// The Directory's provisioning client against a SCIM server we did not write: SCIMMY with its Express
// routers, started here on 127.0.0.1 with an in-memory store. Create, update, disable, delete and
// group membership arrive as the mappings say. SCIMMY follows RFC 7643 strictly (a boolean is not the
// string "False"), so its Tenant URL carries `?aadOptscim062020`, as an Entra admin's would; in Entra's
// default dialect its refusal is what the provisioning log shows.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import { DIALECTS, startIdp, TEST_ACTOR } from '../../test/support/harness.ts';
import { seedContoso } from '../../test/support/seed.ts';
import { listAssignments } from '../assignments/assignments.repository.ts';
import { assign, unassign } from '../assignments/assignments.service.ts';
import { addMember, createGroup, removeMember } from '../groups/groups.service.ts';
import { deleteUserPermanently } from '../users/deleted-users.service.ts';
import { deleteUser, updateUser } from '../users/users.service.ts';
import { runProvisioningCycle } from './cycle.ts';
import { listProvisioningLogs } from './logs.repository.ts';
import { saveProvisioningSettings } from './provisioning.service.ts';

// biome-ignore lint/suspicious/noExplicitAny: test reads of JSON bodies
type Json = Record<string, any>;
const TOKEN = 'scimmy-test-token-0123456789';

/** SCIMMY's Users and Groups over two Maps; every request body it receives, in order. */
function scimmyServer() {
  const users = new Map<string, Json>();
  const groups = new Map<string, Json>();
  const received: { method: string; path: string; body: unknown }[] = [];
  let next = 1;
  const store = (map: Map<string, Json>) => ({
    ingress: (resource: { id?: string }, instance: Json) => {
      const id = resource.id ?? String(next++);
      if (resource.id && !map.has(id))
        throw new SCIMMY.Types.Error(404, null as unknown as string, `Resource ${id} not found`);
      const saved = {
        ...JSON.parse(JSON.stringify(instance)),
        id,
        meta: { created: new Date(), lastModified: new Date() },
      };
      map.set(id, saved);
      return saved;
    },
    egress: (resource: { id?: string; filter?: { match(list: Json[]): Json[] } }) => {
      if (resource.id) {
        const found = map.get(resource.id);
        if (!found)
          throw new SCIMMY.Types.Error(404, null as unknown as string, `Resource ${resource.id} not found`);
        return found;
      }
      const all = [...map.values()];
      return resource.filter ? resource.filter.match(all) : all;
    },
    degress: (resource: { id?: string }) => {
      if (!resource.id || !map.delete(resource.id))
        throw new SCIMMY.Types.Error(404, null as unknown as string, 'Resource not found');
    },
  });
  const u = store(users);
  const g = store(groups);
  SCIMMY.Resources.declare(SCIMMY.Resources.User)
    .ingress(u.ingress as never)
    .egress(u.egress as never)
    .degress(u.degress);
  SCIMMY.Resources.declare(SCIMMY.Resources.Group)
    .ingress(g.ingress as never)
    .egress(g.egress as never)
    .degress(g.degress);
  const app = express();
  app.use((request, _response, next) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      received.push({ method: request.method, path: request.url, body: text ? JSON.parse(text) : null });
    });
    next();
  });
  app.use(
    '/scim',
    new SCIMMYRouters({
      type: 'bearer',
      docUri: 'https://example.com/',
      handler: (request: { header(name: string): string | undefined }) => {
        if (request.header('Authorization') !== `Bearer ${TOKEN}`) throw new Error('Authorization failed');
        return 'federa';
      },
    }),
  );
  return { app, users, groups, received };
}

async function setUp(
  dialect: (typeof DIALECTS)[number],
  c: { after(fn: () => Promise<void>): void },
  query: string,
) {
  const scim = scimmyServer();
  const server: Server = await new Promise((resolve) => {
    const s = scim.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const idp = await startIdp(dialect);
  c.after(async () => {
    await idp.close();
    await new Promise((resolve) => server.close(resolve));
  });
  idp.deps.config.allowLoopbackScim = true;
  const contoso = await seedContoso(idp.deps);
  const port = (server.address() as AddressInfo).port;
  await saveProvisioningSettings(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
    mode: 'automatic',
    tenantUrl: `http://127.0.0.1:${port}/scim/${query}`,
    secretToken: TOKEN,
    scope: 'assigned',
    provisionGroups: true,
    statusOn: true,
    notifyOnFailure: false,
  });
  const cycle = async () => {
    const outcome = await runProvisioningCycle(idp.deps, contoso.app.id, { holder: 'test' });
    assert.ok(outcome.ran);
    const failures = (await listProvisioningLogs(idp.deps.db, contoso.app.id)).filter(
      (l) => l.status === 'failure',
    );
    assert.equal(outcome.summary.failed, 0, JSON.stringify(failures));
    return outcome.summary;
  };
  const simon = () => [...scim.users.values()].find((u) => u.userName === 'B.Simon@contoso.com');
  return { scim, idp, contoso, cycle, simon };
}

for (const dialect of DIALECTS) {
  describe(`provisioning into SCIMMY on ${dialect}`, () => {
    test('in Entra’s default dialect SCIMMY refuses "False" for active, and the log shows its error', async (c) => {
      const { idp, contoso, scim } = await setUp(dialect, c, '');
      const first = await runProvisioningCycle(idp.deps, contoso.app.id, { holder: 'test' });
      assert.ok(first.ran && first.summary.created === 1);
      const [assignment] = await listAssignments(idp.deps.db, contoso.app.id);
      await unassign(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, assignment!.id);
      const second = await runProvisioningCycle(idp.deps, contoso.app.id, { holder: 'test' });
      assert.ok(second.ran && second.summary.failed === 1);
      const patch = scim.received.filter((r) => r.method === 'PATCH').at(-1)?.body as Json;
      assert.deepEqual(patch.Operations, [{ op: 'Replace', path: 'active', value: 'False' }]);
      const [log] = await listProvisioningLogs(idp.deps.db, contoso.app.id);
      assert.equal(log?.action, 'disable');
      assert.equal(log?.status, 'failure');
      assert.match(log?.error ?? '', /^400 invalidValue: .*active/);
    });

    test('create, update, disable, delete and group membership arrive as the mappings say', async (c) => {
      const { scim, idp, contoso, cycle, simon } = await setUp(dialect, c, '?aadOptscim062020');

      // Create: Entra's default mappings.
      assert.equal((await cycle()).created, 1);
      const created = simon();
      assert.ok(created);
      assert.equal(created.externalId, contoso.simon.id);
      assert.equal(created.active, true);
      assert.equal(created.displayName, 'B.Simon');
      assert.equal(created.name.givenName, 'B.');
      assert.equal(created.name.familyName, 'Simon');
      assert.deepEqual(
        created.emails.map((e: Json) => [e.type, e.value]),
        [['work', 'B.Simon@contoso.com']],
      );

      // Update: only the attributes that changed, one Replace each.
      await updateUser(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id, {
        userPrincipalName: 'B.Simon@contoso.com',
        displayName: 'Beatrice Simon',
        mail: 'B.Simon@contoso.com',
        givenName: 'Beatrice',
        surname: 'Simon',
      });
      assert.equal((await cycle()).updated, 1);
      assert.equal(simon()?.displayName, 'Beatrice Simon');
      assert.equal(simon()?.name.givenName, 'Beatrice');
      const update = scim.received.filter((r) => r.method === 'PATCH').at(-1)?.body as Json;
      assert.deepEqual(update.Operations.map((o: Json) => o.path).sort(), ['displayName', 'name.givenName']);
      assert.ok(update.Operations.every((o: Json) => o.op === 'replace'));

      // A group: created, then its members added.
      const group = await createGroup(idp.deps, TEST_ACTOR, contoso.tenant.id, { displayName: 'Ops' });
      await addMember(idp.deps, TEST_ACTOR, contoso.tenant.id, group.id, contoso.simon.id);
      await addMember(idp.deps, TEST_ACTOR, contoso.tenant.id, group.id, contoso.other.id);
      await assign(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        principalType: 'group',
        principalId: group.id,
      });
      const withGroup = await cycle();
      assert.equal(withGroup.created, 2, 'E.Other (a member) and the group');
      const ops = [...scim.groups.values()].find((g) => g.displayName === 'Ops');
      assert.ok(ops);
      const otherId = [...scim.users.values()].find((u) => u.userName === 'E.Other@contoso.com')?.id;
      assert.deepEqual(ops.members.map((m: Json) => m.value).sort(), [simon()?.id, otherId].sort());
      assert.equal(ops.externalId, group.id);

      // Member removed from the group: removed from the target group (and E.Other, now out of scope, disabled).
      await removeMember(idp.deps, TEST_ACTOR, contoso.tenant.id, group.id, contoso.other.id);
      await cycle();
      const opsAfter = [...scim.groups.values()].find((g) => g.displayName === 'Ops');
      assert.deepEqual(
        (opsAfter?.members ?? []).map((m: Json) => m.value),
        [simon()?.id],
      );
      assert.equal([...scim.users.values()].find((u) => u.userName === 'E.Other@contoso.com')?.active, false);

      // Disable: unassigned (B.Simon is still in the group, so the group is unassigned too).
      const assignments = await listAssignments(idp.deps.db, contoso.app.id);
      for (const a of assignments)
        await unassign(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, a.id);
      const disabled = await cycle();
      assert.equal(disabled.disabled, 1);
      assert.equal(simon()?.active, false);
      assert.equal(disabled.deleted, 1, 'the group out of scope is deleted');
      assert.equal(scim.groups.size, 0);

      // Delete: soft (already disabled: nothing), then permanent → DELETE.
      await deleteUser(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id);
      await deleteUserPermanently(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id);
      assert.equal((await cycle()).deleted, 1);
      assert.equal(simon(), undefined);
    });
  });
}
