// SimpleSAMLphp 1.19 (Debian's simplesamlphp, under Apache httpd and mod_php) in both roles, in
// Chromium: as a service provider of Federa Directory (SP- and IdP-initiated sign-in through the
// Directory's real sign-in page, signed AuthnRequests, single logout started at SimpleSAMLphp), and as
// the identity provider of a Federa Workspace organization configured on the Workspace's own pages as a
// generic SAML2 provider by metadata URL (SP- and IdP-initiated sign-in, signed AuthnRequests because
// its metadata asks for them, single logout started on either side). Each scenario is a cell of the
// matrix in docs/interop.md.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { card, see, seeHeading, signInAtDirectory } from '../e2e/support/pages.ts';
import { launchChromium } from '../support/browser.ts';
import { freePort } from '../support/processes.ts';
import { parseWhoami } from './support/apache.ts';
import { type ApiApplication, type Directory, PASSWORD, startDirectory, USER } from './support/directory.ts';
import { peerMatrix } from './support/matrix.ts';
import { type IdpUser, type SimpleSamlPhp, startSimpleSamlPhp } from './support/simplesamlphp.ts';
import { startWorkspace, type Workspace } from './support/workspace.ts';

const STEP_TIMEOUT_MS = 15_000;
const APP_NAME = 'SimpleSAMLphp';
const ORG = { slug: 'acme', name: 'Acme' };
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
/** Entra's default claims, the attribute names SimpleSAMLphp's SP receives from the Directory. */
const CLAIM = {
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  givenName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  surname: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  upn: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
};
/** The IdP's people (exampleauth:UserPass): the Workspace owner, and a member made just in time. */
const IDP_OWNER: IdpUser = {
  username: 'owner',
  password: 'owner-Pa55word',
  uid: 'u-1001',
  mail: 'owner@acme.test',
  givenName: 'Acme',
  sn: 'Owner',
};
const IDP_MEMBER: IdpUser = {
  username: 'bsimon',
  password: 'bsimon-Pa55word',
  uid: 'u-1002',
  mail: 'b.simon@acme.test',
  givenName: 'B',
  sn: 'Simon',
};

