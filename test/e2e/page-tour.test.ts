// Every page of both services opened in Chromium (DESIGN.md, "Pages"): Federa Directory and Federa
// Workspace run as real processes on SQLite files, seeded as `npm start` seeds the demo (tenant
// Contoso with Sentry for organization `acme`, B.Simon assigned; `acme` with SSO from the
// Directory's metadata URL). The Directory admin, the Workspace owner, a signed-out visitor and
// B.Simon (mid-way through linking her SSO sign-in to a Workspace account) then open every GET page
// route listed in each app's `src/routes.ts`, and each page must have the shared layout (a top bar
// naming the service, an h1), no console error or CSP violation, a label on every form control, and
// a skip link through which the keyboard reaches the main content. A page route added to routes.ts
// without being added here fails the coverage test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { type Cluster, ORGANIZATION, PASSWORD, startCluster } from '../support/cluster.ts';
import { ROOT } from '../support/processes.ts';
import { signInAtDirectory } from './support/pages.ts';

const TIMEOUT_MS = 15_000;
type App = 'idp' | 'sp';
type Who = 'admin' | 'owner' | 'visitor' | 'bsimon' | 'bsimonSso' | 'newcomer';

/** One page of the tour: the route as routes.ts writes it, the address opened, and by whom. */
interface Stop {
  app: App;
  route: string;
  path: string;
  who: Who;
  /** The path the browser ends on when the route redirects (a page again, checked the same way). */
  landsOn?: string | RegExp;
  /** The status of the page shown, when not 200. */
  status?: number;
}

/** GET routes that are not pages: SAML endpoints, metadata, downloads, JSON API. */
const NOT_PAGES: Record<App, Record<string, string>> = {
  idp: {
    '/:tenant/saml2': 'SAML endpoint',
    '/:tenant/federationmetadata/2007-06/federationmetadata.xml': 'metadata',
    '/myapps/signin/:appId': 'IdP-initiated SAML POST to the application',
    '/portal/applications/:id/certificates/:certId/download': 'download',
    '/assets/webauthn.js': 'script',
    '/assets/passkey.js': 'script',
  },
  sp: {
    '/saml/metadata/:org/': 'metadata',
    '/settings/:org/auth/signing-keys/:keyId/certificate/': 'download',
    '/saml/sls/:org/': 'SAML endpoint',
    '/api/0/users/me/': 'JSON API',
    '/api/0/organizations/:org/': 'JSON API',
    '/api/0/organizations/:org/scim/v2/Users': 'SCIM API',
    '/api/0/organizations/:org/scim/v2/Users/:id': 'SCIM API',
    '/api/0/organizations/:org/scim/v2/Groups': 'SCIM API',
    '/api/0/organizations/:org/scim/v2/Groups/:id': 'SCIM API',
    '/api/0/organizations/:org/scim/v2/ServiceProviderConfig': 'SCIM API',
    '/api/0/organizations/:org/scim/v2/ResourceTypes': 'SCIM API',
    '/api/0/organizations/:org/scim/v2/ResourceTypes/:id': 'SCIM API',
    '/api/0/organizations/:org/scim/v2/Schemas': 'SCIM API',
    '/api/0/organizations/:org/scim/v2/Schemas/:id': 'SCIM API',
  },
};

