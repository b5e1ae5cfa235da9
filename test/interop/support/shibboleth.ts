// Shibboleth SP 3 (Debian's libapache2-mod-shib: mod_shib in Apache, and shibd) as a service provider of
// Federa Directory, with its own shibboleth2.xml, attribute map, loggers and key in a temporary
// directory (never /etc/shibboleth, of which only the shipped protocols.xml, security-policy.xml and
// error templates are read), shibd listening on its own TCP port on 127.0.0.1 and stopped by PID.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { type Apache, MODULES, startApache, writeWhoamiPage } from './apache.ts';

export const SHIBD = '/usr/sbin/shibd';
export const SHIB_MODULE = `mod_shib ${MODULES}/mod_shib.so`;

/** Entra's default claims as Shibboleth attribute ids (the Directory sends them without NameFormat). */
export const SHIBBOLETH_ATTRIBUTES: Record<string, string> = {
  mail: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  givenName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  sn: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  upn: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
};

/** The NameID, whichever of these formats the Directory sends, becomes the attribute `nameid`. */
const NAME_ID_FORMATS = [
  'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
];

/** The attribute map an administrator of the SP writes for an Entra-like IdP. */
export function shibbolethAttributeMap(): string {
  return `<Attributes xmlns="urn:mace:shibboleth:2.0:attribute-map">
${Object.entries(SHIBBOLETH_ATTRIBUTES)
  .map(
    ([id, name]) =>
      `    <Attribute name="${name}" nameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified" id="${id}"/>`,
  )
  .join('\n')}
${NAME_ID_FORMATS.map(
  (format) => `    <Attribute name="${format}" id="nameid">
        <AttributeDecoder xsi:type="NameIDAttributeDecoder" formatter="$Name" defaultQualifiers="true"
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>
    </Attribute>`,
).join('\n')}
</Attributes>
`;
}

/** The `shibboleth2.xml` an administrator of the SP writes (docs/interop.md shows it). */
export function shibboleth2Xml(options: {
  entityId: string;
  idpEntityId: string;
  listenerPort: number;
  files: {
    idpMetadata: string;
    attributeMap: string;
    key: string;
    cert: string;
    shibdLogger: string;
    nativeLogger: string;
  };
}): string {
  const { files } = options;
  return `<SPConfig xmlns="urn:mace:shibboleth:3.0:native:sp:config"
    xmlns:conf="urn:mace:shibboleth:3.0:native:sp:config" clockSkew="180">
    <OutOfProcess logger="${files.shibdLogger}"/>
    <InProcess logger="${files.nativeLogger}"/>
    <TCPListener address="127.0.0.1" port="${options.listenerPort}" acl="127.0.0.1"/>
    <ApplicationDefaults entityID="${options.entityId}" REMOTE_USER="upn">
        <!-- Plain http on localhost: handlerSSL off and cookies without Secure. Chromium treats a
             cookie without SameSite as Lax, which the redirect after the ACS carries; the relay
             state stays on the server (ss:mem), so the cross-site POST to the ACS needs no cookie. -->
        <Sessions lifetime="28800" timeout="3600" relayState="ss:mem" checkAddress="false"
                  handlerSSL="false" cookieProps="http" redirectLimit="exact">
            <SSO entityID="${options.idpEntityId}">SAML2</SSO>
            <Logout>SAML2 Local</Logout>
            <!-- Signed AuthnRequests where the administrator asks for them: this initiator signs its
                 requests (front channel) with the CredentialResolver's key, which the generated
                 metadata publishes for the IdP to verify them with. -->
            <SessionInitiator type="SAML2" Location="/SignedLogin" entityID="${options.idpEntityId}"
                              signing="front"
                              outgoingBindings="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"/>
            <Handler type="MetadataGenerator" Location="/Metadata" signing="false"/>
            <Handler type="Session" Location="/Session" showAttributeValues="false"/>
        </Sessions>
        <Errors supportContact="root@localhost" styleSheet="/shibboleth-sp/main.css"/>
        <MetadataProvider type="XML" validate="true" path="${files.idpMetadata}"/>
        <AttributeExtractor type="XML" validate="true" reloadChanges="false" path="${files.attributeMap}"/>
        <CredentialResolver type="File" key="${files.key}" certificate="${files.cert}"/>
    </ApplicationDefaults>
    <SecurityPolicyProvider type="XML" validate="true" path="/etc/shibboleth/security-policy.xml"/>
    <ProtocolProvider type="XML" validate="true" reloadChanges="false" path="/etc/shibboleth/protocols.xml"/>
