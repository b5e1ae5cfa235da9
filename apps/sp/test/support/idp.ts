import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AUTHN_CONTEXT,
  buildIdpMetadata,
  type Clock,
  decodeRedirect,
  type GeneratedCredential,
  generateCredential,
  issueResponse,
  NAMEID_FORMAT,
  parseAuthnRequest,
  rawQuery,
  type SignatureAlgorithmName,
  type SigningMode,
  systemRandom,
} from '@federa/saml';
import { ENTRA_CLAIMS } from '../../src/providers/attribute-mapping.ts';
import { BASE } from './app.ts';

const credentials = new Map<string, Promise<GeneratedCredential>>();

/** A signing credential made once per name in this process (key generation takes ~100 ms). */
export function credential(name: string): Promise<GeneratedCredential> {
  let made = credentials.get(name);
  if (!made) {
    made = generateCredential({ cn: name });
    credentials.set(name, made);
  }
  return made;
}

export interface TestUser {
  objectId: string;
  email: string;
  givenName?: string;
  surname?: string;
  /** No mailbox (Entra's user.mail empty): the emailaddress claim is left out; `email` is then the UPN. */
  noMailbox?: boolean;
}

export const BSIMON: TestUser = {
  objectId: '0b3e9a8c-5f5c-4d3e-9b8a-2f4f1c6d7e01',
  email: 'b.simon@contoso.com',
  givenName: 'B',
  surname: 'Simon',
};

/** An Entra-shaped test IdP (entity ID `https://sts.test/{tenant}/`), with the credentials it signs with. */
export class TestIdp {
  readonly entityId: string;
  readonly ssoUrl: string;
  signer: GeneratedCredential;
  /** Certificates its metadata lists (the signer's, unless a rollover is being played). */
  listed: GeneratedCredential[];

  constructor(tenant: string, signer: GeneratedCredential, ssoUrl = `https://login.test/${tenant}/saml2`) {
    this.entityId = `https://sts.test/${tenant}/`;
    this.ssoUrl = ssoUrl;
    this.signer = signer;
    this.listed = [signer];
  }

  /** `ssoUrl`: where its metadata says to send AuthnRequests (a server the test runs, for a browser). */
  static async create(
    tenant = 'contoso',
    credentialName = `${tenant}-signing`,
    ssoUrl?: string,
  ): Promise<TestIdp> {
    return new TestIdp(tenant, await credential(credentialName), ssoUrl);
  }

  /** `signedWith`: sign the metadata with the signer's key, as Federa Directory does. */
  metadata(
    options: {
      html?: boolean;
      withoutCertificates?: boolean;
      signedWith?: SignatureAlgorithmName;
      wantAuthnRequestsSigned?: boolean;
    } = {},
  ): string {
    return buildIdpMetadata({
      entityId: this.entityId,
      id: systemRandom.id(),
      signingCertificates: options.withoutCertificates
        ? []
        : this.listed.map((c) => c.credential.certificate),
      ssoUrl: this.ssoUrl,
      sloUrl: this.ssoUrl,
      nameIdFormats: [NAMEID_FORMAT.emailAddress],
      wantAuthnRequestsSigned: options.wantAuthnRequestsSigned,
      sign: options.signedWith
        ? { credential: this.signer.credential, algorithm: options.signedWith }
        : undefined,
    });
  }

  /** The base64 SAMLResponse for `user` at organization `slug`'s ACS. */
  async respond(options: {
    slug: string;
    inResponseTo: string | null;
    user?: TestUser;
    clock: Clock;
    audience?: string;
    acs?: string;
    signer?: GeneratedCredential;
    issuer?: string;
    /** Default rsa-sha256; rsa-sha1 signs and digests with SHA-1, as an IdP set to SHA-1 does. */
    algorithm?: SignatureAlgorithmName;
    /** What is signed; default the assertion (Entra's default). */
    mode?: SigningMode;
    /** The authnmethodsreferences claim's values (left out when not given). */
    authnMethods?: string[];
  }): Promise<{ SAMLResponse: string; assertionId: string; responseId: string }> {
    const user = options.user ?? BSIMON;
    const { xml, assertionId, responseId } = await issueResponse({
      issuer: options.issuer ?? this.entityId,
      destination: options.acs ?? `${BASE}/saml/acs/${options.slug}/`,
      audience: options.audience ?? `${BASE}/saml/metadata/${options.slug}/`,
      inResponseTo: options.inResponseTo,
      nameId: { value: user.email, format: NAMEID_FORMAT.emailAddress },
      attributes: [
        { name: ENTRA_CLAIMS.objectId, values: [user.objectId] },
        { name: ENTRA_CLAIMS.email, values: user.noMailbox ? [] : [user.email] },
        { name: ENTRA_CLAIMS.givenName, values: user.givenName ? [user.givenName] : [] },
        { name: ENTRA_CLAIMS.surname, values: user.surname ? [user.surname] : [] },
        // Entra's default `name` claim: the UPN, which every user has.
        { name: ENTRA_CLAIMS.name, values: [user.email] },
        ...(options.authnMethods
          ? [
              {
                name: 'http://schemas.microsoft.com/claims/authnmethodsreferences',
                values: options.authnMethods,
              },
            ]
          : []),
      ],
      authnInstant: options.clock.now(),
      authnContextClassRef: AUTHN_CONTEXT.password,
      signing: {
        credential: (options.signer ?? this.signer).credential,
        algorithm: options.algorithm,
        mode: options.mode,
      },
      clock: options.clock,
      random: systemRandom,
    });
    return { SAMLResponse: Buffer.from(xml, 'utf8').toString('base64'), assertionId, responseId };
  }
}

/** The AuthnRequest a redirect to the IdP carries. */
export function authnRequestFrom(
  location: string,
  clock: Clock,
): { id: string; relayState: string | null; issuer: string; acs: string | null; forceAuthn: boolean } {
  const decoded = decodeRedirect(rawQuery(location));
  const request = parseAuthnRequest(decoded.xml, { clock });
  return {
    id: request.id,
    relayState: decoded.relayState,
    issuer: request.issuer,
    acs: request.assertionConsumerServiceUrl,
    forceAuthn: request.forceAuthn,
  };
}

/** A tiny HTTP server on 127.0.0.1 for metadata URL tests. */
export async function serve(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
