// Issue 10's attack, end to end in Chromium against the services as `npm start` runs them (seeded with
// the finished tutorial: organization `acme` signs in through the Directory, where B.Simon is
// assigned). Mallory registers, creates `evilcorp`, configures its SSO with an IdP of her own (a small
// server on loopback that signs whatever she likes), and has it assert B.Simon's address. Before the
// fix, that account took the address Workspace-wide and, through the link offered when B.Simon later
// signed in to acme, became a member of acme. Now: the squat reserves nothing, B.Simon's sign-in never
// meets Mallory's account, and Mallory is refused at acme with a page that says why.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '@federa/saml';
import type { Browser, Page } from 'playwright-core';
import { authnRequestFrom, serve, TestIdp, type TestUser } from '../../apps/sp/test/support/idp.ts';
import { launchChromium } from '../support/browser.ts';
import { type Cluster, ORGANIZATION, PASSWORD, startCluster } from '../support/cluster.ts';
import { DIALECTS } from '../support/databases.ts';
import { arriveAt, see, seeHeading, signInAtDirectory } from './support/pages.ts';
import { STEP_TIMEOUT_MS } from './support/world.ts';

const MALLORY = { name: 'Mallory', email: 'mallory@evil.test', password: 'Mallory-Pa55word!' };
const MALLORY_AT_HER_IDP: TestUser = {
  objectId: '0e000000-0000-4000-8000-00000000000e',
  email: 'mallory@evil.test',
};
/** What her IdP asserts next: B.Simon's address, under an id of Mallory's choosing. */
const BSIMON_SQUAT: TestUser = {
  objectId: '0e000000-0000-4000-8000-0000000000b5',
  email: 'b.simon@contoso.com',
  givenName: 'B',
  surname: 'Simon',
};

/** Mallory's IdP: metadata, and an SSO endpoint that answers every AuthnRequest with `asserting`. */
async function mallorysIdp(spUrl: string) {
  let idp: TestIdp | null = null;
  let asserting = MALLORY_AT_HER_IDP;
  const server = await serve((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/metadata') {
      response.setHeader('content-type', 'application/samlmetadata+xml');
      response.end(idp!.metadata());
      return;
    }
    const authnRequest = authnRequestFrom(`http://127.0.0.1${request.url}`, systemClock);
    const acs = authnRequest.acs ?? `${spUrl}/saml/acs/evilcorp/`;
    void idp!
      .respond({
        slug: 'evilcorp',
        inResponseTo: authnRequest.id,
        user: asserting,
        clock: systemClock,
        acs,
        audience: `${spUrl}/saml/metadata/evilcorp/`,
      })
      .then(({ SAMLResponse }) => {
        const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
        response.setHeader('content-type', 'text/html; charset=utf-8');
        response.end(
          `<!doctype html><title>Evil IdP</title><form method="post" action="${attr(acs)}"><input type="hidden" name="SAMLResponse" value="${attr(SAMLResponse)}"><input type="hidden" name="RelayState" value="${attr(authnRequest.relayState ?? '')}"><button>Continue</button></form><script>document.forms[0].submit()</script>`,
        );
      });
  });
  idp = await TestIdp.create('evilcorp', 'evilcorp-signing', `${server.url}/saml2`);
  return {
    metadataUrl: `${server.url}/metadata`,
    assert: (user: TestUser) => {
      asserting = user;
    },
    close: server.close,
  };
}

