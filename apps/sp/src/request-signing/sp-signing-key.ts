import { randomUUID } from 'node:crypto';
import { open, seal } from '@federa/kit';
import {
  type Certificate,
  type Clock,
  generateCredential,
  parseCertificate,
  type SigningCredential,
  signingCredential,
} from '@federa/saml';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { SpError } from '../errors.ts';
import type { Provider } from '../providers/providers.repository.ts';

// Each organization's SP signing key: made the first time the organization signs (or publishes) it,
// RSA-2048 with a self-signed certificate valid 10 years (peers pin the certificate, as for IdPs), the
// private key sealed under SP_SECRET_KEY and bound to the row's id.

export interface SigningKeyDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'secretKey'>;
}

const sealContext = (id: string) => `sp-signing-key:${id}`;

/**
 * Whether this organization's AuthnRequests are signed: when the owner turned it on, and always when
 * the IdP's metadata says WantAuthnRequestsSigned="true" (such an IdP refuses an unsigned request).
 */
export function signsRequests(provider: Pick<Provider, 'signRequests' | 'idpWantsRequestsSigned'>): boolean {
  return provider.signRequests || provider.idpWantsRequestsSigned;
}

/** The organization's SP signing certificate, or null when it has none yet (nothing made on read). */
export async function findSpSigningCertificate(db: Db, organizationId: string): Promise<Certificate | null> {
  const row = await db
    .selectFrom('sp_signing_keys')
    .select('certificate_pem')
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return row ? parseCertificate(row.certificate_pem) : null;
}

/** The organization's SP signing credential, made (once, whichever instance wins) when it has none. */
export async function spSigningCredential(
  deps: SigningKeyDeps,
  organizationId: string,
): Promise<SigningCredential> {
  const secretKey = deps.config.secretKey;
  if (!secretKey) {
    throw new SpError(
      'sso_start_failed',
      500,
      'The Workspace has no SP_SECRET_KEY to keep signing keys with.',
    );
  }
  let row = await findRow(deps.db, organizationId);
  if (!row) {
    const { keyPem, certPem } = await generateCredential({
      cn: `Federa Workspace SAML signing (${organizationId})`,
      years: 10,
      clock: deps.clock,
    });
    const id = randomUUID();
    await deps.db
      .insertInto('sp_signing_keys')
      .values({
        id,
        organization_id: organizationId,
        certificate_pem: certPem,
        private_key_sealed: seal(secretKey, keyPem, sealContext(id)),
        created_at: deps.clock.now().toISOString(),
      })
      // Two instances making the first key at once: the first insert wins, both use its key.
      .onConflict((oc) => oc.column('organization_id').doNothing())
      .execute();
    row = (await findRow(deps.db, organizationId))!;
  }
  // Keyed by the secret key too: a credential is only ever what this key opens.
  const cacheKey = `${secretKey.toString('base64')}\n${row.id}\n${row.private_key_sealed}`;
  const cached = credentials.get(cacheKey);
  if (cached) return cached;
  const credential = signingCredential(
    open(secretKey, row.private_key_sealed, sealContext(row.id)),
    row.certificate_pem,
  );
  if (credentials.size >= 1000) credentials.delete(credentials.keys().next().value!);
  credentials.set(cacheKey, credential);
  return credential;
}

const credentials = new Map<string, SigningCredential>();

function findRow(db: Db, organizationId: string) {
  return db
    .selectFrom('sp_signing_keys')
    .select(['id', 'certificate_pem', 'private_key_sealed'])
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
}
