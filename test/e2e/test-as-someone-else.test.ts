// Test single sign-on › "Sign in as someone else" in Chromium, against both services as real
// processes (seeded as `npm start` seeds the demo), on SQLite: the admin, signed in to the portal,
// opens Test for Sentry and chooses someone else, SP initiated then IdP initiated; each time a new tab
// shows the Directory's sign-in page, B.Simon signs in, and the Workspace shows B.Simon; the admin's
// portal tab still works as the admin, and the Directory's My Apps in the same browser is still the
// admin's. The route tests (apps/idp/test/test-sign-in.test.ts) cover the marker's rules.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { type Cluster, ORGANIZATION, PASSWORD, startCluster } from '../support/cluster.ts';
import { arriveAt, card, openApplication, see, seeHeading, signInAtDirectory } from './support/pages.ts';
import { STEP_TIMEOUT_MS } from './support/world.ts';

const APP = 'Sentry';
const BSIMON = 'B.Simon@contoso.com';

describe('Test single sign-on as someone else in Chromium, against the services as processes', {
  timeout: 300_000,
}, () => {
  let cluster: Cluster | null = null;
  let browser: Browser | null = null;
  let context: BrowserContext;
  let admin: Page;
  let idpUrl = '';
  let spUrl = '';

  before(async () => {
    cluster = await startCluster({ dialect: 'sqlite', idpInstances: 1, spInstances: 1, users: 0 });
    idpUrl = cluster.idp.publicUrl;
    spUrl = cluster.sp.publicUrl;
    browser = (await launchChromium()).browser;
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    admin = await context.newPage();
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await cluster?.stop();
  });

  /** Clicks a Test button of the Test page and returns the new tab it opens. */
  async function testInNewTab(name: string): Promise<Page> {
    await admin.goto(`${idpUrl}/portal`);
    await openApplication(admin, idpUrl, APP, 'Single sign-on');
    await card(admin, `5. Test single sign-on with ${APP}`).getByRole('link', { name: 'Test' }).click();
    await seeHeading(admin, `Test single sign-on with ${APP}`);
    const [tab] = await Promise.all([
      context.waitForEvent('page'),
      admin.getByRole('button', { name }).click(),
    ]);
    return tab;
  }

  /** The portal tab is still the admin's: it opens a portal page and names the admin. */
  async function adminStillSignedIn(): Promise<void> {
    await admin.goto(`${idpUrl}/portal/users`);
    await seeHeading(admin, 'Users');
    const myApps = await context.newPage();
    await myApps.goto(`${idpUrl}/myapps`);
    await seeHeading(myApps, 'My Apps');
    await see(myApps.getByRole('banner').getByText('admin@contoso.com'));
    assert.equal(await myApps.getByRole('banner').getByText(BSIMON).count(), 0);
    await myApps.close();
  }

  test('the admin signs in to the portal', async () => {
    assert.ok(cluster && browser, 'the services did not start');
    await admin.goto(`${idpUrl}/portal`);
    await signInAtDirectory(admin, 'admin@contoso.com', PASSWORD);
    await arriveAt(admin, (u) => u.pathname.startsWith('/portal'));
  });

  test('SP initiated as someone else: the new tab asks for credentials, B.Simon signs in and the Workspace shows her; the admin stays signed in', async () => {
    const tab = await testInNewTab('Test sign in as someone else (SP initiated)');
    // The Sign on URL sends a signed-out member straight to the Directory, which asks afresh.
    await arriveAt(tab, (u) => u.origin === idpUrl && u.pathname.endsWith('/login'));
    await see(tab.getByRole('region', { name: `Sign in to Contoso to continue to ${APP}` }));
    await signInAtDirectory(tab, BSIMON, PASSWORD);
    await arriveAt(tab, (u) => u.origin === spUrl && u.pathname === `/organizations/${ORGANIZATION}/`);
    await see(tab.getByRole('banner').getByText(BSIMON));
    await tab.close();
    await adminStillSignedIn();
  });

  test('IdP initiated as someone else: the same, with the user access URL’s one-off marker', async () => {
    const tab = await testInNewTab('Test sign in as someone else (IdP initiated)');
    await arriveAt(tab, (u) => u.origin === idpUrl && u.pathname.endsWith('/login'));
    await signInAtDirectory(tab, BSIMON, PASSWORD);
    await arriveAt(
      tab,
      (u) => u.origin === spUrl && u.pathname.startsWith(`/organizations/${ORGANIZATION}/`),
    );
    await see(tab.getByRole('banner').getByText(BSIMON));
    await tab.close();
    await adminStillSignedIn();
  });
});
