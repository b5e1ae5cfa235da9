// The state of one walk through the tutorial: the running services and browser, the IT admin's
// window, and what the admin copied or wrote down along the way; and the people in it.
import type { Page } from 'playwright-core';
import type { World } from '../support/world.ts';

/** Contoso's IT administrator: the Directory's first administrator and, in the same browser, the Workspace owner. */
export const ADMIN = {
  userName: 'admin@contoso.com',
  name: 'Contoso Admin',
  password: 'Tutorial-Admin-2024!',
};
export const OWNER_PASSWORD = 'Tutorial-Owner-2024!';
/** The tutorial's test user (the Workspace lower-cases email addresses). */
export const BSIMON = { userName: 'B.Simon@contoso.com', name: 'B.Simon', email: 'b.simon@contoso.com' };
/** A member of acme who signed up with a password before SSO was required. */
export const ALEX = { userName: 'Alex.Wu@contoso.com', name: 'Alex Wu', email: 'alex.wu@contoso.com' };
export const ALEX_WORKSPACE_PASSWORD = 'Alex-Workspace-2024!';
/** The gallery application and the Workspace organization of the tutorial. */
export const APP = 'Sentry (self-hosted)';
export const ORG = 'acme';

export interface Tutorial {
  world: World;
  /** The IT admin's browser window. */
  admin: Page;
  /** Copied from the application's Single sign-on page. */
  metadataUrl: string;
  /** The address of that page (a newcomer pastes it instead of the metadata URL). */
  ssoPageUrl: string;
  /** Written down when B.Simon was created (shown once). */
  bsimonPassword: string;
  /** A Workspace address. */
  sp(path: string): string;
  /** The Workspace addresses of organization `org` that the Directory's Basic SAML Configuration takes. */
  urls(org?: string): { identifier: string; replyUrl: string; signOnUrl: string };
}

export function newTutorial(world: World, admin: Page): Tutorial {
  const sp = (path: string) => `${world.spUrl}${path}`;
  return {
    world,
    admin,
    metadataUrl: '',
    ssoPageUrl: '',
    bsimonPassword: '',
    sp,
    urls: (org = ORG) => ({
      identifier: sp(`/saml/metadata/${org}/`),
      replyUrl: sp(`/saml/acs/${org}/`),
      signOnUrl: sp(`/organizations/${org}/`),
    }),
  };
}
