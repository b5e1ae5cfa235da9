import { type CommandContext, parse, required, seg, text } from './args.ts';
import { UsageError } from './client.ts';
import { json, table } from './output.ts';

export const GROUPS_USAGE = `federa-idp groups list
       federa-idp groups create --name <display name> [--description <text>]
       federa-idp groups members <group>
       federa-idp groups add-member|remove-member <group> <user>
       federa-idp groups delete <group>
  <group> is a display name or an object id; <user> a user principal name or an object id.`;

export async function groupsCommand(ctx: CommandContext, args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { api, io } = ctx;
  switch (action) {
    case 'list': {
      parse(rest, {}, GROUPS_USAGE, 0);
      const body = await api.call('GET', '/groups');
      if (ctx.json) return io.out(json(body));
      return io.out(
        table(
          ['Name', 'Description', 'Members', 'Object ID'],
          (
            body.value as Array<{
              id: string;
              displayName: string;
              description: string | null;
              memberCount: number;
            }>
          ).map((g) => [g.displayName, g.description, g.memberCount, g.id]),
          'No groups.',
        ),
      );
    }
    case 'create': {
      const parsed = parse(
        rest,
        { name: { type: 'string' }, description: { type: 'string' } },
        GROUPS_USAGE,
        0,
      );
      const group = await api.call('POST', '/groups', {
        displayName: required(parsed, 'name', GROUPS_USAGE),
        description: text(parsed, 'description') ?? null,
      });
      if (ctx.json) return io.out(json(group));
      return io.out(`Created group ${group.displayName}, object ID ${group.id}.\n`);
    }
    case 'members': {
      const parsed = parse(rest, {}, GROUPS_USAGE, 1);
      const body = await api.call('GET', `/groups/${seg(parsed.positionals[0]!)}/members`);
      if (ctx.json) return io.out(json(body));
      return io.out(
        table(
          ['Display name', 'User principal name', 'Object ID'],
          (body.value as Array<{ id: string; displayName: string; userPrincipalName: string }>).map((u) => [
            u.displayName,
            u.userPrincipalName,
            u.id,
          ]),
          'No members.',
        ),
      );
    }
    case 'add-member': {
      const parsed = parse(rest, {}, GROUPS_USAGE, 2);
      const [group, user] = parsed.positionals as [string, string];
      const body = await api.call('POST', `/groups/${seg(group)}/members`, { user });
      if (ctx.json) return io.out(json(body));
      return io.out(`Added ${user} to ${group} (${body.value.length} member(s) now).\n`);
    }
    case 'remove-member': {
      const parsed = parse(rest, {}, GROUPS_USAGE, 2);
      const [group, user] = parsed.positionals as [string, string];
      await api.call('DELETE', `/groups/${seg(group)}/members/${seg(user)}`);
      if (ctx.json) return io.out(json({ removed: user, group }));
      return io.out(`Removed ${user} from ${group}.\n`);
    }
    case 'delete': {
      const parsed = parse(rest, {}, GROUPS_USAGE, 1);
      await api.call('DELETE', `/groups/${seg(parsed.positionals[0]!)}`);
      if (ctx.json) return io.out(json({ deleted: parsed.positionals[0] }));
      return io.out(`Deleted group ${parsed.positionals[0]}.\n`);
    }
    default:
      throw new UsageError(
        `${action ? `Unknown groups command: ${action}` : 'Which groups command?'}\n\nUsage: ${GROUPS_USAGE}`,
      );
  }
}
