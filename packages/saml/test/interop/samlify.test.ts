import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as xmllint from '@authenio/samlify-node-xmllint';
import * as samlify from 'samlify';
import { decodePost } from '../../src/bindings/http-post.ts';
import { decodeRedirect, encodeRedirect, rawQuery } from '../../src/bindings/http-redirect.ts';
import { systemClock, systemRandom, toSamlInstant } from '../../src/clock.ts';
import { buildIdpMetadata, buildSpMetadata } from '../../src/metadata/build.ts';
import { parseMetadata } from '../../src/metadata/parse.ts';
import { buildAuthnRequest, parseAuthnRequest } from '../../src/protocol/authn-request.ts';
import { validateResponse } from '../../src/protocol/response.ts';
import type { SigningMode } from '../../src/protocol/response-build.ts';
import { AUTHN_CONTEXT, BINDING, NAMEID_FORMAT } from '../../src/xml/namespaces.ts';
import { makeCredential } from '../support/credentials.ts';
import { claimsRecord, ENTRA_CLAIMS, IDP, idpCredential, issue, rejectsSaml, SP, USER } from './support.ts';

/**
 * samlify, both ways: as an SP it must accept what our IdP issues (configured from the metadata our
 * code writes, with its XML-schema validator on); as an IdP, what it issues must pass our SP's
 * validation (configured from the metadata samlify writes).
 */

samlify.setSchemaValidator(xmllint);

/** samlify's view of our IdP and our SP, both read from the metadata we publish. */
async function samlifyPeersOfOurs() {
  const { credential } = await idpCredential();
  const idpMetadata = buildIdpMetadata({
    entityId: IDP.entityId,
    id: systemRandom.id(),
    signingCertificates: [credential.certificate],
    ssoUrl: IDP.ssoUrl,
    sloUrl: IDP.ssoUrl,
    nameIdFormats: [NAMEID_FORMAT.emailAddress],
    sign: { credential },
  });
  const spMetadata = buildSpMetadata({
    entityId: SP.entityId,
    acs: [{ location: SP.acsUrl, index: 0, isDefault: true }],
    slo: [{ location: 'http://localhost:5000/saml/sls/acme/' }],
    nameIdFormats: [NAMEID_FORMAT.emailAddress],
    authnRequestsSigned: false,
    wantAssertionsSigned: true,
  });
  return {
    idp: samlify.IdentityProvider({ metadata: idpMetadata }),
    sp: samlify.ServiceProvider({ metadata: spMetadata }),
  };
}

/** samlify returns one value as a string and several as an array; compare as arrays. */
function asArrays(attributes: unknown): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(attributes as Record<string, string | string[]>).map(([k, v]) => [
      k,
      Array.isArray(v) ? v : [v],
    ]),
  );
}

describe('samlify as SP accepts responses from our IdP', () => {
  const modes: ReadonlyArray<[SigningMode, string]> = [
    ['assertion', 'the assertion'],
    ['response', 'the response'],
    ['both', 'both the response and the assertion'],
  ];
  for (const [mode, what] of modes) {
    test(`accepts an unsolicited response with ${what} signed, schema-valid, with the NameID and every claim`, async () => {
      const { idp, sp } = await samlifyPeersOfOurs();
      const { base64, responseId } = await issue({ mode, inResponseTo: null });
      const { extract } = await sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: base64 } });
      assert.equal(extract.issuer, IDP.entityId);
      assert.equal(extract.nameID, USER);
      assert.equal(extract.audience, SP.entityId);
      assert.equal((extract.response as Record<string, string>).id, responseId);
      assert.deepEqual(asArrays(extract.attributes), claimsRecord(ENTRA_CLAIMS));
    });
  }

  test('accepts our response to the AuthnRequest samlify sent, read by our IdP from the Redirect binding', async () => {
    const { idp, sp } = await samlifyPeersOfOurs();
    const { context } = sp.createLoginRequest(idp, 'redirect') as { id: string; context: string };
    const request = parseAuthnRequest(decodeRedirect(rawQuery(context)).xml, {
      clock: systemClock,
      expectedDestination: IDP.ssoUrl,
    });
    assert.equal(request.issuer, SP.entityId);
    assert.equal(request.assertionConsumerServiceUrl, SP.acsUrl);

    const { base64 } = await issue({ mode: 'assertion', inResponseTo: request.id });
    const { extract } = await sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: base64 } });
    assert.equal(extract.nameID, USER);
    assert.equal((extract.response as Record<string, string>).inResponseTo, request.id);
  });

  test('refuses our response once a signed byte is changed (control: the signature is really checked)', async () => {
    const { idp, sp } = await samlifyPeersOfOurs();
    const { xml } = await issue({ mode: 'assertion', inResponseTo: null });
    const tampered = xml.replace(`>${USER}<`, '>admin@contoso.com<');
    assert.notEqual(tampered, xml);
    await assert.rejects(
      sp.parseLoginResponse(idp, 'post', {
        body: { SAMLResponse: Buffer.from(tampered).toString('base64') },
      }),
    );
  });
});

