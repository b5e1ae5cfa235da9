import { BINDING, parseMetadata, SamlError } from '@federa/saml';
import { type Actor, type Deps, nowIso } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { FieldErrors, notFound } from '../errors.ts';
import {
  type Application,
  findApplication,
  identifierOwner,
  replaceClaims,
  replaceIdentifiers,
  replaceReplyUrls,
  type SigningAlgorithm,
  type SigningOption,
  updateApplicationColumns,
} from './applications.repository.ts';
import { auditApplication, diff, requireApplication } from './applications.service.ts';
import { type BasicSamlInput, urlProblem, validateBasicSaml } from './basic-saml.ts';
import {
  claimUri,
  GROUP_CLAIM_MODES,
  GROUP_CLAIM_SOURCES,
  type GroupClaimMode,
  type GroupClaimSource,
  isUserAttribute,
  NAME_ID_FORMATS,
} from './claims.ts';

/** Saves the Basic SAML Configuration. Throws FormErrors keyed as `validateBasicSaml` says. */
export async function updateBasicSaml(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  input: BasicSamlInput,
): Promise<Application> {
  return inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const { value, errors } = await validateBasicSaml(input, (identifier) =>
      identifierOwner(db, tenantId, identifier, app.id),
    );
    errors.throwIfAny();
    const at = nowIso(deps);
    await replaceIdentifiers(db, app, value.identifiers);
    await replaceReplyUrls(db, app.id, value.replyUrls);
    await updateApplicationColumns(
      db,
      app.id,
      {
        signOnUrl: value.signOnUrl,
        relayState: value.relayState,
        logoutUrl: value.logoutUrl,
        // A ResponseLocation from metadata belongs to the endpoint it came with, not to a URL typed
        // in its place.
        logoutResponseUrl: value.logoutUrl === app.logoutUrl ? undefined : null,
        // A typed Logout URL takes HTTP-Redirect, as Entra's does.
        logoutBinding: value.logoutUrl === app.logoutUrl ? undefined : 'redirect',
      },
      at,
    );
    await auditApplication(db, actor, at, app, 'Update Basic SAML Configuration', diff(app, value));
    return (await findApplication(db, tenantId, applicationId))!;
  });
}

/**
 * "Upload metadata file": fills the Basic SAML Configuration from the SP's metadata (entityID →
 * Identifier, HTTP-POST AssertionConsumerServices → Reply URLs with their index and default,
 * HTTP-Redirect SingleLogoutService → Logout URL, or the HTTP-POST one when it offers no other, and
 * its ResponseLocation, if any, → where LogoutResponses go) and records the SP's signing certificates, with which signed AuthnRequests are
 * then verified. Throws FormErrors on `metadata`.
 */
