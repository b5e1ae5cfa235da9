// `npm start [-- --empty]`: Federa Directory and Federa Workspace side by side, on SQLite files under
// ./data/. On first start (without --empty) both are seeded with the finished tutorial; later starts
// reuse the data. --empty keeps its own files under ./data/empty/ for following the tutorial from
// scratch. Ctrl-C stops both.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Deps,
  type IdpDatabase,
  migrations as idpMigrations,
  loadConfig,
  passwordError,
} from '@federa/idp';
import {
  connectDatabase,
  generatePassword,
  migrateToLatest,
  SERVICE_ENVIRONMENT,
  SERVICE_NODE_OPTIONS,
} from '@federa/kit';
import { systemClock, systemRandom } from '@federa/saml';
import { readConfig, type Schema, migrations as spMigrations } from '@federa/sp';
import type { Kysely } from 'kysely';
import { seedDirectory, seedProvisioning } from './demo/seed-directory.ts';
import { seedWorkspace } from './demo/seed-workspace.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const empty = process.argv.includes('--empty');
const dataDir = join(ROOT, 'data', empty ? 'empty' : '');
const ORGANIZATION = 'acme';

const idpPort = process.env.IDP_PORT ?? '4000';
const spPort = process.env.SP_PORT ?? '5000';
const idpEnv = {
  IDP_PORT: idpPort,
  IDP_BASE_URL: process.env.IDP_BASE_URL ?? `http://127.0.0.1:${idpPort}`,
  DATABASE_URL: process.env.IDP_DATABASE_URL ?? join(dataDir, 'idp.sqlite'),
  // The Workspace's SCIM endpoint is on localhost, where the Directory sends no SCIM by default.
  IDP_ALLOW_LOOPBACK_SCIM: process.env.IDP_ALLOW_LOOPBACK_SCIM ?? 'true',
};
const spEnv = {
  SP_PORT: spPort,
  SP_BASE_URL: process.env.SP_BASE_URL ?? `http://localhost:${spPort}`,
  DATABASE_URL: process.env.SP_DATABASE_URL ?? join(dataDir, 'sp.sqlite'),
  // The Directory's metadata URL is on 127.0.0.1, which the Workspace refuses to fetch by default.
  SP_ALLOW_LOOPBACK_METADATA: process.env.SP_ALLOW_LOOPBACK_METADATA ?? 'true',
  // The demo has no SMTP server: its mail is kept in the development outbox.
  SP_DEV_OUTBOX: process.env.SP_DEV_OUTBOX ?? 'true',
};

const step = (text: string) => process.stdout.write(`  ${text}…\n`);
const children: ChildProcess[] = [];

function fail(message: string): never {
  for (const child of children) child.kill('SIGTERM');
  process.stderr.write(`\n${message}\n`);
  process.exit(1);
}

