import assert from 'node:assert/strict';
import { card, chosen, copyFrom, openApplication, portalNav, see, seeHeading } from '../support/pages.ts';
import { ADMIN, APP, BSIMON, ORG, type Tutorial } from './tutorial.ts';

/**
 * The tutorial's “Adding Sentry from the gallery” and “Configure Azure AD SSO”: the first
 * administrator, the gallery search, Sentry (self-hosted), the Basic SAML Configuration with the
 * organization slug, and the App Federation Metadata URL copied with its copy button.
 */
export async function addSentryAndConfigureSaml(t: Tutorial): Promise<void> {
  const { world, admin, urls } = t;
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
  t.ssoPageUrl = admin.url();
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
  t.metadataUrl = await copyFrom(admin, 'App Federation Metadata Url');
  assert.match(t.metadataUrl, /\/federationmetadata\/2007-06\/federationmetadata\.xml\?appid=[0-9a-f-]{36}$/);
  assert.ok(t.metadataUrl.startsWith(`${world.idpUrl}/`));
  await card(admin, '3. SAML Certificates').scrollIntoViewIfNeeded();
  await world.screenshot(admin, '05-app-federation-metadata-url');
}

/**
 * “Create an Azure AD test user” and “Assign the Azure AD test user”, word for word: B.Simon with Name
 * and User name only (no Email, so no emailaddress claim: the Workspace takes the UPN from the name
 * claim), a password shown once, assigned with Default Access.
 */
export async function createAndAssignTestUser(t: Tutorial): Promise<void> {
  const { world, admin } = t;
  await admin.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Home' }).click();
  await portalNav(admin, 'Users');
  await admin.getByRole('link', { name: 'New user' }).click();
  await seeHeading(admin, 'New user');
  await admin.getByLabel('User principal name').fill(BSIMON.userName);
  await admin.getByLabel('Display name').fill(BSIMON.name);
  await world.screenshot(admin, '06-new-user');
  await admin.getByRole('button', { name: 'Create' }).click();
  await seeHeading(admin, 'User created');
  const created = admin.getByRole('region', { name: `${BSIMON.name} was created.` });
  await see(created.getByText('it is shown only this once'));
  // Temporary, as Entra's: she chooses her own at her first sign-in (test-sso.steps.ts).
  await see(created.getByText(`${BSIMON.name} will be asked to choose a new password at first sign-in`));
  t.bsimonPassword = ((await created.getByRole('code').textContent()) ?? '').trim();
  assert.ok(t.bsimonPassword.length >= 12, 'a generated password');
  await world.screenshot(admin, '07-password-shown-once');
  // Its Copy button puts exactly that on the clipboard.
  await created.getByRole('button', { name: 'Copy the password' }).click();
  await see(created.getByRole('button', { name: 'Copy the password' }).filter({ hasText: 'Copied' }));
  assert.equal(await admin.evaluate(() => navigator.clipboard.readText()), t.bsimonPassword);
  await created.getByRole('link', { name: 'Done' }).click();
  await seeHeading(admin, BSIMON.name);
  await see(admin.getByRole('definition').filter({ hasText: BSIMON.userName }));

  // Enterprise applications › Sentry (self-hosted) › Users and groups › Add assignment.
  await openApplication(admin, world.idpUrl, APP, 'Users and groups');
  await seeHeading(admin, `${APP} | Users and groups`);
  await admin.getByLabel('Users and groups').selectOption({ label: `${BSIMON.name} (${BSIMON.userName})` });
  // No app roles defined: Default Access is the role, already selected.
  assert.equal(await chosen(admin.getByLabel('Select a role')), 'Default Access');
  await world.screenshot(admin, '08-add-assignment');
  await admin.getByRole('button', { name: 'Assign' }).click();
  await see(admin.getByRole('status').filter({ hasText: 'Assignment succeeded.' }));
  await see(admin.getByRole('row', { name: `${BSIMON.name} (${BSIMON.userName}) User Default Access` }));
}
