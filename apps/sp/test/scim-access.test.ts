import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { PASSWORD, signedUp, startApp } from './support/app.ts';
import { location } from './support/browser.ts';
import { BSIMON, TestIdp, type TestUser } from './support/idp.ts';
import { enableScim, entraUser, patch, scimOrganization } from './support/scim.ts';
import { failureCode, ssoOrganization, ssoSignIn } from './support/sso.ts';

// Access ends when the directory takes it away (security baseline 12): a suspended or removed member
// is signed out of the organization on their next request and refused at their next SSO sign-in, and
// while SCIM is on, just-in-time provisioning does not make them a member again.

const STRANGER: TestUser = {
  objectId: '99999999-9999-4999-8999-999999999999',
  email: 'stranger@contoso.com',
};

async function bsimonFilter(scim: Awaited<ReturnType<typeof scimOrganization>>['scim']) {
  return (await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${BSIMON.email}"`)}`)).body
    .Resources[0];
}

for (const dialect of DIALECTS) {
  describe(`losing access through SCIM on ${dialect}`, () => {
    test('a SCIM-provisioned user meets the same account at SSO sign-in (externalId = objectidentifier)', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const { scim, owner } = await scimOrganization(t, 'acme', idp);
      const created = await scim.post('/Users', { ...entraUser(BSIMON), sentryOrgRole: 'admin' });
      assert.equal(created.status, 201, created.raw);
      // Provisioned before ever signing in: a member of acme.
      assert.match((await owner.get('/settings/acme/members/')).body, /b\.simon@contoso\.com/);

      const bsimon = t.browser();
      const signedIn = await ssoSignIn(bsimon, t, idp, 'acme', BSIMON);
      assert.equal(signedIn.statusCode, 303, signedIn.body.slice(0, 500));
      const me = (await bsimon.get('/api/0/users/me/')).json();
      assert.deepEqual(
        me.organizations.map((o: { slug: string; role: string }) => [o.slug, o.role]),
        [['acme', 'admin']],
      );
      const accounts = await t.ctx.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', BSIMON.email)
        .execute();
      assert.equal(accounts.length, 1, 'one account, made by SCIM and met by SSO');
    });

    test('suspending ends her SSO session at once and refuses her next sign-in (MEMBER_SUSPENDED); restoring lets her in', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const { scim } = await scimOrganization(t, 'acme', idp);
      const id = (await scim.post('/Users', entraUser(BSIMON))).body.id;
      const bsimon = t.browser();
      await ssoSignIn(bsimon, t, idp, 'acme', BSIMON);
      assert.equal((await bsimon.get('/organizations/acme/')).statusCode, 200);

      const suspended = await scim.patch(
        `/Users/${id}`,
        patch({ op: 'Replace', path: 'active', value: 'False' }),
      );
      assert.equal(suspended.status, 200);
      // Her very next request: signed out (her SSO session ended), so the page sends her to sign in.
      const next = await bsimon.get('/organizations/acme/');
      assert.equal(next.statusCode, 303);
      assert.match(location(next), /^\/auth\/login\/acme\//);
      assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 401);
      const ended = await t.ctx.db
        .selectFrom('sso_sessions')
        .innerJoin('users', 'users.id', 'sso_sessions.user_id')
        .select('sso_sessions.ended_at')
        .where('users.email', '=', BSIMON.email)
        .execute();
      assert.ok(ended.length > 0 && ended.every((row) => row.ended_at !== null));

      const refused = await ssoSignIn(t.browser(), t, idp, 'acme', BSIMON);
      assert.equal(refused.statusCode, 400);
      assert.equal(failureCode(refused), 'MEMBER_SUSPENDED');
      assert.match(refused.body, /suspended by its directory/);
      assert.equal(
        (await t.ctx.db.selectFrom('memberships').select('id').where('id', '=', id).execute()).length,
        1,
        'the membership is kept',
      );

      await scim.patch(`/Users/${id}`, patch({ op: 'Replace', path: 'active', value: 'True' }));
      const back = t.browser();
      assert.equal((await ssoSignIn(back, t, idp, 'acme', BSIMON)).statusCode, 303);
      assert.equal((await back.get('/organizations/acme/')).statusCode, 200);
    });

    test('a suspended member signed in with a password is refused every page of the organization (member_suspended)', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const { owner, scim } = await scimOrganization(t, 'acme', idp);
      // Bob joins by invitation with a Workspace account of his own (no SSO identity).
      await owner.get('/settings/acme/members/');
      await owner.post('/settings/acme/members/invite/', { email: 'bob@example.test', role: 'member' });
      const link = /value="http:\/\/localhost:5000(\/accept-invite\/[^"]+)"/.exec(
        (await owner.get('/settings/acme/members/')).body,
      )?.[1];
      assert.ok(link);
      const bob = await signedUp(t, 'bob@example.test', 'Bob');
      await bob.get(link);
      await bob.post(link);
      assert.equal((await bob.get('/organizations/acme/')).statusCode, 200);

      const row = (await scim.get(`/Users?filter=${encodeURIComponent('userName eq "BOB@example.test"')}`))
        .body.Resources[0];
      assert.ok(row, 'Entra finds him by userName');
      // Entra sets its object id on him: his own Workspace account is not handed to the IdP (it links at
      // his SSO sign-in once the account has proved itself).
      const linked = await scim.patch(
        `/Users/${row.id}`,
        patch({ op: 'Add', path: 'externalId', value: 'bob-object-id' }),
      );
      assert.equal(linked.status, 200, linked.raw);
      assert.equal(linked.body.externalId, undefined);
      assert.equal(
        (
          await t.ctx.db
            .selectFrom('identities')
            .select('id')
            .where('idp_user_id', '=', 'bob-object-id')
            .execute()
        ).length,
        0,
      );
      await scim.patch(`/Users/${row.id}`, patch({ op: 'replace', path: 'active', value: false }));
      for (const path of ['/organizations/acme/', '/settings/acme/members/', '/settings/acme/teams/']) {
        const page = await bob.get(path);
        assert.equal(page.statusCode, 403, path);
        assert.match(page.body, /data-error-code="member_suspended"|member_suspended/);
      }
      assert.equal((await bob.get('/api/0/organizations/acme/')).statusCode, 403);
      // Password sign-in again changes nothing.
      const again = t.browser();
      await again.get('/auth/login/');
      await again.post('/auth/login/', { email: 'bob@example.test', password: PASSWORD });
      assert.equal((await again.get('/organizations/acme/')).statusCode, 403);
    });

    test('while SCIM is on, JIT makes no member: an unprovisioned person and a removed member are refused (MEMBER_NOT_PROVISIONED)', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const { scim, owner } = await scimOrganization(t, 'acme', idp);
      const stranger = await ssoSignIn(t.browser(), t, idp, 'acme', STRANGER);
      assert.equal(failureCode(stranger), 'MEMBER_NOT_PROVISIONED');
      assert.equal(
        (await t.ctx.db.selectFrom('users').select('id').where('email', '=', STRANGER.email).execute())
          .length,
        0,
      );

      const id = (await scim.post('/Users', entraUser(BSIMON))).body.id;
      const bsimon = t.browser();
      await ssoSignIn(bsimon, t, idp, 'acme', BSIMON);
      assert.equal((await bsimon.get('/organizations/acme/')).statusCode, 200);
      assert.equal((await scim.delete(`/Users/${id}`)).status, 204);
      assert.equal((await bsimon.get('/organizations/acme/')).statusCode, 303, 'signed out at once');
      const again = await ssoSignIn(t.browser(), t, idp, 'acme', BSIMON);
      assert.equal(failureCode(again), 'MEMBER_NOT_PROVISIONED', 'not made a member again by JIT');
      assert.equal(await bsimonFilter(scim), undefined);
      assert.doesNotMatch((await owner.get('/settings/acme/members/')).body, /b\.simon@contoso\.com/);

      // With SCIM off, JIT works as before.
      await owner.get('/settings/acme/auth/');
      await owner.post('/settings/acme/auth/scim/disable/');
      const jit = t.browser();
      assert.equal((await ssoSignIn(jit, t, idp, 'acme', STRANGER)).statusCode, 303);
      assert.equal((await jit.get('/organizations/acme/')).statusCode, 200);
    });

    test('SCIM never hands an existing Workspace account to the IdP: an address it holds gets an account of its own', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const { scim } = await scimOrganization(t, 'acme', idp);
      const victim = await signedUp(t, 'victim@example.test', 'Victim');
      const victimId = (await victim.get('/api/0/users/me/')).json().id as string;
      const impostor = { objectId: 'e7777777-7777-4777-8777-777777777777', email: 'victim@example.test' };
      assert.equal((await scim.post('/Users', entraUser(impostor))).status, 201);
      assert.deepEqual(
        (await victim.get('/api/0/users/me/')).json().organizations,
        [],
        'the victim was not made a member',
      );
      const signedIn = t.browser();
      assert.equal((await ssoSignIn(signedIn, t, idp, 'acme', impostor)).statusCode, 303);
      const me = (await signedIn.get('/api/0/users/me/')).json();
      assert.notEqual(me.id, victimId, 'the IdP signs in to the account SCIM made, not the victim’s');
      assert.deepEqual(
        me.organizations.map((o: { slug: string }) => o.slug),
        ['acme'],
      );
    });

    test('while SCIM is on, an existing account that is no member is refused at once, and a link started before is not completed', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      await signedUp(t, 'victim@example.test', 'Victim');
      const person = { objectId: 'e7777777-7777-4777-8777-777777777777', email: 'victim@example.test' };
      // Before SCIM: JIT asks the existing account to prove itself.
      const early = t.browser();
      assert.equal(location(await ssoSignIn(early, t, idp, 'acme', person)), '/auth/link/acme/');
      await enableScim(owner, 'acme');

      const now = await ssoSignIn(t.browser(), t, idp, 'acme', person);
      assert.equal(failureCode(now), 'MEMBER_NOT_PROVISIONED');
      await early.get('/auth/link/acme/');
      const completed = await early.post('/auth/link/acme/password/', {
        email: 'victim@example.test',
        password: PASSWORD,
      });
      assert.equal(completed.statusCode, 403);
      assert.match(completed.body, /member_not_provisioned/);
      assert.doesNotMatch((await owner.get('/settings/acme/members/')).body, /victim@example\.test/);
    });

    test('two owners suspended at once: one of the two requests is refused, so an owner is left', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const { owner, scim } = await scimOrganization(t, 'acme', await TestIdp.create());
      await owner.get('/settings/acme/members/');
      await owner.post('/settings/acme/members/invite/', { email: 'second@acme.test', role: 'owner' });
      const link = /value="http:\/\/localhost:5000(\/accept-invite\/[^"]+)"/.exec(
        (await owner.get('/settings/acme/members/')).body,
      )?.[1];
      assert.ok(link);
      const second = await signedUp(t, 'second@acme.test');
      await second.get(link);
      await second.post(link);
      const owners = (await scim.get('/Users')).body.Resources.filter(
        (u: { sentryOrgRole: string }) => u.sentryOrgRole === 'owner',
      );
      assert.equal(owners.length, 2);
      const results = await Promise.all(
        owners.map((u: { id: string }) =>
          scim.patch(`/Users/${u.id}`, patch({ op: 'Replace', path: 'active', value: 'False' })),
        ),
      );
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
      const active = (await scim.get('/Users')).body.Resources.filter(
        (u: { sentryOrgRole: string; active: boolean }) => u.sentryOrgRole === 'owner' && u.active,
      );
      assert.equal(active.length, 1);
    });
  });
}
