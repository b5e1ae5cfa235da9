import type { ProvisioningConfig } from './config.repository.ts';
import type { ScimClientError } from './scim-client.ts';

// Entra's quarantine (reference §3): a job whose calls all or mostly fail is quarantined; its cycles
// then run at +6 h, +12 h, +24 h and daily after, and after four weeks in quarantine the job is turned
// off. Bad credentials, an unreachable Tenant URL or an address the guard refuses quarantine at once;
// more than 40% of a cycle's actions failing does after three such cycles in a row.

export type QuarantineReason = 'EncounteredQuarantineException' | 'EncounteredEscrowProportionThreshold';

export const FAILED_CYCLES_BEFORE_QUARANTINE = 3;
export const FAILURE_PROPORTION = 0.4;
const HOUR = 3600 * 1000;
const RETRY_OFFSETS_HOURS = [6, 18, 42];
const QUARANTINE_LIMIT_MS = 28 * 24 * HOUR;

export interface CycleResult {
  attempted: number;
  failed: number;
  fatal: ScimClientError | null;
}

export type QuarantineChange = Pick<
  ProvisioningConfig,
  'consecutiveFailures' | 'quarantinedAt' | 'quarantineReason' | 'nextRunAt' | 'statusOn'
> & { entered: boolean; disabled: boolean };

/** The job's state after a cycle: failures counted, quarantine entered, kept or left, next run. */
export function afterCycle(
  config: ProvisioningConfig,
  result: CycleResult,
  now: Date,
  intervalSeconds: number,
): QuarantineChange {
  const failedCycle =
    result.fatal !== null || (result.attempted > 0 && result.failed / result.attempted > FAILURE_PROPORTION);
  const nextInterval = new Date(now.getTime() + intervalSeconds * 1000).toISOString();
  if (!failedCycle) {
    return {
      consecutiveFailures: 0,
      quarantinedAt: null,
      quarantineReason: null,
      nextRunAt: nextInterval,
      statusOn: config.statusOn,
      entered: false,
      disabled: false,
    };
  }
  const failures = config.consecutiveFailures + 1;
  const reasonText = result.fatal
    ? `EncounteredQuarantineException: ${result.fatal.message}`
    : `EncounteredEscrowProportionThreshold: ${result.failed} of ${result.attempted} actions failed.`;
  const quarantine =
    config.quarantinedAt !== null || result.fatal !== null || failures >= FAILED_CYCLES_BEFORE_QUARANTINE;
  if (!quarantine) {
    return {
      consecutiveFailures: failures,
      quarantinedAt: null,
      quarantineReason: null,
      nextRunAt: nextInterval,
      statusOn: config.statusOn,
      entered: false,
      disabled: false,
    };
  }
  const since = config.quarantinedAt ? new Date(config.quarantinedAt) : now;
  const elapsed = now.getTime() - since.getTime();
  const offset = RETRY_OFFSETS_HOURS.find((hours) => hours * HOUR > elapsed);
  const next = offset !== undefined ? since.getTime() + offset * HOUR : now.getTime() + 24 * HOUR;
  const disabled = elapsed > QUARANTINE_LIMIT_MS;
  return {
    consecutiveFailures: failures,
    quarantinedAt: since.toISOString(),
    quarantineReason: disabled ? `Turned off after four weeks in quarantine. ${reasonText}` : reasonText,
    nextRunAt: new Date(next).toISOString(),
    statusOn: disabled ? false : config.statusOn,
    entered: config.quarantinedAt === null,
    disabled,
  };
}
