import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS, startIdp } from '../../test/support/harness.ts';
import { seedContoso } from '../../test/support/seed.ts';
import { consumeTotpStep, userMfaOf } from './methods.repository.ts';

for (const dialect of DIALECTS) {
  describe(`TOTP time-steps on ${dialect}`, () => {
    test('a time-step is consumed once per user, and never one earlier than the last', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const { simon, other } = await seedContoso(idp.deps);
      const at = idp.clock.now().toISOString();
      assert.equal(await consumeTotpStep(idp.deps.db, simon.id, 100, at), true);
      assert.equal(await consumeTotpStep(idp.deps.db, simon.id, 100, at), false, 'the same step again');
      assert.equal(await consumeTotpStep(idp.deps.db, simon.id, 99, at), false, 'an earlier step');
      assert.equal(await consumeTotpStep(idp.deps.db, other.id, 100, at), true, 'another user’s own count');
      // Two attempts with the same code at once: exactly one wins.
      const both = await Promise.all([
        consumeTotpStep(idp.deps.db, simon.id, 101, at),
        consumeTotpStep(idp.deps.db, simon.id, 101, at),
      ]);
      assert.deepEqual(both.sort(), [false, true]);
      assert.equal((await userMfaOf(idp.deps.db, simon.id)).totpLastStep, 101);
    });
  });
}
