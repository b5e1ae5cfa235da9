// Self-service password reset in Chromium: B.Simon adds an authenticator app on Security info (as in
// mfa-totp.test.ts), signs out, forgets her password, and resets it from the sign-in page's "Forgot my
// password" with a code from the app; she then signs in with the new password and is back at My Apps,
// where she was going. The Directory runs in this process on SQLite with the tests' manual clock, so
// the codes typed are those an authenticator app would show at the Directory's time.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { totpKeyOf } from '../../apps/idp/src/mfa/totp.ts';
import { setPasswordResetPolicy } from '../../apps/idp/src/password-reset/policy.ts';
import { startIdp, TEST_ACTOR, type TestIdp } from '../../apps/idp/test/support/harness.ts';
import { codeAt } from '../../apps/idp/test/support/mfa.ts';
import { type Contoso, seedContoso, USER_PASSWORD } from '../../apps/idp/test/support/seed.ts';
import { launchChromium } from '../support/browser.ts';
import { freePort } from '../support/processes.ts';
import { seeHeading, signInAtDirectory } from './support/pages.ts';

const TIMEOUT_MS = 15_000;
const NEW_PASSWORD = 'Reset-Pa55word!';

describe('Self-service password reset with an authenticator app, in Chromium', () => {
  let idp: TestIdp;
  let contoso: Contoso;
  let base: string;
  let chromium: { browser: Browser; close: () => Promise<void> };

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startIdp('sqlite', { baseUrl: base });
    contoso = await seedContoso(idp.deps);
    await setPasswordResetPolicy(idp.deps, TEST_ACTOR, contoso.tenant.id, { enabledFor: 'all' });
    await idp.app.listen({ port, host: '127.0.0.1' });
    chromium = await launchChromium();
  });

  after(async () => {
    await chromium?.close();
    await idp?.close();
  });

  test('B.Simon resets her password from the sign-in page with her app’s code, then signs in with it', async () => {
    const context = await chromium.browser.newContext();
    const page: Page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    const errors: string[] = [];
    page.on('console', (m) => {
      const url = m.location().url;
      // Chromium reports the wrong code's 401 page as a resource error; the check below counts it.
      if (m.type() === 'error' && !url.endsWith('/favicon.ico') && !url.endsWith('/passwordreset/verify')) {
        errors.push(m.text());
      }
    });
    context.on('response', (r) => {
      // The one expected refusal: the wrong code below (401).
      if (r.status() >= 400 && !(r.status() === 401 && r.url().endsWith('/passwordreset/verify'))) {
        errors.push(`${r.status()} ${r.url()}`);
      }
    });

    // Her authenticator app, added on Security info.
    await page.goto(`${base}/myapps/security-info`);
    await signInAtDirectory(page, 'B.Simon@contoso.com', USER_PASSWORD);
    await seeHeading(page, 'Security info');
    await page.getByRole('link', { name: 'Add sign-in method' }).click();
    await page.getByText('Can’t scan image?').click();
    const key = totpKeyOf((await page.locator('#totp-secret').textContent()) ?? '');
    await page.getByLabel('Enter the 6-digit code shown in the app').fill(codeAt(idp.deps, key));
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Authenticator app was successfully registered.').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();

    // She forgot her password.
    await page.goto(`${base}/myapps`);
    await seeHeading(page, 'Sign in');
    await page.getByRole('link', { name: 'Forgot my password' }).click();
    await seeHeading(page, 'Get back into your account');
    await page.getByRole('textbox', { name: 'User name' }).fill('B.Simon@contoso.com');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('If you can reset your password').waitFor();
    await page.getByRole('textbox', { name: 'Code' }).fill('000000');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('You didn’t enter the expected verification code.').waitFor();
    idp.clock.advance(30);
    await page.getByRole('textbox', { name: 'Code' }).fill(codeAt(idp.deps, key));
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Choose a new password').waitFor();
    await page.getByLabel('Enter new password').fill(NEW_PASSWORD);
    await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByText('Your password has been reset').waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();

    await signInAtDirectory(page, 'B.Simon@contoso.com', NEW_PASSWORD);
    await seeHeading(page, 'My Apps');
    assert.equal(new URL(page.url()).pathname, '/myapps');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
