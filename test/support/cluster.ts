// Federa Directory and Federa Workspace as real processes, N instances of each on one database per
// service (SQLite files, or databases on a PostgreSQL server), seeded through the services (as
// `npm start` seeds the demo) with tenant Contoso, the Sentry application for organization `acme`,
// and `users` test users assigned to it; Workspace `acme` with SSO from the Directory's metadata URL.
// For the login benchmark and the fault tests.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assign,
  createUser,
  type Deps,
  findApplicationByAppId,
  type IdpDatabase,
  migrations as idpMigrations,
  loadConfig,
  SYSTEM_ACTOR,
} from '@federa/idp';
import { connectDatabase, migrateToLatest } from '@federa/kit';
import { systemClock, systemRandom } from '@federa/saml';
import { readConfig, type Schema, migrations as spMigrations } from '@federa/sp';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { seedDirectory } from '../../scripts/demo/seed-directory.ts';
import { seedWorkspace } from '../../scripts/demo/seed-workspace.ts';
import { CookieJar, LoginDriver, type VirtualUser } from './login-driver.ts';
import { freePort, type RunningService, startService } from './processes.ts';

export const ORGANIZATION = 'acme';
export const ORGANIZATION_NAME = 'Acme';
export const PASSWORD = 'Bench-Pa55word!';

export interface ClusterOptions {
  dialect: 'sqlite' | 'postgres';
  /** A PostgreSQL server URL (superuser) to make the two databases on; needed for `postgres`. */
  postgresUrl?: string;
  idpInstances: number;
  spInstances: number;
  /** Test users seeded in the Directory and assigned to the application. */
  users: number;
  /** Node options per instance (e.g. `--cpu-prof`). */
  nodeArgs?: (service: 'idp' | 'sp', index: number) => string[];
  /** Extra environment for every instance. */
  env?: Record<string, string>;
}

export interface ServiceInstances {
  publicUrl: string;
  databaseUrl: string;
  env: Record<string, string>[];
  running: RunningService[];
}

export interface Cluster {
  idp: ServiceInstances;
  sp: ServiceInstances;
  tenantId: string;
  driver: LoginDriver;
  users: VirtualUser[];
  /** Starts instance `index` of a service again (after a kill), with the same settings. */
  restart(service: 'idp' | 'sp', index: number): Promise<RunningService>;
  /** SIGTERM every instance still running; removes temporary files. */
  stop(): Promise<void>;
}

/** Peak resident set of a running process, MB (Linux: VmHWM of /proc/<pid>/status). */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** CPU time a process has used so far, ms (user + system, from /proc/<pid>/stat). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** CPU time of a PostgreSQL server listening on `port`: its postmaster and every backend, ms. */
export function postgresCpuMs(port: number): number {
  const pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  const postmaster = pids.find((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return (
        argv[0]?.endsWith('/postgres') && argv.includes(`-p`) && argv[argv.indexOf('-p') + 1] === String(port)
      );
    } catch {
      return false;
    }
  });
  if (!postmaster) return Number.NaN;
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      if (pid === postmaster || ppid === postmaster) total += cpuMs(Number(pid));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

const CLOCK_TICKS = 100;

/** Starts a new peak: VmHWM becomes the current resident set (Linux: `5` to /proc/<pid>/clear_refs). */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

