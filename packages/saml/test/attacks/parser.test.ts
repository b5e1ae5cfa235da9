import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { naiveNameId } from '../support/naive.ts';
import {
  acceptsAsBSimon,
  EVIL_NAME_ID,
  fixture,
  rejectsWith,
  validate,
} from '../support/response-fixture.ts';

/**
 * DESIGN.md baseline 1 (one strict parser: no DTD, no entities, one root, no duplicate attributes)
 * and baseline 3's "any ID value appearing twice rejects the document", plus namespace confusion.
 */

describe('no DTD, no entities', () => {
  for (const [name, what] of [
    ['response.doctype', 'a DOCTYPE'],
    ['response.internal-entity', 'an internal entity standing in for the NameID'],
    ['response.external-entity', 'an external entity (XXE, file:///etc/passwd)'],
    ['response.external-parameter-entity', 'an external parameter entity'],
    ['response.billion-laughs', 'nested entity expansion (billion laughs)'],
  ] as const) {
    test(`rejects ${what}`, async () => {
      await rejectsWith(validate(fixture(name)), 'XML_DTD_FORBIDDEN');
    });
  }

  test('rejects a reference to an entity nobody declared', async () => {
    await rejectsWith(validate(fixture('response.undeclared-entity')), 'XML_MALFORMED');
  });
});

describe('one well-formed document', () => {
  test('rejects a second root element after the signed response', async () => {
    await rejectsWith(validate(fixture('response.second-root')), 'XML_MALFORMED');
  });

  test('rejects trailing text after the root element', async () => {
    await rejectsWith(validate(fixture('response.trailing-text')), 'XML_MALFORMED');
  });

  test('rejects an attribute given twice', async () => {
    await rejectsWith(validate(fixture('response.duplicate-attribute')), 'XML_MALFORMED');
  });

  // Fails without the StrictDomBuilder in src/xml/parse.ts: xmldom silently kept only `b:role`.
  test('rejects one attribute given twice under two prefixes bound to the same namespace', async () => {
    await rejectsWith(validate(fixture('response.duplicate-attribute-two-prefixes')), 'XML_MALFORMED');
  });
});

describe('IDs are unique across ID, Id and id', () => {
  test('rejects an evil assertion carrying the signed assertion’s ID (SAMLRaider XSW7 as emitted)', async () => {
    await rejectsWith(validate(fixture('response.duplicate-id.evil-assertion-same-id')), 'XML_DUPLICATE_ID');
  });

  test('rejects a decoy element whose lowercase id repeats the signed assertion’s ID', async () => {
    await rejectsWith(validate(fixture('response.duplicate-id.lowercase-id')), 'XML_DUPLICATE_ID');
  });

  test('rejects an evil assertion whose Id attribute repeats the signed assertion’s ID', async () => {
    await rejectsWith(validate(fixture('response.duplicate-id.Id')), 'XML_DUPLICATE_ID');
  });

  test('rejects a signed assertion whose ID attribute was renamed Id', async () => {
    await rejectsWith(validate(fixture('response.assertion-id-renamed-Id')), 'SIGNATURE_REFERENCE_INVALID');
  });
});

describe('namespaces decide what an element is, not prefixes or local names', () => {
  test('rejects the signed assertion moved into the SAML 1.0 namespace (its signature is then misplaced)', async () => {
    await rejectsWith(validate(fixture('response.assertion-wrong-namespace')), 'SIGNATURE_PLACEMENT_INVALID');
  });

  test('rejects an evil SAML 1.0 Assertion before the signed one, which a local-name reader would take', async () => {
    const xml = fixture('response.foreign-namespace-assertion-before-signed');
    assert.equal(naiveNameId(xml), EVIL_NAME_ID, 'a local-name reader would take the evil one');
    await rejectsWith(validate(xml), 'XML_SCHEMA_INVALID');
  });

  test('rejects a signed Subject whose default namespace was rebound', async () => {
    await rejectsWith(
      validate(fixture('response.subject-default-namespace-rebound')),
      'SIGNATURE_DIGEST_MISMATCH',
    );
  });

  test('accepts prefixes declared (to other namespaces) but unused: exclusive c14n leaves them out', async () => {
    await acceptsAsBSimon(fixture('response.unused-prefixes-declared', 'valid'));
  });
});
