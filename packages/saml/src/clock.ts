import { randomBytes } from 'node:crypto';

/** Time, injected so that validation is deterministic in tests and in `federa-saml --now`. */
export interface Clock {
  now(): Date;
}

/** Randomness, injected for the same reason. */
export interface Random {
  /** A SAML ID: an NCName (starts with a letter or underscore) carrying at least 128 bits of entropy. */
  id(): string;
}

export const systemClock: Clock = { now: () => new Date() };

export const systemRandom: Random = {
  // SAML Core §1.3.4: identifiers must not be guessable; xs:ID must be an NCName, so prefix '_'.
  id: () => `_${randomBytes(20).toString('hex')}`,
};

/**
 * A clock stopped at `iso`: for tests, and for checking a captured response at the time it was issued.
 *
 * @example
 * validateResponse(xml, { ...options, clock: fixedClock('2021-04-09T12:53:31Z') });
 */
export function fixedClock(iso: string | Date): Clock {
  const at = new Date(iso);
  return { now: () => new Date(at) };
}

/**
 * SAML timestamps: xs:dateTime in UTC with millisecond precision (Entra writes `…T12:53:30.562Z`).
 *
 * @example
 * toSamlInstant(new Date(0)); // '1970-01-01T00:00:00.000Z'
 */
export function toSamlInstant(date: Date): string {
  return date.toISOString();
}

/** Parses an xs:dateTime; only UTC ('Z' or +00:00 offsets are accepted by Date) values that make a real date. */
export function parseSamlInstant(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
