import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Clock, type Random, systemClock, systemRandom } from '../../src/clock.ts';
import { SamlError, type SamlErrorCode } from '../../src/errors.ts';
import { type IssuedResponse, issueResponse, type SigningMode } from '../../src/protocol/response-build.ts';
import { AUTHN_CONTEXT, NAMEID_FORMAT } from '../../src/xml/namespaces.ts';
import { makeCredential, type TestCredential } from '../support/credentials.ts';

/** Shared parts of the interop tests: the parties' addresses, the Entra claim set, the peers' tools. */

/** Federa Workspace's organization `acme`, at Sentry's paths (DESIGN.md "Addresses"). */
export const SP = {
  entityId: 'http://localhost:5000/saml/metadata/acme/',
  acsUrl: 'http://localhost:5000/saml/acs/acme/',
} as const;

/** Federa Directory's tenant Contoso. */
export const IDP = {
  entityId: 'http://127.0.0.1:4000/8f1b8d3e-0000-4000-8000-000000000001/',
  ssoUrl: 'http://127.0.0.1:4000/contoso.com/saml2',
} as const;

export const USER = 'B.Simon@contoso.com';

/** The claims Entra emits by default (fixtures/entra/azure-ad-saml-response.*), for B.Simon. */
export const ENTRA_CLAIMS: ReadonlyArray<{ name: string; values: readonly string[] }> = [
  {
    name: 'http://schemas.microsoft.com/identity/claims/tenantid',
    values: ['8f1b8d3e-0000-4000-8000-000000000001'],
  },
  {
    name: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
    values: ['4b0f5a51-8c6d-4e7a-9f21-0d7c2b9e6a11'],
  },
  { name: 'http://schemas.microsoft.com/identity/claims/displayname', values: ['B. Simon'] },
  { name: 'http://schemas.microsoft.com/identity/claims/identityprovider', values: [IDP.entityId] },
  {
    name: 'http://schemas.microsoft.com/claims/authnmethodsreferences',
    values: ['http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password'],
  },
  { name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname', values: ['B.'] },
  { name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', values: ['Simon'] },
  { name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', values: [USER] },
  { name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', values: [USER] },
  // Not an Entra default: a group claim with two values and markup-significant characters.
  {
    name: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
    values: ['R&D <lab>', 'Sales "EU"'],
  },
];

/** The IdP's signing credential (one per test process). */
export function idpCredential(): Promise<TestCredential> {
  return makeCredential('Federa Directory interop IdP');
}

export interface IssueOptions {
  mode: SigningMode;
  inResponseTo: string | null;
  attributes?: ReadonlyArray<{ name: string; values: readonly string[] }>;
  audience?: string;
  destination?: string;
  clock?: Clock;
  random?: Random;
}

/** A response from our IdP (`issueResponse`) for B.Simon, to SP, on the real clock unless told. */
export async function issue(options: IssueOptions): Promise<IssuedResponse & { base64: string }> {
  const { credential } = await idpCredential();
  const clock = options.clock ?? systemClock;
  const issued = await issueResponse({
    issuer: IDP.entityId,
    destination: options.destination ?? SP.acsUrl,
    audience: options.audience ?? SP.entityId,
    inResponseTo: options.inResponseTo,
    nameId: { value: USER, format: NAMEID_FORMAT.emailAddress },
    attributes: options.attributes ?? ENTRA_CLAIMS,
    authnInstant: new Date(clock.now().getTime() - 30_000),
    authnContextClassRef: AUTHN_CONTEXT.password,
    signing: { credential, mode: options.mode },
    clock,
    random: options.random ?? systemRandom,
  });
  return { ...issued, base64: Buffer.from(issued.xml, 'utf8').toString('base64') };
}

/** Claims as a plain object of name → values, for deepEqual against what a peer returns. */
export function claimsRecord(
  claims: ReadonlyArray<{ name: string; values: readonly string[] }> = ENTRA_CLAIMS,
): Record<string, string[]> {
  return Object.fromEntries(claims.map((c) => [c.name, [...c.values]]));
}

/**
 * Fails (never skips) when a peer tool is not installed, naming the Debian package that provides it:
 * an interop test that silently does not run proves nothing.
 */
export function requireTool(path: string, debianPackage: string): string {
  assert.ok(
    existsSync(path),
    `${path} is missing: install the Debian package ${debianPackage} (apt-get install ${debianPackage})`,
  );
  return path;
}

/** The shared fixtures directory, `../shared/fixtures` beside the repository root (as CI lays it out). */
export function sharedFixture(...parts: string[]): string {
  const url = new URL(`../../../../../shared/fixtures/${parts.join('/')}`, import.meta.url);
  const path = fileURLToPath(url);
  assert.ok(existsSync(path), `missing fixture ${path}: ../shared must sit beside the repository root`);
  return path;
}

/** Asserts that `fn` rejects with a SamlError (of `code`, when given), and returns the code. */
export async function rejectsSaml(fn: () => Promise<unknown>, code?: SamlErrorCode): Promise<SamlErrorCode> {
  let caught: unknown = null;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught instanceof SamlError,
    `expected a SamlError, got ${caught === null ? 'success' : String(caught)}`,
  );
  if (code !== undefined) assert.equal(caught.code, code);
  return caught.code;
}
