import { randomBytes, webcrypto } from 'node:crypto';
import type { Clock } from './clock.ts';
import { parseCertificate, parsePrivateKey, type SigningCredential } from './keys.ts';

let x509Loaded: Promise<typeof import('@peculiar/x509')> | undefined;

/**
 * @peculiar/x509 on the first certificate a process makes: with reflect-metadata, tsyringe and its
 * ASN.1 schemas it is some 200 modules and 8 MB resident, which a service that only signs and
 * verifies would otherwise carry from its start.
 */
function loadX509(): Promise<typeof import('@peculiar/x509')> {
  x509Loaded ??= (async () => {
    await import('reflect-metadata'); // @peculiar/x509's dependency injection needs it loaded first
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as Crypto);
    return x509;
  })();
  return x509Loaded;
}

export interface GeneratedCredential {
  keyPem: string;
  certPem: string;
  credential: SigningCredential;
}

const RSA_SHA256 = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

/**
 * An RSA-2048 key and a self-signed certificate for it, as Entra creates a SAML signing certificate
 * (subject `CN=<cn>`, valid for `years`, 3 by default). SAML peers pin the certificate itself, so
 * self-signed is the norm.
 *
 * @example
 * const { keyPem, certPem } = await generateCredential({ cn: 'Federa Directory SSO' });
 */
export async function generateCredential(options: {
  cn: string;
  years?: number;
  clock?: Clock;
}): Promise<GeneratedCredential> {
  const x509 = await loadX509();
  const keys = await webcrypto.subtle.generateKey(RSA_SHA256, true, ['sign', 'verify']);
  const notBefore = options.clock?.now() ?? new Date();
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + (options.years ?? 3));
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${options.cn.replace(/[,+="\\<>;#]/g, '\\$&')}`,
    notBefore,
    notAfter,
    signingAlgorithm: RSA_SHA256,
    keys: keys as CryptoKeyPair,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
  const certPem = certificate.toString('pem');
  return {
    keyPem,
    certPem: certPem.endsWith('\n') ? certPem : `${certPem}\n`,
    credential: { privateKey: parsePrivateKey(keyPem), certificate: parseCertificate(certPem) },
  };
}
