import type { Db } from '../../db/schema.ts';
import { bool, inTransaction } from '../../db/schema.ts';

/** A registered passkey: its method row's name and times, and its WebAuthn credential. */
export interface Passkey {
  methodId: string;
  userId: string;
  displayName: string;
  /** base64url */
  credentialId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  counter: number;
  transports: string[];
  aaguid: string;
  backupEligible: boolean;
  backedUp: boolean;
}

/** Device-bound (a security key, a platform authenticator that never syncs it) unless backup eligible. */
export const deviceBound = (passkey: Pick<Passkey, 'backupEligible'>): boolean => !passkey.backupEligible;

export async function passkeysOf(db: Db, userId: string): Promise<Passkey[]> {
  const rows = await db
    .selectFrom('passkey_credentials as p')
    .innerJoin('authentication_methods as m', 'm.id', 'p.method_id')
    .select([
      'p.method_id',
      'p.user_id',
      'm.display_name',
      'p.credential_id',
      'p.public_key',
      'p.counter',
      'p.transports',
      'p.aaguid',
      'p.backup_eligible',
      'p.backed_up',
    ])
    .where('p.user_id', '=', userId)
    .where('m.kind', '=', 'passkey')
    .orderBy('m.created_at')
    .orderBy('m.id')
    .execute();
  return rows.map((r) => ({
    methodId: r.method_id,
    userId: r.user_id,
    displayName: r.display_name,
    credentialId: r.credential_id,
    publicKey: new Uint8Array(Buffer.from(r.public_key, 'base64url')),
    counter: Number(r.counter),
    transports: JSON.parse(r.transports) as string[],
    aaguid: r.aaguid,
    backupEligible: r.backup_eligible === 1,
    backedUp: r.backed_up === 1,
  }));
}

/** Whether any user of the Directory already registered this credential id. */
export async function credentialExists(db: Db, credentialId: string): Promise<boolean> {
  const row = await db
    .selectFrom('passkey_credentials')
    .select('method_id')
    .where('credential_id', '=', credentialId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Adds the passkey: its method row (kind `passkey`, the name the user gave) and its credential. */
export async function insertPasskey(db: Db, passkey: Passkey & { createdAt: string }): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto('authentication_methods')
      .values({
        id: passkey.methodId,
        user_id: passkey.userId,
        kind: 'passkey',
        display_name: passkey.displayName,
        secret_sealed: null,
        created_at: passkey.createdAt,
        last_used_at: null,
      })
      .execute();
    await trx
      .insertInto('passkey_credentials')
      .values({
        method_id: passkey.methodId,
        user_id: passkey.userId,
        credential_id: passkey.credentialId,
        public_key: Buffer.from(passkey.publicKey).toString('base64url'),
        counter: passkey.counter,
        transports: JSON.stringify(passkey.transports),
        aaguid: passkey.aaguid,
        backup_eligible: bool(passkey.backupEligible),
        backed_up: bool(passkey.backedUp),
      })
      .execute();
  });
}

/**
 * Records a sign-in with the passkey: the new counter and backup state, only if the counter is still
 * the one the check read (one conditional UPDATE, so two instances given the same assertion at once
 * cannot both accept it). False when another sign-in moved it first.
 */
export async function recordPasskeyUse(
  db: Db,
  passkey: Pick<Passkey, 'methodId' | 'counter'>,
  use: { counter: number; backedUp: boolean; at: string },
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const result = await trx
      .updateTable('passkey_credentials')
      .set({ counter: use.counter, backed_up: bool(use.backedUp) })
      .where('method_id', '=', passkey.methodId)
      .where('counter', '=', passkey.counter)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await trx
      .updateTable('authentication_methods')
      .set({ last_used_at: use.at })
      .where('id', '=', passkey.methodId)
      .execute();
    return true;
  });
}
