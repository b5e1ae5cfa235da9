// Apache mod_auth_mellon as a service provider of Federa Directory, in Chromium through the
// Directory's real sign-in page: SP-initiated sign-in with a signed AuthnRequest, IdP-initiated sign-in
// from My Apps, and SP-initiated single logout ending both sessions. Each scenario is a cell of the
// matrix in docs/interop.md.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { freePort } from '../support/processes.ts';
import { type Apache, parseWhoami } from './support/apache.ts';
import { type ApiApplication, type Directory, PASSWORD, startDirectory, USER } from './support/directory.ts';
import { IDP_SIGN_OUT_TESTED_WITH_SIMPLESAMLPHP, peerMatrix } from './support/matrix.ts';
import { type MellonSp, prepareMellon } from './support/mellon.ts';

const STEP_TIMEOUT_MS = 15_000;
const APP_NAME = 'Apache mod_auth_mellon';

describe('Apache mod_auth_mellon as a service provider of Federa Directory', () => {
  const matrix = peerMatrix('Apache mod_auth_mellon');
  matrix.notApplicable('IdP-initiated single logout', IDP_SIGN_OUT_TESTED_WITH_SIMPLESAMLPHP);
  const dir = mkdtempSync(join(tmpdir(), 'federa-interop-mellon-'));
  let directory: Directory;
  let mellon: MellonSp;
  let apache: Apache;
  let app: ApiApplication;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    directory = await startDirectory();
    mellon = prepareMellon(dir, await freePort());
    // What the Directory's administrator does: a non-gallery application, the SP's metadata uploaded
    // (entity ID, reply URL, logout URL, and its signing certificate, with which the Directory then
    // verifies signed AuthnRequests), a Relay State for IdP-initiated sign-in, B.Simon assigned.
    app = await directory.api<ApiApplication>('POST', '/applications', {
      template: 'custom',
      displayName: APP_NAME,
    });
    await directory.api('POST', `/applications/${app.id}/saml/metadata`, { metadata: mellon.metadata });
    await directory.api('PATCH', `/applications/${app.id}/saml`, { relayState: '/protected/' });
    await directory.api('POST', `/applications/${app.id}/assignments`, {
      principalType: 'user',
      principal: USER,
    });
    const { federationMetadataUrl } = await directory.api<{ federationMetadataUrl: string }>(
      'GET',
      `/applications/${app.id}/federation-metadata-url`,
    );
    // What mellon's administrator does: save the App Federation Metadata as MellonIdPMetadataFile.
    const idpMetadata = await fetch(federationMetadataUrl);
    assert.equal(idpMetadata.status, 200);
    apache = await mellon.start(await idpMetadata.text());
    browser = (await launchChromium()).browser;
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close().catch(() => {});
    await apache?.stop();
    await directory?.stop();
    rmSync(dir, { recursive: true, force: true });
    matrix.write();
  });

  async function window(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    return context.newPage();
  }

  /** Fails with what both sides logged, so that a broken peer says why. */
  async function explained(page: Page, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      const body =
        (await page
          .locator('body')
          .textContent({ timeout: 2000 })
          .catch(() => null)) ?? '(no page)';
      throw new Error(
        `${(error as Error).message}\n--- page ${page.url()} ---\n${body.slice(0, 2000)}\n--- mellon ---\n${apache.log().slice(-4000)}\n--- Directory ---\n${directory.output().slice(-4000)}`,
      );
    }
  }

  async function signIn(page: Page): Promise<void> {
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByRole('textbox', { name: 'User name', exact: true }).fill(USER);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** What mellon handed the protected page, as NAME → value. */
  async function whatMellonReceived(page: Page): Promise<Record<string, string>> {
    await page.waitForURL(mellon.protectedUrl, { waitUntil: 'load' });
    return parseWhoami((await page.locator('body').textContent()) ?? '');
  }

  /**
   * B.Simon as mellon received him. SP-initiated, mellon asks for a transient NameID and the Directory
   * answers with one, as Entra does; IdP-initiated, the NameID is the application's configured one (UPN).
   */
  function assertBSimon(received: Record<string, string>, nameId: 'transient' | 'upn'): void {
    assert.equal(received.REMOTE_USER, USER, 'mellon takes the UPN claim as the user (MellonUser)');
    if (nameId === 'transient') assert.match(received.MELLON_NAME_ID ?? '', /^_[0-9a-f]{40}$/);
    else assert.equal(received.MELLON_NAME_ID, USER);
    assert.equal(received.MELLON_mail, USER);
    assert.equal(received.MELLON_givenname, 'B');
    assert.equal(received.MELLON_surname, 'Simon');
    assert.equal(received.MELLON_upn, USER);
  }

  let signedInPage: Page;

  test('SP-initiated: the protected page sends B.Simon to the Directory and shows who mellon signed in', async () => {
    await matrix.record('SP-initiated sign-in', async () => {
      const page = await window();
      await explained(page, async () => {
        await page.goto(mellon.protectedUrl);
        await page.waitForURL((url) => url.origin === directory.url);
        await signIn(page);
        assertBSimon(await whatMellonReceived(page), 'transient');
      });
      signedInPage = page;
    });
  });

  test('signed AuthnRequest: mellon signs with RSA-SHA256 and the Directory verifies it with the uploaded certificate', async () => {
    await matrix.record('Signed AuthnRequest', async () => {
      const page = await window();
      await explained(page, async () => {
        const request = page.waitForRequest(
          (r) => r.url().startsWith(`${directory.url}/`) && r.url().includes('SAMLRequest='),
        );
        await page.goto(mellon.protectedUrl);
        const signed = new URL((await request).url());
        assert.equal(signed.searchParams.get('SigAlg'), 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
        assert.ok(signed.searchParams.get('Signature'), 'mellon signs its AuthnRequest (Redirect binding)');
        const settings = await directory.api<{ spSigningCertificateCount: number }>(
          'GET',
          `/applications/${app.id}/saml`,
        );
        assert.equal(
          settings.spSigningCertificateCount,
          1,
          'the uploaded metadata gave the Directory mellon’s certificate',
        );
        // The Directory checks the signature: the same request with its RelayState changed is refused.
        const tampered = new URL(signed);
        tampered.searchParams.set('RelayState', 'https://attacker.example/');
        const refused = await window();
        await refused.goto(tampered.toString());
        await refused.getByText('AADSTS76021').first().waitFor();
        // And the genuine one signs B.Simon in.
        await signIn(page);
        assertBSimon(await whatMellonReceived(page), 'transient');
      });
    });
  });

  test('IdP-initiated: the My Apps tile signs B.Simon in to mellon, which accepts the unsolicited response', async () => {
    await matrix.record('IdP-initiated sign-in', async () => {
      const page = await window();
      await explained(page, async () => {
        await page.goto(`${directory.url}/myapps`);
        await signIn(page);
        // The tile opens the application in a new tab, as Entra's My Apps does.
        const [app] = await Promise.all([
          page.context().waitForEvent('page'),
          page.getByRole('link', { name: APP_NAME }).click(),
        ]);
        assertBSimon(await whatMellonReceived(app), 'upn');
      });
    });
  });

  test('SP-initiated single logout ends the mellon session and the Directory session', async () => {
    await matrix.record('SP-initiated single logout', async () => {
      assert.ok(signedInPage, 'the SP-initiated sign-in left a signed-in window');
      const page = signedInPage;
      await explained(page, async () => {
        await page.goto(mellon.protectedUrl);
        assertBSimon(await whatMellonReceived(page), 'transient');
        const visited: string[] = [];
        // Every hop, redirects included.
        page.on('request', (request) => request.isNavigationRequest() && visited.push(request.url()));
        await page.goto(mellon.logoutUrl(mellon.signedOutUrl));
        await page.waitForURL(mellon.signedOutUrl);
        assert.ok(
          visited.some((url) => url.startsWith(`${directory.url}/`) && url.includes('SAMLRequest=')),
          'the LogoutRequest went to the Directory',
        );
        assert.ok(
          visited.some(
            (url) => url.startsWith(`${mellon.baseUrl}/mellon/logout`) && url.includes('SAMLResponse='),
          ),
          'the Directory answered mellon with a LogoutResponse',
        );
        // Both sessions ended: mellon sends the person to the Directory again, and the Directory asks
        // for a password again instead of signing them straight back in.
        await page.goto(mellon.protectedUrl);
        await page.waitForURL((url) => url.origin === directory.url);
        await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      });
    });
  });
});
