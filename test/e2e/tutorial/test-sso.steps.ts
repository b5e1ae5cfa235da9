import assert from 'node:assert/strict';
import {
  arriveAt,
  card,
  openApplication,
  see,
  seeHeading,
  signInAtDirectory,
  trail,
  updatePasswordAtDirectory,
} from '../support/pages.ts';
import { APP, BSIMON, ORG, type Tutorial } from './tutorial.ts';

/** The password B.Simon chooses at her first sign-in, in place of the temporary one. */
const BSIMON_OWN_PASSWORD = 'B.Simon-Own-2024!';

/**
 * “Test SSO”, SP initiated: Test this application opens the Sign-on URL; B.Simon signs in there,
 * and from the Workspace login page.
 */
export async function testSpInitiated(t: Tutorial): Promise<void> {
  const { world, admin, sp, urls } = t;
  await openApplication(admin, world.idpUrl, APP, 'Single sign-on');
  await card(admin, `5. Test single sign-on with ${APP}`).getByRole('link', { name: 'Test' }).click();
  await seeHeading(admin, `Test single sign-on with ${APP}`);
  await world.screenshot(admin, '14-test-this-application');
  const spTest = admin.getByRole('link', { name: 'Test sign in (SP initiated)' });
  const signOnUrl = (await spTest.getAttribute('href')) ?? '';
  assert.equal(signOnUrl, urls().signOnUrl, 'Test opens the Sign-on URL');
  // As the current user (the admin, signed in to both sides by now): straight to the organization,
  // in a new tab; the portal stays where it was.
  const [spTab] = await Promise.all([admin.context().waitForEvent('page'), spTest.click()]);
  await arriveAt(spTab, urls().signOnUrl);
  await seeHeading(spTab, 'Acme');
  await spTab.close();
  await seeHeading(admin, `Test single sign-on with ${APP}`);

  // B.Simon, in her own browser, follows the same link.
  const bsimon = await world.window();
  await bsimon.goto(signOnUrl);
  await arriveAt(bsimon, (u) => u.href.startsWith(sp(`/auth/login/${ORG}/`)));
  await seeHeading(bsimon, 'Sign in to Acme');
  await world.screenshot(bsimon, '15-workspace-login');
  await bsimon.getByRole('button', { name: 'Continue with Active Directory' }).click();
  await arriveAt(bsimon, (u) => u.origin === world.idpUrl);
  await see(bsimon.getByRole('region', { name: `Sign in to Contoso to continue to ${APP}` }));
  await bsimon.getByRole('textbox', { name: 'User name', exact: true }).fill(BSIMON.userName);
  await world.screenshot(bsimon, '16-directory-sign-in');
  await signInAtDirectory(bsimon, BSIMON.userName, t.bsimonPassword);
  // Her first sign-in: the password the administrator made is temporary, so the Directory asks her to
  // choose her own ("Update your password"), then goes on to the organization. She keeps using it.
  await see(bsimon.getByRole('region', { name: 'Update your password' }).getByText(BSIMON.userName));
  await world.screenshot(bsimon, '16b-update-your-password');
  await updatePasswordAtDirectory(bsimon, t.bsimonPassword, BSIMON_OWN_PASSWORD);
  t.bsimonPassword = BSIMON_OWN_PASSWORD;
  await arriveAt(bsimon, urls().signOnUrl);
  await seeHeading(bsimon, 'Acme');
  await see(bsimon.getByRole('banner').getByText(BSIMON.email));
  await world.screenshot(bsimon, '17-signed-in-to-the-organization');
  await bsimon.context().close();
  await sameAttemptOnBothSides(t);

  // Going to the Workspace's login page directly and starting there.
  const direct = await world.window();
  await direct.goto(sp(`/auth/login/${ORG}/`));
  await direct.getByRole('button', { name: 'Continue with Active Directory' }).click();
  await signInAtDirectory(direct, BSIMON.userName, t.bsimonPassword);
  await arriveAt(direct, urls().signOnUrl);
  await see(direct.getByRole('banner').getByText(BSIMON.email));
  await direct.context().close();
}

/** The SAML ids in a log's "SAML ids" value: AuthnRequest, Response, Assertion. */
function samlIdsIn(text: string | null): { authnRequest: string; response: string; assertion: string } {
  const found = /AuthnRequest\s+(\S+)\s+Response\s+(\S+)\s+Assertion\s+(\S+)/.exec(text ?? '');
  assert.ok(found, `no SAML ids in: ${text}`);
  return { authnRequest: found[1]!, response: found[2]!, assertion: found[3]! };
}

/**
 * One attempt, both sides: B.Simon's newest sign-in, as the Directory's sign-in log and the
 * Workspace's SSO attempts log show it, carries the same AuthnRequest, Response and Assertion ids.
 */
