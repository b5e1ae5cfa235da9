import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMMENTED_NAME_ID } from '../support/documents/signature.ts';
import { naiveNameId } from '../support/naive.ts';
import { acceptsAsBSimon, fixture, rejectsWith, validate } from '../support/response-fixture.ts';

/**
 * DESIGN.md baseline 6: text is all text nodes joined. Exclusive c14n without comments drops a
 * comment, so `admin@evil.com<!---->.x` still verifies as the signed `admin@evil.com.x`; a reader
 * taking the first text node (the 2018 Duo findings, CVE-2017-11427 and kin) sees `admin@evil.com`.
 * The identity must be the whole string, or the digest must fail — never the truncated one.
 */
describe('comment injection in signed text', () => {
  test('reads a commented NameID as the whole signed text, never the part before the comment', async () => {
    const xml = fixture('response.comment-in-nameid');
    assert.ok(xml.includes('admin@evil.com<!---->.x'));
    assert.equal(naiveNameId(xml), 'admin@evil.com', 'a first-text-node reader would be fooled');
    const result = await validate(xml);
    assert.equal(result.nameId, COMMENTED_NAME_ID);
    assert.notEqual(result.nameId, 'admin@evil.com');
  });

  test('reads a commented NameID whole inside a signed response too', async () => {
    const result = await validate(fixture('response.comment-in-nameid.response-signed'));
    assert.equal(result.nameId, COMMENTED_NAME_ID);
  });

  test('rejects the truncated identity once the text after the comment is actually removed', async () => {
    const xml = fixture('response.comment-in-nameid.tail-removed');
    assert.equal(naiveNameId(xml), 'admin@evil.com');
    await rejectsWith(validate(xml), 'SIGNATURE_DIGEST_MISMATCH');
  });

  test('reads a commented attribute value as the whole signed text', async () => {
    const xml = fixture('response.comment-in-attribute-value');
    assert.ok(xml.includes('B.Simon@contoso<!---->.com'));
    await acceptsAsBSimon(xml);
  });
});
