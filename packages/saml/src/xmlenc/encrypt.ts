import type { KeyObject } from 'node:crypto';
import xmlenc from 'xml-encryption';
import { SamlError } from '../errors.ts';
import type { Certificate } from '../keys.ts';

export const AES256_GCM = 'http://www.w3.org/2009/xmlenc11#aes256-gcm';
export const RSA_OAEP_MGF1P = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';

/**
 * Encrypts `plaintext` (a serialized Assertion) for the holder of `certificate` as an
 * `xenc:EncryptedData` element (XML Encryption 1.1): AES-256-GCM content, key wrapped with RSA-OAEP.
 *
 * @example
 * const encryptedData = await encryptElement(serialize(assertion), sp.encryptionCertificates[0]);
 */
export function encryptElement(plaintext: string, certificate: Certificate): Promise<string> {
  return new Promise((resolve, reject) => {
    xmlenc.encrypt(
      plaintext,
      {
        rsa_pub: certificate.publicKey.export({ type: 'spki', format: 'pem' }) as string,
        pem: certificate.pem,
        encryptionAlgorithm: AES256_GCM,
        keyEncryptionAlgorithm: RSA_OAEP_MGF1P,
        disallowEncryptionWithInsecureAlgorithm: true,
        warnInsecureAlgorithm: false,
      },
      (error: Error | null, result: string) => {
        if (error)
          reject(new SamlError('ENCRYPTION_ALGORITHM_FORBIDDEN', 'The assertion could not be encrypted.'));
        else resolve(result);
      },
    );
  });
}

/** The PEM form xml-encryption wants for a private key. */
export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}
