import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectDatabase, createLogger, migrateToLatest } from '@federa/kit';
import { systemRandom } from '@federa/saml';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { freshDatabaseUrl } from '../../../../test/support/databases.ts';
import { apiClient, tokenFor } from '../../test/support/api.ts';
import { Browser, samlPostOf } from '../../test/support/browser.ts';
import {
  DIALECTS,
  ManualClock,
  TEST_ACTOR,
  type TestDialect,
  testConfig,
} from '../../test/support/harness.ts';
import { seedContoso, USER_PASSWORD } from '../../test/support/seed.ts';
import { redirectRequest } from '../../test/support/sp.ts';
import { buildApp } from '../app.ts';
import type { IdpConfig } from '../config.ts';
import { migrations } from '../db/migrations.ts';
import type { IdpDatabase } from '../db/schema.ts';
import { listSignInLogs } from '../sign-in-logs/sign-in-logs.repository.ts';
import type { SsoError } from '../sso/sso-error.ts';
import { createNamedLocation, createPolicy } from './conditional-access.service.ts';
import { enforceConditionalAccess, requireGrantsDone } from './sign-in.ts';
import { conditionalAccessOf } from './sign-in-log.ts';

const WINDOWS_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

/** The Directory with its own settings (here: which proxies to trust), as `startIdp` starts it. */
async function startDirectory(dialect: TestDialect, overrides: Partial<IdpConfig> = {}) {
  const database = connectDatabase<IdpDatabase>(await freshDatabaseUrl(dialect), { poolSize: 4 });
  await migrateToLatest(database.db as unknown as Kysely<unknown>, migrations);
  const clock = new ManualClock();
  const app = await buildApp({
    database,
    config: testConfig(overrides),
    clock,
    random: systemRandom,
    logger: createLogger('idp-test', 'silent'),
  });
  return {
    app,
    deps: app.deps,
    clock,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}
type Directory = Awaited<ReturnType<typeof startDirectory>>;

/** A browser whose requests arrive through a proxy that says the client is `forwardedFor`. */
class ProxiedBrowser extends Browser {
  readonly forwardedFor: string | null;
  constructor(app: Directory['app'], forwardedFor: string | null, userAgent = WINDOWS_UA) {
    super(app, userAgent);
    this.forwardedFor = forwardedFor;
  }
  private extra(): Record<string, string> {
    return this.forwardedFor ? { 'x-forwarded-for': this.forwardedFor } : {};
  }
  override get(url: string, headers: Record<string, string> = {}) {
    return super.get(url, { ...this.extra(), ...headers });
  }
  override post(
    url: string,
    fields: Record<string, string>,
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ) {
    return super.post(url, fields, { ...options, headers: { ...this.extra(), ...options.headers } });
  }
}

/** B.Simon's SP-initiated sign-in to Sentry, from the SP's request to the page the Directory answers. */
async function signInToSentry(idp: Directory, browser: Browser) {
  const login = await browser.follow(await browser.get(redirectRequest(idp.clock).url));
  return browser.signIn('B.Simon@contoso.com', USER_PASSWORD, login);
}

async function lastLog(idp: Directory, tenantId: string) {
  return (await listSignInLogs(idp.deps.db, tenantId))[0]!;
}

const policyFor = (contoso: Awaited<ReturnType<typeof seedContoso>>, overrides: Record<string, unknown>) => ({
  displayName: 'Policy',
  state: 'enabled',
  conditions: {
    users: { includeUsers: ['All'], excludeUsers: [contoso.admin.id] },
    applications: { includeApplications: [contoso.app.appId] },
  },
  grantControls: { operator: 'OR', builtInControls: ['block'] },
  ...overrides,
});

for (const dialect of DIALECTS) {
  describe(`Conditional Access at SAML sign-in on ${dialect}`, () => {
    test('a blocking policy gives AADSTS53003 naming the policy, logged as a failure with its CA result', async (t) => {
      const idp = await startDirectory(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const policy = await createPolicy(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        policyFor(contoso, { displayName: 'Block Sentry' }),
      );
      const page = await signInToSentry(idp, new Browser(idp.app, WINDOWS_UA));
      assert.equal(page.statusCode, 403);
      assert.match(page.body, /Sorry, but we’re having trouble signing you in\./);
      assert.match(page.body, /AADSTS53003/);
      assert.match(page.body, /Access has been blocked by Conditional Access policies/);
      assert.match(page.body, /Request Id<\/dt><dd>[0-9a-f-]{36}</);
      assert.match(page.body, /Correlation Id<\/dt><dd>[0-9a-f-]{36}</);
      assert.match(page.body, /Timestamp<\/dt><dd>\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ</);
      assert.match(page.body, /Block Sentry/, 'which policy blocked');
      assert.doesNotMatch(page.body, /federa-saml-post/, 'no response is issued');

      const log = await lastLog(idp, contoso.tenant.id);
      assert.equal(log.result, 'failure');
      assert.equal(log.errorCode, 'AADSTS53003');
      assert.equal(log.checkName, 'conditional-access');
      assert.equal(log.conditionalAccess?.status, 'failure');
      assert.deepEqual(
        log.conditionalAccess?.policies.map((p) => [p.id, p.result, p.enforcedGrantControls]),
        [[policy.id, 'failure', ['Block']]],
      );
      const api = apiClient(idp.app, await tokenFor(idp.deps, contoso.admin));
      const entry = (await api.get('/signInLogs?result=failure')).body.value[0];
      assert.equal(entry.conditionalAccessStatus, 'failure');
      assert.equal(entry.appliedConditionalAccessPolicies[0].displayName, 'Block Sentry');
      assert.equal(entry.appliedConditionalAccessPolicies[0].result, 'failure');
    });

    test('a user excluded from the block is not blocked; the log says notApplied and why', async (t) => {
      const idp = await startDirectory(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await createPolicy(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        policyFor(contoso, {
          conditions: {
            users: { includeUsers: ['All'], excludeUsers: [contoso.simon.id] },
            applications: { includeApplications: [contoso.app.appId] },
          },
        }),
      );
      const page = await signInToSentry(idp, new Browser(idp.app, WINDOWS_UA));
      assert.equal(page.statusCode, 200, page.body.slice(0, 500));
      samlPostOf(page.body);
      const log = await lastLog(idp, contoso.tenant.id);
      assert.equal(log.result, 'success');
      assert.equal(log.conditionalAccess?.status, 'notApplied');
      assert.equal(log.conditionalAccess?.policies[0]?.result, 'notApplied');
      assert.equal(log.conditionalAccess?.policies[0]?.conditionsNotSatisfied, 'users');
    });

    test('a policy made after sign-ins were answered applies to the next one (the cached policies are dropped); an IdP-initiated sign-in too', async (t) => {
      const idp = await startDirectory(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app, WINDOWS_UA);
      samlPostOf((await signInToSentry(idp, browser)).body);
      samlPostOf((await browser.follow(await browser.get(redirectRequest(idp.clock).url))).body);
      await createPolicy(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        policyFor(contoso, { displayName: 'Block Sentry' }),
      );
      const next = await browser.follow(await browser.get(redirectRequest(idp.clock).url));
      assert.match(next.body, /AADSTS53003/);
      // IdP-initiated ("Test this application", mode=idp) goes through the same completion.
      const launch = await browser.follow(
        await browser.get(`/myapps/signin/${contoso.app.appId}?tenantId=${contoso.tenant.id}&mode=idp`),
      );
      assert.match(launch.body, /AADSTS53003/);
      assert.match(launch.body, /Block Sentry/);
    });

    test('report-only blocks nothing, and the log says what it would have done', async (t) => {
      const idp = await startDirectory(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await createPolicy(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        policyFor(contoso, { state: 'enabledForReportingButNotEnforced' }),
      );
      const page = await signInToSentry(idp, new Browser(idp.app, WINDOWS_UA));
      samlPostOf(page.body);
      const log = await lastLog(idp, contoso.tenant.id);
      assert.equal(log.result, 'success');
      assert.equal(log.conditionalAccess?.policies[0]?.result, 'reportOnlyFailure');
      assert.equal(log.conditionalAccess?.status, 'notApplied');
    });

    test('device platform from the User-Agent: an iPhone is blocked, Windows is not', async (t) => {
      const idp = await startDirectory(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await createPolicy(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        policyFor(contoso, {
          conditions: {
            users: { includeUsers: ['All'], excludeUsers: [contoso.admin.id] },
            applications: { includeApplications: [contoso.app.appId] },
            platforms: { includePlatforms: ['iOS', 'android'] },
          },
        }),
      );
      assert.match((await signInToSentry(idp, new Browser(idp.app, IPHONE_UA))).body, /AADSTS53003/);
      samlPostOf((await signInToSentry(idp, new Browser(idp.app, WINDOWS_UA))).body);
    });

    test('named locations see X-Forwarded-For behind a trusted proxy, and only then', async (t) => {
      const proxied = await startDirectory(dialect, { trustProxy: ['127.0.0.1'] });
      const direct = await startDirectory(dialect);
      t.after(() => Promise.all([proxied.close(), direct.close()]));
      for (const idp of [proxied, direct]) {
        const contoso = await seedContoso(idp.deps);
        await createNamedLocation(idp.deps, TEST_ACTOR, contoso.tenant.id, {
          displayName: 'Contoso office',
          isTrusted: true,
          ipRanges: [{ cidrAddress: '203.0.113.0/24' }],
        });
        await createPolicy(
          idp.deps,
          TEST_ACTOR,
          contoso.tenant.id,
          policyFor(contoso, {
            displayName: 'Block outside Contoso’s network',
            conditions: {
              users: { includeUsers: ['All'], excludeUsers: [contoso.admin.id] },
              applications: { includeApplications: ['All'] },
              locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
            },
          }),
        );
      }
      // Behind the trusted proxy (inject connects from 127.0.0.1), the forwarded client address counts.
      const inOffice = await signInToSentry(proxied, new ProxiedBrowser(proxied.app, '203.0.113.7'));
      samlPostOf(inOffice.body);
      const proxiedLog = (await listSignInLogs(proxied.deps.db, await lastLogTenant(proxied)))[0]!;
      assert.equal(proxiedLog.ipAddress, '203.0.113.7');
      assert.deepEqual(
        proxiedLog.conditionalAccess?.namedLocations.map((l) => l.displayName),
        ['Contoso office'],
      );
      const elsewhere = await signInToSentry(proxied, new ProxiedBrowser(proxied.app, '192.0.2.44'));
      assert.match(elsewhere.body, /AADSTS53003/);
      assert.match(elsewhere.body, /Block outside Contoso’s network/);
      // Reached directly, the same header is anyone's to write: the connection's address counts.
      const spoofed = await signInToSentry(direct, new ProxiedBrowser(direct.app, '203.0.113.7'));
      assert.match(spoofed.body, /AADSTS53003/);
      const directLog = (await listSignInLogs(direct.deps.db, await lastLogTenant(direct)))[0]!;
      assert.equal(directLog.ipAddress, '127.0.0.1');
    });

    test('sign-in frequency: within it the session signs in, past it the password is asked again (injected clock)', async (t) => {
      const idp = await startDirectory(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await createPolicy(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        policyFor(contoso, {
          grantControls: null,
          sessionControls: {
            signInFrequency: { isEnabled: true, type: 'hours', value: 1, frequencyInterval: 'timeBased' },
          },
        }),
      );
      const browser = new Browser(idp.app, WINDOWS_UA);
      samlPostOf((await signInToSentry(idp, browser)).body);
      idp.clock.advance(50 * 60);
      const again = await browser.follow(await browser.get(redirectRequest(idp.clock).url));
      samlPostOf(again.body);
      idp.clock.advance(11 * 60);
      const late = await browser.get(redirectRequest(idp.clock).url);
      assert.equal(late.statusCode, 303);
      const prompt = await browser.follow(late);
      assert.match(String(prompt.body), /name="password"/, 'the sign-in page asks for the password again');
      samlPostOf((await browser.signIn('B.Simon@contoso.com', USER_PASSWORD, prompt)).body);
    });

    test('every time: a new sign-in is asked after five minutes, not within them', async (t) => {
      const idp = await startDirectory(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await createPolicy(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        policyFor(contoso, {
          grantControls: null,
          sessionControls: {
            signInFrequency: { isEnabled: true, type: null, value: null, frequencyInterval: 'everyTime' },
          },
        }),
      );
      const browser = new Browser(idp.app, WINDOWS_UA);
      samlPostOf((await signInToSentry(idp, browser)).body);
      idp.clock.advance(4 * 60);
      samlPostOf((await browser.follow(await browser.get(redirectRequest(idp.clock).url))).body);
      idp.clock.advance(2 * 60);
      const prompt = await browser.follow(await browser.get(redirectRequest(idp.clock).url));
      assert.match(String(prompt.body), /name="password"/);
    });

    test('Require MFA for Sentry: after the password the sign-in asks for a second factor, and issues nothing yet', async (t) => {
      const idp = await startDirectory(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await createPolicy(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        policyFor(contoso, {
          displayName: 'Require MFA for Sentry',
          grantControls: { operator: 'OR', builtInControls: ['mfa'] },
        }),
      );
      const browser = new Browser(idp.app, WINDOWS_UA);
      const page = await browser.follow(await signInToSentry(idp, browser));
      assert.doesNotMatch(page.body, /federa-saml-post/);
      assert.match(page.body, /More information required|Verify your identity|Enter code/);
    });

    test('a grant still not done when the response would be issued refuses with AADSTS50076 (never a response without it)', async (t) => {
      const idp = await startDirectory(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await createPolicy(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        policyFor(contoso, {
          displayName: 'Require phishing-resistant MFA for Sentry',
          grantControls: {
            operator: 'OR',
            builtInControls: [],
            authenticationStrength: { id: '00000000-0000-0000-0000-000000000004' },
          },
        }),
      );
      const request = {
        ip: '192.0.2.1',
        headers: { 'user-agent': WINDOWS_UA },
        log: { info() {} },
      } as unknown as FastifyRequest;
      const signIn = {
        tenantId: contoso.tenant.id,
        appId: contoso.app.appId,
        appName: 'Sentry',
        userId: contoso.simon.id,
        auth: {
          userId: contoso.simon.id,
          tenantId: contoso.tenant.id,
          authnInstant: idp.clock.now().toISOString(),
          sessionIndex: '_s',
          methods: [
            { method: 'password' as const, at: idp.clock.now().toISOString() },
            { method: 'totp' as const, at: idp.clock.now().toISOString() },
          ],
        },
      };
      const { outcome } = await enforceConditionalAccess(idp.deps, request, signIn);
      assert.throws(
        () => requireGrantsDone(outcome, 'Sentry'),
        (error: SsoError) => {
          assert.equal(error.code, 'AADSTS50076');
          assert.equal(error.check, 'conditional-access');
          assert.match(error.adminAction, /Require phishing-resistant MFA for Sentry/);
          return true;
        },
      );
      const withPasskey = await enforceConditionalAccess(idp.deps, request, {
        ...signIn,
        auth: {
          ...signIn.auth,
          methods: [...signIn.auth.methods, { method: 'passkey' as 'totp', at: signIn.auth.authnInstant }],
        },
      });
      assert.doesNotThrow(() => requireGrantsDone(withPasskey.outcome, 'Sentry'), 'a passkey satisfies it');
      await enforceConditionalAccess(idp.deps, request, signIn);
      assert.equal(conditionalAccessOf(request)?.status, 'failure', 'the outcome waits for the log row');
      assert.deepEqual(conditionalAccessOf(request)?.requiredGrants, ['phishingResistantMfa']);
    });
  });
}

async function lastLogTenant(idp: Directory): Promise<string> {
  const row = await idp.deps.db.selectFrom('tenants').select('id').executeTakeFirstOrThrow();
  return row.id;
}