</SPConfig>
`;
}

const CONSOLE_LOGGER = `log4j.rootCategory=WARN, console
log4j.appender.console=org.apache.log4j.ConsoleAppender
log4j.appender.console.layout=org.apache.log4j.PatternLayout
log4j.appender.console.layout.ConversionPattern=%d{%Y-%m-%d %H:%M:%S} %p %c %x: %m%n
`;

export interface ShibbolethSp {
  baseUrl: string;
  entityId: string;
  protectedUrl: string;
  signedOutUrl: string;
  /** Starts SP-initiated sign-in with a signed AuthnRequest (the `/SignedLogin` initiator). */
  signedLoginUrl(target: string): string;
  /** Starts SP-initiated single logout, then comes back to `returnTo`. */
  logoutUrl(returnTo: string): string;
  /** Writes the IdP metadata, starts shibd then httpd; resolves with the SP's generated metadata. */
  start(idp: { entityId: string; metadata: string }): Promise<{ metadata: string }>;
  log(): string;
  stop(): Promise<void>;
}

export function prepareShibboleth(dir: string, port: number, listenerPort: number): ShibbolethSp {
  const baseUrl = `http://localhost:${port}`;
  const entityId = `${baseUrl}/shibboleth`;
  mkdirSync(join(dir, 'htdocs'), { recursive: true });
  // As an administrator does: shib-keygen makes the SP's key and self-signed certificate.
  const user = process.getuid?.() === 0 ? 'root' : String(process.getuid?.());
  const keygen = spawnSync(
    '/usr/sbin/shib-keygen',
    [
      '-o',
      dir,
      '-h',
      'localhost',
      '-e',
      entityId,
      '-y',
      '3',
      '-u',
      user,
      '-g',
      user === 'root' ? 'root' : String(process.getgid?.()),
      '-f',
    ],
    {
      encoding: 'utf8',
    },
  );
  if (keygen.status !== 0) throw new Error(`shib-keygen failed:\n${keygen.stdout}${keygen.stderr}`);
  const files = {
    idpMetadata: join(dir, 'idp-metadata.xml'),
    attributeMap: join(dir, 'attribute-map.xml'),
    key: join(dir, 'sp-key.pem'),
    cert: join(dir, 'sp-cert.pem'),
    shibdLogger: join(dir, 'shibd.logger'),
    nativeLogger: join(dir, 'native.logger'),
  };
  const config = join(dir, 'shibboleth2.xml');
  writeFileSync(files.attributeMap, shibbolethAttributeMap());
  writeFileSync(files.shibdLogger, CONSOLE_LOGGER);
  writeFileSync(files.nativeLogger, CONSOLE_LOGGER);
  writeFileSync(
    join(dir, 'htdocs', 'signed-out.html'),
    '<!doctype html><title>Signed out</title><h1>Signed out</h1>\n',
  );
  const whoami = writeWhoamiPage(dir, ['Shib_', 'upn=', 'mail=', 'givenName=', 'sn=', 'nameid=']);
  let shibd: ChildProcess | null = null;
  let shibdExited: Promise<void> = Promise.resolve();
  let shibdOutput = '';
  let apache: Apache | null = null;

  return {
    baseUrl,
    entityId,
    protectedUrl: `${baseUrl}/protected/`,
    signedOutUrl: `${baseUrl}/signed-out.html`,
    signedLoginUrl: (target) => `${baseUrl}/Shibboleth.sso/SignedLogin?target=${encodeURIComponent(target)}`,
    logoutUrl: (returnTo) => `${baseUrl}/Shibboleth.sso/Logout?return=${encodeURIComponent(returnTo)}`,
    log: () => `--- shibd ---\n${shibdOutput}\n--- httpd ---\n${apache?.log() ?? ''}`,
    async start(idp) {
      writeFileSync(files.idpMetadata, idp.metadata);
      writeFileSync(config, shibboleth2Xml({ entityId, idpEntityId: idp.entityId, listenerPort, files }));
      shibd = spawn(SHIBD, ['-F', '-f', '-c', config, '-p', join(dir, 'shibd.pid')], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const child = shibd;
      child.stdout!.on('data', (chunk) => (shibdOutput += chunk));
      child.stderr!.on('data', (chunk) => (shibdOutput += chunk));
      shibdExited = new Promise((resolve) => child.once('exit', () => resolve()));
      await waitForPort(
        listenerPort,
        () => child.exitCode !== null,
        () => shibdOutput,
      );
      apache = await startApache({
        dir,
        port,
        serverName: 'localhost',
        modules: [SHIB_MODULE],
        site: `DocumentRoot "${join(dir, 'htdocs')}"
<Directory />
    Require all denied
</Directory>
<Directory "${join(dir, 'htdocs')}">
    Require all granted
</Directory>
ShibConfig ${config}
ShibCompatValidUser Off
<Location /Shibboleth.sso>
    SetHandler shib
    Require all granted
</Location>
ScriptAliasMatch "^/protected/$" "${whoami}"
<Location /protected/>
    AuthType shibboleth
    ShibRequestSetting requireSession 1
    ShibUseEnvironment On
    Require shib-session
</Location>`,
      });
      const generated = await fetch(`http://127.0.0.1:${port}/Shibboleth.sso/Metadata`, {
        headers: { host: `localhost:${port}` },
      });
      if (!generated.ok)
        throw new Error(`Shibboleth.sso/Metadata answered ${generated.status}:\n${this.log()}`);
      return { metadata: await generated.text() };
    },
    async stop() {
      await apache?.stop();
      if (shibd && shibd.exitCode === null && shibd.signalCode === null) {
        shibd.kill('SIGTERM');
        const stopped = await Promise.race([
          shibdExited.then(() => true),
          new Promise<false>((r) => setTimeout(() => r(false), 10_000)),
        ]);
        if (!stopped) {
          shibd.kill('SIGKILL');
          await shibdExited;
        }
      }
    },
  };
}

async function waitForPort(port: number, exited: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited()) throw new Error(`shibd exited:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`shibd did not listen on ${port}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
