// The Directory's sign-in logs in Chromium at 1280 px and 390 px, with sign-ins whose user and
// application names are long: the list fits its card at 1280 px (no sideways scrolling of the table
// or the page), a row's link opens the details pane beside the list with long ids and user agents
// wrapped inside it, and on a phone the row's link opens the sign-in's own page, which fits too.
// (The page tour checks every page at 390 px; it has no sign-in with long names.)
//
// The screenshots go to a temporary folder, printed at the end.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { IdpDatabase } from '@federa/idp';
import { connectDatabase } from '@federa/kit';
import type { Browser, Page } from 'playwright-core';
import { insertSignInLog } from '../../apps/idp/src/sign-in-logs/sign-in-logs.repository.ts';
import { launchChromium } from '../support/browser.ts';
import { type Cluster, PASSWORD, startCluster } from '../support/cluster.ts';
import { seeHeading, signInAtDirectory } from './support/pages.ts';

const TIMEOUT_MS = 15_000;
const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SCREENSHOTS = join(mkdtempSync(join(tmpdir(), 'federa-sign-in-logs-')), 'screenshots');
const LONG_USER =
  'maximilian.alexander.wolfeschlegelsteinhausenbergerdorff.the.third@contoso-subsidiary-holdings.example.com';
const LONG_APP =
  'Contoso Enterprise Resource Planning and Customer Relationship Management Suite (Production, EU West)';
const LONG_AGENT = `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 ${'Extension/1.0;'.repeat(20)}`;

/** How wide the page, the list's table and its card are, and what sticks out of the pane. */
async function measure(page: Page) {
  return page.evaluate(() => {
    const scroll = document.querySelector('.list-table')?.closest('.table-scroll');
    const card = scroll?.closest('.card');
    const pane = document.querySelector('.list-pane');
    const paneRight = pane?.getBoundingClientRect().right ?? 0;
    return {
      screen: document.documentElement.clientWidth,
      body: document.documentElement.scrollWidth,
      table: scroll ? { scrollWidth: scroll.scrollWidth, clientWidth: scroll.clientWidth } : null,
      cardRight: card?.getBoundingClientRect().right ?? 0,
      tableRight: document.querySelector('.list-table')?.getBoundingClientRect().right ?? 0,
      paneLeft: pane?.getBoundingClientRect().left ?? 0,
      paneRight,
      // Anything in the pane wider than it (a table scrolling in its own box is fine).
      outOfPane: pane
        ? [...pane.querySelectorAll('*')]
            .filter((e) => e.getBoundingClientRect().right > paneRight + 0.5 && !e.closest('.table-scroll'))
            .map((e) => `<${e.tagName.toLowerCase()}> ${e.textContent?.slice(0, 40)}`)
        : [],
    };
  });
}

