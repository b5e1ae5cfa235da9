// SimpleSAMLphp 1.19 (Debian's simplesamlphp) under Apache httpd with mod_php, as a test peer in both
// roles: a service provider of Federa Directory (a saml:SP authentication source) and an identity
// provider of Federa Workspace (the hosted SAML 2.0 IdP, with exampleauth:UserPass users). One
// installation with its own configuration directory (SIMPLESAMLPHP_CONFIG_DIR, never
// /etc/simplesamlphp), certificates, metadata, log and PHP session store in a temporary directory.
//
// One httpd on one port answers both roles, each on its own site, as DESIGN.md puts the two Federa
// services on two: the SP at http://localhost:PORT (the Directory is on 127.0.0.1) and the IdP at
// http://127.0.0.1:PORT (the Workspace is on localhost). SimpleSAMLphp builds its URLs from the Host
// the browser asked for (a relative `baseurlpath`), and its session cookie is per host.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCredential } from '@federa/saml';
import { type Apache, MODULES, startApache } from './apache.ts';

export const SIMPLESAMLPHP = '/usr/share/simplesamlphp';
/** mod_php of Debian's libapache2-mod-php (PHP 8.2 in bookworm). */
const PHP_MODULE = `php_module ${MODULES}/libphp8.2.so`;

/** The SP's authentication source (its id is the last path segment of the SP's endpoints). */
export const SP_SOURCE = 'federa-directory';

/** A person of the IdP's exampleauth:UserPass source: user name, password and the attributes it releases. */
export interface IdpUser {
  username: string;
  password: string;
  uid: string;
  mail: string;
  givenName: string;
  sn: string;
}

export interface SimpleSamlPhp {
  /** The SP role's base, e.g. http://localhost:41236 */
  spBaseUrl: string;
  /** The IdP role's base, e.g. http://127.0.0.1:41236 */
  idpBaseUrl: string;
  /** The SP's entity ID, which is also its metadata URL. */
  spEntityId: string;
  /** The hosted IdP's entity ID, which is also its metadata URL. */
  idpEntityId: string;
  /** The page the SP protects: shows the attributes SimpleSAMLphp received, `NAME=value` a line. */
  protectedUrl: string;
  /** Starts single logout at the SP (Auth\Simple::logout), then comes back to `returnTo`. */
  spLogoutUrl(returnTo: string): string;
  /** Starts single logout at the IdP (every SP of the IdP session), then comes back to `returnTo`. */
  idpLogoutUrl(returnTo: string): string;
  /** IdP-initiated sign-in at the IdP, for the SP `spEntityId`, with `relayState`. */
  idpInitiatedUrl(spEntityId: string, relayState: string): string;
  /** A plain page on each site, where logout comes back to. */
  signedOutUrl(role: 'sp' | 'idp'): string;
  /** Saves a peer's metadata (the Directory's as IdP, the Workspace's as SP), as an admin saves a file. */
  saveMetadata(peer: 'directory-idp' | 'workspace-sp', xml: string): void;
  /** SimpleSAMLphp's own log (debug level) and httpd's error log, the end of each. */
  log(): string;
  /** SimpleSAMLphp's log as a whole (a test reads what was logged after a mark). */
  fullLog(): string;
  stop(): Promise<void>;
}

/** config/config.php: what an administrator changes from Debian's template (docs/interop.md shows it). */
export function configPhp(dir: string, trustedHosts: string[], secretSalt: string): string {
  return `<?php
$config = [
    'baseurlpath' => 'simplesaml/',
    'certdir' => '${dir}/cert/',
    'metadatadir' => '${dir}/metadata/',
    'loggingdir' => '${dir}/log/',
    'datadir' => '${dir}/data/',
    'tempdir' => '${dir}/tmp',
    'secretsalt' => '${secretSalt}',
    'auth.adminpassword' => 'interop-not-used',
    'technicalcontact_name' => 'Federa interop tests',
    'technicalcontact_email' => 'na@example.org',
    'timezone' => 'UTC',
    'logging.level' => SimpleSAML\\Logger::DEBUG,
    'logging.handler' => 'file',
    'logging.logfile' => 'simplesamlphp.log',
    'debug' => ['saml' => true, 'backtraces' => true, 'validatexml' => false],
    'showerrors' => true,
    'enable.saml20-idp' => true,
    'module.enable' => ['exampleauth' => true, 'core' => true, 'saml' => true],
    // Where ReturnTo and RelayState may send the browser: this installation's own two sites.
    'trusted.url.domains' => [${trustedHosts.map((h) => `'${h}'`).join(', ')}],
    // Sessions in PHP's file store, in a directory of this installation.
    'store.type' => 'phpsession',
    'session.phpsession.savepath' => '${dir}/sessions',
    // The Directory's cross-site POST to the SP's ACS must carry the session cookie, which holds the
    // state of the SP's request. On https that is Secure + SameSite=None (the template's defaults), but
    // SimpleSAMLphp refuses a Secure cookie on plain http, and Chromium drops SameSite=None without it.
    // With 'Lax' the cookie stays behind and SimpleSAMLphp takes the response as unsolicited (the test
    // fails on that); with no SameSite attribute, Chromium sends it on a cross-site top-level POST
    // within two minutes of setting it (its Lax-by-default allowance), which covers a sign-in.
    'session.cookie.secure' => false,
    'session.cookie.samesite' => null,
    'language.cookie.secure' => false,
    'language.cookie.samesite' => null,
    'metadata.sources' => array_values(array_filter([
        ['type' => 'flatfile'],
        // The peers' metadata, as saved from their metadata URLs.
        ['type' => 'xml', 'file' => '${dir}/metadata/directory-idp.xml'],
        ['type' => 'xml', 'file' => '${dir}/metadata/workspace-sp.xml'],
    ], fn($source) => !isset($source['file']) || file_exists($source['file']))),
];
`;
}

