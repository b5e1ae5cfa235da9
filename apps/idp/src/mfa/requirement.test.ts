import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mfaSatisfied } from '../signin/mfa-gate.ts';
import type { SessionAuth } from '../signin/session-auth.ts';
import { NO_MFA_REQUIRED } from './requirement.ts';

const password: SessionAuth = {
  userId: 'u',
  tenantId: 't',
  authnInstant: '2026-03-02T09:00:00.000Z',
  sessionIndex: '_s',
  methods: [{ method: 'password', at: '2026-03-02T09:00:00.000Z' }],
  mfaAt: null,
};
const withCode: SessionAuth = {
  ...password,
  methods: [...password.methods!, { method: 'totp', at: '2026-03-02T09:00:10.000Z' }],
  mfaAt: '2026-03-02T09:00:10.000Z',
};
const required = { ...NO_MFA_REQUIRED, required: true, reason: 'perUserMfa' as const };

describe('whether a session meets the MFA requirement', () => {
  test('nothing required: any session', () => {
    assert.equal(mfaSatisfied(password, NO_MFA_REQUIRED), true);
  });
  test('MFA required: a session with a second factor, not a password-only one', () => {
    assert.equal(mfaSatisfied(password, required), false);
    assert.equal(mfaSatisfied(withCode, required), true);
  });
  test('a skipped registration counts only while security defaults still allow skipping', () => {
    const skipped = { ...password, registrationSkipped: true };
    const skippable = {
      ...required,
      reason: 'securityDefaults' as const,
      registrationSkippableUntil: '2026-03-16T09:00:00.000Z',
    };
    assert.equal(mfaSatisfied(skipped, skippable), true);
    assert.equal(mfaSatisfied(skipped, { ...skippable, registrationSkippableUntil: null }), false);
    assert.equal(mfaSatisfied(skipped, required), false);
  });
  test('phishing-resistant MFA is not met by a verification code', () => {
    assert.equal(mfaSatisfied(withCode, { ...required, phishingResistant: true }), false);
  });
});
