import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SAML } from '@node-saml/node-saml';
import * as samlify from 'samlify';
import { decodePost } from '../src/bindings/http-post.ts';
import {
  decodeRedirect,
  encodeRedirect,
  rawQuery,
  verifyRedirectSignature,
} from '../src/bindings/http-redirect.ts';
import { fixedClock, systemClock } from '../src/clock.ts';
import { SamlError, type SamlErrorCode } from '../src/errors.ts';
import { buildAuthnRequest, parseAuthnRequest } from '../src/protocol/authn-request.ts';
import { peekIssuer } from '../src/protocol/common.ts';
import { AUTHN_CONTEXT, BINDING, NAMEID_FORMAT } from '../src/xml/namespaces.ts';
import { makeCredential } from './support/credentials.ts';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const clock = fixedClock(NOW);
const SP = 'http://localhost:5000/saml/metadata/acme/';
const ACS = 'http://localhost:5000/saml/acs/acme/';
const SSO = 'http://127.0.0.1:4000/contoso.com/saml2';

function throwsCode(fn: () => unknown, code: SamlErrorCode): void {
  assert.throws(fn, (error: unknown) => error instanceof SamlError && error.code === code);
}

function request(overrides: Partial<Parameters<typeof buildAuthnRequest>[0]> = {}): string {
  return buildAuthnRequest({
    id: '_3f7b3dcf1d3e4f5a9b2c6d7e8f9a0b1c2d',
    issueInstant: NOW,
    issuer: SP,
    destination: SSO,
    assertionConsumerServiceUrl: ACS,
    protocolBinding: BINDING.post,
    ...overrides,
  });
}