// --- samlify as IdP, our validateResponse as SP -------------------------------------------------

const SAMLIFY_IDP = {
  entityId: 'https://samlify-idp.test/metadata',
  ssoUrl: 'https://samlify-idp.test/sso',
} as const;

/** Single-valued claims (samlify's attribute template holds one AttributeValue), one with markup. */
const SAMLIFY_CLAIMS = [
  ...ENTRA_CLAIMS.slice(0, 9).map((claim, i) => ({
    name: claim.name,
    tag: `claim${i}`,
    value: claim.values[0]!,
  })),
  {
    name: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
    tag: 'claim9',
    value: 'R&D <lab> "EU"',
  },
];

/**
 * A login response template in samlify's own format: its default (Issuer, Status, Assertion with
 * Subject and Conditions) plus an AuthnStatement and an AttributeStatement built by samlify's
 * attributeStatementBuilder, with every value filled by samlify's escaping `replaceTagsByValue`.
 */
function samlifyTemplate(): string {
  const authnStatement =
    '<saml:AuthnStatement AuthnInstant="{AuthnInstant}" SessionIndex="{SessionIndex}"><saml:AuthnContext>' +
    '<saml:AuthnContextClassRef>{AuthnContextClassRef}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>';
  const attributeStatement = samlify.SamlLib.attributeStatementBuilder(
    SAMLIFY_CLAIMS.map((c) => ({
      name: c.name,
      nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
      valueTag: c.tag,
      valueXsiType: 'xs:string',
    })),
  );
  return samlify.SamlLib.defaultLoginResponseTemplate.context
    .replace('{AuthnStatement}', authnStatement)
    .replace('{AttributeStatement}', attributeStatement);
}

type RequestInfo = Parameters<ReturnType<typeof samlify.IdentityProvider>['createLoginResponse']>[1];

async function samlifyIdp() {
  const { keyPem, certPem } = await makeCredential('samlify IdP signing');
  const idp = samlify.IdentityProvider({
    entityID: SAMLIFY_IDP.entityId,
    privateKey: keyPem,
    signingCert: certPem,
    nameIDFormat: [NAMEID_FORMAT.emailAddress],
    singleSignOnService: [
      { Binding: BINDING.redirect, Location: SAMLIFY_IDP.ssoUrl },
      { Binding: BINDING.post, Location: SAMLIFY_IDP.ssoUrl },
    ],
    singleLogoutService: [{ Binding: BINDING.redirect, Location: SAMLIFY_IDP.ssoUrl }],
  });
  const sp = samlify.ServiceProvider({
    metadata: buildSpMetadata({
      entityId: SP.entityId,
      acs: [{ location: SP.acsUrl, index: 0, isDefault: true }],
      authnRequestsSigned: false,
      wantAssertionsSigned: true,
    }),
  });
  // Our SP is configured from samlify's metadata, as an admin would paste it.
  const metadata = parseMetadata(idp.getMetadata(), { role: 'idp' });
  return { idp, sp, metadata };
}

/** samlify's login response for B.Simon, answering `inResponseTo` (null: IdP-initiated). */
async function samlifyResponse(
  idp: ReturnType<typeof samlify.IdentityProvider>,
  sp: ReturnType<typeof samlify.ServiceProvider>,
  requestInfo: RequestInfo | null,
  inResponseTo: string | null,
): Promise<string> {
  const now = new Date();
  const later = new Date(now.getTime() + 5 * 60_000);
  const id = `_${crypto.randomUUID()}`;
  const assertionId = `_${crypto.randomUUID()}`;
  const values: Record<string, string | null> = {
    ID: id,
    AssertionID: assertionId,
    Destination: SP.acsUrl,
    Audience: SP.entityId,
    SubjectRecipient: SP.acsUrl,
    Issuer: SAMLIFY_IDP.entityId,
    IssueInstant: toSamlInstant(now),
    StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
    ConditionsNotBefore: toSamlInstant(now),
    ConditionsNotOnOrAfter: toSamlInstant(later),
    SubjectConfirmationDataNotOnOrAfter: toSamlInstant(later),
    NameIDFormat: NAMEID_FORMAT.emailAddress,
    NameID: USER,
    InResponseTo: inResponseTo, // null: samlify drops the attribute
    AuthnInstant: toSamlInstant(now),
    SessionIndex: assertionId,
    AuthnContextClassRef: AUTHN_CONTEXT.password,
    ...Object.fromEntries(
      SAMLIFY_CLAIMS.map((c) => [`attr${c.tag[0]!.toUpperCase()}${c.tag.slice(1)}`, c.value]),
    ),
  };
  const result = await idp.createLoginResponse(
    sp,
    requestInfo ?? ({ extract: {} } as RequestInfo),
    'post',
    { email: USER },
    {
      customTagReplacement: () => ({
        id,
        context: samlify.SamlLib.replaceTagsByValue(samlifyTemplate(), values),
      }),
    },
  );
  return decodePost(result.context);
}