export async function applySpMetadata(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  xml: string,
): Promise<Application> {
  return inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const errors = new FieldErrors();
    if (xml.trim() === '') {
      errors.add('metadata', 'Paste the service provider’s metadata XML.');
      errors.throwIfAny();
    }
    let entity: ReturnType<typeof parseMetadata>;
    try {
      entity = parseMetadata(xml, { role: 'sp' });
    } catch (error) {
      errors.add(
        'metadata',
        error instanceof SamlError
          ? `This metadata cannot be used: ${error.message}`
          : 'This is not SAML metadata.',
      );
      errors.throwIfAny();
      throw error;
    }
    const sp = entity.sp!;
    const acs = sp.assertionConsumerServices.filter((e) => e.binding === BINDING.post);
    if (acs.length === 0) {
      errors.add(
        'metadata',
        'The metadata lists no AssertionConsumerService with the HTTP-POST binding, the only one Federa Directory sends responses by.',
      );
      errors.throwIfAny();
    }
    const slo =
      sp.singleLogoutServices.find((e) => e.binding === BINDING.redirect) ??
      sp.singleLogoutServices.find((e) => e.binding === BINDING.post);
    const input: BasicSamlInput = {
      identifiers: [{ identifier: entity.entityId, isDefault: true }],
      replyUrls: acs.map((e) => ({ url: e.location, index: e.index, isDefault: e.isDefault })),
      signOnUrl: app.signOnUrl,
      relayState: app.relayState,
      logoutUrl: slo?.location ?? app.logoutUrl,
    };
    const { value, errors: fieldErrors } = await validateBasicSaml(input, (identifier) =>
      identifierOwner(db, tenantId, identifier, app.id),
    );
    // SAML Metadata §2.2.2: ResponseLocation, when present, is where responses to this endpoint go.
    const logoutResponseUrl = slo
      ? slo.responseLocation && slo.responseLocation !== slo.location
        ? slo.responseLocation
        : null
      : app.logoutResponseUrl;
    const responseProblem = logoutResponseUrl ? urlProblem(logoutResponseUrl, 'Logout response URL') : null;
    if (fieldErrors.any || responseProblem) {
      const problems = [...Object.values(fieldErrors.fields), ...(responseProblem ? [responseProblem] : [])];
      errors.add('metadata', `The metadata’s values are not accepted: ${problems.join(' ')}`);
      errors.throwIfAny();
    }
    const at = nowIso(deps);
    const spSigningCertificates = sp.signingCertificates.map((c) => c.base64);
    await replaceIdentifiers(db, app, value.identifiers);
    await replaceReplyUrls(db, app.id, value.replyUrls);
    await updateApplicationColumns(
      db,
      app.id,
      {
        logoutUrl: value.logoutUrl,
        logoutResponseUrl,
        logoutBinding: slo ? (slo.binding === BINDING.post ? 'post' : 'redirect') : undefined,
        spSigningCertificates,
      },
      at,
    );
    await auditApplication(db, actor, at, app, 'Upload service provider metadata', {
      entityId: entity.entityId,
      replyUrls: value.replyUrls.map((r) => r.url),
      logoutUrl: value.logoutUrl,
      logoutResponseUrl,
      ...(slo?.binding === BINDING.post ? { logoutBinding: 'HTTP-POST' } : {}),
      spSigningCertificates: sp.signingCertificates.map((c) => c.thumbprint),
    });
    return (await findApplication(db, tenantId, applicationId))!;
  });
}

/** Required claim: Unique User Identifier (Name ID) source attribute and format. */
export async function updateNameId(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  input: { source: string; format: string },
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const errors = new FieldErrors();
    if (!isUserAttribute(input.source)) errors.add('source', 'Choose a source attribute from the list.');
    if (!NAME_ID_FORMATS.some((f) => f.value === input.format))
      errors.add('format', 'Choose a name identifier format from the list.');
    errors.throwIfAny();
    const at = nowIso(deps);
    await updateApplicationColumns(
      db,
      app.id,
      { nameIdSource: input.source, nameIdFormat: input.format },
      at,
    );
    await auditApplication(db, actor, at, app, 'Update claim', {
      claim: 'NameID',
      ...diff({ source: app.nameIdSource, format: app.nameIdFormat }, input),
    });
  });
}

export interface ClaimInput {
  name: string;
  namespace: string;
  source: string;
}

function validateClaim(app: Application, input: ClaimInput, exceptId: string | null) {
  const errors = new FieldErrors();
  const name = input.name.trim();
  const namespace = input.namespace.trim().replace(/\/+$/, '') || null;
  if (name === '') errors.add('name', 'Enter the claim name, e.g. department.');
  else if (name.length > 256 || /[\s<>"]/.test(name))
    errors.add('name', 'The name cannot contain spaces, < > or " and can be at most 256 characters.');
  if (namespace && !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(namespace)) {
    errors.add(
      'namespace',
      'The namespace is a URI, e.g. http://schemas.xmlsoap.org/ws/2005/05/identity/claims.',
    );
  }
  if (!isUserAttribute(input.source)) errors.add('source', 'Choose a source attribute from the list.');
  const uri = claimUri({ name, namespace });
  if (!errors.has('name') && app.claims.some((c) => c.id !== exceptId && claimUri(c) === uri)) {
    errors.add('name', `The application already sends a claim named ${uri}.`);
  }
  return { errors, claim: { name, namespace, source: input.source } };
}

export async function addClaim(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  input: ClaimInput,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const { errors, claim } = validateClaim(app, input, null);
    errors.throwIfAny();
    const at = nowIso(deps);
    await replaceClaims(db, app.id, [...app.claims, claim]);
    await updateApplicationColumns(db, app.id, {}, at);
    await auditApplication(db, actor, at, app, 'Add claim', { claim: claimUri(claim), source: claim.source });
  });
}

