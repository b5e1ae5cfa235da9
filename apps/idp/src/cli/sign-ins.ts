import { type CommandContext, parse, text } from './args.ts';
import { UsageError } from './client.ts';
import { json, table } from './output.ts';
import { applicationId } from './resolve.ts';

export const SIGN_INS_USAGE = `federa-idp sign-ins [--result success|failure|interrupted] [--app <app>] [--user <user>] [--since <ISO-8601 time>] [--top <n>] [--all]
  Newest first; --top entries (default 50), or every page with --all.`;

interface SignIn {
  createdAt: string;
  userPrincipalName: string | null;
  appDisplayName: string | null;
  result: string;
  errorCode: string | null;
  failureReason: string | null;
  correlationId: string;
}

export async function signInsCommand(ctx: CommandContext, args: string[]): Promise<void> {
  const parsed = parse(
    args,
    {
      result: { type: 'string' },
      app: { type: 'string' },
      user: { type: 'string' },
      since: { type: 'string' },
      top: { type: 'string' },
      all: { type: 'boolean' },
    },
    SIGN_INS_USAGE,
    0,
  );
  const query = new URLSearchParams();
  const top = text(parsed, 'top');
  if (top !== undefined && !/^\d+$/.test(top))
    throw new UsageError(`--top takes a number.\n\nUsage: ${SIGN_INS_USAGE}`);
  for (const key of ['result', 'user', 'since', 'top'] as const) {
    const value = text(parsed, key);
    if (value !== undefined) query.set(key, value);
  }
  const app = text(parsed, 'app');
  if (app !== undefined) query.set('app', await applicationId(ctx, app));
  const entries: SignIn[] = [];
  let path: string | null = `/signInLogs${query.size > 0 ? `?${query}` : ''}`;
  let nextLink: string | null = null;
  while (path) {
    const page = await ctx.api.call('GET', path);
    entries.push(...(page.value as SignIn[]));
    nextLink = page.nextLink;
    path =
      parsed.values.all && nextLink ? nextLink.slice(nextLink.indexOf('/api/v1/') + '/api/v1'.length) : null;
  }
  if (ctx.json) return ctx.io.out(json({ value: entries, nextLink: parsed.values.all ? null : nextLink }));
  ctx.io.out(
    table(
      ['Date', 'User', 'Application', 'Status', 'Error code', 'Failure reason', 'Correlation ID'],
      entries.map((e) => [
        e.createdAt,
        e.userPrincipalName,
        e.appDisplayName,
        e.result,
        e.errorCode,
        e.failureReason,
        e.correlationId,
      ]),
      'No sign-ins match.',
    ),
  );
  if (nextLink && !parsed.values.all)
    ctx.io.out('More sign-ins match: add --all, or --top for a larger page.\n');
}
