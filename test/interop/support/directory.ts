// Federa Directory as a real process for the interop tests: seeded like the demo (tenant Contoso,
// B.Simon, the Sentry application), with an admin API token, so that each test configures its peer's
// application through the admin API as an administrator's script would.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createApiToken,
  type Deps,
  type IdpDatabase,
  migrations as idpMigrations,
  loadConfig,
  SYSTEM_ACTOR,
} from '@federa/idp';
import { connectDatabase, migrateToLatest } from '@federa/kit';
import { systemClock, systemRandom } from '@federa/saml';
import type { Kysely } from 'kysely';
import { seedDirectory } from '../../../scripts/demo/seed-directory.ts';
import { freePort, type RunningService, startService } from '../../support/processes.ts';

export const PASSWORD = 'Interop-Pa55word!';
export const USER = 'B.Simon@contoso.com';

export interface Directory {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  tenantId: string;
  /** Calls the admin API with the tenant's token; throws unless the status is 2xx. */
  api<T = unknown>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  output(): string;
  stop(): Promise<void>;
}

/** An application as the admin API returns it (the fields these tests read). */
export interface ApiApplication {
  id: string;
  appId: string;
  displayName: string;
}

export async function startDirectory(): Promise<Directory> {
  const dir = mkdtempSync(join(tmpdir(), 'federa-interop-idp-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    IDP_PORT: String(port),
    IDP_BASE_URL: url,
    DATABASE_URL: join(dir, 'idp.sqlite'),
    IDP_SECRET_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
  };
  const { config } = loadConfig(env);
  const database = connectDatabase<IdpDatabase>(env.DATABASE_URL);
  let tenantId: string;
  let token: string;
  try {
    await migrateToLatest(database.db as unknown as Kysely<unknown>, idpMigrations);
    const deps: Deps = { db: database.db, clock: systemClock, random: systemRandom, config };
    // The Sentry application points at a Workspace that these tests do not start; it is only the demo's.
    const seeded = await seedDirectory(deps, {
      password: PASSWORD,
      workspaceBaseUrl: 'http://localhost:5000',
      organization: 'acme',
    });
    tenantId = seeded.tenantId;
    token = (await createApiToken(deps, SYSTEM_ACTOR, tenantId, { name: 'interop tests', lifetimeDays: 7 }))
      .secret;
  } finally {
    await database.close();
  }
  let running: RunningService;
  try {
    running = await startService({ entry: 'apps/idp/src/main.ts', env, baseUrl: url });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    tenantId,
    api: async <T>(method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} /api/v1${path} answered ${response.status}: ${text}`);
      return (text ? JSON.parse(text) : null) as T;
    },
    output: () => running.output(),
    stop: async () => {
      const stopped = await Promise.race([
        running.stop().then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), 10_000)),
      ]);
      if (!stopped) await running.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
