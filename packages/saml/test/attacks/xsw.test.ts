import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { naiveSignatureHolds } from '../support/naive.ts';
import { EVIL_NAME_ID, fixture, rejectsWith, testKey, validate } from '../support/response-fixture.ts';

/**
 * DESIGN.md baseline 2, 3 and 4: signatures bound by position, exactly one assertion, identity read
 * only from what the signature covers. Each fixture (test/fixtures/attacks/) keeps the IdP's genuine
 * signature valid over what it references — checked first, with a verifier that resolves the
 * Reference anywhere — and carries the attacker's identity; then `validateResponse` must refuse it
 * with the code of the check that stops it.
 */

const trustedKey = testKey('idp-signing').certificate.publicKey;

function wrapped(name: string): string {
  const xml = fixture(name);
  assert.ok(xml.includes(EVIL_NAME_ID), `${name} carries the attacker's identity`);
  assert.ok(
    naiveSignatureHolds(xml, trustedKey),
    `${name} keeps a signature that holds over what it references`,
  );
  return xml;
}

describe('XML signature wrapping, SAMLRaider XSW1–XSW8', () => {
  test('XSW1: rejects an evil Response at the root whose Signature hides the signed original', async () => {
    await rejectsWith(validate(wrapped('xsw-01')), 'ASSERTION_MULTIPLE');
  });

  test('XSW2: rejects an evil Response at the root with the signed original beside its Signature', async () => {
    await rejectsWith(validate(wrapped('xsw-02')), 'ASSERTION_MULTIPLE');
  });

  test('XSW3: rejects an evil unsigned Assertion placed before the signed one', async () => {
    await rejectsWith(validate(wrapped('xsw-03')), 'ASSERTION_MULTIPLE');
  });

  test('XSW4: rejects an evil Assertion that wraps the signed one', async () => {
    await rejectsWith(validate(wrapped('xsw-04')), 'SIGNATURE_PLACEMENT_INVALID');
  });

  test('XSW5: rejects an evil Assertion carrying the signature, the signed original appended after it', async () => {
    await rejectsWith(validate(wrapped('xsw-05')), 'ASSERTION_MULTIPLE');
  });

  test('XSW6: rejects an evil Assertion carrying the signature, the signed original inside that Signature', async () => {
    await rejectsWith(validate(wrapped('xsw-06')), 'ASSERTION_MULTIPLE');
  });

  test('XSW7: rejects an evil Assertion inside Extensions before the signed one', async () => {
    await rejectsWith(validate(wrapped('xsw-07')), 'ASSERTION_MULTIPLE');
  });

  test('XSW8: rejects an evil Assertion carrying the signature, the signed original in a ds:Object', async () => {
    await rejectsWith(validate(wrapped('xsw-08')), 'ASSERTION_MULTIPLE');
  });
});

describe('a signed assertion hidden elsewhere, an evil one where it belongs', () => {
  test('rejects the signed original hidden in Status (StatusDetail)', async () => {
    await rejectsWith(
      validate(wrapped('response.signed-assertion-in-status')),
      'SIGNATURE_PLACEMENT_INVALID',
    );
  });

  test('rejects the signed original hidden in the Response Extensions', async () => {
    await rejectsWith(
      validate(wrapped('response.signed-assertion-in-extensions')),
      'SIGNATURE_PLACEMENT_INVALID',
    );
  });

  test("rejects the signed original hidden in the evil assertion's Advice", async () => {
    await rejectsWith(
      validate(wrapped('response.signed-assertion-in-advice')),
      'SIGNATURE_PLACEMENT_INVALID',
    );
  });

  test("rejects the Response's signature moved into an evil Assertion (it references the Response)", async () => {
    await rejectsWith(
      validate(fixture('response.response-signature-moved-into-assertion')),
      'SIGNATURE_REFERENCE_INVALID',
    );
  });
});

describe('exactly one assertion', () => {
  test('rejects a signed assertion followed by an evil unsigned one', async () => {
    await rejectsWith(validate(wrapped('response.two-assertions')), 'ASSERTION_MULTIPLE');
  });

  test('rejects two assertions even when both are genuinely signed', async () => {
    await rejectsWith(validate(fixture('response.two-signed-assertions')), 'ASSERTION_MULTIPLE');
  });

  test('rejects an Assertion beside an EncryptedAssertion before decrypting anything', async () => {
    await rejectsWith(validate(fixture('response.assertion-and-encrypted-assertion')), 'ASSERTION_MULTIPLE');
  });

  test('rejects a signed response that carries no assertion', async () => {
    await rejectsWith(validate(fixture('response.no-assertion')), 'ASSERTION_MISSING');
  });
});
