import { randomUUID } from 'node:crypto';
import { BINDING, type Clock, parseCertificate, SamlError } from '@federa/saml';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Config } from '../config.ts';
import { nowIso } from '../context.ts';
import type { Db } from '../db/db.ts';
import { SpError } from '../errors.ts';
import { countIdentities } from '../identities/identities.repository.ts';
import { fetchMetadataUrl, MetadataFetchError } from '../idp-metadata/fetch.ts';
import {
  idpSettingsFromMetadata,
  MetadataImportError,
  parseCertificateList,
} from '../idp-metadata/import.ts';
import { isRole } from '../organizations/roles.ts';
import { ValidationError } from '../validation.ts';
import {
  ACTIVE_DIRECTORY_MAPPING,
  type AttributeMapping,
  GENERIC_DEFAULT_MAPPING,
} from './attribute-mapping.ts';
import {
  deleteProvider,
  findProviderByOrganization,
  type IdpSettings,
  insertProvider,
  type MetadataSource,
  markActive,
  type Provider,
  type ProviderKind,
  type ProviderOptions,
  updateIdpSettings,
  updateMapping,
  updateOptions,
} from './providers.repository.ts';

/** What the provider services need: the seeding script builds it without HTTP. */
export interface ProviderDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'allowLoopbackMetadata' | 'allowPrivateMetadata' | 'metadataFetch'>;
}

/** SSO session lengths an owner may choose; 20 hours is Sentry's (it re-validates SSO after 20 hours). */
export const SESSION_HOURS = [1, 8, 20, 24, 24 * 7, 24 * 30] as const;
export const DEFAULT_SESSION_HOURS = 20;

export function isProviderKind(value: string): value is ProviderKind {
  return value === 'active-directory' || value === 'saml2';
}

/** Fetches and reads a metadata URL; both kinds of failure become one error naming what is wrong. */
export async function fetchIdpSettings(deps: ProviderDeps, url: string): Promise<IdpSettings> {
  const document = await fetchMetadataUrl(url, {
    ...deps.config.metadataFetch,
    allowLoopback: deps.config.allowLoopbackMetadata,
    allowPrivate: deps.config.allowPrivateMetadata,
  });
  return idpSettingsFromMetadata(document.text);
}

const thumbprints = (certs: readonly string[]) => certs.map((c) => parseCertificate(c).thumbprint);

async function saveIdpSettings(
  deps: ProviderDeps,
  input: {
    organizationId: string;
    kind: ProviderKind;
    actorUserId: string | null;
    settings: IdpSettings;
    source: MetadataSource;
    metadataUrl: string | null;
  },
): Promise<Provider> {
  const now = nowIso(deps.clock);
  return deps.db.transaction().execute(async (trx) => {
    const existing = await findProviderByOrganization(trx, input.organizationId);
    const fetchedAt = input.source === 'url' ? now : null;
    if (!existing) {
      const provider: Provider = {
        id: randomUUID(),
        organizationId: input.organizationId,
        kind: input.kind,
        status: 'pending',
        ...input.settings,
        metadataSource: input.source,
        metadataUrl: input.metadataUrl,
        metadataFetchedAt: fetchedAt,
        metadataError: null,
        mapping: input.kind === 'active-directory' ? ACTIVE_DIRECTORY_MAPPING : GENERIC_DEFAULT_MAPPING,
        requireSso: false,
        defaultRole: 'member',
        allowIdpInitiated: true,
        sessionHours: DEFAULT_SESSION_HOURS,
        singleLogout: false,
        allowSha1: false,
        // Entra's and Federa Directory's default ("Sign SAML assertion") meets it; the SP metadata says so.
        wantAssertionsSigned: true,
        signRequests: false,
        sendToIdp: false,
        forceAuthn: false,
        createdAt: now,
        updatedAt: now,
        activatedAt: null,
      };
      await insertProvider(trx, provider);
      await recordAudit(trx, deps.clock, {
        organizationId: input.organizationId,
        actorUserId: input.actorUserId,
        action: 'sso.configured',
        detail: {
          provider: input.kind,
          entityId: input.settings.entityId,
          source: input.source,
          certificates: thumbprints(input.settings.signingCertificates),
        },
      });
      return provider;
    }
    if (existing.kind !== input.kind) {
      throw new ValidationError({ kind: 'Disable the current provider before switching to another kind.' });
    }
    await updateIdpSettings(trx, existing.id, {
      ...input.settings,
      metadataSource: input.source,
      metadataUrl: input.metadataUrl,
      metadataFetchedAt: fetchedAt,
      updatedAt: now,
    });
    await recordAudit(trx, deps.clock, {
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      action: 'sso.edited',
      detail: { entityId: input.settings.entityId, ssoUrl: input.settings.ssoUrl, source: input.source },
    });
    if (sameCertificates(existing.signingCertificates, input.settings.signingCertificates) === false) {
      await recordAudit(trx, deps.clock, {
        organizationId: input.organizationId,
        actorUserId: input.actorUserId,
        action: 'sso.certificates-changed',
        detail: {
          before: thumbprints(existing.signingCertificates),
          after: thumbprints(input.settings.signingCertificates),
        },
      });
    }
    return (await findProviderByOrganization(trx, input.organizationId))!;
  });
}

