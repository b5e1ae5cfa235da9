import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { updateProperties } from '../src/applications/applications.service.ts';
import { updateBasicSaml } from '../src/applications/sso-settings.service.ts';
import { Browser, samlPostOf } from './support/browser.ts';
import { BASE_URL, DIALECTS, startIdp, TEST_ACTOR } from './support/harness.ts';
import { ACME, ADMIN_PASSWORD, type Contoso, seedContoso, USER_PASSWORD } from './support/seed.ts';
import { acmeValidates, metadataCertificates } from './support/sp.ts';

async function idpInitiatedOnly(
  deps: Parameters<typeof updateBasicSaml>[0],
  contoso: Contoso,
  relayState: string | null,
) {
  await updateBasicSaml(deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
    identifiers: [{ identifier: ACME.entityId, isDefault: true }],
    replyUrls: [{ url: ACME.acsUrl, isDefault: true }],
    relayState,
  });
}

for (const dialect of DIALECTS) {
  describe(`My Apps and IdP-initiated sign-in on ${dialect}`, () => {
    test('My Apps asks to sign in, then shows a tile for each assigned, visible, enabled application', async () => {
      const idp = await startIdp(dialect);
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      const first = await browser.get('/myapps');
      assert.equal(first.statusCode, 303);
      assert.equal(first.headers.location, '/common/login?return=%2Fmyapps');
      const signedIn = await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(first),
      );
      assert.equal(signedIn.statusCode, 303);
      assert.equal(signedIn.headers.location, '/myapps');
      const page = await browser.get('/myapps');
      assert.equal(page.statusCode, 200);
      assert.ok(
        page.body.includes(
          `href="${BASE_URL}/myapps/signin/${contoso.app.appId}?tenantId=${contoso.tenant.id}"`,
        ),
      );
      assert.match(page.body, /<strong>Sentry<\/strong>/);
      // A new tab, as Entra's My Apps opens apps, and the link says so to screen readers.
      assert.match(
        page.body,
        /<a class="tile" href="[^"]*" target="_blank" rel="noopener">.*<strong>Sentry<\/strong><span class="visually-hidden"> \(opens in a new tab\)<\/span><\/a>/,
      );
      assert.match(
        page.body,
        /<svg viewBox="0 0 48 48" aria-hidden="true" class="tile-logo"><rect[^>]*fill="#362d59"/,
      );
      // The search box keeps the tiles whose name contains what was typed, whatever its case.
      assert.match((await browser.get('/myapps?q=SENT')).body, /<strong>Sentry<\/strong>/);
      const none = (await browser.get('/myapps?q=jira')).body;
      assert.doesNotMatch(none, /<strong>Sentry<\/strong>/);
      assert.match(none, /No app’s name contains “jira”/);

      await updateProperties(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        displayName: 'Sentry',
        enabledForSignIn: true,
        assignmentRequired: true,
        visibleToUsers: false,
      });
      assert.doesNotMatch((await browser.get('/myapps')).body, /<strong>Sentry<\/strong>/);
      const other = new Browser(idp.app);
      await other.signIn(
        'E.Other@contoso.com',
        USER_PASSWORD,
        await other.follow(await other.get('/myapps')),
      );
      assert.match((await other.get('/myapps')).body, /You have no apps yet/);
      await idp.close();
    });

    test('a tile of an app with a Sign on URL goes there (SP-initiated)', async () => {
      const idp = await startIdp(dialect);
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      const launch = await browser.get(`/myapps/signin/${contoso.app.appId}?tenantId=${contoso.tenant.id}`);
      assert.equal(launch.statusCode, 303);
      assert.equal(launch.headers.location, ACME.signOnUrl);
      await idp.close();
    });

    test('a tile of an app without a Sign on URL posts an unsolicited response to the default Reply URL with the Relay State', async () => {
      const idp = await startIdp(dialect);
      const contoso = await seedContoso(idp.deps);
      await idpInitiatedOnly(idp.deps, contoso, '/organizations/acme/projects/');
      const browser = new Browser(idp.app);
      const launch = await browser.get(`/myapps/signin/${contoso.app.appId}?tenantId=${contoso.tenant.id}`);
      assert.equal(launch.statusCode, 303, 'nobody signed in: the sign-in page first');
      const posted = await browser.signIn('B.Simon@contoso.com', USER_PASSWORD, await browser.follow(launch));
      const form = samlPostOf(posted.body);
      assert.equal(form.action, ACME.acsUrl);
      assert.equal(form.relayState, '/organizations/acme/projects/');
      const certificates = await metadataCertificates(idp.app, contoso.tenant, contoso.app);
      const assertion = await acmeValidates(form.xml, {
        tenant: contoso.tenant,
        certificates,
        clock: idp.clock,
        unsolicited: true,
      });
      assert.equal(assertion.inResponseTo, null);
      assert.equal(assertion.nameId, 'B.Simon@contoso.com');
      const again = await browser.get(`/myapps/signin/${contoso.app.appId}?tenantId=${contoso.tenant.id}`);
      assert.equal(again.statusCode, 200, 'signed in: straight to the application');
      samlPostOf(again.body);
      await idp.close();
    });

    test('an unassigned user launching the app gets AADSTS50105; an unknown app or tenant its own page', async () => {
      const idp = await startIdp(dialect);
      const contoso = await seedContoso(idp.deps);
      await idpInitiatedOnly(idp.deps, contoso, null);
      const browser = new Browser(idp.app);
      const page = await browser.signIn(
        'E.Other@contoso.com',
        USER_PASSWORD,
        await browser.follow(
          await browser.get(`/myapps/signin/${contoso.app.appId}?tenantId=${contoso.tenant.id}`),
        ),
      );
      assert.equal(page.statusCode, 403);
      assert.match(page.body, /AADSTS50105/);
      const unknown = await browser.get(
        `/myapps/signin/00000000-1111-4222-8333-444444444444?tenantId=${contoso.tenant.id}`,
      );
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.body, /AADSTS700016/);
      assert.match((await browser.get(`/myapps/signin/${contoso.app.appId}`)).body, /AADSTS90015/);
      await idp.close();
    });

    test('Test this application signs the admin in IdP-initiated when they are assigned, and offers the Sign on URL', async () => {
      const idp = await startIdp(dialect);
      const contoso = await seedContoso(idp.deps);
      const { assign } = await import('../src/assignments/assignments.service.ts');
      await assign(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        principalType: 'user',
        principalId: contoso.admin.id,
      });
      const browser = new Browser(idp.app);
      await browser.signIn(
        'admin@contoso.com',
        ADMIN_PASSWORD,
        await browser.follow(await browser.get('/portal')),
      );
      const testPage = await browser.get(`/portal/applications/${contoso.app.id}/test`);
      assert.equal(testPage.statusCode, 200);
      assert.ok(testPage.body.includes(`href="${ACME.signOnUrl}"`));
      const idpLink = /href="([^"]*mode=idp)"/.exec(testPage.body)?.[1]?.replace(/&amp;/g, '&');
      assert.ok(idpLink);
      const posted = await browser.get(idpLink.replace(BASE_URL, ''));
      const form = samlPostOf(posted.body);
      const certificates = await metadataCertificates(idp.app, contoso.tenant, contoso.app);
      const assertion = await acmeValidates(form.xml, {
        tenant: contoso.tenant,
        certificates,
        clock: idp.clock,
        unsolicited: true,
      });
      assert.equal(assertion.nameId, 'admin@contoso.com');
      await idp.close();
    });
  });
}
