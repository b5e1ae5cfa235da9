import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { findOrganizationBySlug } from '../../src/organizations/organizations.repository.ts';
import { findProviderByOrganization, type Provider } from '../../src/providers/providers.repository.ts';
import { createdOrganization, signedUp, type TestApp } from './app.ts';
import { type Browser, location } from './browser.ts';
import { authnRequestFrom, type TestIdp, type TestUser } from './idp.ts';

/**
 * The IdP account the owner of acme (owner@acme.test) uses to finish the setup: the same address, so
 * the setup links it without asking (another address is asked about: setup-identity.test.ts).
 */
export const OWNER_AT_IDP: TestUser = {
  objectId: 'a0000000-0000-4000-8000-00000000000a',
  email: 'owner@acme.test',
  givenName: 'Ada',
  surname: 'Admin',
};

export async function providerOf(t: TestApp, slug: string): Promise<Provider | null> {
  const org = await findOrganizationBySlug(t.ctx.db, slug);
  return org ? findProviderByOrganization(t.ctx.db, org.id) : null;
}

/** Starts SP-initiated SSO in `browser` (POST /auth/login/{org}/) and returns the AuthnRequest the IdP gets. */
export async function startLogin(browser: Browser, t: TestApp, slug: string, next?: string) {
  await browser.get(`/auth/login/${slug}/`);
  const started = await browser.post(`/auth/login/${slug}/`, next ? { next } : {});
  assert.equal(started.statusCode, 303, started.body.slice(0, 500));
  return authnRequestFrom(location(started), t.clock);
}

/** A complete SP-initiated sign-in of `user`: returns the ACS response. */
export async function ssoSignIn(
  browser: Browser,
  t: TestApp,
  idp: TestIdp,
  slug: string,
  user?: TestUser,
): Promise<LightMyRequestResponse> {
  const request = await startLogin(browser, t, slug);
  const { SAMLResponse } = await idp.respond({ slug, inResponseTo: request.id, user, clock: t.clock });
  return browser.crossSitePost(`/saml/acs/${slug}/`, { SAMLResponse, RelayState: request.relayState ?? '' });
}

/** Finishes the setup: the owner's "Test and finish setup" and a sign-in at the IdP as OWNER_AT_IDP. */
export async function finishSetup(
  owner: Browser,
  t: TestApp,
  idp: TestIdp,
  slug: string,
): Promise<LightMyRequestResponse> {
  await owner.get(`/settings/${slug}/auth/`);
  const started = await owner.post(`/settings/${slug}/auth/test/`);
  assert.equal(started.statusCode, 303, started.body.slice(0, 500));
  const request = authnRequestFrom(location(started), t.clock);
  const { SAMLResponse } = await idp.respond({
    slug,
    inResponseTo: request.id,
    user: OWNER_AT_IDP,
    clock: t.clock,
  });
  const answered = await owner.crossSitePost(`/saml/acs/${slug}/`, {
    SAMLResponse,
    RelayState: request.relayState ?? '',
  });
  // Another organization's owner (owner@{slug}.test) is asked whether OWNER_AT_IDP is them: yes.
  if (answered.statusCode === 303 && location(answered) === `/settings/${slug}/auth/setup-identity/`) {
    await owner.get(location(answered));
    return owner.post(`/settings/${slug}/auth/setup-identity/confirm/`);
  }
  return answered;
}

/**
 * Organization `slug` owned by `owner@{slug}.test`, with Active Directory SSO configured from `idp`'s
 * metadata (pasted XML) and, unless `activate: false`, its setup finished.
 */
export async function ssoOrganization(
  t: TestApp,
  slug: string,
  idp: TestIdp,
  options: { activate?: boolean } = {},
): Promise<Browser> {
  const owner = await signedUp(t, `owner@${slug}.test`);
  await createdOrganization(owner, slug);
  await owner.get(`/settings/${slug}/auth/configure/active-directory/`);
  const saved = await owner.post(`/settings/${slug}/auth/configure/active-directory/`, {
    method: 'xml',
    metadataXml: idp.metadata(),
  });
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 1000));
  if (options.activate !== false) {
    const done = await finishSetup(owner, t, idp, slug);
    assert.equal(done.statusCode, 303, done.body.slice(0, 2000));
  }
  return owner;
}

/** Changes the organization's options through the settings form. */
export async function setOptions(
  owner: Browser,
  slug: string,
  options: Partial<
    Record<
      | 'requireSso'
      | 'allowIdpInitiated'
      | 'singleLogout'
      | 'allowSha1'
      | 'sendToIdp'
      | 'wantAssertionsSigned'
      | 'signRequests'
      | 'forceAuthn',
      boolean
    >
  > & {
    defaultRole?: string;
    sessionHours?: number;
  },
) {
  await owner.get(`/settings/${slug}/auth/`);
  const form: Record<string, string> = {
    defaultRole: options.defaultRole ?? 'member',
    sessionHours: String(options.sessionHours ?? 24),
  };
  if (options.requireSso) form.requireSso = '1';
  if (options.allowIdpInitiated ?? true) form.allowIdpInitiated = '1';
  if (options.singleLogout) form.singleLogout = '1';
  if (options.allowSha1) form.allowSha1 = '1';
  if (options.sendToIdp) form.sendToIdp = '1';
  // Checked on the page for a new provider (as the form would post it) unless the test says otherwise.
  if (options.wantAssertionsSigned ?? true) form.wantAssertionsSigned = '1';
  if (options.signRequests) form.signRequests = '1';
  if (options.forceAuthn) form.forceAuthn = '1';
  const saved = await owner.post(`/settings/${slug}/auth/settings/`, form);
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 1000));
}

/** The error code on a failure page. */
export function failureCode(response: LightMyRequestResponse): string | null {
  return /<dt>Error code<\/dt><dd><code>([A-Z_]+)<\/code>/.exec(response.body)?.[1] ?? null;
}
