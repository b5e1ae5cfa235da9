// The seed tutorial (shared/seed/azure-ad-sso-with-sentry.md), every step in order, in a real
// browser: Federa Directory in place of the Azure portal, Federa Workspace in place of Sentry, both
// started empty as `npm start -- --empty` does, on SQLite and on PostgreSQL. docs/tutorial.md tells
// the same story with this test's screenshots (`npm run docs:screenshots` regenerates them).
//
// Who is who: the person following the tutorial is Contoso's IT administrator. They set up the
// Directory, and in the same browser create the Workspace organization `acme` and configure its SSO —
// as the tutorial has one person do both sides. Finishing the Workspace setup signs them in through
// the Directory as themselves, so, as a real admin does, they assign themselves to the application
// too (the test first shows the AADSTS50105 page that tells them to). "Test this application" signs
// in the current user, as Entra's does; B.Simon tests in her own browser window with the very links
// it opens (Entra's "Sign in as someone else").
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { DIALECTS } from '../support/databases.ts';
import {
  arriveAt,
  card,
  chosen,
  copyFrom,
  openApplication,
  openJson,
  portalNav,
  see,
  seeHeading,
  signInAtDirectory,
  trail,
} from './support/pages.ts';
import { startWorld, type World } from './support/world.ts';

const ADMIN = { userName: 'admin@contoso.com', name: 'Contoso Admin', password: 'Tutorial-Admin-2024!' };
const OWNER_PASSWORD = 'Tutorial-Owner-2024!';
const APP = 'Sentry (self-hosted)';
const ORG = 'acme';
const BSIMON = { userName: 'B.Simon@contoso.com', name: 'B.Simon', email: 'b.simon@contoso.com' };
const ALEX = { userName: 'Alex.Wu@contoso.com', name: 'Alex Wu', email: 'alex.wu@contoso.com' };
const ALEX_WORKSPACE_PASSWORD = 'Alex-Workspace-2024!';

