// A Directory instance killed in the middle of a provisioning cycle, on PostgreSQL with two instances:
// its lease expires, the other instance takes the cycle over and finishes it; every user in scope is
// created in the target once, none twice (what was synced is recorded per user as soon as the target
// answers, and a user whose answer was lost is found again by userName before anything is sent).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type IdpDatabase,
  listApplications,
  loadConfig,
  SYSTEM_ACTOR,
  saveProvisioningSettings,
} from '@federa/idp';
import { connectDatabase } from '@federa/kit';
import { systemClock, systemRandom } from '@federa/saml';
import { type FakeScim, startFakeScim } from '../../apps/idp/src/provisioning/test-support/fake-scim.ts';
import { type Cluster, startCluster } from '../support/cluster.ts';

const USERS = 60;

async function until(
  condition: () => Promise<boolean> | boolean,
  seconds: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`${what} did not happen within ${seconds} seconds`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('a Directory instance killed mid-cycle, on PostgreSQL', { timeout: 300_000 }, () => {
  let cluster: Cluster | null = null;
  let scim: FakeScim | null = null;

  before(async () => {
    // Slow answers, so that the cycle is in the middle when the instance dies.
    scim = await startFakeScim({ delayMs: 40 });
    cluster = await startCluster({
      dialect: 'postgres',
      postgresUrl: process.env.TEST_POSTGRES_URL,
      idpInstances: 2,
      spInstances: 1,
      users: USERS,
      env: { IDP_ALLOW_LOOPBACK_SCIM: 'true' },
    });
  });

  after(async () => {
    await cluster?.stop();
    await scim?.close();
  });

  test('the other instance finishes the cycle: every user created once, nothing sent twice, nothing lost', async () => {
    assert.ok(cluster && scim, 'the services did not start');
    const { config } = loadConfig({ ...process.env, ...cluster.idp.env[0] });
    const database = connectDatabase<IdpDatabase>(cluster.idp.databaseUrl);
    try {
      const deps = { db: database.db, clock: systemClock, random: systemRandom, config };
      const [app] = await listApplications(database.db, cluster.tenantId);
      await saveProvisioningSettings(deps, SYSTEM_ACTOR, cluster.tenantId, app!.id, {
        mode: 'automatic',
        tenantUrl: scim.url,
        secretToken: scim.token,
        scope: 'assigned',
        provisionGroups: false,
        statusOn: true,
        notifyOnFailure: false,
      });
      const posts = () => scim!.requests.filter((r) => r.method === 'POST');
      await until(() => posts().length >= 10, 30, 'the cycle starting');
      // The instance holding the lease is named in it (host:pid:id): that one dies.
      const lease = await database.db.selectFrom('provisioning_leases').selectAll().executeTakeFirstOrThrow();
      const pid = Number(lease.holder.split(':')[1]);
      const victim = cluster.idp.running.find((r) => r.process.pid === pid);
      assert.ok(victim, `the lease holder ${lease.holder} is one of the instances`);
      await victim.kill();
      const atKill = posts().length;
      assert.ok(atKill < USERS + 1, 'killed in the middle of the cycle');

      // The lease expires (60 s) and the other instance finishes the cycle.
      await until(
        () => new Set(posts().map((r) => (r.body as { externalId: string }).externalId)).size === USERS + 1,
        150,
        'every user in scope created',
      );
      const externalIds = posts().map((r) => (r.body as { externalId: string }).externalId);
      assert.equal(externalIds.length, USERS + 1, 'no user created twice');
      await until(
        async () =>
          (await database.db.selectFrom('provisioning_objects').select('source_id').execute()).length ===
          USERS + 1,
        30,
        'every link recorded',
      );
      const job = await database.db
        .selectFrom('provisioning_configs')
        .select(['last_cycle_summary', 'quarantined_at'])
        .executeTakeFirstOrThrow();
      assert.equal(job.quarantined_at, null, 'a crash is not a failure of the target');
    } finally {
      await database.close();
    }
  });
});
