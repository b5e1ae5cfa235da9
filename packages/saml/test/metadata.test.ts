import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SamlError, type SamlErrorCode } from '../src/errors.ts';
import { buildIdpMetadata, buildSpMetadata } from '../src/metadata/build.ts';
import { defaultAssertionConsumerService, parseMetadata, pickEndpoint } from '../src/metadata/parse.ts';
import { BINDING, NAMEID_FORMAT } from '../src/xml/namespaces.ts';
import { makeCredential } from './support/credentials.ts';

const ENTRA_METADATA = '/work/shared/fixtures/entra/azure-ad-app-federation-metadata.aduneoclientfedid.xml';
const ENTRA_TENANT = 'b20a2822-5260-4ea7-b000-c17131389b33';
const XMLSEC1 = '/usr/bin/xmlsec1';
const ENTITY_DESCRIPTOR = 'urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor';

const entraXml = readFileSync(ENTRA_METADATA, 'utf8');
const workDir = mkdtempSync(join(tmpdir(), 'federa-metadata-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

function throwsCode(fn: () => unknown, code: SamlErrorCode): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof SamlError, `expected a SamlError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

async function idpMetadata(overrides: Partial<Parameters<typeof buildIdpMetadata>[0]> = {}) {
  const first = await makeCredential('metadata-idp-1');
  const second = await makeCredential('metadata-idp-2');
  return buildIdpMetadata({
    entityId: 'http://127.0.0.1:4000/8f1b8d3e-0000-4000-8000-000000000001/',
    id: '_idp-metadata-1',
    signingCertificates: [first.credential.certificate, second.credential.certificate],
    ssoUrl: 'http://127.0.0.1:4000/contoso.com/saml2',
    sloUrl: 'http://127.0.0.1:4000/contoso.com/saml2',
    nameIdFormats: [NAMEID_FORMAT.emailAddress, NAMEID_FORMAT.persistent],
    sign: { credential: first.credential },
    ...overrides,
  });
}

async function spMetadata(overrides: Partial<Parameters<typeof buildSpMetadata>[0]> = {}) {
  const signing1 = await makeCredential('metadata-sp-signing-1');
  const signing2 = await makeCredential('metadata-sp-signing-2');
  const encryption = await makeCredential('metadata-sp-encryption');
  return buildSpMetadata({
    entityId: 'http://localhost:5000/saml/metadata/acme/',
    id: '_sp-metadata-1',
    acs: [
      { location: 'http://localhost:5000/saml/acs/acme/', index: 0 },
      { location: 'http://localhost:5000/saml/acs/acme/alt/', index: 1, isDefault: true },
    ],
    slo: [{ location: 'http://localhost:5000/saml/sls/acme/' }],
    signingCertificates: [signing1.credential.certificate, signing2.credential.certificate],
    encryptionCertificates: [encryption.credential.certificate],
    authnRequestsSigned: true,
    wantAssertionsSigned: true,
    nameIdFormats: [NAMEID_FORMAT.emailAddress],
    sign: { credential: signing1.credential },
    ...overrides,
  });
}

/** Runs xmlsec1 on `xml` with `certPem` as the only key; true when it says the signature is OK. */
function xmlsec1Verifies(xml: string, certPem: string, name: string): boolean {
  assert.ok(
    existsSync(XMLSEC1),
    `${XMLSEC1} is missing: install Debian's xmlsec1 (it is the independent verifier)`,
  );
  const xmlFile = join(workDir, `${name}.xml`);
  const certFile = join(workDir, `${name}.pem`);
  writeFileSync(xmlFile, xml);
  writeFileSync(certFile, certPem);
  try {
    execFileSync(
      XMLSEC1,
      ['--verify', '--id-attr:ID', ENTITY_DESCRIPTOR, '--pubkey-cert-pem', certFile, xmlFile],
      { stdio: 'pipe' },
    );
    return true;
  } catch (error) {
    const status = (error as { status?: number | null }).status;
    // xmlsec1 exits 1 when the signature fails; anything else (not found, crashed) must fail the test.
    assert.equal(status, 1, `xmlsec1 did not run: ${String(error)}`);
    return false;
  }
}

