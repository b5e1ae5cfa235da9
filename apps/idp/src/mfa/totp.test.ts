import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matchingStep, normalizeCode, timeStep, totpCode, totpKeyOf, totpKeyText, totpUri } from './totp.ts';

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890"; the 8-digit codes
// end in the 6-digit ones (HOTP truncation is modulo 10^digits).
const RFC_KEY = new TextEncoder().encode('12345678901234567890');

describe('TOTP (RFC 6238)', () => {
  test('gives the RFC 6238 test vectors for SHA-1, truncated to 6 digits', () => {
    assert.equal(totpCode(RFC_KEY, timeStep(new Date(59_000))), '287082');
    assert.equal(totpCode(RFC_KEY, timeStep(new Date(1111111109_000))), '081804');
    assert.equal(totpCode(RFC_KEY, timeStep(new Date(1234567890_000))), '005924');
    assert.equal(totpCode(RFC_KEY, timeStep(new Date(20000000000_000))), '353130');
  });

  test('accepts the code of the current step and of one step either side, not two', () => {
    const at = new Date('2026-03-02T09:00:10Z');
    const now = timeStep(at);
    for (const offset of [-1, 0, 1]) {
      assert.equal(matchingStep(RFC_KEY, totpCode(RFC_KEY, now + offset), at, null), now + offset);
    }
    for (const offset of [-2, 2, 10]) {
      assert.equal(matchingStep(RFC_KEY, totpCode(RFC_KEY, now + offset), at, null), null);
    }
  });

  test('refuses a code whose step is not later than the last one used', () => {
    const at = new Date('2026-03-02T09:00:10Z');
    const now = timeStep(at);
    assert.equal(matchingStep(RFC_KEY, totpCode(RFC_KEY, now), at, now), null);
    assert.equal(matchingStep(RFC_KEY, totpCode(RFC_KEY, now - 1), at, now - 1), null);
    assert.equal(matchingStep(RFC_KEY, totpCode(RFC_KEY, now + 1), at, now), now + 1);
  });

  test('reads a typed code with spaces, and nothing else', () => {
    assert.equal(normalizeCode(' 123 456 '), '123456');
    assert.equal(normalizeCode('12345'), null);
    assert.equal(normalizeCode('12345a'), null);
    assert.equal(normalizeCode('1234567'), null);
  });

  test('writes the otpauth URI with the issuer, the account and the base32 key, and the key round-trips as text', () => {
    const uri = new URL(totpUri('Contoso', 'B.Simon@contoso.com', RFC_KEY));
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.host, 'totp');
    assert.equal(decodeURIComponent(uri.pathname), '/Contoso:B.Simon@contoso.com');
    assert.equal(uri.searchParams.get('issuer'), 'Contoso');
    assert.equal(uri.searchParams.get('secret'), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    assert.equal(uri.searchParams.get('digits'), '6');
    assert.equal(uri.searchParams.get('period'), '30');
    assert.equal(uri.searchParams.get('algorithm'), 'SHA1');
    assert.deepEqual(totpKeyOf(totpKeyText(RFC_KEY)), RFC_KEY);
  });
});
