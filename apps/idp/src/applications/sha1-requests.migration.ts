import { type Kysely, type Migration, sql } from 'kysely';

/**
 * "Allow requests signed with RSA-SHA1", Entra's opt-in under Verification certificates: whether the
 * application's signed requests may use SHA-1, apart from the algorithm the Directory signs its
 * responses with. Until now the one followed the other, so an application that signs with SHA-1 keeps
 * accepting SHA-1 requests; every other stays at SHA-256 or stronger (DESIGN.md baseline 5).
 */
export const sha1RequestsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('applications')
      .addColumn('allow_sha1_requests', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`update applications set allow_sha1_requests = 1 where signing_algorithm = 'sha1'`.execute(db);
  },
};
