// MFA in Chromium: B.Simon adds an authenticator app on Security info (the QR code page, the key as
// text, a first code), then, with per-user MFA Enforced, her next sign-in asks for a code after the
// password. The Directory runs in this process on SQLite with the tests' manual clock, so the codes
// typed are those an authenticator app would show at the Directory's time.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { listMethods } from '../../apps/idp/src/mfa/methods.repository.ts';
import { totpKeyOf } from '../../apps/idp/src/mfa/totp.ts';
import { startIdp, type TestIdp } from '../../apps/idp/test/support/harness.ts';
import { codeAt, enforceMfa } from '../../apps/idp/test/support/mfa.ts';
import { type Contoso, seedContoso, USER_PASSWORD } from '../../apps/idp/test/support/seed.ts';
import { launchChromium } from '../support/browser.ts';
import { freePort } from '../support/processes.ts';
import { seeHeading, signInAtDirectory } from './support/pages.ts';

const TIMEOUT_MS = 15_000;

describe('MFA with an authenticator app, in Chromium', () => {
  let idp: TestIdp;
  let contoso: Contoso;
  let base: string;
  let chromium: { browser: Browser; close: () => Promise<void> };

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startIdp('sqlite', { baseUrl: base });
    contoso = await seedContoso(idp.deps);
    await idp.app.listen({ port, host: '127.0.0.1' });
    chromium = await launchChromium();
  });

  after(async () => {
    await chromium?.close();
    await idp?.close();
  });

  test('B.Simon adds an authenticator app on Security info, and her next sign-in asks for its code', async () => {
    const context = await chromium.browser.newContext();
    const page: Page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    const errors: string[] = [];
    page.on('console', (m) => {
      // Chromium asks for /favicon.ico by itself; the Directory has none (not a page's error).
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(m.text());
    });
    context.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });

    await page.goto(`${base}/myapps/security-info`);
    await signInAtDirectory(page, 'B.Simon@contoso.com', USER_PASSWORD);
    await seeHeading(page, 'Security info');
    await page.getByRole('link', { name: 'Add sign-in method' }).click();
    await seeHeading(page, 'Add an authenticator app');
    await page.getByRole('img', { name: 'QR code to scan with your authenticator app' }).waitFor();
    await page.getByText('Can’t scan image?').click();
    const secret = (await page.locator('#totp-secret').textContent()) ?? '';
    const key = totpKeyOf(secret);
    await page.getByLabel('Enter the 6-digit code shown in the app').fill(codeAt(idp.deps, key));
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Authenticator app was successfully registered.').waitFor();
    assert.equal((await listMethods(idp.deps.db, contoso.simon.id)).length, 1);

    await enforceMfa(idp.deps, contoso.simon);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${base}/myapps`);
    await signInAtDirectory(page, 'B.Simon@contoso.com', USER_PASSWORD);
    await seeHeading(page, 'Enter code');
    idp.clock.advance(30);
    await page.getByRole('textbox', { name: 'Code' }).fill(codeAt(idp.deps, key));
    await page.getByRole('button', { name: 'Verify' }).click();
    await seeHeading(page, 'My Apps');
    assert.equal(new URL(page.url()).pathname, '/myapps');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
