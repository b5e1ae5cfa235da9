import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectDatabase, migrateToLatest } from '@federa/kit';
import {
  buildLogoutRequest,
  buildSpMetadata,
  decodeRedirect,
  encodeRedirect,
  type GeneratedCredential,
  generateCredential,
  rawQuery,
} from '@federa/saml';
import { SAML } from '@node-saml/node-saml';
import type { Kysely } from 'kysely';
import { freshDatabaseUrl } from '../../../test/support/databases.ts';
import { findApplication } from '../src/applications/applications.repository.ts';
import { applySpMetadata, updateSigning } from '../src/applications/sso-settings.service.ts';
import { migrations } from '../src/db/migrations.ts';
import type { IdpDatabase } from '../src/db/schema.ts';
import { listSignInLogs } from '../src/sign-in-logs/sign-in-logs.repository.ts';
import { Browser, samlPostOf } from './support/browser.ts';
import { BASE_URL, DIALECTS, ManualClock, startIdp, TEST_ACTOR, type TestIdp } from './support/harness.ts';
import { ACME, type Contoso, seedContoso, USER_PASSWORD } from './support/seed.ts';
import { idpOf } from './support/sp.ts';

// The algorithm of a signed request is the request's own (SigAlg), as Entra verifies it: SHA-1 is
// accepted where the admin allowed RSA-SHA1 requests for the application, whatever the Directory
// signs its responses with, and refused elsewhere with advice about the algorithm, not the key.

const SLO = 'http://localhost:5000/saml/sls/acme/';
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

/** Contoso with acme's SP metadata uploaded (its signing certificate), the app responding with SHA-256. */
async function signingSp(idp: TestIdp): Promise<{ contoso: Contoso; sp: GeneratedCredential }> {
  const contoso = await seedContoso(idp.deps);
  const sp = await generateCredential({ cn: 'acme SP' });
  const metadata = buildSpMetadata({
    entityId: ACME.entityId,
    acs: [{ location: ACME.acsUrl, index: 0, isDefault: true }],
    slo: [{ location: SLO }],
    signingCertificates: [sp.credential.certificate],
    authnRequestsSigned: true,
    wantAssertionsSigned: true,
  });
  await applySpMetadata(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, metadata);
  return { contoso, sp };
}

async function allowSha1Requests(idp: TestIdp, contoso: Contoso, allowed: boolean): Promise<void> {
  await updateSigning(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
    signingOption: 'assertion',
    signingAlgorithm: 'sha256',
    notificationEmails: '',
    allowSha1Requests: allowed,
  });
}

/** node-saml as acme's SP, signing its HTTP-Redirect AuthnRequests with RSA-SHA1. */
function nodeSamlSha1(contoso: Contoso, sp: GeneratedCredential): SAML {
  return new SAML({
    entryPoint: `${BASE_URL}/${contoso.tenant.id}/saml2`,
    issuer: ACME.entityId,
    callbackUrl: ACME.acsUrl,
    idpCert: sp.certPem,
    privateKey: sp.keyPem,
    signatureAlgorithm: 'sha1',
  });
}

