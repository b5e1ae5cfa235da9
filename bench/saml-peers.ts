import { type CacheProvider, SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import * as samlify from 'samlify';
import { NAMEID_FORMAT, STATUS } from '../packages/saml/src/xml/namespaces.ts';
import type { SamlBenchParties } from './saml-fixture.ts';

/**
 * The peers we measure against, configured as a Workspace organization would configure them to
 * accept Directory's (Entra-shaped) response: IdP certificate pinned, audience, ACS, IdP issuer,
 * assertion signature required.
 */

/** How samlify's schema validation runs: the real XSD validator, or one that accepts everything. */
export type SchemaValidatorKind = '@authenio/samlify-node-xmllint' | 'pass-through';

/**
 * A node-saml cache provider that holds the pending request ID for good. node-saml removes an ID once
 * a response answers it; the benchmark answers the same request over and over, as `pendingRequestIds`
 * does for ours, so removal is a no-op here. Lookups still run on every validation.
 */
function pendingRequestCache(requestId: string): CacheProvider {
  const createdAt = new Date().toISOString();
  return {
    saveAsync: async (_key, value) => ({ value, createdAt: Date.now() }),
    getAsync: async (key) => (key === requestId ? createdAt : null),
    removeAsync: async (key) => key,
  };
}

/** node-saml's ACS check, `validatePostResponseAsync({ SAMLResponse })`, with InResponseTo 'always'. */
export function nodeSamlValidator(parties: SamlBenchParties): (samlResponse: string) => Promise<unknown> {
  const saml = new SAML({
    idpCert: parties.signing.certPem,
    idpIssuer: parties.issuer,
    issuer: parties.spEntityId,
    audience: parties.spEntityId,
    callbackUrl: parties.acsUrl,
    wantAssertionsSigned: true,
    // Entra signs the assertion, not the response (node-saml 5 requires both by default).
    wantAuthnResponseSigned: false,
    validateInResponseTo: ValidateInResponseTo.always,
    cacheProvider: pendingRequestCache(parties.requestId),
    acceptedClockSkewMs: 180_000,
  });
  return (SAMLResponse) => saml.validatePostResponseAsync({ SAMLResponse });
}

type SchemaValidate = (xml: string) => Promise<unknown>;
const passThrough: SchemaValidate = async () => 'SUCCESS_VALIDATE_XML';
const schemaValidators: Record<SchemaValidatorKind, SchemaValidate> = {
  '@authenio/samlify-node-xmllint': async () => {
    throw new Error('loadSamlifySchemaValidators() was not called');
  },
  'pass-through': passThrough,
};
let schemaInForce: SchemaValidatorKind = '@authenio/samlify-node-xmllint';

/**
 * Loads samlify's XSD validator and installs, as samlify's (process-wide) schema validator, one that
 * delegates to the validator of the samlify contender running. node-xmllint, behind the XSD
 * validator, runs a fresh Emscripten instance per call that writes to stdout: run samlify's
 * validations inside `quietly`.
 */
export async function loadSamlifySchemaValidators(): Promise<void> {
  const module = (await import('@authenio/samlify-node-xmllint')) as {
    validate?: SchemaValidate;
    default?: { validate?: SchemaValidate };
  };
  const validate = module.validate ?? module.default?.validate;
  if (typeof validate !== 'function') throw new Error('@authenio/samlify-node-xmllint has no validate()');
  schemaValidators['@authenio/samlify-node-xmllint'] = validate;
  samlify.setSchemaValidator({ validate: (xml: string) => schemaValidators[schemaInForce](xml) });
}

/**
 * Runs `work` with process.stdout writes dropped, then takes off the process what node-xmllint left
 * there. Each of its validations ends in Emscripten's `exit()`, which prints a blank line, adds an
 * `uncaughtException` listener and, worse, `process.stdout.once('drain', () => process.exit())`: left
 * in place, the first time stdout drains the benchmark would quit, with status 0, before its figures.
 */
export async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  const before = {
    uncaught: new Set(process.listeners('uncaughtException')),
    drain: new Set(process.stdout.listeners('drain')),
  };
  const maxListeners = [process.getMaxListeners(), process.stdout.getMaxListeners()] as const;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.setMaxListeners(0);
  process.stdout.setMaxListeners(0);
  try {
    return await work();
  } finally {
    process.stdout.write = write;
    for (const listener of process.listeners('uncaughtException')) {
      if (!before.uncaught.has(listener)) process.removeListener('uncaughtException', listener);
    }
    for (const listener of process.stdout.listeners('drain')) {
      if (!before.drain.has(listener)) process.stdout.removeListener('drain', listener as () => void);
    }
    process.setMaxListeners(maxListeners[0]);
    process.stdout.setMaxListeners(maxListeners[1]);
  }
}

function samlifySp(parties: SamlBenchParties) {
  return samlify.ServiceProvider({
    entityID: parties.spEntityId,
    assertionConsumerService: [
      { Binding: samlify.Constants.namespace.binding.post, Location: parties.acsUrl },
    ],
    wantAssertionsSigned: true,
    clockDrifts: [-180_000, 180_000],
  });
}

