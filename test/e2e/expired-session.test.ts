// A form saved after the session expired (issue 11), in Chromium against both services as real
// processes seeded like the demo. An administrator fills a form, the session ends before Save (its
// cookies are gone, as when the stored session expires), and Save says so — `session_expired`, not a
// bare "Not allowed" — with a "Sign in again" link that leads back through sign-in to the same form,
// the edits filled in and a note saying why; saving it then works. A password typed in the form is
// never kept. The same post from another site is still refused as `csrf_failed`, with nothing kept.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { type Cluster, PASSWORD, startCluster } from '../support/cluster.ts';
import { seeHeading, signInAtDirectory } from './support/pages.ts';

const TIMEOUT_MS = 15_000;
const RESTORED_NOTE = /Your session had expired before these changes were saved/;

describe('a form saved after the session expired keeps its edits', { timeout: 240_000 }, () => {
  let cluster: Cluster | null = null;
  let browser: Browser | null = null;

  async function newPage(): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(TIMEOUT_MS);
    context.setDefaultNavigationTimeout(TIMEOUT_MS);
    return context.newPage();
  }

  /** What the expired session's page says, and its way forward. */
  async function seeSessionExpired(page: Page): Promise<void> {
    await seeHeading(page, 'Sign in needed');
    await page.getByText('Your session expired before this form was saved').waitFor();
    await page.getByText('session_expired', { exact: true }).waitFor();
  }

  before(
    async () => {
      cluster = await startCluster({ dialect: 'sqlite', idpInstances: 1, spInstances: 1, users: 0 });
      browser = (await launchChromium()).browser;
    },
    { timeout: 120_000 },
  );

  after(async () => {
    await browser?.close().catch(() => {});
    await cluster?.stop();
  });

  test('the Directory: a new user typed in, the session ends, sign in again, the form comes back filled', async () => {
    assert.ok(cluster && browser, 'the services did not start');
    const page = await newPage();
    await page.goto(`${cluster.idp.publicUrl}/portal/users/new`);
    await signInAtDirectory(page, 'admin@contoso.com', PASSWORD);
    await seeHeading(page, 'New user');
    await page.getByLabel('User principal name').fill('R.Expiry@contoso.com');
    await page.getByLabel('Display name').fill('Rita Expiry');
    await page.getByLabel('Last name').fill('Expiry');
    await page.getByLabel('Password', { exact: true }).fill('Typed-Pa55word!');
    await page.context().clearCookies();

    await page.getByRole('button', { name: 'Create' }).click();
    await seeSessionExpired(page);
    await page.getByRole('link', { name: 'Sign in again' }).click();
    await signInAtDirectory(page, 'admin@contoso.com', PASSWORD);
    await seeHeading(page, 'New user');
    await page.getByText(RESTORED_NOTE).waitFor();
    assert.equal(await page.getByLabel('User principal name').inputValue(), 'R.Expiry@contoso.com');
    assert.equal(await page.getByLabel('Display name').inputValue(), 'Rita Expiry');
    assert.equal(await page.getByLabel('Last name').inputValue(), 'Expiry');
    assert.equal(
      await page.getByLabel('Password', { exact: true }).inputValue(),
      '',
      'a password is not kept',
    );
    const stored = await page.evaluate(() => sessionStorage.getItem('federa.formDraft'));
    assert.equal(stored, null, 'the kept edits are dropped once put back');

    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Rita Expiry').first().waitFor();
    await page.goto(`${cluster.idp.publicUrl}/portal/users`);
    await page.getByRole('link', { name: 'Rita Expiry' }).waitFor();
    // Another page later shows nothing put back.
    await page.goto(`${cluster.idp.publicUrl}/portal/users/new`);
    await seeHeading(page, 'New user');
    assert.equal(await page.getByText(RESTORED_NOTE).count(), 0);
    assert.equal(await page.getByLabel('Display name').inputValue(), '');
  });

  test('the Workspace: a new organization typed in, the session ends, sign in again, the form comes back filled', async () => {
    assert.ok(cluster && browser, 'the services did not start');
    const page = await newPage();
    await page.goto(`${cluster.sp.publicUrl}/organizations/new/`);
    await seeHeading(page, 'Sign in');
    await page.getByLabel('Email').fill('owner@acme.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await seeHeading(page, 'Create organization');
    await page.getByLabel('Organization name').fill('Globex');
    await page.context().clearCookies();

    await page.getByRole('button', { name: 'Create organization' }).click();
    await seeSessionExpired(page);
    await page.getByRole('link', { name: 'Sign in again' }).click();
    await seeHeading(page, 'Sign in');
    await page.getByLabel('Email').fill('owner@acme.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await seeHeading(page, 'Create organization');
    await page.getByText(RESTORED_NOTE).waitFor();
    assert.equal(await page.getByLabel('Organization name').inputValue(), 'Globex');

    await page.getByRole('button', { name: 'Create organization' }).click();
    await seeHeading(page, 'Globex');
  });

  test('the same post from another site is refused as csrf_failed, and nothing is kept to put back', async () => {
    assert.ok(cluster && browser, 'the services did not start');
    const response = await fetch(`${cluster.sp.publicUrl}/organizations/new/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://attacker.example',
        'sec-fetch-site': 'cross-site',
      },
      body: 'name=Forged',
      redirect: 'manual',
    });
    assert.equal(response.status, 403);
    assert.match(await response.text(), /csrf_failed/);
  });
});