for (const dialect of DIALECTS) {
  describe(`the algorithm of signed requests on ${dialect}`, () => {
    test('a SHA-1-signed AuthnRequest from node-saml is accepted where the app allows RSA-SHA1 requests, though it responds with SHA-256', async (t) => {
      const idp = await startIdp(dialect, { clock: new ManualClock(new Date()) });
      t.after(() => idp.close());
      const { contoso, sp } = await signingSp(idp);
      await allowSha1Requests(idp, contoso, true);
      const url = await nodeSamlSha1(contoso, sp).getAuthorizeUrlAsync('/organizations/acme/', undefined, {});
      assert.equal(
        decodeRedirect(rawQuery(url)).signature?.algorithm,
        RSA_SHA1,
        'node-saml signed with SHA-1',
      );

      const browser = new Browser(idp.app);
      const arrived = await browser.get(url.slice(BASE_URL.length));
      assert.equal(arrived.statusCode, 303, 'on to the sign-in page');
      const posted = await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(arrived),
      );
      const form = samlPostOf(posted.body);
      assert.equal(form.action, ACME.acsUrl);
      assert.ok(form.xml.includes(`Algorithm="${RSA_SHA256}"`), 'the response is signed with SHA-256');
      assert.ok(!form.xml.includes(RSA_SHA1));
    });

    test('refused by default with AADSTS76021, telling the admin it is the algorithm and which setting allows it', async (t) => {
      const idp = await startIdp(dialect, { clock: new ManualClock(new Date()) });
      t.after(() => idp.close());
      const { contoso, sp } = await signingSp(idp);
      const app = await findApplication(idp.deps.db, contoso.tenant.id, contoso.app.id);
      assert.equal(app?.allowSha1Requests, false, 'off unless an admin turns it on (baseline 5)');
      const url = await nodeSamlSha1(contoso, sp).getAuthorizeUrlAsync('/organizations/acme/', undefined, {});

      const page = await new Browser(idp.app).get(url.slice(BASE_URL.length));
      assert.equal(page.statusCode, 400);
      assert.ok(page.body.includes('AADSTS76021'));
      assert.ok(page.body.includes('Allow requests signed with RSA-SHA1'), 'names the setting');
      assert.ok(!page.body.includes('Upload the application'), 'does not send the admin after the key');
      const log = (await listSignInLogs(idp.deps.db, contoso.tenant.id))[0]!;
      assert.equal(log.errorCode, 'AADSTS76021');
      assert.equal(log.checkName, 'signature');

      // Signing the responses with SHA-1 does not open the requests to it: the two are separate.
      await updateSigning(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        signingOption: 'assertion',
        signingAlgorithm: 'sha1',
        notificationEmails: '',
      });
      const again = await nodeSamlSha1(contoso, sp).getAuthorizeUrlAsync('/', undefined, {});
      assert.equal((await new Browser(idp.app).get(again.slice(BASE_URL.length))).statusCode, 400);
    });

    test('a SHA-1-signed LogoutRequest follows the same setting, and the LogoutResponse is signed with the app’s SHA-256', async (t) => {
      const idp = await startIdp(dialect, { clock: new ManualClock(new Date()) });
      t.after(() => idp.close());
      const { contoso, sp } = await signingSp(idp);
      const logoutUrl = () =>
        encodeRedirect({
          location: `/${contoso.tenant.id}/saml2`,
          parameter: 'SAMLRequest',
          xml: buildLogoutRequest({
            id: '_logout-sha1',
            issueInstant: idp.clock.now(),
            issuer: ACME.entityId,
            destination: idpOf(contoso.tenant).ssoUrl,
            nameId: { value: 'B.Simon@contoso.com', format: null },
          }),
          sign: { privateKey: sp.credential.privateKey, algorithm: 'rsa-sha1' },
        });
      const refused = await new Browser(idp.app).get(logoutUrl());
      assert.equal(refused.statusCode, 400);
      assert.ok(refused.body.includes('AADSTS76021'));
      assert.ok(refused.body.includes('Allow requests signed with RSA-SHA1'));

      await allowSha1Requests(idp, contoso, true);
      const answered = await new Browser(idp.app).get(logoutUrl());
      assert.equal(answered.statusCode, 303);
      const location = String(answered.headers.location);
      assert.ok(location.startsWith(`${SLO}?SAMLResponse=`));
      assert.equal(decodeRedirect(rawQuery(location)).signature?.algorithm, RSA_SHA256);
    });

    test('migration 0005 keeps SHA-1 requests for the applications that signed with SHA-1 before, and only those', async (t) => {
      const database = connectDatabase<IdpDatabase>(await freshDatabaseUrl(dialect), { poolSize: 2 });
      t.after(() => database.close());
      const db = database.db as unknown as Kysely<unknown>;
      const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0005'));
      await migrateToLatest(db, before);
      const at = new Date().toISOString();
      await database.db.insertInto('tenants').values({ id: 't1', name: 'Contoso', created_at: at }).execute();
      for (const [id, algorithm] of [
        ['a-sha1', 'sha1'],
        ['a-sha256', 'sha256'],
      ] as const) {
        await database.db
          .insertInto('applications')
          .values({
            id,
            app_id: `${id}-app`,
            tenant_id: 't1',
            display_name: id,
            gallery_template: 'custom',
            enabled_for_sign_in: 1,
            assignment_required: 1,
            visible_to_users: 1,
            sign_on_url: null,
            relay_state: null,
            logout_url: null,
            name_id_source: 'user.userprincipalname',
            name_id_format: 'default',
            group_claim: 'none',
            group_claim_source: 'objectId',
            role_claim: 1,
            signing_option: 'assertion',
            signing_algorithm: algorithm,
            notification_emails: '[]',
            sp_signing_certificates: '[]',
            created_at: at,
            updated_at: at,
          } as never)
          .execute();
      }
      await migrateToLatest(db, migrations);
      const rows = await database.db
        .selectFrom('applications')
        .select(['id', 'allow_sha1_requests', 'logout_response_url'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.id, Number(r.allow_sha1_requests), r.logout_response_url]),
        [
          ['a-sha1', 1, null],
          ['a-sha256', 0, null],
        ],
      );
    });
  });
}
