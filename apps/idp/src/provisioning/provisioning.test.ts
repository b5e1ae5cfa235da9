// The Provisioning blade, the lease, the address guard, quarantine, the change trigger, and the Secret
// Token kept out of every log, page and audit entry.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS, startIdp, TEST_ACTOR } from '../../test/support/harness.ts';
import { seedContoso } from '../../test/support/seed.ts';
import { listAssignments } from '../assignments/assignments.repository.ts';
import { assign, unassign } from '../assignments/assignments.service.ts';
import { findProvisioningConfig, latestDirectoryChange } from './config.repository.ts';
import { isDue, runProvisioningCycle } from './cycle.ts';
import { acquireLease, LEASE_SECONDS, releaseLease } from './lease.ts';
import {
  provisionOnDemand,
  saveProvisioningSettings,
  testProvisioningConnection,
} from './provisioning.service.ts';
import { afterCycle } from './quarantine.ts';
import { runDueCycles } from './scheduler.ts';
import { startFakeScim } from './test-support/fake-scim.ts';

const settings = (tenantUrl: string, secretToken: string) => ({
  mode: 'automatic' as const,
  tenantUrl,
  secretToken,
  scope: 'assigned' as const,
  provisionGroups: true,
  statusOn: true,
  notifyOnFailure: true,
});