/** The GET routes registered in an app's src/routes.ts, as written there. */
function getRoutes(app: App): string[] {
  const source = readFileSync(join(ROOT, 'apps', app, 'src', 'routes.ts'), 'utf8');
  const pattern = app === 'idp' ? /\bget\(\s*'([^']+)'/g : /\bapp\.get\(\s*'([^']+)'/g;
  return [...source.matchAll(pattern)].map((m) => m[1]!);
}

interface Ids {
  tenant: string;
  userId: string;
  groupId: string;
  appId: string;
  claimId: string;
  assignmentId: string;
  deletedUserId: string;
  /** Conditional Access: a policy, a named location, an application's client id, a sign-in log row. */
  policyId: string;
  locationId: string;
  clientAppId: string;
  signInId: string;
  ownerUserId: string;
  invitationToken: string;
  linkToken: string;
  verifyToken: string;
}

function tour(ids: Ids): Stop[] {
  const app = `/portal/applications/${ids.appId}`;
  const org = ORGANIZATION;
  const idp = (route: string, path: string, who: Who, more: Partial<Stop> = {}): Stop => ({
    app: 'idp',
    route,
    path,
    who,
    ...more,
  });
  const sp = (route: string, path: string, who: Who, more: Partial<Stop> = {}): Stop => ({
    app: 'sp',
    route,
    path,
    who,
    ...more,
  });
  return [
    idp('/', '/', 'visitor'),
    idp('/:tenant/login', `/${ids.tenant}/login`, 'visitor'),
    idp('/signed-out', '/signed-out', 'visitor'),
    // The single logout's next step, with no sign-out under way: the signed-out page.
    idp('/signout/continue', '/signout/continue', 'visitor', { landsOn: '/signed-out' }),
    // The MFA step with no sign-in waiting for it says so.
    idp('/:tenant/mfa', `/${ids.tenant}/mfa`, 'visitor', { status: 400 }),
    idp('/:tenant/mfa/register', `/${ids.tenant}/mfa/register`, 'visitor', { status: 400 }),
    idp('/:tenant/mfa/passkey/register', `/${ids.tenant}/mfa/passkey/register`, 'visitor', { status: 400 }),
    // "Stay signed in?" with no sign-in waiting for the answer says so.
    idp('/:tenant/kmsi', `/${ids.tenant}/kmsi`, 'visitor', { status: 400 }),
    // "Update your password" with no sign-in waiting for a new password says so (temporary-password/).
    idp('/:tenant/update-password', `/${ids.tenant}/update-password`, 'visitor', { status: 400 }),
    // Self-service password reset: "Who are you?"; its later steps with no reset under way say so.
    idp('/:tenant/passwordreset', `/${ids.tenant}/passwordreset`, 'visitor'),
    idp('/:tenant/passwordreset/verify', `/${ids.tenant}/passwordreset/verify`, 'visitor', { status: 400 }),
    idp('/:tenant/passwordreset/new', `/${ids.tenant}/passwordreset/new`, 'visitor', { status: 400 }),
    idp('/myapps', '/myapps', 'admin'),
    idp('/myapps/security-info', '/myapps/security-info', 'admin'),
    idp('/myapps/security-info/add', '/myapps/security-info/add', 'admin'),
    // The admin has no second factor: adding a passkey first needs one, and the page says so.
    idp('/myapps/security-info/passkey', '/myapps/security-info/passkey', 'admin', { status: 403 }),
    // The admin has no method to delete: the page for one that is not theirs says it was not found.
    idp(
      '/myapps/security-info/:methodId/remove',
      '/myapps/security-info/00000000-0000-4000-8000-000000000000/remove',
      'admin',
      { status: 404 },
    ),
    idp('/portal', '/portal', 'admin'),
    idp('/portal/setup', '/portal/setup', 'admin', { landsOn: '/portal' }),
    idp('/portal/tenants', '/portal/tenants', 'admin'),
    idp('/portal/tenants/:id', `/portal/tenants/${ids.tenant}`, 'admin'),
    idp('/portal/tenants/:id/security-defaults', `/portal/tenants/${ids.tenant}/security-defaults`, 'admin'),
    idp('/portal/users', '/portal/users', 'admin'),
    idp('/portal/users/new', '/portal/users/new', 'admin'),
    idp('/portal/users/settings', '/portal/users/settings', 'admin'),
    idp('/portal/users/password-reset', '/portal/users/password-reset', 'admin'),
    idp('/portal/users/:id', `/portal/users/${ids.userId}`, 'admin'),
    idp('/portal/users/:id/edit', `/portal/users/${ids.userId}/edit`, 'admin'),
    idp(
      '/portal/users/:id/authentication-methods',
      `/portal/users/${ids.userId}/authentication-methods`,
      'admin',
    ),
    idp(
      '/portal/users/:id/authentication-methods/reregister',
      `/portal/users/${ids.userId}/authentication-methods/reregister`,
      'admin',
    ),
    idp('/portal/users/:id/delete', `/portal/users/${ids.userId}/delete`, 'admin'),
    idp('/portal/users/deleted', '/portal/users/deleted', 'admin'),
    idp('/portal/users/deleted/:id/delete', `/portal/users/deleted/${ids.deletedUserId}/delete`, 'admin'),
    idp('/portal/groups', '/portal/groups', 'admin'),
    idp('/portal/groups/new', '/portal/groups/new', 'admin'),
    idp('/portal/groups/:id', `/portal/groups/${ids.groupId}`, 'admin'),
    idp(
      '/portal/groups/:id/members/:userId/remove',
      `/portal/groups/${ids.groupId}/members/${ids.userId}/remove`,
      'admin',
    ),
    idp('/portal/groups/:id/delete', `/portal/groups/${ids.groupId}/delete`, 'admin'),
    idp('/portal/applications', '/portal/applications', 'admin'),
    idp('/portal/applications/new', '/portal/applications/new', 'admin'),
    idp('/portal/applications/new/:template', '/portal/applications/new/sentry-self-hosted', 'admin'),
    idp('/portal/applications/:id', app, 'admin'),
    idp('/portal/applications/:id/properties', `${app}/properties`, 'admin'),
    idp('/portal/applications/:id/users', `${app}/users`, 'admin'),
    idp(
      '/portal/applications/:id/assignments/:assignmentId/remove',
      `${app}/assignments/${ids.assignmentId}/remove`,
      'admin',
    ),
    idp('/portal/applications/:id/sso', `${app}/sso`, 'admin'),
    idp('/portal/applications/:id/sso/basic', `${app}/sso/basic`, 'admin'),
    idp('/portal/applications/:id/test', `${app}/test`, 'admin'),
    idp('/portal/applications/:id/sso/claims', `${app}/sso/claims`, 'admin'),
    idp('/portal/applications/:id/sso/claims/new', `${app}/sso/claims/new`, 'admin'),
    idp('/portal/applications/:id/sso/claims/nameid', `${app}/sso/claims/nameid`, 'admin'),
    idp('/portal/applications/:id/sso/claims/groups', `${app}/sso/claims/groups`, 'admin'),
    idp('/portal/applications/:id/sso/claims/:claimId', `${app}/sso/claims/${ids.claimId}`, 'admin'),
    idp('/portal/applications/:id/certificates', `${app}/certificates`, 'admin'),
    idp('/portal/applications/:id/provisioning', `${app}/provisioning`, 'admin'),
    idp('/portal/applications/:id/provisioning/mappings/new', `${app}/provisioning/mappings/new`, 'admin'),
    idp('/portal/applications/:id/provisioning/mappings/:index', `${app}/provisioning/mappings/0`, 'admin'),
    idp('/portal/applications/:id/provisioning/on-demand', `${app}/provisioning/on-demand`, 'admin'),
    idp('/portal/applications/:id/provisioning/logs', `${app}/provisioning/logs`, 'admin'),
    idp('/portal/wizard', '/portal/wizard', 'admin'),
    idp('/portal/wizard/new/:template', '/portal/wizard/new/sentry-self-hosted', 'admin'),
    idp('/portal/wizard/:id/sso', `/portal/wizard/${ids.appId}/sso`, 'admin'),
    idp('/portal/wizard/:id/users', `/portal/wizard/${ids.appId}/users`, 'admin'),
    idp(
      '/portal/wizard/:id/users/:assignmentId/remove',
      `/portal/wizard/${ids.appId}/users/${ids.assignmentId}/remove`,
      'admin',
    ),
    idp('/portal/wizard/:id/review', `/portal/wizard/${ids.appId}/review`, 'admin'),
    idp('/portal/sign-ins', '/portal/sign-ins', 'admin'),
    // The list with a sign-in's details in the pane beside it.
    idp('/portal/sign-ins', `/portal/sign-ins?selected=${ids.signInId}`, 'admin', {
      landsOn: '/portal/sign-ins',
    }),
    idp('/portal/sign-ins/:id', `/portal/sign-ins/${ids.signInId}`, 'admin'),
    idp('/portal/conditional-access', '/portal/conditional-access', 'admin'),
    idp('/portal/conditional-access/policies/new', '/portal/conditional-access/policies/new', 'admin'),
    idp(
      '/portal/conditional-access/policies/:id',
      `/portal/conditional-access/policies/${ids.policyId}`,
      'admin',
    ),
    idp(
      '/portal/conditional-access/policies/:id/delete',
      `/portal/conditional-access/policies/${ids.policyId}/delete`,
      'admin',
    ),
    idp('/portal/conditional-access/named-locations', '/portal/conditional-access/named-locations', 'admin'),
    idp(
      '/portal/conditional-access/named-locations/new',
      '/portal/conditional-access/named-locations/new',
      'admin',
    ),
    idp(
      '/portal/conditional-access/named-locations/:id',
      `/portal/conditional-access/named-locations/${ids.locationId}`,
      'admin',
    ),
    idp(
      '/portal/conditional-access/named-locations/:id/delete',
      `/portal/conditional-access/named-locations/${ids.locationId}/delete`,
      'admin',
    ),
    idp('/portal/conditional-access/what-if', '/portal/conditional-access/what-if', 'admin'),
    // …and with its results.
    idp(
      '/portal/conditional-access/what-if',
      `/portal/conditional-access/what-if?user=${ids.userId}&app=${ids.clientAppId}&ip=192.0.2.7&platform=windows&clientApp=browser`,
      'admin',
      { landsOn: '/portal/conditional-access/what-if' },
    ),
    idp('/portal/audit', '/portal/audit', 'admin'),
    idp('/portal/api-tokens', '/portal/api-tokens', 'admin'),

    sp('/auth/login/', '/auth/login/', 'visitor'),
    sp('/auth/register/', '/auth/register/', 'visitor'),
    sp('/account/recover/', '/account/recover/', 'visitor'),
    // A reset link that was never mailed says so, with the way to ask for one.
    sp('/account/recover/confirm/:token/', '/account/recover/confirm/not-a-link/', 'visitor', {
      status: 404,
    }),
    sp('/auth/login/:org/', `/auth/login/${org}/`, 'visitor'),
    sp('/accept-invite/:token/', `/accept-invite/${ids.invitationToken}/`, 'visitor'),
    sp('/auth/link/:org/', `/auth/link/${org}/`, 'bsimonSso'),
    // The emailed link works in the browser that asked for it.
    sp('/auth/link/confirm/:token/', `/auth/link/confirm/${ids.linkToken}/`, 'bsimonSso'),
    sp('/auth/verify-email/:token/', `/auth/verify-email/${ids.verifyToken}/`, 'newcomer'),
    sp('/', '/', 'owner'),
    sp('/organizations/new/', '/organizations/new/', 'owner'),
    sp('/organizations/:org/', `/organizations/${org}/`, 'owner'),
    sp('/settings/:org/members/', `/settings/${org}/members/`, 'owner'),
    sp(
      '/settings/:org/members/:userId/remove/',
      `/settings/${org}/members/${ids.ownerUserId}/remove/`,
      'owner',
    ),
    sp('/settings/:org/teams/', `/settings/${org}/teams/`, 'owner'),
    // The team the owner made before the tour.
    sp('/settings/:org/teams/:team/', `/settings/${org}/teams/backend/`, 'owner'),
    sp('/settings/:org/teams/:team/delete/', `/settings/${org}/teams/backend/delete/`, 'owner'),
    sp('/settings/:org/auth/', `/settings/${org}/auth/`, 'owner'),
    sp('/settings/:org/auth/configure/:kind/', `/settings/${org}/auth/configure/active-directory/`, 'owner'),
    sp('/settings/:org/auth/attempts/', `/settings/${org}/auth/attempts/`, 'owner'),
    // Reached only after a setup sign-in as someone else; opened without one, it says so.
    sp('/settings/:org/auth/setup-identity/', `/settings/${org}/auth/setup-identity/`, 'owner', {
      status: 404,
    }),
    sp('/settings/:org/audit-log/', `/settings/${org}/audit-log/`, 'owner'),
    sp('/settings/:org/domains/', `/settings/${org}/domains/`, 'owner'),
    sp('/dev/outbox/', '/dev/outbox/', 'owner'),
  ];
}

/** What the page shows, read in the page: the layout, unlabelled controls, the skip link. */
async function inspect(page: Page) {
  return page.evaluate(() => {
    const visible = (e: Element) => {
      const box = (e as HTMLElement).getBoundingClientRect();
      const style = getComputedStyle(e);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    };
    const unlabelled = [...document.querySelectorAll('input, select, textarea')]
      .filter((e) => !['hidden', 'submit', 'button', 'reset', 'image'].includes((e as HTMLInputElement).type))
      .filter(visible)
      .filter((e) => {
        const control = e as HTMLInputElement;
        if (control.labels && control.labels.length > 0) return false;
        if (control.getAttribute('aria-label')?.trim()) return false;
        const by = control.getAttribute('aria-labelledby');
        return !by?.split(/\s+/).some((id) => document.getElementById(id)?.textContent?.trim());
      })
      .map((e) => e.outerHTML.slice(0, 160));
    const main = document.querySelector('main#main');
    const focusable = main
      ? [...main.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')].filter(
          (e) => visible(e) && !(e as HTMLButtonElement).disabled && (e as HTMLElement).tabIndex >= 0,
        ).length
      : 0;
    return {
      brand: document.querySelector('header.topbar .brand')?.textContent?.trim() ?? null,
      h1: document.querySelector('h1')?.textContent?.trim() ?? null,
      skipLink: !!document.querySelector('a.skip[href="#main"]'),
      main: !!main,
      focusableInMain: focusable,
      unlabelled,
    };
  });
}

/** Where keyboard focus is: inside main (a link or control), the skip link, or elsewhere. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const active = document.activeElement;
    return {
      tag: active?.tagName.toLowerCase() ?? '',
      skip: !!active?.matches('a.skip'),
      inMain: !!active?.closest('main#main'),
      control: !!active?.matches('a[href], button, input, select, textarea, summary, [tabindex]'),
    };
  });
}

describe('every page of both services, opened in Chromium', { timeout: 300_000 }, () => {
  let cluster: Cluster | null = null;
  let browser: Browser | null = null;
  const pages = new Map<Who, Page>();
  const problems = new Map<Page, string[]>();
  let ids: Ids | null = null;
  const url = (app: App, path: string) =>
    `${app === 'idp' ? cluster!.idp.publicUrl : cluster!.sp.publicUrl}${path}`;

  async function window(who: Who): Promise<Page> {
    const context: BrowserContext = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(TIMEOUT_MS);
    context.setDefaultNavigationTimeout(TIMEOUT_MS);
    const page = await context.newPage();
    const seen: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') seen.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => seen.push(`page error: ${error.message}`));
    problems.set(page, seen);
    pages.set(who, page);
    return page;
  }

  /** The href of the first link on the page whose path matches `pattern`; its first group. */
  async function linkId(page: Page, pattern: RegExp): Promise<string> {
    const hrefs = await page.$$eval('main a[href]', (links) =>
      links.map((a) => a.getAttribute('href') ?? ''),
    );
    for (const href of hrefs) {
      const match = pattern.exec(href);
      if (match) return match[1]!;
    }
    throw new Error(`no link matching ${pattern} on ${page.url()}: ${hrefs.join(' ')}`);
  }

  before(
    async () => {
      cluster = await startCluster({ dialect: 'sqlite', idpInstances: 1, spInstances: 1, users: 0 });
      browser = (await launchChromium()).browser;
      const idpUrl = cluster.idp.publicUrl;
      const spUrl = cluster.sp.publicUrl;

      // The Directory admin signs in; a group with B.Simon in it, and the ids the pages need.
      const admin = await window('admin');
      await admin.goto(`${idpUrl}/portal`);
      await signInAtDirectory(admin, 'admin@contoso.com', PASSWORD);
      await admin.getByRole('heading', { level: 1, name: 'Contoso | Overview' }).waitFor();
      await admin.goto(`${idpUrl}/portal/groups/new`);
      await admin.getByLabel('Group name').fill('Sentry users');
      await admin.getByRole('button', { name: 'Create' }).click();
      await admin.getByRole('heading', { level: 1, name: 'Sentry users' }).waitFor();
      const groupId = /\/portal\/groups\/([^/?#]+)/.exec(admin.url())?.[1] ?? '';
      await admin.getByLabel('Add member').selectOption({ label: 'B.Simon (B.Simon@contoso.com)' });
      await admin.getByRole('button', { name: 'Add' }).click();
      await admin.goto(`${idpUrl}/portal/users`);
      const userId = await linkId(admin, /^\/portal\/users\/([0-9a-f-]{36})$/);
      await admin.goto(`${idpUrl}/portal/applications`);
      const appId = await linkId(admin, /^\/portal\/applications\/([0-9a-f-]{36})$/);
      await admin.goto(`${idpUrl}/portal/applications/${appId}/sso/claims`);
      const claimId = await linkId(admin, /\/sso\/claims\/([0-9a-f-]{36})$/);
      await admin.goto(`${idpUrl}/portal/applications/${appId}/users`);
      const assignmentId = await linkId(admin, /\/assignments\/([0-9a-f-]{36})\/remove$/);
      // A user deleted through the confirmation, for the Deleted users pages.
      await admin.goto(`${idpUrl}/portal/users/new`);
      await admin.getByLabel('User principal name').fill('Gone@contoso.com');
      await admin.getByLabel('Display name').fill('Gone');
      await admin.getByRole('button', { name: 'Create' }).click();
      const deletedUserId = await linkId(admin, /^\/portal\/users\/([0-9a-f-]{36})$/);
      await admin.goto(`${idpUrl}/portal/users/${deletedUserId}/delete`);
      await admin.getByRole('button', { name: 'Delete Gone' }).click();
      await admin.waitForURL(`${idpUrl}/portal/users`);
      // Conditional Access: a trusted named location and a report-only policy made in the portal.
      await admin.goto(`${idpUrl}/portal/conditional-access/named-locations/new`);
      await admin.getByRole('textbox', { name: 'Name', exact: true }).fill('Contoso office');
      await admin.getByLabel('IP ranges (CIDR, one a line)').fill('203.0.113.0/24');
      await admin.getByLabel('Mark as trusted location').check();
      await admin.getByRole('button', { name: 'Create' }).click();
      await admin.waitForURL(`${idpUrl}/portal/conditional-access/named-locations`);
      const locationId = await linkId(admin, /\/named-locations\/([0-9a-f-]{36})$/);
      await admin.goto(`${idpUrl}/portal/conditional-access/policies/new`);
      await admin.getByRole('textbox', { name: 'Name', exact: true }).fill('Block outside Contoso’s network');
      await admin.getByLabel('All resources (all enterprise applications)').check();
      await admin.getByLabel('Block access').check();
      await admin.getByRole('button', { name: 'Create' }).click();
      await admin.waitForURL(`${idpUrl}/portal/conditional-access`);
      const policyId = await linkId(admin, /\/conditional-access\/policies\/([0-9a-f-]{36})$/);
      await admin.goto(`${idpUrl}/portal/conditional-access/what-if`);
      const clientAppId =
        (await admin.locator('select[name="app"] option').nth(1).getAttribute('value')) ?? '';
      await admin.goto(`${idpUrl}/portal/sign-ins`);
      const signInId = await linkId(admin, /^\/portal\/sign-ins\/([0-9a-f-]{36})$/);

      // The Workspace owner signs in and invites someone.
      const owner = await window('owner');
      await owner.goto(`${spUrl}/auth/login/`);
      await owner.getByLabel('Email').fill('owner@acme.test');
      await owner.getByLabel('Password').fill(PASSWORD);
      await owner.getByRole('button', { name: 'Sign in' }).click();
      await owner.waitForURL((u) => !u.pathname.startsWith('/auth/login'));
      await owner.goto(`${spUrl}/settings/${ORGANIZATION}/members/`);
      await owner.getByRole('textbox', { name: 'Email', exact: true }).fill('new.member@acme.test');
      await owner.getByRole('button', { name: 'Send invitation' }).click();
      const inviteUrl = await owner
        .getByRole('textbox', { name: 'Invitation link', exact: true })
        .inputValue();
      const invitationToken = /\/accept-invite\/([^/]+)\//.exec(inviteUrl)?.[1] ?? '';
      const ownerUserId = await linkId(owner, /\/members\/([^/]+)\/remove\/$/);
      // … and makes a team.
      await owner.goto(`${spUrl}/settings/${ORGANIZATION}/teams/`);
      await owner.getByLabel('Name').fill('Backend');
      await owner.getByRole('button', { name: 'Create team' }).click();
      await owner.waitForURL(`${spUrl}/settings/${ORGANIZATION}/teams/backend/`);

      // B.Simon has a Workspace account of her own; signing in to acme through SSO with the same email
      // asks her to link the two, and the emailed link lands in her outbox.
      const bsimon = await window('bsimon');
      await bsimon.goto(`${spUrl}/auth/register/`);
      await bsimon.getByLabel('Name').fill('B.Simon');
      await bsimon.getByLabel('Email').fill('b.simon@contoso.com');
      await bsimon.getByLabel('Password').fill('Workspace-Pa55word!');
      await bsimon.getByRole('button', { name: 'Create account' }).click();
      await bsimon.waitForURL((u) => !u.pathname.startsWith('/auth/register'));
      // She verifies her address (a link is mailed only to a verified one).
      await bsimon.goto(`${spUrl}/dev/outbox/`);
      const verifyUrl = /https?:\/\/\S+\/auth\/verify-email\/[^/\s]+\//.exec(
        (await bsimon.locator('main').textContent()) ?? '',
      )?.[0];
      assert.ok(verifyUrl, 'the verification email is in B.Simon’s outbox');
      await bsimon.goto(verifyUrl);
      await bsimon.getByRole('status').filter({ hasText: 'Your email address is verified.' }).waitFor();
      const sso = await window('bsimonSso');
      await sso.goto(`${spUrl}/auth/login/${ORGANIZATION}/`);
      await sso.getByRole('button', { name: 'Continue with Active Directory' }).click();
      await signInAtDirectory(sso, 'B.Simon@contoso.com', PASSWORD);
      await sso.waitForURL(`${spUrl}/auth/link/${ORGANIZATION}/`);
      await sso.getByRole('button', { name: 'Email me a link' }).click();
      await sso.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
      await bsimon.goto(`${spUrl}/dev/outbox/`);
      const linkToken = /\/auth\/link\/confirm\/([^/\s]+)\//.exec(
        (await bsimon.locator('main').textContent()) ?? '',
      )?.[1];
      assert.ok(linkToken, 'the link email is in B.Simon’s outbox');

      // Someone new signs up; their verification link is opened on the tour.
      const newcomer = await window('newcomer');
      await newcomer.goto(`${spUrl}/auth/register/`);
      await newcomer.getByLabel('Name').fill('Newcomer');
      await newcomer.getByLabel('Email').fill('newcomer@example.test');
      await newcomer.getByLabel('Password').fill('Workspace-Pa55word!');
      await newcomer.getByRole('button', { name: 'Create account' }).click();
      await newcomer.waitForURL((u) => !u.pathname.startsWith('/auth/register'));
      await newcomer.goto(`${spUrl}/dev/outbox/`);
      const verifyToken = /\/auth\/verify-email\/([^/\s]+)\//.exec(
        (await newcomer.locator('main').textContent()) ?? '',
      )?.[1];
      assert.ok(verifyToken, 'the verification email is in the newcomer’s outbox');

      await window('visitor');
      for (const [, seen] of problems) seen.length = 0;
      ids = {
        tenant: cluster.tenantId,
        userId,
        groupId,
        appId,
        claimId,
        assignmentId,
        deletedUserId,
        policyId,
        locationId,
        clientAppId,
        signInId,
        ownerUserId,
        invitationToken,
        linkToken,
        verifyToken,
      };
    },
    { timeout: 120_000 },
  );

  after(async () => {
    await browser?.close().catch(() => {});
    await cluster?.stop();
  });

  test('the tour lists every GET page route of both routes.ts files, and only those', () => {
    const listed = tour({
      tenant: 't',
      userId: 'u',
      groupId: 'g',
      appId: 'a',
      claimId: 'c',
      assignmentId: 'as',
      deletedUserId: 'd',
      policyId: 'p',
      locationId: 'nl',
      clientAppId: 'ca',
      signInId: 's',
      ownerUserId: 'o',
      invitationToken: 'i',
      linkToken: 'l',
      verifyToken: 'v',
    });
    for (const app of ['idp', 'sp'] as const) {
      const pageRoutes = getRoutes(app).filter((route) => !(route in NOT_PAGES[app]));
      const toured = listed.filter((s) => s.app === app).map((s) => s.route);
      assert.deepEqual(
        [...new Set(toured)].sort(),
        [...new Set(pageRoutes)].sort(),
        `${app}: toured vs routes.ts`,
      );
    }
  });

  test('the checks catch an unlabelled control and a script the CSP blocks', async () => {
    assert.ok(ids, 'the services and the seed did not start');
    const page = pages.get('visitor')!;
    const seen = problems.get(page)!;
    await page.goto(url('idp', '/'));
    seen.length = 0;
    await page.evaluate(() => {
      const main = document.querySelector('main')!;
      main.insertAdjacentHTML('beforeend', '<input name="nameless">');
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      main.append(script);
    });
    const shown = await inspect(page);
    assert.equal(shown.unlabelled.length, 1);
    await page.waitForTimeout(200);
    assert.ok(
      seen.some((problem) => /Content Security Policy/.test(problem)),
      `a CSP violation is a console error: ${seen.join(' | ')}`,
    );
  });

  test('every page has the shared layout, labelled controls, a working skip link and no console error', async () => {
    assert.ok(ids, 'the services and the seed did not start');
    const failures: string[] = [];
    const counts: Record<App, number> = { idp: 0, sp: 0 };
    for (const stop of tour(ids)) {
      const page = pages.get(stop.who)!;
      const seen = problems.get(page)!;
      seen.length = 0;
      const where = `${stop.app} ${stop.path} (${stop.who})`;
      const fail = (what: string) => failures.push(`${where}: ${what}`);
      try {
        const response = await page.goto(url(stop.app, stop.path), { waitUntil: 'load' });
        const status = response?.status() ?? 0;
        const landed = new URL(page.url()).pathname;
        const expectedPath = stop.landsOn ?? stop.path;
        if (typeof expectedPath === 'string' ? landed !== expectedPath : !expectedPath.test(landed))
          fail(`ended on ${landed}, expected ${expectedPath}`);
        if (status !== (stop.status ?? 200)) fail(`HTTP ${status}`);
        const shown = await inspect(page);
        const brand = stop.app === 'idp' ? 'Federa Directory' : 'Federa Workspace';
        if (shown.brand !== brand) fail(`top bar names ${JSON.stringify(shown.brand)}, not ${brand}`);
        if (!shown.h1) fail('no h1');
        if (!shown.skipLink || !shown.main) fail('no skip link to main#main');
        for (const control of shown.unlabelled) fail(`control without a label: ${control}`);
        // Keyboard: the first Tab reaches the skip link; following it, the next Tab reaches main.
        await page.locator('body').focus();
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await page.keyboard.press('Tab');
        const first = await focused(page);
        if (!first.skip) fail(`the first Tab focuses <${first.tag}>, not the skip link`);
        else if (shown.focusableInMain > 0) {
          await page.keyboard.press('Enter');
          await page.keyboard.press('Tab');
          const next = await focused(page);
          if (!next.inMain || !next.control)
            fail(`after the skip link, Tab focuses <${next.tag}> outside main`);
        }
        // On a phone (issue 11): at 390 px the page body does not scroll sideways (tables scroll in
        // their card, long values wrap) and the main content keeps the width of the screen.
        await page.setViewportSize({ width: 390, height: 844 });
        const phone = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          width: globalThis.innerWidth,
          main: document.querySelector('main#main')?.getBoundingClientRect().width ?? 0,
          wide: [...document.querySelectorAll('body *')]
            .filter(
              (e) => e.getBoundingClientRect().right > globalThis.innerWidth && !e.closest('.table-scroll'),
            )
            .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}">`)
            .slice(0, 1),
        }));
        if (phone.scrollWidth > phone.width)
          fail(`at 390 px the page is ${phone.scrollWidth} px wide (${phone.wide.join('')})`);
        if (phone.main < 300) fail(`at 390 px the main content is ${Math.round(phone.main)} px wide`);
        await page.setViewportSize({ width: 1280, height: 800 });
        // A page shown with the status the stop expects (an error page) is not a failed resource.
        const expected = `the server responded with a status of ${stop.status}`;
        for (const problem of seen) if (!(stop.status && problem.includes(expected))) fail(problem);
        counts[stop.app]++;
      } catch (error) {
        fail((error as Error).message.split('\n')[0]!);
      }
    }
    console.log(`pages toured: Directory ${counts.idp}, Workspace ${counts.sp}`);
    assert.deepEqual(failures, [], failures.join('\n'));
  });
});
