import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import pino from 'pino';
import { DIALECTS } from '../../../test/support/databases.ts';
import { startApp } from './support/app.ts';
import { TestIdp } from './support/idp.ts';
import { ENTERPRISE, patch, scimOrganization, USER_SCHEMA } from './support/scim.ts';

// The tests Microsoft's SCIM Validator runs with its default attributes ("Use default attributes",
// group tests on, userName as the joining property), as its tutorial lists them; the validator checks
// a disable by a later GET, not by the PATCH response. And what the server logs while it runs: ids,
// never the token or the people's names and addresses.

function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'debug', base: { service: 'sp-test' } }, stream), lines };
}

const random = (n: number) =>
  Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 26)]).join('');

for (const dialect of DIALECTS) {
  describe(`Microsoft SCIM Validator's tests on ${dialect}`, () => {
    test('users and groups pass, and no log line holds the token or personal data', async (c) => {
      const captured = capturedLogger();
      const t = await startApp(dialect, { logger: captured.logger });
      c.after(() => t.close());
      const { scim, token } = await scimOrganization(t, 'acme', await TestIdp.create());
      const userName = `${random(8)}@contoso.com`;
      const user = {
        schemas: [USER_SCHEMA, ENTERPRISE],
        userName,
        externalId: random(12),
        active: true,
        displayName: `Display ${random(6)}`,
        title: random(8),
        emails: [{ type: 'work', value: userName, primary: true }],
        name: { givenName: `Given${random(5)}`, familyName: `Family${random(5)}` },
        [ENTERPRISE]: { employeeNumber: String(Math.floor(Math.random() * 1e6)), department: random(7) },
      };

      // Create a new User; attributes come back as sent.
      const created = await scim.post('/Users', user);
      assert.equal(created.status, 201, created.raw);
      const id = created.body.id;
      for (const key of [
        'userName',
        'externalId',
        'displayName',
        'title',
        'emails',
        'name',
        ENTERPRISE,
      ] as const) {
        assert.deepEqual(created.body[key], user[key], key);
      }
      // Get the User by id; filter by userName (another case too), by a user that does not exist.
      assert.deepEqual((await scim.get(`/Users/${id}`)).body.name, user.name);
      const q = (filter: string) => scim.get(`/Users?filter=${encodeURIComponent(filter)}`);
      assert.equal((await q(`userName eq "${userName}"`)).body.Resources[0].id, id);
      assert.equal((await q(`userName eq "${userName.toUpperCase()}"`)).body.Resources[0].id, id);
      assert.equal((await q(`userName eq "${random(10)}@contoso.com"`)).body.totalResults, 0);
      // Duplicate create: 409.
      assert.equal((await scim.post('/Users', user)).status, 409);
      // Patch User: replace attributes, one op per path, then a disable checked by GET.
      const replaced = await scim.patch(
        `/Users/${id}`,
        patch(
          { op: 'replace', path: 'displayName', value: 'Replaced' },
          { op: 'replace', path: 'title', value: 'New title' },
          { op: 'replace', path: `${ENTERPRISE}:department`, value: 'R&D' },
        ),
      );
      assert.equal(replaced.status, 200, replaced.raw);
      const read = (await scim.get(`/Users/${id}`)).body;
      assert.equal(read.displayName, 'Replaced');
      assert.equal(read.title, 'New title');
      assert.equal(read[ENTERPRISE].department, 'R&D');
      await scim.patch(`/Users/${id}`, patch({ op: 'replace', path: 'active', value: false }));
      assert.equal((await scim.get(`/Users/${id}`)).body.active, false);

      // Groups: create, get, filter by displayName, add and remove the member, rename, delete.
      const groupName = `Group ${random(8)}`;
      const group = await scim.post('/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: groupName,
        externalId: random(10),
      });
      assert.equal(group.status, 201, group.raw);
      const gid = group.body.id;
      assert.equal((await scim.get(`/Groups/${gid}`)).body.displayName, groupName);
      assert.equal(
        (await scim.get(`/Groups?filter=${encodeURIComponent(`displayName eq "${groupName}"`)}`)).body
          .Resources[0].id,
        gid,
      );
      assert.equal(
        (await scim.patch(`/Groups/${gid}`, patch({ op: 'add', path: 'members', value: [{ value: id }] })))
          .status,
        204,
      );
      assert.deepEqual(
        (await scim.get(`/Groups/${gid}`)).body.members.map((m: { value: string }) => m.value),
        [id],
      );
      assert.equal(
        (await scim.patch(`/Groups/${gid}`, patch({ op: 'remove', path: `members[value eq "${id}"]` })))
          .status,
        204,
      );
      assert.deepEqual((await scim.get(`/Groups/${gid}`)).body.members, []);
      await scim.patch(
        `/Groups/${gid}`,
        patch({ op: 'replace', path: 'displayName', value: `${groupName} 2` }),
      );
      assert.equal((await scim.get(`/Groups/${gid}`)).body.displayName, `${groupName} 2`);
      assert.equal((await scim.delete(`/Groups/${gid}`)).status, 204);
      assert.equal((await scim.get(`/Groups/${gid}`)).status, 404);

      // Delete the User.
      assert.equal((await scim.delete(`/Users/${id}`)).status, 204);
      assert.equal((await scim.get(`/Users/${id}`)).status, 404);
      // A refused request and a bad filter are logged too (without what they carried).
      await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}`)}`);

      const log = captured.lines.join('');
      assert.match(log, /SCIM user created/);
      for (const secret of [token, userName, user.name.givenName, user.displayName, 'Replaced', groupName]) {
        assert.equal(log.includes(secret), false, `the log holds ${secret === token ? 'the token' : secret}`);
      }
    });
  });
}