describe('the sign-in logs at 1280 px and 390 px, with long names', { timeout: 240_000 }, () => {
  let cluster: Cluster | null = null;
  let browser: Browser | null = null;

  async function window(viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser!.newContext({ viewport, deviceScaleFactor: 1 });
    context.setDefaultTimeout(TIMEOUT_MS);
    context.setDefaultNavigationTimeout(TIMEOUT_MS);
    const page = await context.newPage();
    await page.goto(`${cluster!.idp.publicUrl}/portal/sign-ins`);
    await signInAtDirectory(page, 'admin@contoso.com', PASSWORD);
    await seeHeading(page, 'Sign-in logs');
    return page;
  }

  before(
    async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      cluster = await startCluster({ dialect: 'sqlite', idpInstances: 1, spInstances: 1, users: 0 });
      browser = (await launchChromium()).browser;
      const database = connectDatabase<IdpDatabase>(cluster.idp.databaseUrl);
      try {
        for (let i = 0; i < 4; i++) {
          await insertSignInLog(database.db, {
            tenantId: cluster.tenantId,
            userId: null,
            userPrincipalName: i % 2 ? LONG_USER : 'B.Simon@contoso.com',
            applicationId: null,
            appDisplayName: i % 2 ? 'Sentry' : LONG_APP,
            appIdentifier: `https://long-entity-id.example.com/${'saml/metadata/'.repeat(8)}`,
            result: i === 1 ? 'failure' : 'success',
            errorCode: i === 1 ? 'AADSTS50105' : null,
            failureReason:
              i === 1 ? 'The signed in user is not assigned to a role for the application.' : null,
            checkName: 'assignment',
            correlationId: crypto.randomUUID(),
            requestId: crypto.randomUUID(),
            ipAddress: '2001:db8:85a3:1234:5678:8a2e:370:7334',
            userAgent: LONG_AGENT,
            createdAt: new Date(Date.now() - i * 60_000).toISOString(),
            saml: {
              authnRequestId: `_${'a1b2c3d4'.repeat(16)}`,
              responseId: `_${'e5f6'.repeat(20)}`,
              assertionId: `_${'0789'.repeat(20)}`,
            },
          });
        }
      } finally {
        await database.close();
      }
    },
    { timeout: 120_000 },
  );

  after(async () => {
    await browser?.close().catch(() => {});
    await cluster?.stop();
  });

  test('at 1280 px the list fits its card, and a row opens the pane beside it with long values wrapped', async () => {
    assert.ok(cluster && browser, 'the services did not start');
    const page = await window(WIDE);
    const list = await measure(page);
    assert.ok(list.table, 'the list is shown');
    assert.ok(
      list.table.scrollWidth <= list.table.clientWidth,
      `the table is ${list.table.scrollWidth} px wide in a ${list.table.clientWidth} px card`,
    );
    assert.ok(list.tableRight <= list.cardRight, 'the table ends inside its card');
    assert.ok(list.body <= list.screen, `the page is ${list.body} px wide on a ${list.screen} px screen`);
    await page.screenshot({ path: join(SCREENSHOTS, '1280-list.png'), fullPage: true });

    // A row is a link (by keyboard too); it opens the pane, the list stays, the row is marked.
    await page.getByRole('row').filter({ hasText: 'AADSTS50105' }).getByRole('link').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.has('selected'));
    const pane = page.getByRole('region', { name: 'Activity Details: Sign-ins' });
    await pane.getByText('The signed in user is not assigned').waitFor();
    const current = page.getByRole('row').filter({ has: page.locator('a[aria-current="true"]:visible') });
    assert.match((await current.textContent()) ?? '', /AADSTS50105/);
    const withPane = await measure(page);
    assert.ok(
      withPane.table && withPane.table.scrollWidth <= withPane.table.clientWidth,
      'the list still fits',
    );
    assert.ok(withPane.body <= withPane.screen, `the page is ${withPane.body} px wide`);
    assert.ok(withPane.paneLeft >= withPane.cardRight, 'the pane is beside the list');
    assert.deepEqual(withPane.outOfPane, [], 'long values wrap inside the pane');
    await page.screenshot({ path: join(SCREENSHOTS, '1280-pane.png'), fullPage: true });

    await pane
      .getByRole('navigation', { name: 'Sign-in details' })
      .getByRole('link', { name: 'Device info' })
      .click();
    await pane.getByRole('heading', { name: 'Device info' }).waitFor();
    assert.deepEqual((await measure(page)).outOfPane, [], 'the user agent wraps inside the pane');
    await page.screenshot({ path: join(SCREENSHOTS, '1280-pane-device.png'), fullPage: true });
    await page.context().close();
  });

  test('at 390 px a row opens the sign-in’s own page; both fit the screen', async () => {
    assert.ok(cluster && browser, 'the services did not start');
    const page = await window(PHONE);
    const list = await measure(page);
    assert.ok(
      list.body <= list.screen,
      `the list page is ${list.body} px wide on a ${list.screen} px screen`,
    );
    await page.screenshot({ path: join(SCREENSHOTS, '390-list.png'), fullPage: true });
    await page.getByRole('row').filter({ hasText: 'AADSTS50105' }).getByRole('link').click();
    await seeHeading(page, 'Sign-in details');
    assert.match(new URL(page.url()).pathname, /^\/portal\/sign-ins\/[0-9a-f-]{36}$/);
    const detail = await measure(page);
    assert.ok(detail.body <= detail.screen, `the details page is ${detail.body} px wide`);
    await page.screenshot({ path: join(SCREENSHOTS, '390-detail.png'), fullPage: true });

    // A selected row's address opened on a phone (a shared link) shows the pane above the list.
    await page.goBack();
    const selected = await page
      .getByRole('row')
      .filter({ hasText: 'AADSTS50105' })
      .locator('a.wide-only')
      .getAttribute('href');
    await page.goto(`${cluster.idp.publicUrl}${selected}`);
    const stacked = await measure(page);
    assert.ok(stacked.body <= stacked.screen, `the list with its pane is ${stacked.body} px wide`);
    assert.deepEqual(stacked.outOfPane, []);
    await page.screenshot({ path: join(SCREENSHOTS, '390-pane.png'), fullPage: true });
    await page.context().close();
    console.log(`screenshots: ${SCREENSHOTS}`);
  });
});
