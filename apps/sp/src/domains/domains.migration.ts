import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The domains an organization claims. A domain counts once its DNS TXT record proved that whoever runs
 * the organization also runs the domain (verified_at set); at most one organization holds a domain
 * verified, so that two organizations cannot both speak for its addresses.
 */
export const verifiedDomainsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('organization_domains')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      /** Lower-case ASCII (IDNA, punycode), no trailing dot. */
      .addColumn('domain', 'text', (c) => c.notNull())
      /** The value the TXT record must carry. */
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('verified_at', 'text')
      .addColumn('checked_at', 'text')
      .addColumn('check_error', 'text')
      .addUniqueConstraint('organization_domains_org_domain', ['organization_id', 'domain'])
      .execute();
    await db.schema
      .createIndex('organization_domains_verified')
      .on('organization_domains')
      .column('domain')
      .unique()
      .where(sql.ref('verified_at'), 'is not', null)
      .execute();
  },
};
