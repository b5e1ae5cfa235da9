import { parseSamlInstant } from '../clock.ts';
import { SamlError } from '../errors.ts';

/** DESIGN.md baseline 7: clocks may disagree by at most three minutes, whatever a caller asks for. */
export const CLOCK_SKEW_SECONDS = 180;

/** The skew to apply, in milliseconds: what the caller asked for, never more than three minutes. */
export function skewMs(requestedSeconds?: number): number {
  const requested = requestedSeconds ?? CLOCK_SKEW_SECONDS;
  // NaN (a malformed setting) would make every time comparison false, switching the checks off.
  const seconds = Number.isNaN(requested) ? CLOCK_SKEW_SECONDS : requested;
  return Math.max(0, Math.min(seconds, CLOCK_SKEW_SECONDS)) * 1000;
}

export function readInstant(value: string | null, what: string): Date | null {
  if (value === null) return null;
  const date = parseSamlInstant(value);
  if (!date) throw new SamlError('XML_SCHEMA_INVALID', `The ${what} is not a valid UTC timestamp.`);
  return date;
}

/** `now` must be at or after `notBefore` (less the skew): else NOT_YET_VALID. */
export function checkNotBefore(notBefore: Date | null, now: Date, skewMs: number, what: string): void {
  if (notBefore && now.getTime() + skewMs < notBefore.getTime()) {
    throw new SamlError(
      'NOT_YET_VALID',
      `The ${what} is not valid until ${notBefore.toISOString()}; check that the IdP's and this server's clocks are right.`,
      { notBefore: notBefore.toISOString(), now: now.toISOString() },
    );
  }
}

/** `now` must be before `notOnOrAfter` (plus the skew): else EXPIRED. */
export function checkNotOnOrAfter(notOnOrAfter: Date | null, now: Date, skewMs: number, what: string): void {
  if (notOnOrAfter && now.getTime() - skewMs >= notOnOrAfter.getTime()) {
    throw new SamlError(
      'EXPIRED',
      `The ${what} expired at ${notOnOrAfter.toISOString()}. Sign in again; if it keeps happening, check the clocks.`,
      { notOnOrAfter: notOnOrAfter.toISOString(), now: now.toISOString() },
    );
  }
}
