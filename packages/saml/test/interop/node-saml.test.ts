import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CacheProvider, type Profile, SAML, type SamlConfig } from '@node-saml/node-saml';
import { decodeRedirect, rawQuery } from '../../src/bindings/http-redirect.ts';
import { systemClock } from '../../src/clock.ts';
import { SamlError } from '../../src/errors.ts';
import { parseAuthnRequest } from '../../src/protocol/authn-request.ts';
import type { SigningMode } from '../../src/protocol/response-build.ts';
import { BINDING } from '../../src/xml/namespaces.ts';
import { makeCredential } from '../support/credentials.ts';
import { claimsRecord, ENTRA_CLAIMS, IDP, idpCredential, issue, SP, USER } from './support.ts';

/**
 * @node-saml/node-saml (passport-saml's core) as the service provider for our IdP: what `issueResponse`
 * writes must be accepted by a widely used SP we did not write, and its AuthnRequests must be
 * readable by our IdP.
 */

/** node-saml's cache provider interface over a Map: the request IDs it has sent and awaits. */
function mapCache(): CacheProvider & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    saveAsync: async (key, value) => {
      entries.set(key, value);
      return { createdAt: Date.now(), value };
    },
    getAsync: async (key) => entries.get(key) ?? null,
    removeAsync: async (key) => {
      if (key === null || !entries.has(key)) return null;
      entries.delete(key);
      return key;
    },
  };
}

async function nodeSaml(overrides: Partial<SamlConfig> = {}): Promise<SAML> {
  const { certPem } = await idpCredential();
  return new SAML({
    idpCert: certPem,
    idpIssuer: IDP.entityId,
    issuer: SP.entityId,
    callbackUrl: SP.acsUrl,
    audience: SP.entityId,
    entryPoint: IDP.ssoUrl,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    validateInResponseTo: 'never' as SamlConfig['validateInResponseTo'],
    ...overrides,
  });
}

/** An AuthnRequest node-saml signs for the HTTP-POST binding (enveloped signature), as XML text. */
async function signedPostRequest(privateKey: string, algorithm: 'sha1' | 'sha256'): Promise<string> {
  // node-saml's defaults are SHA-1 for both; `algorithm` sets both.
  const saml = await nodeSaml({
    privateKey,
    signatureAlgorithm: algorithm,
    digestAlgorithm: algorithm,
    authnRequestBinding: 'HTTP-POST',
    skipRequestCompression: true,
  });
  const message = await saml.getAuthorizeMessageAsync('relay', undefined, {});
  return Buffer.from(String(message.SAMLRequest), 'base64').toString('utf8');
}

/** node-saml gives one value as a string and several as an array; compare as arrays. */
function profileClaims(profile: Profile): Record<string, string[]> {
  const attributes = (profile.attributes ?? {}) as Record<string, string | string[]>;
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, Array.isArray(value) ? value : [value]]),
  );
}