describe('SimpleSAMLphp as an SP of Federa Directory and as the IdP of a Federa Workspace organization', () => {
  const spRow = peerMatrix('SimpleSAMLphp SP');
  const idpRow = peerMatrix('SimpleSAMLphp IdP');
  const dir = mkdtempSync(join(tmpdir(), 'federa-interop-simplesamlphp-'));
  let directory: Directory;
  let workspace: Workspace;
  let ssp: SimpleSamlPhp;
  let app: ApiApplication;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    // All at once; each one that started is kept, so that `after` stops it even if another failed.
    const started = await Promise.allSettled([
      startDirectory().then((d) => (directory = d)),
      startWorkspace({ organization: ORG, owner: { email: IDP_OWNER.mail, name: 'Acme Owner' } }).then(
        (w) => (workspace = w),
      ),
      launchChromium().then((c) => (browser = c.browser)),
    ]);
    for (const outcome of started) if (outcome.status === 'rejected') throw outcome.reason;
    app = await directory.api<ApiApplication>('POST', '/applications', {
      template: 'custom',
      displayName: APP_NAME,
    });
    const federation = await directory.api<{ federationMetadataUrl: string; entityId: string }>(
      'GET',
      `/applications/${app.id}/federation-metadata-url`,
    );
    ssp = await startSimpleSamlPhp({
      dir,
      port: await freePort(),
      directoryEntityId: federation.entityId,
      users: [IDP_OWNER, IDP_MEMBER],
    });
    // The Directory's administrator uploads the SP metadata SimpleSAMLphp publishes at its entity ID
    // (Identifier, Reply URL, Logout URL, signing certificate), sets the Relay State for My Apps and
    // assigns B.Simon; SimpleSAMLphp's administrator saves the App Federation Metadata.
    const spMetadata = await fetch(ssp.spEntityId);
    assert.equal(spMetadata.status, 200, ssp.log());
    await directory.api('POST', `/applications/${app.id}/saml/metadata`, {
      metadata: await spMetadata.text(),
    });
    await directory.api('PATCH', `/applications/${app.id}/saml`, { relayState: ssp.protectedUrl });
    await directory.api('POST', `/applications/${app.id}/assignments`, {
      principalType: 'user',
      principal: USER,
    });
    const idpMetadata = await fetch(federation.federationMetadataUrl);
    assert.equal(idpMetadata.status, 200);
    ssp.saveMetadata('directory-idp', await idpMetadata.text());
    await configureWorkspaceSso();
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close().catch(() => {});
    await ssp?.stop();
    await Promise.all([directory?.stop(), workspace?.stop()]);
    rmSync(dir, { recursive: true, force: true });
    spRow.write();
    idpRow.write();
  });

  async function window(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    return context.newPage();
  }

  /** Fails with what every side logged, so that a broken peer says why. */
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
        `${(error as Error).message}\n--- page ${page.url()} ---\n${body.replace(/\s+/g, ' ').slice(0, 2000)}\n${ssp.log()}\n--- Directory ---\n${directory.output().slice(-3000)}\n--- Workspace ---\n${workspace.output().slice(-3000)}`,
      );
    }
  }

  /** Every address the page's main frame visits from now on, redirects included. */
  function visits(page: Page): string[] {
    const visited: string[] = [];
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) visited.push(request.url());
    });
    return visited;
  }

  // --- SimpleSAMLphp as a service provider of the Directory -------------------------------------

  /** What SimpleSAMLphp handed the protected page, as NAME → value. */
  async function whatSimpleSamlPhpReceived(page: Page): Promise<Record<string, string>> {
    await page.waitForURL(ssp.protectedUrl, { waitUntil: 'load' });
    return parseWhoami((await page.locator('body').textContent()) ?? '');
  }

  /** B.Simon as SimpleSAMLphp received him: a transient NameID SP-initiated, the UPN IdP-initiated. */
  function assertBSimon(received: Record<string, string>, nameId: 'transient' | 'upn'): void {
    if (nameId === 'transient') assert.match(received.NAME_ID ?? '', /^_[0-9a-f]{40}$/);
    else assert.equal(received.NAME_ID, USER);
    assert.equal(received[CLAIM.email], USER);
    assert.equal(received[CLAIM.givenName], 'B');
    assert.equal(received[CLAIM.surname], 'Simon');
    assert.equal(received[CLAIM.upn], USER);
  }

  let spSignedIn: Page;
  let tileSignedIn: Page;

  test('SP: the protected page sends B.Simon to the Directory and shows who SimpleSAMLphp signed in', async () => {
    await spRow.record('SP-initiated sign-in', async () => {
      const page = await window();
      await explained(page, async () => {
        const mark = ssp.fullLog().length;
        await page.goto(ssp.protectedUrl);
        await page.waitForURL((url) => url.origin === directory.url);
        await signInAtDirectory(page, USER, PASSWORD);
        assertBSimon(await whatSimpleSamlPhpReceived(page), 'transient');
        // The response matched SimpleSAMLphp's request (InResponseTo, kept in its session): the
        // session cookie came along on the Directory's cross-site POST to the ACS.
        assert.doesNotMatch(ssp.fullLog().slice(mark), /Processing response as unsolicited/);
      });
      spSignedIn = page;
    });
  });

  test('SP: SimpleSAMLphp signs its AuthnRequest (RSA-SHA256) and the Directory verifies it with the uploaded certificate', async () => {
    await spRow.record('Signed AuthnRequest', async () => {
      const page = await window();
      await explained(page, async () => {
        const request = page.waitForRequest(
          (r) => r.url().startsWith(`${directory.url}/`) && r.url().includes('SAMLRequest='),
        );
        await page.goto(ssp.protectedUrl);
        const signed = new URL((await request).url());
        assert.equal(signed.searchParams.get('SigAlg'), RSA_SHA256);
        assert.ok(signed.searchParams.get('Signature'), 'SimpleSAMLphp signs its AuthnRequest');
        const settings = await directory.api<{ spSigningCertificateCount: number }>(
          'GET',
          `/applications/${app.id}/saml`,
        );
        assert.equal(settings.spSigningCertificateCount, 1, 'the uploaded metadata carried the certificate');
        // The same request with its RelayState changed is refused: the Directory checked the signature.
        const tampered = new URL(signed);
        tampered.searchParams.set('RelayState', 'https://attacker.example/');
        const refused = await window();
        await refused.goto(tampered.toString());
        await refused.getByText('AADSTS76021').first().waitFor();
        const mark = ssp.fullLog().length;
        await signInAtDirectory(page, USER, PASSWORD);
        assertBSimon(await whatSimpleSamlPhpReceived(page), 'transient');
        assert.doesNotMatch(ssp.fullLog().slice(mark), /Processing response as unsolicited/);
      });
    });
  });

  test('SP: the My Apps tile signs B.Simon in to SimpleSAMLphp, which accepts the unsolicited response', async () => {
    await spRow.record('IdP-initiated sign-in', async () => {
      const page = await window();
      await explained(page, async () => {
        await page.goto(`${directory.url}/myapps`);
        await signInAtDirectory(page, USER, PASSWORD);
        // The tile opens the application in a new tab, as Entra's My Apps does.
        const [app] = await Promise.all([
          page.context().waitForEvent('page'),
          page.getByRole('link', { name: APP_NAME }).click(),
        ]);
        assertBSimon(await whatSimpleSamlPhpReceived(app), 'upn');
      });
      tileSignedIn = page;
    });
  });

  test('SP: signing out of My Apps sends SimpleSAMLphp a signed LogoutRequest, which ends its session', async () => {
    await spRow.record('IdP-initiated single logout', async () => {
      assert.ok(tileSignedIn, 'the My Apps sign-in left a signed-in window');
      const page = tileSignedIn;
      await explained(page, async () => {
        await page.goto(`${directory.url}/myapps`);
        const visited = visits(page);
        await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
        await seeHeading(page, 'You signed out of your account');
        const request = visited.find(
          (url) =>
            url.startsWith(`${ssp.spBaseUrl}/simplesaml/module.php/saml/sp/saml2-logout.php/`) &&
            url.includes('SAMLRequest='),
        );
        assert.ok(request, 'the Directory sent SimpleSAMLphp a LogoutRequest');
        assert.equal(
          new URL(request).searchParams.get('SigAlg'),
          RSA_SHA256,
          'signed with the Directory’s key',
        );
        assert.ok(
          visited.some((url) => url.startsWith(`${directory.url}/`) && url.includes('SAMLResponse=')),
          'SimpleSAMLphp answered the Directory with a LogoutResponse',
        );
        assert.equal(
          await page.locator('.still-signed-in').count(),
          0,
          'SimpleSAMLphp confirmed the sign-out',
        );
        // SimpleSAMLphp's session ended: its protected page sends B.Simon to the Directory's sign-in.
        await page.goto(ssp.protectedUrl);
        await page.waitForURL((url) => url.origin === directory.url);
        await seeHeading(page, 'Sign in');
      });
    });
  });

  test('SP: single logout started at SimpleSAMLphp ends its session and the Directory session', async () => {
    await spRow.record('SP-initiated single logout', async () => {
      assert.ok(spSignedIn, 'the SP-initiated sign-in left a signed-in window');
      const page = spSignedIn;
      await explained(page, async () => {
        await page.goto(ssp.protectedUrl);
        assertBSimon(await whatSimpleSamlPhpReceived(page), 'transient');
        const visited = visits(page);
        await page.goto(ssp.spLogoutUrl(ssp.signedOutUrl('sp')));
        await page.waitForURL(ssp.signedOutUrl('sp'));
        const request = visited.find(
          (url) => url.startsWith(`${directory.url}/`) && url.includes('SAMLRequest='),
        );
        assert.ok(request, 'the LogoutRequest went to the Directory');
        assert.equal(new URL(request).searchParams.get('SigAlg'), RSA_SHA256, 'signed, as sign.logout says');
        assert.ok(
          visited.some(
            (url) =>
              url.startsWith(`${ssp.spBaseUrl}/simplesaml/module.php/saml/sp/saml2-logout.php/`) &&
              url.includes('SAMLResponse='),
          ),
          'the Directory answered SimpleSAMLphp with a LogoutResponse',
        );
        // Both sessions ended: SimpleSAMLphp sends B.Simon to the Directory, which asks for the password.
        await page.goto(ssp.protectedUrl);
        await page.waitForURL((url) => url.origin === directory.url);
        await seeHeading(page, 'Sign in');
      });
    });
  });

  // --- SimpleSAMLphp as the identity provider of a Workspace organization -----------------------

  const ws = (path: string) => `${workspace.url}${path}`;

  /** SimpleSAMLphp's own sign-in form (exampleauth:UserPass). */
  async function signInAtSimpleSamlPhp(page: Page, user: IdpUser): Promise<void> {
    await page.waitForURL((url) => url.origin === ssp.idpBaseUrl);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: /Login/i }).click();
  }

  /** Who the Workspace says is signed in, from /api/0/users/me/ in that browser (null: nobody). */
  async function workspaceUser(
    page: Page,
  ): Promise<{ email: string; name: string; organizations: Array<{ slug: string; role: string }> } | null> {
    const response = await page.goto(ws('/api/0/users/me/'));
    if (response?.status() === 401) return null;
    assert.equal(response?.status(), 200);
    return (await response.json()) as Awaited<ReturnType<typeof workspaceUser>>;
  }

  /** B.Simon reached the organization home, a member made just in time from SimpleSAMLphp's attributes. */
  async function assertMemberIn(page: Page): Promise<void> {
    await page.waitForURL(ws(`/organizations/${ORG.slug}/`), { waitUntil: 'load' });
    const me = await workspaceUser(page);
    assert.equal(me?.email, IDP_MEMBER.mail);
    assert.equal(me?.name, `${IDP_MEMBER.givenName} ${IDP_MEMBER.sn}`);
    assert.deepEqual(
      me?.organizations.map((o) => [o.slug, o.role]),
      [[ORG.slug, 'member']],
    );
  }

  /**
   * The owner configures SSO on the Workspace's pages: SAML2 from SimpleSAMLphp's metadata URL, the
   * attribute mapping, single logout; saves the organization's SP metadata for SimpleSAMLphp; and
   * finishes the setup by signing in once at SimpleSAMLphp.
   */
  async function configureWorkspaceSso(): Promise<void> {
    const page = await window();
    await explained(page, async () => {
      await page.goto(ws('/auth/login/'));
      await page.getByLabel('Email').fill(workspace.owner.email);
      await page.getByLabel('Password').fill(workspace.owner.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.goto(ws(`/settings/${ORG.slug}/auth/`));
      await page.getByRole('link', { name: 'Configure SAML2' }).click();
      await page.getByLabel('Metadata URL').fill(ssp.idpEntityId);
      await page.getByRole('button', { name: 'Save metadata URL' }).click();
      await see(page.getByRole('status').filter({ hasText: 'IdP settings saved.' }));
      // SimpleSAMLphp's metadata says WantAuthnRequestsSigned="true": the Workspace signs, and says so.
      await see(page.getByText('Your identity provider requires signed requests'));

      const mapping = card(page, 'Attribute mapping');
      await mapping.getByLabel('Use the NameID as the IdP user id').uncheck();
      await mapping.getByLabel('IdP user id attribute').fill('uid');
      await mapping.getByLabel('Email attribute').fill('mail');
      await mapping.getByLabel('First name attribute').fill('givenName');
      await mapping.getByLabel('Last name attribute').fill('sn');
      await mapping.getByRole('button', { name: 'Save attribute mapping' }).click();
      await see(page.getByRole('status').filter({ hasText: 'Attribute mapping saved.' }));
      await page.getByLabel('Sign out of the identity provider too').check();
      await page.getByRole('button', { name: 'Save settings' }).click();
      await see(page.getByRole('status').filter({ hasText: 'Settings saved.' }));

      // SimpleSAMLphp's administrator saves the organization's SP metadata (ACS, SLO, certificate).
      const spMetadata = await fetch(ws(`/saml/metadata/${ORG.slug}/`));
      const xml = await spMetadata.text();
      assert.match(xml, /AuthnRequestsSigned="true"/);
      ssp.saveMetadata('workspace-sp', xml);

      await page.getByRole('button', { name: 'Test and finish setup' }).click();
      await signInAtSimpleSamlPhp(page, IDP_OWNER);
      await page.waitForURL(ws(`/settings/${ORG.slug}/auth/`));
      await see(
        page
          .getByRole('status')
          .filter({ hasText: 'Single sign-on works and is now active for this organization.' }),
      );
    });
    await page.context().close();
  }

  let idpSignedIn: Page;

  test('IdP: the organization’s login page sends B.Simon to SimpleSAMLphp and back into the organization', async () => {
    await idpRow.record('SP-initiated sign-in', async () => {
      const page = await window();
      await explained(page, async () => {
        await page.goto(ws(`/auth/login/${ORG.slug}/`));
        await page.getByRole('button', { name: 'Continue with SAML2' }).click();
        await signInAtSimpleSamlPhp(page, IDP_MEMBER);
        await assertMemberIn(page);
      });
      idpSignedIn = page;
    });
  });

  test('IdP: the Workspace signs its AuthnRequest because SimpleSAMLphp’s metadata asks, and SimpleSAMLphp verifies it', async () => {
    await idpRow.record('Signed AuthnRequest', async () => {
      const page = await window();
      await explained(page, async () => {
        const request = page.waitForRequest(
          (r) => r.url().startsWith(`${ssp.idpBaseUrl}/`) && r.url().includes('SAMLRequest='),
        );
        await page.goto(ws(`/auth/login/${ORG.slug}/`));
        await page.getByRole('button', { name: 'Continue with SAML2' }).click();
        const signed = new URL((await request).url());
        assert.equal(signed.searchParams.get('SigAlg'), RSA_SHA256);
        assert.ok(signed.searchParams.get('Signature'), 'the Workspace signs its AuthnRequest');
        // SimpleSAMLphp refuses the same request with its RelayState changed.
        const tampered = new URL(signed);
        tampered.searchParams.set('RelayState', 'tampered');
        const refused = await window();
        await refused.goto(tampered.toString());
        await see(refused.getByText('Unable to validate signature on query string.'));
        await signInAtSimpleSamlPhp(page, IDP_MEMBER);
        await assertMemberIn(page);
      });
    });
  });

  test('IdP: SimpleSAMLphp’s IdP-initiated sign-in (SSOService.php?spentityid=…) lands B.Simon in the organization', async () => {
    await idpRow.record('IdP-initiated sign-in', async () => {
      const page = await window();
      await explained(page, async () => {
        await page.goto(
          ssp.idpInitiatedUrl(ws(`/saml/metadata/${ORG.slug}/`), `/organizations/${ORG.slug}/`),
        );
        await signInAtSimpleSamlPhp(page, IDP_MEMBER);
        await assertMemberIn(page);
      });
    });
  });

  /** SimpleSAMLphp's session ended too: the next sign-in asks for the password again. */
  async function assertSignedOutEverywhere(page: Page): Promise<void> {
    assert.equal(await workspaceUser(page), null, 'signed out of the Workspace');
    await page.goto(ws(`/auth/login/${ORG.slug}/`));
    await page.getByRole('button', { name: 'Continue with SAML2' }).click();
    await page.waitForURL((url) => url.origin === ssp.idpBaseUrl);
    await see(page.getByLabel('Username'));
  }

  test('IdP: signing out of the Workspace signs B.Simon out of SimpleSAMLphp too', async () => {
    await idpRow.record('SP-initiated single logout', async () => {
      assert.ok(idpSignedIn, 'the SP-initiated sign-in left a signed-in window');
      const page = idpSignedIn;
      await explained(page, async () => {
        await page.goto(ws(`/organizations/${ORG.slug}/`));
        const visited = visits(page);
        await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
        await see(page.getByText('You are signed out here and at your identity provider.'));
        assert.ok(
          visited.some((url) => url.startsWith(`${ssp.idpBaseUrl}/`) && url.includes('SAMLRequest=')),
          'the LogoutRequest went to SimpleSAMLphp',
        );
        assert.ok(
          visited.some(
            (url) => url.startsWith(ws(`/saml/sls/${ORG.slug}/`)) && url.includes('SAMLResponse='),
          ),
          'SimpleSAMLphp answered with a LogoutResponse',
        );
        await assertSignedOutEverywhere(page);
      });
    });
  });

  test('IdP: single logout started at SimpleSAMLphp ends the Workspace session and comes back with its RelayState', async () => {
    await idpRow.record('IdP-initiated single logout', async () => {
      const page = await window();
      await explained(page, async () => {
        await page.goto(ws(`/auth/login/${ORG.slug}/`));
        await page.getByRole('button', { name: 'Continue with SAML2' }).click();
        await signInAtSimpleSamlPhp(page, IDP_MEMBER);
        await assertMemberIn(page);
        const visited = visits(page);
        await page.goto(ssp.idpLogoutUrl(ssp.signedOutUrl('idp')));
        // SimpleSAMLphp keeps where its logout stands in the RelayState: it reaches its ReturnTo only if
        // the Workspace's LogoutResponse carried it back.
        await page.waitForURL(ssp.signedOutUrl('idp'));
        const request = visited.find(
          (url) => url.startsWith(ws(`/saml/sls/${ORG.slug}/`)) && url.includes('SAMLRequest='),
        );
        assert.ok(request, 'SimpleSAMLphp sent a LogoutRequest to the Workspace');
        const relayState = new URL(request).searchParams.get('RelayState');
        assert.ok(relayState, 'with a RelayState');
        const response = visited.find(
          (url) => url.startsWith(ssp.idpBaseUrl) && url.includes('SAMLResponse='),
        );
        assert.ok(response, 'the Workspace answered with a LogoutResponse');
        assert.equal(new URL(response).searchParams.get('RelayState'), relayState);
        await assertSignedOutEverywhere(page);
      });
    });
  });
});
