// Federa Directory: reads its configuration from the environment, migrates its database, listens on
// 127.0.0.1, and drains on SIGTERM / SIGINT.
import { connectDatabase, createLogger, deleteExpiredSessions, migrateToLatest } from '@federa/kit';
import { systemClock, systemRandom } from '@federa/saml';
import type { Kysely } from 'kysely';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { IdpDatabase } from './db/schema.ts';

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

  const database = connectDatabase<IdpDatabase>(config.databaseUrl);
  const applied = await migrateToLatest(database.db as unknown as Kysely<unknown>, migrations);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

  const app = await buildApp({ db: database.db, config, clock: systemClock, random: systemRandom, logger });
  const sweep = setInterval(
    () => {
      deleteExpiredSessions(database.db as unknown as Kysely<unknown>, new Date()).catch((error) =>
        logger.warn({ err: error }, 'could not delete expired sessions'),
      );
    },
    10 * 60 * 1000,
  );
  sweep.unref();

  await app.listen({ host: config.host, port: config.port });
  logger.info(
    `Federa Directory is listening at ${config.baseUrl} (admin portal: ${config.baseUrl}/portal, My Apps: ${config.baseUrl}/myapps)`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    clearInterval(sweep);
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();
