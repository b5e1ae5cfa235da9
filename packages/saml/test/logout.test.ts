import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SAML } from '@node-saml/node-saml';
import {
  decodeRedirect,
  encodeRedirect,
  rawQuery,
  verifyRedirectSignature,
} from '../src/bindings/http-redirect.ts';
import { fixedClock, systemClock } from '../src/clock.ts';
import { SamlError, type SamlErrorCode } from '../src/errors.ts';
import { buildLogoutRequest, parseLogoutRequest } from '../src/protocol/logout-request.ts';
import { buildLogoutResponse, parseLogoutResponse } from '../src/protocol/logout-response.ts';
import { NAMEID_FORMAT, STATUS } from '../src/xml/namespaces.ts';
import { makeCredential } from './support/credentials.ts';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const clock = fixedClock(NOW);
const IDP = 'http://127.0.0.1:4000/6a2b0c7e-0000-4000-8000-000000000001/';
const IDP_SLO = 'http://127.0.0.1:4000/contoso.com/saml2';
const SP = 'http://localhost:5000/saml/metadata/acme/';
const SP_SLO = 'http://localhost:5000/saml/sls/acme/';
const REQUEST_ID = '_9a8b7c6d5e4f30211203f4e5d6c7b8a9f0';

function throwsCode(fn: () => unknown, code: SamlErrorCode): void {
  assert.throws(fn, (error: unknown) => error instanceof SamlError && error.code === code);
}

function at(seconds: number) {
  return fixedClock(new Date(NOW.getTime() + seconds * 1000));
}

function logoutRequest(overrides: Partial<Parameters<typeof buildLogoutRequest>[0]> = {}): string {
  return buildLogoutRequest({
    id: REQUEST_ID,
    issueInstant: NOW,
    issuer: SP,
    destination: IDP_SLO,
    nameId: { value: 'B.Simon@contoso.com', format: NAMEID_FORMAT.emailAddress },
    sessionIndexes: ['_session-1'],
    ...overrides,
  });
}

function logoutResponse(overrides: Partial<Parameters<typeof buildLogoutResponse>[0]> = {}): string {
  return buildLogoutResponse({
    id: '_0f1e2d3c4b5a69788796a5b4c3d2e1f0aa',
    inResponseTo: REQUEST_ID,
    issueInstant: NOW,
    issuer: IDP,
    destination: SP_SLO,
    ...overrides,
  });
}

const requestChecks = { clock, expectedIssuer: SP, expectedDestination: IDP_SLO };
const responseChecks = {
  clock,
  expectedIssuer: IDP,
  expectedDestination: SP_SLO,
  expectedInResponseTo: REQUEST_ID,
};

describe('LogoutRequest', () => {
  it('round-trips NameID, its qualifiers, session indexes, NotOnOrAfter and Reason', () => {
    const xml = logoutRequest({
      nameId: { value: 'u-1', format: NAMEID_FORMAT.persistent, nameQualifier: IDP, spNameQualifier: SP },
      sessionIndexes: ['_s1', '_s2'],
      notOnOrAfter: new Date(NOW.getTime() + 60_000),
      reason: 'urn:oasis:names:tc:SAML:2.0:logout:user',
    });
    assert.deepEqual(parseLogoutRequest(xml, requestChecks), {
      id: REQUEST_ID,
      issueInstant: NOW,
      issuer: SP,
      destination: IDP_SLO,
      notOnOrAfter: new Date(NOW.getTime() + 60_000),
      reason: 'urn:oasis:names:tc:SAML:2.0:logout:user',
      nameId: { value: 'u-1', format: NAMEID_FORMAT.persistent, nameQualifier: IDP, spNameQualifier: SP },
      sessionIndexes: ['_s1', '_s2'],
      signed: false,
    });
  });

  it('verifies an enveloped signature and rejects a NameID changed after signing', async () => {
    const sp = await makeCredential('sp-signing');
    const keys = [sp.credential.certificate.publicKey];
    const xml = logoutRequest({ sign: { credential: sp.credential } });
    assert.equal(parseLogoutRequest(xml, { ...requestChecks, keys, requireSignature: true }).signed, true);
    const tampered = xml.replace('B.Simon@contoso.com', 'admin@contoso.com');
    throwsCode(() => parseLogoutRequest(tampered, { ...requestChecks, keys }), 'SIGNATURE_DIGEST_MISMATCH');
    throwsCode(
      () => parseLogoutRequest(logoutRequest(), { ...requestChecks, keys, requireSignature: true }),
      'SIGNATURE_MISSING',
    );
  });

  it('rejects another issuer and another destination', () => {
    throwsCode(
      () =>
        parseLogoutRequest(logoutRequest(), { ...requestChecks, expectedIssuer: 'https://other.example/' }),
      'ISSUER_MISMATCH',
    );
    throwsCode(
      () =>
        parseLogoutRequest(logoutRequest(), {
          ...requestChecks,
          expectedDestination: 'http://127.0.0.1:4000/x/saml2',
        }),
      'DESTINATION_MISMATCH',
    );
  });

  it('expires at NotOnOrAfter and by IssueInstant age, with 3 minutes of skew', () => {
    const xml = logoutRequest({ notOnOrAfter: new Date(NOW.getTime() + 60_000) });
    parseLogoutRequest(xml, { ...requestChecks, clock: at(60 + 179) });
    throwsCode(() => parseLogoutRequest(xml, { ...requestChecks, clock: at(60 + 180) }), 'REQUEST_EXPIRED');
    const noDeadline = logoutRequest();
    parseLogoutRequest(noDeadline, { ...requestChecks, clock: at(480) });
    throwsCode(() => parseLogoutRequest(noDeadline, { ...requestChecks, clock: at(481) }), 'REQUEST_EXPIRED');
    throwsCode(
      () => parseLogoutRequest(noDeadline, { ...requestChecks, clock: at(-181) }),
      'REQUEST_EXPIRED',
    );
  });

  it('rejects a request without a plain NameID', () => {
    const encrypted = logoutRequest().replace(
      /<saml:NameID[\s\S]*?<\/saml:NameID>/,
      '<saml:EncryptedID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/>',
    );
    throwsCode(() => parseLogoutRequest(encrypted, requestChecks), 'REQUEST_INVALID');
    const none = logoutRequest().replace(/<saml:NameID[\s\S]*?<\/saml:NameID>/, '');
    throwsCode(() => parseLogoutRequest(none, requestChecks), 'REQUEST_INVALID');
    const bad = logoutRequest({ notOnOrAfter: NOW }).replace(/NotOnOrAfter="[^"]*"/, 'NotOnOrAfter="soon"');
    throwsCode(() => parseLogoutRequest(bad, requestChecks), 'REQUEST_INVALID');
    throwsCode(() => parseLogoutRequest(logoutResponse(), requestChecks), 'XML_UNEXPECTED_ROOT');
  });
});