async function sameAttemptOnBothSides(t: Tutorial): Promise<void> {
  const { world, admin, sp } = t;
  await admin.goto(`${world.idpUrl}/portal/sign-ins`);
  await seeHeading(admin, 'Sign-in logs');
  const directoryRow = admin
    .getByRole('row')
    .filter({ hasText: BSIMON.userName })
    .filter({ hasText: 'Success' })
    .first();
  // The row opens the attempt's details (the pane beside the list, or its page on a narrow screen).
  await directoryRow.getByRole('link').first().click();
  const directory = samlIdsIn(
    await admin.locator('dd').filter({ hasText: 'AuthnRequest' }).first().textContent(),
  );
  await admin.goto(sp(`/settings/${ORG}/auth/attempts/`));
  await seeHeading(admin, 'SSO sign-in attempts');
  const workspaceRow = admin
    .getByRole('row')
    .filter({ hasText: BSIMON.email })
    .filter({ hasText: 'Signed in' })
    .first();
  const workspace = samlIdsIn(await workspaceRow.textContent());
  assert.deepEqual(workspace, directory);
}

/**
 * “Test SSO”, IdP initiated: with the Sign-on URL cleared, Test this application signs in straight away.
 */
export async function testIdpInitiated(t: Tutorial): Promise<void> {
  const { world, admin, sp, urls } = t;
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
  // The admin, in a new tab: the Directory posts the response to the Reply URL; no Workspace page in between.
  const [idpTab] = await Promise.all([admin.context().waitForEvent('page'), idpTest.click()]);
  const adminTrail = trail(idpTab);
  await arriveAt(idpTab, urls().signOnUrl);
  await seeHeading(idpTab, 'Acme');
  assert.ok(!adminTrail.some((u) => u.includes('/auth/login/')), adminTrail.join('\n'));
  await idpTab.close();

  // B.Simon, in a new browser: signs in at the Directory, and is in.
  const bsimon = await world.window();
  const bsimonTrail = trail(bsimon);
  await bsimon.goto(userAccessUrl);
  await signInAtDirectory(bsimon, BSIMON.userName, t.bsimonPassword);
  await arriveAt(bsimon, urls().signOnUrl);
  await see(bsimon.getByRole('banner').getByText(BSIMON.email));
  assert.ok(!bsimonTrail.some((u) => u.startsWith(sp('/auth/login/'))), bsimonTrail.join('\n'));
  await bsimon.context().close();
}

/**
 * “Test SSO”, either mode: the My Apps tile without a Sign-on URL (IdP-initiated) and with one
 * (SP-initiated: the organization sends its members straight to the Directory), with no further click.
 */
export async function testMyApps(t: Tutorial): Promise<void> {
  const { world, admin, sp, urls } = t;
  const bsimon = await world.window();
  await bsimon.goto(`${world.idpUrl}/myapps`);
  await signInAtDirectory(bsimon, BSIMON.userName, t.bsimonPassword);
  await seeHeading(bsimon, 'My Apps');
  // The tile says it opens a new tab, as Entra's My Apps opens apps; My Apps stays where it was.
  const tile = bsimon
    .getByRole('listitem')
    .getByRole('link', { name: `${APP} (opens in a new tab)`, exact: true });
  await see(tile);
  await world.screenshot(bsimon, '19-my-apps');
  // IdP mode (no Sign-on URL): straight into the organization.
  let [app] = await Promise.all([bsimon.context().waitForEvent('page'), tile.click()]);
  let visited = trail(app);
  await arriveAt(app, urls().signOnUrl);
  await see(app.getByRole('banner').getByText(BSIMON.email));
  assert.ok(!visited.some((u) => u.startsWith(sp('/auth/login/'))), visited.join('\n'));
  await seeHeading(bsimon, 'My Apps');

  // SP mode: the admin sets the Sign-on URL again; B.Simon signs out of the Workspace and uses the tile.
  await openApplication(admin, world.idpUrl, APP, 'Single sign-on');
  await card(admin, '1. Basic SAML Configuration').getByRole('link', { name: 'Edit' }).click();
  await admin.getByLabel('Sign on URL (Optional)').fill(urls().signOnUrl);
  await admin.getByRole('button', { name: 'Save' }).click();
  await see(card(admin, '1. Basic SAML Configuration').getByText(urls().signOnUrl));
  // The owner has the Workspace send signed-out members straight to the Directory.
  await admin.goto(sp(`/settings/${ORG}/auth/`));
  await admin.getByLabel('Send members straight to the identity provider').check();
  await admin.getByRole('button', { name: 'Save settings' }).click();
  await see(admin.getByRole('status').filter({ hasText: 'Settings saved.' }));

  // The tab closes once the Workspace has answered the sign-out.
  await Promise.all([
    app.waitForResponse((r) => r.request().method() === 'POST'),
    app.getByRole('banner').getByRole('button', { name: 'Sign out' }).click(),
  ]);
  await app.close();
  await bsimon.goto(`${world.idpUrl}/myapps`);
  [app] = await Promise.all([bsimon.context().waitForEvent('page'), tile.click()]);
  visited = trail(app);
  // The Sign-on URL sends her to the Directory, where she is still signed in: no password asked, no
  // button to click, back to the organization.
  await arriveAt(app, urls().signOnUrl);
  await see(app.getByRole('banner').getByText(BSIMON.email));
  assert.ok(visited.includes(urls().signOnUrl), visited.join('\n'));
  assert.ok(!visited.some((u) => u.startsWith(sp('/auth/login/'))), visited.join('\n'));
  await bsimon.context().close();
}
