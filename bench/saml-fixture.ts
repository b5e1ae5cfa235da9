import { randomUUID } from 'node:crypto';
import type { Clock, Random } from '../packages/saml/src/clock.ts';
import { systemRandom } from '../packages/saml/src/clock.ts';
import { type GeneratedCredential, generateCredential } from '../packages/saml/src/keygen.ts';
import type { IssueResponseOptions } from '../packages/saml/src/protocol/response-build.ts';
import { AUTHN_CONTEXT, NAMEID_FORMAT } from '../packages/saml/src/xml/namespaces.ts';

/** The parties of the benchmark: a Directory tenant (as Entra) and the Workspace organization `acme`. */
export interface SamlBenchParties {
  tenantId: string;
  /** Entra's issuer form: `https://sts.windows.net/{tid}/`. */
  issuer: string;
  spEntityId: string;
  acsUrl: string;
  /** The pending AuthnRequest the response answers. */
  requestId: string;
  signing: GeneratedCredential;
  nameId: string;
  /** Entra's default claims for a user, in the order Entra emits them. */
  claims: ReadonlyArray<{ name: string; values: readonly string[] }>;
}

const CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
const MS_CLAIMS = 'http://schemas.microsoft.com/identity/claims';

/**
 * One IdP signing key (RSA-2048, as Entra's SAML signing certificate) and the parties of the
 * tutorial's sign-in: B.Simon of Contoso signing in to Workspace organization `acme`.
 *
 * @example
 * const parties = await makeParties();
 * const { xml } = await issueResponse(entraResponse(parties, systemClock, systemRandom));
 */
export async function makeParties(): Promise<SamlBenchParties> {
  const tenantId = randomUUID();
  const issuer = `https://sts.windows.net/${tenantId}/`;
  const nameId = 'B.Simon@contoso.com';
  return {
    tenantId,
    issuer,
    spEntityId: 'http://localhost:5000/saml/metadata/acme/',
    acsUrl: 'http://localhost:5000/saml/acs/acme/',
    requestId: systemRandom.id(),
    signing: await generateCredential({ cn: 'Microsoft Azure Federated SSO Certificate' }),
    nameId,
    claims: [
      { name: `${MS_CLAIMS}/tenantid`, values: [tenantId] },
      { name: `${MS_CLAIMS}/objectidentifier`, values: [randomUUID()] },
      { name: `${MS_CLAIMS}/displayname`, values: ['B.Simon'] },
      { name: `${MS_CLAIMS}/identityprovider`, values: [issuer] },
      {
        name: 'http://schemas.microsoft.com/claims/authnmethodsreferences',
        values: ['http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password'],
      },
      { name: `${CLAIMS}/givenname`, values: ['B'] },
      { name: `${CLAIMS}/surname`, values: ['Simon'] },
      { name: `${CLAIMS}/emailaddress`, values: [nameId] },
      { name: `${CLAIMS}/name`, values: [nameId] },
    ],
  };
}

/**
 * The options under which our IdP issues the Entra-shaped response: NameID emailAddress, Entra's
 * default claims, the assertion signed with RSA-SHA256, valid for Entra's 60 minutes.
 */
export function entraResponse(parties: SamlBenchParties, clock: Clock, random: Random): IssueResponseOptions {
  return {
    issuer: parties.issuer,
    destination: parties.acsUrl,
    audience: parties.spEntityId,
    inResponseTo: parties.requestId,
    nameId: { value: parties.nameId, format: NAMEID_FORMAT.emailAddress },
    attributes: parties.claims,
    authnInstant: clock.now(),
    authnContextClassRef: AUTHN_CONTEXT.password,
    lifetimeSeconds: 3600,
    signing: { credential: parties.signing.credential, algorithm: 'rsa-sha256', mode: 'assertion' },
    clock,
    random,
  };
}