/** config/authsources.php: the SP of the Directory and the IdP's users. */
export function authsourcesPhp(options: {
  spEntityId: string;
  directoryEntityId: string;
  users: IdpUser[];
}): string {
  const users = options.users
    .map(
      (u) =>
        `        '${u.username}:${u.password}' => [\n` +
        `            'uid' => ['${u.uid}'],\n            'mail' => ['${u.mail}'],\n` +
        `            'givenName' => ['${u.givenName}'],\n            'sn' => ['${u.sn}'],\n        ],`,
    )
    .join('\n');
  return `<?php
$config = [
    '${SP_SOURCE}' => [
        'saml:SP',
        'entityID' => '${options.spEntityId}',
        // Federa Directory's Identifier (the entityID of its App Federation Metadata).
        'idp' => '${options.directoryEntityId}',
        'privatekey' => 'sp.key',
        'certificate' => 'sp.crt',
        // Sign AuthnRequests and LogoutRequests (RSA-SHA256); the SP metadata carries the certificate.
        'sign.authnrequest' => true,
        'sign.logout' => true,
        'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    ],
    'example-userpass' => [
        'exampleauth:UserPass',
${users}
    ],
];
`;
}

/** metadata/saml20-idp-hosted.php: the IdP of the Workspace. */
export function idpHostedPhp(idpEntityId: string): string {
  return `<?php
$metadata['${idpEntityId}'] = [
    'host' => '__DEFAULT__',
    'privatekey' => 'idp.key',
    'certificate' => 'idp.crt',
    'auth' => 'example-userpass',
    // The Workspace's SP metadata asks for an emailAddress NameID first: it is the mail attribute.
    'simplesaml.nameidattribute' => 'mail',
    'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    // Publishes WantAuthnRequestsSigned="true" and refuses unsigned AuthnRequests.
    'sign.authnrequest' => true,
    'validate.authnrequest' => true,
    'sign.logout' => true,
];
`;
}

/** The SP's protected page: Auth\\Simple, as SimpleSAMLphp's documentation integrates an application. */
function protectedPage(): string {
  return `<?php
require_once('${SIMPLESAMLPHP}/lib/_autoload.php');
$as = new \\SimpleSAML\\Auth\\Simple('${SP_SOURCE}');
$as->requireAuth();
header('Content-Type: text/plain; charset=utf-8');
$lines = ['NAME_ID=' . $as->getAuthData('saml:sp:NameID')->getValue()];
foreach ($as->getAttributes() as $name => $values) $lines[] = $name . '=' . $values[0];
sort($lines);
echo implode("\\n", $lines), "\\n";
`;
}

function logoutPage(): string {
  return `<?php
require_once('${SIMPLESAMLPHP}/lib/_autoload.php');
$as = new \\SimpleSAML\\Auth\\Simple('${SP_SOURCE}');
$as->logout(['ReturnTo' => \\SimpleSAML\\Utils\\HTTP::checkURLAllowed((string) ($_GET['ReturnTo'] ?? '/signed-out.html'))]);
`;
}

