import { arriveAt, card, openApplication, see, seeHeading } from '../support/pages.ts';
import { APP, ORG, type Tutorial } from './tutorial.ts';

/**
 * A newcomer's mistake: an Identifier with the wrong slug. The Workspace refuses the response, and its
 * SSO sign-in attempts page names the entity ID it expected; started at the Workspace, the Directory
 * answers AADSTS700016 with the Identifier it was sent.
 */
export async function wrongIdentifier(t: Tutorial): Promise<void> {
  const { world, admin, sp, urls } = t;
  const wrong = sp('/saml/metadata/acme-inc/');
  await openApplication(admin, world.idpUrl, APP, 'Single sign-on');
  await card(admin, '1. Basic SAML Configuration').getByRole('link', { name: 'Edit' }).click();
  await admin.getByLabel('Identifier 1', { exact: true }).fill(wrong);
  await admin.getByRole('button', { name: 'Save' }).click();
  await see(card(admin, '1. Basic SAML Configuration').getByText(wrong));
  await card(admin, `5. Test single sign-on with ${APP}`).getByRole('link', { name: 'Test' }).click();
  // The test opens in a new tab; the portal stays where it was.
  const [failed] = await Promise.all([
    admin.context().waitForEvent('page'),
    admin.getByRole('link', { name: 'Test sign in (IdP initiated)' }).click(),
  ]);
  await arriveAt(failed, urls().replyUrl);
  await seeHeading(failed, 'Sign-in failed');
  await see(failed.getByRole('alert').getByText('meant for another application or address'));
  await see(failed.getByRole('code').filter({ hasText: /^AUDIENCE_MISMATCH$/ }));
  await failed.close();

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

  // Started at the Workspace instead, the request names the right Identifier, which the Directory
  // does not know: AADSTS700016, with the Identifier it was sent.
  const someone = await world.window();
  await someone.goto(sp(`/auth/login/${ORG}/`));
  await someone.getByRole('button', { name: 'Continue with Active Directory' }).click();
  await arriveAt(someone, (u) => u.origin === world.idpUrl);
  await see(someone.getByRole('definition').filter({ hasText: /^AADSTS700016$/ }));
  await see(someone.getByText(`The application sent the Identifier '${urls().identifier}'.`));
  await someone.context().close();

  // Put the right Identifier back: signing in works again.
  await openApplication(admin, world.idpUrl, APP, 'Single sign-on');
  await card(admin, '1. Basic SAML Configuration').getByRole('link', { name: 'Edit' }).click();
  await admin.getByLabel('Identifier 1', { exact: true }).fill(urls().identifier);
  await admin.getByRole('button', { name: 'Save' }).click();
  await card(admin, `5. Test single sign-on with ${APP}`).getByRole('link', { name: 'Test' }).click();
  const [works] = await Promise.all([
    admin.context().waitForEvent('page'),
    admin.getByRole('link', { name: 'Test sign in (IdP initiated)' }).click(),
  ]);
  await arriveAt(works, urls().signOnUrl);
  await seeHeading(works, 'Acme');
  await works.close();
}
