import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeRedirect } from '../src/bindings/http-redirect.ts';
import { fixedClock, systemRandom } from '../src/clock.ts';
import { parseCertificate, parsePrivateKey } from '../src/keys.ts';
import { buildIdpMetadata } from '../src/metadata/build.ts';
import { buildAuthnRequest } from '../src/protocol/authn-request.ts';
import { type IssueResponseOptions, issueResponse } from '../src/protocol/response-build.ts';
import { AUTHN_CONTEXT, BINDING, NAMEID_FORMAT } from '../src/xml/namespaces.ts';
import { makeCredential } from './support/credentials.ts';

/**
 * The federa-saml command, run as a user runs it: a child process started through the bin link that
 * npm made in node_modules/.bin (and once through `npx federa-saml`), from the repository root.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'node_modules/.bin/federa-saml');
/** The shared fixtures live beside the repository. */
const ENTRA = join(ROOT, '..', 'shared', 'fixtures', 'entra');
const ENTRA_RESPONSE = join(ENTRA, 'azure-ad-saml-response.badgr-server.xml');
const ENTRA_METADATA = join(ENTRA, 'azure-ad-app-federation-metadata.aduneoclientfedid.xml');

const NOW = '2025-06-02T10:00:00.000Z';
const IDP_ENTITY_ID = 'http://127.0.0.1:4000/8f1b8d3e-0000-4000-8000-000000000001/';
const SP_ENTITY_ID = 'http://localhost:5000/saml/metadata/acme/';
const ACS_URL = 'http://localhost:5000/saml/acs/acme/';
const SSO_URL = 'http://127.0.0.1:4000/contoso.com/saml2';
const EMAIL_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';

