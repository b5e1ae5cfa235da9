import type { Kysely, Migration } from 'kysely';

/**
 * Passkeys (FIDO2/WebAuthn): each one is an `authentication_methods` row of kind `passkey` (so Security
 * info lists and deletes it like any method) with its credential here: the id the authenticator
 * chose, the COSE public key, the signature counter, transports and the backup flags.
 */
export const passkeysMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('passkey_credentials')
      .addColumn('method_id', 'text', (c) =>
        c.primaryKey().references('authentication_methods.id').onDelete('cascade'),
      )
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('credential_id', 'text', (c) => c.notNull().unique())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('counter', 'bigint', (c) => c.notNull())
      .addColumn('transports', 'text', (c) => c.notNull())
      .addColumn('aaguid', 'text', (c) => c.notNull())
      .addColumn('backup_eligible', 'integer', (c) => c.notNull())
      .addColumn('backed_up', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('passkey_credentials_user')
      .on('passkey_credentials')
      .column('user_id')
      .execute();
  },
};
