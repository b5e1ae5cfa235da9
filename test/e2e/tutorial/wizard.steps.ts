import assert from 'node:assert/strict';
import {
  arriveAt,
  card,
  chosen,
  copyFrom,
  openApplication,
  see,
  seeHeading,
  signInAtDirectory,
} from '../support/pages.ts';
import { ADMIN, BSIMON, type Tutorial } from './tutorial.ts';

/**
 * The tutorial's other path, the Enterprise App Configuration Wizard, for a second organization
 * (globex), ending with B.Simon's sign-in.
 */
export async function configurationWizard(t: Tutorial): Promise<void> {
  const { world, admin, sp } = t;
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
  assert.notEqual(globexMetadataUrl, t.metadataUrl, 'an application of its own');
  await world.screenshot(admin, '25-wizard-single-sign-on');
  await admin.getByRole('button', { name: 'Save and continue' }).click();

  // Step 3: B.Simon and the admin, with the default role.
  await seeHeading(admin, 'Configuration wizard: Assign users and groups');
  for (const person of [BSIMON, ADMIN]) {
    await admin.getByLabel('Users and groups').selectOption({ label: `${person.name} (${person.userName})` });
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
  await signInAtDirectory(bsimon, BSIMON.userName, t.bsimonPassword);
  // Her account in acme was made by acme's IdP for an address acme did not verify: it is acme's only,
  // so Globex's sign-in makes her an account of Globex's own, with nothing to link.
  await arriveAt(bsimon, globex.signOnUrl);
  await seeHeading(bsimon, 'Globex');
  await see(bsimon.getByRole('banner').getByText(BSIMON.email));
  await bsimon.context().close();
}
