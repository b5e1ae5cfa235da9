import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as xmllint from '@authenio/samlify-node-xmllint';
import { BINDING, decodePost, rawQuery } from '@federa/saml';
import * as samlify from 'samlify';
import { DIALECTS } from '../../../test/support/databases.ts';
import { createdOrganization, sharedDatabaseUrl, signedUp, startApp, type TestApp } from './support/app.ts';
import { type Browser, location } from './support/browser.ts';
import { authnRequestFrom, TestIdp } from './support/idp.ts';
import { failureCode, providerOf, setOptions, ssoOrganization, startLogin } from './support/sso.ts';

// Issue 12, items 3 and 7: the SP metadata says what the Workspace does. WantAssertionsSigned is the
// organization's "Require signed assertions"; AuthnRequests are signed (and the signing certificate
// published) when the owner turns it on or the IdP's metadata says WantAuthnRequestsSigned="true".
// The signatures are checked by samlify and xmlsec1, which we did not write.

samlify.setSchemaValidator(xmllint);

/** Organization acme owned by owner@acme.test, configured (not yet active) from `xml` or by hand. */
async function configured(t: TestApp, form: Record<string, string>): Promise<Browser> {
  const owner = await signedUp(t, 'owner@acme.test');
  await createdOrganization(owner, 'acme');
  await owner.get('/settings/acme/auth/configure/active-directory/');
  const saved = await owner.post('/settings/acme/auth/configure/active-directory/', form);
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 1000));
  return owner;
}

/** samlify as the IdP, trusting the SP only as the Workspace's published metadata describes it. */
async function samlifyPeers(spMetadataXml: string, idp: TestIdp) {
  const sp = samlify.ServiceProvider({ metadata: spMetadataXml });
  const peer = samlify.IdentityProvider({
    entityID: idp.entityId,
    privateKey: idp.signer.keyPem,
    signingCert: idp.signer.certPem,
    wantAuthnRequestsSigned: true,
    wantLogoutRequestSigned: true,
    singleLogoutService: [{ Binding: BINDING.redirect, Location: idp.ssoUrl }],
    singleSignOnService: [
      { Binding: BINDING.redirect, Location: idp.ssoUrl },
      { Binding: BINDING.post, Location: idp.ssoUrl },
    ],
  });
  return { sp, peer };
}

/** What a Redirect-binding receiver gets: the parsed query and the signed octets as sent (§3.4.4.1). */
function redirectRequest(url: string) {
  const raw = rawQuery(url);
  const query = Object.fromEntries(new URLSearchParams(raw));
  const octetString = raw
    .split('&')
    .filter((p) => !p.startsWith('Signature='))
    .join('&');
  return { query, octetString };
}

function xmlsecVerifies(xml: string, certificatePem: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'federa-xmlsec-'));
  writeFileSync(join(dir, 'request.xml'), xml);
  writeFileSync(join(dir, 'sp.pem'), certificatePem);
  try {
    execFileSync(
      'xmlsec1',
      [
        '--verify',
        '--pubkey-cert-pem',
        join(dir, 'sp.pem'),
        '--id-attr:ID',
        'urn:oasis:names:tc:SAML:2.0:protocol:AuthnRequest',
        join(dir, 'request.xml'),
      ],
      { stdio: 'pipe' },
    );
    return true;
  } catch {
    return false;
  }
}

/** Presses “Continue with Active Directory” on acme's login page: the response that goes to the IdP. */
async function pressContinue(browser: Browser) {
  await browser.get('/auth/login/acme/');
  return browser.post('/auth/login/acme/');
}

