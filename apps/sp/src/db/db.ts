import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

/** The database or a transaction: repositories take either. */
export type Db = Kysely<Schema>;

/**
 * A unique or primary-key violation, on either dialect: PostgreSQL's SQLSTATE 23505, SQLite's
 * SQLITE_CONSTRAINT_UNIQUE (2067) / SQLITE_CONSTRAINT_PRIMARYKEY (1555) as node:sqlite reports them.
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; errcode?: number; message?: string } | null;
  if (!e) return false;
  if (e.code === '23505') return true;
  if (e.errcode === 2067 || e.errcode === 1555) return true;
  return /UNIQUE constraint failed|PRIMARY KEY constraint failed/.test(e.message ?? '');
}

export const toBool = (value: number): boolean => value === 1;
export const fromBool = (value: boolean): number => (value ? 1 : 0);
