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
import {
  insertSpSigningKeyUnlessPresent,
  listSpSigningKeys,
  type SpSigningKeyStatus,
  sealedKeyRow,
} from './sp-signing-keys.repository.ts';

// Each organization's SP signing key: made the first time the organization signs (or publishes) it,
// RSA-2048 with a self-signed certificate valid 10 years (peers pin the certificate, as for IdPs), the
// private key sealed under SP_SECRET_KEY and bound to the row's id. Requests are signed with the
// active key; signing-key-rollover.service.ts replaces it (next → active → previous).

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

/** The organization's active SP signing certificate, or null when it has none yet (nothing made on read). */
export async function findSpSigningCertificate(db: Db, organizationId: string): Promise<Certificate | null> {
  const row = await sealedKeyRow(db, organizationId, 'active');
  return row ? parseCertificate(row.certificatePem) : null;
}

/**
 * The certificates the SP metadata publishes: the active one (made if need be), then, during a
 * rollover, the next key (so that the IdP trusts it before it signs) and the previous one (until it is
 * removed, for an IdP that re-reads the metadata late).
 */
export async function publishedSpSigningCertificates(
  deps: SigningKeyDeps,
  organizationId: string,
): Promise<Certificate[]> {
  await spSigningCredential(deps, organizationId);
  return (await listSpSigningKeys(deps.db, organizationId)).map((key) =>
    parseCertificate(key.certificatePem),
  );
}

/** A new key for the organization, RSA-2048 with a 10-year self-signed certificate, sealed. */
export async function newSpSigningKeyRow(
  deps: SigningKeyDeps,
  organizationId: string,
  status: SpSigningKeyStatus,
) {
  const secretKey = requireSecretKey(deps);
  const { keyPem, certPem } = await generateCredential({
    cn: `Federa Workspace SAML signing (${organizationId})`,
    years: 10,
    clock: deps.clock,
  });
  const id = randomUUID();
  return {
    id,
    organizationId,
    status,
    certificatePem: certPem,
    privateKeySealed: seal(secretKey, keyPem, sealContext(id)),
    createdAt: deps.clock.now().toISOString(),
  };
}

function requireSecretKey(deps: SigningKeyDeps): Buffer {
  if (!deps.config.secretKey) {
    throw new SpError(
      'sso_start_failed',
      500,
      'The Workspace has no SP_SECRET_KEY to keep signing keys with.',
    );
  }
  return deps.config.secretKey;
}

/** The organization's active SP signing credential, made (once, whichever instance wins) when it has none. */
export async function spSigningCredential(
  deps: SigningKeyDeps,
  organizationId: string,
): Promise<SigningCredential> {
  const secretKey = requireSecretKey(deps);
  let row = await sealedKeyRow(deps.db, organizationId, 'active');
  if (!row) {
    // Two instances making the first key at once: the first insert wins, both use its key.
    await insertSpSigningKeyUnlessPresent(deps.db, await newSpSigningKeyRow(deps, organizationId, 'active'));
    row = (await sealedKeyRow(deps.db, organizationId, 'active'))!;
  }
  // Keyed by the secret key too: a credential is only ever what this key opens.
  const cacheKey = `${secretKey.toString('base64')}\n${row.id}\n${row.privateKeySealed}`;
  const cached = credentials.get(cacheKey);
  if (cached) return cached;
  const credential = signingCredential(
    open(secretKey, row.privateKeySealed, sealContext(row.id)),
    row.certificatePem,
  );
  if (credentials.size >= 1000) credentials.delete(credentials.keys().next().value!);
  credentials.set(cacheKey, credential);
  return credential;
}

const credentials = new Map<string, SigningCredential>();