describe('parseMetadata on real Entra ID app federation metadata', () => {
  test('reads the entity id, SSO and SLO endpoints and the one signing certificate', () => {
    const entity = parseMetadata(entraXml, { role: 'idp' });
    assert.equal(entity.entityId, `https://sts.windows.net/${ENTRA_TENANT}/`);
    const saml2 = `https://login.microsoftonline.com/${ENTRA_TENANT}/saml2`;
    const idp = entity.idp!;
    assert.deepEqual(idp.singleSignOnServices, [
      { binding: BINDING.redirect, location: saml2 },
      { binding: BINDING.post, location: saml2 },
    ]);
    assert.deepEqual(idp.singleLogoutServices, [{ binding: BINDING.redirect, location: saml2 }]);
    assert.equal(idp.signingCertificates.length, 1);
    assert.equal(idp.signingCertificates[0]!.thumbprint, '034FE701AA7E0BAC5548893C083F497B7B37617E');
    assert.equal(idp.encryptionCertificates.length, 0);
    assert.equal(idp.wantAuthnRequestsSigned, false);
    assert.equal(entity.sp, undefined);
  });

  test('verifies its signature against the certificate it lists', () => {
    assert.equal(parseMetadata(entraXml).signature, 'verified-self');
  });

  test('accepts it with a UTF-8 byte order mark in front', () => {
    const withBom = entraXml.charCodeAt(0) === 0xfeff ? entraXml : `\uFEFF${entraXml}`;
    assert.equal(parseMetadata(withBom).entityId, `https://sts.windows.net/${ENTRA_TENANT}/`);
  });

  test('is verified by xmlsec1 with its own certificate, as our parser verifies it', () => {
    const certPem = parseMetadata(entraXml).idp!.signingCertificates[0]!.pem;
    assert.equal(xmlsec1Verifies(entraXml, certPem, 'entra'), true);
  });

  test('verifies against a trusted key given by the caller', () => {
    const key = parseMetadata(entraXml).idp!.signingCertificates[0]!.publicKey;
    assert.equal(parseMetadata(entraXml, { trustedKeys: [key] }).signature, 'verified-trusted');
  });

  test('rejects it when the trusted key is another one', async () => {
    const other = await makeCredential('metadata-other');
    throwsCode(
      () => parseMetadata(entraXml, { trustedKeys: [other.credential.certificate.publicKey] }),
      'SIGNATURE_INVALID',
    );
  });

  test('rejects it when one byte of the signed content changed', () => {
    const changed = entraXml.replace(
      `${ENTRA_TENANT}/saml2" /><SingleSignOnService`,
      `${ENTRA_TENANT}/saml3" /><SingleSignOnService`,
    );
    assert.notEqual(changed, entraXml);
    throwsCode(() => parseMetadata(changed), 'SIGNATURE_DIGEST_MISMATCH');
  });

  test('rejects it when the signature value changed', () => {
    const changed = entraXml.replace(
      /<SignatureValue>(.)/,
      (_, c: string) => `<SignatureValue>${c === 'A' ? 'B' : 'A'}`,
    );
    assert.notEqual(changed, entraXml);
    throwsCode(() => parseMetadata(changed), 'SIGNATURE_INVALID');
  });
});

