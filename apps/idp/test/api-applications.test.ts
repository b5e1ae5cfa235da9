import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import { BINDING, buildSpMetadata, generateCredential, parseCertificate, parseMetadata } from '@federa/saml';
import { type ApiClient, apiClient, tokenFor } from './support/api.ts';
import { BASE_URL, DIALECTS, startIdp, type TestIdp } from './support/harness.ts';
import { ACME, type Contoso, seedContoso } from './support/seed.ts';

async function setUp(
  dialect: (typeof DIALECTS)[number],
): Promise<{ idp: TestIdp; contoso: Contoso; api: ApiClient }> {
  const idp = await startIdp(dialect);
  const contoso = await seedContoso(idp.deps);
  return { idp, contoso, api: apiClient(idp.app, await tokenFor(idp.deps, contoso.admin, 'apps')) };
}

for (const dialect of DIALECTS) {
  describe(`admin API: applications on ${dialect}`, () => {
    test('the gallery, and adding Sentry (sentry.io), Sentry (self-hosted) and your own application', async (t) => {
      const { idp, api } = await setUp(dialect);
      t.after(() => idp.close());
      const templates = (await api.get('/applicationTemplates')).body.value;
      assert.deepEqual(
        templates.map((t: { id: string }) => t.id),
        ['sentry', 'sentry-self-hosted', 'custom'],
      );

      const cloud = await api.post('/applications', { template: 'sentry', organizationSlug: 'globex' });
      assert.equal(cloud.status, 201);
      assert.equal(cloud.body.displayName, 'Sentry');
      assert.deepEqual(cloud.body.saml.identifiers, [
        { identifier: 'https://sentry.io/saml/metadata/globex/', isDefault: true },
      ]);
      assert.deepEqual(cloud.body.saml.replyUrls, [
        { url: 'https://sentry.io/saml/acs/globex/', index: null, isDefault: true },
      ]);
      assert.equal(cloud.body.saml.signOnUrl, 'https://sentry.io/organizations/globex/');
      assert.equal(cloud.body.assignmentRequired, true);
      assert.deepEqual(
        cloud.body.saml.claims.map((c: { name: string }) => c.name),
        ['givenname', 'surname', 'emailaddress', 'name'],
      );
      assert.equal(
        cloud.body.federationMetadataUrl,
        `${BASE_URL}/${cloud.body.federationMetadataUrl.split('/')[3]}/federationmetadata/2007-06/federationmetadata.xml?appid=${cloud.body.appId}`,
      );

      const selfHosted = await api.post('/applications', {
        template: 'sentry-self-hosted',
        displayName: 'Workspace',
        host: 'http://localhost:5001/',
        organizationSlug: 'initech',
      });
      assert.equal(selfHosted.status, 201);
      assert.equal(selfHosted.body.saml.replyUrls[0].url, 'http://localhost:5001/saml/acs/initech/');

      const custom = await api.post('/applications', { template: 'custom', displayName: 'Wiki' });
      assert.equal(custom.status, 201);
      assert.deepEqual(custom.body.saml.identifiers, []);
      const unnamed = await api.post('/applications', { template: 'custom' });
      assert.equal(unnamed.status, 400);
      assert.equal(unnamed.body.error.field, 'displayName');

      const badSlug = await api.post('/applications', { template: 'sentry', organizationSlug: 'Not A Slug' });
      assert.equal(badSlug.status, 400);
      assert.equal(badSlug.body.error.code, 'validation_failed');
      assert.equal(badSlug.body.error.field, 'organizationSlug');
      const plainHttp = await api.post('/applications', {
        template: 'sentry-self-hosted',
        host: 'http://sentry.example.com',
        organizationSlug: 'acme2',
      });
      assert.equal(plainHttp.status, 400);
      assert.equal(plainHttp.body.error.field, 'host');
      const unknown = await api.post('/applications', { template: 'salesforce' });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error.code, 'invalid_request');
      assert.equal(unknown.body.error.field, 'template');
      const sameIdentifier = await api.post('/applications', {
        template: 'sentry',
        organizationSlug: 'globex',
      });
      assert.equal(sameIdentifier.status, 409, 'an Identifier names one application in the tenant');
      assert.equal((await api.get('/applications')).body.value.length, 4, 'the refused ones were not added');
    });

    test('get by object id or application id, update properties, delete', async (t) => {
      const { idp, contoso, api } = await setUp(dialect);
      t.after(() => idp.close());
      const byAppId = await api.get(`/applications/${contoso.app.appId}`);
      assert.equal(byAppId.status, 200);
      assert.equal(byAppId.body.id, contoso.app.id);
      assert.equal((await api.get(`/applications/${contoso.app.id}`)).body.appId, contoso.app.appId);
      assert.equal((await api.get('/applications/not-a-guid')).status, 400);

      const patched = await api.patch(`/applications/${contoso.app.id}`, {
        assignmentRequired: false,
        visibleToUsers: false,
      });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.assignmentRequired, false);
      assert.equal(patched.body.visibleToUsers, false);
      assert.equal(patched.body.enabledForSignIn, true);
      assert.equal(patched.body.displayName, 'Sentry');
      const blank = await api.patch(`/applications/${contoso.app.id}`, { displayName: ' ' });
      assert.equal(blank.status, 400);
      assert.equal(blank.body.error.field, 'displayName');

      assert.equal((await api.delete(`/applications/${contoso.app.id}`)).status, 204);
      assert.equal((await api.get(`/applications/${contoso.app.id}`)).status, 404);
    });

    test('SAML settings: Basic SAML Configuration, NameID, claims and signing; a refusal in one section leaves all as they were', async (t) => {
      const { idp, contoso, api } = await setUp(dialect);
      t.after(() => idp.close());
      const url = `/applications/${contoso.app.id}/saml`;
      const changed = await api.patch(url, {
        identifiers: [{ identifier: ACME.entityId }, { identifier: 'urn:acme:sentry', isDefault: true }],
        replyUrls: [
          { url: ACME.acsUrl, index: 0 },
          { url: 'https://acme.example.com/saml/acs/', index: 1, isDefault: true },
        ],
        relayState: '/organizations/acme/issues/',
        logoutUrl: 'http://localhost:5000/saml/sls/acme/',
        nameId: { source: 'user.mail', format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' },
        groupClaim: { mode: 'all' },
        signingOption: 'both',
        signingAlgorithm: 'sha256',
        notificationEmails: ['admin@contoso.com'],
      });
      assert.equal(changed.status, 200, changed.text);
      const saml = changed.body;
      assert.deepEqual(
        saml.identifiers.map((i: { identifier: string; isDefault: boolean }) => [i.identifier, i.isDefault]),
        [
          [ACME.entityId, false],
          ['urn:acme:sentry', true],
        ],
      );
      assert.equal(saml.replyUrls[1].isDefault, true);
      assert.equal(saml.replyUrls[1].index, 1);
      assert.equal(saml.signOnUrl, ACME.signOnUrl, 'not sent, so kept');
      assert.equal(saml.relayState, '/organizations/acme/issues/');
      assert.deepEqual(saml.nameId, {
        source: 'user.mail',
        format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      });
      assert.deepEqual(saml.groupClaim, { mode: 'all', source: 'objectId' });
      assert.equal(saml.signingOption, 'both');
      assert.deepEqual(saml.notificationEmails, ['admin@contoso.com']);

      const before = (await api.get(url)).body;
      const mixed = await api.patch(url, {
        replyUrls: [{ url: 'https://ok.example.com/acs' }],
        nameId: { source: 'user.password' },
      });
      assert.equal(mixed.status, 400);
      assert.equal(mixed.body.error.field, 'nameId.source');
      assert.deepEqual((await api.get(url)).body, before, 'the valid Reply URL was not saved either');

      const plain = await api.patch(url, {
        replyUrls: [{ url: ACME.acsUrl }, { url: 'http://sentry.example.com/acs' }],
      });
      assert.equal(plain.status, 400);
      assert.equal(plain.body.error.field, 'replyUrls[1].url');
      assert.match(plain.body.error.message, /https/);
      const noIdentifier = await api.patch(url, { identifiers: [] });
      assert.equal(noIdentifier.status, 400);
      assert.equal(noIdentifier.body.error.field, 'identifiers');
      const badAlgorithm = await api.patch(url, { signingAlgorithm: 'md5' });
      assert.equal(badAlgorithm.status, 400);
      assert.equal(badAlgorithm.body.error.field, 'signingAlgorithm');

      const other = await api.post('/applications', { template: 'custom', displayName: 'Other' });
      const taken = await api.patch(`/applications/${other.body.id}/saml`, {
        identifiers: [{ identifier: 'urn:acme:sentry' }],
        replyUrls: [{ url: 'https://other.example.com/acs' }],
      });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.error.field, 'identifiers[0].identifier');

      const added = await api.post(`${url}/claims`, { name: 'department', source: 'user.displayname' });
      assert.equal(added.status, 201);
      const claim = added.body.claims.find((c: { name: string }) => c.name === 'department');
      assert.equal(claim.namespace, null);
      const duplicate = await api.post(`${url}/claims`, { name: 'department', source: 'user.mail' });
      assert.equal(duplicate.status, 409);
      const renamed = await api.patch(`${url}/claims/${claim.id}`, { name: 'dept' });
      assert.equal(renamed.status, 200);
      assert.ok(
        renamed.body.claims.some(
          (c: { name: string; source: string }) => c.name === 'dept' && c.source === 'user.displayname',
        ),
      );
      const badSource = await api.patch(`${url}/claims/${claim.id}`, { source: 'user.password' });
      assert.equal(badSource.status, 400);
      assert.equal(badSource.body.error.field, 'source');
      assert.equal((await api.delete(`${url}/claims/${claim.id}`)).status, 204);
      assert.equal((await api.delete(`${url}/claims/${claim.id}`)).status, 404);
    });

    test('SAML settings from the service provider’s metadata; metadata that is not SAML is refused on the field', async (t) => {
      const { idp, contoso, api } = await setUp(dialect);
      t.after(() => idp.close());
      const credential = await generateCredential({ cn: 'acme sp' });
      const metadata = buildSpMetadata({
        entityId: 'https://acme.example.com/saml/metadata/',
        authnRequestsSigned: true,
        wantAssertionsSigned: true,
        signingCertificates: [parseCertificate(credential.certPem)],
        acs: [
          {
            location: 'https://acme.example.com/saml/acs/',
            index: 3,
            isDefault: true,
            binding: BINDING.post,
          },
        ],
        slo: [{ location: 'https://acme.example.com/saml/sls/', binding: BINDING.redirect }],
      });
      const applied = await api.post(`/applications/${contoso.app.id}/saml/metadata`, { metadata });
      assert.equal(applied.status, 200, applied.text);
      assert.deepEqual(applied.body.identifiers, [
        { identifier: 'https://acme.example.com/saml/metadata/', isDefault: true },
      ]);
      assert.deepEqual(applied.body.replyUrls, [
        { url: 'https://acme.example.com/saml/acs/', index: 3, isDefault: true },
      ]);
      assert.equal(applied.body.logoutUrl, 'https://acme.example.com/saml/sls/');
      assert.equal(applied.body.spSigningCertificateCount, 1);
      const junk = await api.post(`/applications/${contoso.app.id}/saml/metadata`, { metadata: '<html/>' });
      assert.equal(junk.status, 400);
      assert.equal(junk.body.error.field, 'metadata');
    });

    test('the federation metadata URL serves signed metadata that parseMetadata verifies', async (t) => {
      const { idp, contoso, api } = await setUp(dialect);
      t.after(() => idp.close());
      const urls = await api.get(`/applications/${contoso.app.appId}/federation-metadata-url`);
      assert.equal(urls.status, 200);
      assert.equal(urls.body.entityId, `${BASE_URL}/${contoso.tenant.id}/`);
      assert.equal(urls.body.loginUrl, `${BASE_URL}/${contoso.tenant.id}/saml2`);
      assert.equal(
        urls.body.userAccessUrl,
        `${BASE_URL}/myapps/signin/${contoso.app.appId}?tenantId=${contoso.tenant.id}`,
      );
      const address = new URL(urls.body.federationMetadataUrl);
      assert.equal(address.origin, BASE_URL);
      const served = await idp.app.inject({ url: `${address.pathname}${address.search}` });
      assert.equal(served.statusCode, 200);
      const entity = parseMetadata(served.body, { role: 'idp' });
      assert.equal(entity.signature, 'verified-self');
      assert.equal(entity.entityId, urls.body.entityId);
    });

    test('certificates: list, create (inactive), download PEM, activate, delete; the active one cannot be deleted', async (t) => {
      const { idp, contoso, api } = await setUp(dialect);
      t.after(() => idp.close());
      const base = `/applications/${contoso.app.id}/certificates`;
      const [first] = (await api.get(base)).body.value;
      assert.equal(first.isActive, true);
      assert.ok(!('certificatePem' in first) && !('privateKeySealed' in first));

      const created = await api.post(base);
      assert.equal(created.status, 201);
      assert.equal(created.body.isActive, false);
      const years =
        (Date.parse(created.body.expiresAt) - Date.parse(created.body.notBefore)) / (365.25 * 86400_000);
      assert.ok(Math.abs(years - 3) < 0.01);

      const pem = await api.get(`${base}/${created.body.id}/pem`);
      assert.equal(pem.status, 200);
      assert.match(String(pem.headers['content-type']), /^application\/x-pem-file/);
      assert.match(pem.text, /^-----BEGIN CERTIFICATE-----/);
      const x509 = new X509Certificate(pem.text);
      assert.equal(x509.fingerprint.replace(/:/g, ''), created.body.thumbprint);
      assert.equal(x509.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
      assert.equal(
        (await api.get(`${base}/${created.body.thumbprint}/pem`)).text,
        pem.text,
        'by thumbprint too',
      );

      const activeDelete = await api.delete(`${base}/${first.id}`);
      assert.equal(activeDelete.status, 409);
      assert.equal(activeDelete.body.error.code, 'certificate_unusable');

      const activated = await api.post(`${base}/${created.body.id}/activate`);
      assert.equal(activated.status, 200);
      assert.equal(activated.body.isActive, true);
      const listed = (await api.get(base)).body.value;
      assert.deepEqual(
        listed.map((c: { id: string; isActive: boolean }) => [c.id, c.isActive]),
        [
          [created.body.id, true],
          [first.id, false],
        ],
      );
      assert.equal((await api.delete(`${base}/${first.id}`)).status, 204);
      assert.equal((await api.post(`${base}/${first.id}/activate`)).status, 404);
      assert.equal((await api.get(`${base}/nothing/pem`)).status, 404);
    });

    test('assignments: a user by user name with Default Access, a group by name with a role; roles required once defined', async (t) => {
      const { idp, contoso, api } = await setUp(dialect);
      t.after(() => idp.close());
      const app = await api.post('/applications', { template: 'custom', displayName: 'Wiki' });
      const base = `/applications/${app.body.id}`;
      assert.deepEqual((await api.get(`${base}/appRoles`)).body.value, []);

      const simon = await api.post(`${base}/assignments`, {
        principalType: 'user',
        principal: 'B.Simon@contoso.com',
      });
      assert.equal(simon.status, 201);
      assert.equal(simon.body.principalId, contoso.simon.id);
      assert.equal(simon.body.roleName, 'Default Access');
      const again = await api.post(`${base}/assignments`, {
        principalType: 'user',
        principal: contoso.simon.id,
      });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.field, 'principal');
      const nobody = await api.post(`${base}/assignments`, {
        principalType: 'user',
        principal: 'nobody@contoso.com',
      });
      assert.equal(nobody.status, 400);
      assert.equal(nobody.body.error.field, 'principal');
      const badType = await api.post(`${base}/assignments`, { principalType: 'robot', principal: 'x' });
      assert.equal(badType.status, 400);
      assert.equal(badType.body.error.field, 'principalType');

      const role = await api.post(`${base}/appRoles`, { displayName: 'Admin', value: 'admin' });
      assert.equal(role.status, 201);
      const sameValue = await api.post(`${base}/appRoles`, { displayName: 'Admins', value: 'admin' });
      assert.equal(sameValue.status, 409);
      assert.equal(sameValue.body.error.field, 'value');
      await api.post('/groups', { displayName: 'Wiki admins' });
      const roleless = await api.post(`${base}/assignments`, {
        principalType: 'group',
        principal: 'Wiki admins',
      });
      assert.equal(roleless.status, 400);
      assert.equal(roleless.body.error.field, 'appRoleId');
      const group = await api.post(`${base}/assignments`, {
        principalType: 'group',
        principal: 'Wiki admins',
        appRoleId: role.body.id,
      });
      assert.equal(group.status, 201);
      assert.equal(group.body.roleName, 'Admin');
      assert.equal(group.body.principalName, 'Wiki admins');

      const inUse = await api.delete(`${base}/appRoles/${role.body.id}`);
      assert.equal(inUse.status, 400);
      assert.equal(inUse.body.error.field, 'role');
      const listed = (await api.get(`${base}/assignments`)).body.value;
      assert.equal(listed.length, 2);
      assert.equal((await api.delete(`${base}/assignments/${group.body.id}`)).status, 204);
      assert.equal((await api.delete(`${base}/assignments/${group.body.id}`)).status, 404);
      assert.equal((await api.delete(`${base}/appRoles/${role.body.id}`)).status, 204);
      assert.equal((await api.get(`${base}/assignments`)).body.value.length, 1);
    });
  });
}
