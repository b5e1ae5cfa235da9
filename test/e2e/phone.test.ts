// The end-user pages on a phone (issue 11): Chromium at 390 × 844 as a touch device, against Federa
// Directory and Federa Workspace as real processes seeded like the demo. A person signs in to the
// Workspace organization through the Directory, opens My Apps, and an unassigned person meets an
// AADSTS page; every page fits the screen (no sideways scrolling of the page body, the main content
// as wide as the screen), and the navigation is folded behind "Menu" until tapped. The page tour
// checks every other page at 390 px; this test adds the AADSTS page, which no GET route shows.
//
// `npm run docs:screenshots` (FEDERA_SCREENSHOTS=docs) refreshes docs/images/phone/, the pictures
// docs/tutorial.md shows under "On a phone"; otherwise the screenshots go to a temporary folder.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { type Cluster, ORGANIZATION, PASSWORD, startCluster } from '../support/cluster.ts';
import { ROOT } from '../support/processes.ts';
import { seeHeading, signInAtDirectory } from './support/pages.ts';

const TIMEOUT_MS = 15_000;
const PHONE = { width: 390, height: 844 };
const SCREENSHOTS =
  process.env.FEDERA_SCREENSHOTS === 'docs'
    ? join(ROOT, 'docs', 'images', 'phone')
    : join(mkdtempSync(join(tmpdir(), 'federa-phone-')), 'screenshots');

/** How the page sits on the screen: the width of the page body and of main, against the screen's. */
async function measure(page: Page) {
  return page.evaluate(() => ({
    screen: document.documentElement.clientWidth,
    body: document.documentElement.scrollWidth,
    main: document.querySelector('main#main')?.getBoundingClientRect().width ?? 0,
  }));
}

/** The page fits a phone's screen; its screenshot is saved as `<name>.png`. */
async function fits(page: Page, name: string): Promise<void> {
  const shown = await measure(page);
  assert.equal(shown.screen, PHONE.width, `${name}: the page is laid out for the phone's width`);
  assert.ok(
    shown.body <= shown.screen,
    `${name}: the page body is ${shown.body} px wide on a ${shown.screen} px screen`,
  );
  assert.ok(
    shown.main >= shown.screen - 2,
    `${name}: main is ${shown.main} px wide on a ${shown.screen} px screen`,
  );
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), timeout: TIMEOUT_MS });
}

describe('the end-user pages on a phone (390 px)', { timeout: 240_000 }, () => {
  let cluster: Cluster | null = null;
  let browser: Browser | null = null;

  async function phone(): Promise<Page> {
    const context = await browser!.newContext({
      viewport: PHONE,
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
    });
    context.setDefaultTimeout(TIMEOUT_MS);
    context.setDefaultNavigationTimeout(TIMEOUT_MS);
    return context.newPage();
  }

  before(
    async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      cluster = await startCluster({ dialect: 'sqlite', idpInstances: 1, spInstances: 1, users: 0 });
      browser = (await launchChromium()).browser;
    },
    { timeout: 120_000 },
  );

  after(async () => {
    await browser?.close().catch(() => {});
    await cluster?.stop();
  });

  test('B.Simon signs in to the organization through the Directory, then opens My Apps', async () => {
    assert.ok(cluster && browser, 'the services did not start');
    const page = await phone();
    await page.goto(`${cluster.sp.publicUrl}/auth/login/${ORGANIZATION}/`);
    await seeHeading(page, 'Sign in to Acme');
    await fits(page, '01-workspace-login');

    await page.getByRole('button', { name: 'Continue with Active Directory' }).click();
    await seeHeading(page, 'Sign in');
    await fits(page, '02-directory-sign-in');
    await signInAtDirectory(page, 'B.Simon@contoso.com', PASSWORD);
    await page.waitForURL(`${cluster.sp.publicUrl}/organizations/${ORGANIZATION}/`);
    await fits(page, '03-signed-in-to-the-organization');

    // The navigation is folded behind "Menu" (no script: a <details>), and a tap opens it.
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.isVisible(), false, 'the navigation is folded away');
    await page.getByText('Menu', { exact: true }).tap();
    await nav.getByRole('link', { name: 'Members', exact: true }).waitFor({ state: 'visible' });
    await fits(page, '04-menu-open');

    await page.goto(`${cluster.idp.publicUrl}/myapps`);
    await seeHeading(page, 'My Apps');
    await page.getByRole('link', { name: 'Sentry' }).waitFor({ state: 'visible' });
    await fits(page, '05-my-apps');
  });

  test('someone not assigned to the application reads the AADSTS50105 page', async () => {
    assert.ok(cluster && browser, 'the services did not start');
    const page = await phone();
    // The demo's organization sends signed-out people straight to the Directory: no button on the way.
    await page.goto(`${cluster.sp.publicUrl}/organizations/${ORGANIZATION}/`);
    await page.waitForURL((u) => u.origin === cluster!.idp.publicUrl);
    await signInAtDirectory(page, 'admin@contoso.com', PASSWORD);
    await page.getByText('AADSTS50105', { exact: true }).waitFor({ state: 'visible' });
    await fits(page, '06-aadsts50105');
  });
});
