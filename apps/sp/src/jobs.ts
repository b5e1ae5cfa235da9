import { deleteExpiredSessions } from '@federa/kit';
import type { Context } from './context.ts';
import { nowIso } from './context.ts';

/** Deletes what has expired: browser sessions, pending requests, replay-cache rows past their use. */
export async function sweepExpired(ctx: Context): Promise<void> {
  const now = nowIso(ctx.clock);
  await deleteExpiredSessions(ctx.db as never, ctx.clock.now());
  await ctx.db.deleteFrom('pending_requests').where('expires_at', '<=', now).execute();
  await ctx.db.deleteFrom('consumed_assertions').where('expires_at', '<=', now).execute();
  await ctx.db.deleteFrom('pending_links').where('expires_at', '<=', now).execute();
}

/**
 * In-process timers any instance may run (every job is idempotent): the sweep every 10 minutes.
 * Returns a function that stops them.
 */
export function startBackgroundJobs(ctx: Context): () => void {
  const run = (name: string, job: () => Promise<unknown>) => () => {
    job().catch((error: unknown) => ctx.logger.error({ job: name, err: error }, 'background job failed'));
  };
  const timers = [
    setInterval(
      run('sweep', () => sweepExpired(ctx)),
      10 * 60_000,
    ),
  ];
  for (const timer of timers) timer.unref();
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}
