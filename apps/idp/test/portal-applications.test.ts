import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSpMetadata, generateCredential } from '@federa/saml';
import { findApplication, listApplications } from '../src/applications/applications.repository.ts';
import { Browser } from './support/browser.ts';
import { BASE_URL, DIALECTS, startIdp, type TestIdp } from './support/harness.ts';
import { ACME, ADMIN_PASSWORD, type Contoso, seedContoso } from './support/seed.ts';

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

/** The Basic SAML form fields for these rows (default = first). */
function basicForm(
  identifiers: string[],
  replies: Array<[string, string]>,
  extra: Record<string, string> = {},
): Record<string, string> {
  const form: Record<string, string> = {
    identifier_count: String(identifiers.length),
    reply_count: String(replies.length),
    default_identifier: '0',
    default_reply: '0',
    ...extra,
  };
  identifiers.forEach((value, i) => {
    form[`identifier_${i}`] = value;
  });
  replies.forEach(([url, index], i) => {
    form[`reply_url_${i}`] = url;
    form[`reply_index_${i}`] = index;
  });
  return form;
}

for (const dialect of DIALECTS) {
  describe(`admin portal: enterprise applications on ${dialect}`, () => {
    test('New application › gallery search › Sentry (self-hosted) for acme at http://localhost:5000 fills in Identifier, Reply URL and Sign on URL', async (t) => {
      const { idp, contoso, browser } = await setUp(dialect);
      t.after(() => idp.close());
      const gallery = await browser.get('/portal/applications/new?q=sentry');
      assert.match(gallery.body, /<strong>Sentry<\/strong>/);
      assert.match(gallery.body, /<strong>Sentry \(self-hosted\)<\/strong>/);
      assert.match(gallery.body, /Create your own application/);
      const none = await browser.get('/portal/applications/new?q=salesforce');
      assert.doesNotMatch(none.body, /<strong>Sentry/);
      const form = await browser.get('/portal/applications/new/sentry-self-hosted');
      assert.match(
        form.body,
        /https:\/\/&#60;SENTRY_HOST&#62;\/saml\/metadata\/&#60;ORGANIZATION_SLUG&#62;\//,
      );
      const bad = await browser.post('/portal/applications/new/sentry-self-hosted', {
        displayName: 'Workspace',
        host: 'http://workspace.example',
        organizationSlug: 'Acme Corp',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /id="f-host-error">The Sentry URL must use https/);
      assert.match(bad.body, /id="f-organizationSlug-error"/);
      // Typed without its scheme, the address is given back as it should be written.
      const schemeless = await browser.post('/portal/applications/new/sentry-self-hosted', {
        displayName: 'Workspace',
        host: 'localhost:5300',
        organizationSlug: 'acme',
      });
      assert.equal(schemeless.statusCode, 400);
      assert.match(
        schemeless.body,
        /id="f-host-error">Start the Sentry URL with its scheme: http:\/\/localhost:5300\./,
      );
      const added = await browser.post('/portal/applications/new/sentry-self-hosted', {
        displayName: 'Federa Workspace',
        host: 'http://localhost:5000/',
        organizationSlug: 'globex',
      });
      assert.equal(added.statusCode, 303);
      const id = String(added.headers.location).split('/').pop()!;
      const app = (await findApplication(idp.deps.db, contoso.tenant.id, id))!;
      assert.equal(app.galleryTemplate, 'sentry-self-hosted');
      assert.deepEqual(app.identifiers, [
        { identifier: 'http://localhost:5000/saml/metadata/globex/', isDefault: true },
      ]);
      assert.deepEqual(app.replyUrls, [
        { url: 'http://localhost:5000/saml/acs/globex/', index: null, isDefault: true },
      ]);
      assert.equal(app.signOnUrl, 'http://localhost:5000/organizations/globex/');
      assert.equal(app.assignmentRequired, true);
      assert.deepEqual(app.notificationEmails, ['admin@contoso.com']);
      const overview = await browser.get(String(added.headers.location));
      assert.match(overview.body, /Added Federa Workspace/);
      assert.ok(
        overview.body.includes(`${BASE_URL}/myapps/signin/${app.appId}?tenantId=${contoso.tenant.id}`),
      );

      const saas = await browser.post('/portal/applications/new/sentry', {
        displayName: 'Sentry',
        organizationSlug: 'initech',
      });
      const saasApp = (await findApplication(
        idp.deps.db,
        contoso.tenant.id,
        String(saas.headers.location).split('/').pop()!,
      ))!;
      assert.equal(saasApp.identifiers[0]!.identifier, 'https://sentry.io/saml/metadata/initech/');
      assert.equal(saasApp.replyUrls[0]!.url, 'https://sentry.io/saml/acs/initech/');
      assert.equal(saasApp.signOnUrl, 'https://sentry.io/organizations/initech/');
      const custom = await browser.post('/portal/applications/new/custom', { displayName: '' });
      assert.equal(custom.statusCode, 400);
      assert.match(custom.body, /id="f-displayName-error"/);
      assert.equal(
        (await browser.post('/portal/applications/new/custom', { displayName: 'Payroll' })).statusCode,
        303,
      );
      const list = await browser.get('/portal/applications');
      for (const name of ['Federa Workspace', 'Payroll', 'Sentry'])
        assert.match(list.body, new RegExp(`>${name}</a>`));
      assert.equal((await listApplications(idp.deps.db, contoso.tenant.id, 'pay')).length, 1);
    });

    test('the Single sign-on page is laid out as Entra’s, with the metadata URL, Login URL, Identifier and Logout URL to copy', async (t) => {
      const { idp, contoso, browser } = await setUp(dialect);
      t.after(() => idp.close());
      const page = await browser.get(`/portal/applications/${contoso.app.id}/sso`);
      assert.equal(page.statusCode, 200);
      const order = [
        '1. Basic SAML Configuration',
        '2. Attributes &#38; Claims',
        '3. SAML Certificates',
        '4. Set up Sentry',
        '5. Test single sign-on with Sentry',
      ];
      const positions = order.map((title) => page.body.indexOf(title));
      assert.ok(
        positions.every((p, i) => p > 0 && (i === 0 || p > positions[i - 1]!)),
        `sections in order: ${positions}`,
      );
      assert.match(
        page.body,
        new RegExp(
          `id="metadata-url" type="text" readonly value="${BASE_URL}/${contoso.tenant.id}/federationmetadata/2007-06/federationmetadata.xml\\?appid=${contoso.app.appId}"`,
        ),
      );
      assert.match(page.body, /data-copy="metadata-url"/);
      assert.ok(page.body.includes(`value="${BASE_URL}/${contoso.tenant.id}/saml2"`));
      assert.ok(page.body.includes(`value="${BASE_URL}/${contoso.tenant.id}/"`));
      assert.ok(page.body.includes(ACME.entityId));
      const download = await browser.get(
        `/${contoso.tenant.id}/federationmetadata/2007-06/federationmetadata.xml?appid=${contoso.app.appId}&download=1`,
      );
      assert.match(String(download.headers['content-disposition']), /attachment; filename="Sentry.xml"/);
    });

    test('Basic SAML Configuration: several Identifiers and Reply URLs with one default each and indexes; Entra’s validation beside each field', async (t) => {
      const { idp, contoso, browser } = await setUp(dialect);
      t.after(() => idp.close());
      const url = `/portal/applications/${contoso.app.id}/sso/basic`;
      assert.equal((await browser.get(url)).statusCode, 200);
      const saved = await browser.post(
        url,
        basicForm(
          [ACME.entityId, 'urn:acme:sentry', ''],
          [
            [ACME.acsUrl, '0'],
            ['https://acme.example/saml/acs/', '1'],
            ['', ''],
          ],
          {
            default_identifier: '1',
            default_reply: '1',
            signOnUrl: ACME.signOnUrl,
            relayState: '/organizations/acme/',
            logoutUrl: 'http://localhost:5000/saml/sls/acme/',
          },
        ),
      );
      assert.equal(saved.statusCode, 303);
      const app = (await findApplication(idp.deps.db, contoso.tenant.id, contoso.app.id))!;
      assert.deepEqual(app.identifiers, [
        { identifier: ACME.entityId, isDefault: false },
        { identifier: 'urn:acme:sentry', isDefault: true },
      ]);
      assert.deepEqual(app.replyUrls, [
        { url: ACME.acsUrl, index: 0, isDefault: false },
        { url: 'https://acme.example/saml/acs/', index: 1, isDefault: true },
      ]);
      assert.equal(app.relayState, '/organizations/acme/');

      const other = await browser.post('/portal/applications/new/custom', { displayName: 'Other' });
      const otherUrl = `${String(other.headers.location)}/sso/basic`;
      const invalid = await browser.post(
        otherUrl,
        basicForm(
          [
            'urn:acme:sentry',
            'https://*.example.com/',
            'http://public.example/entity',
            'https://x.example/#frag',
          ],
          [
            ['http://public.example/acs', 'x'],
            ['javascript:alert(1)', ''],
            [`https://long.example/${'a'.repeat(260)}`, ''],
          ],
          { signOnUrl: 'ftp://files.example/' },
        ),
      );
      assert.equal(invalid.statusCode, 400);
      const errorOf = (field: string) => new RegExp(`id="e-${field}">([^<]+)<`).exec(invalid.body)?.[1] ?? '';
      assert.match(
        errorOf('identifier_0'),
        /The application Sentry in this tenant already uses this Identifier/,
      );
      assert.match(errorOf('identifier_1'), /wildcard/);
      assert.match(errorOf('identifier_2'), /must use https/);
      assert.match(errorOf('identifier_3'), /fragment/);
      assert.match(errorOf('reply_url_0'), /must use https/);
      assert.match(errorOf('reply_index_0'), /whole number/);
      assert.match(errorOf('reply_url_1'), /must start with https/);
      assert.match(errorOf('reply_url_2'), /at most 256 characters/);
      assert.match(invalid.body, /id="f-signOnUrl-error"/);
      const untouched = (await findApplication(
        idp.deps.db,
        contoso.tenant.id,
        String(other.headers.location).split('/').pop()!,
      ))!;
      assert.deepEqual(untouched.identifiers, [], 'nothing half-saved');
      const empty = await browser.post(otherUrl, basicForm([''], [['', '']]));
      assert.match(empty.body, /Enter at least one Identifier/);
      assert.match(empty.body, /Enter at least one Reply URL/);
    });

    test('uploading SP metadata fills in the Basic SAML Configuration and records the SP signing certificate', async (t) => {
      const { idp, contoso, browser } = await setUp(dialect);
      t.after(() => idp.close());
      const other = await browser.post('/portal/applications/new/custom', { displayName: 'Globex' });
      const id = String(other.headers.location).split('/').pop()!;
      const sp = await generateCredential({ cn: 'globex' });
      const metadata = buildSpMetadata({
        entityId: 'http://localhost:5000/saml/metadata/globex/',
        acs: [
          { location: 'http://localhost:5000/saml/acs/globex/', index: 0, isDefault: true },
          {
            location: 'http://localhost:5000/saml/acs/globex/artifact',
            index: 1,
            binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact',
          },
        ],
        slo: [{ location: 'http://localhost:5000/saml/sls/globex/' }],
        signingCertificates: [sp.credential.certificate],
        authnRequestsSigned: true,
        wantAssertionsSigned: true,
      });
      const form = await browser.get(`/portal/applications/${id}/sso/basic`);
      assert.match(form.body, /enctype="multipart\/form-data"/);
      assert.match(form.body, /<input id="f-metadataFile" name="metadataFile" type="file"/);
      const file = {
        field: 'metadataFile',
        name: 'globex-metadata.xml',
        type: 'application/xml',
        content: metadata,
      };
      const uploaded = await browser.postMultipart(`/portal/applications/${id}/sso/metadata`, {}, file);
      assert.equal(uploaded.statusCode, 303);
      const app = (await findApplication(idp.deps.db, contoso.tenant.id, id))!;
      assert.deepEqual(app.identifiers, [
        { identifier: 'http://localhost:5000/saml/metadata/globex/', isDefault: true },
      ]);
      assert.deepEqual(app.replyUrls, [
        { url: 'http://localhost:5000/saml/acs/globex/', index: 0, isDefault: true },
      ]);
      assert.equal(app.logoutUrl, 'http://localhost:5000/saml/sls/globex/');
      assert.deepEqual(app.spSigningCertificates, [sp.credential.certificate.base64]);
      const garbage = await browser.post(`/portal/applications/${id}/sso/metadata`, {
        metadata: '<html><body>login</body></html>',
      });
      assert.equal(garbage.statusCode, 400);
      assert.match(garbage.body, /id="f-metadata-error">This metadata cannot be used/);
      const clash = await browser.post(`/portal/applications/${id}/sso/metadata`, {
        metadata: metadata.replace(/globex\/"/, 'acme/"'),
      });
      assert.equal(clash.statusCode, 400);
      const forged = await browser.postMultipart(
        `/portal/applications/${id}/sso/metadata`,
        { _csrf: 'A'.repeat(43) },
        file,
      );
      assert.equal(forged.statusCode, 403, 'a multipart form needs the CSRF token too');
    });
  });
}
