import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { connectDatabase, createLogger, type Database, migrateToLatest } from '@federa/kit';
import { parseCertificate, systemRandom } from '@federa/saml';
import type { Kysely, KyselyPlugin } from 'kysely';
import { freshDatabaseUrl } from '../../../test/support/databases.ts';
import { buildApp } from '../src/app.ts';
import { updateProperties } from '../src/applications/applications.service.ts';
import { updateBasicSaml } from '../src/applications/sso-settings.service.ts';
import { listAssignments } from '../src/assignments/assignments.repository.ts';
import { unassign } from '../src/assignments/assignments.service.ts';
import { activateCertificate, createCertificate } from '../src/certificates/certificates.service.ts';
import type { AppDeps } from '../src/context.ts';
import { CONFIG_TABLES, migrations } from '../src/db/migrations.ts';
import type { IdpDatabase } from '../src/db/schema.ts';
import { Browser, samlPostOf } from './support/browser.ts';
import { DIALECTS, ManualClock, TEST_ACTOR, type TestDialect, testConfig } from './support/harness.ts';
import { ACME, type Contoso, seedContoso, USER_PASSWORD } from './support/seed.ts';
import { acmeValidates, redirectRequest } from './support/sp.ts';

interface Instance {
  app: Awaited<ReturnType<typeof buildApp>>;
  deps: AppDeps;
  /** Every statement the instance ran, as SQL. */
  statements: string[];
}

/** `count` instances of the Directory on one database (a file for SQLite), each logging its SQL. */
async function instances(dialect: TestDialect, count: number) {
  const url =
    dialect === 'sqlite' && count > 1
      ? join(mkdtempSync(join(tmpdir(), 'federa-idp-')), 'idp.sqlite')
      : await freshDatabaseUrl(dialect);
  const clock = new ManualClock();
  const started: Instance[] = [];
  const databases: Database<IdpDatabase>[] = [];
  for (let i = 0; i < count; i++) {
    const database = connectDatabase<IdpDatabase>(url, { poolSize: 4 });
    databases.push(database);
    await migrateToLatest(database.db as unknown as Kysely<unknown>, migrations);
    const statements: string[] = [];
    // Noted when run (a subquery is transformed too, but never runs on its own).
    const compiled = new WeakMap<object, string>();
    const log: KyselyPlugin = {
      transformQuery(args) {
        compiled.set(args.queryId, database.db.getExecutor().compileQuery(args.node, args.queryId).sql);
        return args.node;
      },
      async transformResult(args) {
        statements.push(compiled.get(args.queryId) ?? '?');
        return args.result;
      },
    };
    const app = await buildApp({
      database: { ...database, db: database.db.withPlugin(log) },
      config: testConfig(),
      clock,
      random: systemRandom,
      logger: createLogger('idp-test', 'silent'),
    });
    started.push({ app, deps: app.deps, statements });
  }
  const close = async () => {
    for (const i of started) await i.app.close();
    for (const d of databases) await d.close();
  };
  return { instances: started, clock, close };
}

