// Starts Federa Workspace: reads and validates the configuration from the environment, connects to the
// database, migrates it, starts the metadata refresh timer, listens on 127.0.0.1, and drains on SIGTERM.
import { resolve } from 'node:path';
import { connectDatabase, createLogger, drainOnSignals, migrateToLatest, observeDatabase } from '@federa/kit';
import { buildApp } from './app.ts';
import { ConfigError, readConfig } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Schema } from './db/schema.ts';
import { startBackgroundJobs } from './jobs.ts';
import { DEFAULT_SP_SECRET_KEY_FILE, readOrCreateSecretKeyFile } from './request-signing/secret-key.ts';

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger('federa-workspace', config.logLevel);
if (!config.secretKey) {
  const { key, created } = readOrCreateSecretKeyFile(resolve(DEFAULT_SP_SECRET_KEY_FILE));
  config = { ...config, secretKey: key };
  if (created)
    logger.warn(
      `SP_SECRET_KEY is not set: generated a key into ${DEFAULT_SP_SECRET_KEY_FILE} (it encrypts the organizations' SP signing keys; back it up with the database, or set SP_SECRET_KEY)`,
    );
}
const database = connectDatabase<Schema>(config.databaseUrl, { poolSize: config.databasePoolSize });
await migrateToLatest(database.db as never, migrations);
const { app, ctx } = await buildApp({ database, config, logger });
observeDatabase(app, database);
const stopJobs = startBackgroundJobs(ctx);
await app.listen({ host: config.host, port: config.port });
logger.info({ url: config.baseUrl, port: config.port, mail: ctx.mailer.kind }, 'Federa Workspace listening');

// SIGTERM: requests in flight finish (up to SHUTDOWN_TIMEOUT_SECONDS), then the pool closes.
drainOnSignals(app, logger, {
  drainMs: config.shutdownTimeoutSeconds * 1000,
  beforeClose: stopJobs,
  cleanup: () => database.close(),
});
