import { parseCertificate } from '@federa/saml';
import { recordAudit } from '../audit/audit.repository.ts';
import { SpError } from '../errors.ts';
import { newSpSigningKeyRow, type SigningKeyDeps } from './sp-signing-key.ts';
import {
  deleteSpSigningKey,
  insertSpSigningKeyUnlessPresent,
  listSpSigningKeys,
  type SpSigningKey,
  setSpSigningKeyStatus,
} from './sp-signing-keys.repository.ts';

// Rolling an organization's SP signing key over, as the Directory rolls its certificates (and Entra
// its own): "New signing key" makes a *next* key that the SP metadata publishes beside the active one;
// once the IdP has read it, "Use the new key" makes it active (requests are signed with it from then
// on) and keeps the old one published as *previous* until "Remove"; "Discard" drops a next key unused.

interface Actor {
  organizationId: string;
  actorUserId: string;
}

const conflict = (message: string) => new SpError('signing_key_conflict', 409, message);

const thumbprintOf = (key: Pick<SpSigningKey, 'certificatePem'>) =>
  parseCertificate(key.certificatePem).sha256;

/**
 * "New signing key": the next key, or the active one when the organization has none yet. Refused while
 * a next key is waiting (one rollover at a time).
 */
export async function makeSigningKey(deps: SigningKeyDeps, input: Actor): Promise<SpSigningKey> {
  const keys = await listSpSigningKeys(deps.db, input.organizationId);
  if (keys.some((k) => k.status === 'next')) throw waitingAlready();
  const status = keys.some((k) => k.status === 'active') ? 'next' : 'active';
  // Made outside the transaction: an RSA key takes a while, and nothing is written until it exists.
  const row = await newSpSigningKeyRow(deps, input.organizationId, status);
  return deps.db.transaction().execute(async (trx) => {
    if (!(await insertSpSigningKeyUnlessPresent(trx, row))) throw waitingAlready();
    await recordAudit(trx, deps.clock, {
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      action: 'sso.signing-key-created',
      detail: { status, thumbprint: thumbprintOf(row) },
    });
    return {
      id: row.id,
      organizationId: row.organizationId,
      status,
      certificatePem: row.certificatePem,
      createdAt: row.createdAt,
    };
  });
}

const waitingAlready = () =>
  conflict('A new signing key is already waiting: use it or discard it before making another.');

/**
 * "Use the new key": the next key `keyId` becomes active and the active one previous (still
 * published). A previous key from an earlier rollover is removed: the IdP has had a whole rollover to
 * read the metadata since it last signed.
 */
export async function useSigningKey(deps: SigningKeyDeps, input: Actor & { keyId: string }): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const keys = await listSpSigningKeys(trx, input.organizationId);
    const next = keys.find((k) => k.id === input.keyId && k.status === 'next');
    if (!next) throw conflict('This key is not waiting to be used: someone may have used or discarded it.');
    const active = keys.find((k) => k.status === 'active');
    const earlier = keys.find((k) => k.status === 'previous');
    // In this order, so that no step has two keys of one status (the partial unique indexes).
    if (earlier) await deleteSpSigningKey(trx, input.organizationId, earlier.id);
    if (active) await setSpSigningKeyStatus(trx, input.organizationId, active.id, 'previous');
    await setSpSigningKeyStatus(trx, input.organizationId, next.id, 'active');
    await recordAudit(trx, deps.clock, {
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      action: 'sso.signing-key-activated',
      detail: {
        thumbprint: thumbprintOf(next),
        ...(active ? { previousThumbprint: thumbprintOf(active) } : {}),
        ...(earlier ? { removedThumbprint: thumbprintOf(earlier) } : {}),
      },
    });
  });
}

/** "Discard" a next key or "Remove" the previous one; the active key cannot be removed. */
export async function removeSigningKey(
  deps: SigningKeyDeps,
  input: Actor & { keyId: string },
): Promise<SpSigningKey> {
  return deps.db.transaction().execute(async (trx) => {
    const key = (await listSpSigningKeys(trx, input.organizationId)).find((k) => k.id === input.keyId);
    if (!key) throw conflict('This key is gone already: someone may have removed it.');
    if (key.status === 'active') {
      throw conflict('The active key signs this organization’s requests: make a new one and use it first.');
    }
    await deleteSpSigningKey(trx, input.organizationId, key.id);
    await recordAudit(trx, deps.clock, {
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      action: 'sso.signing-key-removed',
      detail: { status: key.status, thumbprint: thumbprintOf(key) },
    });
    return key;
  });
}
