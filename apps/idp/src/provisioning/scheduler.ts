import { hostname } from 'node:os';
import { type Deps, newId } from '../context.ts';
import { latestDirectoryChange, listActiveProvisioning } from './config.repository.ts';
import { isDue, runProvisioningCycle } from './cycle.ts';
import type { Logger } from './cycle-context.ts';

// Every instance runs this: every few seconds it looks for applications whose cycle is due (their
// interval has passed, or a user, group or assignment of their tenant changed since their last cycle,
// which the audit log tells) and runs those cycles; the lease makes sure only one instance runs an
// application's cycle at a time.

export const TICK_MS = 2000;

/** Runs every due cycle once (what a tick does); returns how many ran. */
export async function runDueCycles(deps: Deps, holder: string, logger: Logger | null): Promise<number> {
  const now = deps.clock.now();
  let ran = 0;
  const latest = new Map<string, string | null>();
  for (const config of await listActiveProvisioning(deps.db)) {
    if (!latest.has(config.tenantId))
      latest.set(config.tenantId, await latestDirectoryChange(deps.db, config.tenantId));
    if (!isDue(config, latest.get(config.tenantId) ?? null, now)) continue;
    const outcome = await runProvisioningCycle(deps, config.applicationId, { holder, logger });
    if (outcome.ran) ran += 1;
  }
  return ran;
}

/** Starts the ticks; the returned function stops them (and waits for a tick in progress). */
export function startProvisioningScheduler(
  deps: Deps,
  logger: Logger,
  options: { tickMs?: number } = {},
): () => Promise<void> {
  // Which instance holds a lease, for an operator reading the table: host, process, and a unique id.
  const holder = `${hostname()}:${process.pid}:${newId()}`;
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = runDueCycles(deps, holder, logger)
      .then(() => undefined)
      .catch((error: unknown) => logger.warn({ err: error }, 'provisioning tick failed'))
      .finally(() => {
        running = null;
      });
  }, options.tickMs ?? TICK_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
