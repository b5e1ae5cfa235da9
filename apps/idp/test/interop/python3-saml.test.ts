import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BINDING, NAMEID_FORMAT } from '@federa/saml';
import { updateBasicSaml } from '../../src/applications/sso-settings.service.ts';
import { Browser, samlPostOf } from '../support/browser.ts';
import { BASE_URL, DIALECTS, ManualClock, startIdp, TEST_ACTOR, type TestIdp } from '../support/harness.ts';
import { ACME, type Contoso, seedContoso, USER_PASSWORD } from '../support/seed.ts';
import { ENTRA_CLAIM_ORDER } from '../support/sp.ts';

/**
 * OneLogin's python3-saml (Debian python3-onelogin-saml2), the library behind Sentry's SAML SP, in
 * front of Federa Directory: configured from our App Federation Metadata URL with Sentry's settings
 * (strict; SP entity ID …/saml/metadata/acme/; wantAssertionsSigned), it starts the sign-in itself
 * and validates what our IdP answers, on the real clock.
 */

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python3_saml_sp.py', import.meta.url));

const SENTRY_SP = {
  entityId: ACME.entityId,
  assertionConsumerService: { url: ACME.acsUrl, binding: BINDING.post },
  singleLogoutService: { url: 'http://localhost:5000/saml/sls/acme/', binding: BINDING.redirect },
  NameIDFormat: NAMEID_FORMAT.unspecified,
  x509cert: '',
  privateKey: '',
};

const SENTRY_SECURITY = {
  authnRequestsSigned: false,
  logoutRequestSigned: false,
  logoutResponseSigned: false,
  wantMessagesSigned: false,
  wantAssertionsSigned: true,
  wantAssertionsEncrypted: false,
  requestedAuthnContext: false,
};