export async function updateClaim(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  claimId: string,
  input: ClaimInput,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const current = app.claims.find((c) => c.id === claimId);
    if (!current) throw notFound('The claim');
    const { errors, claim } = validateClaim(app, input, claimId);
    errors.throwIfAny();
    const at = nowIso(deps);
    await replaceClaims(
      db,
      app.id,
      app.claims.map((c) => (c.id === claimId ? { ...claim, id: claimId } : c)),
    );
    await updateApplicationColumns(db, app.id, {}, at);
    await auditApplication(db, actor, at, app, 'Update claim', {
      claim: claimUri(claim),
      ...diff(
        { name: claimUri(current), source: current.source },
        { name: claimUri(claim), source: claim.source },
      ),
    });
  });
}

export async function removeClaim(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  claimId: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const current = app.claims.find((c) => c.id === claimId);
    if (!current) throw notFound('The claim');
    const at = nowIso(deps);
    await replaceClaims(
      db,
      app.id,
      app.claims.filter((c) => c.id !== claimId),
    );
    await updateApplicationColumns(db, app.id, {}, at);
    await auditApplication(db, actor, at, app, 'Delete claim', { claim: claimUri(current) });
  });
}

/** The group claim (none / all groups / groups assigned to the application) and what it carries. */
export async function updateGroupClaim(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  input: { mode: string; source: string },
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const errors = new FieldErrors();
    if (!GROUP_CLAIM_MODES.some((m) => m.value === input.mode))
      errors.add('mode', 'Choose which groups to send.');
    if (!GROUP_CLAIM_SOURCES.some((s) => s.value === input.source))
      errors.add('source', 'Choose what identifies each group.');
    errors.throwIfAny();
    const at = nowIso(deps);
    const change = {
      groupClaim: input.mode as GroupClaimMode,
      groupClaimSource: input.source as GroupClaimSource,
    };
    await updateApplicationColumns(db, app.id, change, at);
    await auditApplication(db, actor, at, app, 'Update group claim', diff(app, change));
  });
}

/** Whether the role claim carries the values of the user's app roles. */
export async function updateRoleClaim(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  enabled: boolean,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const at = nowIso(deps);
    await updateApplicationColumns(db, app.id, { roleClaim: enabled }, at);
    await auditApplication(db, actor, at, app, 'Update role claim', diff(app, { roleClaim: enabled }));
  });
}

const EMAIL = /^[^\s@,;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

/**
 * SAML Signing Certificate settings: signing option, algorithm, notification email addresses, and
 * whether the application's own signed requests may use RSA-SHA1 (unchanged when not given).
 */
export async function updateSigning(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  input: {
    signingOption: string;
    signingAlgorithm: string;
    notificationEmails: string;
    allowSha1Requests?: boolean;
  },
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const errors = new FieldErrors();
    if (!['assertion', 'response', 'both'].includes(input.signingOption))
      errors.add('signingOption', 'Choose what to sign.');
    if (!['sha256', 'sha1'].includes(input.signingAlgorithm))
      errors.add('signingAlgorithm', 'Choose SHA-256 or SHA-1.');
    const emails = input.notificationEmails
      .split(/[\s,;]+/)
      .map((e) => e.trim())
      .filter(Boolean);
    const bad = emails.filter((e) => !EMAIL.test(e));
    if (bad.length > 0) errors.add('notificationEmails', `Not an email address: ${bad.join(', ')}.`);
    else if (emails.length > 5) errors.add('notificationEmails', 'Enter at most 5 addresses.');
    errors.throwIfAny();
    const at = nowIso(deps);
    const change = {
      signingOption: input.signingOption as SigningOption,
      signingAlgorithm: input.signingAlgorithm as SigningAlgorithm,
      allowSha1Requests: input.allowSha1Requests ?? app.allowSha1Requests,
      notificationEmails: emails,
    };
    await updateApplicationColumns(db, app.id, change, at);
    await auditApplication(db, actor, at, app, 'Update SAML signing settings', diff(app, change));
  });
}
