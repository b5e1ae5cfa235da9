// Apache mod_auth_mellon (Debian's libapache2-mod-auth-mellon) as a service provider of Federa
// Directory, configured as its README tells an administrator: `mellon_create_metadata` makes the SP's
// key, certificate and metadata; the IdP's metadata is the Directory's App Federation Metadata.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Apache, MODULES, startApache, writeWhoamiPage } from './apache.ts';

export const MELLON_MODULE = `auth_mellon_module ${MODULES}/mod_auth_mellon.so`;

/** Entra's default claims, as the variables mellon gives the application (MELLON_<name>). */
export const MELLON_ATTRIBUTES: Record<string, string> = {
  mail: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  givenname: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  surname: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  upn: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
};

export interface MellonSp {
  /** e.g. http://localhost:41236 */
  baseUrl: string;
  entityId: string;
  /** The SP metadata mellon_create_metadata wrote (AuthnRequestsSigned, the signing certificate). */
  metadata: string;
  /** The protected page: shows REMOTE_USER and MELLON_* after sign-in. */
  protectedUrl: string;
  /** Starts SP-initiated single logout, then comes back to `returnTo`. */
  logoutUrl(returnTo: string): string;
  /** The page single logout returns to. */
  signedOutUrl: string;
  /** Writes the IdP metadata and starts httpd. */
  start(idpMetadata: string): Promise<Apache>;
}

/** The `<Location>` settings an administrator of mellon writes (docs/interop.md shows them). */
export function mellonSite(files: {
  key: string;
  cert: string;
  spMetadata: string;
  idpMetadata: string;
}): string {
  return `<Location />
    MellonEnable info
    MellonEndpointPath /mellon
    MellonSPPrivateKeyFile ${files.key}
    MellonSPCertFile ${files.cert}
    MellonSPMetadataFile ${files.spMetadata}
    MellonIdPMetadataFile ${files.idpMetadata}
    # AuthnRequests are signed with the SP key (mellon's default, RSA-SHA256).
    MellonSignatureMethod rsa-sha256
    # Plain http on localhost: Chromium keeps SameSite=None cookies only when they are Secure, and
    # treats http://localhost as a secure context, so the cross-site POST to the ACS carries them.
    MellonSecureCookie On
    MellonCookieSameSite None
    # The Directory answers mellon's request for a transient NameID with one: the user is the UPN claim.
    MellonUser ${MELLON_ATTRIBUTES.upn}
${Object.entries(MELLON_ATTRIBUTES)
  .map(([name, uri]) => `    MellonSetEnv ${name} ${uri}`)
  .join('\n')}
</Location>
<Location /protected/>
    AuthType Mellon
    MellonEnable auth
    Require valid-user
</Location>`;
}

export function prepareMellon(dir: string, port: number): MellonSp {
  const baseUrl = `http://localhost:${port}`;
  const entityId = `${baseUrl}/mellon/metadata`;
  mkdirSync(join(dir, 'htdocs'), { recursive: true });
  const made = spawnSync('/usr/sbin/mellon_create_metadata', [entityId, `${baseUrl}/mellon`], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(`mellon_create_metadata failed:\n${made.stdout}${made.stderr}`);
  const stem = join(dir, entityId.replace(/[^0-9A-Za-z.]/g, '_').replace(/__*/g, '_'));
  const files = {
    key: `${stem}.key`,
    cert: `${stem}.cert`,
    spMetadata: `${stem}.xml`,
    idpMetadata: join(dir, 'idp-metadata.xml'),
  };
  writeFileSync(
    join(dir, 'htdocs', 'signed-out.html'),
    '<!doctype html><title>Signed out</title><h1>Signed out</h1>\n',
  );
  const whoami = writeWhoamiPage(dir, ['MELLON_']);
  return {
    baseUrl,
    entityId,
    metadata: readFileSync(files.spMetadata, 'utf8'),
    protectedUrl: `${baseUrl}/protected/`,
    signedOutUrl: `${baseUrl}/signed-out.html`,
    logoutUrl: (returnTo) => `${baseUrl}/mellon/logout?ReturnTo=${encodeURIComponent(returnTo)}`,
    start: (idpMetadata) => {
      writeFileSync(files.idpMetadata, idpMetadata);
      return startApache({
        dir,
        port,
        serverName: 'localhost',
        modules: [MELLON_MODULE],
        site: `DocumentRoot "${join(dir, 'htdocs')}"
<Directory />
    Require all denied
</Directory>
<Directory "${join(dir, 'htdocs')}">
    Require all granted
</Directory>
ScriptAliasMatch "^/protected/$" "${whoami}"
<Files "whoami.cgi">
    Require all granted
</Files>
${mellonSite(files)}`,
      });
    },
  };
}
