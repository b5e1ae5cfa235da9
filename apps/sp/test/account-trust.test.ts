import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectDatabase, migrateToLatest } from '@federa/kit';
import { DIALECTS } from '../../../test/support/databases.ts';
import { startTestDns, type TestDns } from '../../../test/support/dns.ts';
import { migrations } from '../src/db/migrations.ts';
import type { Schema } from '../src/db/schema.ts';
import {
  PASSWORD,
  sharedDatabaseUrl,
  signedUp,
  startApp,
  type TestApp,
  verifiedEmail,
} from './support/app.ts';
import { type Browser, location } from './support/browser.ts';
import { TestIdp, type TestUser } from './support/idp.ts';
import { ssoOrganization, ssoSignIn } from './support/sso.ts';

// Security baseline 11, step by step as an attacker would try it: Mallory registers, creates her own
// organization `evilcorp` with her own IdP, and has it assert the address of someone who will later
// sign in to `acme` through acme's real IdP. Each test fails when its guard is removed.

const NEW_HIRE: TestUser = {
  objectId: '11111111-1111-4111-8111-111111111111',
  email: 'newhire@contoso.com',
  givenName: 'New',
  surname: 'Hire',
};
/** What Mallory's IdP asserts: the same address, under an id of her choosing. */
const SQUAT: TestUser = {
  ...NEW_HIRE,
  objectId: '99999999-9999-4999-8999-999999999999',
  givenName: 'Mallory',
};

interface World {
  t: TestApp;
  dns: TestDns;
  acmeIdp: TestIdp;
  evilIdp: TestIdp;
  acmeOwner: Browser;
  mallory: Browser;
}

async function world(dialect: (typeof DIALECTS)[number]): Promise<World> {
  const dns = await startTestDns();
  const t = await startApp(dialect, { config: { dnsServers: [dns.server] } });
  const acmeIdp = await TestIdp.create('contoso');
  const evilIdp = await TestIdp.create('evilcorp');
  const acmeOwner = await ssoOrganization(t, 'acme', acmeIdp);
  const mallory = await ssoOrganization(t, 'evilcorp', evilIdp);
  return { t, dns, acmeIdp, evilIdp, acmeOwner, mallory };
}

async function close(w: World) {
  await w.t.close();
  await w.dns.close();
}

async function accountsWithEmail(t: TestApp, email: string) {
  return t.ctx.db
    .selectFrom('users')
    .select(['id', 'scope_organization_id', 'email_verified_at'])
    .where('email', '=', email)
    .orderBy('created_at')
    .execute();
}

async function orgId(t: TestApp, slug: string): Promise<string> {
  const row = await t.ctx.db
    .selectFrom('organizations')
    .select('id')
    .where('slug', '=', slug)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** `owner` claims and verifies `domain` for `slug` through the loopback DNS server. */
async function verifyDomain(w: World, owner: Browser, slug: string, domain: string) {
  await owner.get(`/settings/${slug}/domains/`);
  assert.equal((await owner.post(`/settings/${slug}/domains/`, { domain })).statusCode, 303);
  const page = (await owner.get(`/settings/${slug}/domains/`)).body;
  const name = /value="(_federa-workspace\.[^"]+)"/.exec(page)?.[1];
  const value = /value="(federa-workspace-verification=[^"]+)"/.exec(page)?.[1];
  const id = /action="\/settings\/[a-z]+\/domains\/([0-9a-f-]+)\/verify\/"/.exec(page)?.[1];
  assert.ok(name && value && id, 'the page shows the TXT record to publish');
  w.dns.setTxt(name, [value]);
  assert.equal((await owner.post(`/settings/${slug}/domains/${id}/verify/`)).statusCode, 303);
  assert.match((await owner.get(`/settings/${slug}/domains/`)).body, /Verified 20/);
}

const me = async (browser: Browser) => (await browser.get('/api/0/users/me/')).json() as { id: string };