describe('LogoutResponse', () => {
  it('round-trips a Success response', () => {
    assert.deepEqual(parseLogoutResponse(logoutResponse(), responseChecks), {
      id: '_0f1e2d3c4b5a69788796a5b4c3d2e1f0aa',
      inResponseTo: REQUEST_ID,
      issueInstant: NOW,
      issuer: IDP,
      destination: SP_SLO,
      status: { code: STATUS.success, subCode: null, message: null },
      signed: false,
    });
  });

  it('rejects a response to another request, or to none', () => {
    throwsCode(
      () => parseLogoutResponse(logoutResponse({ inResponseTo: '_another' }), responseChecks),
      'IN_RESPONSE_TO_MISMATCH',
    );
    const none = logoutResponse().replace(/ InResponseTo="[^"]*"/, '');
    throwsCode(() => parseLogoutResponse(none, responseChecks), 'IN_RESPONSE_TO_MISMATCH');
  });

  it('reports a status other than Success with its codes', () => {
    const xml = logoutResponse({
      status: { code: STATUS.responder, subCode: STATUS.partialLogout, message: 'one SP did not answer' },
    });
    assert.throws(
      () => parseLogoutResponse(xml, responseChecks),
      (error: unknown) =>
        error instanceof SamlError &&
        error.code === 'RESPONSE_STATUS_NOT_SUCCESS' &&
        error.detail?.subStatusCode === STATUS.partialLogout,
    );
  });

  it('checks issuer, destination and the IssueInstant window', () => {
    throwsCode(
      () => parseLogoutResponse(logoutResponse(), { ...responseChecks, expectedIssuer: SP }),
      'ISSUER_MISMATCH',
    );
    throwsCode(
      () =>
        parseLogoutResponse(logoutResponse(), {
          ...responseChecks,
          expectedDestination: 'http://localhost:5000/saml/sls/other/',
        }),
      'DESTINATION_MISMATCH',
    );
    parseLogoutResponse(logoutResponse(), { ...responseChecks, clock: at(480) });
    throwsCode(() => parseLogoutResponse(logoutResponse(), { ...responseChecks, clock: at(481) }), 'EXPIRED');
    throwsCode(
      () => parseLogoutResponse(logoutResponse(), { ...responseChecks, clock: at(-181) }),
      'NOT_YET_VALID',
    );
  });

  it('verifies an enveloped signature and requires one when asked', async () => {
    const idp = await makeCredential('idp-signing');
    const keys = [idp.credential.certificate.publicKey];
    const signed = logoutResponse({ sign: { credential: idp.credential } });
    assert.equal(
      parseLogoutResponse(signed, { ...responseChecks, keys, requireSignature: true }).signed,
      true,
    );
    throwsCode(
      () => parseLogoutResponse(logoutResponse(), { ...responseChecks, keys, requireSignature: true }),
      'SIGNATURE_MISSING',
    );
    const status = signed.replace(STATUS.success, STATUS.requester);
    throwsCode(() => parseLogoutResponse(status, { ...responseChecks, keys }), 'SIGNATURE_DIGEST_MISMATCH');
    throwsCode(
      () =>
        parseLogoutResponse(
          signed.replace('<samlp:Status>', '<samlp:Stat>').replace('</samlp:Status>', '</samlp:Stat>'),
          responseChecks,
        ),
      'XML_SCHEMA_INVALID',
    );
  });
});

