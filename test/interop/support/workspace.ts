// Federa Workspace as a real process for the interop tests that put a third-party IdP in front of it:
// started empty on localhost (the IdP peers live on 127.0.0.1, another site), with one organization
// and its owner made as the demo makes them; the owner then configures SSO on the real pages.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDatabase, migrateToLatest } from '@federa/kit';
import { systemClock } from '@federa/saml';
import { createAccount, createOrganization, type Schema, migrations as spMigrations } from '@federa/sp';
import type { Kysely } from 'kysely';
import { freePort, type RunningService, startService } from '../../support/processes.ts';

export const OWNER_PASSWORD = 'Interop-Owner-Pa55word!';

export interface Workspace {
  /** e.g. http://localhost:41235 */
  url: string;
  organization: { slug: string; name: string };
  owner: { email: string; name: string; password: string };
  output(): string;
  stop(): Promise<void>;
}

export async function startWorkspace(options: {
  organization: { slug: string; name: string };
  owner: { email: string; name: string };
}): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), 'federa-interop-sp-'));
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const env = {
    SP_PORT: String(port),
    SP_BASE_URL: url,
    DATABASE_URL: join(dir, 'sp.sqlite'),
    SP_SECRET_KEY: randomBytes(32).toString('hex'),
    // The peers' metadata URLs are on 127.0.0.1: the SSRF guard refuses loopback unless told otherwise.
    SP_ALLOW_LOOPBACK_METADATA: 'true',
    LOG_LEVEL: 'warn',
  };
  const database = connectDatabase<Schema>(env.DATABASE_URL);
  try {
    await migrateToLatest(database.db as unknown as Kysely<unknown>, spMigrations);
    const owner = await createAccount(database.db, systemClock, {
      ...options.owner,
      password: OWNER_PASSWORD,
      emailVerified: true,
    });
    await createOrganization(database.db, systemClock, { ...options.organization, ownerUserId: owner.id });
  } finally {
    await database.close();
  }
  let running: RunningService;
  try {
    running = await startService({ entry: 'apps/sp/src/main.ts', env, baseUrl: url });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    organization: options.organization,
    owner: { ...options.owner, password: OWNER_PASSWORD },
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