describe('buildIdpMetadata and parseMetadata', () => {
  test('round-trip every field, with two signing certificates', async () => {
    const validUntil = new Date('2031-01-02T03:04:05.000Z');
    const xml = await idpMetadata({ wantAuthnRequestsSigned: true, validUntil });
    const entity = parseMetadata(xml, { role: 'idp' });
    const first = await makeCredential('metadata-idp-1');
    const second = await makeCredential('metadata-idp-2');
    assert.equal(entity.entityId, 'http://127.0.0.1:4000/8f1b8d3e-0000-4000-8000-000000000001/');
    assert.equal(entity.id, '_idp-metadata-1');
    assert.deepEqual(entity.validUntil, validUntil);
    assert.equal(entity.signature, 'verified-self');
    const idp = entity.idp!;
    assert.equal(idp.wantAuthnRequestsSigned, true);
    assert.deepEqual(
      idp.signingCertificates.map((c) => c.thumbprint),
      [first.credential.certificate.thumbprint, second.credential.certificate.thumbprint],
    );
    assert.deepEqual(idp.encryptionCertificates, []);
    assert.deepEqual(idp.nameIdFormats, [NAMEID_FORMAT.emailAddress, NAMEID_FORMAT.persistent]);
    const saml2 = 'http://127.0.0.1:4000/contoso.com/saml2';
    assert.deepEqual(idp.singleSignOnServices, [
      { binding: BINDING.redirect, location: saml2 },
      { binding: BINDING.post, location: saml2 },
    ]);
    assert.deepEqual(idp.singleLogoutServices, [{ binding: BINDING.redirect, location: saml2 }]);
    assert.equal(pickEndpoint(idp.singleSignOnServices, BINDING.post)?.binding, BINDING.post);
    assert.equal(pickEndpoint(idp.singleLogoutServices, BINDING.post), null);
  });

  test('writes a signature that xmlsec1 verifies with the signing certificate', async () => {
    const { certPem } = await makeCredential('metadata-idp-1');
    assert.equal(xmlsec1Verifies(await idpMetadata(), certPem, 'idp-signed'), true);
  });

  test('writes a signature that xmlsec1 refuses with another certificate', async () => {
    const { certPem } = await makeCredential('metadata-other');
    assert.equal(xmlsec1Verifies(await idpMetadata(), certPem, 'idp-other-cert'), false);
  });

  test('verifies against a trusted key and refuses unsigned metadata when a key is trusted', async () => {
    const { credential } = await makeCredential('metadata-idp-1');
    const key = credential.certificate.publicKey;
    assert.equal(parseMetadata(await idpMetadata(), { trustedKeys: [key] }).signature, 'verified-trusted');
    const unsigned = await idpMetadata({ sign: undefined });
    assert.equal(parseMetadata(unsigned).signature, 'absent');
    throwsCode(() => parseMetadata(unsigned, { trustedKeys: [key] }), 'SIGNATURE_MISSING');
    throwsCode(() => parseMetadata(unsigned, { requireSignature: true }), 'SIGNATURE_MISSING');
  });

  test('rejects metadata signed by a key whose certificate it does not list', async () => {
    const outsider = await makeCredential('metadata-other');
    const xml = await idpMetadata({ sign: { credential: outsider.credential } });
    throwsCode(() => parseMetadata(xml), 'SIGNATURE_KEY_UNTRUSTED');
  });

  test('refuses SHA-1 signed metadata unless SHA-1 is allowed', async () => {
    const { credential } = await makeCredential('metadata-idp-1');
    const xml = await idpMetadata({ sign: { credential, algorithm: 'rsa-sha1' } });
    throwsCode(() => parseMetadata(xml), 'SIGNATURE_ALGORITHM_FORBIDDEN');
    assert.equal(parseMetadata(xml, { allowSha1: true }).signature, 'verified-self');
  });

  test('rejects IdP metadata that lists no signing certificate', async () => {
    const xml = await idpMetadata({ signingCertificates: [], sign: undefined });
    throwsCode(() => parseMetadata(xml), 'METADATA_NO_SIGNING_CERTIFICATE');
  });
});

describe('buildSpMetadata and parseMetadata', () => {
  test('round-trip certificates by use, ACS index and isDefault, SLO and flags', async () => {
    const entity = parseMetadata(await spMetadata(), { role: 'sp' });
    const signing1 = await makeCredential('metadata-sp-signing-1');
    const signing2 = await makeCredential('metadata-sp-signing-2');
    const encryption = await makeCredential('metadata-sp-encryption');
    assert.equal(entity.entityId, 'http://localhost:5000/saml/metadata/acme/');
    assert.equal(entity.signature, 'verified-self');
    assert.equal(entity.idp, undefined);
    const sp = entity.sp!;
    assert.equal(sp.authnRequestsSigned, true);
    assert.equal(sp.wantAssertionsSigned, true);
    assert.deepEqual(
      sp.signingCertificates.map((c) => c.thumbprint),
      [signing1.credential.certificate.thumbprint, signing2.credential.certificate.thumbprint],
    );
    assert.deepEqual(
      sp.encryptionCertificates.map((c) => c.thumbprint),
      [encryption.credential.certificate.thumbprint],
    );
    assert.deepEqual(sp.assertionConsumerServices, [
      { binding: BINDING.post, location: 'http://localhost:5000/saml/acs/acme/', index: 0, isDefault: false },
      {
        binding: BINDING.post,
        location: 'http://localhost:5000/saml/acs/acme/alt/',
        index: 1,
        isDefault: true,
      },
    ]);
    assert.deepEqual(sp.singleLogoutServices, [
      { binding: BINDING.redirect, location: 'http://localhost:5000/saml/sls/acme/' },
    ]);
    assert.deepEqual(sp.nameIdFormats, [NAMEID_FORMAT.emailAddress]);
    assert.equal(defaultAssertionConsumerService(sp)?.index, 1);
  });

  test('writes a signature that xmlsec1 verifies with the signing certificate', async () => {
    const { certPem } = await makeCredential('metadata-sp-signing-1');
    assert.equal(xmlsec1Verifies(await spMetadata(), certPem, 'sp-signed'), true);
  });

  test('treats a KeyDescriptor without use as both signing and encryption', async () => {
    const xml = (await spMetadata({ sign: undefined, encryptionCertificates: [] })).replace(
      '<KeyDescriptor use="signing">',
      '<KeyDescriptor>',
    );
    const sp = parseMetadata(xml).sp!;
    const signing1 = await makeCredential('metadata-sp-signing-1');
    assert.equal(sp.signingCertificates.length, 2);
    assert.deepEqual(
      sp.encryptionCertificates.map((c) => c.thumbprint),
      [signing1.credential.certificate.thumbprint],
    );
  });

  test('rejects an ACS whose Location is not an http(s) URL', async () => {
    const xml = await spMetadata({
      sign: undefined,
      acs: [{ location: 'javascript:alert(document.domain)', index: 0 }],
    });
    throwsCode(() => parseMetadata(xml), 'METADATA_INVALID');
  });

  test('rejects two ACS with the same index', async () => {
    const xml = await spMetadata({
      sign: undefined,
      acs: [
        { location: 'https://sp.example/acs/1', index: 3 },
        { location: 'https://sp.example/acs/2', index: 3 },
      ],
    });
    throwsCode(() => parseMetadata(xml), 'METADATA_INVALID');
  });
});

