import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import * as xmllint from '@authenio/samlify-node-xmllint';
import { AUTHN_CONTEXT, BINDING, decodePost, NAMEID_FORMAT, rawQuery, toSamlInstant } from '@federa/saml';
import * as samlify from 'samlify';
import { startApp, type TestApp } from '../support/app.ts';
import { type Browser, location } from '../support/browser.ts';
import { BSIMON, credential, type TestUser } from '../support/idp.ts';
import { OWNER_AT_IDP } from '../support/sso.ts';
import { saml2Organization } from './support.ts';

// samlify as the organization's IdP: an implementation we did not write, configured from the SP
// metadata the Workspace publishes, its XML-schema validator on.

samlify.setSchemaValidator(xmllint);

const IDP = { entityId: 'https://samlify-idp.test/metadata', ssoUrl: 'https://samlify-idp.test/sso' };
const CLAIMS = {
  givenName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  surname: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
};

async function samlifyIdp() {
  const { keyPem, certPem } = await credential('samlify-idp');
  return samlify.IdentityProvider({
    entityID: IDP.entityId,
    privateKey: keyPem,
    signingCert: certPem,
    nameIDFormat: [NAMEID_FORMAT.emailAddress],
    singleSignOnService: [
      { Binding: BINDING.redirect, Location: IDP.ssoUrl },
      { Binding: BINDING.post, Location: IDP.ssoUrl },
    ],
    singleLogoutService: [{ Binding: BINDING.redirect, Location: IDP.ssoUrl }],
  });
}

/** samlify's login-response template with an AuthnStatement and two attributes, values filled by its escaping. */
function template(): string {
  const authn =
    '<saml:AuthnStatement AuthnInstant="{AuthnInstant}" SessionIndex="{SessionIndex}"><saml:AuthnContext>' +
    '<saml:AuthnContextClassRef>{AuthnContextClassRef}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>';
  const attributes = samlify.SamlLib.attributeStatementBuilder([
    {
      name: CLAIMS.givenName,
      nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
      valueTag: 'given',
      valueXsiType: 'xs:string',
    },
    {
      name: CLAIMS.surname,
      nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
      valueTag: 'sur',
      valueXsiType: 'xs:string',
    },
  ]);
  return samlify.SamlLib.defaultLoginResponseTemplate.context
    .replace('{AuthnStatement}', authn)
    .replace('{AttributeStatement}', attributes);
}

async function answer(t: TestApp, browser: Browser, slug: string, redirect: string | null, user: TestUser) {
  const idp = await samlifyIdp();
  const sp = samlify.ServiceProvider({ metadata: (await t.browser().get(`/saml/metadata/${slug}/`)).body });
  const acs = `http://localhost:5000/saml/acs/${slug}/`;
  let inResponseTo: string | null = null;
  let requestInfo: { extract: Record<string, unknown> } = { extract: {} };
  if (redirect) {
    const query = Object.fromEntries(new URL(redirect).searchParams);
    requestInfo = await idp.parseLoginRequest(sp, 'redirect', { query, octetString: rawQuery(redirect) });
    inResponseTo = (requestInfo.extract.request as Record<string, string>).id!;
  }
  const now = t.clock.now();
  const later = new Date(now.getTime() + 5 * 60_000);
  const id = `_${randomUUID()}`;
  const assertionId = `_${randomUUID()}`;
  const values: Record<string, string | null> = {
    ID: id,
    AssertionID: assertionId,
    Destination: acs,
    Audience: `http://localhost:5000/saml/metadata/${slug}/`,
    SubjectRecipient: acs,
    Issuer: IDP.entityId,
    IssueInstant: toSamlInstant(now),
    StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
    ConditionsNotBefore: toSamlInstant(now),
    ConditionsNotOnOrAfter: toSamlInstant(later),
    SubjectConfirmationDataNotOnOrAfter: toSamlInstant(later),
    NameIDFormat: NAMEID_FORMAT.emailAddress,
    NameID: user.email,
    InResponseTo: inResponseTo,
    AuthnInstant: toSamlInstant(now),
    SessionIndex: assertionId,
    AuthnContextClassRef: AUTHN_CONTEXT.password,
    attrGiven: user.givenName ?? '',
    attrSur: user.surname ?? '',
  };
  const result = await idp.createLoginResponse(sp, requestInfo as never, 'post', { email: user.email }, {
    customTagReplacement: () => ({ id, context: samlify.SamlLib.replaceTagsByValue(template(), values) }),
  } as never);
  const SAMLResponse = Buffer.from(decodePost((result as { context: string }).context), 'utf8').toString(
    'base64',
  );
  const relayState = redirect ? (new URL(redirect).searchParams.get('RelayState') ?? '') : '';
  return browser.crossSitePost(`/saml/acs/${slug}/`, { SAMLResponse, RelayState: relayState });
}

describe('samlify as IdP', () => {
  test('configured from its metadata, it finishes setup; SP- and IdP-initiated sign-ins reach the organization home', async (c) => {
    const t = await startApp('sqlite');
    c.after(() => t.close());
    const idp = await samlifyIdp();
    const owner = await saml2Organization(t, 'acme', idp.getMetadata(), {
      useNameIdAsUserId: '1',
      userId: '',
      email: '',
      firstName: CLAIMS.givenName,
      lastName: CLAIMS.surname,
    });

    await owner.get('/settings/acme/auth/');
    const setup = await owner.post('/settings/acme/auth/test/');
    const finished = await answer(t, owner, 'acme', location(setup), OWNER_AT_IDP);
    assert.equal(location(finished), '/settings/acme/auth/', finished.body.slice(0, 2000));

    const spInitiated = t.browser();
    await spInitiated.get('/auth/login/acme/');
    const started = await spInitiated.post('/auth/login/acme/');
    const signedIn = await answer(t, spInitiated, 'acme', location(started), BSIMON);
    assert.equal(location(signedIn), '/organizations/acme/', signedIn.body.slice(0, 2000));
    const home = await spInitiated.get('/organizations/acme/');
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /<td>B Simon<\/td><td>b\.simon@contoso\.com<\/td><td>Member/);

    const idpInitiated = t.browser();
    const direct = await answer(t, idpInitiated, 'acme', null, BSIMON);
    assert.equal(location(direct), '/organizations/acme/', direct.body.slice(0, 2000));
    assert.equal((await idpInitiated.get('/organizations/acme/')).statusCode, 200);
  });
});