for (const dialect of DIALECTS) {
  describe(`automatic provisioning on ${dialect}`, () => {
    test('two cycles at once for one application: one runs, the other finds the lease held', async (c) => {
      const idp = await startIdp(dialect);
      const scim = await startFakeScim({ delayMs: 150 });
      c.after(async () => {
        await idp.close();
        await scim.close();
      });
      idp.deps.config.allowLoopbackScim = true;
      const contoso = await seedContoso(idp.deps);
      await saveProvisioningSettings(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        contoso.app.id,
        settings(scim.url, scim.token),
      );
      const [a, b] = await Promise.all([
        runProvisioningCycle(idp.deps, contoso.app.id, { holder: 'instance-a' }),
        runProvisioningCycle(idp.deps, contoso.app.id, { holder: 'instance-b' }),
      ]);
      assert.deepEqual([a.ran, b.ran].sort(), [false, true]);
      const waited = a.ran ? b : a;
      assert.equal(!waited.ran && waited.reason, 'LEASE_HELD');
      assert.equal(scim.requests.filter((r) => r.method === 'POST').length, 1, 'B.Simon created once');

      // The lease: held until it expires, then another instance takes it over (a crashed holder).
      const now = new Date('2026-03-02T10:00:00Z');
      assert.equal(await acquireLease(idp.deps.db, contoso.app.id, 'x', now), true);
      assert.equal(await acquireLease(idp.deps.db, contoso.app.id, 'y', now), false);
      const later = new Date(now.getTime() + (LEASE_SECONDS + 1) * 1000);
      assert.equal(await acquireLease(idp.deps.db, contoso.app.id, 'y', later), true);
      await releaseLease(idp.deps.db, contoso.app.id, 'y');
    });

    test('a cycle cut short resumes in the next one: what was sent is not sent again, nothing is lost', async (c) => {
      const idp = await startIdp(dialect);
      const scim = await startFakeScim({ dropPostNumber: 2 });
      c.after(async () => {
        await idp.close();
        await scim.close();
      });
      idp.deps.config.allowLoopbackScim = true;
      const contoso = await seedContoso(idp.deps);
      await assign(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        principalType: 'user',
        principalId: contoso.other.id,
      });
      await assign(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        principalType: 'user',
        principalId: contoso.admin.id,
      });
      await saveProvisioningSettings(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        contoso.app.id,
        settings(scim.url, scim.token),
      );
      const cut = await runProvisioningCycle(idp.deps, contoso.app.id, { holder: 'instance-a' });
      assert.ok(cut.ran);
      assert.equal(cut.fatal?.code, 'CONNECTION_FAILED');
      assert.equal(cut.summary.created, 1);
      // Another instance (the quarantine's retry waits; a restart of the job does not forget links).
      await idp.deps.db
        .updateTable('provisioning_configs')
        .set({ quarantined_at: null, next_run_at: null })
        .execute();
      const resumed = await runProvisioningCycle(idp.deps, contoso.app.id, { holder: 'instance-b' });
      assert.ok(resumed.ran && !resumed.fatal);
      const created = scim.requests
        .filter((r) => r.method === 'POST')
        .map((r) => (r.body as { externalId: string }).externalId);
      // The dropped POST is sent again (its answer never came); the first user is not.
      assert.equal(created.length, 4);
      assert.deepEqual(new Set(created), new Set([contoso.simon.id, contoso.other.id, contoso.admin.id]));
      assert.equal(created.filter((id) => id === created[0]).length, 1);
      const gets = scim.requests.filter((r) => r.method === 'GET').length;
      assert.equal(gets, 4, 'each user not yet linked is looked up by userName once per attempt');
    });

    test('a link-local Tenant URL is refused (Test Connection and the cycle), and the job is quarantined', async (c) => {
      const idp = await startIdp(dialect);
      c.after(() => idp.close());
      idp.deps.config.allowLoopbackScim = true;
      const contoso = await seedContoso(idp.deps);
      const metadataService = 'http://169.254.169.254/scim/v2/';
      const tested = await testProvisioningConnection(idp.deps, contoso.tenant.id, contoso.app.id, {
        tenantUrl: metadataService,
        secretToken: 'anything',
      });
      assert.equal(tested.ok, false);
      assert.equal(!tested.ok && tested.code, 'ADDRESS_FORBIDDEN');
      // IPv6 link-local and an IPv4-mapped spelling too.
      for (const url of ['http://[fe80::1]/scim/', 'http://[::ffff:a9fe:a9fe]/scim/']) {
        const other = await testProvisioningConnection(idp.deps, contoso.tenant.id, contoso.app.id, {
          tenantUrl: url,
          secretToken: 'x',
        });
        assert.equal(!other.ok && other.code, 'ADDRESS_FORBIDDEN', url);
      }
      await saveProvisioningSettings(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        contoso.app.id,
        settings(metadataService, 'anything'),
      );
      const outcome = await runProvisioningCycle(idp.deps, contoso.app.id, { holder: 'test' });
      assert.ok(outcome.ran);
      assert.equal(outcome.fatal?.code, 'ADDRESS_FORBIDDEN');
      const config = await findProvisioningConfig(idp.deps.db, contoso.app.id);
      assert.ok(config?.quarantinedAt, 'quarantined at once');
      assert.match(config?.quarantineReason ?? '', /^EncounteredQuarantineException: .*link-local/);
      // Loopback is refused too unless IDP_ALLOW_LOOPBACK_SCIM is on.
      idp.deps.config.allowLoopbackScim = false;
      const loopback = await testProvisioningConnection(idp.deps, contoso.tenant.id, contoso.app.id, {
        tenantUrl: 'http://127.0.0.1:9/scim/',
        secretToken: 'x',
      });
      assert.equal(!loopback.ok && loopback.code, 'ADDRESS_FORBIDDEN');
    });

    test('an unassignment makes the next cycle due at once; between changes nothing is due until the interval', async (c) => {
      const idp = await startIdp(dialect);
      const scim = await startFakeScim();
      c.after(async () => {
        await idp.close();
        await scim.close();
      });
      idp.deps.config.allowLoopbackScim = true;
      const contoso = await seedContoso(idp.deps);
      await saveProvisioningSettings(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        contoso.app.id,
        settings(scim.url, scim.token),
      );
      assert.equal(await runDueCycles(idp.deps, 'instance', null), 1, 'the initial cycle');
      assert.equal(await runDueCycles(idp.deps, 'instance', null), 0, 'nothing changed');
      const [assignment] = await listAssignments(idp.deps.db, contoso.app.id);
      await unassign(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, assignment!.id);
      const config = await findProvisioningConfig(idp.deps.db, contoso.app.id);
      assert.ok(
        isDue(config!, await latestDirectoryChange(idp.deps.db, contoso.tenant.id), idp.deps.clock.now()),
      );
      assert.equal(await runDueCycles(idp.deps, 'instance', null), 1);
      const patch = scim.requests.filter((r) => r.method === 'PATCH').at(-1);
      assert.deepEqual(patch?.body, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
      });
      idp.clock.advance(2400);
      assert.equal(await runDueCycles(idp.deps, 'instance', null), 1, 'the interval has passed');
    });

    test('provision on demand shows the steps: import, scope, match, action', async (c) => {
      const idp = await startIdp(dialect);
      const scim = await startFakeScim();
      c.after(async () => {
        await idp.close();
        await scim.close();
      });
      idp.deps.config.allowLoopbackScim = true;
      const contoso = await seedContoso(idp.deps);
      await saveProvisioningSettings(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        ...settings(scim.url, scim.token),
        statusOn: false,
      });
      const outcome = await provisionOnDemand(
        idp.deps,
        contoso.tenant.id,
        contoso.app.id,
        contoso.simon.id,
        null,
      );
      assert.deepEqual(
        outcome.steps.map((s) => s.name),
        ['Import user', 'Determine if in scope', 'Match user', 'Perform action'],
      );
      assert.equal(outcome.action, 'create');
      assert.equal(outcome.status, 'success');
      assert.equal(outcome.targetId, 't-1');
      const unassigned = await provisionOnDemand(
        idp.deps,
        contoso.tenant.id,
        contoso.app.id,
        contoso.other.id,
        null,
      );
      assert.equal(unassigned.action, 'skip');
      assert.match(unassigned.steps[1]?.result ?? '', /Not assigned/);
    });
  });
}