const work = mkdtempSync(join(tmpdir(), 'federa-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command with `args` (and `stdin`), asynchronously so that a server in this process can answer it. */
function run(args: readonly string[], options: { stdin?: string; npx?: boolean } = {}): Promise<Run> {
  const [file, argv] = options.npx ? ['npx', ['--no-install', 'federa-saml', ...args]] : [BIN, [...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

function write(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

/** The refusal JSON of a verify command; the exit status must be 1. */
function refusal(result: Run): { ok: false; code: string; message: string } {
  assert.equal(result.status, 1, `expected exit 1, got ${result.status}: ${result.stdout}${result.stderr}`);
  const json = JSON.parse(result.stdout);
  assert.equal(json.ok, false);
  assert.equal(typeof json.message, 'string');
  return json;
}

/** The code a command printed on stderr as `federa-saml <command>: <CODE>: <message>`. */
function stderrCode(result: Run): string | undefined {
  return /^federa-saml [a-z-]+: ([A-Z_0-9]+):/m.exec(result.stderr)?.[1];
}

async function idpCredential() {
  return (await makeCredential('cli-idp')).credential;
}

async function issue(overrides: Partial<IssueResponseOptions> = {}) {
  return issueResponse({
    issuer: IDP_ENTITY_ID,
    destination: ACS_URL,
    audience: SP_ENTITY_ID,
    inResponseTo: null,
    nameId: { value: 'B.Simon@contoso.com', format: NAMEID_FORMAT.emailAddress },
    attributes: [{ name: EMAIL_CLAIM, values: ['B.Simon@contoso.com'] }],
    authnInstant: new Date(NOW),
    authnContextClassRef: AUTHN_CONTEXT.password,
    signing: { credential: await idpCredential() },
    clock: fixedClock(NOW),
    random: systemRandom,
    ...overrides,
  });
}

let metadataFile = '';
let metadataXml = '';

before(async () => {
  const credential = await idpCredential();
  metadataXml = buildIdpMetadata({
    entityId: IDP_ENTITY_ID,
    id: '_cli-idp-metadata',
    signingCertificates: [credential.certificate],
    ssoUrl: SSO_URL,
    sloUrl: SSO_URL,
    nameIdFormats: [NAMEID_FORMAT.emailAddress],
    sign: { credential },
  });
  metadataFile = write('idp-metadata.xml', metadataXml);
});

const verifyFlags = () => [
  '--idp-metadata',
  metadataFile,
  '--sp-entity-id',
  SP_ENTITY_ID,
  '--acs-url',
  ACS_URL,
  '--now',
  NOW,
];

describe('federa-saml keygen', () => {
  test('prints an RSA-2048 private key and a self-signed certificate for it, valid 3 years', async () => {
    const result = await run(['keygen', '--cn', 'Federa CLI test']);
    assert.equal(result.status, 0, result.stderr);
    const key = parsePrivateKey(
      /-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----\n/.exec(result.stdout)![0],
    );
    const certificate = parseCertificate(
      /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/.exec(result.stdout)![0],
    );
    assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(certificate.subject, 'CN=Federa CLI test');
    // The certificate is for this key.
    assert.deepEqual(
      createPublicKey(key).export({ format: 'der', type: 'spki' }),
      certificate.publicKey.export({ format: 'der', type: 'spki' }),
    );
    const years = (certificate.notAfter.getTime() - certificate.notBefore.getTime()) / (365.25 * 86400_000);
    assert.ok(Math.abs(years - 3) < 0.01, `valid ${years} years`);
  });

  test('writes <prefix>.key.pem with mode 0600 and <prefix>.crt.pem, and never overwrites them', async () => {
    const prefix = join(work, 'sp-signing');
    const first = await run(['keygen', '--cn', 'Workspace signing', '--years', '1', '--out', prefix]);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(statSync(`${prefix}.key.pem`).mode & 0o777, 0o600);
    const keyPem = readFileSync(`${prefix}.key.pem`, 'utf8');
    const certificate = parseCertificate(readFileSync(`${prefix}.crt.pem`, 'utf8'));
    assert.deepEqual(
      createPublicKey(parsePrivateKey(keyPem)).export({ format: 'der', type: 'spki' }),
      certificate.publicKey.export({ format: 'der', type: 'spki' }),
    );
    assert.equal(certificate.subject, 'CN=Workspace signing');

    const again = await run(['keygen', '--cn', 'Other', '--out', prefix]);
    assert.equal(again.status, 1);
    assert.equal(stderrCode(again), 'OUTPUT_UNWRITABLE');
    assert.equal(readFileSync(`${prefix}.key.pem`, 'utf8'), keyPem);
  });

  test('exits 2 with a usage line when --cn is missing or --years is not a number of years', async () => {
    for (const args of [['keygen'], ['keygen', '--cn', 'x', '--years', 'ten'], ['keygen', '--cn']]) {
      const result = await run(args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /^usage: federa-saml keygen /m);
    }
  });
});

describe('federa-saml verify-response', () => {
  test('accepts an unsolicited response we issued, posted as base64 on stdin, and prints what it asserts', async () => {
    const issued = await issue();
    const result = await run(['verify-response', ...verifyFlags(), '-'], {
      stdin: Buffer.from(issued.xml).toString('base64'),
    });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.ok, true);
    assert.equal(json.nameId, 'B.Simon@contoso.com');
    assert.equal(json.nameIdFormat, NAMEID_FORMAT.emailAddress);
    assert.deepEqual(json.attributes, { [EMAIL_CLAIM]: ['B.Simon@contoso.com'] });
    assert.equal(json.issuer, IDP_ENTITY_ID);
    assert.equal(json.assertionId, issued.assertionId);
    assert.equal(json.sessionIndex, issued.assertionId);
    assert.equal(json.inResponseTo, null);
  });

  test('accepts a solicited response as URL-encoded base64 when --in-response-to names its request', async () => {
    const issued = await issue({
      inResponseTo: '_request-1',
      signing: { credential: await idpCredential(), mode: 'both' },
    });
    const file = write('solicited.txt', encodeURIComponent(Buffer.from(issued.xml).toString('base64')));
    const result = await run(['verify-response', ...verifyFlags(), '--in-response-to', '_request-1', file]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(JSON.parse(result.stdout).inResponseTo, '_request-1');
  });

  test('refuses a response whose signed NameID was changed, with a signature code', async () => {
    const issued = await issue();
    const tampered = issued.xml.replace('B.Simon@contoso.com</NameID>', 'admin@contoso.com</NameID>');
    assert.notEqual(tampered, issued.xml);
    const result = await run(['verify-response', ...verifyFlags(), write('tampered.xml', tampered)]);
    assert.equal(refusal(result).code, 'SIGNATURE_DIGEST_MISMATCH');
  });

  test('refuses a response checked after it expired, and one for another SP', async () => {
    const issued = await issue();
    const file = write('valid.xml', issued.xml);
    const late = await run(['verify-response', ...verifyFlags(), '--now', '2025-06-02T12:00:00Z', file]);
    assert.equal(refusal(late).code, 'EXPIRED');
    const flags = verifyFlags();
    flags[flags.indexOf('--sp-entity-id') + 1] = 'http://localhost:5000/saml/metadata/other/';
    assert.equal(refusal(await run(['verify-response', ...flags, file])).code, 'AUDIENCE_MISMATCH');
  });

  test('refuses a solicited response when no --in-response-to says which request is pending', async () => {
    const issued = await issue({ inResponseTo: '_request-2' });
    const result = await run(['verify-response', ...verifyFlags(), write('solicited.xml', issued.xml)]);
    assert.equal(refusal(result).code, 'IN_RESPONSE_TO_UNEXPECTED');
  });

  test('refuses a response signed by a key the IdP metadata does not list', async () => {
    const attacker = (await makeCredential('cli-attacker')).credential;
    const issued = await issue({ signing: { credential: attacker } });
    const result = await run(['verify-response', ...verifyFlags(), write('forged.xml', issued.xml)]);
    assert.equal(refusal(result).code, 'SIGNATURE_KEY_UNTRUSTED');
  });

  test('takes the IdP from --idp-entity-id and --idp-cert instead of metadata', async () => {
    const issued = await issue();
    const file = write('for-cert.xml', issued.xml);
    const rest = ['--sp-entity-id', SP_ENTITY_ID, '--acs-url', ACS_URL, '--now', NOW, file];
    const idpCert = write('idp-signing.crt.pem', (await makeCredential('cli-idp')).certPem);
    const ok = await run([
      'verify-response',
      '--idp-entity-id',
      IDP_ENTITY_ID,
      '--idp-cert',
      idpCert,
      ...rest,
    ]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const otherIssuer = await run([
      'verify-response',
      '--idp-entity-id',
      'https://sts.windows.net/another-tenant/',
      '--idp-cert',
      idpCert,
      ...rest,
    ]);
    assert.equal(refusal(otherIssuer).code, 'ISSUER_MISMATCH');
  });

  test('exits 2 with a usage line when a required flag, the input or a flag value is wrong', async () => {
    const cases = [
      ['verify-response', '--idp-metadata', metadataFile, '--acs-url', ACS_URL, '-'],
      ['verify-response', '--idp-metadata', metadataFile, '--sp-entity-id', SP_ENTITY_ID, '-'],
      ['verify-response', '--sp-entity-id', SP_ENTITY_ID, '--acs-url', ACS_URL, '-'],
      ['verify-response', ...verifyFlags()],
      ['verify-response', ...verifyFlags(), '--now', 'yesterday', '-'],
      ['verify-response', ...verifyFlags(), '--no-such-flag', '-'],
      ['verify-response', ...verifyFlags(), '--idp-entity-id', IDP_ENTITY_ID, '-'],
      [
        'verify-response',
        '--idp-entity-id',
        IDP_ENTITY_ID,
        '--sp-entity-id',
        SP_ENTITY_ID,
        '--acs-url',
        ACS_URL,
        '-',
      ],
    ];
    for (const args of cases) {
      const result = await run(args);
      assert.equal(result.status, 2, args.join(' '));
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^usage: federa-saml verify-response /m);
    }
  });

  test('exits 1 with INPUT_UNREADABLE when the response file does not exist', async () => {
    const result = await run(['verify-response', ...verifyFlags(), join(work, 'missing.xml')]);
    assert.equal(refusal(result).code, 'INPUT_UNREADABLE');
  });

  test('verifies the real Entra response with metadata made from its own certificate, run through npx', async () => {
    const xml = readFileSync(ENTRA_RESPONSE, 'utf8');
    const certificate = parseCertificate(/<X509Certificate>([^<]+)<\/X509Certificate>/.exec(xml)![1]!);
    const issuer = /<Issuer[^>]*>([^<]+)<\/Issuer>/.exec(xml)![1]!;
    const acs = /Destination="([^"]+)"/.exec(xml)![1]!;
    const metadata = write(
      'entra-idp.xml',
      buildIdpMetadata({
        entityId: issuer,
        id: '_entra',
        signingCertificates: [certificate],
        ssoUrl: 'https://login.microsoftonline.com/2f277f1e-e5f1-4f62-b595-79c2d13afda4/saml2',
        sloUrl: 'https://login.microsoftonline.com/2f277f1e-e5f1-4f62-b595-79c2d13afda4/saml2',
        nameIdFormats: [],
      }),
    );
    const args = [
      'verify-response',
      '--idp-metadata',
      metadata,
      '--sp-entity-id',
      /<Audience>([^<]+)<\/Audience>/.exec(xml)![1]!,
      '--acs-url',
      acs,
      '--now',
      /IssueInstant="([^"]+)"/.exec(xml)![1]!,
      '--in-response-to',
      /InResponseTo="([^"]+)"/.exec(xml)![1]!,
      ENTRA_RESPONSE,
    ];
    const result = await run(args, { npx: true });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.nameId, 'SDent1234@student.egcc.edu');
    assert.equal(json.issuer, issuer);
    assert.equal(json.inResponseTo, 'id-dxvhOj4HsG9rlVDVx');
    assert.deepEqual(json.attributes[EMAIL_CLAIM], ['SDent1234@student.egcc.edu']);
  });
});

