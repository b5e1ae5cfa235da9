import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CR_CLAIM, STREET, STREET_CLAIM, STREET_WITH_CR } from '../support/documents/valid.ts';
import {
  acceptsAsBSimon,
  EXPECTED_IDENTITY,
  fixture,
  identityOf,
  validate,
} from '../support/response-fixture.ts';

/**
 * Controls: what a hardened validator must still accept. Without them, a validator that refused
 * everything would pass every attack test.
 */
describe('genuine responses are accepted', () => {
  test('accepts a response whose assertion only is signed (Entra default)', async () => {
    const result = await acceptsAsBSimon(fixture('response.assertion-signed', 'valid'));
    assert.deepEqual(result.signed, { response: false, assertion: true });
  });

  test('accepts a response signed only on the Response', async () => {
    const result = await acceptsAsBSimon(fixture('response.response-signed', 'valid'));
    assert.deepEqual(result.signed, { response: true, assertion: false });
  });

  test('accepts a response signed on both the Response and the Assertion', async () => {
    const result = await acceptsAsBSimon(fixture('response.both-signed', 'valid'));
    assert.deepEqual(result.signed, { response: true, assertion: true });
  });

  test('accepts a pretty-printed signed response arriving with CRLF line endings', async () => {
    const xml = fixture('response.crlf-line-endings', 'valid');
    assert.ok(xml.includes('\r\n'));
    const result = await validate(xml);
    assert.deepEqual(result.signed, { response: true, assertion: true });
    const { attributes, ...identity } = identityOf(result);
    assert.deepEqual(identity, { issuer: EXPECTED_IDENTITY.issuer, nameId: EXPECTED_IDENTITY.nameId });
    // XML 1.0 §2.11: a line ending is one LF once parsed.
    assert.deepEqual(attributes[STREET_CLAIM], [STREET]);
  });

  test('accepts &#13; in signed text and in a signed attribute value, and keeps the carriage return', async () => {
    const xml = fixture('response.cr-character-reference', 'valid');
    assert.ok(xml.includes('&#13;'));
    const result = await validate(xml);
    assert.equal(result.nameId, EXPECTED_IDENTITY.nameId);
    assert.deepEqual(result.attributes[STREET_CLAIM], [STREET_WITH_CR]);
    assert.deepEqual(result.attributes[CR_CLAIM], ['yes']);
  });
});
