// `npm run bench -- login`: complete SP-initiated sign-ins over HTTP against the real services, started
// here as processes (test/support/cluster.ts), driven by test/support/login-driver.ts: a cookie jar per
// virtual user, Workspace login page → POST → Directory (live session) → form → ACS → organization
// page. Three set-ups: SQLite with one instance of each service; PostgreSQL with one of each;
// PostgreSQL with two of each on one database per service, requests spread round robin.
//
// Settings (environment): LOGIN_BENCH_SECONDS (measured time per set-up, default 10),
// LOGIN_BENCH_MAX (logins per set-up at most, default 20000), LOGIN_BENCH_USERS (concurrent virtual
// users, default 32), LOGIN_BENCH_SETUPS (comma-separated subset, e.g. `pg-1x1`), LOGIN_BENCH_PROFILE
// (a folder: each service process writes a V8 CPU profile there, summarized at the end),
// LOGIN_BENCH_POLICY=session-control (one enabled Conditional Access policy that applies to every
// sign-in and prompts for nothing: All users, All resources, sign-in frequency of 1 day).
import { mkdirSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Deps, type IdpDatabase, loadConfig, SYSTEM_ACTOR } from '@federa/idp';
import { connectDatabase, SERVICE_ENVIRONMENT, SERVICE_NODE_OPTIONS } from '@federa/kit';
import { systemClock, systemRandom } from '@federa/saml';
import { createPolicy } from '../apps/idp/src/conditional-access/conditional-access.service.ts';
import { startPostgres } from '../scripts/postgres.ts';
import {
  type Cluster,
  cpuMs,
  peakRssMb,
  postgresCpuMs,
  resetPeakRss,
  startCluster,
} from '../test/support/cluster.ts';
import { type LoginResult, stream } from '../test/support/login-driver.ts';
import { summarizeProfile } from './cpu-profile.ts';
import { printFigure } from './measure.ts';

interface Setup {
  name: string;
  dialect: 'sqlite' | 'postgres';
  instances: number;
}

const SETUPS: Setup[] = [
  { name: 'sqlite-1x1', dialect: 'sqlite', instances: 1 },
  { name: 'pg-1x1', dialect: 'postgres', instances: 1 },
  { name: 'pg-2x2', dialect: 'postgres', instances: 2 },
];

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface CpuSnapshot {
  directory: number;
  workspace: number;
  postgres: number;
  driver: number;
}

/** CPU time so far of every process a login runs in, ms (the services' instances summed). */
function cpuSnapshot(cluster: Cluster, postgresUrl: string | null): CpuSnapshot {
  const sum = (running: Cluster['idp']['running']) => running.reduce((a, r) => a + cpuMs(r.process.pid!), 0);
  const own = process.cpuUsage();
  return {
    directory: sum(cluster.idp.running),
    workspace: sum(cluster.sp.running),
    postgres:
      postgresUrl && cluster.idp.databaseUrl.startsWith('postgres')
        ? postgresCpuMs(Number(new URL(postgresUrl).port))
        : Number.NaN,
    driver: (own.user + own.system) / 1000,
  };
}

/** Database statements each service's instances have run so far (their `federa_db_queries_total`). */
async function queriesSnapshot(cluster: Cluster): Promise<{ directory: number; workspace: number }> {
  const sum = async (running: Cluster['idp']['running']) => {
    let total = 0;
    for (const r of running) {
      const text = await (await fetch(`${r.baseUrl}/metrics`)).text();
      total += Number(/^federa_db_queries_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? Number.NaN);
    }
    return total;
  };
  return { directory: await sum(cluster.idp.running), workspace: await sum(cluster.sp.running) };
}

