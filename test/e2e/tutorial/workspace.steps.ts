import assert from 'node:assert/strict';
import {
  arriveAt,
  card,
  chosen,
  copyFrom,
  openApplication,
  openJson,
  scrollToTop,
  see,
  seeHeading,
  signInAtDirectory,
  trail,
  updatePasswordAtDirectory,
} from '../support/pages.ts';
import {
  ADMIN,
  ALEX,
  ALEX_WORKSPACE_PASSWORD,
  APP,
  BSIMON,
  ORG,
  OWNER_PASSWORD,
  type Tutorial,
} from './tutorial.ts';

/**
 * “Configure Sentry SSO”: the owner's account and organization acme, Settings › Auth › Active
 * Directory, a mistyped metadata URL explained, the right one pasted, AADSTS50105 until the admin is
 * assigned, and the setup finished by one SSO sign-in.
 */
export async function configureWorkspaceSso(t: Tutorial): Promise<void> {
  const { world, admin, sp, urls } = t;
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

  // Newcomers' mistakes: a typo in the URL, and the portal page's address instead of the URL.
  const urlField = admin.getByLabel('App Federation Metadata URL');
  await urlField.fill(t.metadataUrl.replace('federationmetadata.xml', 'federationmetadata.xlm'));
  await admin.getByRole('button', { name: 'Save metadata URL' }).click();
  await see(admin.getByText('The metadata URL answered HTTP 404, not the metadata.'));
  await urlField.fill(t.ssoPageUrl);
  await admin.getByRole('button', { name: 'Save metadata URL' }).click();
  await see(admin.getByText('The URL returned an HTML page, not SAML metadata'));
  assert.equal(await urlField.getAttribute('aria-invalid'), 'true');
  await world.screenshot(admin, '10-metadata-url-mistyped');

  await urlField.fill(t.metadataUrl);
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
  await scrollToTop(card(admin, 'Finish setup'));
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
  await admin.getByLabel('Users and groups').selectOption({ label: `${ADMIN.name} (${ADMIN.userName})` });
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
}

/**
 * “Create Sentry test user”: nothing to do, B.Simon was created just in time with the default role.
 */
export async function justInTimeMember(t: Tutorial): Promise<void> {
  const { world, admin, sp, urls } = t;
  await admin.goto(sp(`/settings/${ORG}/members/`));
  await seeHeading(admin, 'Members');
  assert.equal(await chosen(admin.getByLabel(`Role of ${BSIMON.email}`)), 'Member');
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
  await see(admin.getByRole('row').filter({ hasText: BSIMON.email }).getByRole('cell', { name: 'Member' }));
  await world.screenshot(admin, '20-members-just-in-time');

  const bsimon = await world.window();
  await bsimon.goto(sp(`/auth/login/${ORG}/`));
  await bsimon.getByRole('button', { name: 'Continue with Active Directory' }).click();
  await signInAtDirectory(bsimon, BSIMON.userName, t.bsimonPassword);
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
}

/**
 * Require SSO: a password-only member is sent through SSO and linked after proving her password;
 * sign-out signs her out.
 */
export async function requireSso(t: Tutorial): Promise<void> {
  const { world, admin, sp, urls } = t;
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
  await see(admin.getByRole('status').filter({ hasText: 'Settings saved.' }));
  assert.equal(await admin.getByLabel('Require SSO').isChecked(), true);
  await scrollToTop(card(admin, 'Settings'));
  await world.screenshot(admin, '21-require-sso');

  // Alex's password session no longer opens the organization: the API says so, the page sends her
  // through SSO.
  const api = await openJson(alex, sp(`/api/0/organizations/${ORG}/`));
  assert.equal(api.status, 401);
  assert.deepEqual(api.body, { detail: { code: 'sso-required', loginUrl: `/auth/login/${ORG}/` } });
  await alex.goto(urls().signOnUrl);
  await arriveAt(alex, (u) => u.href.startsWith(sp(`/auth/login/${ORG}/`)));
  await seeHeading(alex, 'Sign in to Acme');
  await world.screenshot(alex, '22-sent-through-sso');
  await alex.getByRole('button', { name: 'Continue with Active Directory' }).click();
  await signInAtDirectory(alex, ALEX.userName, alexDirectoryPassword);
  // The administrator made her Directory password: temporary, so she chooses her own first.
  await updatePasswordAtDirectory(alex, alexDirectoryPassword, 'Alex-Directory-2024!');
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
  // Signed out, she is sent straight to the Directory (Require SSO sends members there), where she is
  // still signed in: back in the organization with no click, and no Workspace login page on the way.
  const visited = trail(alex);
  await alex.goto(urls().signOnUrl);
  await arriveAt(alex, urls().signOnUrl);
  await see(alex.getByRole('banner').getByText(ALEX.email));
  assert.ok(!visited.some((u) => u.startsWith(sp('/auth/login/'))), visited.join('\n'));
  await alex.context().close();
}