for (const dialect of DIALECTS) {
  describe(`an organization's IdP cannot take another person's access, in Chromium on ${dialect}`, {
    timeout: 300_000,
  }, () => {
    let cluster: Cluster | null = null;
    let browser: Browser | null = null;
    let evil: Awaited<ReturnType<typeof mallorysIdp>> | null = null;
    let spUrl = '';

    async function window(): Promise<Page> {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
      return context.newPage();
    }

    before(async () => {
      cluster = await startCluster({
        dialect,
        postgresUrl: process.env.TEST_POSTGRES_URL,
        idpInstances: 1,
        spInstances: 1,
        users: 0,
      });
      spUrl = cluster.sp.publicUrl;
      browser = (await launchChromium()).browser;
      evil = await mallorysIdp(spUrl);
    });

    after(async () => {
      await browser?.close().catch(() => {});
      await evil?.close();
      await cluster?.stop();
    });

    test('the squat reserves nothing, B.Simon signs in to acme untouched, and Mallory is refused at acme', async () => {
      // 1. Mallory registers, creates evilcorp and points its SSO at her own IdP.
      const mallory = await window();
      await mallory.goto(`${spUrl}/auth/register/`);
      await mallory.getByLabel('Name').fill(MALLORY.name);
      await mallory.getByLabel('Email').fill(MALLORY.email);
      await mallory.getByLabel('Password').fill(MALLORY.password);
      await mallory.getByRole('button', { name: 'Create account' }).click();
      await arriveAt(mallory, (u) => !u.pathname.startsWith('/auth/register'));
      await mallory.goto(`${spUrl}/organizations/new/`);
      await mallory.getByLabel('Organization name').fill('Evil Corp');
      await mallory.getByLabel('Slug').fill('evilcorp');
      await mallory.getByRole('button', { name: 'Create organization' }).click();
      await arriveAt(mallory, `${spUrl}/organizations/evilcorp/`);
      await mallory.goto(`${spUrl}/settings/evilcorp/auth/configure/active-directory/`);
      await mallory.getByLabel('App Federation Metadata URL').fill(evil!.metadataUrl);
      await mallory.getByRole('button', { name: 'Save metadata URL' }).click();
      await mallory.getByRole('button', { name: 'Test and finish setup' }).click();
      await see(mallory.getByText('Single sign-on works and is now active for this organization.'));

      // 2. Her IdP asserts B.Simon's address: a sign-in to evilcorp, with an account of evilcorp's only.
      evil!.assert(BSIMON_SQUAT);
      const squat = await window();
      await squat.goto(`${spUrl}/auth/login/evilcorp/`);
      await squat.getByRole('button', { name: 'Continue with Active Directory' }).click();
      await arriveAt(squat, `${spUrl}/organizations/evilcorp/`);
      await see(squat.getByRole('banner').getByText(BSIMON_SQUAT.email));

      // 3. B.Simon signs in to acme through the Directory: straight in, no link to Mallory's account.
      const bsimon = await window();
      await bsimon.goto(`${spUrl}/auth/login/${ORGANIZATION}/`);
      await bsimon.getByRole('button', { name: 'Continue with Active Directory' }).click();
      await signInAtDirectory(bsimon, 'B.Simon@contoso.com', PASSWORD);
      await arriveAt(bsimon, `${spUrl}/organizations/${ORGANIZATION}/`);
      const bsimonId = (await (await bsimon.request.get(`${spUrl}/api/0/users/me/`)).json()).id;
      const squatId = (await (await squat.request.get(`${spUrl}/api/0/users/me/`)).json()).id;
      assert.notEqual(bsimonId, squatId);

      // 4. Mallory's account is refused at acme, and the page says why.
      const refused = await squat.goto(`${spUrl}/organizations/${ORGANIZATION}/`);
      assert.equal(refused?.status(), 403);
      await see(squat.getByText('You are not a member of this organization.'));
      // Nor can it make an organization of its own to go on from.
      const create = await squat.goto(`${spUrl}/organizations/new/`);
      assert.equal(create?.status(), 403);
      await see(squat.getByText(/made for that organization only/));

      // The real owner of the address can still register it.
      const owner = await window();
      await owner.goto(`${spUrl}/auth/register/`);
      await owner.getByLabel('Name').fill('B.Simon');
      await owner.getByLabel('Email').fill('b.simon@contoso.com');
      await owner.getByLabel('Password').fill('Workspace-Pa55word!');
      await owner.getByRole('button', { name: 'Create account' }).click();
      await arriveAt(owner, `${spUrl}/`);
      await seeHeading(owner, 'Organizations');
      await see(owner.getByRole('heading', { name: 'Verify your email address' }));
    });
  });
}