async function runSetup(
  setup: Setup,
  postgresUrl: string | null,
  options: { seconds: number; max: number; users: number; profileDir: string | null },
): Promise<void> {
  const profileDir = options.profileDir ? join(options.profileDir, setup.name) : null;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const cluster: Cluster = await startCluster({
    dialect: setup.dialect,
    postgresUrl: postgresUrl ?? undefined,
    idpInstances: setup.instances,
    spInstances: setup.instances,
    users: options.users,
    nodeArgs: profileDir
      ? (service, index) => [
          '--cpu-prof',
          '--cpu-prof-dir',
          profileDir,
          '--cpu-prof-name',
          `${service}-${index}.cpuprofile`,
        ]
      : undefined,
  });
  const { driver, users } = cluster;
  // What each process holds once started, before any sign-in: code, caches, the heap at rest.
  const startPeaks = new Map(
    [...cluster.idp.running, ...cluster.sp.running].map((r) => [r.process.pid!, peakRssMb(r.process.pid!)]),
  );
  try {
    if (process.env.LOGIN_BENCH_POLICY === 'session-control') await addSessionControlPolicy(cluster);
    // Warm-up: each virtual user signs in at the Directory once (its SSO session), then signs in to
    // the Workspace once (provisioned just in time), then everyone runs for a second or two untimed.
    await Promise.all(users.map((user) => driver.signInAtIdp(user)));
    const first = await Promise.all(users.map((user) => driver.login(user)));
    const firstFailure = first.find((r) => !r.ok);
    if (firstFailure) throw new Error(`warm-up sign-in failed: ${firstFailure.failure?.message}`);
    const warmUntil = performance.now() + Math.min(2000, options.seconds * 200);
    await stream(driver, users, () => performance.now() > warmUntil);

    // Peak memory is that of the measured sign-ins: the warm-up's password sign-ins at the Directory
    // (argon2id, 19 MiB each, one per core at a time) are not what this measures; their peak is shown beside it.
    const lifetimePeaks = new Map<number, number>();
    for (const running of [...cluster.idp.running, ...cluster.sp.running]) {
      lifetimePeaks.set(running.process.pid!, peakRssMb(running.process.pid!));
      resetPeakRss(running.process.pid!);
    }
    const queriesBefore = await queriesSnapshot(cluster);
    const cpuBefore = cpuSnapshot(cluster, postgresUrl);
    const startedAt = performance.now();
    const endAt = startedAt + options.seconds * 1000;
    const results: LoginResult[] = await stream(
      driver,
      users,
      (done) => done.length >= options.max || performance.now() > endAt,
    );
    const elapsed = (performance.now() - startedAt) / 1000;
    const cpuAfter = cpuSnapshot(cluster, postgresUrl);
    const queriesAfter = await queriesSnapshot(cluster);
    const ok = results.filter((r) => r.ok);
    const failed = results.filter((r) => !r.ok);
    const sorted = ok.map((r) => r.ms).sort((a, b) => a - b);
    const prefix = `login.${setup.name}`;
    printFigure(`${prefix}.rate`, ok.length / elapsed, 'logins/s');
    console.log(`${prefix}.p50: ${percentile(sorted, 50).toFixed(1)} ms`);
    console.log(`${prefix}.p95: ${percentile(sorted, 95).toFixed(1)} ms`);
    console.log(`${prefix}.p99: ${percentile(sorted, 99).toFixed(1)} ms`);
    printFigure(`${prefix}.errors`, failed.length, `of ${results.length} logins`);
    for (const [service, label] of [
      [cluster.idp, 'directory'],
      [cluster.sp, 'workspace'],
    ] as const) {
      const peaks = service.running.map((r) => peakRssMb(r.process.pid!));
      const lifetime = Math.max(...service.running.map((r) => lifetimePeaks.get(r.process.pid!) ?? 0));
      const started = Math.max(...service.running.map((r) => startPeaks.get(r.process.pid!) ?? 0));
      const notes = [
        ...(peaks.length > 1
          ? [`largest of ${peaks.length} instances: ${peaks.map((p) => Math.round(p)).join(', ')}`]
          : []),
        `after start: ${Math.round(started)} MB`,
        `start and warm-up: ${Math.round(lifetime)} MB`,
      ];
      printFigure(`${prefix}.${label}.rss`, Math.max(...peaks), `MB peak`, notes);
    }
    for (const key of ['directory', 'workspace'] as const) {
      const perLogin = (queriesAfter[key] - queriesBefore[key]) / Math.max(1, results.length);
      console.log(`${prefix}.${key}.queries: ${perLogin.toFixed(1)} per login`);
    }
    // CPU time per login, by process: unlike the rate, it hardly depends on what else the machine
    // runs, and its sum says what two idle cores could do.
    let total = 0;
    let driverMs = 0;
    for (const key of Object.keys(cpuAfter) as (keyof CpuSnapshot)[]) {
      const perLogin = (cpuAfter[key] - cpuBefore[key]) / Math.max(1, results.length);
      if (Number.isNaN(perLogin)) continue;
      total += perLogin;
      if (key === 'driver') driverMs = perLogin;
      console.log(`${prefix}.${key}.cpu: ${perLogin.toFixed(2)} ms/login`);
    }
    printFigure(`${prefix}.cpu-bound-rate`, (2 * 1000) / total, 'logins/s', [
      `2 cores ÷ ${total.toFixed(2)} ms of CPU per login in all processes`,
    ]);
    // The driver shares the two cores here; a load generator normally runs elsewhere.
    printFigure(`${prefix}.cpu-bound-rate-without-driver`, (2 * 1000) / (total - driverMs), 'logins/s', [
      `2 cores ÷ ${(total - driverMs).toFixed(2)} ms of CPU per login in the services and the database`,
    ]);
    if (failed.length > 0) {
      const kinds = new Map<string, number>();
      for (const r of failed) {
        const key = `${r.failure?.step} ${r.failure?.kind} ${r.failure?.status ?? ''}`.trim();
        kinds.set(key, (kinds.get(key) ?? 0) + 1);
      }
      for (const [kind, count] of kinds) console.log(`${prefix}.error: ${count} × ${kind}`);
    }
  } finally {
    await cluster.stop();
  }
  if (profileDir) {
    for (const file of readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort()) {
      console.log(`\nprofile ${setup.name}/${file} (self time):`);
      console.log(summarizeProfile(join(profileDir, file)));
    }
  }
}

