import type { Clock, Random } from '@federa/saml';
import type { IdpConfig } from './config.ts';
import type { Db } from './db/schema.ts';

/** What services need: the database (or a transaction), time, randomness and configuration. */
export interface Deps {
  db: Db;
  clock: Clock;
  random: Random;
  config: IdpConfig;
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