/**
 * samlify's ACS check, `sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse } })`, with the
 * schema validator `schema`.
 */
export function samlifyValidator(
  parties: SamlBenchParties,
  schema: SchemaValidatorKind,
): (samlResponse: string) => Promise<unknown> {
  const sp = samlifySp(parties);
  const idp = samlify.IdentityProvider({
    entityID: parties.issuer,
    signingCert: parties.signing.certPem,
    ...idpEndpoints(parties),
  });
  return (SAMLResponse) => {
    schemaInForce = schema;
    return sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse } });
  };
}

/** Entra's SAML endpoints for the tenant: sign-on and sign-out share `/{tid}/saml2`. */
function idpEndpoints(parties: SamlBenchParties) {
  const endpoint = `https://login.microsoftonline.com/${parties.tenantId}/saml2`;
  const { redirect } = samlify.Constants.namespace.binding;
  return {
    singleSignOnService: [{ Binding: redirect, Location: endpoint }],
    singleLogoutService: [{ Binding: redirect, Location: endpoint }],
  };
}

const tag = (name: string) => `attr${name.charAt(0).toUpperCase()}${name.slice(1)}`;

/**
 * samlify's IdP issuing the same response: Entra's claims through a `loginResponseTemplate` (samlify
 * fills templates with `customTagReplacement`, as its documentation shows), the assertion signed with
 * RSA-SHA256. Returns the base64 SAMLResponse, as `createLoginResponse` does.
 */
export function samlifyIssuer(parties: SamlBenchParties): () => Promise<string> {
  const sp = samlifySp(parties);
  const valueTags = parties.claims.map((claim) => claim.name.replace(/^.*\//, ''));
  const template = [
    '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{ID}" Version="2.0" IssueInstant="{IssueInstant}" Destination="{Destination}" InResponseTo="{InResponseTo}">',
    '<saml:Issuer>{Issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="{StatusCode}"/></samlp:Status>',
    '<saml:Assertion ID="{AssertionID}" Version="2.0" IssueInstant="{IssueInstant}"><saml:Issuer>{Issuer}</saml:Issuer>',
    '<saml:Subject><saml:NameID Format="{NameIDFormat}">{NameID}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="{InResponseTo}" NotOnOrAfter="{SubjectConfirmationDataNotOnOrAfter}" Recipient="{SubjectRecipient}"/></saml:SubjectConfirmation></saml:Subject>',
    '<saml:Conditions NotBefore="{ConditionsNotBefore}" NotOnOrAfter="{ConditionsNotOnOrAfter}"><saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>',
    '{AttributeStatement}',
    '<saml:AuthnStatement AuthnInstant="{AuthnInstant}" SessionIndex="{AssertionID}"><saml:AuthnContext><saml:AuthnContextClassRef>{AuthnContextClassRef}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>',
    '</saml:Assertion></samlp:Response>',
  ].join('');
  const idp = samlify.IdentityProvider({
    entityID: parties.issuer,
    signingCert: parties.signing.certPem,
    privateKey: parties.signing.keyPem,
    ...idpEndpoints(parties),
    nameIDFormat: [NAMEID_FORMAT.emailAddress],
    loginResponseTemplate: {
      context: template,
      attributes: parties.claims.map((claim, i) => ({
        name: claim.name,
        valueTag: valueTags[i]!,
        nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
        valueXsiType: 'xs:string',
      })),
    },
  });
  const claimValues = Object.fromEntries(parties.claims.map((c, i) => [tag(valueTags[i]!), c.values[0]]));
  const customTagReplacement = (context: string) => {
    const now = new Date();
    const id = idp.entitySetting.generateID!();
    const assertionId = idp.entitySetting.generateID!();
    const values: Record<string, string> = {
      ID: id,
      AssertionID: assertionId,
      Destination: parties.acsUrl,
      Audience: parties.spEntityId,
      SubjectRecipient: parties.acsUrl,
      Issuer: parties.issuer,
      IssueInstant: now.toISOString(),
      StatusCode: STATUS.success,
      ConditionsNotBefore: new Date(now.getTime() - 300_000).toISOString(),
      ConditionsNotOnOrAfter: new Date(now.getTime() + 3_600_000).toISOString(),
      SubjectConfirmationDataNotOnOrAfter: new Date(now.getTime() + 3_600_000).toISOString(),
      NameIDFormat: NAMEID_FORMAT.emailAddress,
      NameID: parties.nameId,
      InResponseTo: parties.requestId,
      AuthnInstant: now.toISOString(),
      AuthnContextClassRef: 'urn:oasis:names:tc:SAML:2.0:ac:classes:Password',
      ...claimValues,
    };
    return { id, context: samlify.SamlLib.replaceTagsByValue(context, values) };
  };
  const requestInfo = { extract: { request: { id: parties.requestId } } };
  return async () => {
    const { context } = await idp.createLoginResponse(sp, requestInfo, 'post', { email: parties.nameId }, {
      customTagReplacement,
    } as never);
    return context;
  };
}
