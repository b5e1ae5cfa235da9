import { createHash, createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { SamlError } from './errors.ts';

/**
 * A certificate as SAML carries it (base64 DER in `ds:X509Certificate`), with its public key parsed
 * once: converting PEM text to a key on every verification costs several times the verification.
 */
export interface Certificate {
  /** Base64 DER, no line breaks: what goes into metadata and KeyInfo. */
  base64: string;
  pem: string;
  publicKey: KeyObject;
  /** SHA-1 of the DER, upper-case hex: the "thumbprint" Entra and Windows show. */
  thumbprint: string;
  sha256: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

/** A key to sign with, and the certificate published for it. */
export interface SigningCredential {
  privateKey: KeyObject;
  certificate: Certificate;
}

/**
 * Parses a certificate given as PEM, or as bare base64 DER (whitespace ignored), as it appears in
 * metadata and in admin forms.
 *
 * @example
 * const cert = parseCertificate(pemText);
 * cert.thumbprint; // 'A1B2…'
 */
export function parseCertificate(text: string): Certificate {
  const base64 = text.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (base64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    throw new SamlError('CERTIFICATE_INVALID', 'The certificate is not PEM or base64 DER.');
  }
  const der = Buffer.from(base64, 'base64');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    throw new SamlError('CERTIFICATE_INVALID', 'The certificate could not be parsed as X.509.');
  }
  const canonical = der.toString('base64');
  return {
    base64: canonical,
    pem: `-----BEGIN CERTIFICATE-----\n${canonical.replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`,
    publicKey: x509.publicKey,
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    sha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
    subject: x509.subject,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
  };
}

/** Parses a PEM private key (PKCS#8 or PKCS#1). */
export function parsePrivateKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new SamlError('KEY_INVALID', 'The private key is not a PEM private key.');
  }
}

/** Parses a PEM public key (SPKI), for peers that publish bare keys. */
export function parsePublicKey(pem: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch {
    throw new SamlError('KEY_INVALID', 'The public key is not a PEM public key.');
  }
}

/**
 * A private key and its certificate, both PEM, as one signing credential.
 *
 * @example
 * const credential = signingCredential(readFileSync('idp.key.pem', 'utf8'), readFileSync('idp.crt.pem', 'utf8'));
 */
export function signingCredential(privateKeyPem: string, certificatePem: string): SigningCredential {
  return { privateKey: parsePrivateKey(privateKeyPem), certificate: parseCertificate(certificatePem) };
}
