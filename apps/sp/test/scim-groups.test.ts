import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { startApp, type TestApp } from './support/app.ts';
import { TestIdp } from './support/idp.ts';
import { entraUser, patch, type ScimClient, scimOrganization } from './support/scim.ts';

// SCIM /Groups are the organization's teams, with every member shape Entra sends.

const GROUP_SCHEMAS = [
  'urn:ietf:params:scim:schemas:core:2.0:Group',
  'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
];

async function users(scim: ScimClient, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const made = await scim.post(
      '/Users',
      entraUser({ objectId: `00000000-0000-4000-8000-0000000000${10 + i}`, email: `u${i}@contoso.com` }),
    );
    assert.equal(made.status, 201, made.raw);
    ids.push(made.body.id);
  }
  return ids;
}

async function memberIds(scim: ScimClient, groupId: string): Promise<string[]> {
  return ((await scim.get(`/Groups/${groupId}`)).body.members as Array<{ value: string }>)
    .map((m) => m.value)
    .sort();
}

async function setup(
  dialect: (typeof DIALECTS)[number],
): Promise<{ t: TestApp; scim: ScimClient; owner: Awaited<ReturnType<typeof scimOrganization>>['owner'] }> {
  const t = await startApp(dialect);
  const { scim, owner } = await scimOrganization(t, 'acme', await TestIdp.create());
  return { t, scim, owner };
}

