import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NAMEID_FORMAT, NS } from '../../src/xml/namespaces.ts';
import { parseXml } from '../../src/xml/parse.ts';
import { encryptElement } from '../../src/xmlenc/encrypt.ts';
import {
  ACS_URL,
  acceptsAsBSimon,
  EVIL_NAME_ID,
  issue,
  rejectsWith,
  SP_ENTITY_ID,
  testKey,
  validate,
} from '../support/response-fixture.ts';
import { edit, signatureOf, toXml } from '../support/xml-edit.ts';

/**
 * DESIGN.md baseline 4: decryption is never authentication. AES-GCM and RSA-OAEP are randomized, so
 * these documents are made in the test rather than committed.
 */

const spKey = testKey('sp-encryption');
const withDecryption = {
  sp: { entityId: SP_ENTITY_ID, acsUrl: ACS_URL, decryptionKeys: [spKey.privateKey] },
};

describe('encrypted assertions', () => {
  test('accepts a signed-then-encrypted assertion with the SP decryption key', async () => {
    const { xml } = await issue({ encryptFor: spKey.certificate });
    assert.ok(xml.includes('EncryptedAssertion') && !xml.includes('B.Simon'));
    const result = await acceptsAsBSimon(xml, withDecryption);
    assert.equal(result.encrypted, true);
    assert.deepEqual(result.signed, { response: false, assertion: true });
  });

  test('accepts an encrypted assertion in a response signed over the ciphertext', async () => {
    const { xml } = await issue({
      encryptFor: spKey.certificate,
      signing: { credential: testKey('idp-signing'), mode: 'both' },
    });
    const result = await acceptsAsBSimon(xml, withDecryption);
    assert.deepEqual(result.signed, { response: true, assertion: true });
  });

  test('rejects an encrypted assertion when the SP has no decryption key', async () => {
    const { xml } = await issue({ encryptFor: spKey.certificate });
    await rejectsWith(validate(xml), 'DECRYPTION_KEY_MISSING');
  });

  test('rejects an encrypted assertion the SP keys cannot open', async () => {
    const { xml } = await issue({ encryptFor: spKey.certificate });
    const wrongKey = { sp: { ...withDecryption.sp, decryptionKeys: [testKey('attacker').privateKey] } };
    await rejectsWith(validate(xml, wrongKey), 'DECRYPTION_FAILED');
  });

  test("rejects an unsigned assertion the attacker encrypted with the SP's public certificate", async () => {
    // The attacker builds a whole response for admin, encrypts the assertion for the SP, and sends
    // it without any signature: decrypting it proves nothing about who wrote it.
    const { xml } = await issue({
      nameId: { value: EVIL_NAME_ID, format: NAMEID_FORMAT.emailAddress },
      encryptFor: spKey.certificate,
      signing: { credential: testKey('attacker'), mode: 'response' },
    });
    const unsigned = edit(xml, ({ response }) => {
      response.removeChild(signatureOf(response));
    });
    assert.equal(unsigned.includes('SignatureValue'), false);
    await rejectsWith(validate(unsigned, withDecryption), 'SIGNATURE_MISSING');
  });

  test("rejects an encrypted assertion signed with the attacker's key", async () => {
    const { xml } = await issue({
      nameId: { value: EVIL_NAME_ID, format: NAMEID_FORMAT.emailAddress },
      encryptFor: spKey.certificate,
      signing: { credential: testKey('attacker'), mode: 'assertion' },
    });
    await rejectsWith(validate(xml, withDecryption), 'SIGNATURE_KEY_UNTRUSTED');
  });

  test('rejects an encrypted assertion whose plaintext hides a second assertion in Advice', async () => {
    const { xml } = await issue();
    const nested = edit(xml, ({ document, assertion }) => {
      const advice = document.createElementNS(NS.assertion, 'Advice');
      const copy = assertion.cloneNode(true) as typeof assertion;
      copy.setAttribute('ID', '_nested-copy');
      advice.appendChild(copy);
      assertion.appendChild(advice);
    });
    const { document, root } = parseXml(nested);
    const assertion = root.getElementsByTagNameNS(NS.assertion, 'Assertion')[0]!;
    const encryptedData = await encryptElement(toXml(assertion as never), spKey.certificate);
    const wrapper = document.createElementNS(NS.assertion, 'EncryptedAssertion');
    wrapper.appendChild(document.importNode(parseXml(encryptedData).root, true));
    root.replaceChild(wrapper, assertion);
    await rejectsWith(validate(toXml(document), withDecryption), 'ASSERTION_MULTIPLE');
  });
});
