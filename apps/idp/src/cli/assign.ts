import { type CommandContext, parse, required, seg, text } from './args.ts';
import { UsageError } from './client.ts';
import { json, table } from './output.ts';
import { applicationId, appRoleId } from './resolve.ts';

export const ASSIGN_USAGE = `federa-idp assign --app <app> (--user <user> | --group <group>) [--role <app role>]
       federa-idp assignments --app <app>
       federa-idp unassign --app <app> <assignment id>
  Without --role the assignment gets Default Access (when the application defines no roles).`;

interface Assignment {
  id: string;
  principalType: string;
  principalName: string;
  roleName: string;
  createdAt: string;
}

export async function assignCommand(ctx: CommandContext, args: string[]): Promise<void> {
  const parsed = parse(
    args,
    {
      app: { type: 'string' },
      user: { type: 'string' },
      group: { type: 'string' },
      role: { type: 'string' },
    },
    ASSIGN_USAGE,
    0,
  );
  const user = text(parsed, 'user');
  const group = text(parsed, 'group');
  if ((user === undefined) === (group === undefined)) {
    throw new UsageError(`Give one of --user or --group.\n\nUsage: ${ASSIGN_USAGE}`);
  }
  const app = await applicationId(ctx, required(parsed, 'app', ASSIGN_USAGE));
  const role = text(parsed, 'role');
  const assignment = (await ctx.api.call('POST', `/applications/${seg(app)}/assignments`, {
    principalType: user !== undefined ? 'user' : 'group',
    principal: user ?? group,
    ...(role === undefined ? {} : { appRoleId: await appRoleId(ctx, app, role) }),
  })) as Assignment;
  if (ctx.json) return ctx.io.out(json(assignment));
  return ctx.io.out(
    `Assigned ${assignment.principalName} to ${parsed.values.app} with ${assignment.roleName} (assignment ${assignment.id}).\n`,
  );
}

export async function assignmentsCommand(ctx: CommandContext, args: string[]): Promise<void> {
  const parsed = parse(args, { app: { type: 'string' } }, ASSIGN_USAGE, 0);
  const app = await applicationId(ctx, required(parsed, 'app', ASSIGN_USAGE));
  const body = await ctx.api.call('GET', `/applications/${seg(app)}/assignments`);
  if (ctx.json) return ctx.io.out(json(body));
  return ctx.io.out(
    table(
      ['Name', 'Type', 'Role', 'Assigned', 'Assignment ID'],
      (body.value as Assignment[]).map((a) => [
        a.principalName,
        a.principalType,
        a.roleName,
        a.createdAt,
        a.id,
      ]),
      'Nobody is assigned.',
    ),
  );
}

export async function unassignCommand(ctx: CommandContext, args: string[]): Promise<void> {
  const parsed = parse(args, { app: { type: 'string' } }, ASSIGN_USAGE, 1);
  const app = await applicationId(ctx, required(parsed, 'app', ASSIGN_USAGE));
  await ctx.api.call('DELETE', `/applications/${seg(app)}/assignments/${seg(parsed.positionals[0]!)}`);
  return ctx.io.out(
    ctx.json ? json({ removed: parsed.positionals[0] }) : `Removed assignment ${parsed.positionals[0]}.\n`,
  );
}
