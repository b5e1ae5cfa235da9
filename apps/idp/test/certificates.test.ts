import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import { parseMetadata } from '@federa/saml';
import { listCertificates } from '../src/certificates/certificates.repository.ts';
import { activateCertificate, createCertificate } from '../src/certificates/certificates.service.ts';
import { Browser, samlPostOf } from './support/browser.ts';
import { BASE_URL, DIALECTS, startIdp, TEST_ACTOR } from './support/harness.ts';
import { ADMIN_PASSWORD, seedContoso, USER_PASSWORD } from './support/seed.ts';
import { acmeValidates, metadataCertificates, redirectRequest } from './support/sp.ts';

for (const dialect of DIALECTS) {
  describe(`signing certificates and federation metadata on ${dialect}`, () => {
    test('the App Federation Metadata URL serves signed metadata that parseMetadata verifies, with the tenant’s addresses', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      for (const segment of [contoso.tenant.id, 'contoso.com']) {
        const response = await idp.app.inject({
          url: `/${segment}/federationmetadata/2007-06/federationmetadata.xml?appid=${contoso.app.appId}`,
        });
        assert.equal(response.statusCode, 200);
        assert.match(String(response.headers['content-type']), /^application\/xml/);
        const entity = parseMetadata(response.body, { role: 'idp' });
        assert.equal(entity.signature, 'verified-self');
        assert.equal(entity.entityId, `${BASE_URL}/${contoso.tenant.id}/`);
        const sso = entity.idp!.singleSignOnServices.map((s) => s.location);
        assert.deepEqual(sso, [
          `${BASE_URL}/${contoso.tenant.id}/saml2`,
          `${BASE_URL}/${contoso.tenant.id}/saml2`,
        ]);
        assert.equal(entity.idp!.singleLogoutServices[0]!.location, `${BASE_URL}/${contoso.tenant.id}/saml2`);
        assert.equal(entity.idp!.signingCertificates.length, 1);
      }
      const certificate = (await listCertificates(idp.deps.db, contoso.app.id))[0]!;
      const x509 = new X509Certificate(certificate.certificatePem);
      assert.equal(x509.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
      const years =
        (new Date(x509.validTo).getTime() - new Date(x509.validFrom).getTime()) / (365.25 * 86400_000);
      assert.ok(Math.abs(years - 3) < 0.01, `valid 3 years (${years})`);
      const missing = await idp.app.inject({
        url: `/${contoso.tenant.id}/federationmetadata/2007-06/federationmetadata.xml`,
      });
      assert.equal(missing.statusCode, 404);
    });

    test('the private key is stored sealed (AES-256-GCM), never as PEM', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const rows = await idp.deps.db
        .selectFrom('signing_certificates')
        .select('private_key_sealed')
        .where('application_id', '=', contoso.app.id)
        .execute();
      assert.equal(rows.length, 1);
      assert.match(rows[0]!.private_key_sealed, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      assert.doesNotMatch(rows[0]!.private_key_sealed, /PRIVATE KEY/);
    });

    test('rollover: a new certificate is inactive but listed in the metadata; made active, responses are signed with it', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const [oldCertificate] = await metadataCertificates(idp.app, contoso.tenant, contoso.app);
      const next = await createCertificate(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id);
      assert.equal(next.isActive, false);
      const listed = await metadataCertificates(idp.app, contoso.tenant, contoso.app);
      assert.deepEqual(
        listed.map((c) => c.thumbprint),
        [oldCertificate!.thumbprint, next.thumbprint],
      );

      const browser = new Browser(idp.app);
      const first = redirectRequest(idp.clock);
      const posted = await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(first.url)),
      );
      await acmeValidates(samlPostOf(posted.body).xml, {
        tenant: contoso.tenant,
        certificates: [oldCertificate!],
        clock: idp.clock,
        requestIds: [first.id],
      });

      await activateCertificate(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, next.id);
      const newCertificate = listed.find((c) => c.thumbprint === next.thumbprint)!;
      const second = redirectRequest(idp.clock);
      const xml = samlPostOf((await browser.get(second.url)).body).xml;
      await acmeValidates(xml, {
        tenant: contoso.tenant,
        certificates: [newCertificate],
        clock: idp.clock,
        requestIds: [second.id],
      });
      await assert.rejects(
        acmeValidates(xml, {
          tenant: contoso.tenant,
          certificates: [oldCertificate!],
          clock: idp.clock,
          requestIds: [second.id],
        }),
        (error: { code?: string }) =>
          error.code === 'SIGNATURE_INVALID' || error.code === 'SIGNATURE_KEY_UNTRUSTED',
      );
      const active = (await listCertificates(idp.deps.db, contoso.app.id)).filter((c) => c.isActive);
      assert.deepEqual(
        active.map((c) => c.id),
        [next.id],
      );
    });

    test('the certificate page adds, activates, downloads (Base64, PEM, raw DER) and deletes certificates; signing options apply', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      await browser.signIn(
        'admin@contoso.com',
        ADMIN_PASSWORD,
        await browser.follow(await browser.get('/portal')),
      );
      const base = `/portal/applications/${contoso.app.id}/certificates`;
      assert.equal((await browser.get(base)).statusCode, 200);
      const added = await browser.post(base, {});
      assert.equal(added.statusCode, 303);
      const [active, inactive] = await listCertificates(idp.deps.db, contoso.app.id);
      assert.equal(active!.isActive, true);
      assert.equal(inactive!.isActive, false);
      const page = await browser.get(base);
      assert.ok(page.body.includes(inactive!.thumbprint));
      assert.match(page.body, /Make certificate active/);

      const der = await browser.get(`${base}/${active!.id}/download?format=raw`);
      assert.equal(der.headers['content-type'], 'application/pkix-cert');
      assert.equal(new X509Certificate(der.rawPayload).fingerprint.replace(/:/g, ''), active!.thumbprint);
      const pem = await browser.get(`${base}/${active!.id}/download?format=pem`);
      assert.match(pem.body, /^-----BEGIN CERTIFICATE-----/);
      const b64 = await browser.get(`${base}/${active!.id}/download?format=base64`);
      assert.equal(
        new X509Certificate(Buffer.from(b64.body.trim(), 'base64')).fingerprint.replace(/:/g, ''),
        active!.thumbprint,
      );
      assert.doesNotMatch(pem.body + b64.body, /PRIVATE/);

      assert.equal(
        (await browser.post(`${base}/${active!.id}/delete`, {})).statusCode,
        409,
        'the active certificate stays',
      );
      assert.equal((await browser.post(`${base}/${inactive!.id}/activate`, {})).statusCode, 303);
      assert.equal((await browser.post(`${base}/${active!.id}/delete`, {})).statusCode, 303);
      assert.deepEqual(
        (await listCertificates(idp.deps.db, contoso.app.id)).map((c) => c.id),
        [inactive!.id],
      );

      const bad = await browser.post(`${base}/signing`, {
        signingOption: 'both',
        signingAlgorithm: 'md5',
        notificationEmails: 'not-an-address',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Choose SHA-256 or SHA-1/);
      assert.match(bad.body, /Not an email address: not-an-address/);
      assert.equal(
        (
          await browser.post(`${base}/signing`, {
            signingOption: 'both',
            signingAlgorithm: 'sha256',
            notificationEmails: 'admin@contoso.com',
          })
        ).statusCode,
        303,
      );
      const simon = new Browser(idp.app);
      const request = redirectRequest(idp.clock);
      const posted = await simon.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await simon.follow(await simon.get(request.url)),
      );
      const certificates = await metadataCertificates(idp.app, contoso.tenant, contoso.app);
      const assertion = await acmeValidates(samlPostOf(posted.body).xml, {
        tenant: contoso.tenant,
        certificates,
        clock: idp.clock,
        requestIds: [request.id],
      });
      assert.deepEqual(assertion.signed, { response: true, assertion: true });
    });
  });
}
