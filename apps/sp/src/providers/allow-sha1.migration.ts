import type { Kysely, Migration } from 'kysely';

/**
 * Whether the organization accepts SHA-1 signatures from its IdP (security baseline 5: only if an
 * admin turns it on). Off for every provider that exists: turning it on is a choice, never inherited.
 */
export const allowSha1Migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('auth_providers')
      .addColumn('allow_sha1', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