describe('defaultAssertionConsumerService', () => {
  const acs = (index: number, isDefault = false) => ({
    binding: BINDING.post,
    location: `https://sp.example/acs/${index}`,
    index,
    isDefault,
  });

  test('prefers the ACS marked isDefault', () => {
    assert.equal(
      defaultAssertionConsumerService({ assertionConsumerServices: [acs(0), acs(5, true)] })?.index,
      5,
    );
  });

  test('falls back to the lowest index', () => {
    assert.equal(
      defaultAssertionConsumerService({ assertionConsumerServices: [acs(4), acs(2), acs(3)] })?.index,
      2,
    );
  });

  test('returns null when there is no ACS', () => {
    assert.equal(defaultAssertionConsumerService({ assertionConsumerServices: [] }), null);
  });
});

describe('parseMetadata refuses what is not SAML metadata', () => {
  test('an HTML sign-in page', () => {
    throwsCode(
      () => parseMetadata('<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body></body></html>'),
      'METADATA_INVALID',
    );
    throwsCode(() => parseMetadata('<html><body><p>Sign in</p></body></html>'), 'METADATA_INVALID');
  });

  test('XML of another kind', () => {
    throwsCode(
      () => parseMetadata('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"/>'),
      'METADATA_INVALID',
    );
    // The right local name in the wrong namespace is not metadata either.
    throwsCode(
      () => parseMetadata('<EntityDescriptor entityID="https://idp.example/"/>'),
      'METADATA_INVALID',
    );
  });

  test('an EntityDescriptor with only WS-Federation roles', () => {
    const onlyWsFed = entraXml.replace(/<IDPSSODescriptor[\s\S]*<\/IDPSSODescriptor>/, '');
    // No IDPSSODescriptor: the structure is refused before (and whether or not) the signature holds.
    throwsCode(() => parseMetadata(onlyWsFed, { role: 'idp' }), 'METADATA_INVALID');
    throwsCode(() => parseMetadata(onlyWsFed), 'METADATA_INVALID');
  });

  test('SP metadata where IdP metadata is needed', async () => {
    const sp = await spMetadata();
    throwsCode(() => parseMetadata(sp, { role: 'idp' }), 'METADATA_INVALID');
    throwsCode(() => parseMetadata(entraXml, { role: 'sp' }), 'METADATA_INVALID');
  });

  test('metadata with a DOCTYPE', () => {
    const withDoctype = entraXml.replace(
      '<EntityDescriptor',
      '<!DOCTYPE EntityDescriptor [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><EntityDescriptor',
    );
    throwsCode(() => parseMetadata(withDoctype), 'XML_DTD_FORBIDDEN');
  });

  test('an EntitiesDescriptor holding more than one entity, while one entity is accepted', async () => {
    const entity = (await spMetadata({ sign: undefined })).replace(' ID="_sp-metadata-1"', '');
    const wrap = (inner: string) =>
      `<EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata">${inner}</EntitiesDescriptor>`;
    assert.equal(parseMetadata(wrap(entity)).entityId, 'http://localhost:5000/saml/metadata/acme/');
    throwsCode(() => parseMetadata(wrap(entity + entity)), 'METADATA_INVALID');
  });
});