for (const dialect of DIALECTS) {
  describe(`trust between organizations on ${dialect}`, () => {
    test('step 2: an address asserted by an IdP whose organization did not verify its domain reserves nothing', async (c) => {
      const w = await world(dialect);
      c.after(() => close(w));
      const squatter = w.t.browser();
      const acs = await ssoSignIn(squatter, w.t, w.evilIdp, 'evilcorp', SQUAT);
      assert.equal(location(acs), '/organizations/evilcorp/', 'Mallory is in her own organization');
      const [squat] = await accountsWithEmail(w.t, NEW_HIRE.email);
      assert.equal(squat?.scope_organization_id, await orgId(w.t, 'evilcorp'), 'an account of evilcorp only');
      assert.equal(squat?.email_verified_at, null);

      // The real owner registers later: the squat did not take the address.
      const owner = await signedUp(w.t, NEW_HIRE.email, 'New Hire');
      assert.notEqual((await me(owner)).id, squat?.id);
      // And signs in with the password, to their own account.
      const again = w.t.browser();
      await again.get('/auth/login/');
      const signedIn = await again.post('/auth/login/', { email: NEW_HIRE.email, password: PASSWORD });
      assert.equal(signedIn.statusCode, 303);
      assert.equal((await me(again)).id, (await me(owner)).id);
    });

    test('step 3: a sign-in to another organization with that address never targets the squatted account', async (c) => {
      const w = await world(dialect);
      c.after(() => close(w));
      const squatter = w.t.browser();
      await ssoSignIn(squatter, w.t, w.evilIdp, 'evilcorp', SQUAT);
      const newHire = w.t.browser();
      const acs = await ssoSignIn(newHire, w.t, w.acmeIdp, 'acme', NEW_HIRE);
      assert.equal(location(acs), '/organizations/acme/', 'no link is offered to the squatted account');
      assert.notEqual((await me(newHire)).id, (await me(squatter)).id);
      const accounts = await accountsWithEmail(w.t, NEW_HIRE.email);
      assert.deepEqual(
        accounts.map((a) => a.scope_organization_id),
        [await orgId(w.t, 'evilcorp'), await orgId(w.t, 'acme')],
      );
    });

    test('step 3, the outbox: an account sees no mail to an address it has not verified', async (c) => {
      const w = await world(dialect);
      c.after(() => close(w));
      const squatter = w.t.browser();
      await ssoSignIn(squatter, w.t, w.evilIdp, 'evilcorp', SQUAT);
      // Mail to the address: the real owner's sign-up (its verification) and an invitation.
      await signedUp(w.t, NEW_HIRE.email, 'New Hire');
      await w.acmeOwner.get('/settings/acme/members/');
      await w.acmeOwner.post('/settings/acme/members/invite/', { email: NEW_HIRE.email, role: 'member' });
      const outbox = (await squatter.get('/dev/outbox/')).body;
      assert.doesNotMatch(outbox, /verify-email|accept-invite/, 'the squatted account reads none of it');
      // An unverified Workspace-wide account sees only the message that verifies it.
      const unverified = await signedUp(w.t, 'someone@contoso.com');
      await w.acmeOwner.post('/settings/acme/members/invite/', {
        email: 'someone@contoso.com',
        role: 'member',
      });
      const own = (await unverified.get('/dev/outbox/')).body;
      assert.match(own, /verify-email/);
      assert.doesNotMatch(own, /accept-invite/);
      await verifiedEmail(unverified);
      assert.match((await unverified.get('/dev/outbox/')).body, /accept-invite/, 'once verified, all of it');
    });

    test('step 4: the squatting account never becomes a member of acme, even when the new hire already had an account', async (c) => {
      const w = await world(dialect);
      c.after(() => close(w));
      const squatter = w.t.browser();
      await ssoSignIn(squatter, w.t, w.evilIdp, 'evilcorp', SQUAT);
      const owner = await signedUp(w.t, NEW_HIRE.email, 'New Hire');
      await verifiedEmail(owner);
      const newHire = w.t.browser();
      const acs = await ssoSignIn(newHire, w.t, w.acmeIdp, 'acme', NEW_HIRE);
      assert.equal(location(acs), '/auth/link/acme/');
      await newHire.get('/auth/link/acme/');
      await newHire.post('/auth/link/acme/email/');
      // The squatting account cannot read the link (it is mailed to a verified address it does not hold)…
      assert.doesNotMatch((await squatter.get('/dev/outbox/')).body, /auth\/link\/confirm/);
      // …and could not use it from its browser anyway.
      const url = /(\/auth\/link\/confirm\/[A-Za-z0-9_-]+\/)/.exec(
        (await owner.get('/dev/outbox/')).body,
      )?.[1];
      assert.ok(url);
      assert.equal((await squatter.post(url)).statusCode, 403);
      assert.equal((await squatter.get('/organizations/acme/')).statusCode, 403);
      assert.equal((await squatter.get('/api/0/organizations/acme/')).statusCode, 403);
      // The new hire, in the browser that asked, links their own account.
      assert.equal((await newHire.post(url)).statusCode, 303);
      assert.equal((await me(newHire)).id, (await me(owner)).id);
      assert.equal((await owner.get('/organizations/acme/')).statusCode, 200);
    });

    test('an account an IdP made for its organization cannot create organizations or join another by invitation', async (c) => {
      const w = await world(dialect);
      c.after(() => close(w));
      const squatter = w.t.browser();
      await ssoSignIn(squatter, w.t, w.evilIdp, 'evilcorp', SQUAT);
      await squatter.get('/');
      const created = await squatter.post('/organizations/new/', { name: 'Other', slug: 'other' });
      assert.equal(created.statusCode, 403);
      assert.match(created.body, /account_scoped/);
      await w.acmeOwner.get('/settings/acme/members/');
      await w.acmeOwner.post('/settings/acme/members/invite/', { email: NEW_HIRE.email, role: 'member' });
      const inviteUrl = /(\/accept-invite\/[A-Za-z0-9_-]+\/)/.exec(
        (await w.acmeOwner.get('/settings/acme/members/')).body,
      )?.[1];
      assert.ok(inviteUrl);
      await squatter.get(inviteUrl);
      const joined = await squatter.post(inviteUrl);
      assert.equal(joined.statusCode, 403);
      assert.match(joined.body, /account_scoped/);
      assert.equal((await squatter.get('/organizations/acme/')).statusCode, 403);
    });

    test('a pending link can end in a separate account of the organization, which links nothing', async (c) => {
      const w = await world(dialect);
      c.after(() => close(w));
      // Mallory registers the address first (never verified): a squat by registration.
      const registered = await signedUp(w.t, NEW_HIRE.email, 'Mallory');
      const newHire = w.t.browser();
      assert.equal(location(await ssoSignIn(newHire, w.t, w.acmeIdp, 'acme', NEW_HIRE)), '/auth/link/acme/');
      const page = (await newHire.get('/auth/link/acme/')).body;
      assert.doesNotMatch(page, /Email me a link/, 'no mail to an unverified address');
      const separate = await newHire.post('/auth/link/acme/separate/');
      assert.equal(separate.statusCode, 303);
      assert.equal(location(separate), '/organizations/acme/');
      assert.notEqual((await me(newHire)).id, (await me(registered)).id);
      assert.equal((await registered.get('/organizations/acme/')).statusCode, 403);
      // The identity now belongs to the separate account: the next sign-in goes straight there.
      const later = w.t.browser();
      assert.equal(
        location(await ssoSignIn(later, w.t, w.acmeIdp, 'acme', NEW_HIRE)),
        '/organizations/acme/',
      );
      assert.equal((await me(later)).id, (await me(newHire)).id);
    });

    test('domain verification: the TXT record must be published, and a domain verified by one organization is not verified by another', async (c) => {
      const w = await world(dialect);
      c.after(() => close(w));
      await w.acmeOwner.get('/settings/acme/domains/');
      assert.equal(
        (await w.acmeOwner.post('/settings/acme/domains/', { domain: 'not a domain' })).statusCode,
        400,
      );
      assert.equal(
        (await w.acmeOwner.post('/settings/acme/domains/', { domain: 'Contoso.COM.' })).statusCode,
        303,
      );
      const page = (await w.acmeOwner.get('/settings/acme/domains/')).body;
      assert.match(page, /<code>contoso\.com<\/code>/);
      const id = /domains\/([0-9a-f-]+)\/verify\//.exec(page)?.[1];
      const asked = w.dns.questions();
      await w.acmeOwner.post(`/settings/acme/domains/${id}/verify/`);
      assert.ok(w.dns.questions() > asked, 'asked the configured DNS server');
      const unverified = (await w.acmeOwner.get('/settings/acme/domains/')).body;
      assert.doesNotMatch(unverified, /Verified 20/);
      assert.match(unverified, /TXT record not found/);
      // A record with another organization's value does not count.
      w.dns.setTxt('_federa-workspace.contoso.com', ['federa-workspace-verification=someone-elses']);
      await w.acmeOwner.post(`/settings/acme/domains/${id}/verify/`);
      assert.doesNotMatch((await w.acmeOwner.get('/settings/acme/domains/')).body, /Verified 20/);

      w.dns.setTxt('_federa-workspace.contoso.com', [
        /value="(federa-workspace-verification=[^"]+)"/.exec(page)?.[1] ?? '',
      ]);
      await w.acmeOwner.post(`/settings/acme/domains/${id}/verify/`);
      assert.match((await w.acmeOwner.get('/settings/acme/domains/')).body, /Verified 20/);
      // Mallory lists the same domain; even were its record published, acme holds it.
      await w.mallory.get('/settings/evilcorp/domains/');
      await w.mallory.post('/settings/evilcorp/domains/', { domain: 'contoso.com' });
      const evilPage = (await w.mallory.get('/settings/evilcorp/domains/')).body;
      const evilValue = /value="(federa-workspace-verification=[^"]+)"/.exec(evilPage)?.[1];
      const evilId = /domains\/([0-9a-f-]+)\/verify\//.exec(evilPage)?.[1];
      w.dns.setTxt('_federa-workspace.contoso.com', [evilValue!]);
      await w.mallory.post(`/settings/evilcorp/domains/${evilId}/verify/`);
      const refused = (await w.mallory.get('/settings/evilcorp/domains/')).body;
      assert.doesNotMatch(refused, /Verified 20/);
      assert.match(refused, /Verified by another organization/);
      assert.match(
        (await w.acmeOwner.get('/settings/acme/audit-log/')).body,
        /data-action="domain.verified"/,
      );
    });

    test('a verified domain: JIT makes Workspace-wide accounts there and links to an account that verified the address, never to one that did not', async (c) => {
      const w = await world(dialect);
      c.after(() => close(w));
      await verifyDomain(w, w.acmeOwner, 'acme', 'contoso.com');

      // No account yet: a Workspace-wide one, with the address verified by the domain.
      const first = w.t.browser();
      assert.equal(
        location(await ssoSignIn(first, w.t, w.acmeIdp, 'acme', NEW_HIRE)),
        '/organizations/acme/',
      );
      const [made] = await accountsWithEmail(w.t, NEW_HIRE.email);
      assert.equal(made?.scope_organization_id, null);
      assert.notEqual(made?.email_verified_at, null);
      const register = w.t.browser();
      await register.get('/auth/register/');
      const taken = await register.post('/auth/register/', {
        name: 'X',
        email: NEW_HIRE.email,
        password: PASSWORD,
      });
      assert.equal(taken.statusCode, 400, 'the domain owner holds the address now');

      // An account that verified its address is linked at once; the same address in capitals too.
      const verified = await signedUp(w.t, 'ada@contoso.com', 'Ada');
      await verifiedEmail(verified);
      const ada = w.t.browser();
      const upper: TestUser = { objectId: '22222222-2222-4222-8222-222222222222', email: 'ADA@Contoso.COM' };
      assert.equal(location(await ssoSignIn(ada, w.t, w.acmeIdp, 'acme', upper)), '/organizations/acme/');
      assert.equal((await me(ada)).id, (await me(verified)).id);

      // An account that never verified its address (someone may have registered it to pre-hijack):
      // the domain does not link to it; the account must prove itself.
      await signedUp(w.t, 'bob@contoso.com', 'Bob?');
      const bob = w.t.browser();
      const bobUser: TestUser = {
        objectId: '33333333-3333-4333-8333-333333333333',
        email: 'bob@contoso.com',
      };
      assert.equal(location(await ssoSignIn(bob, w.t, w.acmeIdp, 'acme', bobUser)), '/auth/link/acme/');
    });

    test('a verified domain speaks for its own organization only: another IdP, or a look-alike address, gets an account of its organization', async (c) => {
      const w = await world(dialect);
      c.after(() => close(w));
      await verifyDomain(w, w.acmeOwner, 'acme', 'contoso.com');
      const newHire = w.t.browser();
      await ssoSignIn(newHire, w.t, w.acmeIdp, 'acme', NEW_HIRE);

      // Mallory's IdP asserts an address of the domain acme verified: the account that holds it must
      // prove itself, which she cannot; she can only go on with an account of evilcorp.
      const squatter = w.t.browser();
      assert.equal(
        location(await ssoSignIn(squatter, w.t, w.evilIdp, 'evilcorp', SQUAT)),
        '/auth/link/evilcorp/',
      );
      await squatter.get('/auth/link/evilcorp/');
      const guess = await squatter.post('/auth/link/evilcorp/password/', {
        email: NEW_HIRE.email,
        password: PASSWORD,
      });
      assert.equal(guess.statusCode, 400);
      assert.equal((await squatter.get('/api/0/users/me/')).statusCode, 401);
      await squatter.get('/auth/link/evilcorp/');
      assert.equal((await squatter.post('/auth/link/evilcorp/separate/')).statusCode, 303);
      assert.notEqual((await me(squatter)).id, (await me(newHire)).id);
      assert.equal((await squatter.get('/organizations/acme/')).statusCode, 403);

      // acme's own IdP asserting a look-alike (Cyrillic "о" in the domain) is not speaking for contoso.com.
      const lookalike: TestUser = {
        objectId: '44444444-4444-4444-8444-444444444444',
        email: 'newhire@cоntoso.com',
      };
      const other = w.t.browser();
      assert.equal(
        location(await ssoSignIn(other, w.t, w.acmeIdp, 'acme', lookalike)),
        '/organizations/acme/',
      );
      assert.notEqual((await me(other)).id, (await me(newHire)).id);
      const [scoped] = await accountsWithEmail(w.t, 'newhire@cоntoso.com');
      assert.equal(scoped?.scope_organization_id, await orgId(w.t, 'acme'));
    });
  });
}