describe('federa-saml verify-metadata', () => {
  let server: Server;
  let base = '';
  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/metadata.xml') response.end(metadataXml);
      else if (request.url === '/huge.xml') response.end(Buffer.alloc(3 * 1024 * 1024, 'a'));
      else if (request.url === '/slow.xml') setTimeout(() => response.end(metadataXml), 5000).unref();
      else response.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test('reports entity, role, endpoints, certificate thumbprint and a self-verified signature', async () => {
    const credential = await idpCredential();
    const result = await run(['verify-metadata', '--now', NOW, metadataFile]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.ok, true);
    assert.equal(json.entityId, IDP_ENTITY_ID);
    assert.deepEqual(json.roles, ['idp']);
    assert.equal(json.signature, 'verified-self');
    assert.deepEqual(
      json.idp.singleSignOnServices.map((s: { binding: string }) => s.binding),
      [BINDING.redirect, BINDING.post],
    );
    assert.equal(json.idp.signingCertificates[0].thumbprint, credential.certificate.thumbprint);
    assert.equal(json.idp.signingCertificates[0].notAfter, credential.certificate.notAfter.toISOString());
    assert.equal(json.idp.signingCertificates[0].expired, false);
  });

  test('reads the real Entra App Federation Metadata and flags its expired certificate', async () => {
    const result = await run(['verify-metadata', '--now', '2030-01-01T00:00:00Z', ENTRA_METADATA]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.entityId, 'https://sts.windows.net/b20a2822-5260-4ea7-b000-c17131389b33/');
    assert.equal(json.signature, 'verified-self');
    assert.equal(json.idp.signingCertificates[0].expired, true);
  });

  test('refuses metadata changed after signing, and metadata not signed by a --trusted-cert', async () => {
    const changed = write('changed.xml', metadataXml.replace(SSO_URL, 'https://evil.example/saml2'));
    assert.equal(refusal(await run(['verify-metadata', changed])).code, 'SIGNATURE_DIGEST_MISMATCH');
    const other = write('other.crt.pem', (await makeCredential('cli-attacker')).certPem);
    const untrusted = await run(['verify-metadata', '--trusted-cert', other, metadataFile]);
    assert.equal(refusal(untrusted).code, 'SIGNATURE_INVALID');
    const trusted = write('idp.crt.pem', (await makeCredential('cli-idp')).certPem);
    const ok = await run(['verify-metadata', '--trusted-cert', trusted, metadataFile]);
    assert.equal(JSON.parse(ok.stdout).signature, 'verified-trusted');
  });

  test('fetches metadata from a URL, and refuses a 404, an oversized body and a server that does not answer', async () => {
    const fetched = await run(['verify-metadata', `${base}/metadata.xml`]);
    assert.equal(fetched.status, 0, fetched.stdout + fetched.stderr);
    assert.equal(JSON.parse(fetched.stdout).entityId, IDP_ENTITY_ID);
    assert.equal(
      refusal(await run(['verify-metadata', `${base}/nothing.xml`])).code,
      'METADATA_FETCH_FAILED',
    );
    assert.equal(refusal(await run(['verify-metadata', `${base}/huge.xml`])).code, 'INPUT_TOO_LARGE');
    const slow = await run(['verify-metadata', '--timeout', '0.5', `${base}/slow.xml`]);
    assert.equal(refusal(slow).code, 'METADATA_FETCH_FAILED');
  });

  test('verify-response takes the IdP metadata from a URL too', async () => {
    const issued = await issue();
    const flags = verifyFlags();
    flags[flags.indexOf('--idp-metadata') + 1] = `${base}/metadata.xml`;
    const result = await run(['verify-response', ...flags, write('for-url.xml', issued.xml)]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  test('refuses an HTML page given as metadata with METADATA_INVALID', async () => {
    const html = write('page.html', '<!DOCTYPE html><html><body>Sign in</body></html>');
    assert.equal(refusal(await run(['verify-metadata', html])).code, 'METADATA_INVALID');
  });
});

describe('federa-saml inspect', () => {
  test('decodes a deflated HTTP-Redirect URL and prints the request XML, RelayState and query signature', async () => {
    const credential = await idpCredential();
    const xml = buildAuthnRequest({
      id: '_inspect-request',
      issueInstant: new Date(NOW),
      issuer: SP_ENTITY_ID,
      destination: SSO_URL,
      assertionConsumerServiceUrl: ACS_URL,
      protocolBinding: BINDING.post,
    });
    const url = encodeRedirect({
      location: SSO_URL,
      parameter: 'SAMLRequest',
      xml,
      relayState: '/organizations/acme/',
      sign: { privateKey: credential.privateKey },
    });
    // The URL as the argument: decoded, never fetched.
    const result = await run(['inspect', url]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^Message: samlp:AuthnRequest ID=_inspect-request$/m);
    assert.match(result.stdout, /^Encoding: HTTP-Redirect SAMLRequest \(DEFLATE/m);
    assert.match(result.stdout, /^ {2}RelayState: "\/organizations\/acme\/"$/m);
    assert.match(result.stdout, /^ {2}query signature: SigAlg rsa-sha256 /m);
    assert.match(result.stdout, /^Signatures: none in the XML$/m);
    assert.match(result.stdout, /^<samlp:AuthnRequest [^>]*ID="_inspect-request"/m);
    assert.match(
      result.stdout,
      /^ {2}<(saml:)?Issuer[^>]*>http:\/\/localhost:5000\/saml\/metadata\/acme\/<\/(saml:)?Issuer>$/m,
    );

    // The query string alone, in a file or on stdin, says the same.
    const query = url.slice(url.indexOf('?') + 1);
    for (const again of [
      await run(['inspect', write('query.txt', query)]),
      await run(['inspect'], { stdin: query }),
    ]) {
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, /^Message: samlp:AuthnRequest ID=_inspect-request$/m);
      assert.match(again.stdout, /^ {2}RelayState: "\/organizations\/acme\/"$/m);
    }
  });

  test('decodes base64 POST data and says what each signature sits on and covers', async () => {
    const issued = await issue({ signing: { credential: await idpCredential(), mode: 'both' } });
    const result = await run(['inspect', '-'], { stdin: Buffer.from(issued.xml).toString('base64') });
    assert.equal(result.status, 0, result.stderr);
    const { responseId: r, assertionId: a } = issued;
    assert.match(result.stdout, /^Encoding: base64 \(an HTTP-POST form value/m);
    assert.ok(
      result.stdout.includes(
        `Signature 1 on samlp:Response ID=${r} covers the whole Response including Assertion ${a}\n`,
      ),
      result.stdout,
    );
    assert.ok(
      result.stdout.includes(`Signature 2 on Assertion ID=${a} covers the whole Assertion\n`),
      result.stdout,
    );
    assert.match(result.stdout, /^ {2}position: allowed \(on the root Response\)$/m);
    assert.match(result.stdout, /^ {2}position: allowed \(on the Assertion directly under the Response\)$/m);
    assert.match(
      result.stdout,
      /^ {2}algorithms: signature rsa-sha256 \(accepted\), digest sha256 \(accepted\)/m,
    );
    assert.match(result.stdout, /^ {6}<NameID [^>]*>B\.Simon@contoso\.com<\/NameID>$/m);
  });

  test('shows a signature that references another element than its parent as not accepted', async () => {
    const issued = await issue();
    // The assertion's signature made to reference the Response: the shape of a signature-wrapping attack.
    const wrapped = issued.xml.replace(`URI="#${issued.assertionId}"`, `URI="#${issued.responseId}"`);
    const result = await run(['inspect', write('wrapped.xml', wrapped)]);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(
      result.stdout.includes(
        `Signature 1 on Assertion ID=${issued.assertionId} covers the whole Response (samlp:Response ID=${issued.responseId}, elsewhere in the document) including Assertion ${issued.assertionId}`,
      ),
      result.stdout,
    );
    assert.match(result.stdout, /^ {2}problem: the Reference points at samlp:Response/m);
  });

  test('keeps a comment inside a NameID visible', async () => {
    const issued = await issue();
    const commented = issued.xml.replace(
      'B.Simon@contoso.com</NameID>',
      'B.Simon@contoso.com<!---->.evil.example</NameID>',
    );
    const result = await run(['inspect', write('commented.xml', commented)]);
    assert.match(result.stdout, /<NameID [^>]*>B\.Simon@contoso\.com<!---->\.evil\.example<\/NameID>/);
  });

  test('exits 1 with the decoding error code for input that is no SAML encoding, and 2 for two files', async () => {
    const garbage = await run(['inspect', write('garbage.txt', 'this is not a SAML message!')]);
    assert.equal(garbage.status, 1);
    assert.equal(stderrCode(garbage), 'INPUT_ENCODING_INVALID');
    const doctype = await run(['inspect', write('doctype.xml', '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')]);
    assert.equal(stderrCode(doctype), 'XML_DTD_FORBIDDEN');
    const two = await run(['inspect', 'a.xml', 'b.xml']);
    assert.equal(two.status, 2);
  });
});

describe('federa-saml', () => {
  test('lists its commands on --help (exit 0) and without arguments (exit 2)', async () => {
    const help = await run(['--help']);
    assert.equal(help.status, 0);
    for (const name of ['inspect', 'verify-response', 'verify-metadata', 'keygen']) {
      assert.match(help.stdout, new RegExp(`^ {2}${name} `, 'm'));
    }
    const bare = await run([]);
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /^usage: federa-saml <command>/m);
    const unknown = await run(['frobnicate']);
    assert.equal(unknown.status, 2);
  });
});
