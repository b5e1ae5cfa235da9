import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { systemRandom } from '../../src/clock.ts';
import type { SigningMode } from '../../src/protocol/response-build.ts';
import { BINDING, NAMEID_FORMAT } from '../../src/xml/namespaces.ts';
import { claimsRecord, ENTRA_CLAIMS, IDP, idpCredential, issue, requireTool, SP, USER } from './support.ts';

/**
 * OneLogin's python3-saml (Debian python3-onelogin-saml2), the library behind Sentry's SAML SP, as
 * the SP for our IdP: strict mode (XML schema, Destination, Recipient, Audience, Issuer, time checks
 * on the real clock) with wantAssertionsSigned, configured as Sentry configures it for organization
 * `acme` of the local Workspace.
 */

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python3_saml_sp.py', import.meta.url));

interface PythonVerdict {
  ok: boolean;
  nameId: string | null;
  attributes: Record<string, string[]>;
  error: string | null;
  /** python3-saml's OneLogin_Saml2_ValidationError constant, e.g. WRONG_AUDIENCE. */
  code: string | null;
  missing?: string;
}

async function sentrySettings() {
  const { credential } = await idpCredential();
  return {
    strict: true,
    debug: false,
    sp: {
      entityId: SP.entityId,
      assertionConsumerService: { url: SP.acsUrl, binding: BINDING.post },
      singleLogoutService: { url: 'http://localhost:5000/saml/sls/acme/', binding: BINDING.redirect },
      NameIDFormat: NAMEID_FORMAT.unspecified,
      x509cert: '',
      privateKey: '',
    },
    idp: {
      entityId: IDP.entityId,
      singleSignOnService: { url: IDP.ssoUrl, binding: BINDING.redirect },
      singleLogoutService: { url: IDP.ssoUrl, binding: BINDING.redirect },
      x509cert: credential.certificate.base64,
    },
    security: {
      authnRequestsSigned: false,
      wantMessagesSigned: false,
      wantAssertionsSigned: true,
      wantAssertionsEncrypted: false,
      requestedAuthnContext: false,
    },
  };
}

async function python3Saml(samlResponse: string, requestId: string | null): Promise<PythonVerdict> {
  requireTool(PYTHON, 'python3');
  const input = JSON.stringify({ settings: await sentrySettings(), samlResponse, requestId });
  const run = spawnSync(PYTHON, [SCRIPT], { input, encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.error, undefined, `could not run ${PYTHON}: ${String(run.error)}`);
  const verdict = JSON.parse(run.stdout || '{}') as PythonVerdict;
  assert.equal(
    verdict.missing,
    undefined,
    `python3-saml is not importable by ${PYTHON}: install the Debian package python3-onelogin-saml2 (${verdict.error})`,
  );
  assert.equal(run.status, 0, `python3-saml script failed: ${run.stderr}`);
  return verdict;
}

describe("python3-saml (Sentry's SP library) accepts responses from our IdP", () => {
  const modes: ReadonlyArray<[SigningMode, string]> = [
    ['assertion', 'the assertion'],
    ['both', 'both the response and the assertion'],
  ];
  for (const [mode, what] of modes) {
    test(`accepts an SP-initiated response with ${what} signed and reads the NameID and every claim`, async () => {
      const requestId = systemRandom.id();
      const { base64 } = await issue({ mode, inResponseTo: requestId });
      const verdict = await python3Saml(base64, requestId);
      assert.equal(verdict.error, null);
      assert.equal(verdict.ok, true);
      assert.equal(verdict.nameId, USER);
      assert.deepEqual(verdict.attributes, claimsRecord(ENTRA_CLAIMS));
    });
  }

  test('accepts an unsolicited (IdP-initiated) response', async () => {
    const { base64 } = await issue({ mode: 'assertion', inResponseTo: null });
    const verdict = await python3Saml(base64, null);
    assert.equal(verdict.error, null);
    assert.equal(verdict.ok, true);
    assert.equal(verdict.nameId, USER);
  });

  test('refuses our response once a signed byte is changed', async () => {
    const requestId = systemRandom.id();
    const { xml } = await issue({ mode: 'assertion', inResponseTo: requestId });
    const tampered = xml.replace(`>${USER}<`, '>admin@contoso.com<');
    assert.notEqual(tampered, xml);
    const verdict = await python3Saml(Buffer.from(tampered).toString('base64'), requestId);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.code, 'INVALID_SIGNATURE');
  });

  test('refuses a response answering another request (control: InResponseTo is really checked)', async () => {
    const { base64 } = await issue({ mode: 'assertion', inResponseTo: systemRandom.id() });
    const verdict = await python3Saml(base64, systemRandom.id());
    assert.equal(verdict.ok, false);
    assert.equal(verdict.code, 'WRONG_INRESPONSETO');
  });

  test('refuses a response signed only at the Response level, since Sentry wants signed assertions', async () => {
    const requestId = systemRandom.id();
    const { base64 } = await issue({ mode: 'response', inResponseTo: requestId });
    const verdict = await python3Saml(base64, requestId);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.code, 'NO_SIGNED_ASSERTION');
  });

  test("refuses a response posted to another organization's ACS", async () => {
    const { base64 } = await issue({
      mode: 'assertion',
      inResponseTo: null,
      destination: 'http://localhost:5000/saml/acs/other/',
    });
    const verdict = await python3Saml(base64, null);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.code, 'WRONG_DESTINATION');
  });

  test("refuses a response whose audience is another organization's entity ID", async () => {
    const { base64 } = await issue({
      mode: 'assertion',
      inResponseTo: null,
      audience: 'http://localhost:5000/saml/metadata/other/',
    });
    const verdict = await python3Saml(base64, null);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.code, 'WRONG_AUDIENCE');
  });
});
