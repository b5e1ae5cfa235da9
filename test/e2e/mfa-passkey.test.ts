// Passkeys in Chromium, with a virtual authenticator through the DevTools protocol (a platform
// authenticator with user verification, as a laptop's fingerprint reader): B.Simon adds a passkey on
// Security info after proving her authenticator app, then, with per-user MFA Enforced, a sign-in to
// Sentry asks for the passkey first and the response carries multipleauthn.
//
// The Directory runs in this process at http://localhost:{port}: WebAuthn refuses an IP address as
// RP ID, and localhost is a secure context over http. Sentry's ACS is answered by the test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { passkeysOf } from '../../apps/idp/src/mfa/passkeys/passkeys.repository.ts';
import { startIdp, type TestIdp } from '../../apps/idp/test/support/harness.ts';
import { codeAt, enforceMfa, registerTotp } from '../../apps/idp/test/support/mfa.ts';
import { ACME, type Contoso, seedContoso, USER_PASSWORD } from '../../apps/idp/test/support/seed.ts';
import { redirectRequest } from '../../apps/idp/test/support/sp.ts';
import { launchChromium } from '../support/browser.ts';
import { freePort } from '../support/processes.ts';
import { seeHeading, signInAtDirectory } from './support/pages.ts';

const TIMEOUT_MS = 15_000;
const MULTIPLE_AUTHN = 'http://schemas.microsoft.com/claims/multipleauthn';

describe('Passkeys, in Chromium with a virtual authenticator', () => {
  let idp: TestIdp;
  let contoso: Contoso;
  let base: string;
  let chromium: { browser: Browser; close: () => Promise<void> };

  before(async () => {
    const port = await freePort();
    base = `http://localhost:${port}`;
    idp = await startIdp('sqlite', { baseUrl: base });
    contoso = await seedContoso(idp.deps);
    await idp.app.listen({ port, host: '127.0.0.1' });
    chromium = await launchChromium();
  });

  after(async () => {
    await chromium?.close();
    await idp?.close();
  });

  test('B.Simon registers a passkey on Security info, and her next sign-in to Sentry asks for it and succeeds', async () => {
    const context = await chromium.browser.newContext();
    const page: Page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(m.text());
    });
    context.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    // Sentry's ACS: the test takes the SAMLResponse the Directory posts.
    let posted: string | null = null;
    await context.route(`${ACME.acsUrl}**`, async (route) => {
      posted = new URLSearchParams(route.request().postData() ?? '').get('SAMLResponse');
      await route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<!doctype html><title>Sentry</title><h1>Sentry</h1>',
      });
    });

    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });

    // An authenticator app first: adding a passkey needs MFA in the last 5 minutes.
    const key = await registerTotp(idp.deps, contoso.simon);
    idp.clock.advance(30);
    await page.goto(`${base}/myapps/security-info`);
    await signInAtDirectory(page, 'B.Simon@contoso.com', USER_PASSWORD);
    await seeHeading(page, 'Enter code');
    await page.getByRole('textbox', { name: 'Code' }).fill(codeAt(idp.deps, key));
    await page.getByRole('button', { name: 'Verify' }).click();
    await seeHeading(page, 'Security info');
    await page.getByRole('link', { name: 'Add a passkey' }).click();
    await seeHeading(page, 'Add a passkey');
    await page.getByRole('textbox', { name: 'Passkey name' }).fill('Work laptop');
    await page.getByRole('button', { name: 'Create passkey' }).click();
    await page.getByText('Passkey was successfully registered.').waitFor();
    const [passkey] = await passkeysOf(idp.deps.db, contoso.simon.id);
    assert.equal(passkey?.displayName, 'Work laptop');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0]?.isResidentCredential, true);
    assert.equal(
      Buffer.from(credentials[0]!.credentialId, 'base64').toString('base64url'),
      passkey?.credentialId,
    );

    await enforceMfa(idp.deps, contoso.simon);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await seeHeading(page, 'You signed out of your account');
    idp.clock.advance(60);
    // Sentry's SP-initiated sign-in: its AuthnRequest, by HTTP-Redirect.
    const request = redirectRequest(idp.clock, { destination: `${base}/contoso.com/saml2` });
    await page.goto(`${base}${request.url}`);
    await signInAtDirectory(page, 'B.Simon@contoso.com', USER_PASSWORD);
    await seeHeading(page, 'Use your passkey');
    await page.getByRole('link', { name: 'Sign in another way' }).waitFor();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await seeHeading(page, 'Sentry');
    assert.ok(posted, 'the Directory posted a SAMLResponse to Sentry');
    const xml = Buffer.from(posted as string, 'base64').toString('utf8');
    assert.ok(xml.includes(MULTIPLE_AUTHN), 'authnmethodsreferences lists multipleauthn');
    assert.ok(xml.includes(`InResponseTo="${request.id}"`), 'the response answers Sentry’s request');
    assert.equal(
      (await passkeysOf(idp.deps.db, contoso.simon.id))[0]?.counter,
      credentials[0]!.signCount + 1,
    );
    assert.deepEqual(errors, []);
    await context.close();
  });
});