export function sameCertificates(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((c, i) => c === [...b].sort()[i]);
}

/**
 * Configures (or re-configures) SSO from the IdP's metadata URL, fetched now under the address guard.
 * A new provider is saved "pending": it becomes active after one SSO sign-in (`activateProvider`).
 * Throws ValidationError on `metadataUrl` naming what is wrong (timeout, HTML page, no certificate…).
 *
 * @example
 * await configureProviderFromMetadataUrl(deps, { organizationId: acme.id, kind: 'active-directory',
 *   url: 'http://127.0.0.1:4000/contoso.com/federationmetadata/2007-06/federationmetadata.xml?appid=…', actorUserId: owner.id });
 */
export async function configureProviderFromMetadataUrl(
  deps: ProviderDeps,
  input: { organizationId: string; kind: ProviderKind; url: string; actorUserId: string | null },
): Promise<Provider> {
  let settings: IdpSettings;
  try {
    settings = await fetchIdpSettings(deps, input.url);
  } catch (error) {
    if (error instanceof MetadataFetchError || error instanceof MetadataImportError) {
      throw new ValidationError({ metadataUrl: error.message });
    }
    throw error;
  }
  return saveIdpSettings(deps, { ...input, settings, source: 'url', metadataUrl: input.url.trim() });
}

/** Configures SSO from metadata XML pasted or uploaded. Throws ValidationError on `metadataXml`. */
export async function configureProviderFromXml(
  deps: ProviderDeps,
  input: { organizationId: string; kind: ProviderKind; xml: string; actorUserId: string | null },
): Promise<Provider> {
  let settings: IdpSettings;
  try {
    settings = idpSettingsFromMetadata(input.xml);
  } catch (error) {
    if (error instanceof MetadataImportError) throw new ValidationError({ metadataXml: error.message });
    throw error;
  }
  return saveIdpSettings(deps, { ...input, settings, source: 'xml', metadataUrl: null });
}

/** Configures SSO from values typed by hand. Throws ValidationError naming each bad field. */
export async function configureProviderManually(
  deps: ProviderDeps,
  input: {
    organizationId: string;
    kind: ProviderKind;
    actorUserId: string | null;
    entityId: string;
    ssoUrl: string;
    ssoBinding: string;
    sloUrl: string;
    certificates: string;
  },
): Promise<Provider> {
  const errors: Record<string, string> = {};
  if (input.entityId === '' || input.entityId.length > 1024)
    errors.entityId = 'Enter the IdP entity ID (its Issuer), at most 1024 characters.';
  if (!isHttpUrl(input.ssoUrl))
    errors.ssoUrl = 'Enter the IdP sign-in URL, starting with https:// or http://.';
  if (input.sloUrl !== '' && !isHttpUrl(input.sloUrl))
    errors.sloUrl = 'Enter an https:// or http:// URL, or leave it empty.';
  const binding = input.ssoBinding === 'post' ? BINDING.post : BINDING.redirect;
  let certificates: string[] = [];
  try {
    certificates = parseCertificateList(input.certificates);
    if (certificates.length === 0)
      errors.certificates = 'Paste at least one signing certificate (PEM or base64).';
  } catch (error) {
    if (!(error instanceof SamlError)) throw error;
    errors.certificates = `${error.message} Paste each certificate as PEM (-----BEGIN CERTIFICATE----- …).`;
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return saveIdpSettings(deps, {
    organizationId: input.organizationId,
    kind: input.kind,
    actorUserId: input.actorUserId,
    source: 'manual',
    metadataUrl: null,
    settings: {
      entityId: input.entityId,
      ssoUrl: input.ssoUrl,
      ssoBinding: binding,
      sloUrl: input.sloUrl || null,
      sloBinding: input.sloUrl ? BINDING.redirect : null,
      sloResponseUrl: null,
      signingCertificates: certificates,
      idpWantsRequestsSigned: false,
    },
  });
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Marks the organization's pending provider active. The ACS calls this after the setup sign-in; the
 * demo seeding script calls it directly. Returns false when it was not pending.
 */
export async function activateProvider(
  db: Db,
  clock: Clock,
  input: { organizationId: string; actorUserId: string | null },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const provider = await findProviderByOrganization(trx, input.organizationId);
    if (!provider)
      throw new SpError('sso_not_configured', 404, 'This organization has no SSO provider to activate.');
    const changed = await markActive(trx, provider.id, nowIso(clock));
    if (changed) {
      await recordAudit(trx, clock, {
        organizationId: input.organizationId,
        actorUserId: input.actorUserId,
        action: 'sso.enabled',
        detail: { provider: provider.kind, entityId: provider.entityId },
      });
    }
    return changed;
  });
}

