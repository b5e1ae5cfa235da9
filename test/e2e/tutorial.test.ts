// The seed tutorial (shared/seed/azure-ad-sso-with-sentry.md), every step in order, in a real
// browser: Federa Directory in place of the Azure portal, Federa Workspace in place of Sentry, both
// started empty as `npm start -- --empty` does, on SQLite and on PostgreSQL. docs/tutorial.md tells
// the same story with this test's screenshots (`npm run docs:screenshots` regenerates them). The
// steps are in ./tutorial/, one file per part of the tutorial.
//
// Who is who: the person following the tutorial is Contoso's IT administrator. They set up the
// Directory and, in the same browser, create the Workspace organization `acme` and configure its SSO,
// as the tutorial has one person do both sides. Finishing the Workspace setup signs them in through
// the Directory as themselves, so, as a real admin does, they assign themselves to the application
// too (after the AADSTS50105 page tells them to). "Test this application" signs in the current user,
// as Entra's does; B.Simon tests in her own browser window with the very links it opens (Entra's
// "Sign in as someone else").
import { after, before, describe, test } from 'node:test';
import { DIALECTS } from '../support/databases.ts';
import { startWorld, type World } from './support/world.ts';
import { addSentryAndConfigureSaml, createAndAssignTestUser } from './tutorial/directory.steps.ts';
import { wrongIdentifier } from './tutorial/mistakes.steps.ts';
import { signOutOfMyApps } from './tutorial/single-logout.steps.ts';
import { testIdpInitiated, testMyApps, testSpInitiated } from './tutorial/test-sso.steps.ts';
import { newTutorial, type Tutorial } from './tutorial/tutorial.ts';
import { configurationWizard } from './tutorial/wizard.steps.ts';
import { configureWorkspaceSso, justInTimeMember, requireSso } from './tutorial/workspace.steps.ts';

for (const dialect of DIALECTS) {
  describe(`the tutorial in a real browser, on ${dialect}`, { timeout: 480_000 }, () => {
    let world: World | null = null;
    let tutorial: Tutorial;
    let failedStep: string | null = null;

    /** One step of the tutorial: later steps need the earlier ones, so after a failure they say so. */
    const step = (name: string, body: () => Promise<void>) =>
      test(name, { timeout: 120_000 }, async () => {
        if (!world) throw new Error('not run: the services or the browser did not start');
        if (failedStep) throw new Error(`not run: the earlier step failed: ${failedStep}`);
        let timer: NodeJS.Timeout | undefined;
        try {
          // Ends before the test's own timeout, which would cancel the step with no screenshot and no
          // word of where it stood.
          const deadline = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('the step did not finish within 110 s')), 110_000);
          });
          await Promise.race([body(), deadline]);
        } catch (error) {
          failedStep = name;
          const saved = await world.failureScreenshots();
          throw new Error(`${(error as Error).message}\n(screenshots: ${saved})\n${world.output()}`, {
            cause: error,
          });
        } finally {
          clearTimeout(timer);
        }
      });

    before(async () => {
      world = await startWorld(dialect);
      tutorial = newTutorial(world, await world.window());
    });
    after(async () => {
      await world?.close({ keep: failedStep !== null });
    });

    step(
      'Adding Sentry from the gallery, and Configure Azure AD SSO: the first administrator adds Sentry (self-hosted), fills the Basic SAML Configuration with the organization slug and copies the App Federation Metadata URL',
      () => addSentryAndConfigureSaml(tutorial),
    );

    step(
      'Create an Azure AD test user, and Assign: B.Simon is created with a password shown once and assigned with Default Access',
      () => createAndAssignTestUser(tutorial),
    );

    step(
      'Configure Sentry SSO: the owner pastes the metadata URL (a mistyped one is explained), is told by AADSTS50105 to assign themselves, and finishes the setup with one SSO sign-in',
      () => configureWorkspaceSso(tutorial),
    );

    step(
      'Test SSO, SP initiated: Test this application opens the Sign-on URL, and B.Simon signs in at the Directory and lands on the organization page; also starting from the Workspace login page',
      () => testSpInitiated(tutorial),
    );

    step(
      'Test SSO, IdP initiated: with the Sign-on URL cleared, Test this application signs B.Simon straight in',
      () => testIdpInitiated(tutorial),
    );

    step(
      'Test SSO, either mode: the My Apps tile signs B.Simon in with no further click, IdP-initiated without a Sign-on URL and SP-initiated with one (the organization sends its members straight to the Directory)',
      () => testMyApps(tutorial),
    );

    step(
      'Create Sentry test user (just in time): B.Simon is a member with the default role, and /api/0/users/me/ shows her',
      () => justInTimeMember(tutorial),
    );

    step(
      'Single logout: with the Workspace’s single logout URL as Sentry’s Logout URL, signing out of My Apps signs B.Simon out of the Workspace too',
      () => signOutOfMyApps(tutorial),
    );

    step(
      'Require SSO: a member who signs in with a password is sent through SSO (and links her account by proving its password); sign-out signs her out, and opening the organization again goes straight through the Directory',
      () => requireSso(tutorial),
    );

    step(
      'The Enterprise App Configuration Wizard: the same setup for a second organization, globex, ends with a working sign-in',
      () => configurationWizard(tutorial),
    );

    step(
      'Common mistake: an Identifier with the wrong slug fails IdP-initiated at the Workspace, whose sign-in attempts name the entity ID it expected, and SP-initiated at the Directory with AADSTS700016 naming the Identifier it was sent',
      () => wrongIdentifier(tutorial),
    );
  });
}
