// Conditional Access end to end in Chromium, against both services as real processes (seeded as
// `npm start` seeds the demo), on SQLite: B.Simon registers an authenticator app; the admin makes
// *Require MFA for Sentry* in the portal, and B.Simon's next SP-initiated sign-in to the Workspace asks
// for the code, then "Stay signed in?" (turned on in User settings; Yes makes the Directory's cookie
// persistent), and the Workspace's members list shows "Password, MFA" for her; *Block outside
// Contoso's network* (named location 127.0.0.0/8 trusted) shows AADSTS53003 to a browser whose
// address (X-Forwarded-For, through the Directory's IDP_TRUST_PROXY) is elsewhere, and the sign-in
// log's detail names the policy; a report-only policy made through the Graph-shaped admin API shows
// in the log and blocks nothing; What If agrees with ten real sign-ins. FEDERA_SCREENSHOTS=docs saves
// docs/images/conditional-access/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiToken, type Deps, type IdpDatabase, loadConfig } from '@federa/idp';
import { connectDatabase } from '@federa/kit';
import { systemClock, systemRandom } from '@federa/saml';
import type { Browser, Page } from 'playwright-core';
import { totpKeyOf } from '../../apps/idp/src/mfa/totp.ts';
import { codeAt } from '../../apps/idp/test/support/mfa.ts';
import { launchChromium } from '../support/browser.ts';
import { type Cluster, ORGANIZATION, PASSWORD, startCluster } from '../support/cluster.ts';
import { arriveAt, see, seeHeading, signInAtDirectory } from './support/pages.ts';
import { STEP_TIMEOUT_MS } from './support/world.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const SHOTS =
  process.env.FEDERA_SCREENSHOTS === 'docs'
    ? join(ROOT, 'docs/images/conditional-access')
    : join(mkdtempSync(join(tmpdir(), 'federa-ca-')), 'screenshots');
mkdirSync(SHOTS, { recursive: true });
const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

const MFA_POLICY = 'Require MFA for Sentry';
const BLOCK_POLICY = 'Block outside Contoso’s network';
const REPORT_ONLY_POLICY = 'Report-only: block iOS';
const OTHER_USER = 'user00000@contoso.com';

const USER_AGENTS = {
  windows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  iOS: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  macOS:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
  linux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  android:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
} as const;
type PlatformName = keyof typeof USER_AGENTS;

/** What a sign-in came to: the Workspace, the second factor, or a block naming its policy. */
type Ending = { kind: 'allowed' } | { kind: 'mfa' } | { kind: 'blocked'; policy: string };