function validateFromSamlify(
  xml: string,
  metadata: ReturnType<typeof parseMetadata>,
  extra: { pendingRequestIds?: string[]; allowUnsolicited?: boolean },
) {
  return validateResponse(xml, {
    idp: { entityId: metadata.entityId, signingCertificates: metadata.idp!.signingCertificates },
    sp: { entityId: SP.entityId, acsUrl: SP.acsUrl },
    clock: systemClock,
    requireSignedAssertion: true,
    ...extra,
  });
}

describe('our SP accepts responses from samlify as IdP', () => {
  test('accepts an SP-initiated response whose InResponseTo is our AuthnRequest, parsed by samlify', async () => {
    const { idp, sp, metadata } = await samlifyIdp();
    assert.equal(metadata.entityId, SAMLIFY_IDP.entityId);
    const requestId = systemRandom.id();
    const url = encodeRedirect({
      location: SAMLIFY_IDP.ssoUrl,
      parameter: 'SAMLRequest',
      relayState: '/organizations/acme/',
      xml: buildAuthnRequest({
        id: requestId,
        issueInstant: new Date(),
        issuer: SP.entityId,
        destination: SAMLIFY_IDP.ssoUrl,
        assertionConsumerServiceUrl: SP.acsUrl,
        protocolBinding: BINDING.post,
        nameIdPolicy: { format: NAMEID_FORMAT.emailAddress, allowCreate: true },
      }),
    });
    const query = Object.fromEntries(new URL(url).searchParams);
    const requestInfo = await idp.parseLoginRequest(sp, 'redirect', { query, octetString: rawQuery(url) });
    assert.equal((requestInfo.extract.request as Record<string, string>).id, requestId);

    const xml = await samlifyResponse(idp, sp, { ...requestInfo }, requestId);
    const result = await validateFromSamlify(xml, metadata, { pendingRequestIds: [requestId] });
    assert.equal(result.issuer, SAMLIFY_IDP.entityId);
    assert.equal(result.nameId, USER);
    assert.equal(result.inResponseTo, requestId);
    assert.deepEqual(result.signed, { response: false, assertion: true });
    assert.deepEqual(
      { ...result.attributes },
      Object.fromEntries(SAMLIFY_CLAIMS.map((c) => [c.name, [c.value]])),
    );
  });

  test('accepts an IdP-initiated response from samlify where unsolicited responses are allowed', async () => {
    const { idp, sp, metadata } = await samlifyIdp();
    const xml = await samlifyResponse(idp, sp, null, null);
    assert.ok(!xml.includes('InResponseTo'));
    const result = await validateFromSamlify(xml, metadata, { allowUnsolicited: true });
    assert.equal(result.nameId, USER);
    assert.equal(result.inResponseTo, null);
  });

  test('refuses the IdP-initiated samlify response where unsolicited responses are not allowed', async () => {
    const { idp, sp, metadata } = await samlifyIdp();
    const xml = await samlifyResponse(idp, sp, null, null);
    await rejectsSaml(() => validateFromSamlify(xml, metadata, {}), 'UNSOLICITED_NOT_ALLOWED');
  });

  test('refuses a samlify response answering a request this session did not send', async () => {
    const { idp, sp, metadata } = await samlifyIdp();
    const xml = await samlifyResponse(idp, sp, null, '_someone-elses-request');
    await rejectsSaml(
      () => validateFromSamlify(xml, metadata, { pendingRequestIds: [systemRandom.id()] }),
      'IN_RESPONSE_TO_MISMATCH',
    );
  });

  test('refuses a samlify response whose NameID was changed after signing', async () => {
    const { idp, sp, metadata } = await samlifyIdp();
    const xml = await samlifyResponse(idp, sp, null, null);
    const tampered = xml.replace(`>${USER}<`, '>admin@contoso.com<');
    assert.notEqual(tampered, xml);
    await rejectsSaml(
      () => validateFromSamlify(tampered, metadata, { allowUnsolicited: true }),
      'SIGNATURE_DIGEST_MISMATCH',
    );
  });
});