async function databaseUrls(options: ClusterOptions, dir: string): Promise<{ idp: string; sp: string }> {
  if (options.dialect === 'sqlite') return { idp: join(dir, 'idp.sqlite'), sp: join(dir, 'sp.sqlite') };
  if (!options.postgresUrl) throw new Error('a PostgreSQL cluster needs postgresUrl');
  const suffix = randomBytes(4).toString('hex');
  const client = new pg.Client({ connectionString: options.postgresUrl });
  await client.connect();
  const urls: Record<string, string> = {};
  for (const name of ['idp', 'sp']) {
    await client.query(`CREATE DATABASE federa_${name}_${suffix}`);
    const url = new URL(options.postgresUrl);
    url.pathname = `/federa_${name}_${suffix}`;
    urls[name] = url.toString();
  }
  await client.end();
  return { idp: urls.idp!, sp: urls.sp! };
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'federa-cluster-'));
  const urls = await databaseUrls(options, dir);
  const idpPorts = await Promise.all(Array.from({ length: options.idpInstances }, () => freePort()));
  const spPorts = await Promise.all(Array.from({ length: options.spInstances }, () => freePort()));
  // Every instance of a service has the same public base URL; the first instance listens on its port
  // (so that the Workspace can fetch the Directory's metadata from it), the others on their own.
  const idpPublic = `http://127.0.0.1:${idpPorts[0]}`;
  const spPublic = `http://localhost:${spPorts[0]}`;
  const secretKey = randomBytes(32).toString('hex');
  const common = { LOG_LEVEL: 'warn', ...options.env };
  const idpEnv = idpPorts.map((port) => ({
    ...common,
    IDP_PORT: String(port),
    IDP_BASE_URL: idpPublic,
    DATABASE_URL: urls.idp,
    IDP_SECRET_KEY: secretKey,
    // Every virtual user signs in from 127.0.0.1: the per-IP limit would stop a load test.
    IDP_SIGNIN_RATE_LIMIT: '100000',
  }));
  const spEnv = spPorts.map((port) => ({
    ...common,
    SP_PORT: String(port),
    SP_BASE_URL: spPublic,
    DATABASE_URL: urls.sp,
    // Instances share the database, so they share the key that seals its SP signing keys.
    SP_SECRET_KEY: secretKey,
    SP_SIGN_IN_RATE_LIMIT: '100000',
    // The Directory's metadata URL is on 127.0.0.1: seeding and the scheduled refresh fetch it there.
    SP_ALLOW_LOOPBACK_METADATA: 'true',
    // No SMTP here: mail goes to the development outbox, as in the demo.
    SP_DEV_OUTBOX: 'true',
  }));

  // The Directory: seeded through its services, then started.
  const { config: idpConfig } = loadConfig(idpEnv[0]!);
  const idpDatabase = connectDatabase<IdpDatabase>(urls.idp);
  await migrateToLatest(idpDatabase.db as unknown as Kysely<unknown>, idpMigrations);
  const deps: Deps = { db: idpDatabase.db, clock: systemClock, random: systemRandom, config: idpConfig };
  const seeded = await seedDirectory(deps, {
    password: PASSWORD,
    workspaceBaseUrl: spPublic,
    organization: ORGANIZATION,
  });
  const application = await findApplicationByAppId(idpDatabase.db, seeded.tenantId, seeded.appId);
  const users: VirtualUser[] = [];
  for (let i = 0; i < options.users; i++) {
    const userName = `user${String(i).padStart(5, '0')}@contoso.com`;
    const { user } = await createUser(deps, SYSTEM_ACTOR, seeded.tenantId, {
      userPrincipalName: userName,
      displayName: `User ${i}`,
      mail: userName,
      password: PASSWORD,
    });
    await assign(deps, SYSTEM_ACTOR, seeded.tenantId, application!.id, {
      principalType: 'user',
      principalId: user.id,
    });
    users.push({ userName, password: PASSWORD, jar: new CookieJar() });
  }
  await idpDatabase.close();

  const start = (service: 'idp' | 'sp', index: number) => {
    const env = service === 'idp' ? idpEnv[index]! : spEnv[index]!;
    const port = service === 'idp' ? idpPorts[index]! : spPorts[index]!;
    return startService({
      entry: service === 'idp' ? 'apps/idp/src/main.ts' : 'apps/sp/src/main.ts',
      env,
      baseUrl: `http://127.0.0.1:${port}`,
      nodeArgs: options.nodeArgs?.(service, index),
    });
  };
  const idpRunning = await Promise.all(idpPorts.map((_, i) => start('idp', i)));

  // The Workspace: organization acme configured from the running Directory's metadata URL.
  const spConfig = readConfig(spEnv[0]!);
  const spDatabase = connectDatabase<Schema>(urls.sp);
  await migrateToLatest(spDatabase.db as unknown as Kysely<unknown>, spMigrations);
  await seedWorkspace(spDatabase.db, systemClock, spConfig, {
    password: PASSWORD,
    organization: ORGANIZATION,
    metadataUrl: seeded.metadataUrl,
  });
  await spDatabase.close();
  const spRunning = await Promise.all(spPorts.map((_, i) => start('sp', i)));

  const idp: ServiceInstances = {
    publicUrl: idpPublic,
    databaseUrl: urls.idp,
    env: idpEnv,
    running: idpRunning,
  };
  const sp: ServiceInstances = { publicUrl: spPublic, databaseUrl: urls.sp, env: spEnv, running: spRunning };
  const driver = new LoginDriver({
    idp: { publicUrl: idpPublic, instances: idpPorts.map((p) => `http://127.0.0.1:${p}`) },
    sp: { publicUrl: spPublic, instances: spPorts.map((p) => `http://127.0.0.1:${p}`) },
    tenant: seeded.tenantId,
    organization: ORGANIZATION,
    organizationName: ORGANIZATION_NAME,
  });
  return {
    idp,
    sp,
    tenantId: seeded.tenantId,
    driver,
    users,
    restart: async (service, index) => {
      const running = await start(service, index);
      (service === 'idp' ? idp : sp).running[index] = running;
      driver.down.delete(`http://127.0.0.1:${(service === 'idp' ? idpPorts : spPorts)[index]}`);
      return running;
    },
    stop: async () => {
      driver.close();
      await Promise.all([...idp.running, ...sp.running].map((s) => s.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
