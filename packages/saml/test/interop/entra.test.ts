import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import { SamlError } from '../../src/errors.ts';
import { parseCertificate } from '../../src/keys.ts';
import { parseMetadata } from '../../src/metadata/parse.ts';
import { validateResponse } from '../../src/protocol/response.ts';
import { NAMEID_FORMAT } from '../../src/xml/namespaces.ts';
import { rejectsSaml, sharedFixture } from './support.ts';

/**
 * The real Entra ID response in fixtures/entra (README there): what a real tenant sends must pass our
 * SP's validation when the SP is configured with the response's own values, and a changed byte
 * anywhere the signature covers must make it fail.
 */

const xml = readFileSync(sharedFixture('entra', 'azure-ad-saml-response.badgr-server.xml'), 'utf8');
const metadataXml = readFileSync(
  sharedFixture('entra', 'azure-ad-app-federation-metadata.aduneoclientfedid.xml'),
  'utf8',
);

const TENANT = '2f277f1e-e5f1-4f62-b595-79c2d13afda4';
const ISSUER = `https://sts.windows.net/${TENANT}/`;
const ACS = 'https://api.test.badgr.com/account/saml2/saml2.egcc/acs/';
const REQUEST_ID = 'id-dxvhOj4HsG9rlVDVx';
const ISSUE_INSTANT = '2021-04-09T12:53:30.562Z';

// The metadata fixture is another tenant's: the key is the certificate embedded in the response itself.
const embeddedCertificate = parseCertificate(/<X509Certificate>([^<]+)<\/X509Certificate>/.exec(xml)![1]!);

function validate(text: string, overrides: { certificate?: ReturnType<typeof parseCertificate> } = {}) {
  return validateResponse(text, {
    idp: { entityId: ISSUER, signingCertificates: [overrides.certificate ?? embeddedCertificate] },
    sp: { entityId: ACS, acsUrl: ACS },
    clock: fixedClock(ISSUE_INSTANT),
    pendingRequestIds: [REQUEST_ID],
    requireSignedAssertion: true,
  });
}

/**
 * Offsets in `text` of characters inside the Assertion's signed content: text content and attribute
 * values between the Assertion's start and end tags, leaving out KeyInfo (which XML-DSig does not sign:
 * keys are pinned from configuration, never read from it).
 */
function signedContentOffsets(text: string): number[] {
  const start = text.indexOf('<Assertion ');
  const end = text.indexOf('</Assertion>');
  const keyInfoStart = text.indexOf('<KeyInfo>');
  const keyInfoEnd = text.indexOf('</KeyInfo>') + '</KeyInfo>'.length;
  assert.ok(start > 0 && end > start && keyInfoStart > start && keyInfoEnd < end);
  const offsets: number[] = [];
  let inTag = false;
  let quote: string | null = null;
  for (let at = start; at < end; at++) {
    const c = text[at]!;
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (at < keyInfoStart || at >= keyInfoEnd) offsets.push(at);
    } else if (inTag) {
      if (c === '"' || c === "'") quote = c;
      else if (c === '>') inTag = false;
    } else if (c === '<') {
      inTag = true;
    } else if (!/\s/.test(c) && (at < keyInfoStart || at >= keyInfoEnd)) {
      offsets.push(at);
    }
  }
  return offsets;
}

