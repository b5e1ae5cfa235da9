// Automatic provisioning end to end in Chromium, on both databases, against the services as real
// processes (seeded as `npm start` seeds them, SCIM not yet on): the Workspace owner enables SCIM, the
// Directory admin turns on provisioning for Sentry with the Tenant URL and token from the Workspace,
// Test Connection succeeds, and B.Simon (assigned) is a member of acme before ever signing in; a group
// assigned becomes a team with its members; B.Simon, signed in to the Workspace, is unassigned and her
// next Workspace request is refused (her session ended; the Directory refuses her sign-in). FEDERA_SCREENSHOTS=docs saves docs/images/provisioning/ (SQLite).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { type Cluster, ORGANIZATION, PASSWORD, startCluster } from '../support/cluster.ts';
import { DIALECTS } from '../support/databases.ts';
import { arriveAt, openApplication, see, seeHeading, signInAtDirectory } from './support/pages.ts';
import { STEP_TIMEOUT_MS } from './support/world.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const APP = 'Sentry';

/** Reloads `url` until `ready` says the page shows what a cycle should have done (cycles run within seconds). */
async function eventually(page: Page, url: string, ready: (page: Page) => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.goto(url);
    if (await ready(page)) return;
    if (Date.now() > deadline) assert.fail(`${url} did not show the provisioned state within 30 seconds`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

for (const dialect of DIALECTS) {
  describe(`automatic provisioning from the Directory into the Workspace, in Chromium on ${dialect}`, {
    timeout: 300_000,
  }, () => {
    let cluster: Cluster | null = null;
    let browser: Browser | null = null;
    const shots =
      process.env.FEDERA_SCREENSHOTS === 'docs' && dialect === 'sqlite'
        ? join(ROOT, 'docs/images/provisioning')
        : join(mkdtempSync(join(tmpdir(), 'federa-provisioning-')), 'screenshots');
    mkdirSync(shots, { recursive: true });
    const screenshot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`) });

    async function window(): Promise<Page> {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
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
        // The Workspace's SCIM endpoint is on loopback, as in the demo.
        env: { IDP_ALLOW_LOOPBACK_SCIM: 'true' },
      });
      browser = (await launchChromium()).browser;
    });

    after(async () => {
      await browser?.close().catch(() => {});
      await cluster?.stop();
    });

    test('SCIM enabled, provisioning on, B.Simon a member before signing in, a group a team, unassigned and refused', async () => {
      assert.ok(cluster && browser, 'the services did not start');
      const idpUrl = cluster.idp.publicUrl;
      const spUrl = cluster.sp.publicUrl;

      // 1. Workspace: Org Settings › Auth › Enable SCIM; the Tenant URL and token, shown once.
      const owner = await window();
      await owner.goto(`${spUrl}/auth/login/`);
      await owner.getByLabel('Email').fill('owner@acme.test');
      await owner.getByLabel('Password').fill(PASSWORD);
      await owner.getByRole('button', { name: 'Sign in' }).click();
      await arriveAt(owner, (u) => !u.pathname.startsWith('/auth/login'));
      await owner.goto(`${spUrl}/settings/${ORGANIZATION}/auth/`);
      await owner.getByRole('button', { name: 'Enable SCIM' }).click();
      const tenantUrl = await owner
        .getByRole('textbox', { name: 'Tenant URL (SCIM Base URL)', exact: true })
        .inputValue();
      const token = await owner.getByRole('textbox', { name: 'Secret Token', exact: true }).inputValue();
      assert.equal(tenantUrl, `${spUrl}/api/0/organizations/${ORGANIZATION}/scim/v2/`);
      await screenshot(owner, '1-workspace-enable-scim');

      // 2. Directory: Enterprise applications › Sentry › Provisioning: Automatic, Admin Credentials.
      const admin = await window();
      await admin.goto(`${idpUrl}/portal`);
      await signInAtDirectory(admin, 'admin@contoso.com', PASSWORD);
      await arriveAt(admin, (u) => u.pathname.startsWith('/portal'));
      await openApplication(admin, idpUrl, APP);
      await admin
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Provisioning', exact: true })
        .click();
      await seeHeading(admin, `${APP} | Provisioning`);
      // The gallery's Sentry comes with the Tenant URL filled in from its SAML Identifier.
      assert.equal(
        await admin.getByRole('textbox', { name: 'Tenant URL', exact: true }).inputValue(),
        tenantUrl,
      );
      await admin.getByRole('radio', { name: 'Automatic' }).check();
      await admin.getByLabel('Secret Token').fill(token);
      await admin.getByRole('button', { name: 'Save' }).click();
      await see(admin.getByRole('status').filter({ hasText: 'Saved the provisioning settings.' }));
      await admin.getByRole('button', { name: 'Test Connection' }).click();
      await see(admin.getByText('The supplied credentials are authorized to enable provisioning.'));
      await screenshot(admin, '2-directory-test-connection');
      await admin.getByRole('radio', { name: 'On', exact: true }).check();
      await admin.getByRole('button', { name: 'Save' }).click();
      await see(admin.getByRole('status').filter({ hasText: 'Saved the provisioning settings.' }));

      // 3. B.Simon, assigned, is a member of acme within seconds, before she ever signs in.
      await eventually(owner, `${spUrl}/settings/${ORGANIZATION}/members/`, (page) =>
        page.getByText('b.simon@contoso.com').first().isVisible(),
      );
      await screenshot(owner, '3-workspace-member-provisioned');
      await admin.goto(`${idpUrl}/portal/applications`);
      await openApplication(admin, idpUrl, APP);
      await admin
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Provisioning', exact: true })
        .click();
      await see(admin.getByText(/Initial cycle completed/));
      await screenshot(admin, '4-directory-cycle-status');

      // 4. A group assigned: a team with its members.
      await admin.goto(`${idpUrl}/portal/groups/new`);
      await admin.getByLabel('Group name').fill('Backend');
      await admin.getByRole('button', { name: 'Create' }).click();
      await seeHeading(admin, 'Backend');
      await admin
        .getByLabel('Add member')
        .selectOption({ label: 'Contoso Administrator (admin@contoso.com)' });
      await admin.getByRole('button', { name: 'Add', exact: true }).click();
      await openApplication(admin, idpUrl, APP, 'Users and groups');
      await admin.getByLabel('Users and groups').selectOption({ label: 'Backend (group)' });
      await admin.getByRole('button', { name: 'Assign' }).click();
      await see(admin.getByRole('status').filter({ hasText: 'Assignment succeeded.' }));
      await eventually(owner, `${spUrl}/settings/${ORGANIZATION}/teams/`, (page) =>
        page.getByRole('link', { name: 'Backend' }).first().isVisible(),
      );
      await owner.getByRole('link', { name: 'Backend' }).first().click();
      await see(owner.getByText('admin@contoso.com'));
      await screenshot(owner, '5-workspace-team-provisioned');

      // 5. B.Simon signs in to the Workspace through the Directory.
      const bsimon = await window();
      await bsimon.goto(`${spUrl}/auth/login/${ORGANIZATION}/`);
      await bsimon.getByRole('button', { name: 'Continue with Active Directory' }).click();
      await signInAtDirectory(bsimon, 'B.Simon@contoso.com', PASSWORD);
      await arriveAt(bsimon, `${spUrl}/organizations/${ORGANIZATION}/`);

      // 6. Unassigned in the Directory: her next Workspace request is refused.
      await openApplication(admin, idpUrl, APP, 'Users and groups');
      await admin.getByRole('link', { name: 'Remove B.Simon' }).click();
      await admin.getByRole('button', { name: 'Remove assignment' }).click();
      await see(admin.getByRole('status').filter({ hasText: 'Removed the assignment of B.Simon' }));
      const home = `${spUrl}/organizations/${ORGANIZATION}/`;
      await eventually(bsimon, home, async (page) => page.url() !== home);
      // Her Workspace session ended with the suspension (the API answers 401), and signing in again is
      // refused by the Directory: she is no longer assigned (AADSTS50105).
      await see(bsimon.getByText(/AADSTS50105/));
      assert.equal((await bsimon.request.get(`${spUrl}/api/0/users/me/`)).status(), 401);
      await screenshot(bsimon, '6-workspace-access-refused');
      await admin.goto(`${idpUrl}/portal/applications`);
      await openApplication(admin, idpUrl, APP);
      await admin
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Provisioning', exact: true })
        .click();
      await admin.getByRole('link', { name: 'Provisioning logs' }).click();
      await see(admin.getByText('disable').first());
      await screenshot(admin, '7-directory-provisioning-logs');
    });
  });
}
