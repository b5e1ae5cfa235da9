import { readFileSync } from 'node:fs';
import { type CommandContext, list, parse, required, seg } from './args.ts';
import { UsageError } from './client.ts';
import { details, json, table } from './output.ts';

// Conditional Access over the admin API's Graph-shaped endpoints: policies (Graph's JSON from a file)
// and IP ranges named locations.

export const CA_USAGE = `federa-idp conditional-access policies list
       federa-idp conditional-access policies show <policy id>
       federa-idp conditional-access policies create --file <policy.json | ->
       federa-idp conditional-access policies state <policy id> on|off|report-only
       federa-idp conditional-access policies delete <policy id>
       federa-idp conditional-access locations list
       federa-idp conditional-access locations create --name <name> --range <cidr> [--range <cidr>…] [--trusted]
       federa-idp conditional-access locations delete <location id>
  A policy file is Graph's conditionalAccessPolicy JSON (as Entra's API takes it). "ca" is short for
  conditional-access.`;

const BASE = '/identity/conditionalAccess';
const STATES: Record<string, string> = {
  on: 'enabled',
  off: 'disabled',
  'report-only': 'enabledForReportingButNotEnforced',
};
const STATE_NAMES: Record<string, string> = {
  enabled: 'On',
  disabled: 'Off',
  enabledForReportingButNotEnforced: 'Report-only',
};

function readPolicyFile(path: string): unknown {
  let source: string;
  try {
    source = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(source);
  } catch {
    throw new UsageError(`${path} is not JSON: write Graph's conditionalAccessPolicy JSON.`);
  }
}

async function policies(ctx: CommandContext, action: string | undefined, rest: string[]): Promise<void> {
  const { api, io } = ctx;
  switch (action) {
    case 'list': {
      parse(rest, {}, CA_USAGE, 0);
      const body = await api.call('GET', `${BASE}/policies`);
      if (ctx.json) return io.out(json(body));
      return io.out(
        table(
          ['Name', 'State', 'Policy ID'],
          (body.value as Array<{ id: string; displayName: string; state: string }>).map((p) => [
            p.displayName,
            STATE_NAMES[p.state] ?? p.state,
            p.id,
          ]),
          'No policies.',
        ),
      );
    }
    case 'show': {
      const parsed = parse(rest, {}, CA_USAGE, 1);
      return io.out(json(await api.call('GET', `${BASE}/policies/${seg(parsed.positionals[0]!)}`)));
    }
    case 'create': {
      const parsed = parse(rest, { file: { type: 'string' } }, CA_USAGE, 0);
      const policy = await api.call(
        'POST',
        `${BASE}/policies`,
        readPolicyFile(required(parsed, 'file', CA_USAGE)),
      );
      if (ctx.json) return io.out(json(policy));
      return io.out(
        `Created policy ${policy.displayName} (${STATE_NAMES[policy.state]}), ID ${policy.id}.\n`,
      );
    }
    case 'state': {
      const parsed = parse(rest, {}, CA_USAGE, 2);
      const [id, state] = parsed.positionals as [string, string];
      const value = STATES[state.toLowerCase()];
      if (!value)
        throw new UsageError(`The state is on, off or report-only (got "${state}").\n\nUsage: ${CA_USAGE}`);
      await api.call('PATCH', `${BASE}/policies/${seg(id)}`, { state: value });
      if (ctx.json) return io.out(json({ id, state: value }));
      return io.out(`Policy ${id} is now ${STATE_NAMES[value]}.\n`);
    }
    case 'delete': {
      const parsed = parse(rest, {}, CA_USAGE, 1);
      await api.call('DELETE', `${BASE}/policies/${seg(parsed.positionals[0]!)}`);
      if (ctx.json) return io.out(json({ deleted: parsed.positionals[0] }));
      return io.out(`Deleted policy ${parsed.positionals[0]}.\n`);
    }
    default:
      throw new UsageError(
        `${action ? `Unknown policies command: ${action}` : 'Which policies command?'}\n\nUsage: ${CA_USAGE}`,
      );
  }
}

async function locations(ctx: CommandContext, action: string | undefined, rest: string[]): Promise<void> {
  const { api, io } = ctx;
  switch (action) {
    case 'list': {
      parse(rest, {}, CA_USAGE, 0);
      const body = await api.call('GET', `${BASE}/namedLocations`);
      if (ctx.json) return io.out(json(body));
      return io.out(
        table(
          ['Name', 'Trusted', 'IP ranges', 'Location ID'],
          (
            body.value as Array<{
              id: string;
              displayName: string;
              isTrusted: boolean;
              ipRanges: Array<{ cidrAddress: string }>;
            }>
          ).map((l) => [l.displayName, l.isTrusted, l.ipRanges.map((r) => r.cidrAddress).join(', '), l.id]),
          'No named locations.',
        ),
      );
    }
    case 'create': {
      const parsed = parse(
        rest,
        { name: { type: 'string' }, range: { type: 'string', multiple: true }, trusted: { type: 'boolean' } },
        CA_USAGE,
        0,
      );
      const ranges = list(parsed, 'range') ?? [];
      if (ranges.length === 0)
        throw new UsageError(`--range is required (one or more CIDR ranges).\n\nUsage: ${CA_USAGE}`);
      const location = await api.call('POST', `${BASE}/namedLocations`, {
        '@odata.type': '#microsoft.graph.ipNamedLocation',
        displayName: required(parsed, 'name', CA_USAGE),
        isTrusted: parsed.values.trusted === true,
        ipRanges: ranges.map((cidrAddress) => ({ cidrAddress })),
      });
      if (ctx.json) return io.out(json(location));
      return io.out(
        details([
          ['Created named location', location.displayName],
          ['Trusted', location.isTrusted],
          ['IP ranges', location.ipRanges.map((r: { cidrAddress: string }) => r.cidrAddress).join(', ')],
          ['Location ID', location.id],
        ]),
      );
    }
    case 'delete': {
      const parsed = parse(rest, {}, CA_USAGE, 1);
      await api.call('DELETE', `${BASE}/namedLocations/${seg(parsed.positionals[0]!)}`);
      if (ctx.json) return io.out(json({ deleted: parsed.positionals[0] }));
      return io.out(`Deleted named location ${parsed.positionals[0]}.\n`);
    }
    default:
      throw new UsageError(
        `${action ? `Unknown locations command: ${action}` : 'Which locations command?'}\n\nUsage: ${CA_USAGE}`,
      );
  }
}

export async function conditionalAccessCommand(ctx: CommandContext, args: string[]): Promise<void> {
  const [what, action, ...rest] = args;
  if (what === 'policies') return policies(ctx, action, rest);
  if (what === 'locations' || what === 'named-locations') return locations(ctx, action, rest);
  throw new UsageError(
    `${what ? `Unknown conditional-access command: ${what}` : 'policies or locations?'}\n\nUsage: ${CA_USAGE}`,
  );
}