for (const dialect of DIALECTS) {
  test(`migration 0006 makes the accounts JIT made before it accounts of their organization, and only those, on ${dialect}`, async (c) => {
    const url = await sharedDatabaseUrl(dialect);
    const connected = connectDatabase<Schema>(url);
    c.after(() => connected.close());
    const db = connected.db;
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0006'));
    await migrateToLatest(db as never, before);
    const at = new Date().toISOString();
    const user = (id: string, email: string, passwordHash: string | null) =>
      db
        .insertInto('users')
        .values({
          id,
          email,
          name: id,
          password_hash: passwordHash,
          failed_sign_ins: 0,
          locked_until: null,
          created_at: at,
        } as never)
        .execute();
    await db
      .insertInto('organizations')
      .values({ id: 'org', slug: 'acme', name: 'Acme', created_at: at })
      .execute();
    await db
      .insertInto('auth_providers')
      .values({
        id: 'prov',
        organization_id: 'org',
        kind: 'saml2',
        status: 'active',
        idp_entity_id: 'e',
        sso_url: 'https://i/',
        sso_binding: 'redirect',
        slo_url: null,
        slo_binding: null,
        signing_certificates: '[]',
        metadata_source: 'xml',
        metadata_url: null,
        metadata_fetched_at: null,
        metadata_error: null,
        attribute_mapping: '{}',
        require_sso: 0,
        default_role: 'member',
        allow_idp_initiated: 1,
        session_hours: 24,
        single_logout: 0,
        created_at: at,
        updated_at: at,
        activated_at: at,
      } as never)
      .execute();
    await user('jit', 'jit@contoso.com', null);
    await user('owner', 'owner@acme.test', 'hash');
    for (const [id, userId] of [
      ['i1', 'jit'],
      ['i2', 'owner'],
    ] as const) {
      await db
        .insertInto('identities')
        .values({
          id,
          provider_id: 'prov',
          idp_user_id: id,
          user_id: userId,
          email: 'x',
          created_at: at,
          last_seen_at: at,
        })
        .execute();
      await db
        .insertInto('memberships')
        .values({ id: `m-${id}`, organization_id: 'org', user_id: userId, role: 'member', created_at: at })
        .execute();
    }
    await migrateToLatest(db as never, migrations);
    const rows = await db.selectFrom('users').select(['id', 'scope_organization_id']).orderBy('id').execute();
    assert.deepEqual(
      rows.map((r) => ({ id: r.id, scope_organization_id: r.scope_organization_id })),
      [
        { id: 'jit', scope_organization_id: 'org' },
        { id: 'owner', scope_organization_id: null },
      ],
    );
    // The address is free again: the real owner can have it.
    await user('real', 'jit@contoso.com', 'hash');
  });
}
