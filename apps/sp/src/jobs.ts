import { deleteExpiredRateLimits, deleteExpiredSessions } from '@federa/kit';
import type { Context } from './context.ts';
import { nowIso } from './context.ts';
import { refreshDueProviders } from './idp-metadata/refresh.ts';

/**
 * Deletes what has expired: browser sessions, pending requests, replay-cache rows past their use,
 * rate-limit counters of ended windows.
 */
export async function sweepExpired(ctx: Context): Promise<void> {
  const now = nowIso(ctx.clock);
  await deleteExpiredSessions(ctx.db as never, ctx.clock.now());
  await deleteExpiredRateLimits(ctx.db as never, ctx.clock.now());
  await ctx.db.deleteFrom('pending_requests').where('expires_at', '<=', now).execute();
  await ctx.db.deleteFrom('consumed_assertions').where('expires_at', '<=', now).execute();
  await ctx.db.deleteFrom('pending_links').where('expires_at', '<=', now).execute();
}

/**
 * In-process timers any instance may run (every job is idempotent): the sweep every 10 minutes, and
 * the metadata refresh (each metadata URL re-fetched once it is `metadataRefreshHours` old) hourly.
 * Returns a function that stops them.
 */
export function startBackgroundJobs(ctx: Context): () => void {
  const run = (name: string, job: () => Promise<unknown>) => () => {
    job().catch((error: unknown) => ctx.logger.error({ job: name, err: error }, 'background job failed'));
  };
  const refresh = run('metadata-refresh', () => refreshDueProviders(ctx, ctx.config.metadataRefreshHours));
  const timers = [
    setInterval(
      run('sweep', () => sweepExpired(ctx)),
      10 * 60_000,
    ),
    setInterval(refresh, 3600_000),
  ];
  setTimeout(refresh, 5_000).unref();
  for (const timer of timers) timer.unref();
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}