describe('a real Entra ID response (fixtures/entra/azure-ad-saml-response.badgr-server.xml)', () => {
  test('validates with its own clock, audience, recipient, destination, request id and certificate', async () => {
    const result = await validate(xml);
    assert.equal(result.issuer, ISSUER);
    assert.equal(result.nameId, 'SDent1234@student.egcc.edu');
    assert.equal(result.nameIdFormat, NAMEID_FORMAT.emailAddress);
    assert.equal(result.inResponseTo, REQUEST_ID);
    assert.equal(result.assertionId, '_81f43d08-ad43-4d90-83f6-0ef40b4a1f00');
    assert.equal(result.sessionIndex, '_81f43d08-ad43-4d90-83f6-0ef40b4a1f00');
    assert.deepEqual(result.signed, { response: false, assertion: true });
    assert.equal(result.authnContextClassRef, 'urn:oasis:names:tc:SAML:2.0:ac:classes:Password');
    assert.deepEqual(
      { ...result.attributes },
      {
        'http://schemas.microsoft.com/identity/claims/tenantid': [TENANT],
        'http://schemas.microsoft.com/identity/claims/objectidentifier': [
          '709cd037-9bbb-4dd2-a6ce-a8838ddcb62a',
        ],
        'http://schemas.microsoft.com/identity/claims/displayname': ['Stu Dent'],
        'http://schemas.microsoft.com/identity/claims/identityprovider': [ISSUER],
        'http://schemas.microsoft.com/claims/authnmethodsreferences': [
          'http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password',
        ],
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname': ['Stu'],
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname': ['Dent'],
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': ['SDent1234@student.egcc.edu'],
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': ['SDent1234@student.egcc.edu'],
      },
    );
  });

  test('fails whenever a single signed character of the Assertion is changed', async () => {
    const offsets = signedContentOffsets(xml);
    const sample = offsets.filter((_, i) => i % 25 === 0);
    assert.ok(sample.length >= 80, `only ${sample.length} positions sampled`);
    // Each position whose change was not refused with a SamlError, with the text leading up to it.
    const notRefused: string[] = [];
    for (const at of sample) {
      const tampered = xml.slice(0, at) + (xml[at] === 'x' ? 'y' : 'x') + xml.slice(at + 1);
      const outcome = await validate(tampered).then(
        () => 'accepted',
        (error: unknown) => (error instanceof SamlError ? null : String(error)),
      );
      if (outcome !== null) notRefused.push(`${at} …${xml.slice(at - 20, at + 1)}: ${outcome}`);
    }
    assert.deepEqual(notRefused, []);
  });

  test('fails when the DigestValue or the SignatureValue is changed', async () => {
    for (const element of ['DigestValue', 'SignatureValue']) {
      const at = xml.indexOf(`<${element}>`) + element.length + 2 + 10;
      const tampered = xml.slice(0, at) + (xml[at] === 'A' ? 'B' : 'A') + xml.slice(at + 1);
      await rejectsSaml(() => validate(tampered), 'SIGNATURE_INVALID');
    }
  });

  test('reads the whole NameID when a comment (not signed content) is inserted into it', async () => {
    // Baseline 6: the comment is not signed content, so the digest holds; the NameID is read as all its
    // text, so it cannot be truncated to "SDent1234" either.
    const commented = xml.replace('SDent1234@student', 'SDent1234<!---->@student');
    const result = await validate(commented);
    assert.equal(result.nameId, 'SDent1234@student.egcc.edu');
  });

  test('is refused with the certificate of the metadata fixture, which belongs to another tenant', async () => {
    const metadata = parseMetadata(metadataXml, { role: 'idp' });
    assert.equal(metadata.signature, 'verified-self');
    const [certificate] = metadata.idp!.signingCertificates;
    assert.ok(certificate);
    assert.notEqual(certificate.base64, embeddedCertificate.base64);
    await rejectsSaml(() => validate(xml, { certificate }), 'SIGNATURE_KEY_UNTRUSTED');
  });

  test('is refused outside its validity window and to another audience', async () => {
    await rejectsSaml(
      () =>
        validateResponse(xml, {
          idp: { entityId: ISSUER, signingCertificates: [embeddedCertificate] },
          sp: { entityId: ACS, acsUrl: ACS },
          clock: fixedClock('2021-04-09T14:00:00Z'),
          pendingRequestIds: [REQUEST_ID],
        }),
      'EXPIRED',
    );
    await rejectsSaml(
      () =>
        validateResponse(xml, {
          idp: { entityId: ISSUER, signingCertificates: [embeddedCertificate] },
          sp: { entityId: 'https://other.example/', acsUrl: ACS },
          clock: fixedClock(ISSUE_INSTANT),
          pendingRequestIds: [REQUEST_ID],
        }),
      'AUDIENCE_MISMATCH',
    );
  });
});