describe('Conditional Access, MFA and “Stay signed in?” in Chromium, against the services as processes', {
  timeout: 600_000,
}, () => {
  let cluster: Cluster | null = null;
  let browser: Browser | null = null;
  let token = '';
  let idpUrl = '';
  let spUrl = '';
  let admin: Page;
  let totpKey: Uint8Array;
  let lastStep = 0;

  async function window(options: { ip?: string; platform?: PlatformName } = {}): Promise<Page> {
    const context = await browser!.newContext({
      viewport: { width: 1280, height: 900 },
      userAgent: options.platform ? USER_AGENTS[options.platform] : undefined,
      // The Directory trusts the proxy at 127.0.0.1 (IDP_TRUST_PROXY): this is the client's address.
      extraHTTPHeaders: options.ip ? { 'X-Forwarded-For': options.ip } : undefined,
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    return context.newPage();
  }

  /** Graph-shaped admin API of the Directory, with a token of Contoso's administrator. */
  async function api(method: string, path: string, body?: unknown) {
    const response = await fetch(`${idpUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  /** A TOTP code B.Simon's app shows now, never one of a time-step already used (a code counts once). */
  async function nextCode(): Promise<string> {
    const deps = { clock: systemClock };
    const now = Math.floor(Date.now() / 30_000);
    if (now > lastStep) {
      lastStep = now;
      return codeAt(deps, totpKey);
    }
    // The window takes the next step's code too (±1): use it once, else wait for the step after.
    if (lastStep === now) {
      lastStep = now + 1;
      return codeAt(deps, totpKey, 1);
    }
    await new Promise((r) => setTimeout(r, 31_000));
    return nextCode();
  }

  /** An SP-initiated sign-in to acme as `userName`, to where it ends. */
  async function signInToAcme(page: Page, userName: string): Promise<Ending> {
    await page.goto(`${spUrl}/auth/login/${ORGANIZATION}/`);
    await page.getByRole('button', { name: 'Continue with Active Directory' }).click();
    await signInAtDirectory(page, userName, PASSWORD);
    const blocked = page.getByText('AADSTS53003');
    const code = page.getByRole('heading', { name: 'Enter code' });
    const ended = () =>
      page.waitForFunction(
        () =>
          document.body.textContent.includes('AADSTS53003') ||
          document.body.textContent.includes('Enter code') ||
          document.body.textContent.includes('Stay signed in?') ||
          location.pathname.startsWith('/organizations/'),
      );
    await ended();
    if (await page.getByRole('heading', { name: 'Stay signed in?' }).count()) {
      await page.getByRole('button', { name: 'No', exact: true }).click();
      await arriveAt(page, (url) => url.pathname.startsWith('/organizations/'));
    }
    if (await blocked.count()) {
      const text = (await page.locator('body').textContent()) ?? '';
      const policy = /Conditional Access policy “([^”]+)”/.exec(text)?.[1] ?? '';
      return { kind: 'blocked', policy };
    }
    if (await code.count()) return { kind: 'mfa' };
    return { kind: 'allowed' };
  }

  /** The newest sign-in log row of `userName` since `since`, from the admin API. */
  async function lastSignIn(userName: string, since: string) {
    const { body } = await api(
      'GET',
      `/signInLogs?user=${encodeURIComponent(userName)}&since=${encodeURIComponent(since)}`,
    );
    return body.value[0] as
      | {
          errorCode: string | null;
          conditionalAccessStatus: string;
          appliedConditionalAccessPolicies: Array<{ displayName: string; result: string }>;
        }
      | undefined;
  }

  before(async () => {
    cluster = await startCluster({
      dialect: 'sqlite',
      idpInstances: 1,
      spInstances: 1,
      users: 1,
      // The browser reaches the Directory from 127.0.0.1; its X-Forwarded-For says where "from".
      env: { IDP_TRUST_PROXY: '127.0.0.1' },
    });
    idpUrl = cluster.idp.publicUrl;
    spUrl = cluster.sp.publicUrl;
    browser = (await launchChromium()).browser;
    // An API token of the administrator, made through the Directory's service on its database.
    const database = connectDatabase<IdpDatabase>(cluster.idp.databaseUrl);
    try {
      const { config } = loadConfig(cluster.idp.env[0]!);
      const deps: Deps = { db: database.db, clock: systemClock, random: systemRandom, config };
      const adminUser = await database.db
        .selectFrom('users')
        .select(['id', 'tenant_id'])
        .where('upn_key', '=', 'admin@contoso.com')
        .executeTakeFirstOrThrow();
      ({ secret: token } = await createApiToken(
        deps,
        { id: adminUser.id, name: 'admin@contoso.com', correlationId: null },
        adminUser.tenant_id,
        { name: 'conditional-access e2e', lifetimeDays: 7 },
      ));
    } finally {
      await database.close();
    }
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await cluster?.stop();
  });

  test('B.Simon registers an authenticator app on Security info', async () => {
    assert.ok(cluster && browser, 'the services did not start');
    const page = await window();
    await page.goto(`${idpUrl}/myapps/security-info`);
    await signInAtDirectory(page, 'B.Simon@contoso.com', PASSWORD);
    await seeHeading(page, 'Security info');
    await page.getByRole('link', { name: 'Add sign-in method' }).click();
    await seeHeading(page, 'Add an authenticator app');
    await page.getByText('Can’t scan image?').click();
    totpKey = totpKeyOf((await page.locator('#totp-secret').textContent()) ?? '');
    await page.getByLabel('Enter the 6-digit code shown in the app').fill(await nextCode());
    await page.getByRole('button', { name: 'Next' }).click();
    await see(page.getByText('Authenticator app was successfully registered.'));
    await page.context().close();
  });

  test('the admin makes named locations and “Require MFA for Sentry” in the portal, and turns on “Stay signed in?”', async () => {
    admin = await window();
    await admin.goto(`${idpUrl}/portal`);
    await signInAtDirectory(admin, 'admin@contoso.com', PASSWORD);
    await arriveAt(admin, (url) => url.pathname.startsWith('/portal'));

    for (const [name, range, trusted] of [
      ['Contoso network', '127.0.0.0/8', true],
      ['Partner network', '198.51.100.0/24', false],
    ] as const) {
      await admin.goto(`${idpUrl}/portal/conditional-access/named-locations/new`);
      await admin.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
      await admin.getByLabel('IP ranges (CIDR, one a line)').fill(range);
      if (trusted) await admin.getByLabel('Mark as trusted location').check();
      await admin.getByRole('button', { name: 'Create' }).click();
      await see(admin.getByRole('link', { name, exact: true }));
    }
    await screenshot(admin, '01-named-locations');

    await admin.goto(`${idpUrl}/portal/conditional-access/policies/new`);
    await admin.getByRole('textbox', { name: 'Name', exact: true }).fill(MFA_POLICY);
    await admin.getByRole('radio', { name: 'Select users and groups' }).check();
    await admin.getByRole('group', { name: 'Selected users' }).getByLabel('B.Simon').check();
    await admin.getByRole('radio', { name: 'Select resources' }).check();
    await admin.getByRole('group', { name: 'Selected applications' }).getByLabel('Sentry').check();
    await admin.getByRole('radio', { name: 'Grant access' }).check();
    await admin.getByRole('checkbox', { name: 'Require multifactor authentication' }).check();
    await admin.getByRole('radio', { name: 'On', exact: true }).check();
    await screenshot(admin, '02-new-policy-require-mfa');
    await admin.getByRole('button', { name: 'Create', exact: true }).click();
    await see(admin.getByRole('link', { name: MFA_POLICY }));
    await screenshot(admin, '03-policies');

    await admin.goto(`${idpUrl}/portal/users`);
    await admin.getByRole('link', { name: 'User settings' }).click();
    await seeHeading(admin, 'User settings');
    await admin.getByRole('group', { name: 'Show keep user signed in' }).getByLabel('Yes').check();
    await admin.getByRole('button', { name: 'Save' }).click();
    await see(admin.getByText('Users are asked “Stay signed in?” after they sign in.'));
    await screenshot(admin, '04-user-settings');
  });

  test('B.Simon’s next sign-in to the Workspace asks for the code, then “Stay signed in?”; the Workspace sees MFA', async () => {
    const page = await window();
    assert.deepEqual(await signInToAcme(page, 'B.Simon@contoso.com'), { kind: 'mfa' });
    await screenshot(page, '05-enter-code');
    await page.getByRole('textbox', { name: 'Code' }).fill(await nextCode());
    await page.getByRole('button', { name: 'Verify' }).click();
    await seeHeading(page, 'Stay signed in?');
    await screenshot(page, '06-stay-signed-in');
    await page.getByRole('button', { name: 'Yes' }).click();
    await arriveAt(page, (url) => url.pathname === `/organizations/${ORGANIZATION}/`);
    const session = (await page.context().cookies(idpUrl)).find((c) => c.name === 'federa_idp_session');
    assert.ok(session && session.expires > Date.now() / 1000 + 3600, 'Yes: a persistent Directory cookie');
    await page.context().close();

    const owner = await window();
    await owner.goto(`${spUrl}/auth/login/`);
    await owner.getByLabel('Email').fill('owner@acme.test');
    await owner.getByLabel('Password').fill(PASSWORD);
    await owner.getByRole('button', { name: 'Sign in' }).click();
    await owner.goto(`${spUrl}/settings/${ORGANIZATION}/members/`);
    const row = owner.getByRole('row').filter({ hasText: 'b.simon@contoso.com' });
    await see(row);
    assert.match((await row.textContent()) ?? '', /Password, MFA/);
    await screenshot(owner, '07-workspace-members-mfa');
    await owner.context().close();
  });

  test('“Block outside Contoso’s network” shows AADSTS53003 elsewhere, and the sign-in log names the policy', async () => {
    await admin.goto(`${idpUrl}/portal/conditional-access/policies/new`);
    await admin.getByRole('textbox', { name: 'Name', exact: true }).fill(BLOCK_POLICY);
    await admin.getByRole('radio', { name: 'All users' }).check();
    await admin.getByRole('radio', { name: 'Select resources' }).check();
    await admin.getByRole('group', { name: 'Selected applications' }).getByLabel('Sentry').check();
    // Conditions › Locations: Configure Yes, include Any location, exclude All trusted (the radios'
    // legends, Configure / Include / Exclude, repeat across sections, so they are found by name).
    await admin.locator('input[name="locations"][value="configured"]').check();
    await admin.locator('input[name="includeLocations"][value="All"]').check();
    await admin.locator('input[name="excludeLocations"][value="AllTrusted"]').check();
    await admin.getByRole('radio', { name: 'Block access' }).check();
    await admin.getByRole('radio', { name: 'On', exact: true }).check();
    await admin.getByRole('button', { name: 'Create', exact: true }).click();
    await see(admin.getByRole('link', { name: BLOCK_POLICY }));

    const since = new Date().toISOString();
    const away = await window({ ip: '203.0.113.7' });
    assert.deepEqual(await signInToAcme(away, 'B.Simon@contoso.com'), {
      kind: 'blocked',
      policy: BLOCK_POLICY,
    });
    await see(away.getByText('Access has been blocked by Conditional Access policies'));
    await screenshot(away, '08-aadsts53003');
    await away.context().close();

    const row = await lastSignIn('B.Simon@contoso.com', since);
    assert.equal(row?.errorCode, 'AADSTS53003');
    assert.equal(row?.conditionalAccessStatus, 'failure');
    await admin.goto(`${idpUrl}/portal/sign-ins`);
    await admin.getByRole('row').filter({ hasText: 'AADSTS53003' }).first().getByRole('link').first().click();
    // The row opens its details in the pane beside the list; its Conditional Access tab.
    await admin
      .getByRole('navigation', { name: 'Sign-in details' })
      .getByRole('link', { name: 'Conditional Access' })
      .click();
    const ca = admin
      .getByRole('region', { name: 'Conditional Access' })
      .or(
        admin
          .locator('section')
          .filter({ has: admin.getByRole('heading', { name: 'Conditional Access', exact: true }) }),
      );
    await see(ca.getByText(BLOCK_POLICY));
    assert.match((await ca.first().textContent()) ?? '', /Failure/);
    await screenshot(admin, '09-sign-in-log-conditional-access');
  });

  test('a report-only policy (made through the admin API) shows in the log and blocks nothing', async () => {
    const created = await api('POST', '/identity/conditionalAccess/policies', {
      displayName: REPORT_ONLY_POLICY,
      state: 'enabledForReportingButNotEnforced',
      conditions: {
        users: { includeUsers: ['All'] },
        applications: { includeApplications: ['All'] },
        platforms: { includePlatforms: ['iOS'] },
        clientAppTypes: ['browser'],
      },
      grantControls: { operator: 'OR', builtInControls: ['block'] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));

    const since = new Date().toISOString();
    const phone = await window({ platform: 'iOS' });
    assert.deepEqual(await signInToAcme(phone, OTHER_USER), { kind: 'allowed' });
    await phone.context().close();
    const row = await lastSignIn(OTHER_USER, since);
    const reportOnly = row?.appliedConditionalAccessPolicies.find(
      (p) => p.displayName === REPORT_ONLY_POLICY,
    );
    assert.equal(reportOnly?.result, 'reportOnlyFailure', 'it would have blocked, and did not');
    assert.equal(row?.errorCode, null);
  });

  test('What If agrees with ten real sign-ins', async () => {
    const { body: apps } = await api('GET', '/applications');
    const sentry = (apps.value as Array<{ appId: string; displayName: string }>).find(
      (a) => a.displayName === 'Sentry',
    );
    const { body: userList } = await api('GET', '/users');
    const idOf = (upn: string) =>
      (userList.value as Array<{ id: string; userPrincipalName: string }>).find(
        (u) => u.userPrincipalName.toLowerCase() === upn.toLowerCase(),
      )!.id;
    assert.ok(sentry);
    const cases: Array<{ user: string; ip: string; platform: PlatformName }> = [
      { user: 'B.Simon@contoso.com', ip: '127.0.0.1', platform: 'windows' },
      { user: 'B.Simon@contoso.com', ip: '203.0.113.7', platform: 'windows' },
      { user: 'B.Simon@contoso.com', ip: '198.51.100.9', platform: 'linux' },
      { user: 'B.Simon@contoso.com', ip: '127.0.0.1', platform: 'iOS' },
      { user: OTHER_USER, ip: '127.0.0.1', platform: 'windows' },
      { user: OTHER_USER, ip: '203.0.113.7', platform: 'windows' },
      { user: OTHER_USER, ip: '127.0.0.1', platform: 'iOS' },
      { user: OTHER_USER, ip: '198.51.100.9', platform: 'iOS' },
      { user: OTHER_USER, ip: '127.0.0.5', platform: 'macOS' },
      { user: OTHER_USER, ip: '127.0.0.1', platform: 'android' },
    ];
    let shown = false;
    const kinds = new Set<string>();
    for (const c of cases) {
      const label = `${c.user} from ${c.ip} on ${c.platform}`;
      // What If, in the portal.
      await admin.goto(
        `${idpUrl}/portal/conditional-access/what-if?user=${idOf(c.user)}&app=${sentry.appId}&ip=${c.ip}&platform=${c.platform}&clientApp=browser`,
      );
      const outcome =
        (await admin
          .locator('section')
          .filter({ has: admin.getByRole('heading', { name: 'Outcome' }) })
          .textContent()) ?? '';
      const predicted: Ending = /Blocked by/.test(outcome)
        ? { kind: 'blocked', policy: /Blocked by (.+?) \(AADSTS53003\)/.exec(outcome)![1]! }
        : /Allowed after/.test(outcome)
          ? { kind: 'mfa' }
          : { kind: 'allowed' };
      const applying = await admin
        .locator('section')
        .filter({ has: admin.getByRole('heading', { name: 'Policies that will apply' }) })
        .getByRole('row')
        .allInnerTexts();
      const predictedNames = [MFA_POLICY, BLOCK_POLICY, REPORT_ONLY_POLICY].filter((n) =>
        applying.some((r) => r.includes(n)),
      );
      if (!shown && predicted.kind === 'blocked' && c.user === OTHER_USER) {
        await screenshot(admin, '10-what-if');
        shown = true;
      }

      // The real sign-in, from that address and platform.
      const since = new Date().toISOString();
      const page = await window({ ip: c.ip, platform: c.platform });
      const ending = await signInToAcme(page, c.user);
      await page.context().close();
      assert.deepEqual(ending, predicted, label);
      kinds.add(ending.kind);
      if (ending.kind !== 'mfa') {
        // Its sign-in log row: the same policies applied (report-only ones included).
        const row = await lastSignIn(c.user, since);
        const applied = (row?.appliedConditionalAccessPolicies ?? [])
          .filter((p) => !['notApplied', 'reportOnlyNotApplied', 'notEnabled'].includes(p.result))
          .map((p) => p.displayName);
        assert.deepEqual(applied.sort(), [...predictedNames].sort(), label);
      }
    }
    assert.ok(shown);
    assert.deepEqual([...kinds].sort(), ['allowed', 'blocked', 'mfa'], 'the cases cover every outcome');
  });
});
