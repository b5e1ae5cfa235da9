import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { startApp } from './support/app.ts';
import { TestIdp } from './support/idp.ts';
import { ENTERPRISE, entraUser, patch, scimOrganization } from './support/scim.ts';

// SCIM /Users as Entra's provisioning client sends it (both of its PATCH dialects), and as Microsoft's
// SCIM Validator checks it.

const ALICE = {
  objectId: '11111111-1111-4111-8111-111111111111',
  email: 'Alice@Contoso.com',
  givenName: 'Alice',
  surname: 'Ames',
};
const BOB = {
  objectId: '22222222-2222-4222-8222-222222222222',
  email: 'bob@contoso.com',
  givenName: 'Bob',
  surname: 'Byrd',
};

for (const dialect of DIALECTS) {
  describe(`SCIM /Users on ${dialect}`, () => {
    test("Entra's create cycle: query by userName (none), POST, query again (any case), POST again is 409 uniqueness", async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { owner, scim } = await scimOrganization(t, 'acme', await TestIdp.create());

      const none = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "Alice@Contoso.com"')}`);
      assert.equal(none.status, 200);
      assert.match(String(none.headers['content-type']), /^application\/scim\+json/);
      assert.equal(none.body.totalResults, 0);
      assert.deepEqual(none.body.Resources, []);

      const created = await scim.post('/Users', entraUser(ALICE));
      assert.equal(created.status, 201, created.raw);
      const id = created.body.id as string;
      assert.equal(
        created.headers.location,
        `http://localhost:5000/api/0/organizations/acme/scim/v2/Users/${id}`,
      );
      assert.equal(created.body.externalId, ALICE.objectId);
      assert.equal(created.body.userName, ALICE.email);
      assert.equal(created.body.active, true);
      assert.equal(created.body.sentryOrgRole, 'member');
      assert.equal(created.body.name.givenName, 'Alice');
      // The schemas of the attributes it has (no Enterprise attribute was sent).
      assert.deepEqual(created.body.schemas, ['urn:ietf:params:scim:schemas:core:2.0:User']);
      assert.match(created.body.meta.version, /^W\/"/);
      assert.equal(created.headers.etag, created.body.meta.version);

      const found = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "alice@contoso.COM"')}`);
      assert.equal(found.body.totalResults, 1);
      assert.equal(found.body.Resources[0].id, id);
      const byExternalId = await scim.get(
        `/Users?filter=${encodeURIComponent(`externalId eq "${ALICE.objectId}"`)}`,
      );
      assert.equal(byExternalId.body.Resources[0].id, id);

      const again = await scim.post('/Users', entraUser(ALICE));
      assert.equal(again.status, 409);
      assert.equal(again.body.scimType, 'uniqueness');
      assert.equal(again.body.detail, 'User already exists in the database.');
      assert.deepEqual(again.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
      // The same person under another userName but the same immutable id is the same member.
      const renamed = await scim.post('/Users', { ...entraUser(ALICE), userName: 'alice2@contoso.com' });
      assert.equal(renamed.status, 409);

      const members = (await owner.get('/settings/acme/members/')).body;
      assert.match(members, /alice@contoso\.com/);
      const single = await scim.get(`/Users/${id}`);
      assert.equal(single.status, 200);
      assert.equal(single.body.id, id);
      assert.equal(
        (await scim.get(`/Users/${id}`, { 'if-none-match': single.body.meta.version })).status,
        304,
      );
    });

    test('POST takes sentryOrgRole, refuses roles that administer the organization, and needs an email and externalId', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { scim } = await scimOrganization(t, 'acme', await TestIdp.create());
      const admin = await scim.post('/Users', { ...entraUser(ALICE), sentryOrgRole: 'admin' });
      assert.equal(admin.status, 201, admin.raw);
      assert.equal(admin.body.sentryOrgRole, 'admin');
      for (const role of ['owner', 'manager', 'superuser']) {
        const refused = await scim.post('/Users', { ...entraUser(BOB), sentryOrgRole: role });
        assert.equal(refused.status, 400);
        assert.equal(refused.body.scimType, 'invalidValue');
        assert.equal(refused.body.detail, 'Invalid organization role.');
      }
      const noEmail = await scim.post('/Users', { ...entraUser(BOB), userName: 'bob', emails: [] });
      assert.equal(noEmail.body.scimType, 'invalidValue');
      const { externalId: _, ...withoutExternalId } = entraUser(BOB);
      assert.equal((await scim.post('/Users', withoutExternalId)).body.scimType, 'invalidValue');
      assert.equal((await scim.post('/Users', { externalId: 'x' })).body.scimType, 'invalidValue');
      // Unknown attributes are ignored, not stored or returned.
      const extra = await scim.post('/Users', {
        ...entraUser(BOB),
        favouriteColour: 'blue',
        'urn:example:ext': { a: 1 },
      });
      assert.equal(extra.status, 201, extra.raw);
      assert.equal(extra.body.favouriteColour, undefined);
      assert.equal(extra.body['urn:example:ext'], undefined);
    });

    test('PATCH in Entra\'s default dialect: Replace active "False" suspends, Add active "True" restores; one op per path', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { owner, scim } = await scimOrganization(t, 'acme', await TestIdp.create());
      const id = (await scim.post('/Users', entraUser(ALICE))).body.id;

      const suspended = await scim.patch(
        `/Users/${id}`,
        patch({ op: 'Replace', path: 'active', value: 'False' }),
      );
      assert.equal(suspended.status, 200, suspended.raw);
      assert.equal(suspended.body.active, false);
      assert.equal((await scim.get(`/Users/${id}`)).body.active, false, 'kept, suspended');
      assert.match((await owner.get('/settings/acme/members/')).body, /Suspended/);

      // Observed in the wild: "Add" on active when deprovisioning and reprovisioning.
      const restored = await scim.patch(`/Users/${id}`, patch({ op: 'Add', path: 'active', value: 'True' }));
      assert.equal(restored.body.active, true);
      const again = await scim.patch(`/Users/${id}`, patch({ op: 'Add', path: 'active', value: 'False' }));
      assert.equal(again.body.active, false);

      const updated = await scim.patch(
        `/Users/${id}`,
        patch(
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'alice.ames@contoso.com' },
          { op: 'Replace', path: 'name.familyName', value: 'Ames-Smith' },
          { op: 'Replace', path: 'active', value: 'True' },
        ),
      );
      assert.equal(updated.status, 200, updated.raw);
      assert.equal(updated.body.name.familyName, 'Ames-Smith');
      assert.equal(updated.body.emails[0].value, 'alice.ames@contoso.com');
      assert.equal(updated.body.active, true);
    });

    test('PATCH in the aadOptscim062020 dialect: lowercase ops, booleans, pathless value maps', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { scim } = await scimOrganization(t, 'acme', await TestIdp.create());
      const id = (await scim.post('/Users', entraUser(ALICE))).body.id;
      const off = await scim.patch(
        `/Users/${id}?aadOptscim062020`,
        patch({ op: 'replace', path: 'active', value: false }),
      );
      assert.equal(off.body.active, false);
      const map = await scim.patch(
        `/Users/${id}`,
        patch({
          op: 'replace',
          value: {
            active: true,
            displayName: 'Alice A.',
            'name.givenName': 'Alicia',
            [`${ENTERPRISE}:employeeNumber`]: '42',
          },
        }),
      );
      assert.equal(map.status, 200, map.raw);
      assert.equal(map.body.active, true);
      assert.equal(map.body.displayName, 'Alice A.');
      assert.equal(map.body.name.givenName, 'Alicia');
      assert.equal(map.body[ENTERPRISE].employeeNumber, '42');
      // Okta's shape, which Sentry also accepts.
      assert.equal(
        (await scim.patch(`/Users/${id}`, patch({ op: 'replace', value: { active: false } }))).body.active,
        false,
      );
    });

    test('a PATCH applies whole or not at all; malformed ones are refused with what was wrong', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { scim } = await scimOrganization(t, 'acme', await TestIdp.create());
      const id = (await scim.post('/Users', entraUser(ALICE))).body.id;
      const half = await scim.patch(
        `/Users/${id}`,
        patch(
          { op: 'Replace', path: 'active', value: 'False' },
          { op: 'Frobnicate', path: 'displayName', value: 'x' },
        ),
      );
      assert.equal(half.status, 400);
      assert.equal(half.body.scimType, 'invalidSyntax');
      assert.equal((await scim.get(`/Users/${id}`)).body.active, true, 'the first op was not applied');
      const badValue = await scim.patch(
        `/Users/${id}`,
        patch(
          { op: 'Replace', path: 'active', value: 'False' },
          { op: 'Replace', path: 'active', value: 'maybe' },
        ),
      );
      assert.equal(badValue.body.scimType, 'invalidValue');
      assert.equal((await scim.get(`/Users/${id}`)).body.active, true);
      assert.equal((await scim.patch(`/Users/${id}`, { Operations: [] })).body.scimType, 'invalidSyntax');
      const externalId = await scim.patch(
        `/Users/${id}`,
        patch({ op: 'Replace', path: 'externalId', value: 'other' }),
      );
      assert.equal(externalId.body.scimType, 'mutability');
      // Unknown attributes are ignored.
      assert.equal(
        (await scim.patch(`/Users/${id}`, patch({ op: 'Replace', path: 'favouriteColour', value: 'x' })))
          .status,
        200,
      );
      // If-Match with another version: 412, nothing changed.
      const stale = await scim.patch(`/Users/${id}`, patch({ op: 'Replace', path: 'active', value: false }), {
        'if-match': 'W/"stale"',
      });
      assert.equal(stale.status, 412);
      assert.equal((await scim.get(`/Users/${id}`)).body.active, true);
      assert.equal(
        (await scim.patch('/Users/no-such-id', patch({ op: 'Replace', path: 'active', value: false })))
          .status,
        404,
      );
    });

    test('bad requests: filters, JSON, body size, paging values', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { scim, token } = await scimOrganization(t, 'acme', await TestIdp.create());
      const filter = await scim.get(`/Users?filter=${encodeURIComponent('userName eq')}`);
      assert.equal(filter.status, 400);
      assert.equal(filter.body.scimType, 'invalidFilter');
      assert.match(filter.body.detail, /./);
      const json = await scim.post('/Users', '{"userName": ');
      assert.equal(json.status, 400);
      assert.equal(json.body.scimType, 'invalidSyntax');
      const proto = await scim.post('/Users', '{"__proto__": {"x": 1}, "userName": "a@b.c"}');
      assert.equal(proto.status, 400);
      const big = await scim.post('/Users', { ...entraUser(ALICE), displayName: 'x'.repeat(600 * 1024) });
      assert.equal(big.status, 413);
      assert.deepEqual(big.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
      assert.equal((await scim.get('/Users?startIndex=abc')).body.scimType, 'invalidValue');
      // application/json works too (some clients send it).
      const plain = await t.app.inject({
        method: 'POST',
        url: '/api/0/organizations/acme/scim/v2/Users',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify(entraUser(BOB)),
      });
      assert.equal(plain.statusCode, 201, plain.body);
    });

    test('lists page with startIndex and count, ordered, with totalResults of all matches', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { scim } = await scimOrganization(t, 'acme', await TestIdp.create());
      for (let i = 0; i < 5; i++) {
        t.clock.advance(1);
        const made = await scim.post(
          '/Users',
          entraUser({ objectId: `00000000-0000-4000-8000-00000000000${i}`, email: `u${i}@contoso.com` }),
        );
        assert.equal(made.status, 201, made.raw);
      }
      const all = await scim.get('/Users');
      assert.equal(all.body.totalResults, 6, 'five and the owner');
      const page = await scim.get('/Users?startIndex=3&count=2');
      assert.equal(page.body.totalResults, 6);
      assert.equal(page.body.startIndex, 3);
      assert.equal(page.body.itemsPerPage, 2);
      assert.deepEqual(
        page.body.Resources.map((u: { id: string }) => u.id),
        all.body.Resources.slice(2, 4).map((u: { id: string }) => u.id),
      );
      assert.equal((await scim.get('/Users?count=0')).body.Resources.length, 0);
      const attrs = await scim.get(
        `/Users?filter=${encodeURIComponent('userName eq "u1@contoso.com"')}&attributes=userName`,
      );
      assert.deepEqual(Object.keys(attrs.body.Resources[0]).sort(), ['id', 'meta', 'schemas', 'userName']);
    });

    test('PUT replaces the user; DELETE removes the membership (404 after); the last owner cannot be suspended or removed', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { owner, scim } = await scimOrganization(t, 'acme', await TestIdp.create());
      const id = (await scim.post('/Users', entraUser(ALICE))).body.id;
      const put = await scim.put(`/Users/${id}`, {
        ...entraUser(ALICE),
        displayName: 'Alice Put',
        sentryOrgRole: 'billing',
        active: 'False',
      });
      assert.equal(put.status, 200, put.raw);
      assert.equal(put.body.displayName, 'Alice Put');
      assert.equal(put.body.sentryOrgRole, 'billing');
      assert.equal(put.body.active, false);

      const ownerRow = (
        await scim.get(`/Users?filter=${encodeURIComponent('userName eq "owner@acme.test"')}`)
      ).body.Resources[0];
      assert.equal(ownerRow.sentryOrgRole, 'owner');
      for (const attempt of [
        () => scim.patch(`/Users/${ownerRow.id}`, patch({ op: 'Replace', path: 'active', value: 'False' })),
        () => scim.delete(`/Users/${ownerRow.id}`),
      ]) {
        const refused = await attempt();
        assert.equal(refused.status, 409);
        assert.equal(refused.body.detail, 'You cannot remove the only remaining owner of the organization.');
      }
      assert.equal((await owner.get('/organizations/acme/')).statusCode, 200, 'the owner keeps access');
      // The owner's role is left as it is (Sentry's rule).
      assert.equal(
        (await scim.patch(`/Users/${ownerRow.id}`, patch({ op: 'replace', value: { displayName: 'O' } })))
          .body.sentryOrgRole,
        'owner',
      );

      assert.equal((await scim.delete(`/Users/${id}`)).status, 204);
      assert.equal((await scim.get(`/Users/${id}`)).status, 404);
      assert.equal((await scim.delete(`/Users/${id}`)).status, 404);
      assert.doesNotMatch((await owner.get('/settings/acme/members/')).body, /alice@contoso\.com/);
    });
  });
}