/** Polls `condition` (a notification takes a moment to arrive at another instance), two seconds at most. */
async function eventually(condition: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

/** Waits until the instance's cache keeps values (on PostgreSQL, once it hears changes). */
async function cacheKeeps(deps: AppDeps): Promise<void> {
  const kept = await eventually(async () => {
    let loads = 0;
    const probe = () => deps.cache.get('test-probe', async () => ++loads);
    await probe();
    await probe();
    return loads <= 1;
  });
  assert.ok(kept, 'the configuration cache never kept a value');
}

/** The same browser (cookies) at another instance, as behind a load balancer. */
function sameBrowserAt(browser: Browser, instance: Instance): Browser {
  const other = new Browser(instance.app);
  for (const [name, value] of browser.cookies) other.cookies.set(name, value);
  return other;
}

/**
 * Two instances, B.Simon signed in at the first; each instance has answered one sign-in since its
 * cache keeps values, so both hold the tenant and the application.
 */
async function warmPair(dialect: TestDialect) {
  const { instances: started, clock, close } = await instances(dialect, 2);
  // The tests close the pair once they have it; a warm-up that fails closes it here.
  try {
    const [a, b] = started as [Instance, Instance];
    const contoso = await seedContoso(a.deps);
    const atA = new Browser(a.app);
    await atA.signIn(
      'B.Simon@contoso.com',
      USER_PASSWORD,
      await atA.follow(await atA.get(redirectRequest(clock).url)),
    );
    const atB = sameBrowserAt(atA, b);
    const signIn = async (browser: Browser) => {
      const request = redirectRequest(clock);
      return { page: await browser.get(request.url), requestId: request.id };
    };
    for (const [instance, browser] of [
      [a, atA],
      [b, atB],
    ] as const) {
      await cacheKeeps(instance.deps);
      const { page } = await signIn(browser);
      assert.equal(page.statusCode, 200, 'answered from the SSO session');
    }
    return { a, atA, atB, clock, contoso, signIn, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Whether sign-ins at `browser` are refused with `code`. */
function refusedWith(pair: Awaited<ReturnType<typeof warmPair>>, browser: Browser, code: string) {
  return async () => (await pair.signIn(browser)).page.body.includes(code);
}

async function signedBy(
  pair: Awaited<ReturnType<typeof warmPair>>,
  browser: Browser,
  contoso: Contoso,
  certificatePem: string,
): Promise<boolean> {
  const { page, requestId } = await pair.signIn(browser);
  if (page.statusCode !== 200) return false;
  return acmeValidates(samlPostOf(page.body).xml, {
    tenant: contoso.tenant,
    certificates: [parseCertificate(certificatePem)],
    clock: pair.clock,
    requestIds: [requestId],
  }).then(
    () => true,
    () => false,
  );
}

for (const dialect of DIALECTS) {
  describe(`sign-in configuration cache on ${dialect}`, () => {
    test('a sign-in with a live session reads no configuration once the cache is warm: session, user, access, log, session update', async () => {
      const { instances: started, clock, close } = await instances(dialect, 1);
      try {
        const [idp] = started as [Instance];
        await seedContoso(idp.deps);
        const browser = new Browser(idp.app);
        await browser.signIn(
          'B.Simon@contoso.com',
          USER_PASSWORD,
          await browser.follow(await browser.get(redirectRequest(clock).url)),
        );
        await cacheKeeps(idp.deps);
        await browser.get(redirectRequest(clock).url);
        idp.statements.length = 0;
        const answered = await browser.get(redirectRequest(clock).url);
        assert.equal(samlPostOf(answered.body).action, ACME.acsUrl);
        // SQLite has no notifications: the cache compares a generation counter on every read instead.
        const queries = idp.statements.filter((s) => !s.includes('config_generation'));
        // Session, user (with its MFA facts), access, log; and the session's update, which records the
        // application and the SessionIndex of this assertion for single logout (single-logout/).
        assert.ok(queries.length <= 5, `${queries.length} queries:\n${queries.join('\n')}`);
        for (const table of CONFIG_TABLES) {
          assert.ok(!queries.some((q) => q.includes(`"${table}"`)), `${table} read:\n${queries.join('\n')}`);
        }
      } finally {
        await close();
      }
    });

    test('a disabled application is refused at once, at this instance and the other', async () => {
      const pair = await warmPair(dialect);
      try {
        await updateProperties(pair.a.deps, TEST_ACTOR, pair.contoso.tenant.id, pair.contoso.app.id, {
          displayName: 'Sentry',
          enabledForSignIn: false,
          assignmentRequired: true,
          visibleToUsers: true,
        });
        assert.ok(await refusedWith(pair, pair.atA, 'AADSTS7000112')(), 'refused at the same instance');
        assert.ok(await eventually(refusedWith(pair, pair.atB, 'AADSTS7000112')), 'refused at the other');
      } finally {
        await pair.close();
      }
    });

    test('a user whose assignment is removed is refused at once, at this instance and the other', async () => {
      const pair = await warmPair(dialect);
      try {
        const { tenant, app, simon } = pair.contoso;
        const assignment = (await listAssignments(pair.a.deps.db, app.id)).find(
          (x) => x.principalId === simon.id,
        );
        await unassign(pair.a.deps, TEST_ACTOR, tenant.id, app.id, assignment!.id);
        assert.ok(await refusedWith(pair, pair.atA, 'AADSTS50105')(), 'refused at the same instance');
        assert.ok(await eventually(refusedWith(pair, pair.atB, 'AADSTS50105')), 'refused at the other');
      } finally {
        await pair.close();
      }
    });

    test('after a certificate rollover the next response is signed with the new key, at this instance and the other', async () => {
      const pair = await warmPair(dialect);
      try {
        const { tenant, app } = pair.contoso;
        const next = await createCertificate(pair.a.deps, TEST_ACTOR, tenant.id, app.id);
        assert.ok(!(await signedBy(pair, pair.atA, pair.contoso, next.certificatePem)), 'not active yet');
        await activateCertificate(pair.a.deps, TEST_ACTOR, tenant.id, app.id, next.id);
        assert.ok(await signedBy(pair, pair.atA, pair.contoso, next.certificatePem), 'at the same instance');
        assert.ok(
          await eventually(() => signedBy(pair, pair.atB, pair.contoso, next.certificatePem)),
          'at the other',
        );
      } finally {
        await pair.close();
      }
    });

    test('a Reply URL removed is refused at once, at this instance and the other', async () => {
      const pair = await warmPair(dialect);
      try {
        await updateBasicSaml(pair.a.deps, TEST_ACTOR, pair.contoso.tenant.id, pair.contoso.app.id, {
          identifiers: [{ identifier: ACME.entityId, isDefault: true }],
          replyUrls: [{ url: 'http://localhost:5000/saml/acs/acme/other/', isDefault: true }],
          signOnUrl: ACME.signOnUrl,
        });
        assert.ok(await refusedWith(pair, pair.atA, 'AADSTS50011')(), 'refused at the same instance');
        assert.ok(await eventually(refusedWith(pair, pair.atB, 'AADSTS50011')), 'refused at the other');
      } finally {
        await pair.close();
      }
    });
  });
}