export async function updateProviderOptions(
  deps: Pick<ProviderDeps, 'db' | 'clock'>,
  input: {
    organizationId: string;
    actorUserId: string;
    requireSso: boolean;
    defaultRole: string;
    allowIdpInitiated: boolean;
    sessionHours: string;
    singleLogout: boolean;
    allowSha1: boolean;
    sendToIdp: boolean;
    /** Unset: kept as they are (scripts that predate these settings). */
    wantAssertionsSigned?: boolean;
    signRequests?: boolean;
    forceAuthn?: boolean;
  },
): Promise<void> {
  const errors: Record<string, string> = {};
  if (!isRole(input.defaultRole) || input.defaultRole === 'owner')
    errors.defaultRole = 'Choose a role other than Owner.';
  const hours = Number(input.sessionHours);
  if (!(SESSION_HOURS as readonly number[]).includes(hours)) errors.sessionHours = 'Choose a session length.';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  await deps.db.transaction().execute(async (trx) => {
    const provider = await findProviderByOrganization(trx, input.organizationId);
    if (!provider) throw new SpError('sso_not_configured', 404, 'This organization has no SSO provider.');
    const options: ProviderOptions = {
      requireSso: input.requireSso,
      defaultRole: input.defaultRole as ProviderOptions['defaultRole'],
      allowIdpInitiated: input.allowIdpInitiated,
      sessionHours: hours,
      singleLogout: input.singleLogout,
      allowSha1: input.allowSha1,
      sendToIdp: input.sendToIdp,
      wantAssertionsSigned: input.wantAssertionsSigned ?? provider.wantAssertionsSigned,
      signRequests: input.signRequests ?? provider.signRequests,
      forceAuthn: input.forceAuthn ?? provider.forceAuthn,
    };
    await updateOptions(trx, provider.id, options, nowIso(deps.clock));
    await recordAudit(trx, deps.clock, {
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      action: 'sso.settings-changed',
      detail: { ...options },
    });
    // A weaker signature check gets an entry of its own, so that an auditor finds it without reading
    // every settings change.
    if (options.allowSha1 !== provider.allowSha1) {
      await recordAudit(trx, deps.clock, {
        organizationId: input.organizationId,
        actorUserId: input.actorUserId,
        action: options.allowSha1 ? 'sso.sha1-allowed' : 'sso.sha1-disallowed',
        detail: { entityId: provider.entityId },
      });
    }
  });
}

export async function updateProviderMapping(
  deps: Pick<ProviderDeps, 'db' | 'clock'>,
  input: {
    organizationId: string;
    actorUserId: string;
    useNameIdAsUserId: boolean;
    /** The admin saw how many linked members a new user-id source splits off, and went on. */
    confirmUserIdChange?: boolean;
    userId: string;
    email: string;
    firstName: string;
    lastName: string;
  },
): Promise<void> {
  const errors: Record<string, string> = {};
  if (!input.useNameIdAsUserId && input.userId === '')
    errors.userId = 'Enter the attribute that holds the IdP user id, or use the NameID.';
  for (const key of ['userId', 'email', 'firstName', 'lastName'] as const) {
    if (input[key].length > 512) errors[key] = 'At most 512 characters.';
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const mapping: AttributeMapping = {
    userId: input.useNameIdAsUserId ? null : input.userId,
    email: input.email || null,
    firstName: input.firstName || null,
    lastName: input.lastName || null,
  };
  await deps.db.transaction().execute(async (trx) => {
    const provider = await findProviderByOrganization(trx, input.organizationId);
    if (!provider) throw new SpError('sso_not_configured', 404, 'This organization has no SSO provider.');
    // Identities are keyed by the IdP user id: another source makes everyone linked so far a stranger.
    const split = mapping.userId === provider.mapping.userId ? 0 : await countIdentities(trx, provider.id);
    if (split > 0 && !input.confirmUserIdChange) {
      throw new ValidationError({
        confirmUserIdChange: `${split === 1 ? '1 member is' : `${split} members are`} linked by the current IdP user id. Tick the box to change it anyway, or keep the current user id.`,
      });
    }
    await updateMapping(trx, provider.id, mapping, nowIso(deps.clock));
    await recordAudit(trx, deps.clock, {
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      action: 'sso.edited',
      detail: split > 0 ? { mapping, identitiesSplit: split } : { mapping },
    });
  });
}

/**
 * Turns SSO off: the provider and every identity linked through it are deleted (as Sentry does).
 * Sessions already signed in through it run to their end (the admin who disables it stays signed in).
 */
export async function disableProvider(
  deps: Pick<ProviderDeps, 'db' | 'clock'>,
  input: { organizationId: string; actorUserId: string },
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const provider = await findProviderByOrganization(trx, input.organizationId);
    if (!provider) return;
    await deleteProvider(trx, provider.id);
    await recordAudit(trx, deps.clock, {
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      action: 'sso.disabled',
      detail: { provider: provider.kind, entityId: provider.entityId },
    });
  });
}