for (const dialect of DIALECTS) {
  describe(`SCIM /Groups on ${dialect}`, () => {
    test("Entra's group cycle: query by displayName without members, POST (a team), rename, add and remove members, DELETE", async (c) => {
      const { t, scim, owner } = await setup(dialect);
      c.after(() => t.close());
      const [a, b, d] = await users(scim, 3);
      const query = `/Groups?filter=${encodeURIComponent('displayName eq "Sales Team"')}&excludedAttributes=members`;
      assert.equal((await scim.get(query)).body.totalResults, 0);

      const created = await scim.post('/Groups', {
        schemas: GROUP_SCHEMAS,
        externalId: 'g-object-id',
        displayName: 'Sales Team',
        meta: { resourceType: 'Group' },
      });
      assert.equal(created.status, 201, created.raw);
      const id = created.body.id as string;
      assert.equal(created.body.displayName, 'Sales Team');
      assert.equal(created.body.externalId, 'g-object-id');
      assert.deepEqual(created.body.members, []);
      const found = await scim.get(query);
      assert.equal(found.body.totalResults, 1);
      assert.equal(found.body.Resources[0].members, undefined, 'excludedAttributes=members');
      assert.match((await owner.get('/settings/acme/teams/')).body, /Sales Team/);
      assert.equal(
        (await scim.post('/Groups', { schemas: GROUP_SCHEMAS, displayName: 'sales team' })).body.scimType,
        'uniqueness',
      );

      // Default dialect: one op per path, members added as a value list.
      const added = await scim.patch(
        `/Groups/${id}`,
        patch({
          op: 'Add',
          path: 'members',
          value: [
            { $ref: null, value: a },
            { $ref: null, value: b },
            { $ref: null, value: d },
          ],
        }),
      );
      assert.equal(added.status, 204, added.raw);
      assert.deepEqual(await memberIds(scim, id), [a, b, d].sort());
      // Removed by a value list: every listed member goes (Sentry removed only the first).
      const removed = await scim.patch(
        `/Groups/${id}`,
        patch({
          op: 'Remove',
          path: 'members',
          value: [
            { $ref: null, value: a },
            { $ref: null, value: b },
          ],
        }),
      );
      assert.equal(removed.status, 204, removed.raw);
      assert.deepEqual(await memberIds(scim, id), [d]);
      // aadOptscim062020: members[value eq "…"].
      await scim.patch(`/Groups/${id}`, patch({ op: 'add', path: 'members', value: [{ value: a }] }));
      await scim.patch(`/Groups/${id}`, patch({ op: 'remove', path: `members[value eq "${d}"]` }));
      assert.deepEqual(await memberIds(scim, id), [a]);

      assert.equal(
        (await scim.patch(`/Groups/${id}`, patch({ op: 'Replace', path: 'displayName', value: 'Sales' })))
          .status,
        204,
      );
      assert.equal((await scim.get(`/Groups/${id}`)).body.displayName, 'Sales');
      await scim.patch(`/Groups/${id}`, patch({ op: 'replace', value: { displayName: 'Sales EMEA' } }));
      assert.equal((await scim.get(`/Groups/${id}`)).body.displayName, 'Sales EMEA');
      const team = (await owner.get('/settings/acme/teams/sales-team/')).body;
      assert.match(team, /Sales EMEA/);
      assert.match(team, /u0@contoso\.com/);

      assert.equal((await scim.delete(`/Groups/${id}`)).status, 204);
      assert.equal((await scim.get(`/Groups/${id}`)).status, 404);
      assert.equal((await owner.get('/settings/acme/teams/sales-team/')).statusCode, 404);
    });

    test('a PATCH naming a user that is not a member changes nothing (invalidValue); PUT replaces the member list', async (c) => {
      const { t, scim } = await setup(dialect);
      c.after(() => t.close());
      const [a, b] = await users(scim, 2);
      const id = (
        await scim.post('/Groups', { schemas: GROUP_SCHEMAS, displayName: 'Ops', members: [{ value: a }] })
      ).body.id;
      assert.deepEqual(await memberIds(scim, id), [a]);
      const refused = await scim.patch(
        `/Groups/${id}`,
        patch(
          { op: 'Replace', path: 'displayName', value: 'Ops 2' },
          { op: 'Add', path: 'members', value: [{ value: b }, { value: 'not-a-member' }] },
        ),
      );
      assert.equal(refused.status, 400);
      assert.equal(refused.body.scimType, 'invalidValue');
      assert.equal(
        (await scim.get(`/Groups/${id}`)).body.displayName,
        'Ops',
        'the rename was not applied either',
      );
      assert.deepEqual(await memberIds(scim, id), [a]);

      const put = await scim.put(`/Groups/${id}`, {
        schemas: GROUP_SCHEMAS,
        displayName: 'Ops',
        members: [{ value: b }],
      });
      assert.equal(put.status, 200, put.raw);
      assert.deepEqual(
        put.body.members.map((m: { value: string }) => m.value),
        [b],
      );
      // Removing a user from the organization removes them from its teams.
      await scim.delete(`/Users/${b}`);
      assert.deepEqual(await memberIds(scim, id), []);
      assert.equal((await scim.patch(`/Groups/${id}`, patch({ op: 'Remove' }))).body.scimType, 'noTarget');
    });

    test("another organization's groups and members are out of reach", async (c) => {
      const { t, scim } = await setup(dialect);
      c.after(() => t.close());
      const other = await scimOrganization(t, 'globex', await TestIdp.create('fabrikam'));
      const [theirs] = await users(other.scim, 1);
      const theirGroup = (await other.scim.post('/Groups', { schemas: GROUP_SCHEMAS, displayName: 'Theirs' }))
        .body.id;
      assert.equal((await scim.get(`/Groups/${theirGroup}`)).status, 404);
      assert.equal(
        (
          await scim.patch(
            `/Groups/${theirGroup}`,
            patch({ op: 'Add', path: 'members', value: [{ value: theirs }] }),
          )
        ).status,
        404,
      );
      const ours = (await scim.post('/Groups', { schemas: GROUP_SCHEMAS, displayName: 'Ours' })).body.id;
      const crossed = await scim.patch(
        `/Groups/${ours}`,
        patch({ op: 'Add', path: 'members', value: [{ value: theirs }] }),
      );
      assert.equal(crossed.body.scimType, 'invalidValue', "globex's member cannot join acme's team");
      assert.equal((await scim.get('/Groups')).body.totalResults, 1);
    });

    test('discovery: ServiceProviderConfig, ResourceTypes and Schemas in application/scim+json', async (c) => {
      const { t, scim } = await setup(dialect);
      c.after(() => t.close());
      const config = await scim.get('/ServiceProviderConfig');
      assert.equal(config.status, 200);
      assert.match(String(config.headers['content-type']), /^application\/scim\+json/);
      assert.equal(config.body.patch.supported, true);
      assert.equal(config.body.filter.maxResults, 100);
      const types = await scim.get('/ResourceTypes');
      assert.deepEqual(
        types.body.Resources.map((r: { endpoint: string }) => r.endpoint),
        ['/Users', '/Groups'],
      );
      assert.equal((await scim.get('/ResourceTypes/User')).body.endpoint, '/Users');
      const schemas = await scim.get('/Schemas');
      assert.equal(schemas.body.totalResults, 3);
      assert.equal(
        (await scim.get('/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group')).body.name,
        'Group',
      );
      assert.equal((await scim.get('/Schemas/urn:nope')).status, 404);
    });
  });
}