async function startProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  baseUrl: string,
): Promise<void> {
  const child = spawn(process.execPath, [...SERVICE_NODE_OPTIONS, entry], {
    cwd: ROOT,
    env: { ...SERVICE_ENVIRONMENT, ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  child.once('exit', (code, signal) => {
    if (!stopping)
      fail(`${name} stopped unexpectedly (${signal ?? `exit code ${code}`}). See its messages above.`);
  });
  for (let tries = 0; tries < 300; tries++) {
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`${name} did not start within 30 seconds at ${baseUrl}.`);
}

let stopping = false;
async function stopAll(): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nStopping Federa…\n');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  process.exit(0);
}
process.on('SIGINT', () => void stopAll());
process.on('SIGTERM', () => void stopAll());

process.stdout.write(
  `Federa: starting the Directory (identity provider) and the Workspace (organization app)${empty ? ', empty' : ''}\n`,
);
mkdirSync(dataDir, { recursive: true });
const firstStart = !existsSync(idpEnv.DATABASE_URL) && !existsSync(spEnv.DATABASE_URL);

step('Installing the Directory’s database schema');
const { config: idpConfig, notices } = loadConfig({ ...process.env, ...idpEnv });
const idpDatabase = connectDatabase<IdpDatabase>(idpConfig.databaseUrl);
await migrateToLatest(idpDatabase.db as unknown as Kysely<unknown>, idpMigrations);
step('Installing the Workspace’s database schema');
const spConfig = readConfig({ ...process.env, ...spEnv });
const spDatabase = connectDatabase<Schema>(spConfig.databaseUrl);
await migrateToLatest(spDatabase.db as unknown as Kysely<unknown>, spMigrations);

const seed = firstStart && !empty;
let password: string | null = null;
let seeded: Awaited<ReturnType<typeof seedDirectory>> | null = null;
if (seed) {
  password = process.env.DEMO_PASSWORD ?? generatePassword();
  const problem = passwordError(password);
  if (problem) fail(`DEMO_PASSWORD is not accepted: ${problem}`);
  step('Seeding the Directory: tenant Contoso, B.Simon, the Sentry application for organization acme');
  const deps: Deps = { db: idpDatabase.db, clock: systemClock, random: systemRandom, config: idpConfig };
  seeded = await seedDirectory(deps, {
    password,
    workspaceBaseUrl: spConfig.baseUrl,
    organization: ORGANIZATION,
  });
}
await idpDatabase.close();

step(`Starting the Directory at ${idpConfig.baseUrl}`);
await startProcess('Federa Directory', 'apps/idp/src/main.ts', idpEnv, idpConfig.baseUrl);

if (seed && seeded && password) {
  step(
    'Seeding the Workspace: organization acme with Active Directory SSO from the Directory’s metadata URL',
  );
  const workspace = await seedWorkspace(spDatabase.db, systemClock, spConfig, {
    password,
    organization: ORGANIZATION,
    metadataUrl: seeded.metadataUrl,
    scim: true,
  });
  step('Turning on automatic provisioning of Sentry with the Workspace’s SCIM base URL and token');
  // The running Directory picks the settings up within seconds (its provisioning scheduler).
  const directory = connectDatabase<IdpDatabase>(idpConfig.databaseUrl);
  await seedProvisioning(
    { db: directory.db, clock: systemClock, random: systemRandom, config: idpConfig },
    seeded,
    { tenantUrl: workspace.scim!.baseUrl, secretToken: workspace.scim!.token },
  );
  await directory.close();
}
await spDatabase.close();

step(`Starting the Workspace at ${spConfig.baseUrl}`);
await startProcess('Federa Workspace', 'apps/sp/src/main.ts', spEnv, spConfig.baseUrl);

const idp = idpConfig.baseUrl;
const sp = spConfig.baseUrl;
const lines = ['', 'Federa is running. Ctrl-C stops both services.', ''];
if (empty) {
  lines.push(
    `  1. Open ${idp}/portal and create the first administrator (your tenant).`,
    `  2. Open ${sp}/auth/register/ and create your Workspace account and organization.`,
    '  3. Follow docs/tutorial.md from "Adding Sentry from the gallery".',
  );
} else {
  lines.push(
    `  Try single sign-on:   open ${sp}/auth/login/${ORGANIZATION}/ and sign in as B.Simon@contoso.com`,
    `  My Apps (IdP-initiated): ${idp}/myapps, then click the Sentry tile`,
    `  Directory admin portal:  ${idp}/portal as admin@contoso.com`,
    `  Workspace owner:         ${sp}/auth/login/ as owner@acme.test, then Settings › Auth`,
    `  Provisioning (SCIM):     ${idp}/portal › Enterprise applications › Sentry › Provisioning; a user assigned there is a member of ${ORGANIZATION} within seconds`,
    `  Forgot my password:      on the sign-in page; self-service password reset is on for All users who added an authenticator app or a passkey at ${idp}/myapps/security-info`,
  );
  if (password) {
    lines.push(
      '',
      process.env.DEMO_PASSWORD
        ? '  All three use DEMO_PASSWORD.'
        : `  Password for all three (shown once, not stored): ${password}`,
    );
  } else {
    lines.push(
      '',
      '  Reusing ./data/ from an earlier start (its passwords were printed then; DEMO_PASSWORD sets them on a fresh start).',
    );
  }
  if (notices.length > 0) lines.push('', ...notices.map((n) => `  ${n}`));
}
process.stdout.write(`${lines.join('\n')}\n\n`);
