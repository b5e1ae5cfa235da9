// Single logout, the way Entra does it for an application with a Logout URL: signing out of My Apps
// sends the application a LogoutRequest through the browser, and its session there ends too.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  arriveAt,
  card,
  openApplication,
  openJson,
  see,
  seeHeading,
  signInAtDirectory,
} from '../support/pages.ts';
import { APP, BSIMON, ORG, type Tutorial } from './tutorial.ts';

/** Every address the main frame requests from now on, redirects included (`trail` sees only arrivals). */
function requested(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) urls.push(request.url());
  });
  return urls;
}

/**
 * The admin gives Sentry the Workspace's single logout URL as its Logout URL; B.Simon signs in to the
 * organization through the Directory, signs out of My Apps, and the Workspace's next request needs a
 * sign-in again. The Logout URL is cleared afterwards, as the tutorial leaves it.
 */
export async function signOutOfMyApps(t: Tutorial): Promise<void> {
  const { world, admin, sp, urls } = t;
  const logoutUrl = sp(`/saml/sls/${ORG}/`);
  const setLogoutUrl = async (value: string) => {
    await openApplication(admin, world.idpUrl, APP, 'Single sign-on');
    await card(admin, '1. Basic SAML Configuration').getByRole('link', { name: 'Edit' }).click();
    await admin.getByLabel('Logout Url (Optional)').fill(value);
    await admin.getByRole('button', { name: 'Save' }).click();
    await seeHeading(admin, `${APP} | SAML-based Sign-on`);
  };
  await setLogoutUrl(logoutUrl);
  await see(card(admin, '1. Basic SAML Configuration').getByText(logoutUrl));
  await world.screenshot(admin, '27-logout-url');

  const bsimon = await world.window();
  await bsimon.goto(sp(`/auth/login/${ORG}/`));
  await bsimon.getByRole('button', { name: 'Continue with Active Directory' }).click();
  await signInAtDirectory(bsimon, BSIMON.userName, t.bsimonPassword);
  await arriveAt(bsimon, urls().signOnUrl);
  assert.equal((await openJson(bsimon, sp('/api/0/users/me/'))).status, 200);

  await bsimon.goto(`${world.idpUrl}/myapps`);
  const visited = requested(bsimon);
  await bsimon.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await seeHeading(bsimon, 'You signed out of your account');
  await world.screenshot(bsimon, '28-signed-out-everywhere');
  assert.ok(
    visited.some((u) => u.startsWith(`${logoutUrl}?SAMLRequest=`)),
    `the Directory sent the Workspace a LogoutRequest:\n${visited.join('\n')}`,
  );
  assert.equal(await bsimon.locator('.still-signed-in').count(), 0, 'the Workspace confirmed the sign-out');
  // Signed out of the Workspace too: its next request needs a sign-in.
  assert.equal((await openJson(bsimon, sp('/api/0/users/me/'))).status, 401);
  await bsimon.context().close();

  await setLogoutUrl('');
}
