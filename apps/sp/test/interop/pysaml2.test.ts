import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rawQuery } from '@federa/saml';
import { startApp, type TestApp } from '../support/app.ts';
import { type Browser, location } from '../support/browser.ts';
import { BSIMON, credential, type TestUser } from '../support/idp.ts';
import { OWNER_AT_IDP } from '../support/sso.ts';
import { pysaml2, saml2Organization } from './support.ts';

// pysaml2 (Debian python3-pysaml2) as the organization's IdP: an implementation we did not write.

const IDP = { entityId: 'https://pysaml2-idp.test/metadata', ssoUrl: 'https://pysaml2-idp.test/sso' };

async function idpSpec() {
  const { keyPem, certPem } = await credential('pysaml2-idp');
  return { ...IDP, keyPem, certPem };
}

/** The SAMLRequest value of a redirect URL, URL-decoded (what pysaml2's parse_authn_request takes). */
function samlRequestOf(url: string): string {
  return new URLSearchParams(rawQuery(url)).get('SAMLRequest')!;
}

async function spMetadata(t: TestApp, slug: string): Promise<string> {
  return (await t.browser().get(`/saml/metadata/${slug}/`)).body;
}

async function answer(t: TestApp, browser: Browser, slug: string, redirect: string | null, user: TestUser) {
  const spec = await idpSpec();
  const { SAMLResponse } = pysaml2({
    action: 'respond',
    ...spec,
    spMetadata: await spMetadata(t, slug),
    samlRequest: redirect ? samlRequestOf(redirect) : null,
    acsUrl: `http://localhost:5000/saml/acs/${slug}/`,
    spEntityId: `http://localhost:5000/saml/metadata/${slug}/`,
    user: { email: user.email, givenName: user.givenName ?? '', surname: user.surname ?? '' },
  });
  const relayState = redirect ? (new URLSearchParams(rawQuery(redirect)).get('RelayState') ?? '') : '';
  return browser.crossSitePost(`/saml/acs/${slug}/`, { SAMLResponse: SAMLResponse!, RelayState: relayState });
}

describe('pysaml2 as IdP', () => {
  test('configured from its metadata, it finishes setup; SP- and IdP-initiated sign-ins reach the organization home', async (c) => {
    const t = await startApp('sqlite');
    c.after(() => t.close());
    const spec = await idpSpec();
    const { metadata } = pysaml2({ action: 'metadata', ...spec });
    const owner = await saml2Organization(t, 'acme', metadata!, {
      useNameIdAsUserId: '1',
      userId: '',
      email: '',
      firstName: 'urn:oid:2.5.4.42',
      lastName: 'urn:oid:2.5.4.4',
    });

    await owner.get('/settings/acme/auth/');
    const setup = await owner.post('/settings/acme/auth/test/');
    assert.equal(setup.statusCode, 303);
    assert.ok(location(setup).startsWith(IDP.ssoUrl));
    const finished = await answer(t, owner, 'acme', location(setup), OWNER_AT_IDP);
    assert.equal(finished.statusCode, 303, finished.body.slice(0, 2000));
    assert.equal(location(finished), '/settings/acme/auth/');

    const spInitiated = t.browser();
    await spInitiated.get('/auth/login/acme/');
    const started = await spInitiated.post('/auth/login/acme/');
    const signedIn = await answer(t, spInitiated, 'acme', location(started), BSIMON);
    assert.equal(location(signedIn), '/organizations/acme/', signedIn.body.slice(0, 2000));
    const home = await spInitiated.get('/organizations/acme/');
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /<td>B Simon<\/td><td>b\.simon@contoso\.com<\/td><td>Member/);

    const idpInitiated = t.browser();
    const direct = await answer(t, idpInitiated, 'acme', null, { ...BSIMON });
    assert.equal(location(direct), '/organizations/acme/', direct.body.slice(0, 2000));
    assert.equal((await idpInitiated.get('/organizations/acme/')).statusCode, 200);
  });
});
