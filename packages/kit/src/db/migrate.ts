import { type Kysely, type Migration, Migrator } from 'kysely';

/**
 * Runs a service's migrations (an ordered record of name → up/down, kept in code so that a
 * deployment carries its schema) to the latest. Safe to call from several instances at once: Kysely
 * takes a lock table on both dialects.
 *
 * @example
 * await migrateToLatest(db, { '0001-users': { up: async (db) => { … } } });
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every migration in `migrations` has been applied (for /readyz). */
export async function migrationsCurrent(
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
): Promise<boolean> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const applied = await migrator.getMigrations();
  return applied.every((m) => m.executedAt !== undefined);
}
