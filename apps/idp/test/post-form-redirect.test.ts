import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { signInAtDirectory } from '../../../test/e2e/support/pages.ts';
import { launchChromium } from '../../../test/support/browser.ts';
import { freePort } from '../../../test/support/processes.ts';
import { updateBasicSaml } from '../src/applications/sso-settings.service.ts';
import { DIALECTS, ManualClock, startIdp, TEST_ACTOR } from './support/harness.ts';
import { ACME, seedContoso, USER_PASSWORD } from './support/seed.ts';

// The auto-submitting response page in a real Chromium, which applies CSP `form-action` to every
// redirect that follows the form's submission (unlike an HTTP client, or a browser that checks only
// the form's own action). The SP here is the shape that broke: an ACS that takes the response and
// hands the browser to another origin (an application host behind an auth proxy).

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

for (const dialect of DIALECTS) {
  describe(`the response form page in Chromium on ${dialect}`, () => {
    test('an ACS that redirects to another origin after taking the response gets the browser there', async () => {
      const idpPort = await freePort();
      const idpUrl = `http://127.0.0.1:${idpPort}`;
      const idp = await startIdp(dialect, { baseUrl: idpUrl, clock: new ManualClock(new Date()) });
      await idp.app.listen({ host: '127.0.0.1', port: idpPort });

      // The application's own host: another origin (and site) than its ACS.
      const appHost = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end('<!doctype html><title>Application home</title><h1>Application home</h1>');
      });
      const appPort = await listen(appHost, '127.0.0.1');
      const home = `http://localhost:${appPort}/home`;
      let posted = '';
      const acs = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => {
          body += chunk.toString('utf8');
        });
        request.on('end', () => {
          posted = body;
          response.writeHead(302, { location: home });
          response.end();
        });
      });
      const acsUrl = `http://127.0.0.1:${await listen(acs, '127.0.0.1')}/acs`;
      const chromium = await launchChromium();
      try {
        const contoso = await seedContoso(idp.deps);
        await updateBasicSaml(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
          identifiers: [{ identifier: ACME.entityId, isDefault: true }],
          replyUrls: [{ url: acsUrl, isDefault: true }],
        });
        const page = await (await chromium.browser.newContext()).newPage();
        page.setDefaultTimeout(10_000);
        await page.goto(`${idpUrl}/myapps/signin/${contoso.app.appId}?tenantId=${contoso.tenant.id}`);
        await signInAtDirectory(page, 'B.Simon@contoso.com', USER_PASSWORD);
        await page
          .waitForURL(home, { timeout: 10_000 })
          .catch(() => assert.fail(`the browser stayed at ${page.url()} instead of following the ACS`));
        assert.match(posted, /(^|&)SAMLResponse=/, 'the ACS received the response');
        assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Application home');
      } finally {
        await chromium.close();
        await stop(acs);
        await stop(appHost);
        await idp.close();
      }
    });
  });
}
