import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BINDING, parseMetadata, pickEndpoint } from '@federa/saml';
import { type CacheProvider, type Profile, SAML, type SamlConfig } from '@node-saml/node-saml';
import { updateBasicSaml } from '../../src/applications/sso-settings.service.ts';
import { Browser, samlPostOf } from '../support/browser.ts';
import { BASE_URL, DIALECTS, ManualClock, startIdp, TEST_ACTOR, type TestIdp } from '../support/harness.ts';
import { ACME, type Contoso, seedContoso, USER_PASSWORD } from '../support/seed.ts';

/**
 * @node-saml/node-saml (passport-saml's core) as a service provider of Federa Directory, configured
 * from our App Federation Metadata: it sends the AuthnRequest (HTTP-Redirect) and validates the
 * response, checking InResponseTo against its own request cache, on the real clock.
 */

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
      if (key === null) return null;
      const had = entries.delete(key);
      return had ? key : null;
    },
  };
}

async function nodeSamlFromMetadata(
  idp: TestIdp,
  contoso: Contoso,
  overrides: Partial<SamlConfig> = {},
): Promise<SAML> {
  const response = await idp.app.inject({
    url: `/${contoso.tenant.id}/federationmetadata/2007-06/federationmetadata.xml?appid=${contoso.app.appId}`,
  });
  const entity = parseMetadata(response.body, { role: 'idp' });
  return new SAML({
    entryPoint: pickEndpoint(entity.idp!.singleSignOnServices, BINDING.redirect)!.location,
    idpIssuer: entity.entityId,
    idpCert: entity.idp!.signingCertificates.map((c) => c.pem),
    issuer: ACME.entityId,
    audience: ACME.entityId,
    callbackUrl: ACME.acsUrl,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    ...overrides,
  });
}

function claims(profile: Profile): Record<string, string[]> {
  const attributes = (profile.attributes ?? {}) as Record<string, string | string[]>;
  return Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
}

for (const dialect of DIALECTS) {
  describe(`node-saml with Federa Directory on ${dialect}`, () => {
    test('SP-initiated: node-saml’s AuthnRequest, our sign-in page, and a response node-saml validates against its request cache', async (t) => {
      const idp = await startIdp(dialect, { clock: new ManualClock(new Date()) });
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const cache = mapCache();
      const saml = await nodeSamlFromMetadata(idp, contoso, {
        validateInResponseTo: 'always' as SamlConfig['validateInResponseTo'],
        cacheProvider: cache,
      });
      const url = await saml.getAuthorizeUrlAsync('/organizations/acme/', undefined, {});
      assert.ok(url.startsWith(`${BASE_URL}/${contoso.tenant.id}/saml2?`));
      const browser = new Browser(idp.app);
      const posted = await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(url.slice(BASE_URL.length))),
      );
      const form = samlPostOf(posted.body);
      assert.equal(form.relayState, '/organizations/acme/');
      const { profile } = await saml.validatePostResponseAsync({
        SAMLResponse: form.samlResponse,
        RelayState: form.relayState ?? '',
      });
      assert.ok(profile);
      assert.equal(profile.nameID, 'B.Simon@contoso.com');
      assert.equal(profile.issuer, `${BASE_URL}/${contoso.tenant.id}/`);
      assert.deepEqual(claims(profile)['http://schemas.microsoft.com/identity/claims/tenantid'], [
        contoso.tenant.id,
      ]);
      assert.equal(cache.entries.size, 0, 'the request ID was consumed');
    });

    test('IdP-initiated: node-saml accepts the unsolicited response My Apps posts', async (t) => {
      const idp = await startIdp(dialect, { clock: new ManualClock(new Date()) });
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await updateBasicSaml(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        identifiers: [{ identifier: ACME.entityId, isDefault: true }],
        replyUrls: [{ url: ACME.acsUrl, isDefault: true }],
      });
      const saml = await nodeSamlFromMetadata(idp, contoso);
      const browser = new Browser(idp.app);
      const launch = await browser.get(`/myapps/signin/${contoso.app.appId}?tenantId=${contoso.tenant.id}`);
      const form = samlPostOf(
        (await browser.signIn('B.Simon@contoso.com', USER_PASSWORD, await browser.follow(launch))).body,
      );
      const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: form.samlResponse });
      assert.equal(profile?.nameID, 'B.Simon@contoso.com');
    });

    test('node-saml configured with only the old certificate refuses a response after rollover (control: the key is pinned)', async (t) => {
      const idp = await startIdp(dialect, { clock: new ManualClock(new Date()) });
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const before = await nodeSamlFromMetadata(idp, contoso);
      const { createCertificate, activateCertificate } = await import(
        '../../src/certificates/certificates.service.ts'
      );
      const next = await createCertificate(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id);
      await activateCertificate(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, next.id);
      const after = await nodeSamlFromMetadata(idp, contoso);
      const browser = new Browser(idp.app);
      const url = await after.getAuthorizeUrlAsync('', undefined, {});
      const form = samlPostOf(
        (
          await browser.signIn(
            'B.Simon@contoso.com',
            USER_PASSWORD,
            await browser.follow(await browser.get(url.slice(BASE_URL.length))),
          )
        ).body,
      );
      await assert.rejects(
        before.validatePostResponseAsync({ SAMLResponse: form.samlResponse }),
        /signature/i,
      );
      const { profile } = await after.validatePostResponseAsync({ SAMLResponse: form.samlResponse });
      assert.equal(profile?.nameID, 'B.Simon@contoso.com');
    });
  });
}
