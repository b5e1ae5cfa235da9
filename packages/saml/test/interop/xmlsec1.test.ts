import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { systemRandom } from '../../src/clock.ts';
import { buildAuthnRequest } from '../../src/protocol/authn-request.ts';
import type { SigningMode } from '../../src/protocol/response-build.ts';
import { BINDING } from '../../src/xml/namespaces.ts';
import { IDP, idpCredential, issue, requireTool, SP, sharedFixture, USER } from './support.ts';

/**
 * xmlsec1 (libxmlsec1, C, Debian package xmlsec1) as an independent verifier of the signatures we
 * write: it shares no code with xml-crypto or with our canonicalizer, so agreement means our
 * exclusive c14n, digests and SignedInfo are what XML-DSig says they are.
 */

const XMLSEC1 = '/usr/bin/xmlsec1';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion:Assertion';
const RESPONSE = 'urn:oasis:names:tc:SAML:2.0:protocol:Response';
const AUTHN_REQUEST = 'urn:oasis:names:tc:SAML:2.0:protocol:AuthnRequest';
// The Signature child of the Assertion, for documents where the Response's signature comes first.
const ASSERTION_SIGNATURE =
  "/*[local-name()='Response']/*[local-name()='Assertion']/*[local-name()='Signature' and namespace-uri()='http://www.w3.org/2000/09/xmldsig#']";

const workDir = mkdtempSync(join(tmpdir(), 'federa-xmlsec1-'));
after(() => rmSync(workDir, { recursive: true, force: true }));
let files = 0;

/** Runs `xmlsec1 --verify` on `xml` with `certPem` as the only key; true when it reports OK. */
function xmlsec1Verifies(xml: string, certPem: string, idAttr: string, extra: string[] = []): boolean {
  requireTool(XMLSEC1, 'xmlsec1');
  const n = files++;
  const xmlFile = join(workDir, `message-${n}.xml`);
  const certFile = join(workDir, `cert-${n}.pem`);
  writeFileSync(xmlFile, xml);
  writeFileSync(certFile, certPem);
  const run = spawnSync(
    XMLSEC1,
    ['--verify', '--id-attr:ID', idAttr, '--pubkey-cert-pem', certFile, ...extra, xmlFile],
    { encoding: 'utf8', timeout: 30_000 },
  );
  assert.equal(run.error, undefined, `could not run ${XMLSEC1}: ${String(run.error)}`);
  if (run.status === 0) {
    assert.match(run.stderr, /^OK$/m);
    return true;
  }
  return false;
}

function changeNameId(xml: string): string {
  const changed = xml.replace(`>${USER}<`, '>admin@contoso.com<');
  assert.notEqual(changed, xml);
  return changed;
}

describe('xmlsec1 verifies the signatures our IdP writes', () => {
  const cases: ReadonlyArray<[SigningMode, string]> = [
    ['assertion', 'the Assertion signature'],
    ['response', 'the Response signature'],
    ['both', 'both signatures'],
  ];
  for (const [mode, what] of cases) {
    test(`verifies ${what} of a response signed with mode "${mode}"`, async () => {
      const { certPem } = await idpCredential();
      const { xml } = await issue({ mode, inResponseTo: systemRandom.id() });
      if (mode !== 'assertion') assert.equal(xmlsec1Verifies(xml, certPem, RESPONSE), true);
      if (mode !== 'response') {
        const where = mode === 'both' ? ['--node-xpath', ASSERTION_SIGNATURE] : [];
        assert.equal(xmlsec1Verifies(xml, certPem, ASSERTION, where), true);
      }
    });
  }

  test('fails to verify the Assertion signature once a signed byte is changed', async () => {
    const { certPem } = await idpCredential();
    const { xml } = await issue({ mode: 'assertion', inResponseTo: null });
    assert.equal(xmlsec1Verifies(xml, certPem, ASSERTION), true);
    assert.equal(xmlsec1Verifies(changeNameId(xml), certPem, ASSERTION), false);
  });

  test('fails to verify the Response signature once a signed byte is changed', async () => {
    const { certPem } = await idpCredential();
    const { xml } = await issue({ mode: 'response', inResponseTo: null });
    assert.equal(xmlsec1Verifies(changeNameId(xml), certPem, RESPONSE), false);
    const destination = xml.replace(
      `Destination="${SP.acsUrl}"`,
      'Destination="http://localhost:5000/saml/acs/evil/"',
    );
    assert.notEqual(destination, xml);
    assert.equal(xmlsec1Verifies(destination, certPem, RESPONSE), false);
  });

  test("fails to verify with a certificate other than the signer's", async () => {
    const { xml } = await issue({ mode: 'assertion', inResponseTo: null });
    const other = readFileSync(sharedFixture('entra', 'azure-ad-saml-response.badgr-server.xml'), 'utf8');
    const entraCert = /<X509Certificate>([^<]+)<\/X509Certificate>/.exec(other)![1]!;
    const pem = `-----BEGIN CERTIFICATE-----\n${entraCert.replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    assert.equal(xmlsec1Verifies(xml, pem, ASSERTION), false);
  });

  test('verifies the enveloped signature of an AuthnRequest our SP signs for the POST binding', async () => {
    const { credential, certPem } = await idpCredential();
    const xml = buildAuthnRequest({
      id: systemRandom.id(),
      issueInstant: new Date(),
      issuer: SP.entityId,
      destination: IDP.ssoUrl,
      assertionConsumerServiceUrl: SP.acsUrl,
      protocolBinding: BINDING.post,
      sign: { credential },
    });
    assert.equal(xmlsec1Verifies(xml, certPem, AUTHN_REQUEST), true);
    assert.equal(
      xmlsec1Verifies(xml.replace(SP.acsUrl, 'https://evil.example/acs'), certPem, AUTHN_REQUEST),
      false,
    );
  });
});

describe('xmlsec1 agrees with us on the real Entra response (control)', () => {
  test('verifies the fixture with the certificate embedded in it', () => {
    const xml = readFileSync(sharedFixture('entra', 'azure-ad-saml-response.badgr-server.xml'), 'utf8');
    const base64 = /<X509Certificate>([^<]+)<\/X509Certificate>/.exec(xml)![1]!;
    const pem = `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    assert.equal(xmlsec1Verifies(xml, pem, ASSERTION), true);
    assert.equal(xmlsec1Verifies(xml.replace('>Stu Dent<', '>Stu Dant<'), pem, ASSERTION), false);
  });
});