describe('AuthnRequest', () => {
  it('round-trips every field it builds', () => {
    const xml = request({
      nameIdPolicy: { format: NAMEID_FORMAT.emailAddress, allowCreate: true },
      forceAuthn: true,
      isPassive: false,
      requestedAuthnContext: { comparison: 'minimum', classRefs: [AUTHN_CONTEXT.passwordProtectedTransport] },
      providerName: 'Federa Workspace',
    });
    const parsed = parseAuthnRequest(xml, { clock });
    assert.deepEqual(parsed, {
      id: '_3f7b3dcf1d3e4f5a9b2c6d7e8f9a0b1c2d',
      issueInstant: NOW,
      issuer: SP,
      destination: SSO,
      assertionConsumerServiceUrl: ACS,
      assertionConsumerServiceIndex: null,
      protocolBinding: BINDING.post,
      nameIdPolicy: { format: NAMEID_FORMAT.emailAddress, allowCreate: true, spNameQualifier: null },
      forceAuthn: true,
      isPassive: false,
      requestedAuthnContext: {
        comparison: 'minimum',
        classRefs: [AUTHN_CONTEXT.passwordProtectedTransport],
        declRefs: [],
      },
      providerName: 'Federa Workspace',
      signed: false,
    });
    assert.equal(peekIssuer(xml), SP);
  });

  it('reads an ACS index and applies the schema defaults', () => {
    const parsed = parseAuthnRequest(
      request({
        assertionConsumerServiceUrl: undefined,
        protocolBinding: undefined,
        assertionConsumerServiceIndex: 2,
      }),
      { clock },
    );
    assert.equal(parsed.assertionConsumerServiceIndex, 2);
    assert.equal(parsed.assertionConsumerServiceUrl, null);
    assert.equal(parsed.forceAuthn, false);
    assert.equal(parsed.isPassive, false);
    assert.equal(parsed.nameIdPolicy, null);
    assert.equal(parsed.requestedAuthnContext, null);
  });

  it('refuses to build or accept both an ACS URL and an ACS index', () => {
    throwsCode(() => request({ assertionConsumerServiceIndex: 1 }), 'REQUEST_INVALID');
    const xml = request().replace(
      'AssertionConsumerServiceURL=',
      'AssertionConsumerServiceIndex="1" AssertionConsumerServiceURL=',
    );
    throwsCode(() => parseAuthnRequest(xml, { clock }), 'REQUEST_INVALID');
  });

  it('verifies an enveloped signature (POST binding) and reports it', async () => {
    const sp = await makeCredential('sp-signing');
    const xml = request({ sign: { credential: sp.credential } });
    const parsed = parseAuthnRequest(xml, {
      clock,
      keys: [sp.credential.certificate.publicKey],
      requireSignature: true,
    });
    assert.equal(parsed.signed, true);
    // Without keys the signature is not checked, and the result says so.
    assert.equal(parseAuthnRequest(xml, { clock }).signed, false);
  });

  it('rejects a signed request whose ACS was changed after signing', async () => {
    const sp = await makeCredential('sp-signing');
    const xml = request({ sign: { credential: sp.credential } }).replace(ACS, 'https://evil.example/acs');
    throwsCode(
      () => parseAuthnRequest(xml, { clock, keys: [sp.credential.certificate.publicKey] }),
      'SIGNATURE_DIGEST_MISMATCH',
    );
  });

  it('rejects a request signed by another key', async () => {
    const sp = await makeCredential('sp-signing');
    const other = await makeCredential('other-signing');
    const xml = request({ sign: { credential: other.credential } });
    throwsCode(
      () => parseAuthnRequest(xml, { clock, keys: [sp.credential.certificate.publicKey] }),
      'SIGNATURE_INVALID',
    );
  });

  it('requires a signature when asked to', async () => {
    const sp = await makeCredential('sp-signing');
    const keys = [sp.credential.certificate.publicKey];
    throwsCode(
      () => parseAuthnRequest(request(), { clock, keys, requireSignature: true }),
      'SIGNATURE_MISSING',
    );
    throwsCode(
      () => parseAuthnRequest(request(), { clock, requireSignature: true }),
      'SIGNATURE_KEY_UNTRUSTED',
    );
  });

  it('refuses an RSA-SHA1 signature unless allowed', async () => {
    const sp = await makeCredential('sp-signing');
    const keys = [sp.credential.certificate.publicKey];
    const xml = request({ sign: { credential: sp.credential, algorithm: 'rsa-sha1' } });
    throwsCode(() => parseAuthnRequest(xml, { clock, keys }), 'SIGNATURE_ALGORITHM_FORBIDDEN');
    assert.equal(parseAuthnRequest(xml, { clock, keys, allowSha1: true }).signed, true);
  });

  it('rejects a request issued too long ago or in the future, with 3 minutes of skew', () => {
    const xml = request();
    const at = (seconds: number) => fixedClock(new Date(NOW.getTime() + seconds * 1000));
    parseAuthnRequest(xml, { clock: at(300 + 180) });
    throwsCode(() => parseAuthnRequest(xml, { clock: at(300 + 181) }), 'REQUEST_EXPIRED');
    throwsCode(
      () => parseAuthnRequest(xml, { clock: at(61), maxAgeSeconds: 60, clockSkewSeconds: 0 }),
      'REQUEST_EXPIRED',
    );
    parseAuthnRequest(xml, { clock: at(-180) });
    throwsCode(() => parseAuthnRequest(xml, { clock: at(-181) }), 'REQUEST_EXPIRED');
  });

  it('rejects a Destination other than this endpoint', () => {
    parseAuthnRequest(request(), { clock, expectedDestination: SSO });
    throwsCode(
      () => parseAuthnRequest(request(), { clock, expectedDestination: 'http://127.0.0.1:4000/other/saml2' }),
      'DESTINATION_MISMATCH',
    );
  });

  it('rejects another SAML version, another root and broken structure', () => {
    throwsCode(
      () => parseAuthnRequest(request().replace('Version="2.0"', 'Version="1.1"'), { clock }),
      'VERSION_UNSUPPORTED',
    );
    throwsCode(
      () => parseAuthnRequest(request().replace(' Version="2.0"', ''), { clock }),
      'REQUEST_INVALID',
    );
    throwsCode(
      () => parseAuthnRequest(request().replace(/<saml:Issuer[\s\S]*?<\/saml:Issuer>/, ''), { clock }),
      'REQUEST_INVALID',
    );
    throwsCode(
      () =>
        parseAuthnRequest(request().replace(/ IssueInstant="[^"]*"/, ' IssueInstant="yesterday"'), { clock }),
      'REQUEST_INVALID',
    );
    throwsCode(
      () =>
        parseAuthnRequest(request({ forceAuthn: true }).replace('ForceAuthn="true"', 'ForceAuthn="yes"'), {
          clock,
        }),
      'REQUEST_INVALID',
    );
    throwsCode(
      () =>
        parseAuthnRequest(
          request({ requestedAuthnContext: { classRefs: [AUTHN_CONTEXT.password] } }).replace(
            'Comparison="exact"',
            'Comparison="any"',
          ),
          { clock },
        ),
      'REQUEST_INVALID',
    );
    const notEntity = request().replace(
      '<saml:Issuer',
      `<saml:Issuer Format="${NAMEID_FORMAT.emailAddress}"`,
    );
    throwsCode(() => parseAuthnRequest(notEntity, { clock }), 'REQUEST_INVALID');
    const logout = request().replaceAll('samlp:AuthnRequest', 'samlp:LogoutRequest');
    throwsCode(() => parseAuthnRequest(logout, { clock }), 'XML_UNEXPECTED_ROOT');
    throwsCode(() => parseAuthnRequest('<!DOCTYPE x><x/>', { clock }), 'XML_DTD_FORBIDDEN');
  });

  it('travels by HTTP-Redirect signed with SHA-256, and an expired one is refused after the signature holds', async () => {
    const sp = await makeCredential('sp-signing');
    const url = encodeRedirect({
      location: SSO,
      parameter: 'SAMLRequest',
      xml: request(),
      relayState: '/organizations/acme/',
      sign: { privateKey: sp.credential.privateKey },
    });
    const decoded = decodeRedirect(rawQuery(url));
    verifyRedirectSignature(decoded, { keys: [sp.credential.certificate.publicKey] });
    assert.equal(
      parseAuthnRequest(decoded.xml, { clock, expectedDestination: SSO }).assertionConsumerServiceUrl,
      ACS,
    );
    const later = fixedClock(new Date(NOW.getTime() + 10 * 60 * 1000));
    throwsCode(() => parseAuthnRequest(decoded.xml, { clock: later }), 'REQUEST_EXPIRED');
  });
});

describe('AuthnRequest interop', () => {
  samlify.setSchemaValidator({ validate: () => Promise.resolve('ok') });

  it('reads a signed Redirect AuthnRequest made by @node-saml/node-saml', async () => {
    const sp = await makeCredential('sp-signing');
    const idp = await makeCredential('idp-signing');
    const saml = new SAML({
      callbackUrl: ACS,
      entryPoint: SSO,
      issuer: SP,
      idpCert: idp.certPem,
      privateKey: sp.keyPem,
      signatureAlgorithm: 'sha256',
    });
    const url = await saml.getAuthorizeUrlAsync('/organizations/acme/', undefined, {});
    const decoded = decodeRedirect(rawQuery(url));
    verifyRedirectSignature(decoded, { keys: [sp.credential.certificate.publicKey] });
    assert.equal(decoded.relayState, '/organizations/acme/');
    const parsed = parseAuthnRequest(decoded.xml, { clock: systemClock, expectedDestination: SSO });
    assert.equal(parsed.issuer, SP);
    assert.equal(parsed.assertionConsumerServiceUrl, ACS);
    assert.equal(parsed.protocolBinding, BINDING.post);
    assert.equal(parsed.nameIdPolicy?.format, NAMEID_FORMAT.emailAddress);
  });

  it('verifies the enveloped signature of a POST AuthnRequest made by @node-saml/node-saml', async () => {
    const sp = await makeCredential('sp-signing');
    const idp = await makeCredential('idp-signing');
    const options = {
      callbackUrl: ACS,
      entryPoint: SSO,
      issuer: SP,
      idpCert: idp.certPem,
      privateKey: sp.keyPem,
      signatureAlgorithm: 'sha256',
      digestAlgorithm: 'sha256',
      authnRequestBinding: 'HTTP-POST',
    } as const;
    const saml = new SAML(options);
    const form = await saml.getAuthorizeMessageAsync('', undefined, {});
    // node-saml deflates POST messages by default, which §3.5.4 does not allow: accepted only on request.
    throwsCode(() => decodePost(String(form.SAMLRequest)), 'INPUT_ENCODING_INVALID');
    const xml = decodePost(String(form.SAMLRequest), { allowDeflate: true });
    const keys = [sp.credential.certificate.publicKey];
    const parsed = parseAuthnRequest(xml, { clock: systemClock, keys, requireSignature: true });
    assert.equal(parsed.signed, true);
    assert.equal(parsed.issuer, SP);

    const uncompressed = new SAML({ ...options, skipRequestCompression: true });
    const plain = await uncompressed.getAuthorizeMessageAsync('', undefined, {});
    const plainXml = decodePost(String(plain.SAMLRequest));
    assert.equal(decodePost(String(plain.SAMLRequest), { allowDeflate: true }), plainXml);
    assert.equal(
      parseAuthnRequest(plainXml, { clock: systemClock, keys, requireSignature: true }).signed,
      true,
    );
  });

  it('reads a signed Redirect AuthnRequest made by samlify', async () => {
    const sp = await makeCredential('sp-signing');
    const idp = await makeCredential('idp-signing');
    const serviceProvider = samlify.ServiceProvider({
      entityID: SP,
      authnRequestsSigned: true,
      signingCert: sp.certPem,
      privateKey: sp.keyPem,
      assertionConsumerService: [{ Binding: BINDING.post, Location: ACS }],
    });
    const identityProvider = samlify.IdentityProvider({
      entityID: 'http://127.0.0.1:4000/tid/',
      wantAuthnRequestsSigned: true,
      signingCert: idp.certPem,
      singleSignOnService: [{ Binding: BINDING.redirect, Location: SSO }],
      singleLogoutService: [{ Binding: BINDING.redirect, Location: SSO }],
    });
    const { id, context } = serviceProvider.createLoginRequest(identityProvider, 'redirect') as {
      id: string;
      context: string;
    };
    const decoded = decodeRedirect(rawQuery(context));
    verifyRedirectSignature(decoded, { keys: [sp.credential.certificate.publicKey] });
    const parsed = parseAuthnRequest(decoded.xml, { clock: systemClock, expectedDestination: SSO });
    assert.equal(parsed.id, id);
    assert.equal(parsed.issuer, SP);
    assert.equal(parsed.assertionConsumerServiceUrl, ACS);
  });

  it('is accepted by a samlify IdP when signed by HTTP-Redirect, and refused once tampered', async () => {
    const sp = await makeCredential('sp-signing');
    const idp = await makeCredential('idp-signing');
    const serviceProvider = samlify.ServiceProvider({
      entityID: SP,
      authnRequestsSigned: true,
      signingCert: sp.certPem,
      assertionConsumerService: [{ Binding: BINDING.post, Location: ACS }],
    });
    const identityProvider = samlify.IdentityProvider({
      entityID: 'http://127.0.0.1:4000/tid/',
      wantAuthnRequestsSigned: true,
      signingCert: idp.certPem,
      privateKey: idp.keyPem,
      singleSignOnService: [{ Binding: BINDING.redirect, Location: SSO }],
      singleLogoutService: [{ Binding: BINDING.redirect, Location: SSO }],
    });
    const url = encodeRedirect({
      location: SSO,
      parameter: 'SAMLRequest',
      xml: request({ issueInstant: new Date() }),
      relayState: '/organizations/acme/',
      sign: { privateKey: sp.credential.privateKey },
    });
    // The octets as the spec defines them, cut from the URL independently of our decoder.
    const query = rawQuery(url);
    const octetString = query.slice(0, query.indexOf('&Signature='));
    const asExpressWouldParse = (q: string) => Object.fromEntries(new URLSearchParams(q));
    const result = await identityProvider.parseLoginRequest(serviceProvider, 'redirect', {
      query: asExpressWouldParse(query),
      octetString,
    });
    assert.equal(result.extract.issuer, SP);

    const tampered = query.replace(
      'RelayState=%2Forganizations%2Facme%2F',
      'RelayState=%2Forganizations%2Facmf%2F',
    );
    await assert.rejects(
      identityProvider.parseLoginRequest(serviceProvider, 'redirect', {
        query: asExpressWouldParse(tampered),
        octetString: tampered.slice(0, tampered.indexOf('&Signature=')),
      }),
      /ERR_FAILED_MESSAGE_SIGNATURE_VERIFICATION/,
    );
  });
});