const certificateOf = (metadata: string) => {
  const base64 = /<(?:ds:)?X509Certificate>([^<]+)</.exec(metadata)?.[1];
  assert.ok(base64, 'the SP metadata lists a certificate');
  return `-----BEGIN CERTIFICATE-----\n${base64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
};

for (const dialect of DIALECTS) {
  describe(`Signed assertions on ${dialect}`, () => {
    test('a new provider publishes WantAssertionsSigned="true" and refuses an unsigned assertion inside a signed response', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      assert.match((await owner.get('/saml/metadata/acme/')).body, /WantAssertionsSigned="true"/);

      const browser = t.browser();
      const request = await startLogin(browser, t, 'acme');
      const { SAMLResponse } = await idp.respond({
        slug: 'acme',
        inResponseTo: request.id,
        clock: t.clock,
        mode: 'response',
      });
      const page = await browser.crossSitePost('/saml/acs/acme/', {
        SAMLResponse,
        RelayState: request.relayState ?? '',
      });
      assert.equal(page.statusCode, 400);
      assert.equal(failureCode(page), 'SIGNATURE_MISSING');
      // The sign-in log tells the admin both ways out.
      assert.match(
        (await owner.get('/settings/acme/auth/attempts/')).body,
        /turn off “Require signed assertions”/,
      );
    });

    test('with “Require signed assertions” off, the metadata says false and a response-only signature is accepted', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      await setOptions(owner, 'acme', { wantAssertionsSigned: false });
      assert.equal((await providerOf(t, 'acme'))!.wantAssertionsSigned, false);
      assert.match((await owner.get('/saml/metadata/acme/')).body, /WantAssertionsSigned="false"/);

      const browser = t.browser();
      const request = await startLogin(browser, t, 'acme');
      const { SAMLResponse } = await idp.respond({
        slug: 'acme',
        inResponseTo: request.id,
        clock: t.clock,
        mode: 'response',
      });
      const page = await browser.crossSitePost('/saml/acs/acme/', {
        SAMLResponse,
        RelayState: request.relayState ?? '',
      });
      assert.equal(page.statusCode, 303, page.body.slice(0, 1000));
      assert.equal(location(page), '/organizations/acme/');
    });
  });

  describe(`Signed AuthnRequests on ${dialect}`, () => {
    test('unsigned unless asked: AuthnRequestsSigned="false", no certificate, no Signature on the redirect', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      const metadata = (await owner.get('/saml/metadata/acme/')).body;
      assert.match(metadata, /AuthnRequestsSigned="false"/);
      assert.doesNotMatch(metadata, /KeyDescriptor/);
      const started = await pressContinue(t.browser());
      assert.equal(started.statusCode, 303);
      assert.doesNotMatch(location(started), /[?&](SigAlg|Signature)=/);
      assert.equal(await t.ctx.db.selectFrom('sp_signing_keys').selectAll().executeTakeFirst(), undefined);
    });

    test('an IdP whose metadata wants signed requests gets them, over the raw query, verified by samlify from the SP metadata', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await configured(t, {
        method: 'xml',
        metadataXml: idp.metadata({ wantAuthnRequestsSigned: true }),
      });
      assert.equal((await providerOf(t, 'acme'))!.idpWantsRequestsSigned, true);
      const settings = (await owner.get('/settings/acme/auth/')).body;
      assert.match(settings, /Your identity provider requires signed requests/);

      const metadata = (await owner.get('/saml/metadata/acme/')).body;
      assert.match(metadata, /AuthnRequestsSigned="true"/);
      assert.match(metadata, /<(md:)?KeyDescriptor use="signing">/);

      const started = await owner.post('/settings/acme/auth/test/');
      assert.equal(started.statusCode, 303);
      const url = location(started);
      assert.match(
        url,
        /&SigAlg=http%3A%2F%2Fwww\.w3\.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature=/,
      );

      const { sp, peer } = await samlifyPeers(metadata, idp);
      const parsed = await peer.parseLoginRequest(sp, 'redirect', redirectRequest(url));
      assert.equal(parsed.extract.request?.id, authnRequestFrom(url, t.clock).id);
      // The signature covers RelayState too: samlify refuses the same query with another one.
      const forged = redirectRequest(url);
      forged.octetString = forged.octetString.replace(/RelayState=[^&]*/, 'RelayState=%2Fsomewhere-else');
      await assert.rejects(peer.parseLoginRequest(sp, 'redirect', forged));

      // And the sign-in it starts finishes.
      const request = authnRequestFrom(url, t.clock);
      const { SAMLResponse } = await idp.respond({ slug: 'acme', inResponseTo: request.id, clock: t.clock });
      const done = await owner.crossSitePost('/saml/acs/acme/', {
        SAMLResponse,
        RelayState: request.relayState ?? '',
      });
      assert.equal(done.statusCode, 303, done.body.slice(0, 1000));
    });

    test('the owner turns signing on for an IdP that takes HTTP-POST: the AuthnRequest carries an enveloped signature xmlsec1 verifies', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await configured(t, {
        method: 'manual',
        entityId: idp.entityId,
        ssoUrl: idp.ssoUrl,
        ssoBinding: 'post',
        sloUrl: '',
        certificates: idp.signer.certPem,
      });
      assert.match((await owner.get('/settings/acme/auth/')).body, /name="signRequests"/);
      await setOptions(owner, 'acme', { signRequests: true });
      assert.equal((await providerOf(t, 'acme'))!.signRequests, true);
      const metadata = (await owner.get('/saml/metadata/acme/')).body;
      assert.match(metadata, /AuthnRequestsSigned="true"/);

      await owner.get('/settings/acme/auth/');
      const form = await owner.post('/settings/acme/auth/test/');
      assert.equal(form.statusCode, 200, form.body.slice(0, 500));
      const value = /name="SAMLRequest" value="([^"]+)"/.exec(form.body)?.[1];
      assert.ok(value);
      const xml = decodePost(value);
      assert.match(xml, /<ds:Signature/);
      assert.ok(xmlsecVerifies(xml, certificateOf(metadata)), 'xmlsec1 verifies the AuthnRequest');
      assert.ok(!xmlsecVerifies(xml, idp.signer.certPem), 'and not with another key');
      const { sp, peer } = await samlifyPeers(metadata, idp);
      const parsed = await peer.parseLoginRequest(sp, 'post', { body: { SAMLRequest: value } });
      assert.ok(parsed.extract.request?.id);
    });

    test('signs the LogoutRequest of single logout as it signs AuthnRequests, verified by samlify', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      await setOptions(owner, 'acme', { singleLogout: true, signRequests: true });
      const metadata = (await owner.get('/saml/metadata/acme/')).body;
      const bsimon = t.browser();
      const request = await startLogin(bsimon, t, 'acme');
      const { SAMLResponse } = await idp.respond({ slug: 'acme', inResponseTo: request.id, clock: t.clock });
      await bsimon.crossSitePost('/saml/acs/acme/', { SAMLResponse, RelayState: request.relayState ?? '' });
      await bsimon.get('/organizations/acme/');
      const out = await bsimon.post('/auth/logout/');
      const url =
        /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(out.body)?.[1]?.replaceAll('&#38;', '&') ??
        '';
      assert.ok(url.startsWith(`${idp.ssoUrl}?SAMLRequest=`), url);
      assert.match(url, /&SigAlg=[^&]+&Signature=/);
      const { sp, peer } = await samlifyPeers(metadata, idp);
      const parsed = await peer.parseLogoutRequest(sp, 'redirect', redirectRequest(url));
      assert.ok(parsed.extract.request?.id);
      const forged = redirectRequest(url);
      forged.octetString = forged.octetString.replace('SAMLRequest=', 'SAMLRequest=x');
      await assert.rejects(peer.parseLogoutRequest(sp, 'redirect', forged));
    });

    test('keeps the private key sealed under SP_SECRET_KEY: no key in the clear, and another secret key cannot open it', async (c) => {
      const t = await startApp(dialect, { url: await sharedDatabaseUrl(dialect) });
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      await setOptions(owner, 'acme', { signRequests: true });
      assert.match(location(await pressContinue(t.browser())), /&Signature=/);
      const row = await t.ctx.db.selectFrom('sp_signing_keys').selectAll().executeTakeFirstOrThrow();
      assert.match(row.private_key_sealed, /^v1\./);
      assert.doesNotMatch(row.private_key_sealed, /PRIVATE KEY/);

      const other = await startApp(dialect, { url: t.url, config: { secretKey: Buffer.alloc(32, 9) } });
      c.after(() => other.close());
      const refused = await pressContinue(other.browser());
      assert.equal(refused.statusCode, 500);
      assert.doesNotMatch(refused.body, /PRIVATE KEY|v1\./);
    });
  });
}
