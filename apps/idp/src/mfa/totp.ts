import { decodeBase32IgnorePadding, encodeBase32NoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP, verifyHOTP } from '@oslojs/otp';

// RFC 6238 with the authenticator-app profile every app reads: HMAC-SHA-1, 6 digits, 30-second steps.
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** RFC 6238 §5.2: one step either side, for clock drift and the time it takes to type. */
export const TOTP_WINDOW_STEPS = 1;
/** RFC 4226 §4 asks for at least 128 bits, recommends 160. */
const SECRET_BYTES = 20;

/** A new random TOTP key. */
export function newTotpKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
}

/** The key as authenticator apps take it typed in: base32 without padding, in groups of four. */
export function totpKeyText(key: Uint8Array): string {
  return encodeBase32NoPadding(key).replace(/(.{4})(?=.)/g, '$1 ');
}

/** A key as `totpKeyText` wrote it (or an app shows it). */
export function totpKeyOf(text: string): Uint8Array {
  return decodeBase32IgnorePadding(text.replace(/\s+/g, '').toUpperCase());
}

/** `otpauth://totp/{issuer}:{account}?secret=…&issuer=…` (Google Authenticator's Key Uri Format). */
export function totpUri(issuer: string, account: string, key: Uint8Array): string {
  return createTOTPKeyURI(issuer, account, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** The RFC 6238 time-step of an instant (T = floor(unix time / 30)). */
export function timeStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code of a time-step (for tests and the first-code check). */
export function totpCode(key: Uint8Array, step: number): string {
  return generateHOTP(key, BigInt(step), TOTP_DIGITS);
}

/** A typed code: digits only, spaces allowed (apps show "123 456"). */
export function normalizeCode(typed: string): string | null {
  const code = typed.replace(/\s+/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

/**
 * The time-step a code belongs to, within ±1 step of `at` and after `lastStep` (a code is accepted
 * once: RFC 6238 §5.2 "the verifier MUST NOT accept the second attempt of the OTP after the successful
 * validation has been issued for the first OTP"); null when it matches none.
 */
export function matchingStep(
  key: Uint8Array,
  code: string,
  at: Date,
  lastStep: number | null,
): number | null {
  const now = timeStep(at);
  for (let step = now - TOTP_WINDOW_STEPS; step <= now + TOTP_WINDOW_STEPS; step++) {
    if (lastStep !== null && step <= lastStep) continue;
    if (verifyHOTP(key, BigInt(step), TOTP_DIGITS, code)) return step;
  }
  return null;
}
