import assert from 'node:assert/strict';
import { verify, X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import * as xmllint from '@authenio/samlify-node-xmllint';
import { connectDatabase, migrateToLatest } from '@federa/kit';
import { BINDING, rawQuery } from '@federa/saml';
import * as samlify from 'samlify';
import { DIALECTS } from '../../../test/support/databases.ts';
import { migrations } from '../src/db/migrations.ts';
import type { Schema } from '../src/db/schema.ts';
import { findOrganizationBySlug } from '../src/organizations/organizations.repository.ts';
import { spSigningCredential } from '../src/request-signing/sp-signing-key.ts';
import { createdOrganization, sharedDatabaseUrl, signedUp, startApp, type TestApp } from './support/app.ts';
import { type Browser, location } from './support/browser.ts';
import { TestIdp } from './support/idp.ts';
import { setOptions, ssoOrganization } from './support/sso.ts';

// Rolling the Workspace's SP signing key over (issue 12, item 7), as the Directory rolls its
// certificates: a next key published beside the active one, then used, the old one published as
// previous until removed. Signatures are checked with node:crypto and samlify, certificates parsed
// with node:crypto's X509Certificate, none of which is our code.

samlify.setSchemaValidator(xmllint);

/** The certificates the SP metadata publishes, in order, as base64 DER. */
async function published(browser: Browser): Promise<string[]> {
  const metadata = (await browser.get('/saml/metadata/acme/')).body;
  return [...metadata.matchAll(/<(?:ds:)?X509Certificate>([^<]+)</g)].map((m) => m[1]!.replace(/\s/g, ''));
}

const pemOf = (base64: string) =>
  `-----BEGIN CERTIFICATE-----\n${base64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

/** Presses “Continue with …” on acme's login page: the signed Redirect-binding URL sent to the IdP. */
async function signedRequestUrl(t: TestApp): Promise<string> {
  const browser = t.browser();
  await browser.get('/auth/login/acme/');
  const started = await browser.post('/auth/login/acme/');
  assert.equal(started.statusCode, 303, started.body.slice(0, 500));
  return location(started);
}

/** SAML Bindings §3.4.4.1: the signature covers the query's octets as sent, Signature excluded. */
function verifiesWith(url: string, base64: string): boolean {
  const raw = rawQuery(url);
  const octets = raw
    .split('&')
    .filter((p) => !p.startsWith('Signature='))
    .join('&');
  const signature = new URLSearchParams(raw).get('Signature');
  assert.ok(signature, 'the request is signed');
  return verify('RSA-SHA256', Buffer.from(octets), pemOf(base64), Buffer.from(signature, 'base64'));
}

/** The id of the key whose `action` button the auth settings page shows. */
async function keyIdFor(owner: Browser, action: 'use' | 'remove', nth = 0): Promise<string> {
  const page = (await owner.get('/settings/acme/auth/')).body;
  const ids = [...page.matchAll(new RegExp(`/signing-keys/([0-9a-f-]{36})/${action}/`, 'g'))].map(
    (m) => m[1]!,
  );
  assert.ok(ids[nth], `the page offers ${action}`);
  return ids[nth]!;
}

async function press(owner: Browser, path: string) {
  await owner.get('/settings/acme/auth/');
  const pressed = await owner.post(path);
  assert.equal(pressed.statusCode, 303, pressed.body.slice(0, 1000));
  return (await owner.get(location(pressed))).body;
}

/** acme with SSO through a test IdP and signed requests on; its first key made by its metadata. */
async function signingOrganization(t: TestApp): Promise<Browser> {
  const idp = await TestIdp.create();
  const owner = await ssoOrganization(t, 'acme', idp);
  await setOptions(owner, 'acme', { signRequests: true });
  assert.equal((await published(owner)).length, 1);
  return owner;
}

for (const dialect of DIALECTS) {
  describe(`SP signing-key rollover on ${dialect}`, () => {
    test('publishes the next key beside the active one, signs with it after “Use the new key”, and keeps the old one published until removed', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const owner = await signingOrganization(t);
      const [first] = await published(owner);
      assert.ok(first);
      assert.equal((await published(owner)).length, 1);
      assert.ok(verifiesWith(await signedRequestUrl(t), first));

      const made = await press(owner, '/settings/acme/auth/signing-keys/');
      assert.match(made, /Made a new signing key/);
      const during = await published(owner);
      assert.equal(during.length, 2, 'active and next are both published');
      assert.equal(during[0], first, 'the active key first');
      const second = during[1]!;
      // Until it is used, requests are still signed with the active key.
      const before = await signedRequestUrl(t);
      assert.ok(verifiesWith(before, first));
      assert.ok(!verifiesWith(before, second));
      assert.doesNotMatch(made, /value="New signing key"|>New signing key</, 'one rollover at a time');

      const used = await press(
        owner,
        `/settings/acme/auth/signing-keys/${await keyIdFor(owner, 'use')}/use/`,
      );
      assert.match(used, /Requests are now signed with the new key/);
      assert.deepEqual(await published(owner), [second, first], 'the old key stays published as previous');
      const after = await signedRequestUrl(t);
      assert.ok(verifiesWith(after, second), 'signed with the new key');
      assert.ok(!verifiesWith(after, first));

      const removed = await press(
        owner,
        `/settings/acme/auth/signing-keys/${await keyIdFor(owner, 'remove')}/remove/`,
      );
      assert.match(removed, /Removed the previous signing key/);
      assert.deepEqual(await published(owner), [second]);

      // samlify, trusting the SP as its metadata now describes it, accepts the request signed with it.
      const idp = await TestIdp.create();
      const sp = samlify.ServiceProvider({ metadata: (await owner.get('/saml/metadata/acme/')).body });
      const peer = samlify.IdentityProvider({
        entityID: idp.entityId,
        privateKey: idp.signer.keyPem,
        signingCert: idp.signer.certPem,
        wantAuthnRequestsSigned: true,
        singleSignOnService: [{ Binding: BINDING.redirect, Location: idp.ssoUrl }],
      });
      const raw = rawQuery(after);
      const parsed = await peer.parseLoginRequest(sp, 'redirect', {
        query: Object.fromEntries(new URLSearchParams(raw)),
        octetString: raw
          .split('&')
          .filter((p) => !p.startsWith('Signature='))
          .join('&'),
      });
      assert.ok(parsed.extract.request?.id);

      const audit = (await owner.get('/settings/acme/audit-log/')).body;
      assert.match(audit, /SP signing key made/);
      assert.match(audit, /New SP signing key in use/);
      assert.match(audit, /SP signing key removed/);
      assert.doesNotMatch(audit, /PRIVATE KEY|v1\./);
    });

    test('each key’s certificate downloads as a Base64 .cer that parses to the published certificate, with its SHA-256 thumbprint and expiry on the page', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const owner = await signingOrganization(t);
      await press(owner, '/settings/acme/auth/signing-keys/');
      const page = (await owner.get('/settings/acme/auth/')).body;
      const links = [
        ...page.matchAll(/href="(\/settings\/acme\/auth\/signing-keys\/[0-9a-f-]{36}\/certificate\/)"/g),
      ].map((m) => m[1]!);
      assert.equal(links.length, 2);
      const metadata = await published(owner);
      for (const [i, link] of links.entries()) {
        const download = await owner.get(link);
        assert.equal(download.statusCode, 200);
        assert.match(String(download.headers['content-type']), /^application\/pkix-cert/);
        assert.match(
          String(download.headers['content-disposition']),
          /^attachment; filename="acme-[^"]+\.cer"$/,
        );
        assert.match(download.body, /^-----BEGIN CERTIFICATE-----\n/);
        assert.doesNotMatch(download.body, /PRIVATE KEY/);
        const certificate = new X509Certificate(download.body);
        assert.equal(certificate.raw.toString('base64'), metadata[i]);
        const thumbprint = certificate.fingerprint256.replace(/:/g, '');
        assert.ok(page.includes(thumbprint), 'the page shows the SHA-256 thumbprint');
        assert.ok(page.includes(new Date(certificate.validTo).toISOString().slice(0, 10)), 'and the expiry');
      }
      // Another organization's key is not found through this one.
      const other = await signedUp(t, 'owner@globex.test');
      await createdOrganization(other, 'globex');
      assert.equal((await other.get(links[0]!.replace('/acme/', '/globex/'))).statusCode, 404);
    });

    test('“Discard” drops an unused next key; the active key cannot be removed; a second new key waits for the first', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const owner = await signingOrganization(t);
      const [first] = await published(owner);
      await press(owner, '/settings/acme/auth/signing-keys/');
      const twice = await press(owner, '/settings/acme/auth/signing-keys/');
      assert.match(twice, /already waiting/);
      assert.equal((await published(owner)).length, 2);

      const discarded = await press(
        owner,
        `/settings/acme/auth/signing-keys/${await keyIdFor(owner, 'remove')}/remove/`,
      );
      assert.match(discarded, /Discarded the new signing key/);
      assert.deepEqual(await published(owner), [first]);

      const org = (await findOrganizationBySlug(t.ctx.db, 'acme'))!;
      const active = await t.ctx.db
        .selectFrom('sp_signing_keys')
        .select('id')
        .where('organization_id', '=', org.id)
        .executeTakeFirstOrThrow();
      const refused = await press(owner, `/settings/acme/auth/signing-keys/${active.id}/remove/`);
      assert.match(refused, /The active key signs/);
      const notNext = await press(owner, `/settings/acme/auth/signing-keys/${active.id}/use/`);
      assert.match(notNext, /not waiting to be used/);
      assert.deepEqual(await published(owner), [first]);
    });

    test('a second rollover replaces the earlier previous key; with no key yet, “New signing key” makes the active one', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      // Requests not signed: the page says so, and the metadata publishes nothing.
      assert.match(
        (await owner.get('/settings/acme/auth/')).body,
        /until then the SP metadata publishes no key/,
      );
      assert.match(await press(owner, '/settings/acme/auth/signing-keys/'), /Made the signing key/);
      await setOptions(owner, 'acme', { signRequests: true });
      const [first] = await published(owner);
      await press(owner, '/settings/acme/auth/signing-keys/');
      await press(owner, `/settings/acme/auth/signing-keys/${await keyIdFor(owner, 'use')}/use/`);
      const [second] = await published(owner);
      await press(owner, '/settings/acme/auth/signing-keys/');
      const third = (await published(owner))[1]!;
      assert.deepEqual(await published(owner), [second, third, first], 'active, next, previous');
      await press(owner, `/settings/acme/auth/signing-keys/${await keyIdFor(owner, 'use')}/use/`);
      assert.deepEqual(await published(owner), [third, second]);
      assert.ok(verifiesWith(await signedRequestUrl(t), third!));
    });

    test('managers roll the key over; members can neither press the buttons nor download a certificate', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const owner = await signingOrganization(t);
      const invite = async (email: string, role: string) => {
        await owner.get('/settings/acme/members/');
        await owner.post('/settings/acme/members/invite/', { email, role });
        const page = await owner.get('/settings/acme/members/');
        const path = new URL(/value="(http:\/\/localhost:5000\/accept-invite\/[^"]+)"/.exec(page.body)![1]!)
          .pathname;
        const browser = await signedUp(t, email);
        await browser.get(path);
        await browser.post(path);
        return browser;
      };
      const manager = await invite('max@acme.test', 'manager');
      const member = await invite('mia@acme.test', 'member');

      await press(manager, '/settings/acme/auth/signing-keys/');
      const nextId = await keyIdFor(manager, 'use');
      const certificate = `/settings/acme/auth/signing-keys/${nextId}/certificate/`;
      assert.equal((await manager.get(certificate)).statusCode, 200);

      await member.get('/organizations/acme/');
      assert.equal((await member.get(certificate)).statusCode, 403);
      assert.equal((await member.post('/settings/acme/auth/signing-keys/')).statusCode, 403);
      assert.equal((await member.post(`/settings/acme/auth/signing-keys/${nextId}/use/`)).statusCode, 403);
      assert.equal((await member.post(`/settings/acme/auth/signing-keys/${nextId}/remove/`)).statusCode, 403);
      assert.equal((await published(owner)).length, 2, 'nothing changed');

      await press(manager, `/settings/acme/auth/signing-keys/${nextId}/use/`);
      assert.match((await owner.get('/settings/acme/audit-log/')).body, /max@acme\.test/);
    });

    test('two instances making the first key at once agree on it', async (c) => {
      const t = await startApp(dialect, { url: await sharedDatabaseUrl(dialect) });
      c.after(() => t.close());
      const other = await startApp(dialect, { url: t.url });
      c.after(() => other.close());
      const owner = await signedUp(t, 'owner@acme.test');
      await createdOrganization(owner, 'acme');
      const org = (await findOrganizationBySlug(t.ctx.db, 'acme'))!;
      const [a, b] = await Promise.all([
        spSigningCredential(t.ctx, org.id),
        spSigningCredential(other.ctx, org.id),
      ]);
      assert.equal(a.certificate.base64, b.certificate.base64);
      const rows = await t.ctx.db.selectFrom('sp_signing_keys').select('status').execute();
      assert.deepEqual(
        rows.map((r) => r.status),
        ['active'],
      );
    });

    test('migration 0017 keeps a key made before it as the active key', async (c) => {
      const url = await sharedDatabaseUrl(dialect);
      const before = connectDatabase<Schema>(url);
      await migrateToLatest(
        before.db as never,
        Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0017')),
      );
      // Written as 0009 left the table (no status column yet).
      const db = before.db as unknown as import('kysely').Kysely<Record<string, Record<string, unknown>>>;
      await db
        .insertInto('organizations')
        .values({ id: 'org-1', slug: 'acme', name: 'ACME', created_at: '2026-01-01T00:00:00.000Z' })
        .execute();
      await db
        .insertInto('sp_signing_keys')
        .values({
          id: 'key-1',
          organization_id: 'org-1',
          certificate_pem: 'PEM',
          private_key_sealed: 'v1.sealed',
          created_at: '2026-01-01T00:00:00.000Z',
        })
        .execute();
      await before.close();

      const t = await startApp(dialect, { url });
      c.after(() => t.close());
      const rows = await t.ctx.db.selectFrom('sp_signing_keys').select(['id', 'status']).execute();
      assert.deepEqual(
        rows.map((r) => ({ ...r })),
        [{ id: 'key-1', status: 'active' }],
      );
      // One active and one next per organization: a second active key is refused by the database.
      await assert.rejects(
        t.ctx.db
          .insertInto('sp_signing_keys')
          .values({
            id: 'key-2',
            organization_id: 'org-1',
            status: 'active',
            certificate_pem: 'PEM',
            private_key_sealed: 'v1.sealed',
            created_at: '2026-01-02T00:00:00.000Z',
          })
          .execute(),
      );
      await t.ctx.db
        .insertInto('sp_signing_keys')
        .values({
          id: 'key-3',
          organization_id: 'org-1',
          status: 'next',
          certificate_pem: 'PEM',
          private_key_sealed: 'v1.sealed',
          created_at: '2026-01-02T00:00:00.000Z',
        })
        .execute();
    });
  });
}
