import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import {
  acceptsAsBSimon,
  fixture,
  NOW,
  REQUEST_ID,
  rejectsWith,
  validate,
} from '../support/response-fixture.ts';

/**
 * DESIGN.md baseline 7 and 8: a genuine, correctly signed response is still refused when it is for
 * someone else, from someone else, not a success, outside its time window, or not an answer to a
 * request pending in this browser session.
 */

const valid = () => fixture('response.assertion-signed', 'valid');
const MINUTE = 60_000;
/** `ms` after the instant the fixtures were issued. */
const at = (ms: number) => fixedClock(new Date(Date.parse(NOW) + ms));

describe('meant for this SP, from this IdP', () => {
  test("rejects an assertion whose Audience is another SP's entity ID", async () => {
    await rejectsWith(validate(fixture('response.audience-other-sp')), 'AUDIENCE_MISMATCH');
  });

  test("rejects an assertion whose Recipient is another organization's ACS", async () => {
    await rejectsWith(validate(fixture('response.recipient-other-acs')), 'RECIPIENT_MISMATCH');
  });

  test("rejects a response whose Destination is another organization's ACS", async () => {
    await rejectsWith(validate(fixture('response.destination-other-acs')), 'DESTINATION_MISMATCH');
  });

  test('rejects a signed response without Destination', async () => {
    await rejectsWith(
      validate(fixture('response.response-signed.destination-absent')),
      'DESTINATION_MISMATCH',
    );
  });

  test('rejects a response whose own Issuer is another IdP', async () => {
    await rejectsWith(validate(fixture('response.issuer-other.response')), 'ISSUER_MISMATCH');
  });

  test('rejects an assertion issued by another IdP entity, even under the right Response Issuer', async () => {
    await rejectsWith(validate(fixture('response.issuer-other.assertion')), 'ISSUER_MISMATCH');
  });
});

describe('Status Success before anything else', () => {
  test('rejects a Requester status', async () => {
    await rejectsWith(validate(fixture('response.status-requester')), 'RESPONSE_STATUS_NOT_SUCCESS');
  });

  test('rejects a top-level Responder status with a nested Success', async () => {
    await rejectsWith(
      validate(fixture('response.status-responder-nested-success')),
      'RESPONSE_STATUS_NOT_SUCCESS',
    );
  });

  test('rejects a response without Status', async () => {
    await rejectsWith(validate(fixture('response.status-absent')), 'RESPONSE_STATUS_NOT_SUCCESS');
  });
});

describe('time windows, with at most three minutes of skew', () => {
  // Issued at NOW: NotBefore = NOW − 5 min; NotOnOrAfter (Conditions and confirmation) = NOW + 60 min.
  const notBefore = -5 * MINUTE;
  const notOnOrAfter = 60 * MINUTE;
  const skew = 3 * MINUTE;

  test('accepts the response at the instant it was issued', async () => {
    await acceptsAsBSimon(valid());
  });

  test('rejects an assertion whose NotBefore is more than three minutes in the future', async () => {
    await rejectsWith(validate(valid(), { clock: at(notBefore - skew - 1) }), 'NOT_YET_VALID');
  });

  test('accepts an assertion whose NotBefore is within three minutes in the future', async () => {
    await acceptsAsBSimon(valid(), { clock: at(notBefore - skew) });
  });

  test('rejects an assertion expired more than three minutes ago', async () => {
    await rejectsWith(validate(valid(), { clock: at(notOnOrAfter + skew) }), 'EXPIRED');
  });

  test('accepts an assertion expired less than three minutes ago', async () => {
    await acceptsAsBSimon(valid(), { clock: at(notOnOrAfter + skew - 1) });
  });

  test('caps a configured skew of ten minutes at three', async () => {
    await rejectsWith(
      validate(valid(), { clock: at(notOnOrAfter + skew), clockSkewSeconds: 600 }),
      'EXPIRED',
    );
    await rejectsWith(
      validate(valid(), { clock: at(notBefore - skew - 1), clockSkewSeconds: 600 }),
      'NOT_YET_VALID',
    );
  });

  test('applies no skew when configured with none', async () => {
    await rejectsWith(validate(valid(), { clock: at(notOnOrAfter), clockSkewSeconds: 0 }), 'EXPIRED');
    await rejectsWith(validate(valid(), { clock: at(notBefore - 1), clockSkewSeconds: 0 }), 'NOT_YET_VALID');
  });

  // A skew read from a malformed setting (Number('3 min') is NaN) must not switch the time checks off.
  test('still checks the time window when the configured skew is not a number', async () => {
    await rejectsWith(
      validate(valid(), { clock: at(notOnOrAfter + skew), clockSkewSeconds: Number.NaN }),
      'EXPIRED',
    );
    await rejectsWith(
      validate(valid(), { clock: at(notBefore - skew - 1), clockSkewSeconds: Number.NaN }),
      'NOT_YET_VALID',
    );
  });
});

describe('an answer to a request pending in this browser session', () => {
  test('accepts the response to the pending request', async () => {
    const result = await acceptsAsBSimon(valid());
    assert.equal(result.inResponseTo, REQUEST_ID);
  });

  test('rejects a response to a request pending in another session', async () => {
    await rejectsWith(
      validate(valid(), { pendingRequestIds: ['_0b7e3c2a9f1d4e6a8c5b0d2f4e6a8c1b3d5f7a9e'] }),
      'IN_RESPONSE_TO_MISMATCH',
    );
  });

  test('rejects a solicited response when this session has no pending request', async () => {
    await rejectsWith(validate(valid(), { pendingRequestIds: [] }), 'IN_RESPONSE_TO_UNEXPECTED');
  });

  test('rejects an envelope whose InResponseTo differs from the signed assertion’s', async () => {
    await rejectsWith(
      validate(fixture('response.in-response-to-envelope-differs')),
      'IN_RESPONSE_TO_MISMATCH',
    );
  });

  test('rejects an unsolicited response where IdP-initiated sign-in is not allowed', async () => {
    await rejectsWith(validate(fixture('response.unsolicited', 'valid')), 'UNSOLICITED_NOT_ALLOWED');
  });

  test('accepts an unsolicited response where IdP-initiated sign-in is allowed', async () => {
    const result = await acceptsAsBSimon(fixture('response.unsolicited', 'valid'), {
      allowUnsolicited: true,
    });
    assert.equal(result.inResponseTo, null);
  });

  // Fails without the fix in src/protocol/response.ts: the unsigned envelope made it solicited.
  test('rejects an unsolicited assertion whose unsigned envelope claims to answer the pending request', async () => {
    await rejectsWith(
      validate(fixture('response.unsolicited.in-response-to-added')),
      'UNSOLICITED_NOT_ALLOWED',
    );
  });

  test('treats such a response as unsolicited (InResponseTo null) where unsolicited is allowed', async () => {
    const result = await acceptsAsBSimon(fixture('response.unsolicited.in-response-to-added'), {
      allowUnsolicited: true,
    });
    assert.equal(result.inResponseTo, null);
  });

  test('accepts InResponseTo carried only by a signed Response', async () => {
    const result = await acceptsAsBSimon(
      fixture('response.response-signed.in-response-to-on-response-only', 'valid'),
    );
    assert.equal(result.inResponseTo, REQUEST_ID);
  });
});
