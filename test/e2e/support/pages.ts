// What a person does and sees on Federa's pages, by role and label (never by CSS of the app's own
// making), so that a page that loses its labels fails the test the way it would fail a screen reader.
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { STEP_TIMEOUT_MS } from './world.ts';

/** Waits until `locator` is visible (bounded). */
export async function see(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
}

/** The page's main heading is `name`. */
export async function seeHeading(page: Page, name: string | RegExp): Promise<void> {
  await see(page.getByRole('heading', { level: 1, name }));
}

/** The label of the option a select (found by its label) shows as chosen. */
export async function chosen(select: Locator): Promise<string> {
  await select.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  return select.evaluate((element: HTMLSelectElement) => element.selectedOptions[0]?.label ?? '');
}

/** A card of the shared layout: the `<section>` whose heading is `title`. */
export function card(page: Page, title: string): Locator {
  return page
    .locator('section')
    .filter({ has: page.getByRole('heading', { name: title, exact: true }) })
    .first();
}

/** Scrolls the page so that `locator` is at the top of the window (for a screenshot of it). */
export async function scrollToTop(locator: Locator): Promise<void> {
  await locator.evaluate((element) => {
    element.scrollIntoView({ block: 'start' });
    window.scrollBy(0, -16);
  });
}

/** The value of a read-only copy field: pressing its Copy button puts it on the clipboard. */
export async function copyFrom(page: Page, label: string): Promise<string> {
  const field = page.getByRole('textbox', { name: label, exact: true });
  const shown = await field.inputValue();
  const row = field.locator('xpath=..');
  await row.getByRole('button', { name: 'Copy' }).click();
  await see(row.getByRole('button', { name: 'Copied' }));
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, shown, `the Copy button of "${label}" copies what the field shows`);
  return copied;
}

/** Waits for the page to be at `url` (a full URL, or a predicate on it). */
export async function arriveAt(page: Page, url: string | ((url: URL) => boolean)): Promise<void> {
  await page.waitForURL(url, { timeout: STEP_TIMEOUT_MS, waitUntil: 'load' });
}

/** Records every address the page's main frame visits from now on. */
export function trail(page: Page): string[] {
  const visited: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visited.push(frame.url());
  });
  return visited;
}

/** Federa Directory's sign-in page (Entra's look): user name, password, Sign in. */
export async function signInAtDirectory(page: Page, userName: string, password: string): Promise<void> {
  await seeHeading(page, 'Sign in');
  await page.getByRole('textbox', { name: 'User name', exact: true }).fill(userName);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Federa Directory's "Update your password" (Entra's, for a temporary password an administrator
 * made): the current password, the new one twice, Sign in.
 */
export async function updatePasswordAtDirectory(page: Page, current: string, next: string): Promise<void> {
  await seeHeading(page, 'Update your password');
  await page.getByRole('textbox', { name: 'Current password', exact: true }).fill(current);
  await page.getByRole('textbox', { name: 'New password', exact: true }).fill(next);
  await page.getByRole('textbox', { name: 'Confirm password', exact: true }).fill(next);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The Directory portal's left navigation. */
export async function portalNav(page: Page, item: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: item, exact: true }).click();
}

/** Opens an enterprise application of the Directory portal, and one of its Manage pages. */
export async function openApplication(
  page: Page,
  idpUrl: string,
  name: string,
  section?: 'Properties' | 'Users and groups' | 'Single sign-on',
): Promise<void> {
  await page.goto(`${idpUrl}/portal/applications`);
  await page.getByRole('link', { name, exact: true }).click();
  await seeHeading(page, `${name} | Overview`);
  if (section) await portalNav(page, section);
}

/** Opens `url` in the browser (its cookies go along) and returns the JSON it answered, with the status. */
export async function openJson(page: Page, url: string): Promise<{ status: number; body: unknown }> {
  const response = await page.goto(url);
  assert.ok(response, `no response from ${url}`);
  return { status: response.status(), body: await response.json() };
}
