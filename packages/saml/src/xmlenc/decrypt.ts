import type { KeyObject } from 'node:crypto';
import xmlenc from 'xml-encryption';
import { SamlError } from '../errors.ts';
import { privateKeyPem } from './encrypt.ts';

/**
 * Decrypts a serialized `xenc:EncryptedData` with the first of `keys` that opens it. Only AES-GCM /
 * AES-CBC content and RSA-OAEP key transport are accepted (no RSA PKCS#1 v1.5, no 3DES). The plaintext
 * is returned as text: the caller parses it with the same strict parser as everything else, and
 * decryption never counts as authentication (DESIGN.md baseline 4).
 *
 * @example
 * const assertionXml = await decryptElement(serialize(encryptedData), [spPrivateKey]);
 */
export async function decryptElement(encryptedData: string, keys: readonly KeyObject[]): Promise<string> {
  if (keys.length === 0) {
    throw new SamlError(
      'DECRYPTION_KEY_MISSING',
      'The assertion is encrypted but no decryption key is configured. Give the SP an encryption certificate, or turn off encryption at the IdP.',
    );
  }
  for (const key of keys) {
    const plaintext = await new Promise<string | null>((resolve) => {
      xmlenc.decrypt(
        encryptedData,
        {
          key: privateKeyPem(key),
          disallowDecryptionWithInsecureAlgorithm: true,
          warnInsecureAlgorithm: false,
        },
        (error: Error | null, result: string) => resolve(error ? null : result),
      );
    });
    if (plaintext !== null) return plaintext;
  }
  throw new SamlError(
    'DECRYPTION_FAILED',
    'The encrypted assertion could not be decrypted with the SP keys (wrong certificate at the IdP, or a forbidden algorithm).',
  );
}
