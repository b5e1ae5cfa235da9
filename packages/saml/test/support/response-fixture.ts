import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fixedClock, type Random } from '../../src/clock.ts';
import { SamlError, type SamlErrorCode } from '../../src/errors.ts';
import { type SigningCredential, signingCredential } from '../../src/keys.ts';
import {
  type ValidatedAssertion,
  type ValidateResponseOptions,
  validateResponse,
} from '../../src/protocol/response.ts';
import {
  type IssuedResponse,
  type IssueResponseOptions,
  issueResponse,
} from '../../src/protocol/response-build.ts';
import { AUTHN_CONTEXT, NAMEID_FORMAT } from '../../src/xml/namespaces.ts';

/**
 * One Entra-shaped SAML Response, issued with a fixed clock, fixed IDs and the committed test-only
 * keys, so that every attack fixture derived from it is byte-for-byte reproducible, and a `validate`
 * helper holding the SP options that accept it.
 */

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The instant the fixtures were issued; validating "now" means validating at this instant. */
export const NOW = '2025-03-14T09:26:53.562Z';
export const clock = fixedClock(NOW);

export const TENANT_ID = '8f1b8d3e-4c2a-4b7e-9d3f-6a5b2c1e0f47';
export const IDP_ENTITY_ID = `https://sts.windows.net/${TENANT_ID}/`;
export const SP_ENTITY_ID = 'http://localhost:5000/saml/metadata/acme/';
export const ACS_URL = 'http://localhost:5000/saml/acs/acme/';
export const REQUEST_ID = '_5f0c8e3a1b9d4f7e2a6c0d8b3e1f9a7c5d2b4e6f';
export const NAME_ID = 'B.Simon@contoso.com';
/** What an attacker wants to become. */
export const EVIL_NAME_ID = 'admin@contoso.com';

const CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
const MS_CLAIM = 'http://schemas.microsoft.com/identity/claims';
/** Entra's default claims for B.Simon, in Entra's order. */
export const ATTRIBUTES: ReadonlyArray<{ name: string; values: readonly string[] }> = [
  { name: `${MS_CLAIM}/tenantid`, values: [TENANT_ID] },
  { name: `${MS_CLAIM}/objectidentifier`, values: ['2d4f6a8c-1e3b-4d5f-8a7c-9e0b1d3f5a7c'] },
  { name: `${MS_CLAIM}/displayname`, values: ['B. Simon'] },
  { name: `${MS_CLAIM}/identityprovider`, values: [IDP_ENTITY_ID] },
  { name: `${CLAIM}/givenname`, values: ['B.'] },
  { name: `${CLAIM}/surname`, values: ['Simon'] },
  { name: `${CLAIM}/emailaddress`, values: [NAME_ID] },
  { name: `${CLAIM}/name`, values: [NAME_ID] },
];

export interface Identity {
  issuer: string;
  nameId: string;
  attributes: Record<string, string[]>;
}

export const EXPECTED_IDENTITY: Identity = {
  issuer: IDP_ENTITY_ID,
  nameId: NAME_ID,
  attributes: Object.fromEntries(ATTRIBUTES.map((a) => [a.name, [...a.values]])),
};

/** What a sign-in would be based on: who, by whom, with which claims. */
export function identityOf(result: ValidatedAssertion): Identity {
  return { issuer: result.issuer, nameId: result.nameId, attributes: { ...result.attributes } };
}

export type TestKeyName = 'idp-signing' | 'idp-signing-next' | 'attacker' | 'sp-encryption';

const keys = new Map<TestKeyName, SigningCredential>();

/** A committed test-only key and certificate (test/fixtures/keys/<name>.TEST-ONLY.*.pem). */
export function testKey(name: TestKeyName): SigningCredential {
  let credential = keys.get(name);
  if (!credential) {
    const read = (part: string) => readFileSync(`${FIXTURES}keys/${name}.TEST-ONLY.${part}.pem`, 'utf8');
    credential = signingCredential(read('key'), read('cert'));
    keys.set(name, credential);
  }
  return credential;
}

/** Entra-like IDs (`_` + a GUID), the same sequence for every issuance of one `series`. */
export function sequenceRandom(series = 0): Random {
  let n = 0;
  const prefix = `_d71a3a8e-9fcc-4c9e-9a4e-${String(series).padStart(8, '0')}`;
  return { id: () => `${prefix}${String(++n).padStart(4, '0')}` };
}

/**
 * Issues the valid response (assertion signed, as Entra does by default) or a variant of it.
 *
 * @example
 * const { xml } = await issue({ signing: { credential: testKey('idp-signing'), mode: 'both' } });
 */
export function issue(overrides: Partial<IssueResponseOptions> = {}): Promise<IssuedResponse> {
  return issueResponse({
    issuer: IDP_ENTITY_ID,
    destination: ACS_URL,
    audience: SP_ENTITY_ID,
    inResponseTo: REQUEST_ID,
    nameId: { value: NAME_ID, format: NAMEID_FORMAT.emailAddress },
    attributes: ATTRIBUTES,
    authnInstant: new Date(Date.parse(NOW) - 7_000),
    authnContextClassRef: AUTHN_CONTEXT.passwordProtectedTransport,
    signing: { credential: testKey('idp-signing'), mode: 'assertion' },
    clock,
    random: sequenceRandom(),
    ...overrides,
  });
}

/** The SP options that accept the valid response: this IdP, this SP, the pending request. */
export function validateOptions(overrides: Partial<ValidateResponseOptions> = {}): ValidateResponseOptions {
  return {
    idp: { entityId: IDP_ENTITY_ID, signingCertificates: [testKey('idp-signing').certificate] },
    sp: { entityId: SP_ENTITY_ID, acsUrl: ACS_URL },
    clock,
    pendingRequestIds: [REQUEST_ID],
    ...overrides,
  };
}

export function validate(
  xml: string,
  overrides: Partial<ValidateResponseOptions> = {},
): Promise<ValidatedAssertion> {
  return validateResponse(xml, validateOptions(overrides));
}

/** Asserts that `promise` rejects with a SamlError carrying exactly `code`. */
export async function rejectsWith(promise: Promise<unknown>, code: SamlErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SamlError, `expected a SamlError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

/** Validates and asserts the result is the expected identity (B.Simon, from this IdP, with her claims). */
export async function acceptsAsBSimon(
  xml: string,
  overrides: Partial<ValidateResponseOptions> = {},
): Promise<ValidatedAssertion> {
  const result = await validate(xml, overrides);
  assert.deepEqual(identityOf(result), EXPECTED_IDENTITY);
  return result;
}

/** A committed fixture document, by its structural name (test/fixtures/<dir>/<name>.xml). */
export function fixture(name: string, dir: 'attacks' | 'valid' = 'attacks'): string {
  return readFileSync(`${FIXTURES}${dir}/${name}.xml`, 'utf8');
}

export const FIXTURES_DIR = FIXTURES;