describe('Logout interop with @node-saml/node-saml', () => {
  async function nodeSaml() {
    const sp = await makeCredential('sp-signing');
    const idp = await makeCredential('idp-signing');
    const saml = new SAML({
      callbackUrl: 'http://localhost:5000/saml/acs/acme/',
      entryPoint: IDP_SLO,
      logoutUrl: IDP_SLO,
      issuer: SP,
      idpIssuer: IDP,
      idpCert: idp.certPem,
      privateKey: sp.keyPem,
      signatureAlgorithm: 'sha256',
      digestAlgorithm: 'sha256',
    });
    return { saml, sp, idp };
  }

  it('reads and verifies a LogoutRequest that node-saml sends by HTTP-Redirect', async () => {
    const { saml, sp } = await nodeSaml();
    const url = await saml.getLogoutUrlAsync(
      {
        issuer: IDP,
        nameID: 'B.Simon@contoso.com',
        nameIDFormat: NAMEID_FORMAT.emailAddress,
        sessionIndex: '_s1',
      },
      '/organizations/acme/',
      {},
    );
    const decoded = decodeRedirect(rawQuery(url));
    verifyRedirectSignature(decoded, { keys: [sp.credential.certificate.publicKey] });
    const request = parseLogoutRequest(decoded.xml, {
      clock: systemClock,
      expectedIssuer: SP,
      expectedDestination: IDP_SLO,
    });
    assert.equal(request.nameId.value, 'B.Simon@contoso.com');
    assert.deepEqual(request.sessionIndexes, ['_s1']);
  });

  it('reads a LogoutResponse that node-saml answers with', async () => {
    const { saml, sp } = await nodeSaml();
    const url = await saml.getLogoutResponseUrlAsync(
      { ID: REQUEST_ID, issuer: IDP, nameID: 'x', nameIDFormat: NAMEID_FORMAT.emailAddress },
      '',
      {},
      true,
    );
    const decoded = decodeRedirect(rawQuery(url));
    verifyRedirectSignature(decoded, { keys: [sp.credential.certificate.publicKey] });
    const response = parseLogoutResponse(decoded.xml, {
      clock: systemClock,
      expectedIssuer: SP,
      expectedInResponseTo: REQUEST_ID,
      expectedDestination: IDP_SLO,
    });
    assert.equal(response.status.code, STATUS.success);
  });

  it('has our signed HTTP-Redirect LogoutRequest accepted by node-saml, and a tampered one refused', async () => {
    const { saml, idp } = await nodeSaml();
    const url = encodeRedirect({
      location: SP_SLO,
      parameter: 'SAMLRequest',
      xml: logoutRequest({ issuer: IDP, destination: SP_SLO, issueInstant: new Date() }),
      relayState: '/organizations/acme/',
      sign: { privateKey: idp.credential.privateKey },
    });
    const query = rawQuery(url);
    const container = Object.fromEntries(new URLSearchParams(query));
    const result = await saml.validateRedirectAsync(container, query);
    assert.equal(result.loggedOut, true);
    assert.equal(result.profile?.nameID, 'B.Simon@contoso.com');

    const tampered = query.replace(
      'RelayState=%2Forganizations%2Facme%2F',
      'RelayState=%2Forganizations%2Facmf%2F',
    );
    await assert.rejects(
      saml.validateRedirectAsync(Object.fromEntries(new URLSearchParams(tampered)), tampered),
      /Invalid query signature/,
    );
  });

  it('has our signed HTTP-Redirect LogoutResponse accepted by node-saml', async () => {
    const { saml, idp } = await nodeSaml();
    const url = encodeRedirect({
      location: SP_SLO,
      parameter: 'SAMLResponse',
      xml: logoutResponse({ issueInstant: new Date() }),
      sign: { privateKey: idp.credential.privateKey },
    });
    const query = rawQuery(url);
    const result = await saml.validateRedirectAsync(Object.fromEntries(new URLSearchParams(query)), query);
    assert.equal(result.loggedOut, true);
  });

  it('has our POST LogoutRequest with an enveloped signature accepted by node-saml', async () => {
    const { saml, idp } = await nodeSaml();
    const xml = logoutRequest({
      issuer: IDP,
      destination: SP_SLO,
      issueInstant: new Date(),
      sign: { credential: idp.credential },
    });
    const result = await saml.validatePostRequestAsync({ SAMLRequest: Buffer.from(xml).toString('base64') });
    assert.equal(result.profile?.nameID, 'B.Simon@contoso.com');
    const tampered = xml.replace('B.Simon@contoso.com', 'admin@contoso.com');
    await assert.rejects(
      saml.validatePostRequestAsync({ SAMLRequest: Buffer.from(tampered).toString('base64') }),
    );
  });
});
