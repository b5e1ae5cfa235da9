// Federa Directory: reads its configuration from the environment, migrates its database, listens on
// 127.0.0.1, and drains on SIGTERM / SIGINT.
import {
  connectDatabase,
  createLogger,
  deleteExpiredRateLimits,
  deleteExpiredSessions,
  drainOnSignals,
  migrateToLatest,
  observeDatabase,
} from '@federa/kit';
import { systemClock, systemRandom } from '@federa/saml';
import type { Kysely } from 'kysely';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { IdpDatabase } from './db/schema.ts';
import { startProvisioningScheduler } from './provisioning/scheduler.ts';
import { purgeDeletedUsers } from './users/deleted-users.service.ts';

async function main(): Promise<void> {
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const { config, notices } = loaded;
  const logger = createLogger('federa-idp', config.logLevel);
  for (const notice of notices) logger.warn(notice);

  const database = connectDatabase<IdpDatabase>(config.databaseUrl, { poolSize: config.databasePoolSize });
  const applied = await migrateToLatest(database.db as unknown as Kysely<unknown>, migrations);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

  const app = await buildApp({ database, config, clock: systemClock, random: systemRandom, logger });
  observeDatabase(app, database);
  const sweep = setInterval(
    () => {
      const db = database.db as unknown as Kysely<unknown>;
      Promise.all([deleteExpiredSessions(db, new Date()), deleteExpiredRateLimits(db, new Date())]).catch(
        (error) => logger.warn({ err: error }, 'could not delete expired sessions and rate-limit counters'),
      );
      // Users deleted 30 days ago are deleted for good (Entra's recycle bin).
      purgeDeletedUsers({ db: database.db, clock: systemClock }).catch((error) =>
        logger.warn({ err: error }, 'could not purge deleted users'),
      );
    },
    10 * 60 * 1000,
  );
  sweep.unref();

  // Automatic provisioning: due SCIM cycles, on every instance (a lease per application in the database).
  const stopProvisioning = startProvisioningScheduler(app.deps, logger);

  await app.listen({ host: config.host, port: config.port });
  logger.info(
    `Federa Directory is listening at ${config.baseUrl} (admin portal: ${config.baseUrl}/portal, My Apps: ${config.baseUrl}/myapps)`,
  );

  // SIGTERM: requests in flight finish (up to SHUTDOWN_TIMEOUT_SECONDS), then the pool closes.
  drainOnSignals(app, logger, {
    drainMs: config.shutdownTimeoutSeconds * 1000,
    beforeClose: () => {
      clearInterval(sweep);
      void stopProvisioning();
    },
    cleanup: () => database.close(),
  });
}

await main();
