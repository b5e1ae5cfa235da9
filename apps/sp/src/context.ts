import type { Brand, ConfigCache, Logger } from '@federa/kit';
import type { Clock, Random } from '@federa/saml';
import type { Config } from './config.ts';
import type { Db } from './db/db.ts';
import type { Schema } from './db/schema.ts';
import type { Mailer } from './mail/mailer.ts';

/** What every service and route handler of the Workspace is given (built once by `buildApp`). */
export interface Context {
  /** The configuration cache's database (its writes to cached tables empty the cache at once). */
  db: Db;
  /** Organizations and providers kept in memory (db/config-cache.ts). */
  cache: ConfigCache<Schema>;
  config: Config;
  clock: Clock;
  random: Random;
  logger: Logger;
  mailer: Mailer;
  brand: Brand;
}

export const BRAND: Brand = { key: 'ws', name: 'Federa Workspace', home: '/' };

/** The current instant as ISO-8601 text (how instants are stored). */
export const nowIso = (clock: Clock): string => clock.now().toISOString();

export const addSeconds = (date: Date, seconds: number): Date => new Date(date.getTime() + seconds * 1000);
