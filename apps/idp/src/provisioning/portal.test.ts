// The Provisioning blade in the admin portal: Entra's defaults, Save with the Secret Token (sealed,
// never shown again), Test Connection, the mappings editor, on demand, restart, the logs page; and the
// token in no log line, page, audit entry or provisioning log.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { connectDatabase, migrateToLatest } from '@federa/kit';
import { systemRandom } from '@federa/saml';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { freshDatabaseUrl } from '../../../../test/support/databases.ts';
import { Browser, decodeEntities } from '../../test/support/browser.ts';
import { DIALECTS, ManualClock, testConfig } from '../../test/support/harness.ts';
import { ADMIN_PASSWORD, seedContoso } from '../../test/support/seed.ts';
import { buildApp } from '../app.ts';
import { migrations } from '../db/migrations.ts';
import type { IdpDatabase } from '../db/schema.ts';
import { findProvisioningConfig } from './config.repository.ts';
import { runProvisioningCycle } from './cycle.ts';
import { startFakeScim } from './test-support/fake-scim.ts';

/** The Directory with every log line (trace level) kept in `lines`. */
async function directoryWithLogs(dialect: (typeof DIALECTS)[number]) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const database = connectDatabase<IdpDatabase>(await freshDatabaseUrl(dialect), { poolSize: 4 });
  await migrateToLatest(database.db as unknown as Kysely<unknown>, migrations);
  const logger = pino({ level: 'trace' }, stream);
  const app = await buildApp({
    database,
    config: testConfig({ allowLoopbackScim: true }),
    clock: new ManualClock(),
    random: systemRandom,
    logger,
  });
  return {
    app,
    logger,
    lines,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`the Provisioning blade on ${dialect}`, () => {
    test('configure, test, map, provision on demand, restart and read the logs; the token is never shown or logged', async (c) => {
      const idp = await directoryWithLogs(dialect);
      const scim = await startFakeScim();
      c.after(async () => {
        await idp.close();
        await scim.close();
      });
      const contoso = await seedContoso(idp.app.deps);
      const browser = new Browser(idp.app);
      await browser.signIn(
        'admin@contoso.com',
        ADMIN_PASSWORD,
        await browser.follow(await browser.get('/portal')),
      );
      const base = `/portal/applications/${contoso.app.id}/provisioning`;

      // The Manage menu links the blade; the gallery's Sentry comes with its Tenant URL filled in.
      const overview = await browser.get(`/portal/applications/${contoso.app.id}`);
      assert.match(overview.body, new RegExp(`href="${base}"`));
      const blank = await browser.get(base);
      assert.equal(blank.statusCode, 200);
      assert.match(blank.body, /value="http:\/\/localhost:5000\/api\/0\/organizations\/acme\/scim\/v2\/"/);
      const text = decodeEntities(blank.body);
      assert.ok(text.includes('https://<SENTRY_HOST>/api/0/organizations/<ORGANIZATION_SLUG>/scim/v2/'));
      for (const target of [
        'userName',
        'emails[type eq "work"].value',
        'name.givenName',
        'name.familyName',
        'externalId',
        'active',
      ]) {
        assert.ok(text.includes(`<code>${target}</code>`), target);
      }

      const form = {
        mode: 'automatic',
        tenantUrl: scim.url,
        secretToken: scim.token,
        scope: 'assigned',
        provisionGroups: 'on',
        notifyOnFailure: 'on',
        status: 'off',
      };
      // Test Connection: a wrong token is refused with the target's answer; the right one passes.
      const refused = await browser.post(`${base}/test`, { ...form, secretToken: 'wrong-token' });
      assert.match(refused.body, /data-test-connection="HTTP_STATUS"/);
      assert.match(refused.body, /401/);
      const tested = await browser.post(`${base}/test`, form);
      assert.match(tested.body, /data-test-connection="ok"/);
      assert.ok(!tested.body.includes(scim.token), 'the token is not echoed');
      const probe = scim.requests.find((r) => r.method === 'GET');
      assert.match(decodeURIComponent(probe?.url ?? ''), /^\/scim\/Users\?filter=userName eq "federa-test-/);

      assert.equal((await browser.post(base, form)).statusCode, 303);
      const saved = await findProvisioningConfig(idp.app.deps.db, contoso.app.id);
      assert.ok(saved?.secretSealed && !saved.secretSealed.includes(scim.token), 'sealed at rest');
      const page = await browser.get(base);
      assert.match(page.body, /A token is saved/);
      assert.ok(!page.body.includes(scim.token));
      // Saving again with the token left blank keeps it.
      assert.equal((await browser.post(base, { ...form, secretToken: '', status: 'on' })).statusCode, 303);
      assert.equal((await findProvisioningConfig(idp.app.deps.db, contoso.app.id))?.statusOn, true);
      assert.equal((await browser.post(base, { ...form, tenantUrl: 'ftp://x/' })).statusCode, 400);
      // The stored token is never sent to another Tenant URL (typed in with the token left blank).
      const elsewhere = await browser.post(`${base}/test`, {
        ...form,
        tenantUrl: 'http://127.0.0.1:9/other/',
        secretToken: '',
      });
      assert.match(elsewhere.body, /data-test-connection="TOKEN_MISSING"/);
      assert.equal(
        (await browser.post(base, { ...form, tenantUrl: 'http://127.0.0.1:9/other/', secretToken: '' }))
          .statusCode,
        400,
      );

      // Mappings: add (a constant), edit it, refuse a bad path, remove it; the matching one stays.
      assert.equal((await browser.get(`${base}/mappings/new`)).statusCode, 200);
      assert.equal(
        (
          await browser.post(`${base}/mappings`, {
            kind: 'constant',
            source: 'Engineering',
            target: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
            apply: 'always',
          })
        ).statusCode,
        303,
      );
      const mappings = () =>
        findProvisioningConfig(idp.app.deps.db, contoso.app.id).then((cfg) => cfg!.userMappings);
      const index = (await mappings()).length - 1;
      assert.equal((await browser.get(`${base}/mappings/${index}`)).statusCode, 200);
      assert.equal(
        (
          await browser.post(`${base}/mappings/${index}`, {
            kind: 'constant',
            source: 'Ops',
            target: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
            apply: 'create',
          })
        ).statusCode,
        303,
      );
      assert.equal((await mappings())[index]?.source, 'Ops');
      assert.equal(
        (
          await browser.post(`${base}/mappings`, {
            kind: 'direct',
            source: 'mail',
            target: 'nosuch.attribute',
          })
        ).statusCode,
        400,
      );
      assert.equal(
        (await browser.post(`${base}/mappings/0/remove`, {})).statusCode,
        400,
        'the matching attribute stays',
      );

      // Provision on demand shows its steps; the cycle sends the mapped constant on create only.
      const onDemand = await browser.post(`${base}/on-demand`, { userId: contoso.simon.id });
      assert.match(
        onDemand.body,
        /Import user[\s\S]*Determine if in scope[\s\S]*Match user[\s\S]*Perform action/,
      );
      const created = scim.requests.find((r) => r.method === 'POST')?.body as Record<
        string,
        Record<string, string>
      >;
      assert.equal(created['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']?.department, 'Ops');
      assert.equal((await browser.post(`${base}/mappings/${index}/remove`, {})).statusCode, 303);
      assert.equal((await mappings()).length, index);

      const logs = await browser.get(`${base}/logs`);
      assert.equal(logs.statusCode, 200);
      assert.match(logs.body, /B\.Simon@contoso\.com[\s\S]*create[\s\S]*success[\s\S]*t-1/);

      // Restart: the next cycle is an initial one, matching again.
      assert.equal((await browser.post(`${base}/restart`, {})).statusCode, 303);
      const restarted = await runProvisioningCycle(idp.app.deps, contoso.app.id, {
        holder: 'test',
        logger: idp.logger,
      });
      assert.ok(restarted.ran && restarted.summary.kind === 'initial');

      // A cycle refused by the target (wrong token) logs its failure: still no token anywhere.
      await browser.post(base, { ...form, secretToken: 'another-secret-value-9f1e', status: 'on' });
      await browser.post(`${base}/restart`, {});
      const failing = await runProvisioningCycle(idp.app.deps, contoso.app.id, {
        holder: 'test',
        logger: idp.logger,
      });
      assert.ok(failing.ran && failing.fatal?.status === 401);
      const logText = idp.lines.join('');
      assert.ok(
        idp.lines.some((line) => line.includes('provisioning action')),
        'cycles write log lines',
      );
      for (const secret of [scim.token, 'another-secret-value-9f1e', 'wrong-token']) {
        assert.ok(!logText.includes(secret), 'no token in a log line');
        const audit = await idp.app.deps.db.selectFrom('audit_log').select('details').execute();
        assert.ok(!JSON.stringify(audit).includes(secret), 'no token in the audit log');
        const rows = await idp.app.deps.db.selectFrom('provisioning_logs').selectAll().execute();
        assert.ok(!JSON.stringify(rows).includes(secret), 'no token in the provisioning logs');
      }
      assert.ok(!logText.includes('B.Simon@contoso.com'), 'log lines carry ids, not user names');
    });
  });
}