/**
 * One enabled policy every sign-in evaluates and meets without a prompt, made through the Directory's
 * service on its database (the running instances' configuration cache sees the change at once).
 */
async function addSessionControlPolicy(cluster: Cluster): Promise<void> {
  const database = connectDatabase<IdpDatabase>(cluster.idp.databaseUrl);
  try {
    const { config } = loadConfig(cluster.idp.env[0]!);
    const deps: Deps = { db: database.db, clock: systemClock, random: systemRandom, config };
    await createPolicy(deps, SYSTEM_ACTOR, cluster.tenantId, {
      displayName: 'Sign in again every day',
      state: 'enabled',
      conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] } },
      sessionControls: {
        signInFrequency: { isEnabled: true, type: 'days', value: 1, frequencyInterval: 'timeBased' },
      },
    });
  } finally {
    await database.close();
  }
  console.log(
    'login: with one enabled Conditional Access policy (sign-in frequency 1 day, All users, All resources)',
  );
}

export async function benchLogin(): Promise<void> {
  const seconds = setting('LOGIN_BENCH_SECONDS', 10);
  const max = setting('LOGIN_BENCH_MAX', 20_000);
  const users = setting('LOGIN_BENCH_USERS', 32);
  const only = (process.env.LOGIN_BENCH_SETUPS ?? '').split(',').filter(Boolean);
  const unknown = only.filter((name) => !SETUPS.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `LOGIN_BENCH_SETUPS: unknown ${unknown.join(', ')}; known: ${SETUPS.map((s) => s.name).join(', ')}`,
    );
  }
  const setups = only.length > 0 ? SETUPS.filter((s) => only.includes(s.name)) : SETUPS;
  const profileDir = process.env.LOGIN_BENCH_PROFILE ? resolve(process.env.LOGIN_BENCH_PROFILE) : null;
  console.log(
    `login: ${users} concurrent virtual users, ${seconds} s or ${max} logins per set-up, after a warm-up; services run with ${SERVICE_NODE_OPTIONS.join(' ')} and ${Object.keys(SERVICE_ENVIRONMENT).join(', ')}; ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const postgres = setups.some((s) => s.dialect === 'postgres') ? await startPostgres() : null;
  try {
    for (const setup of setups) {
      await runSetup(setup, postgres?.url ?? null, { seconds, max, users, profileDir });
    }
  } finally {
    postgres?.stop();
  }
}
