import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { connectDatabase, createLogger } from '@federa/kit';
import { systemRandom } from '@federa/saml';
import { freshDatabaseUrl } from '../../../test/support/databases.ts';
import { buildApp } from '../src/app.ts';
import { listAudit } from '../src/audit/audit.repository.ts';
import type { IdpDatabase } from '../src/db/schema.ts';
import { Browser } from './support/browser.ts';
import { DIALECTS, ManualClock, startIdp, testConfig } from './support/harness.ts';

const SETUP = {
  tenantName: 'Contoso',
  domain: 'contoso.com',
  userPrincipalName: 'admin@contoso.com',
  displayName: 'Contoso Admin',
  password: 'First-Admin-1!',
  confirmPassword: 'First-Admin-1!',
};

const BIN = fileURLToPath(new URL('../bin/federa-idp.js', import.meta.url));

for (const dialect of DIALECTS) {
  describe(`first administrator on ${dialect}`, () => {
    test('a fresh install shows the first-administrator form on the first visit, and never again once it is used', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const browser = new Browser(idp.app);
      const first = await browser.get('/portal');
      assert.equal(first.statusCode, 200);
      assert.match(first.body, /This directory has no administrator yet/);
      assert.match(first.body, /Create the first administrator/);
      assert.equal((await browser.get('/portal/users')).headers.location, '/portal');

      const refused = await browser.post('/portal/setup', SETUP, { csrf: false });
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /csrf_failed/);

      const invalid = await browser.post('/portal/setup', {
        ...SETUP,
        domain: 'not a domain',
        password: 'short',
        confirmPassword: 'short',
      });
      assert.equal(invalid.statusCode, 400);
      assert.match(invalid.body, /id="f-domain-error"/);
      assert.match(invalid.body, /id="f-password-error"/);
      assert.doesNotMatch(invalid.body, /value="short"/, 'a password is never written back into the page');
      assert.equal(
        (await idp.deps.db.selectFrom('tenants').selectAll().execute()).length,
        0,
        'nothing half-saved',
      );

      const created = await browser.post('/portal/setup', SETUP);
      assert.equal(created.statusCode, 303);
      assert.equal(created.headers.location, '/portal');
      const overview = await browser.get('/portal');
      assert.equal(overview.statusCode, 200);
      assert.match(overview.body, /Contoso \| Overview/);
      assert.match(overview.body, /Tenant Contoso is ready/);
      assert.doesNotMatch(overview.body, /Create the first administrator/);

      const stranger = new Browser(idp.app);
      const later = await stranger.get('/portal');
      assert.equal(later.statusCode, 303, 'the form is gone: sign in instead');
      assert.equal(later.headers.location, '/common/login?return=%2Fportal');
      assert.equal((await stranger.get('/portal/setup')).headers.location, '/portal');
      await stranger.get('/common/login');
      assert.equal(
        (
          await stranger.post('/portal/setup', {
            ...SETUP,
            domain: 'fabrikam.com',
            userPrincipalName: 'admin@fabrikam.com',
          })
        ).statusCode,
        409,
      );

      const tenant = (await idp.deps.db.selectFrom('tenants').select('id').executeTakeFirstOrThrow()).id;
      const activities = (await listAudit(idp.deps.db, tenant)).map((e) => e.activity).sort();
      assert.deepEqual(activities, ['Add user', 'Create tenant']);
    });

    test('federa-idp create-admin makes an administrator, prints the password once, and it signs in to the portal', async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'federa-idp-cli-'));
      const databaseUrl = dialect === 'sqlite' ? join(dir, 'idp.sqlite') : await freshDatabaseUrl('postgres');
      const env = {
        ...process.env,
        DATABASE_URL: databaseUrl,
        IDP_SECRET_KEY: '07'.repeat(32),
        LOG_LEVEL: 'silent',
      };
      const run = spawnSync(
        process.execPath,
        [BIN, 'create-admin', '--email', 'admin@fabrikam.com', '--tenant-name', 'Fabrikam'],
        { cwd: dir, env, encoding: 'utf8' },
      );
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /Created tenant Fabrikam/);
      const password = /Password \(shown only now\): (\S+)/.exec(run.stdout)?.[1];
      assert.ok(password);
      const again = spawnSync(process.execPath, [BIN, 'create-admin', '--email', 'admin@fabrikam.com'], {
        cwd: dir,
        env,
        encoding: 'utf8',
      });
      assert.equal(again.status, 1);
      assert.match(again.stderr, /already has the user name/);
      const usage = spawnSync(process.execPath, [BIN, 'create-admin'], { cwd: dir, env, encoding: 'utf8' });
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /--email/);

      const database = connectDatabase<IdpDatabase>(databaseUrl);
      const app = await buildApp({
        database,
        config: testConfig(),
        clock: new ManualClock(new Date()),
        random: systemRandom,
        logger: createLogger('t', 'silent'),
      });
      t.after(async () => {
        await app.close();
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      });
      const browser = new Browser(app);
      const signedIn = await browser.signIn(
        'admin@fabrikam.com',
        password,
        await browser.follow(await browser.get('/portal')),
      );
      assert.equal(signedIn.headers.location, '/portal');
      assert.match((await browser.get('/portal')).body, /Fabrikam \| Overview/);
    });
  });
}
