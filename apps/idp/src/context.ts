import type { ConfigCache } from '@federa/kit';
import type { Clock, Random } from '@federa/saml';
import type { IdpConfig } from './config.ts';
import type { Db, IdpDatabase } from './db/schema.ts';

/** What services need: the database (or a transaction), time, randomness and configuration. */
export interface Deps {
  db: Db;
  clock: Clock;
  random: Random;
  config: IdpConfig;
}

/**
 * What request handlers have besides: the cache sign-ins read the configuration through
 * (`sso/sign-in-config.ts`). `db` is the cache's, so that the handlers' own writes empty it.
 */
export interface AppDeps extends Deps {
  cache: ConfigCache<IdpDatabase>;
}

/** Who does an admin change, for the audit log. `id` null: the system (CLI, seed script). */
export interface Actor {
  id: string | null;
  name: string;
  correlationId: string | null;
}

export const SYSTEM_ACTOR: Actor = { id: null, name: 'Federa Directory (system)', correlationId: null };

export const nowIso = (deps: { clock: Clock }): string => deps.clock.now().toISOString();

export function newId(): string {
  return crypto.randomUUID();
}

export function withDb(deps: Deps, db: Db): Deps {
  return { ...deps, db };
}