describe('node-saml as SP accepts responses from our IdP', () => {
  const modes: ReadonlyArray<[SigningMode, string, Partial<SamlConfig>]> = [
    ['assertion', 'the assertion', {}],
    ['response', 'the response', { wantAssertionsSigned: false, wantAuthnResponseSigned: true }],
    ['both', 'both the response and the assertion', { wantAuthnResponseSigned: true }],
  ];
  for (const [mode, what, config] of modes) {
    test(`accepts an unsolicited response with ${what} signed and reads the NameID and every Entra claim`, async () => {
      const saml = await nodeSaml(config);
      const { base64 } = await issue({ mode, inResponseTo: null });
      const { profile, loggedOut } = await saml.validatePostResponseAsync({ SAMLResponse: base64 });
      assert.equal(loggedOut, false);
      assert.ok(profile);
      assert.equal(profile.issuer, IDP.entityId);
      assert.equal(profile.nameID, USER);
      assert.equal(profile.nameIDFormat, 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
      assert.deepEqual(profileClaims(profile), claimsRecord(ENTRA_CLAIMS));
    });
  }

  test('accepts a response to the AuthnRequest it sent, checked against its request-ID cache', async () => {
    const cache = mapCache();
    const saml = await nodeSaml({
      validateInResponseTo: 'always' as SamlConfig['validateInResponseTo'],
      cacheProvider: cache,
    });
    const url = await saml.getAuthorizeUrlAsync('/organizations/acme/', undefined, {});
    const request = parseAuthnRequest(decodeRedirect(rawQuery(url)).xml, { clock: systemClock });
    assert.ok(cache.entries.has(request.id), 'node-saml did not record its request ID');

    const { base64 } = await issue({ mode: 'assertion', inResponseTo: request.id });
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: base64 });
    assert.equal(profile?.nameID, USER);
    assert.equal(profile?.inResponseTo, request.id);
    assert.equal(cache.entries.has(request.id), false, 'node-saml should consume the request ID');
  });

  test('refuses a response to a request it never sent (control: InResponseTo is really checked)', async () => {
    const saml = await nodeSaml({
      validateInResponseTo: 'always' as SamlConfig['validateInResponseTo'],
      cacheProvider: mapCache(),
    });
    const { base64 } = await issue({ mode: 'assertion', inResponseTo: '_never-sent' });
    await assert.rejects(saml.validatePostResponseAsync({ SAMLResponse: base64 }));
  });

  test('refuses our response once a signed byte is changed (control: the signature is really checked)', async () => {
    const saml = await nodeSaml();
    const { xml } = await issue({ mode: 'assertion', inResponseTo: null });
    const tampered = xml.replace(`>${USER}<`, '>admin@contoso.com<');
    assert.notEqual(tampered, xml);
    await assert.rejects(
      saml.validatePostResponseAsync({ SAMLResponse: Buffer.from(tampered).toString('base64') }),
    );
  });

  test('refuses our response when it pins another IdP certificate', async () => {
    const other = await makeCredential('node-saml other IdP');
    const saml = await nodeSaml({ idpCert: other.certPem });
    const { base64 } = await issue({ mode: 'both', inResponseTo: null });
    await assert.rejects(saml.validatePostResponseAsync({ SAMLResponse: base64 }));
  });
});

describe('our IdP reads the AuthnRequests node-saml sends', () => {
  test('parses a Redirect-binding AuthnRequest from node-saml: ID, issuer, ACS, binding, NameID policy', async () => {
    const saml = await nodeSaml({
      identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    });
    const url = await saml.getAuthorizeUrlAsync('relay', undefined, {});
    assert.ok(url.startsWith(`${IDP.ssoUrl}?`));
    const decoded = decodeRedirect(rawQuery(url));
    assert.equal(decoded.relayState, 'relay');
    const request = parseAuthnRequest(decoded.xml, { clock: systemClock, expectedDestination: IDP.ssoUrl });
    assert.match(request.id, /^_/);
    assert.equal(request.issuer, SP.entityId);
    assert.equal(request.destination, IDP.ssoUrl);
    assert.equal(request.assertionConsumerServiceUrl, SP.acsUrl);
    assert.equal(request.protocolBinding, BINDING.post);
    assert.equal(request.nameIdPolicy?.format, 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    assert.equal(request.nameIdPolicy?.allowCreate, true);
    assert.deepEqual(request.requestedAuthnContext?.classRefs, [
      'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
    ]);
    assert.equal(request.signed, false);
  });

  test('verifies the enveloped signature of a POST-binding AuthnRequest signed by node-saml', async () => {
    const sp = await makeCredential('node-saml SP signing');
    const xml = await signedPostRequest(sp.keyPem, 'sha256');
    const request = parseAuthnRequest(xml, {
      clock: systemClock,
      keys: [sp.credential.certificate.publicKey],
      requireSignature: true,
    });
    assert.equal(request.signed, true);
    assert.equal(request.issuer, SP.entityId);
  });

  test("refuses node-saml's default SHA-1 request signature unless SHA-1 is allowed for the SP", async () => {
    const sp = await makeCredential('node-saml SP signing');
    const xml = await signedPostRequest(sp.keyPem, 'sha1');
    const keys = [sp.credential.certificate.publicKey];
    assert.throws(
      () => parseAuthnRequest(xml, { clock: systemClock, keys, requireSignature: true }),
      (error: unknown) => error instanceof SamlError && error.code === 'SIGNATURE_ALGORITHM_FORBIDDEN',
    );
    const request = parseAuthnRequest(xml, {
      clock: systemClock,
      keys,
      requireSignature: true,
      allowSha1: true,
    });
    assert.equal(request.signed, true);
  });
});
