import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { findOrganizationBySlug } from '../src/organizations/organizations.repository.ts';
import { findProviderByOrganization } from '../src/providers/providers.repository.ts';
import { createdOrganization, signedUp, startApp, type TestApp } from './support/app.ts';
import { location } from './support/browser.ts';
import { serve, TestIdp } from './support/idp.ts';

const ENTRA_METADATA = new URL(
  '../../../../shared/fixtures/entra/azure-ad-app-federation-metadata.aduneoclientfedid.xml',
  import.meta.url,
);

async function ownerOf(t: TestApp, slug = 'acme') {
  const owner = await signedUp(t, `owner@${slug}.test`);
  await createdOrganization(owner, slug);
  await owner.get(`/settings/${slug}/auth/configure/active-directory/`);
  return owner;
}

async function providerOf(t: TestApp, slug = 'acme') {
  const org = await findOrganizationBySlug(t.ctx.db, slug);
  return findProviderByOrganization(t.ctx.db, org!.id);
}

for (const dialect of DIALECTS) {
  describe(`auth settings on ${dialect}`, () => {
    test('configures Active Directory from pasted metadata XML: saved pending, with Entra attribute defaults', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const owner = await ownerOf(t);
      const idp = await TestIdp.create();
      const saved = await owner.post('/settings/acme/auth/configure/active-directory/', {
        method: 'xml',
        metadataXml: idp.metadata(),
      });
      assert.equal(location(saved), '/settings/acme/auth/');
      const provider = await providerOf(t);
      assert.equal(provider?.status, 'pending');
      assert.equal(provider?.entityId, idp.entityId);
      assert.equal(provider?.ssoUrl, idp.ssoUrl);
      assert.deepEqual(provider?.signingCertificates, [idp.signer.credential.certificate.base64]);
      assert.equal(provider?.mapping.userId, 'http://schemas.microsoft.com/identity/claims/objectidentifier');
      assert.equal(
        provider?.mapping.email,
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
      );
      const page = await owner.get('/settings/acme/auth/');
      assert.match(page.body, /Setup not finished/);
      assert.match(page.body, /Test and finish setup/);
      assert.match(page.body, /value="http:\/\/localhost:5000\/saml\/metadata\/acme\/"/);
      assert.match(page.body, /value="http:\/\/localhost:5000\/saml\/acs\/acme\/"/);
    });

    test('imports the real Entra App Federation Metadata by file: entity ID, SSO URL and certificate', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const owner = await ownerOf(t);
      const xml = readFileSync(ENTRA_METADATA, 'utf8');
      const saved = await owner.post('/settings/acme/auth/configure/active-directory/', {
        method: 'xml',
        metadataXml: xml,
      });
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 2000));
      const provider = await providerOf(t);
      assert.equal(provider?.entityId, 'https://sts.windows.net/b20a2822-5260-4ea7-b000-c17131389b33/');
      assert.equal(
        provider?.ssoUrl,
        'https://login.microsoftonline.com/b20a2822-5260-4ea7-b000-c17131389b33/saml2',
      );
      assert.equal(provider?.ssoBinding, 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect');
      assert.equal(
        provider?.sloUrl,
        'https://login.microsoftonline.com/b20a2822-5260-4ea7-b000-c17131389b33/saml2',
      );
      assert.equal(provider?.signingCertificates.length, 1);
      assert.ok(
        provider?.signingCertificates[0]?.startsWith(
          'MIIC8DCCAdigAwIBAgIQNwUNAOhuCYlJ6/2EU7ttcTANBgkqhkiG9w0BAQsFADA0',
        ),
      );
      const page = await owner.get('/settings/acme/auth/');
      assert.match(page.body, /Microsoft Azure Federated SSO Certificate/);
    });

    test('configures from a metadata URL served on 127.0.0.1, and refreshes it on demand (rollover audited)', async (c) => {
      const t = await startApp(dialect, { config: { allowLoopbackMetadata: true } });
      c.after(() => t.close());
      const owner = await ownerOf(t);
      const idp = await TestIdp.create();
      let document = idp.metadata();
      const server = await serve((_request, response) => {
        response.setHeader('content-type', 'application/samlmetadata+xml');
        response.end(document);
      });
      c.after(() => server.close());
      const url = `${server.url}/contoso/federationmetadata/2007-06/federationmetadata.xml?appid=1`;
      const saved = await owner.post('/settings/acme/auth/configure/active-directory/', {
        method: 'url',
        metadataUrl: url,
      });
      assert.equal(location(saved), '/settings/acme/auth/', saved.body.slice(0, 3000));
      assert.equal((await providerOf(t))?.metadataUrl, url);

      // The IdP publishes a second certificate beside the first: both are trusted after a refresh.
      const next = await TestIdp.create('contoso', 'contoso-next');
      idp.listed = [idp.signer, next.signer];
      document = idp.metadata();
      await owner.get('/settings/acme/auth/');
      const refreshed = await owner.post('/settings/acme/auth/refresh/');
      assert.equal(refreshed.statusCode, 303);
      assert.equal((await providerOf(t))?.signingCertificates.length, 2);
      const audit = await owner.get('/settings/acme/audit-log/');
      assert.match(audit.body, /data-action="sso.certificates-changed"/);
      assert.match(audit.body, /data-action="sso.configured"/);
    });

    test('names what is wrong with a metadata URL: timeout, an HTML page, no signing certificate, not an IdP', async (c) => {
      const t = await startApp(dialect, {
        config: {
          allowLoopbackMetadata: true,
          metadataFetch: { timeoutMs: 300, maxBytes: 1024 * 1024, maxRedirects: 3 },
        },
      });
      c.after(() => t.close());
      const owner = await ownerOf(t);
      const idp = await TestIdp.create();
      const server = await serve((request, response) => {
        if (request.url === '/slow') return; // never answers
        if (request.url === '/portal') {
          response.setHeader('content-type', 'text/html');
          return response.end(
            '<!DOCTYPE html><html><head><title>Microsoft Entra admin center</title></head><body></body></html>',
          );
        }
        if (request.url === '/nocert') return response.end(idp.metadata({ withoutCertificates: true }));
        if (request.url === '/sp') {
          return response.end(
            '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.test/"><SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.test/acs" index="0"/></SPSSODescriptor></EntityDescriptor>',
          );
        }
        if (request.url === '/big') return response.end('<x>'.padEnd(2 * 1024 * 1024, ' '));
        response.statusCode = 404;
        response.end();
      });
      c.after(() => server.close());
      const cases: Array<[string, RegExp]> = [
        ['/slow', /did not answer within 0.3 seconds/],
        [
          '/portal',
          /returned an HTML page, not SAML metadata — did you copy the portal page instead of the App Federation Metadata URL\?/,
        ],
        ['/nocert', /lists no signing certificate/],
        ['/sp', /not an identity provider&#39;s metadata/],
        ['/big', /larger than the 1024 KB accepted/],
        ['/missing', /answered HTTP 404/],
      ];
      for (const [path, message] of cases) {
        const refused = await owner.post('/settings/acme/auth/configure/active-directory/', {
          method: 'url',
          metadataUrl: `${server.url}${path}`,
        });
        assert.equal(refused.statusCode, 400, path);
        assert.match(refused.body, message, path);
        assert.match(refused.body, /id="f-metadataUrl-error"/, path);
      }
      assert.equal(await providerOf(t), null, 'nothing was saved');
    });

    test('refuses metadata URLs on link-local, cloud-metadata and non-http addresses without connecting', async (c) => {
      const t = await startApp(dialect, { config: { allowLoopbackMetadata: false } });
      c.after(() => t.close());
      const owner = await ownerOf(t);
      const cases: Array<[string, RegExp]> = [
        ['http://169.254.169.254/latest/meta-data/', /link-local, cloud-metadata or reserved address/],
        ['http://[::ffff:169.254.169.254]/', /link-local, cloud-metadata or reserved address/],
        ['http://[fe80::1]/', /link-local/],
        [
          'http://127.0.0.1:4000/metadata.xml',
          /loopback address \(allowed only when SP_ALLOW_LOOPBACK_METADATA is on\)/,
        ],
        ['http://10.1.2.3/metadata.xml', /private network address/],
        ['file:///etc/passwd', /must start with https:\/\/ or http:\/\//],
        ['not a url', /not a URL/],
      ];
      for (const [url, message] of cases) {
        const refused = await owner.post('/settings/acme/auth/configure/active-directory/', {
          method: 'url',
          metadataUrl: url,
        });
        assert.equal(refused.statusCode, 400, url);
        assert.match(refused.body, message, url);
      }
    });

    test('a redirect to a forbidden address is checked again and refused', async (c) => {
      // Loopback on, so that the first hop (the test server on 127.0.0.1) is fetched.
      const t = await startApp(dialect, { config: { allowLoopbackMetadata: true } });
      c.after(() => t.close());
      const owner = await ownerOf(t);
      const server = await serve((_request, response) => {
        response.statusCode = 302;
        response.setHeader('location', 'http://169.254.169.254/latest/meta-data/');
        response.end();
      });
      c.after(() => server.close());
      const refused = await owner.post('/settings/acme/auth/configure/active-directory/', {
        method: 'url',
        metadataUrl: `${server.url}/metadata`,
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /169\.254\.169\.254 is a link-local/);
    });

    test('configures a generic SAML2 provider by hand, and maps its attributes with the NameID as the id', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const owner = await ownerOf(t);
      const idp = await TestIdp.create('okta');
      await owner.get('/settings/acme/auth/configure/saml2/');
      const bad = await owner.post('/settings/acme/auth/configure/saml2/', {
        method: 'manual',
        entityId: '',
        ssoUrl: 'javascript:alert(1)',
        certificates: 'nonsense',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /id="f-entityId-error"/);
      assert.match(bad.body, /id="f-ssoUrl-error"/);
      assert.match(bad.body, /id="f-certificates-error"/);
      const saved = await owner.post('/settings/acme/auth/configure/saml2/', {
        method: 'manual',
        entityId: idp.entityId,
        ssoUrl: idp.ssoUrl,
        ssoBinding: 'post',
        sloUrl: '',
        certificates: idp.signer.certPem,
      });
      assert.equal(location(saved), '/settings/acme/auth/');
      await owner.get('/settings/acme/auth/');
      const mapped = await owner.post('/settings/acme/auth/mapping/', {
        useNameIdAsUserId: '1',
        userId: '',
        email: 'mail',
        firstName: 'givenName',
        lastName: 'sn',
      });
      assert.equal(mapped.statusCode, 303);
      const provider = await providerOf(t);
      assert.deepEqual(provider?.mapping, {
        userId: null,
        email: 'mail',
        firstName: 'givenName',
        lastName: 'sn',
      });
      assert.equal(provider?.ssoBinding, 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
    });
  });
}
