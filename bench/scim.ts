// `npm run bench -- scim`: the Directory's automatic provisioning into the Workspace over SCIM, both
// services started here as processes on PostgreSQL (test/support/cluster.ts, one instance each).
// N users are created and assigned to the Sentry application in the Directory first; then the
// Workspace's SCIM is enabled and the application's provisioning turned On (as `npm start` seeds it),
// and the bench waits until the initial cycle has made all N members of `acme`: users provisioned per
// second and CPU per user of each process. Then a few users are unassigned through the Directory's
// admin API, one after another, each timed until their membership is suspended in the Workspace
// (the SCIM `active` false arrived): the incremental cycle a change triggers (the scheduler ticks
// every 2 s), not the 40-minute interval.
//
// The N users are inserted with the Directory's repository, all with one argon2id hash: the service
// hashes each password (19 MiB; some 20 ms of CPU and 80 ms here), minutes for 5,000 users that say
// nothing about provisioning. Assignments likewise; nothing reads their audit entries before
// provisioning is on.
//
// Settings (environment): SCIM_BENCH_USERS (default 5000), SCIM_BENCH_UNASSIGNMENTS (default 5),
// SCIM_BENCH_TIMEOUT_SECONDS (the initial cycle at most, default 900; 60 s without a new member
// also gives up).
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  createApiToken,
  type Deps,
  type IdpDatabase,
  loadConfig,
  SYSTEM_ACTOR,
  saveProvisioningSettings,
} from '@federa/idp';
import { connectDatabase, hashPassword, SERVICE_ENVIRONMENT, SERVICE_NODE_OPTIONS } from '@federa/kit';
import { systemClock, systemRandom } from '@federa/saml';
import {
  findOrganizationBySlug,
  findProviderByOrganization,
  issueScimToken,
  type Schema,
  scimBaseUrl,
} from '@federa/sp';
import {
  DEFAULT_ACCESS_ROLE_ID,
  insertAssignment,
} from '../apps/idp/src/assignments/assignments.repository.ts';
import { newId } from '../apps/idp/src/context.ts';
import { insertUser } from '../apps/idp/src/users/users.repository.ts';
import { startPostgres } from '../scripts/postgres.ts';
import {
  type Cluster,
  cpuMs,
  ORGANIZATION,
  PASSWORD,
  postgresCpuMs,
  startCluster,
} from '../test/support/cluster.ts';
import { printFigure } from './measure.ts';

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive whole number, not "${raw}"`);
  return value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How often the bench looks at the Workspace's database: the initial cycle, one unassignment. */
const POLL_INITIAL_MS = 1000;
const POLL_UNASSIGN_MS = 100;
const STALL_MS = 60_000;
const UNASSIGN_TIMEOUT_MS = 60_000;

interface CpuSnapshot {
  directory: number;
  workspace: number;
  postgres: number;
}

function cpuSnapshot(cluster: Cluster, postgresPort: number): CpuSnapshot {
  return {
    directory: cpuMs(cluster.idp.running[0]!.process.pid!),
    workspace: cpuMs(cluster.sp.running[0]!.process.pid!),
    postgres: postgresCpuMs(postgresPort),
  };
}

/** Database statements a service has run so far (its `federa_db_queries_total`). */
async function queries(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^federa_db_queries_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

interface Seeded {
  applicationId: string;
  users: { upn: string; assignmentId: string }[];
}

/** N users in the Directory, each assigned to the Sentry application (Default Access). */
async function seedUsers(deps: Deps, tenantId: string, count: number): Promise<Seeded> {
  const app = await deps.db
    .selectFrom('applications')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  const passwordHash = await hashPassword(PASSWORD);
  const users: Seeded['users'] = [];
  const batch = 500;
  for (let from = 0; from < count; from += batch) {
    await deps.db.transaction().execute(async (trx) => {
      for (let i = from; i < Math.min(count, from + batch); i++) {
        const id = newId();
        const upn = `user${String(i).padStart(5, '0')}@contoso.com`;
        const at = new Date().toISOString();
        await insertUser(trx, {
          id,
          tenantId,
          userPrincipalName: upn,
          displayName: `User ${i}`,
          mail: upn,
          givenName: 'User',
          surname: String(i),
          accountEnabled: true,
          isAdmin: false,
          passwordHash,
          at,
        });
        const assignmentId = newId();
        await insertAssignment(trx, {
          id: assignmentId,
          applicationId: app.id,
          principalType: 'user',
          principalId: id,
          appRoleId: DEFAULT_ACCESS_ROLE_ID,
          at,
        });
        users.push({ upn, assignmentId });
      }
    });
  }
  return { applicationId: app.id, users };
}

export async function benchScim(): Promise<void> {
  const count = setting('SCIM_BENCH_USERS', 5000);
  const unassignments = Math.min(count, setting('SCIM_BENCH_UNASSIGNMENTS', 5));
  const timeoutMs = setting('SCIM_BENCH_TIMEOUT_SECONDS', 900) * 1000;
  console.log(
    `scim: ${count} users assigned in the Directory, then provisioning On; then ${unassignments} unassignments; PostgreSQL, one instance of each service, run with ${SERVICE_NODE_OPTIONS.join(' ')} and ${Object.keys(SERVICE_ENVIRONMENT).join(', ')}; ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const postgres = await startPostgres();
  let cluster: Cluster | null = null;
  const idpDatabase = { current: null as ReturnType<typeof connectDatabase<IdpDatabase>> | null };
  const spDatabase = { current: null as ReturnType<typeof connectDatabase<Schema>> | null };
  try {
    cluster = await startCluster({
      dialect: 'postgres',
      postgresUrl: postgres.url,
      idpInstances: 1,
      spInstances: 1,
      users: 0,
      // The Workspace's SCIM base URL is on localhost.
      env: { IDP_ALLOW_LOOPBACK_SCIM: 'true' },
    });
    const { config: idpConfig } = loadConfig(cluster.idp.env[0]!);
    idpDatabase.current = connectDatabase<IdpDatabase>(cluster.idp.databaseUrl);
    spDatabase.current = connectDatabase<Schema>(cluster.sp.databaseUrl);
    const idpDb = idpDatabase.current.db;
    const spDb = spDatabase.current.db;
    const deps: Deps = { db: idpDb, clock: systemClock, random: systemRandom, config: idpConfig };

    const seedStart = performance.now();
    const seeded = await seedUsers(deps, cluster.tenantId, count);
    // Every user assigned to the application becomes a member: the N, and the seed's B.Simon.
    const expected = Number(
      (
        await idpDb
          .selectFrom('assignments')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('application_id', '=', seeded.applicationId)
          .where('principal_type', '=', 'user')
          .executeTakeFirstOrThrow()
      ).n,
    );
    console.log(
      `scim: ${count} users created and assigned in ${((performance.now() - seedStart) / 1000).toFixed(1)} s (not measured); ${expected} users assigned in all`,
    );

    // Org Settings › Auth › Enable SCIM in the Workspace: its token.
    const org = (await findOrganizationBySlug(spDb, ORGANIZATION))!;
    const provider = (await findProviderByOrganization(spDb, org.id))!;
    const owner = await spDb
      .selectFrom('memberships')
      .select('user_id')
      .where('organization_id', '=', org.id)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow();
    const scimToken = await issueScimToken(spDb, systemClock, {
      organizationId: org.id,
      providerId: provider.id,
      actorUserId: owner.user_id,
    });
    const members = async () =>
      Number(
        (
          await spDb
            .selectFrom('memberships')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('organization_id', '=', org.id)
            .where('user_id', '<>', owner.user_id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const cycleState = () =>
      idpDb
        .selectFrom('provisioning_configs')
        .select(['initial_done', 'last_cycle_summary', 'quarantine_reason', 'consecutive_failures'])
        .where('application_id', '=', seeded.applicationId)
        .executeTakeFirst();

    // The initial cycle: the Provisioning blade saved with status On; the running Directory's
    // scheduler starts the cycle on its next tick.
    const idpUrl = cluster.idp.running[0]!.baseUrl;
    const spUrl = cluster.sp.running[0]!.baseUrl;
    const queriesBefore = { directory: await queries(idpUrl), workspace: await queries(spUrl) };
    const cpuBefore = cpuSnapshot(cluster, postgres.port);
    const startedAt = performance.now();
    const startedAtWall = Date.now();
    await saveProvisioningSettings(deps, SYSTEM_ACTOR, cluster.tenantId, seeded.applicationId, {
      mode: 'automatic',
      tenantUrl: scimBaseUrl(cluster.sp.publicUrl, ORGANIZATION),
      secretToken: scimToken,
      scope: 'assigned',
      provisionGroups: true,
      statusOn: true,
      notifyOnFailure: true,
    });
    let made = 0;
    let lastProgress = startedAt;
    for (;;) {
      await sleep(POLL_INITIAL_MS);
      const now = performance.now();
      const seen = await members();
      if (seen > made) lastProgress = now;
      made = seen;
      if (made >= expected) break;
      const stalled = now - lastProgress > STALL_MS;
      if (stalled || now - startedAt > timeoutMs) {
        const state = await cycleState();
        throw new Error(
          `the initial cycle made ${made} of ${expected} members in ${((now - startedAt) / 1000).toFixed(0)} s, ${
            stalled ? `none in the last ${STALL_MS / 1000} s` : `past SCIM_BENCH_TIMEOUT_SECONDS`
          }; giving up (consecutive failures ${state?.consecutive_failures ?? '?'}, quarantine ${
            state?.quarantine_reason ?? 'none'
          }, last cycle ${state?.last_cycle_summary ?? 'none'}):\n${cluster.idp.running[0]!.output().slice(-2000)}`,
        );
      }
    }
    // From provisioning On to the last membership the Workspace made (its own timestamp, not the poll's).
    const last = await spDb
      .selectFrom('memberships')
      .select((eb) => eb.fn.max('created_at').as('at'))
      .where('organization_id', '=', org.id)
      .where('user_id', '<>', owner.user_id)
      .executeTakeFirstOrThrow();
    const elapsed = (Date.parse(String(last.at)) - startedAtWall) / 1000;
    const cpuAfter = cpuSnapshot(cluster, postgres.port);
    const queriesAfter = { directory: await queries(idpUrl), workspace: await queries(spUrl) };

    printFigure('scim.initial.rate', expected / elapsed, 'users/s', [
      `${expected} members in ${elapsed.toFixed(1)} s from provisioning On to the last one made, scheduler tick 2 s`,
    ]);
    let total = 0;
    for (const key of Object.keys(cpuAfter) as (keyof CpuSnapshot)[]) {
      const perUser = (cpuAfter[key] - cpuBefore[key]) / expected;
      total += perUser;
      console.log(`scim.initial.${key}.cpu: ${perUser.toFixed(2)} ms/user`);
    }
    for (const key of ['directory', 'workspace'] as const) {
      const perUser = (queriesAfter[key] - queriesBefore[key]) / expected;
      console.log(`scim.initial.${key}.queries: ${perUser.toFixed(1)} per user`);
    }
    printFigure('scim.initial.cpu-bound-rate', (2 * 1000) / total, 'users/s', [
      `2 cores ÷ ${total.toFixed(2)} ms of CPU per user in the services and the database; the cycle sends one request at a time`,
    ]);

    // Let the initial cycle record itself, so that each unassignment is an incremental cycle's work.
    const initialDeadline = performance.now() + 60_000;
    let state = await cycleState();
    while (!state?.initial_done) {
      if (performance.now() > initialDeadline)
        throw new Error('the initial cycle made every member but did not finish within 60 s; giving up');
      await sleep(POLL_INITIAL_MS);
      state = await cycleState();
    }
    console.log(`scim.initial.summary: ${state.last_cycle_summary}`);

    // Unassignments through the admin API, each timed until the membership is suspended.
    const { secret } = await createApiToken(deps, SYSTEM_ACTOR, cluster.tenantId, {
      name: 'scim bench',
      lifetimeDays: 7,
    });
    const step = Math.max(1, Math.floor(count / unassignments));
    const latencies: number[] = [];
    for (let k = 0; k < unassignments; k++) {
      const user = seeded.users[Math.min(count - 1, k * step + Math.floor(step / 2))]!;
      const membership = await spDb
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select(['memberships.id', 'memberships.suspended_at'])
        .where('memberships.organization_id', '=', org.id)
        .where('users.email', '=', user.upn)
        .executeTakeFirstOrThrow();
      if (membership.suspended_at !== null) throw new Error(`${user.upn} is suspended before unassignment`);
      const at = performance.now();
      const response = await fetch(
        `${idpUrl}/api/v1/applications/${seeded.applicationId}/assignments/${user.assignmentId}`,
        { method: 'DELETE', headers: { authorization: `Bearer ${secret}` } },
      );
      if (response.status !== 204)
        throw new Error(`unassigning ${user.upn}: HTTP ${response.status} ${await response.text()}`);
      for (;;) {
        const row = await spDb
          .selectFrom('memberships')
          .select('suspended_at')
          .where('id', '=', membership.id)
          .executeTakeFirstOrThrow();
        if (row.suspended_at !== null) break;
        if (performance.now() - at > UNASSIGN_TIMEOUT_MS)
          throw new Error(
            `${user.upn} was still an active member ${UNASSIGN_TIMEOUT_MS / 1000} s after the unassignment; giving up`,
          );
        await sleep(POLL_UNASSIGN_MS);
      }
      latencies.push(performance.now() - at);
      // A different pause each time, so that the unassignments land at different phases of the 2 s tick.
      await sleep(500 + (k * 2000) / unassignments);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    printFigure('scim.unassign-to-suspended.p50', sorted[Math.floor((sorted.length - 1) / 2)]!, 'ms', [
      `median of ${sorted.length}: ${sorted.map((ms) => Math.round(ms)).join(', ')} ms; admin API DELETE → membership suspended, polled every ${POLL_UNASSIGN_MS} ms; scheduler tick 2 s, then an incremental cycle over ${expected} users`,
    ]);
  } finally {
    await idpDatabase.current?.close();
    await spDatabase.current?.close();
    await cluster?.stop();
    postgres.stop();
  }
}