export async function startSimpleSamlPhp(options: {
  dir: string;
  port: number;
  /** The Directory's entity ID, which the SP sends its requests to. */
  directoryEntityId: string;
  users: IdpUser[];
}): Promise<SimpleSamlPhp> {
  const { dir, port } = options;
  if (!existsSync(join(SIMPLESAMLPHP, 'www', 'index.php')))
    throw new Error('SimpleSAMLphp is not installed: bash scripts/install-system-deps.sh');
  const spBaseUrl = `http://localhost:${port}`;
  const idpBaseUrl = `http://127.0.0.1:${port}`;
  const spEntityId = `${spBaseUrl}/simplesaml/module.php/saml/sp/metadata.php/${SP_SOURCE}`;
  const idpEntityId = `${idpBaseUrl}/simplesaml/saml2/idp/metadata.php`;
  for (const sub of ['config', 'cert', 'metadata', 'log', 'data', 'tmp', 'sessions', 'htdocs/app'])
    mkdirSync(join(dir, sub), { recursive: true });
  // SimpleSAMLphp's documentation makes these with `openssl req -x509`; a self-signed RSA-2048
  // certificate of ours is the same thing.
  for (const [name, cn] of [
    ['sp', 'SimpleSAMLphp SP'],
    ['idp', 'SimpleSAMLphp IdP'],
  ] as const) {
    const { keyPem, certPem } = await generateCredential({ cn });
    writeFileSync(join(dir, 'cert', `${name}.key`), keyPem);
    writeFileSync(join(dir, 'cert', `${name}.crt`), certPem);
  }
  writeFileSync(
    join(dir, 'config', 'config.php'),
    configPhp(dir, [`localhost:${port}`, `127.0.0.1:${port}`], randomBytes(16).toString('hex')),
  );
  writeFileSync(
    join(dir, 'config', 'authsources.php'),
    authsourcesPhp({ spEntityId, directoryEntityId: options.directoryEntityId, users: options.users }),
  );
  writeFileSync(join(dir, 'metadata', 'saml20-idp-hosted.php'), idpHostedPhp(idpEntityId));
  writeFileSync(join(dir, 'htdocs', 'app', 'index.php'), protectedPage());
  writeFileSync(join(dir, 'htdocs', 'logout.php'), logoutPage());
  writeFileSync(
    join(dir, 'htdocs', 'signed-out.html'),
    '<!doctype html><title>Signed out</title><h1>Signed out</h1>\n',
  );
  const apache: Apache = await startApache({
    dir,
    port,
    serverName: 'localhost',
    modules: [PHP_MODULE, `dir_module ${MODULES}/mod_dir.so`],
    // Debian's /etc/simplesamlphp/apache.conf, with this installation's configuration directory.
    // No keep-alive: an idle connection holds one of the few prefork workers for KeepAliveTimeout, and
    // Chromium keeps several open to each of the two sites.
    site: `KeepAlive Off
DocumentRoot "${join(dir, 'htdocs')}"
DirectoryIndex index.php
SetEnv SIMPLESAMLPHP_CONFIG_DIR ${join(dir, 'config')}
<FilesMatch "\\.php$">
    SetHandler application/x-httpd-php
</FilesMatch>
<Directory />
    Require all denied
</Directory>
<Directory "${join(dir, 'htdocs')}">
    Require all granted
</Directory>
Alias /simplesaml ${SIMPLESAMLPHP}/www
<Directory ${SIMPLESAMLPHP}/www/>
    Require all granted
</Directory>`,
  });
  const logFile = join(dir, 'log', 'simplesamlphp.log');
  const fullLog = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  return {
    spBaseUrl,
    idpBaseUrl,
    spEntityId,
    idpEntityId,
    protectedUrl: `${spBaseUrl}/app/`,
    spLogoutUrl: (returnTo) => `${spBaseUrl}/logout.php?ReturnTo=${encodeURIComponent(returnTo)}`,
    idpLogoutUrl: (returnTo) =>
      `${idpBaseUrl}/simplesaml/saml2/idp/SingleLogoutService.php?ReturnTo=${encodeURIComponent(returnTo)}`,
    idpInitiatedUrl: (sp, relayState) =>
      `${idpBaseUrl}/simplesaml/saml2/idp/SSOService.php?spentityid=${encodeURIComponent(sp)}&RelayState=${encodeURIComponent(relayState)}`,
    signedOutUrl: (role) => `${role === 'sp' ? spBaseUrl : idpBaseUrl}/signed-out.html`,
    saveMetadata: (peer, xml) => writeFileSync(join(dir, 'metadata', `${peer}.xml`), xml),
    fullLog,
    log: () =>
      `--- SimpleSAMLphp ---\n${fullLog().slice(-6000)}\n--- httpd ---\n${apache.log().slice(-3000)}`,
    stop: () => apache.stop(),
  };
}
