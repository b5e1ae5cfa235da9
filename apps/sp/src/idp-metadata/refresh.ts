import { parseCertificate } from '@federa/saml';
import { recordAudit } from '../audit/audit.repository.ts';
import { nowIso } from '../context.ts';
import {
  findProviderById,
  listProvidersWithMetadataUrl,
  type Provider,
  updateAfterRefresh,
} from '../providers/providers.repository.ts';
import { fetchIdpSettings, type ProviderDeps, sameCertificates } from '../providers/providers.service.ts';

export interface RefreshOutcome {
  /** 'unchanged' | 'updated' (certificates or endpoints changed) | 'failed' | 'skipped' (another instance did it). */
  result: 'unchanged' | 'updated' | 'failed' | 'skipped';
  certificatesChanged: boolean;
  error: string | null;
}

/**
 * Re-fetches a provider's metadata URL and takes in what changed: every signing certificate listed is
 * trusted from now on (a rollover publishes the new one beside the old, then drops the old). A
 * certificate change is audited. An entity ID that changed is refused (that is another IdP: an admin
 * must re-configure). Idempotent, and safe when several instances refresh at once: only the one whose
 * update lands first records it.
 */
export async function refreshProviderMetadata(
  deps: ProviderDeps,
  provider: Provider,
  actorUserId: string | null,
): Promise<RefreshOutcome> {
  if (!provider.metadataUrl) return { result: 'skipped', certificatesChanged: false, error: null };
  const fetchedAt = nowIso(deps.clock);
  let error: string | null = null;
  let settings: Awaited<ReturnType<typeof fetchIdpSettings>> | null = null;
  try {
    settings = await fetchIdpSettings(deps, provider.metadataUrl);
    if (settings.entityId !== provider.entityId) {
      error = `The metadata now names another IdP (entity ID ${settings.entityId} instead of ${provider.entityId}). Configure SSO again if this is intended.`;
      settings = null;
    }
  } catch (failure) {
    error = (failure as Error).message;
  }
  const certificatesChanged =
    settings !== null && !sameCertificates(provider.signingCertificates, settings.signingCertificates);
  const endpointsChanged =
    settings !== null &&
    (settings.ssoUrl !== provider.ssoUrl ||
      settings.sloUrl !== provider.sloUrl ||
      settings.sloResponseUrl !== provider.sloResponseUrl ||
      settings.ssoBinding !== provider.ssoBinding ||
      // An IdP that starts requiring signed requests: the Workspace starts signing them.
      settings.idpWantsRequestsSigned !== provider.idpWantsRequestsSigned);
  const won = await deps.db.transaction().execute(async (trx) => {
    const landed = await updateAfterRefresh(trx, provider.id, provider.metadataFetchedAt, {
      fetchedAt,
      error,
      settings: certificatesChanged || endpointsChanged ? settings : null,
    });
    if (landed && certificatesChanged) {
      await recordAudit(trx, deps.clock, {
        organizationId: provider.organizationId,
        actorUserId,
        action: 'sso.certificates-changed',
        detail: {
          via: actorUserId ? 'refresh' : 'scheduled refresh',
          before: provider.signingCertificates.map((c) => parseCertificate(c).thumbprint),
          after: settings!.signingCertificates.map((c) => parseCertificate(c).thumbprint),
        },
      });
    }
    return landed;
  });
  if (!won) return { result: 'skipped', certificatesChanged: false, error: null };
  if (error) return { result: 'failed', certificatesChanged: false, error };
  return {
    result: certificatesChanged || endpointsChanged ? 'updated' : 'unchanged',
    certificatesChanged,
    error: null,
  };
}

/** Refreshes every provider whose metadata was last fetched over `hours` ago (the scheduled job). */
export async function refreshDueProviders(deps: ProviderDeps, hours: number): Promise<number> {
  const due = new Date(deps.clock.now().getTime() - hours * 3600_000).toISOString();
  let refreshed = 0;
  for (const provider of await listProvidersWithMetadataUrl(deps.db)) {
    if (provider.metadataFetchedAt !== null && provider.metadataFetchedAt > due) continue;
    // Read it again: another instance may have just refreshed it.
    const current = await findProviderById(deps.db, provider.id);
    if (!current || (current.metadataFetchedAt !== null && current.metadataFetchedAt > due)) continue;
    const outcome = await refreshProviderMetadata(deps, current, null);
    if (outcome.result !== 'skipped') refreshed++;
  }
  return refreshed;
}
