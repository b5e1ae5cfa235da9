import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  acceptsAsBSimon,
  fixture,
  IDP_ENTITY_ID,
  rejectsWith,
  testKey,
  validate,
} from '../support/response-fixture.ts';

/**
 * DESIGN.md baseline 3, 5 and 6: the signature itself. Keys pinned from configuration, never from
 * KeyInfo; exactly one SignedInfo, one Reference to the parent; algorithms and transforms
 * allow-listed. The policy fixtures are signed with the trusted IdP key, so that the only thing wrong
 * with them is the shape the allow-lists refuse.
 */

const idp = (...names: Array<'idp-signing' | 'idp-signing-next'>) => ({
  entityId: IDP_ENTITY_ID,
  signingCertificates: names.map((name) => testKey(name).certificate),
});

describe('the signature must hold', () => {
  test('rejects a signed assertion whose NameID was changed after signing', async () => {
    await rejectsWith(validate(fixture('response.content-modified')), 'SIGNATURE_DIGEST_MISMATCH');
  });

  test('rejects an assertion whose signature was removed', async () => {
    await rejectsWith(validate(fixture('response.signature-removed')), 'SIGNATURE_MISSING');
  });

  test('rejects an empty SignatureValue', async () => {
    await rejectsWith(validate(fixture('response.signature-value-empty')), 'SIGNATURE_MALFORMED');
  });

  test('rejects a forged DigestValue (recomputed over the changed assertion, SignedInfo no longer verifies)', async () => {
    await rejectsWith(validate(fixture('response.digest-forged')), 'SIGNATURE_INVALID');
  });

  test('rejects a forged digest hidden in a comment before the genuine DigestValue (CVE-2025-29775)', async () => {
    const xml = fixture('response.digest-value-comment');
    assert.match(xml, /<ds:DigestValue><!--[A-Za-z0-9+/=]+-->/);
    await rejectsWith(validate(xml), 'SIGNATURE_DIGEST_MISMATCH');
  });

  test('rejects a signature whose element is in another namespace: the assertion is then unsigned', async () => {
    await rejectsWith(validate(fixture('response.signature-other-namespace')), 'SIGNATURE_MISSING');
  });

  test('rejects a SignedInfo whose ds prefix was rebound to another namespace', async () => {
    await rejectsWith(validate(fixture('response.signed-info-prefix-rebound')), 'SIGNATURE_MALFORMED');
  });

  test('rejects a second SignedInfo referencing an evil assertion (SAMLRaider XSW9)', async () => {
    await rejectsWith(validate(fixture('response.signed-info-twice')), 'SIGNATURE_MALFORMED');
  });

  test('requires a signed assertion when configured to, even inside a signed response', async () => {
    await acceptsAsBSimon(fixture('response.response-signed', 'valid'));
    await rejectsWith(
      validate(fixture('response.response-signed', 'valid'), { requireSignedAssertion: true }),
      'SIGNATURE_MISSING',
    );
  });
});

describe('keys come from configuration, never from KeyInfo', () => {
  test("rejects an assertion re-signed with the attacker's key and certificate", async () => {
    await rejectsWith(
      validate(fixture('response.attacker-key.assertion-resigned')),
      'SIGNATURE_KEY_UNTRUSTED',
    );
  });

  test("rejects a response and assertion both re-signed with the attacker's key and certificate", async () => {
    await rejectsWith(validate(fixture('response.attacker-key.both-resigned')), 'SIGNATURE_KEY_UNTRUSTED');
  });

  test("rejects the attacker's signature without KeyInfo", async () => {
    await rejectsWith(validate(fixture('response.attacker-key.keyinfo-removed')), 'SIGNATURE_INVALID');
  });

  test("rejects the attacker's signature presenting the IdP's certificate in KeyInfo", async () => {
    await rejectsWith(
      validate(fixture('response.attacker-key.keyinfo-trusted-certificate')),
      'SIGNATURE_INVALID',
    );
  });

  test('accepts a response signed with the second of two configured certificates (rollover)', async () => {
    await acceptsAsBSimon(fixture('response.rollover-second-key', 'valid'), {
      idp: idp('idp-signing', 'idp-signing-next'),
    });
  });

  test('rejects that response while only the first certificate is configured', async () => {
    await rejectsWith(validate(fixture('response.rollover-second-key', 'valid')), 'SIGNATURE_KEY_UNTRUSTED');
  });
});

describe('exactly one Reference, to the element that holds the signature', () => {
  test('rejects a Reference pointing at another element (the Response) from inside the Assertion', async () => {
    await rejectsWith(validate(fixture('response.reference-uri-response-id')), 'SIGNATURE_REFERENCE_INVALID');
  });

  test('rejects an empty Reference URI (the whole document)', async () => {
    await rejectsWith(validate(fixture('response.reference-uri-empty')), 'SIGNATURE_REFERENCE_INVALID');
  });

  test('rejects two References in one SignedInfo', async () => {
    await rejectsWith(validate(fixture('response.references-two')), 'SIGNATURE_REFERENCE_INVALID');
  });
});

describe('algorithms are allow-listed', () => {
  test('rejects RSA-SHA1 unless SHA-1 is allowed for the connection', async () => {
    await rejectsWith(validate(fixture('response.rsa-sha1', 'valid')), 'SIGNATURE_ALGORITHM_FORBIDDEN');
  });

  test('accepts RSA-SHA1 when SHA-1 is allowed for the connection', async () => {
    await acceptsAsBSimon(fixture('response.rsa-sha1', 'valid'), { allowSha1: true });
  });

  test('rejects a SHA-1 digest under an RSA-SHA256 signature unless SHA-1 is allowed', async () => {
    await rejectsWith(validate(fixture('response.digest-method-sha1')), 'SIGNATURE_ALGORITHM_FORBIDDEN');
    await acceptsAsBSimon(fixture('response.digest-method-sha1'), { allowSha1: true });
  });

  test("rejects HMAC-SHA256 keyed with the IdP's public certificate", async () => {
    await rejectsWith(
      validate(fixture('response.signature-method-hmac-sha256')),
      'SIGNATURE_ALGORITHM_FORBIDDEN',
    );
  });

  test('rejects HMAC-SHA1 even where SHA-1 is allowed', async () => {
    await rejectsWith(
      validate(fixture('response.signature-method-hmac-sha1'), { allowSha1: true }),
      'SIGNATURE_ALGORITHM_FORBIDDEN',
    );
  });
});

describe('transforms are allow-listed', () => {
  for (const [name, what] of [
    ['response.transform-xslt', 'an XSLT transform'],
    ['response.transform-xpath', 'an XPath filter in place of enveloped-signature'],
    ['response.transforms-three', 'three transforms'],
    ['response.transform-c14n-with-comments', 'exclusive c14n with comments as a transform'],
    ['response.transform-inclusive-c14n', 'inclusive c14n as a transform'],
    ['response.canonicalization-method-with-comments', 'c14n with comments as CanonicalizationMethod'],
  ] as const) {
    test(`rejects ${what}, signed by the trusted IdP key`, async () => {
      await rejectsWith(validate(fixture(name)), 'SIGNATURE_TRANSFORM_FORBIDDEN');
    });
  }
});