describe('quarantine (Entra’s backoff)', () => {
  test('bad credentials quarantine at once; retries at +6 h, +12 h, +24 h, then daily; off after four weeks', () => {
    const base = {
      consecutiveFailures: 0,
      quarantinedAt: null,
      quarantineReason: null,
      nextRunAt: null,
      statusOn: true,
    };
    const config = base as never;
    const fatal = { code: 'HTTP_STATUS', status: 401, message: '401 Authentication failed.' } as never;
    const t0 = new Date('2026-03-02T00:00:00Z');
    const first = afterCycle(config, { attempted: 1, failed: 1, fatal }, t0, 2400);
    assert.equal(first.entered, true);
    assert.equal(first.nextRunAt, '2026-03-02T06:00:00.000Z');
    const at = (hours: number) => new Date(t0.getTime() + hours * 3600 * 1000);
    const q = { ...base, quarantinedAt: first.quarantinedAt, consecutiveFailures: 1 } as never;
    assert.equal(
      afterCycle(q, { attempted: 1, failed: 1, fatal }, at(6), 2400).nextRunAt,
      '2026-03-02T18:00:00.000Z',
    );
    assert.equal(
      afterCycle(q, { attempted: 1, failed: 1, fatal }, at(18), 2400).nextRunAt,
      '2026-03-03T18:00:00.000Z',
    );
    assert.equal(
      afterCycle(q, { attempted: 1, failed: 1, fatal }, at(42), 2400).nextRunAt,
      '2026-03-04T18:00:00.000Z',
    );
    const off = afterCycle(q, { attempted: 1, failed: 1, fatal }, at(29 * 24), 2400);
    assert.equal(off.statusOn, false);
    assert.equal(off.disabled, true);
    const healed = afterCycle(q, { attempted: 3, failed: 0, fatal: null }, at(7), 2400);
    assert.equal(healed.quarantinedAt, null);
    // A few failed actions: retried next cycle; quarantined after three mostly-failed cycles in a row.
    const mostly = { attempted: 5, failed: 3, fatal: null };
    assert.equal(afterCycle(config, mostly, t0, 2400).quarantinedAt, null);
    assert.ok(afterCycle({ ...base, consecutiveFailures: 2 } as never, mostly, t0, 2400).quarantinedAt);
  });
});