function python(input: Record<string, unknown>): Record<string, unknown> {
  assert.ok(
    existsSync(PYTHON),
    `${PYTHON} is missing: install the Debian package python3 (and python3-onelogin-saml2)`,
  );
  const run = spawnSync(PYTHON, [SCRIPT], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(run.error, undefined, `could not run ${PYTHON}: ${String(run.error)}`);
  const output = JSON.parse(run.stdout || '{}') as Record<string, unknown>;
  assert.equal(
    output.missing,
    undefined,
    `python3-saml is not importable by ${PYTHON}: apt-get install python3-onelogin-saml2 (${String(output.error)})`,
  );
  assert.equal(run.status, 0, `python3-saml script failed: ${run.stderr}`);
  return output;
}

/** The metadata exactly as the SP fetches it from the App Federation Metadata URL. */
async function appFederationMetadata(idp: TestIdp, contoso: Contoso): Promise<string> {
  const response = await idp.app.inject({
    url: `/${contoso.tenant.id}/federationmetadata/2007-06/federationmetadata.xml?appid=${contoso.app.appId}`,
  });
  assert.equal(response.statusCode, 200);
  return response.body;
}

/** A path on our IdP from an absolute URL python3-saml produced. */
function onIdp(url: string): string {
  assert.ok(url.startsWith(`${BASE_URL}/`), `python3-saml sends the browser to our IdP: ${url}`);
  return url.slice(BASE_URL.length);
}

for (const dialect of DIALECTS) {
  describe(`python3-saml (Sentry's SP library) with Federa Directory on ${dialect}`, () => {
    test('an assigned user signs in SP-initiated: python3-saml builds the request, validates our response and reads the Entra claims', async (t) => {
      const idp = await startIdp(dialect, { clock: new ManualClock(new Date()) });
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const metadata = await appFederationMetadata(idp, contoso);
      const started = python({
        command: 'login',
        metadata,
        sp: SENTRY_SP,
        security: SENTRY_SECURITY,
        relayState: 'http://localhost:5000/organizations/acme/',
      });
      assert.match(String(started.url), new RegExp(`^${BASE_URL}/${contoso.tenant.id}/saml2\\?SAMLRequest=`));
      const browser = new Browser(idp.app);
      const posted = await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(onIdp(String(started.url)))),
      );
      const form = samlPostOf(posted.body);
      assert.equal(form.action, ACME.acsUrl);
      assert.equal(form.relayState, 'http://localhost:5000/organizations/acme/');
      const verdict = python({
        command: 'acs',
        metadata,
        sp: SENTRY_SP,
        security: SENTRY_SECURITY,
        samlResponse: form.samlResponse,
        requestId: started.requestId,
      });
      assert.equal(verdict.error, null);
      assert.equal(verdict.ok, true);
      assert.equal(verdict.nameId, 'B.Simon@contoso.com');
      assert.equal(verdict.nameIdFormat, NAMEID_FORMAT.emailAddress);
      const attributes = verdict.attributes as Record<string, string[]>;
      assert.deepEqual(Object.keys(attributes).sort(), [...ENTRA_CLAIM_ORDER].sort());
      assert.deepEqual(attributes['http://schemas.microsoft.com/identity/claims/objectidentifier'], [
        contoso.simon.id,
      ]);
      assert.deepEqual(attributes['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'], [
        'B.Simon@contoso.com',
      ]);
      // How she signed in reaches it as Entra sends it (a password; MFA adds multipleauthn).
      assert.deepEqual(attributes['http://schemas.microsoft.com/claims/authnmethodsreferences'], [
        'http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password',
      ]);
    });

    test('with python3-saml’s default RequestedAuthnContext (PasswordProtectedTransport) the sign-in succeeds too', async (t) => {
      const idp = await startIdp(dialect, { clock: new ManualClock(new Date()) });
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const metadata = await appFederationMetadata(idp, contoso);
      const security = { ...SENTRY_SECURITY, requestedAuthnContext: true };
      const started = python({ command: 'login', metadata, sp: SENTRY_SP, security });
      const browser = new Browser(idp.app);
      const posted = await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(onIdp(String(started.url)))),
      );
      const verdict = python({
        command: 'acs',
        metadata,
        sp: SENTRY_SP,
        security,
        samlResponse: samlPostOf(posted.body).samlResponse,
        requestId: started.requestId,
      });
      assert.equal(verdict.error, null);
      assert.equal(verdict.ok, true);
    });

    test('an assigned user signs in IdP-initiated from My Apps and python3-saml accepts the unsolicited response', async (t) => {
      const idp = await startIdp(dialect, { clock: new ManualClock(new Date()) });
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await updateBasicSaml(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        identifiers: [{ identifier: ACME.entityId, isDefault: true }],
        replyUrls: [{ url: ACME.acsUrl, isDefault: true }],
        relayState: 'http://localhost:5000/organizations/acme/',
      });
      const metadata = await appFederationMetadata(idp, contoso);
      const browser = new Browser(idp.app);
      await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get('/myapps')),
      );
      const tile = /href="http:\/\/127\.0\.0\.1:4000(\/myapps\/signin\/[^"]+)"/.exec(
        (await browser.get('/myapps')).body,
      )?.[1];
      assert.ok(tile, 'a Sentry tile');
      const form = samlPostOf((await browser.get(tile.replace(/&amp;/g, '&'))).body);
      assert.equal(form.relayState, 'http://localhost:5000/organizations/acme/');
      const verdict = python({
        command: 'acs',
        metadata,
        sp: SENTRY_SP,
        security: SENTRY_SECURITY,
        samlResponse: form.samlResponse,
        requestId: null,
      });
      assert.equal(verdict.error, null);
      assert.equal(verdict.ok, true);
      assert.equal(verdict.nameId, 'B.Simon@contoso.com');
    });

    test('an unassigned user gets AADSTS50105 and no response reaches the SP', async (t) => {
      const idp = await startIdp(dialect, { clock: new ManualClock(new Date()) });
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const metadata = await appFederationMetadata(idp, contoso);
      const started = python({ command: 'login', metadata, sp: SENTRY_SP, security: SENTRY_SECURITY });
      const browser = new Browser(idp.app);
      const page = await browser.signIn(
        'E.Other@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(onIdp(String(started.url)))),
      );
      assert.equal(page.statusCode, 403);
      assert.match(page.body, /AADSTS50105/);
      assert.doesNotMatch(page.body, /SAMLResponse/);
    });

    test('control: python3-saml refuses our response once a signed byte changes, and a response for another request', async (t) => {
      const idp = await startIdp(dialect, { clock: new ManualClock(new Date()) });
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const metadata = await appFederationMetadata(idp, contoso);
      const started = python({ command: 'login', metadata, sp: SENTRY_SP, security: SENTRY_SECURITY });
      const browser = new Browser(idp.app);
      const form = samlPostOf(
        (
          await browser.signIn(
            'B.Simon@contoso.com',
            USER_PASSWORD,
            await browser.follow(await browser.get(onIdp(String(started.url)))),
          )
        ).body,
      );
      const tampered = Buffer.from(form.xml.replace('>B.Simon@contoso.com<', '>admin@contoso.com<')).toString(
        'base64',
      );
      const forged = python({
        command: 'acs',
        metadata,
        sp: SENTRY_SP,
        security: SENTRY_SECURITY,
        samlResponse: tampered,
        requestId: started.requestId,
      });
      assert.equal(forged.ok, false);
      assert.match(String(forged.error), /Signature validation failed/);
      const other = python({
        command: 'acs',
        metadata,
        sp: SENTRY_SP,
        security: SENTRY_SECURITY,
        samlResponse: form.samlResponse,
        requestId: '_another-request',
      });
      assert.equal(other.ok, false);
      assert.match(String(other.error), /InResponseTo|invalid_response/i);
    });
  });
}
