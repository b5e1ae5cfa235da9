import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findApplication } from '../src/applications/applications.repository.ts';
import { listAssignments } from '../src/assignments/assignments.repository.ts';
import { unassign } from '../src/assignments/assignments.service.ts';
import { listAudit } from '../src/audit/audit.repository.ts';
import { createGroup } from '../src/groups/groups.service.ts';
import { Browser } from './support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR, type TestIdp } from './support/harness.ts';
import { ADMIN_PASSWORD, type Contoso, seedContoso } from './support/seed.ts';

async function setUp(
  dialect: (typeof DIALECTS)[number],
): Promise<{ idp: TestIdp; contoso: Contoso; browser: Browser }> {
  const idp = await startIdp(dialect);
  const contoso = await seedContoso(idp.deps);
  const browser = new Browser(idp.app);
  await browser.signIn(
    'admin@contoso.com',
    ADMIN_PASSWORD,
    await browser.follow(await browser.get('/portal')),
  );
  return { idp, contoso, browser };
}

for (const dialect of DIALECTS) {
  describe(`admin portal: application settings on ${dialect}`, () => {
    test('Attributes & Claims: Entra’s defaults; NameID source and format; add, edit, remove a claim; group and role claims', async (t) => {
      const { idp, contoso, browser } = await setUp(dialect);
      t.after(() => idp.close());
      const base = `/portal/applications/${contoso.app.id}/sso/claims`;
      const page = await browser.get(base);
      for (const name of ['givenname', 'surname', 'emailaddress', 'name']) {
        assert.ok(page.body.includes(`http://schemas.xmlsoap.org/ws/2005/05/identity/claims/${name}`), name);
      }
      assert.match(page.body, /Unique User Identifier \(Name ID\)/);
      assert.match(page.body, /user\.userprincipalname \[Default\]/);
      assert.match(page.body, /http:\/\/schemas.microsoft.com\/identity\/claims\/tenantid/);
      assert.equal((await browser.get(`${base}/nameid`)).statusCode, 200);
      assert.equal(
        (
          await browser.post(`${base}/nameid`, {
            source: 'user.mail',
            format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
          })
        ).statusCode,
        303,
      );
      assert.equal(
        (await browser.post(`${base}/nameid`, { source: 'user.password', format: 'default' })).statusCode,
        400,
      );
      assert.equal((await browser.get(`${base}/new`)).statusCode, 200);
      const added = await browser.post(base, {
        name: 'department',
        namespace: '',
        source: 'user.displayname',
      });
      assert.equal(added.statusCode, 303);
      const duplicate = await browser.post(base, {
        name: 'name',
        namespace: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims',
        source: 'user.mail',
      });
      assert.equal(duplicate.statusCode, 400);
      assert.match(duplicate.body, /already sends a claim named/);
      const spaced = await browser.post(base, { name: 'has space', namespace: '', source: 'user.mail' });
      assert.match(spaced.body, /id="f-name-error"/);
      let app = (await findApplication(idp.deps.db, contoso.tenant.id, contoso.app.id))!;
      const department = app.claims.find((c) => c.name === 'department')!;
      assert.equal((await browser.get(`${base}/${department.id}`)).statusCode, 200);
      assert.equal(
        (
          await browser.post(`${base}/${department.id}`, {
            name: 'dept',
            namespace: 'urn:contoso',
            source: 'user.surname',
          })
        ).statusCode,
        303,
      );
      assert.equal((await browser.get(`${base}/groups`)).statusCode, 200);
      assert.equal(
        (await browser.post(`${base}/groups`, { mode: 'assigned', source: 'objectId' })).statusCode,
        303,
      );
      assert.equal(
        (await browser.post(`${base}/groups`, { mode: 'some', source: 'objectId' })).statusCode,
        400,
      );
      assert.equal((await browser.post(`${base}/role`, { roleClaim: 'no' })).statusCode, 303);
      app = (await findApplication(idp.deps.db, contoso.tenant.id, contoso.app.id))!;
      assert.equal(app.nameIdSource, 'user.mail');
      assert.deepEqual(app.claims.at(-1), {
        id: department.id,
        name: 'dept',
        namespace: 'urn:contoso',
        source: 'user.surname',
      });
      assert.equal(app.groupClaim, 'assigned');
      assert.equal(app.roleClaim, false);
      assert.equal((await browser.post(`${base}/${department.id}/remove`, {})).statusCode, 303);
      assert.equal((await findApplication(idp.deps.db, contoso.tenant.id, contoso.app.id))!.claims.length, 4);
      const activities = (
        await listAudit(idp.deps.db, contoso.tenant.id, { category: 'ApplicationManagement' })
      ).map((e) => e.activity);
      for (const a of [
        'Add claim',
        'Update claim',
        'Delete claim',
        'Update group claim',
        'Update role claim',
      ])
        assert.ok(activities.includes(a), a);
    });

    test('Properties, Users and groups (Default Access, app roles), and Delete', async (t) => {
      const { idp, contoso, browser } = await setUp(dialect);
      t.after(() => idp.close());
      const base = `/portal/applications/${contoso.app.id}`;
      assert.equal((await browser.get(base)).statusCode, 200);
      assert.equal((await browser.get(`${base}/properties`)).statusCode, 200);
      const props = await browser.post(`${base}/properties`, {
        displayName: 'Sentry',
        enabledForSignIn: 'yes',
        assignmentRequired: 'no',
        visibleToUsers: 'yes',
      });
      assert.equal(props.statusCode, 303);
      assert.equal(
        (await findApplication(idp.deps.db, contoso.tenant.id, contoso.app.id))!.assignmentRequired,
        false,
      );
      assert.equal(
        (await browser.post(`${base}/properties`, { displayName: '', enabledForSignIn: 'yes' })).statusCode,
        400,
      );

      const users = await browser.get(`${base}/users`);
      assert.match(users.body, /B.Simon \(B.Simon@contoso.com\)<\/td><td>User<\/td><td>Default Access/);
      assert.match(users.body, /No role has been set up for this app: Default Access is selected/);
      assert.equal(
        (
          await browser.post(`${base}/assignments`, {
            principal: `user:${contoso.other.id}`,
            appRoleId: '00000000-0000-0000-0000-000000000000',
          })
        ).statusCode,
        303,
      );
      const twice = await browser.post(`${base}/assignments`, {
        principal: `user:${contoso.other.id}`,
        appRoleId: '00000000-0000-0000-0000-000000000000',
      });
      assert.equal(twice.statusCode, 400);
      assert.match(twice.body, /already has the role Default Access/);
      assert.equal((await browser.post(`${base}/assignments`, { principal: 'user:nobody' })).statusCode, 400);
      // The picker lists only those not assigned yet (no roles tell assignments apart), with a search box.
      const picker = (await browser.get(`${base}/users`)).body;
      assert.match(picker, /<select id="f-principal" name="principal" multiple/);
      assert.match(picker, /data-filter-options="f-principal"/);
      assert.doesNotMatch(picker, new RegExp(`<option value="user:${contoso.simon.id}"`));
      assert.match(picker, new RegExp(`<option value="user:${contoso.admin.id}"`));
      // Several at once are assigned together, or none: one already assigned refuses all of them.
      const group = await createGroup(idp.deps, TEST_ACTOR, contoso.tenant.id, {
        displayName: 'Engineering',
      });
      const mixed = await browser.post(`${base}/assignments`, {
        principal: [`group:${group.id}`, `user:${contoso.simon.id}`],
      });
      assert.equal(mixed.statusCode, 400);
      assert.match(mixed.body, /already has the role Default Access/);
      assert.match(
        mixed.body,
        new RegExp(`<option value="group:${group.id}" selected>`),
        'the choice is kept',
      );
      assert.equal((await listAssignments(idp.deps.db, contoso.app.id)).length, 2, 'nothing was assigned');
      const none = await browser.post(`${base}/assignments`, {});
      assert.match(none.body, /Choose at least one user or group/);
      const several = await browser.post(`${base}/assignments`, {
        principal: [`group:${group.id}`, `user:${contoso.admin.id}`],
      });
      assert.equal(several.statusCode, 303);
      assert.equal((await listAssignments(idp.deps.db, contoso.app.id)).length, 4);
      for (const a of (await listAssignments(idp.deps.db, contoso.app.id)).filter(
        (x) => x.principalId === group.id || x.principalId === contoso.admin.id,
      )) {
        await unassign(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, a.id);
      }

      assert.equal(
        (
          await browser.post(`${base}/roles`, {
            displayName: 'Admin',
            value: 'admin',
            description: 'Sentry owners',
          })
        ).statusCode,
        303,
      );
      assert.match(
        (await browser.post(`${base}/roles`, { displayName: 'Other', value: 'has space' })).body,
        /id="f-value-error"/,
      );
      const roleRequired = await browser.post(`${base}/assignments`, {
        principal: `user:${contoso.admin.id}`,
      });
      assert.equal(roleRequired.statusCode, 400);
      assert.match(roleRequired.body, /Select a role/);
      const roleId = /<option value="([0-9a-f-]{36})"(?: selected)?>Admin<\/option>/.exec(
        roleRequired.body,
      )?.[1];
      assert.ok(roleId);
      assert.equal(
        (
          await browser.post(`${base}/assignments`, {
            principal: `user:${contoso.admin.id}`,
            appRoleId: roleId,
          })
        ).statusCode,
        303,
      );
      const inUse = await browser.post(`${base}/roles/${roleId}/remove`, {});
      assert.equal(inUse.statusCode, 400);
      assert.match(inUse.body, /remove those assignments first/);
      const assignments = await listAssignments(idp.deps.db, contoso.app.id);
      assert.deepEqual(assignments.map((a) => a.roleName).sort(), [
        'Admin',
        'Default Access',
        'Default Access',
      ]);
      const adminAssignment = assignments.find((a) => a.roleName === 'Admin')!;
      assert.equal(
        (await browser.post(`${base}/assignments/${adminAssignment.id}/remove`, { confirm: 'yes' }))
          .statusCode,
        303,
      );
      assert.equal((await browser.post(`${base}/roles/${roleId}/remove`, {})).statusCode, 303);

      assert.equal((await browser.post(`${base}/delete`, {})).statusCode, 303);
      assert.equal((await browser.get(base)).statusCode, 404);
      assert.equal(
        (
          await idp.deps.db
            .selectFrom('signing_certificates')
            .select('id')
            .where('application_id', '=', contoso.app.id)
            .execute()
        ).length,
        0,
      );
    });
  });
}
