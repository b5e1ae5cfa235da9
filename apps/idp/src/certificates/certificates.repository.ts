import type { Db } from '../db/schema.ts';

export interface SigningCertificate {
  id: string;
  applicationId: string;
  certificatePem: string;
  thumbprint: string;
  notBefore: string;
  expiresAt: string;
  isActive: boolean;
  createdAt: string;
}

export async function listCertificates(db: Db, applicationId: string): Promise<SigningCertificate[]> {
  const rows = await db
    .selectFrom('signing_certificates')
    .select([
      'id',
      'application_id',
      'certificate_pem',
      'thumbprint',
      'not_before',
      'expires_at',
      'is_active',
      'created_at',
    ])
    .where('application_id', '=', applicationId)
    .orderBy('is_active', 'desc')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    applicationId: row.application_id,
    certificatePem: row.certificate_pem,
    thumbprint: row.thumbprint,
    notBefore: row.not_before,
    expiresAt: row.expires_at,
    isActive: row.is_active === 1,
    createdAt: row.created_at,
  }));
}

/** The sealed private key of a certificate, for signing only. */
export async function sealedKeyOf(db: Db, certificateId: string): Promise<string | null> {
  const row = await db
    .selectFrom('signing_certificates')
    .select('private_key_sealed')
    .where('id', '=', certificateId)
    .executeTakeFirst();
  return row?.private_key_sealed ?? null;
}

export async function insertCertificate(
  db: Db,
  row: Omit<SigningCertificate, 'isActive'> & { isActive: boolean; privateKeySealed: string },
): Promise<void> {
  await db
    .insertInto('signing_certificates')
    .values({
      id: row.id,
      application_id: row.applicationId,
      certificate_pem: row.certificatePem,
      private_key_sealed: row.privateKeySealed,
      thumbprint: row.thumbprint,
      not_before: row.notBefore,
      expires_at: row.expiresAt,
      is_active: row.isActive ? 1 : 0,
      created_at: row.createdAt,
    })
    .execute();
}

/** Makes one certificate the active one, all others of the application inactive. */
export async function setActiveCertificate(
  db: Db,
  applicationId: string,
  certificateId: string,
): Promise<void> {
  await db
    .updateTable('signing_certificates')
    .set({ is_active: 0 })
    .where('application_id', '=', applicationId)
    .execute();
  await db
    .updateTable('signing_certificates')
    .set({ is_active: 1 })
    .where('application_id', '=', applicationId)
    .where('id', '=', certificateId)
    .execute();
}

export async function deleteCertificateRow(db: Db, certificateId: string): Promise<void> {
  await db.deleteFrom('signing_certificates').where('id', '=', certificateId).execute();
}