for (const dialect of DIALECTS) {
  describe(`the tutorial in a real browser, on ${dialect}`, { timeout: 300_000 }, () => {
    let world: World;
    let admin: Page; // the IT admin's browser: Directory portal and Workspace owner
    let failedStep: string | null = null;
    // What the admin copies and writes down along the way.
    let metadataUrl = '';
    let ssoPageUrl = '';
    let bsimonPassword = '';
    const sp = (path: string) => `${world.spUrl}${path}`;
    const urls = () => ({
      identifier: sp(`/saml/metadata/${ORG}/`),
      replyUrl: sp(`/saml/acs/${ORG}/`),
      signOnUrl: sp(`/organizations/${ORG}/`),
    });

    /** One step of the tutorial: later steps need the earlier ones, so after a failure they say so. */
    const step = (name: string, body: () => Promise<void>) =>
      test(name, { timeout: 120_000 }, async () => {
        if (failedStep) throw new Error(`not run: the earlier step failed: ${failedStep}`);
        try {
          await body();
        } catch (error) {
          failedStep = name;
          for (const context of world.browser.contexts())
            for (const [i, page] of context.pages().entries())
              await world.screenshot(page, `failure-${i}`).catch(() => {});
          throw new Error(
            `${(error as Error).message}\n(screenshots in ${world.screenshotDir})\n${world.output()}`,
            { cause: error },
          );
        }
      });

    before(async () => {
      world = await startWorld(dialect);
      admin = await world.window();
    });
    after(async () => {
      await world?.close({ keep: failedStep !== null || world.screenshotDir.includes('docs') });
    });

    step(
      'Adding Sentry from the gallery, and Configure Azure AD SSO: the first administrator adds Sentry (self-hosted), fills the Basic SAML Configuration with the organization slug and copies the App Federation Metadata URL',
      async () => {
        // A fresh Directory asks for its first administrator (the tenant's, like signing up for Azure).
        await admin.goto(`${world.idpUrl}/portal`);
        await seeHeading(admin, 'Set up Federa Directory');
        await admin.getByLabel('Organization name').fill('Contoso');
        await admin.getByLabel('Verified domain').fill('contoso.com');
        await admin.getByLabel('Administrator user name').fill(ADMIN.userName);
        await admin.getByLabel('Administrator name').fill(ADMIN.name);
        await admin.getByRole('textbox', { name: 'Password', exact: true }).fill(ADMIN.password);
        await admin.getByLabel('Confirm password').fill(ADMIN.password);
        await world.screenshot(admin, '01-first-administrator');
        await admin.getByRole('button', { name: 'Create the first administrator' }).click();
        await seeHeading(admin, 'Contoso | Overview');

        // Enterprise applications › New application › search the gallery for Sentry.
        await portalNav(admin, 'Enterprise applications');
        await admin.getByRole('link', { name: 'New application' }).click();
        await seeHeading(admin, 'Browse Federa Directory Gallery');
        await admin.getByRole('searchbox', { name: 'Search application' }).fill('Sentry');
        await admin.getByRole('button', { name: 'Search' }).click();
        await see(admin.getByRole('link', { name: /^Sentry Functional Software/ }));
        await see(admin.getByRole('link', { name: /^Sentry \(self-hosted\)/ }));
        await world.screenshot(admin, '02-gallery-search');
        await admin.getByRole('link', { name: /^Sentry \(self-hosted\)/ }).click();
        await seeHeading(admin, APP);
        await admin.getByLabel('Sentry URL').fill(world.spUrl);
        await admin.getByLabel('Organization slug').fill(ORG);
        await world.screenshot(admin, '03-add-from-gallery');
        await admin.getByRole('button', { name: 'Create' }).click();
        await seeHeading(admin, `${APP} | Overview`);
        await see(admin.getByRole('status').filter({ hasText: `Added ${APP}.` }));

        // Manage › Single sign-on: SAML, then edit the Basic SAML Configuration.
        await portalNav(admin, 'Single sign-on');
        await seeHeading(admin, `${APP} | SAML-based Sign-on`);
        await see(admin.getByText('Single sign-on method: SAML'));
        ssoPageUrl = admin.url();
        await card(admin, '1. Basic SAML Configuration').getByRole('link', { name: 'Edit' }).click();
        await seeHeading(admin, 'Basic SAML Configuration');
        await admin.getByLabel('Identifier 1', { exact: true }).fill(urls().identifier);
        await admin.getByLabel('Reply URL 1', { exact: true }).fill(urls().replyUrl);
        await admin.getByLabel('Sign on URL (Optional)').fill(urls().signOnUrl);
        await world.screenshot(admin, '04-basic-saml-configuration');
        await admin.getByRole('button', { name: 'Save' }).click();
        await seeHeading(admin, `${APP} | SAML-based Sign-on`);
        const basic = card(admin, '1. Basic SAML Configuration');
        await see(basic.getByText(urls().identifier));
        await see(basic.getByText(urls().replyUrl));
        await see(basic.getByText(urls().signOnUrl));

        // SAML Certificates: the copy icon next to App Federation Metadata Url.
        metadataUrl = await copyFrom(admin, 'App Federation Metadata Url');
        assert.match(
          metadataUrl,
          /\/federationmetadata\/2007-06\/federationmetadata\.xml\?appid=[0-9a-f-]{36}$/,
        );
        assert.ok(metadataUrl.startsWith(`${world.idpUrl}/`));
        await card(admin, '3. SAML Certificates').scrollIntoViewIfNeeded();
        await world.screenshot(admin, '05-app-federation-metadata-url');
      },
    );

    step(
      'Create an Azure AD test user, and Assign: B.Simon is created with a password shown once and assigned with Default Access',
      async () => {
        await admin
          .getByRole('navigation', { name: 'Breadcrumb' })
          .getByRole('link', { name: 'Home' })
          .click();
        await portalNav(admin, 'Users');
        await admin.getByRole('link', { name: 'New user' }).click();
        await seeHeading(admin, 'New user');
        await admin.getByLabel('User principal name').fill(BSIMON.userName);
        await admin.getByLabel('Display name').fill(BSIMON.name);
        // The Workspace reads the email from the emailaddress claim, whose source is the user's Email.
        await admin.getByLabel('Email', { exact: true }).fill(BSIMON.userName);
        await world.screenshot(admin, '06-new-user');
        await admin.getByRole('button', { name: 'Create' }).click();
        await seeHeading(admin, 'User created');
        const created = admin.getByRole('region', { name: `${BSIMON.name} was created.` });
        await see(created.getByText('it is shown only this once'));
        bsimonPassword = ((await created.getByRole('code').textContent()) ?? '').trim();
        assert.ok(bsimonPassword.length >= 12, 'a generated password');
        await world.screenshot(admin, '07-password-shown-once');
        await created.getByRole('link', { name: 'Done' }).click();
        await seeHeading(admin, BSIMON.name);
        await see(admin.getByRole('definition').filter({ hasText: BSIMON.userName }));

        // The administrator's own user needs an Email too: finishing the Workspace setup signs them in.
        await admin
          .getByRole('navigation', { name: 'Breadcrumb' })
          .getByRole('link', { name: 'Users' })
          .click();
        await admin.getByRole('link', { name: ADMIN.name, exact: true }).click();
        await admin.getByRole('link', { name: 'Edit properties' }).click();
        await admin.getByLabel('Email', { exact: true }).fill(ADMIN.userName);
        await admin.getByRole('button', { name: 'Save' }).click();
        await seeHeading(admin, ADMIN.name);

        // Enterprise applications › Sentry (self-hosted) › Users and groups › Add assignment.
        await openApplication(admin, world.idpUrl, APP, 'Users and groups');
        await seeHeading(admin, `${APP} | Users and groups`);
        await admin
          .getByLabel('Users and groups')
          .selectOption({ label: `${BSIMON.name} (${BSIMON.userName})` });
        // No app roles defined: Default Access is the role, already selected.
        assert.equal(await chosen(admin.getByLabel('Select a role')), 'Default Access');
        await world.screenshot(admin, '08-add-assignment');
        await admin.getByRole('button', { name: 'Assign' }).click();
        await see(admin.getByRole('status').filter({ hasText: 'Assignment succeeded.' }));
        await see(
          admin.getByRole('row', { name: `${BSIMON.name} (${BSIMON.userName}) User Default Access` }),
        );
      },
    );

    step(
      'Configure Sentry SSO: the owner pastes the metadata URL (a mistyped one is explained), is told by AADSTS50105 to assign themselves, and finishes the setup with one SSO sign-in',
      async () => {
        // The same person creates their Workspace account and organization acme.
        await admin.goto(world.spUrl);
        await admin.getByRole('link', { name: 'Create an account' }).click();
        await admin.getByLabel('Name').fill(ADMIN.name);
        await admin.getByLabel('Email').fill(ADMIN.userName);
        await admin.getByLabel('Password').fill(OWNER_PASSWORD);
        await admin.getByRole('button', { name: 'Create account' }).click();
        await admin.getByRole('link', { name: 'Create organization' }).click();
        await admin.getByLabel('Organization name').fill('Acme');
        await admin.getByLabel('Slug').fill(ORG);
        await admin.getByRole('button', { name: 'Create organization' }).click();
        await arriveAt(admin, urls().signOnUrl);
        await seeHeading(admin, 'Acme');

        // Org Settings › Auth › Configure for Active Directory.
        await admin
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Auth', exact: true })
          .click();
        await seeHeading(admin, 'Auth');
        await world.screenshot(admin, '09-workspace-auth-settings');
        await admin.getByRole('link', { name: 'Configure Active Directory' }).click();
        await seeHeading(admin, 'Configure Active Directory');

        // A newcomer's mistake: the portal page's address instead of the metadata URL.
        const urlField = admin.getByLabel('App Federation Metadata URL');
        await urlField.fill(ssoPageUrl);
        await admin.getByRole('button', { name: 'Save metadata URL' }).click();
        await see(admin.getByText('The URL returned an HTML page, not SAML metadata'));
        assert.equal(await urlField.getAttribute('aria-invalid'), 'true');
        await world.screenshot(admin, '10-metadata-url-mistyped');

        await urlField.fill(metadataUrl);
        await admin.getByRole('button', { name: 'Save metadata URL' }).click();
        await seeHeading(admin, 'Auth');
        await see(admin.getByRole('status').filter({ hasText: 'IdP settings saved.' }));
        await see(admin.getByText('Setup not finished'));
        // Read from the metadata: the Directory's entity ID {base}/{tenant id}/ and its sign-in URL.
        const fetched = card(admin, 'Active Directory');
        await see(
          fetched.getByRole('definition').filter({ hasText: new RegExp(`^${world.idpUrl}/[0-9a-f-]{36}/$`) }),
        );
        await see(fetched.getByRole('definition').filter({ hasText: /\/saml2 \(HTTP-Redirect\)$/ }));
        await world.screenshot(admin, '11-finish-setup');

        // Finishing the setup signs in through the Directory as the admin, who is not assigned yet.
        await admin.getByRole('button', { name: 'Test and finish setup' }).click();
        await arriveAt(admin, (u) => u.origin === world.idpUrl);
        await see(admin.getByText('Sorry, but we’re having trouble signing you in.'));
        await see(admin.getByRole('definition').filter({ hasText: /^AADSTS50105$/ }));
        await see(
          admin.getByText(
            `Assign ${ADMIN.userName} (or a group they belong to) in Enterprise applications › ${APP} › Users and groups`,
          ),
        );
        await world.screenshot(admin, '12-aadsts50105-not-assigned');

        // What the page says to change: assign the admin too, then finish the setup.
        await openApplication(admin, world.idpUrl, APP, 'Users and groups');
        await admin
          .getByLabel('Users and groups')
          .selectOption({ label: `${ADMIN.name} (${ADMIN.userName})` });
        await admin.getByRole('button', { name: 'Assign' }).click();
        await see(admin.getByRole('status').filter({ hasText: 'Assignment succeeded.' }));
        await admin.goto(sp(`/settings/${ORG}/auth/`));
        await admin.getByRole('button', { name: 'Test and finish setup' }).click();
        await arriveAt(admin, sp(`/settings/${ORG}/auth/`));
        await see(
          admin
            .getByRole('status')
            .filter({ hasText: 'Single sign-on works and is now active for this organization.' }),
        );
        await see(
          card(admin, 'Active Directory')
            .getByRole('definition')
            .filter({ hasText: /^Active$/ }),
        );
        await world.screenshot(admin, '13-sso-active');
      },
    );

    step(
      'Test SSO, SP initiated: Test this application opens the Sign-on URL, and B.Simon signs in at the Directory and lands on the organization page; also starting from the Workspace login page',
      async () => {
        await openApplication(admin, world.idpUrl, APP, 'Single sign-on');
        await card(admin, `5. Test single sign-on with ${APP}`).getByRole('link', { name: 'Test' }).click();
        await seeHeading(admin, `Test single sign-on with ${APP}`);
        await world.screenshot(admin, '14-test-this-application');
        const spTest = admin.getByRole('link', { name: 'Test sign in (SP initiated)' });
        const signOnUrl = (await spTest.getAttribute('href')) ?? '';
        assert.equal(signOnUrl, urls().signOnUrl, 'Test opens the Sign-on URL');
        // As the current user (the admin, signed in to both sides by now): straight to the organization.
        await spTest.click();
        await arriveAt(admin, urls().signOnUrl);
        await seeHeading(admin, 'Acme');

        // B.Simon, in her own browser, follows the same link.
        const bsimon = await world.window();
        await bsimon.goto(signOnUrl);
        await arriveAt(bsimon, (u) => u.href.startsWith(sp(`/auth/login/${ORG}/`)));
        await seeHeading(bsimon, 'Sign in to Acme');
        await world.screenshot(bsimon, '15-workspace-login');
        await bsimon.getByRole('button', { name: 'Continue with Active Directory' }).click();
        await arriveAt(bsimon, (u) => u.origin === world.idpUrl);
        await see(bsimon.getByRole('region', { name: `Sign in to Contoso to continue to ${APP}` }));
        await bsimon.getByLabel('Email, phone, or Skype').fill(BSIMON.userName);
        await world.screenshot(bsimon, '16-directory-sign-in');
        await signInAtDirectory(bsimon, BSIMON.userName, bsimonPassword);
        await arriveAt(bsimon, urls().signOnUrl);
        await seeHeading(bsimon, 'Acme');
        await see(bsimon.getByRole('banner').getByText(BSIMON.email));
        await world.screenshot(bsimon, '17-signed-in-to-the-organization');
        await bsimon.context().close();

        // Going to the Workspace's login page directly and starting there.
        const direct = await world.window();
        await direct.goto(sp(`/auth/login/${ORG}/`));
        await direct.getByRole('button', { name: 'Continue with Active Directory' }).click();
        await signInAtDirectory(direct, BSIMON.userName, bsimonPassword);
        await arriveAt(direct, urls().signOnUrl);
        await see(direct.getByRole('banner').getByText(BSIMON.email));
        await direct.context().close();
      },
    );

    step(
      'Test SSO, IdP initiated: with the Sign-on URL cleared, Test this application signs B.Simon straight in',
      async () => {
        await openApplication(admin, world.idpUrl, APP, 'Single sign-on');
        await card(admin, '1. Basic SAML Configuration').getByRole('link', { name: 'Edit' }).click();
        await admin.getByLabel('Sign on URL (Optional)').fill('');
        await admin.getByRole('button', { name: 'Save' }).click();
        await seeHeading(admin, `${APP} | SAML-based Sign-on`);
        await see(
          card(admin, '1. Basic SAML Configuration')
            .getByRole('definition')
            .filter({ hasText: /^Optional$/ }),
        );
        await card(admin, `5. Test single sign-on with ${APP}`).getByRole('link', { name: 'Test' }).click();
        await seeHeading(admin, `Test single sign-on with ${APP}`);
        assert.equal(await admin.getByRole('link', { name: 'Test sign in (SP initiated)' }).count(), 0);
        await world.screenshot(admin, '18-test-idp-initiated');
        const idpTest = admin.getByRole('link', { name: 'Test sign in (IdP initiated)' });
        const userAccessUrl = (await idpTest.getAttribute('href')) ?? '';
        assert.ok(
          userAccessUrl.startsWith(`${world.idpUrl}/myapps/signin/`),
          `the user access URL, not ${userAccessUrl}`,
        );
        // The admin: the Directory posts the response to the Reply URL; no Workspace page in between.
        const adminTrail = trail(admin);
        await idpTest.click();
        await arriveAt(admin, urls().signOnUrl);
        await seeHeading(admin, 'Acme');
        assert.ok(!adminTrail.some((u) => u.includes('/auth/login/')), adminTrail.join('\n'));

        // B.Simon, in a new browser: signs in at the Directory, and is in.
        const bsimon = await world.window();
        const bsimonTrail = trail(bsimon);
        await bsimon.goto(userAccessUrl);
        await signInAtDirectory(bsimon, BSIMON.userName, bsimonPassword);
        await arriveAt(bsimon, urls().signOnUrl);
        await see(bsimon.getByRole('banner').getByText(BSIMON.email));
        assert.ok(!bsimonTrail.some((u) => u.startsWith(sp('/auth/login/'))), bsimonTrail.join('\n'));
        await bsimon.context().close();
      },
    );

    step(
      'Test SSO, either mode: the My Apps tile signs B.Simon in IdP-initiated without a Sign-on URL, and through the Workspace login with one',
      async () => {
        const bsimon = await world.window();
        await bsimon.goto(`${world.idpUrl}/myapps`);
        await signInAtDirectory(bsimon, BSIMON.userName, bsimonPassword);
        await seeHeading(bsimon, 'My Apps');
        const tile = bsimon.getByRole('listitem').getByRole('link', { name: APP, exact: true });
        await see(tile);
        await world.screenshot(bsimon, '19-my-apps');
        // IdP mode (no Sign-on URL): straight into the organization.
        let visited = trail(bsimon);
        await tile.click();
        await arriveAt(bsimon, urls().signOnUrl);
        await see(bsimon.getByRole('banner').getByText(BSIMON.email));
        assert.ok(!visited.some((u) => u.startsWith(sp('/auth/login/'))), visited.join('\n'));

        // SP mode: the admin sets the Sign-on URL again; B.Simon signs out of the Workspace and uses the tile.
        await openApplication(admin, world.idpUrl, APP, 'Single sign-on');
        await card(admin, '1. Basic SAML Configuration').getByRole('link', { name: 'Edit' }).click();
        await admin.getByLabel('Sign on URL (Optional)').fill(urls().signOnUrl);
        await admin.getByRole('button', { name: 'Save' }).click();
        await see(card(admin, '1. Basic SAML Configuration').getByText(urls().signOnUrl));

        await bsimon.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
        await bsimon.goto(`${world.idpUrl}/myapps`);
        visited = trail(bsimon);
        await tile.click();
        await arriveAt(bsimon, (u) => u.href.startsWith(sp(`/auth/login/${ORG}/`)));
        await bsimon.getByRole('button', { name: 'Continue with Active Directory' }).click();
        // Still signed in at the Directory: no password asked, back to the organization.
        await arriveAt(bsimon, urls().signOnUrl);
        await see(bsimon.getByRole('banner').getByText(BSIMON.email));
        assert.ok(visited.includes(urls().signOnUrl), visited.join('\n'));
        await bsimon.context().close();
      },
    );

    step(
      'Create Sentry test user (just in time): B.Simon is a member with the default role, and /api/0/users/me/ shows her',
      async () => {
        await admin.goto(sp(`/settings/${ORG}/members/`));
        await seeHeading(admin, 'Members');
        assert.equal(await chosen(admin.getByLabel(`Role of ${BSIMON.email}`)), 'Member');
        await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
        await see(
          admin.getByRole('row').filter({ hasText: BSIMON.email }).getByRole('cell', { name: 'Member' }),
        );
        await world.screenshot(admin, '20-members-just-in-time');

        const bsimon = await world.window();
        await bsimon.goto(sp(`/auth/login/${ORG}/`));
        await bsimon.getByRole('button', { name: 'Continue with Active Directory' }).click();
        await signInAtDirectory(bsimon, BSIMON.userName, bsimonPassword);
        await arriveAt(bsimon, urls().signOnUrl);
        const me = await openJson(bsimon, sp('/api/0/users/me/'));
        assert.equal(me.status, 200);
        const body = me.body as {
          email: string;
          hasPasswordAuth: boolean;
          organizations: Array<{ slug: string; role: string }>;
        };
        assert.equal(body.email, BSIMON.email);
        assert.equal(body.hasPasswordAuth, false, 'created by SSO: no password');
        assert.deepEqual(
          body.organizations.map((o) => [o.slug, o.role]),
          [[ORG, 'member']],
        );
        await bsimon.context().close();
      },
    );

    step(
      'Require SSO: a member who signs in with a password is sent through SSO (and links her account by proving its password); sign-out signs her out',
      async () => {
        // Alex has a Contoso account in the Directory, assigned to the application like B.Simon.
        await admin.goto(`${world.idpUrl}/portal/users/new`);
        await admin.getByLabel('User principal name').fill(ALEX.userName);
        await admin.getByLabel('Display name').fill(ALEX.name);
        await admin.getByLabel('Email', { exact: true }).fill(ALEX.email);
        await admin.getByRole('button', { name: 'Create' }).click();
        const created = admin.getByRole('region', { name: `${ALEX.name} was created.` });
        const alexDirectoryPassword = ((await created.getByRole('code').textContent()) ?? '').trim();
        assert.ok(alexDirectoryPassword);
        await openApplication(admin, world.idpUrl, APP, 'Users and groups');
        await admin.getByLabel('Users and groups').selectOption({ label: `${ALEX.name} (${ALEX.userName})` });
        await admin.getByRole('button', { name: 'Assign' }).click();
        await see(admin.getByRole('status').filter({ hasText: 'Assignment succeeded.' }));

        // Before SSO was required she joined acme by invitation, with a Workspace password.
        await admin.goto(sp(`/settings/${ORG}/members/`));
        await admin.getByRole('textbox', { name: 'Email', exact: true }).fill(ALEX.email);
        await admin.getByRole('button', { name: 'Send invitation' }).click();
        const inviteUrl = await copyFrom(admin, 'Invitation link');
        const alex = await world.window();
        await alex.goto(inviteUrl);
        await seeHeading(alex, 'Join Acme');
        await alex.getByRole('link', { name: 'Create an account' }).click();
        await alex.getByLabel('Name').fill(ALEX.name);
        await alex.getByLabel('Email').fill(ALEX.email);
        await alex.getByLabel('Password').fill(ALEX_WORKSPACE_PASSWORD);
        await alex.getByRole('button', { name: 'Create account' }).click();
        await alex.getByRole('button', { name: 'Join Acme' }).click();
        await arriveAt(alex, urls().signOnUrl);
        await seeHeading(alex, 'Acme');

        // The owner turns Require SSO on.
        await admin.goto(sp(`/settings/${ORG}/auth/`));
        await admin.getByLabel('Require SSO').check();
        await admin.getByRole('button', { name: 'Save settings' }).click();
        await see(admin.getByRole('status'));
        assert.equal(await admin.getByLabel('Require SSO').isChecked(), true);
        await world.screenshot(admin, '21-require-sso');

        // Alex's password session no longer opens the organization: she is sent through SSO.
        await alex.goto(urls().signOnUrl);
        await arriveAt(alex, (u) => u.href.startsWith(sp(`/auth/login/${ORG}/`)));
        await seeHeading(alex, 'Sign in to Acme');
        await world.screenshot(alex, '22-sent-through-sso');
        await alex.getByRole('button', { name: 'Continue with Active Directory' }).click();
        await signInAtDirectory(alex, ALEX.userName, alexDirectoryPassword);
        // Her Workspace account has this email: it must prove itself before the identity is linked.
        await arriveAt(alex, sp(`/auth/link/${ORG}/`));
        await seeHeading(alex, 'Link your sign-in to your account');
        const link = card(alex, 'Link with the account’s password');
        await link.getByRole('textbox', { name: 'Password', exact: true }).fill(ALEX_WORKSPACE_PASSWORD);
        await link.getByRole('button', { name: 'Link and sign in' }).click();
        await arriveAt(alex, urls().signOnUrl);
        await seeHeading(alex, 'Acme');
        await see(alex.getByRole('banner').getByText(ALEX.email));

        // Sign out: signed out of the Workspace.
        await alex.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
        await see(alex.getByRole('link', { name: 'Sign in' }));
        const me = await openJson(alex, sp('/api/0/users/me/'));
        assert.equal(me.status, 401);
        await alex.goto(urls().signOnUrl);
        await arriveAt(alex, (u) => u.href.startsWith(sp(`/auth/login/${ORG}/`)));
        await alex.context().close();
      },
    );

    step(
      'The Enterprise App Configuration Wizard: the same setup for a second organization, globex, ends with a working sign-in',
      async () => {
        const app2 = 'Sentry (Globex)';
        const globex = {
          identifier: sp('/saml/metadata/globex/'),
          replyUrl: sp('/saml/acs/globex/'),
          signOnUrl: sp('/organizations/globex/'),
        };
        // The owner's second organization in the Workspace.
        await admin.goto(world.spUrl);
        await admin.getByRole('link', { name: 'Create organization' }).click();
        await admin.getByLabel('Organization name').fill('Globex');
        await admin.getByLabel('Slug').fill('globex');
        await admin.getByRole('button', { name: 'Create organization' }).click();
        await arriveAt(admin, globex.signOnUrl);

        // Step 1: the gallery, searched, and the application's fields.
        await admin.goto(`${world.idpUrl}/portal/applications`);
        await admin.getByRole('link', { name: 'Configuration wizard' }).click();
        await seeHeading(admin, 'Configuration wizard: Add an application');
        const steps = admin.getByRole('navigation', { name: 'Wizard steps' });
        await admin.getByRole('searchbox', { name: 'Search application' }).fill('Sentry');
        await admin.getByRole('button', { name: 'Search' }).click();
        await admin.getByRole('link', { name: /^Sentry \(self-hosted\)/ }).click();
        await admin.getByLabel('Name').fill(app2);
        await admin.getByLabel('Sentry URL').fill(world.spUrl);
        await admin.getByLabel('Organization slug').fill('globex');
        await world.screenshot(admin, '24-wizard-application');
        await admin.getByRole('button', { name: 'Add and continue' }).click();

        // Step 2: the Basic SAML Configuration, filled in from the slug; the metadata URL to copy.
        await seeHeading(admin, 'Configuration wizard: Set up single sign-on');
        await see(steps.getByText('2. Single sign-on'));
        assert.equal(await admin.getByLabel('Identifier 1', { exact: true }).inputValue(), globex.identifier);
        assert.equal(await admin.getByLabel('Reply URL 1', { exact: true }).inputValue(), globex.replyUrl);
        assert.equal(await admin.getByLabel('Sign on URL (Optional)').inputValue(), globex.signOnUrl);
        const globexMetadataUrl = await copyFrom(admin, 'App Federation Metadata Url');
        assert.notEqual(globexMetadataUrl, metadataUrl, 'an application of its own');
        await world.screenshot(admin, '25-wizard-single-sign-on');
        await admin.getByRole('button', { name: 'Save and continue' }).click();

        // Step 3: B.Simon and the admin, with the default role.
        await seeHeading(admin, 'Configuration wizard: Assign users and groups');
        for (const person of [BSIMON, ADMIN]) {
          await admin
            .getByLabel('Users and groups')
            .selectOption({ label: `${person.name} (${person.userName})` });
          assert.equal(await chosen(admin.getByLabel('Select a role')), 'Default Access');
          await admin.getByRole('button', { name: 'Assign' }).click();
          await see(admin.getByRole('status').filter({ hasText: 'Assignment succeeded.' }));
        }
        await admin.getByRole('link', { name: 'Next: Review + finish' }).click();

        // Step 4: review, finish, and on to Test this application.
        await seeHeading(admin, 'Configuration wizard: Review + finish');
        await see(
          card(admin, 'Users and groups').getByRole('row', {
            name: `${BSIMON.name} (${BSIMON.userName}) User Default Access`,
          }),
        );
        await world.screenshot(admin, '26-wizard-review');
        await admin.getByRole('button', { name: 'Finish' }).click();
        await seeHeading(admin, `Test single sign-on with ${app2}`);

        // The Workspace side, as before: Globex › Auth › Active Directory, the URL, finish the setup.
        await admin.goto(sp('/settings/globex/auth/configure/active-directory/'));
        await admin.getByLabel('App Federation Metadata URL').fill(globexMetadataUrl);
        await admin.getByRole('button', { name: 'Save metadata URL' }).click();
        await admin.getByRole('button', { name: 'Test and finish setup' }).click();
        await arriveAt(admin, sp('/settings/globex/auth/'));
        await see(
          admin
            .getByRole('status')
            .filter({ hasText: 'Single sign-on works and is now active for this organization.' }),
        );

        // Test this application: B.Simon signs in to Globex.
        await openApplication(admin, world.idpUrl, app2, 'Single sign-on');
        await card(admin, `5. Test single sign-on with ${app2}`).getByRole('link', { name: 'Test' }).click();
        const signOnUrl =
          (await admin.getByRole('link', { name: 'Test sign in (SP initiated)' }).getAttribute('href')) ?? '';
        assert.equal(signOnUrl, globex.signOnUrl);
        const bsimon = await world.window();
        await bsimon.goto(signOnUrl);
        await bsimon.getByRole('button', { name: 'Continue with Active Directory' }).click();
        await see(bsimon.getByRole('region', { name: `Sign in to Contoso to continue to ${app2}` }));
        await signInAtDirectory(bsimon, BSIMON.userName, bsimonPassword);
        // She already has a Workspace account (made just in time for acme), and Globex's IdP is another
        // trust: the account proves itself before this identity is linked. No password: by email.
        await arriveAt(bsimon, sp('/auth/link/globex/'));
        await seeHeading(bsimon, 'Link your sign-in to your account');
        await bsimon.getByRole('button', { name: 'Email me a link' }).click();
        await see(
          bsimon.getByRole('status').filter({ hasText: `We sent a one-time link to ${BSIMON.email}` }),
        );
        await world.screenshot(bsimon, '27-link-by-email');
        // Her mailbox here is the Workspace's Dev outbox, which shows an account its own mail: she signs in
        // through acme to read it.
        await bsimon.goto(sp(`/auth/login/${ORG}/`));
        await bsimon.getByRole('button', { name: 'Continue with Active Directory' }).click();
        await arriveAt(bsimon, urls().signOnUrl);
        await bsimon
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Dev outbox' })
          .click();
        const mail = bsimon.getByRole('row').filter({ hasText: 'Link your Globex sign-in' });
        const confirmUrl =
          /https?:\/\/\S+\/auth\/link\/confirm\/\S+\//.exec((await mail.textContent()) ?? '')?.[0] ?? '';
        assert.ok(confirmUrl.startsWith(sp('/auth/link/confirm/')), 'the emailed link');
        await bsimon.goto(confirmUrl);
        await bsimon.getByRole('button', { name: 'Confirm and link' }).click();
        await see(
          bsimon.getByRole('status').filter({ hasText: 'Your Globex sign-in is linked to your account.' }),
        );
        await bsimon.getByRole('link', { name: 'Sign in to Globex' }).click();
        await bsimon.getByRole('button', { name: 'Continue with Active Directory' }).click();
        await arriveAt(bsimon, globex.signOnUrl);
        await seeHeading(bsimon, 'Globex');
        await see(bsimon.getByRole('banner').getByText(BSIMON.email));
        await bsimon.context().close();
      },
    );

    step(
      'Common mistake: an Identifier with the wrong slug fails at the Workspace, whose sign-in attempts name the entity ID it expected',
      async () => {
        const wrong = sp('/saml/metadata/acme-inc/');
        await openApplication(admin, world.idpUrl, APP, 'Single sign-on');
        await card(admin, '1. Basic SAML Configuration').getByRole('link', { name: 'Edit' }).click();
        await admin.getByLabel('Identifier 1', { exact: true }).fill(wrong);
        await admin.getByRole('button', { name: 'Save' }).click();
        await see(card(admin, '1. Basic SAML Configuration').getByText(wrong));
        await card(admin, `5. Test single sign-on with ${APP}`).getByRole('link', { name: 'Test' }).click();
        await admin.getByRole('link', { name: 'Test sign in (IdP initiated)' }).click();
        await arriveAt(admin, urls().replyUrl);
        await seeHeading(admin, 'Sign-in failed');
        await see(admin.getByRole('alert').getByText('meant for another application or address'));
        await see(admin.getByRole('code').filter({ hasText: /^AUDIENCE_MISMATCH$/ }));

        // The failed sign-in left the owner signed in: the attempts page says what to change.
        await admin.goto(sp(`/settings/${ORG}/auth/attempts/`));
        await seeHeading(admin, 'SSO sign-in attempts');
        await see(
          admin
            .getByRole('row')
            .filter({ hasText: 'AUDIENCE_MISMATCH' })
            .getByText(
              `The Audience was ${wrong}; set the Identifier (Entity ID) in your IdP to ${urls().identifier}.`,
            ),
        );
        await world.screenshot(admin, '23-wrong-identifier');

        // Put the right Identifier back: signing in works again.
        await openApplication(admin, world.idpUrl, APP, 'Single sign-on');
        await card(admin, '1. Basic SAML Configuration').getByRole('link', { name: 'Edit' }).click();
        await admin.getByLabel('Identifier 1', { exact: true }).fill(urls().identifier);
        await admin.getByRole('button', { name: 'Save' }).click();
        await card(admin, `5. Test single sign-on with ${APP}`).getByRole('link', { name: 'Test' }).click();
        await admin.getByRole('link', { name: 'Test sign in (IdP initiated)' }).click();
        await arriveAt(admin, urls().signOnUrl);
        await seeHeading(admin, 'Acme');
      },
    );
  });
}
