import { open, seal } from '@federa/kit';
import {
  generateCredential,
  parseCertificate,
  type SigningCredential,
  signingCredential,
} from '@federa/saml';
import { recordAudit } from '../audit/audit.repository.ts';
import { type Actor, type Deps, newId, nowIso } from '../context.ts';
import { type Db, inTransaction } from '../db/schema.ts';
import { idpError, notFound } from '../errors.ts';
import {
  deleteCertificateRow,
  insertCertificate,
  listCertificates,
  type SigningCertificate,
  sealedKeyOf,
  setActiveCertificate,
} from './certificates.repository.ts';

/** Entra's subject for SAML signing certificates. */
export const CERTIFICATE_CN = 'Microsoft Azure Federated SSO Certificate';
const sealContext = (certificateId: string) => `signing-certificate:${certificateId}`;

/**
 * Makes a signing certificate as Entra does: RSA-2048, self-signed, valid 3 years. The private key is
 * sealed (AES-256-GCM under IDP_SECRET_KEY) before it reaches the database. Does not audit: callers do,
 * in the same transaction.
 */
export async function addCertificateRow(
  deps: Deps,
  db: Db,
  applicationId: string,
  active: boolean,
): Promise<SigningCertificate> {
  const { keyPem, certPem } = await generateCredential({ cn: CERTIFICATE_CN, years: 3, clock: deps.clock });
  const certificate = parseCertificate(certPem);
  const id = newId();
  const row = {
    id,
    applicationId,
    certificatePem: certificate.pem,
    thumbprint: certificate.thumbprint,
    notBefore: certificate.notBefore.toISOString(),
    expiresAt: certificate.notAfter.toISOString(),
    isActive: active,
    createdAt: nowIso(deps),
    privateKeySealed: seal(deps.config.secretKey, keyPem, sealContext(id)),
  };
  await insertCertificate(db, row);
  return { ...row };
}

async function applicationName(db: Db, tenantId: string, applicationId: string): Promise<string> {
  const row = await db
    .selectFrom('applications')
    .select('display_name')
    .where('id', '=', applicationId)
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  if (!row) throw notFound('The application');
  return row.display_name;
}

/** "New Certificate": a further certificate, inactive until an admin makes it active (rollover). */
export async function createCertificate(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
): Promise<SigningCertificate> {
  return inTransaction(deps.db, async (db) => {
    const name = await applicationName(db, tenantId, applicationId);
    const certificate = await addCertificateRow(deps, db, applicationId, false);
    await recordAudit(db, actor, certificate.createdAt, {
      tenantId,
      category: 'ApplicationManagement',
      activity: 'Add signing certificate',
      targetType: 'Application',
      targetId: applicationId,
      targetName: name,
      details: { thumbprint: certificate.thumbprint, expiresAt: certificate.expiresAt },
    });
    return certificate;
  });
}

export async function activateCertificate(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  certificateId: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const name = await applicationName(db, tenantId, applicationId);
    const certificate = (await listCertificates(db, applicationId)).find((c) => c.id === certificateId);
    if (!certificate) throw notFound('The certificate');
    if (certificate.expiresAt <= nowIso(deps)) {
      throw idpError(
        'certificate_unusable',
        409,
        'This certificate has expired; create a new one and make that active.',
      );
    }
    const at = nowIso(deps);
    await setActiveCertificate(db, applicationId, certificateId);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'ApplicationManagement',
      activity: 'Make signing certificate active',
      targetType: 'Application',
      targetId: applicationId,
      targetName: name,
      details: { thumbprint: certificate.thumbprint },
    });
  });
}

/** Deletes an inactive certificate (the active one cannot be deleted). */
export async function deleteCertificate(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  certificateId: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const name = await applicationName(db, tenantId, applicationId);
    const certificate = (await listCertificates(db, applicationId)).find((c) => c.id === certificateId);
    if (!certificate) throw notFound('The certificate');
    if (certificate.isActive) {
      throw idpError(
        'certificate_unusable',
        409,
        'The active certificate cannot be deleted; make another one active first.',
      );
    }
    const at = nowIso(deps);
    await deleteCertificateRow(db, certificateId);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'ApplicationManagement',
      activity: 'Delete signing certificate',
      targetType: 'Application',
      targetId: applicationId,
      targetName: name,
      details: { thumbprint: certificate.thumbprint },
    });
  });
}

/** The key and certificate the application signs with now, or null when it has no active certificate. */
export async function activeCredential(
  deps: Pick<Deps, 'db' | 'config'>,
  applicationId: string,
): Promise<SigningCredential | null> {
  const active = (await listCertificates(deps.db, applicationId)).find((c) => c.isActive);
  if (!active) return null;
  const sealed = await sealedKeyOf(deps.db, active.id);
  if (!sealed) return null;
  // Which certificate is active is read from the database on every call (sign-ins keep the result
  // only until the configuration changes: sso/sign-in-config.ts); only the decrypting and parsing of
  // that certificate's key, which never changes, is done once per process.
  const cacheKey = `${deps.config.secretKey.toString('base64')}\n${active.id}\n${sealed}\n${active.certificatePem}`;
  const cached = parsedCredentials.get(cacheKey);
  if (cached) return cached;
  const credential = signingCredential(
    open(deps.config.secretKey, sealed, sealContext(active.id)),
    active.certificatePem,
  );
  if (parsedCredentials.size >= 1000) parsedCredentials.delete(parsedCredentials.keys().next().value!);
  parsedCredentials.set(cacheKey, credential);
  return credential;
}

/** Parsed signing keys by certificate id and sealed key (a key parse costs more than the signature). */
const parsedCredentials = new Map<string, SigningCredential>();
