import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { connectDatabase, createLogger, migrateToLatest } from '@federa/kit';
import { systemRandom } from '@federa/saml';
import type { Kysely } from 'kysely';
import { freshDatabaseUrl } from '../../../test/support/databases.ts';
import { buildApp } from '../src/app.ts';
import { migrations } from '../src/db/migrations.ts';
import type { IdpDatabase } from '../src/db/schema.ts';
import { Browser } from './support/browser.ts';
import { DIALECTS, ManualClock, testConfig } from './support/harness.ts';
import { seedContoso, USER_PASSWORD } from './support/seed.ts';

/** Two instances of the Directory on one database (a file for SQLite, shared by both connections). */
async function twoInstances(dialect: (typeof DIALECTS)[number], signInRateLimitPerMinute: number) {
  const url =
    dialect === 'sqlite'
      ? join(mkdtempSync(join(tmpdir(), 'federa-idp-')), 'idp.sqlite')
      : await freshDatabaseUrl(dialect);
  const clock = new ManualClock();
  const instances: Array<{ app: Awaited<ReturnType<typeof buildApp>>; close(): Promise<void> }> = [];
  for (let i = 0; i < 2; i++) {
    const database = connectDatabase<IdpDatabase>(url, { poolSize: 4 });
    await migrateToLatest(database.db as unknown as Kysely<unknown>, migrations);
    const app = await buildApp({
      database,
      config: testConfig({ signInRateLimitPerMinute }),
      clock,
      random: systemRandom,
      logger: createLogger('idp-test', 'silent'),
    });
    instances.push({ app, close: () => app.close().then(() => database.close()) });
  }
  return { a: instances[0]!, b: instances[1]!, close: () => Promise.all(instances.map((i) => i.close())) };
}

/** The same browser (cookies, CSRF token) talking to another instance, as behind a load balancer. */
function sameBrowserAt(browser: Browser, app: Browser['app']): Browser {
  const other = new Browser(app);
  for (const [name, value] of browser.cookies) other.cookies.set(name, value);
  other.csrf = browser.csrf;
  return other;
}

for (const dialect of DIALECTS) {
  describe(`Directory instances on one ${dialect} database`, () => {
    test('the per-IP sign-in rate limit counts the posts made at every instance together', async () => {
      const { a, b, close } = await twoInstances(dialect, 3);
      try {
        await seedContoso(a.app.deps);
        const atA = new Browser(a.app);
        let page = await atA.get('/common/login');
        page = await atA.signIn('B.Simon@contoso.com', 'wrong', page);
        assert.equal(page.statusCode, 401);
        const atB = sameBrowserAt(atA, b.app);
        page = await atB.signIn('B.Simon@contoso.com', 'wrong', await atB.get('/common/login'));
        assert.equal(page.statusCode, 401);
        page = await atA.signIn('B.Simon@contoso.com', 'wrong', await atA.get('/common/login'));
        assert.equal(page.statusCode, 401);
        // The fourth post, at instance B, is over the limit of 3 a minute: each instance alone has seen
        // fewer than that.
        const limited = await atB.signIn(
          'B.Simon@contoso.com',
          USER_PASSWORD,
          await atB.get('/common/login'),
        );
        assert.equal(limited.statusCode, 429);
        assert.match(limited.body, /Too many sign-in attempts/);
      } finally {
        await close();
      }
    });

    test('a session started at one instance is seen by the other', async () => {
      const { a, b, close } = await twoInstances(dialect, 100);
      try {
        await seedContoso(a.app.deps);
        const atA = new Browser(a.app);
        const signedIn = await atA.signIn(
          'B.Simon@contoso.com',
          USER_PASSWORD,
          await atA.get('/common/login'),
        );
        assert.equal(signedIn.statusCode, 303);
        const myApps = await sameBrowserAt(atA, b.app).get('/myapps');
        assert.equal(myApps.statusCode, 200);
        assert.match(myApps.body, /Sentry/);
      } finally {
        await close();
      }
    });
  });
}
