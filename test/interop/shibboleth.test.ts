// Shibboleth SP 3.4 (mod_shib and shibd) as a service provider of Federa Directory, in Chromium through
// the Directory's real sign-in page: SP-initiated and IdP-initiated sign-in, and SP-initiated single
// logout ending both sessions. Each scenario is a cell of the matrix in docs/interop.md.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { signInAtDirectory } from '../e2e/support/pages.ts';
import { launchChromium } from '../support/browser.ts';
import { freePort } from '../support/processes.ts';
import { parseWhoami } from './support/apache.ts';
import { type ApiApplication, type Directory, PASSWORD, startDirectory, USER } from './support/directory.ts';
import { IDP_SIGN_OUT_TESTED_WITH_SIMPLESAMLPHP, peerMatrix } from './support/matrix.ts';
import { prepareShibboleth, type ShibbolethSp } from './support/shibboleth.ts';

const STEP_TIMEOUT_MS = 15_000;
const APP_NAME = 'Shibboleth SP';

describe('Shibboleth SP 3 as a service provider of Federa Directory', () => {
  const matrix = peerMatrix('Shibboleth SP');
  const dir = mkdtempSync(join(tmpdir(), 'federa-interop-shibboleth-'));
  let directory: Directory;
  let shibboleth: ShibbolethSp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    directory = await startDirectory();
    shibboleth = prepareShibboleth(dir, await freePort(), await freePort());
    const app = await directory.api<ApiApplication>('POST', '/applications', {
      template: 'custom',
      displayName: APP_NAME,
    });
    const federation = await directory.api<{ federationMetadataUrl: string; entityId: string }>(
      'GET',
      `/applications/${app.id}/federation-metadata-url`,
    );
    const idpMetadata = await fetch(federation.federationMetadataUrl);
    assert.equal(idpMetadata.status, 200);
    // The SP's administrator points shibboleth2.xml at the App Federation Metadata; the Directory's
    // administrator uploads what the SP's /Shibboleth.sso/Metadata handler generates.
    const sp = await shibboleth.start({ entityId: federation.entityId, metadata: await idpMetadata.text() });
    await directory.api('POST', `/applications/${app.id}/saml/metadata`, { metadata: sp.metadata });
    await directory.api('PATCH', `/applications/${app.id}/saml`, { relayState: shibboleth.protectedUrl });
    await directory.api('POST', `/applications/${app.id}/assignments`, {
      principalType: 'user',
      principal: USER,
    });
    browser = (await launchChromium()).browser;
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close().catch(() => {});
    await shibboleth?.stop();
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
        `${(error as Error).message}\n--- page ${page.url()} ---\n${body.slice(0, 2000)}\n${shibboleth.log().slice(-5000)}\n--- Directory ---\n${directory.output().slice(-4000)}`,
      );
    }
  }

  /** B.Simon as Shibboleth handed him to the protected page. */
  async function assertBSimon(page: Page): Promise<void> {
    await page.waitForURL(shibboleth.protectedUrl, { waitUntil: 'load' });
    const received = parseWhoami((await page.locator('body').textContent()) ?? '');
    assert.equal(received.REMOTE_USER, USER, 'REMOTE_USER="upn" in shibboleth2.xml');
    assert.equal(received.nameid, USER, 'the NameID is the UPN, the application’s default');
    assert.equal(received.mail, USER);
    assert.equal(received.givenName, 'B');
    assert.equal(received.sn, 'Simon');
  }

  let signedInPage: Page;

  test('SP-initiated: the protected page sends B.Simon to the Directory and shows who Shibboleth signed in', async () => {
    await matrix.record('SP-initiated sign-in', async () => {
      const page = await window();
      await explained(page, async () => {
        await page.goto(shibboleth.protectedUrl);
        await page.waitForURL((url) => url.origin === directory.url);
        await signInAtDirectory(page, USER, PASSWORD);
        await assertBSimon(page);
      });
      signedInPage = page;
    });
  });

  test('signed AuthnRequest: Shibboleth signs with RSA-SHA256 and the Directory verifies it with the key from the imported metadata', async () => {
    await matrix.record('Signed AuthnRequest', async () => {
      const page = await window();
      await explained(page, async () => {
        const request = page.waitForRequest(
          (r) => r.url().startsWith(`${directory.url}/`) && r.url().includes('SAMLRequest='),
        );
        await page.goto(shibboleth.signedLoginUrl(shibboleth.protectedUrl));
        const signed = new URL((await request).url());
        assert.equal(signed.searchParams.get('SigAlg'), 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
        assert.ok(
          signed.searchParams.get('Signature'),
          'Shibboleth signs its AuthnRequest (Redirect binding)',
        );
        // The Directory checks the signature: the same request with its RelayState changed is refused.
        const tampered = new URL(signed);
        tampered.searchParams.set('RelayState', 'https://attacker.example/');
        const refused = await window();
        await refused.goto(tampered.toString());
        await refused.getByText('AADSTS76021').first().waitFor();
        // And the genuine one signs B.Simon in.
        await signInAtDirectory(page, USER, PASSWORD);
        await assertBSimon(page);
      });
    });
  });

  matrix.notApplicable('IdP-initiated single logout', IDP_SIGN_OUT_TESTED_WITH_SIMPLESAMLPHP);

  test('IdP-initiated: the My Apps tile signs B.Simon in to Shibboleth, which accepts the unsolicited response', async () => {
    await matrix.record('IdP-initiated sign-in', async () => {
      const page = await window();
      await explained(page, async () => {
        await page.goto(`${directory.url}/myapps`);
        await signInAtDirectory(page, USER, PASSWORD);
        // The tile opens the application in a new tab, as Entra's My Apps does.
        const [app] = await Promise.all([
          page.context().waitForEvent('page'),
          page.getByRole('link', { name: APP_NAME }).click(),
        ]);
        await assertBSimon(app);
      });
    });
  });

  test('SP-initiated single logout ends the Shibboleth session and the Directory session', async () => {
    await matrix.record('SP-initiated single logout', async () => {
      assert.ok(signedInPage, 'the SP-initiated sign-in left a signed-in window');
      const page = signedInPage;
      await explained(page, async () => {
        await page.goto(shibboleth.protectedUrl);
        await assertBSimon(page);
        const visited: string[] = [];
        page.on('request', (request) => request.isNavigationRequest() && visited.push(request.url()));
        await page.goto(shibboleth.logoutUrl(shibboleth.signedOutUrl));
        await page.waitForURL(shibboleth.signedOutUrl);
        assert.ok(
          visited.some((url) => url.startsWith(`${directory.url}/`) && url.includes('SAMLRequest=')),
          'the LogoutRequest went to the Directory',
        );
        assert.ok(
          visited.some(
            (url) =>
              url.startsWith(`${shibboleth.baseUrl}/Shibboleth.sso/SLO/`) && url.includes('SAMLResponse='),
          ),
          'the Directory answered Shibboleth with a LogoutResponse',
        );
        await page.goto(shibboleth.protectedUrl);
        await page.waitForURL((url) => url.origin === directory.url);
        await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      });
    });
  });
});
