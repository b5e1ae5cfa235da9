import { APPS_USAGE, appsCommand } from './apps.ts';
import type { CommandContext } from './args.ts';
import { parse } from './args.ts';
import { ASSIGN_USAGE, assignCommand, assignmentsCommand, unassignCommand } from './assign.ts';
import { CERTS_USAGE, certsCommand } from './certs.ts';
import { ApiCallError, clientFromEnv, DEFAULT_URL, UsageError } from './client.ts';
import { CA_USAGE, conditionalAccessCommand } from './conditional-access.ts';
import { GROUPS_USAGE, groupsCommand } from './groups.ts';
import { details, type Io, json } from './output.ts';
import { SIGN_INS_USAGE, signInsCommand } from './sign-ins.ts';
import { USERS_USAGE, usersCommand } from './users.ts';

export const API_USAGE = `Commands over the admin API (FEDERA_IDP_URL, default ${DEFAULT_URL}; FEDERA_IDP_TOKEN, an API
token made in the portal under API tokens). Tables by default; --json prints the API's JSON.
  federa-idp whoami
  ${USERS_USAGE}
  ${GROUPS_USAGE}
  ${APPS_USAGE}
  ${CERTS_USAGE}
  ${ASSIGN_USAGE}
  ${SIGN_INS_USAGE}
  ${CA_USAGE}

Exit status: 0 done; 1 the Directory refused (its message is printed) or cannot be reached; 2 wrong usage.`;

const whoami = async (ctx: CommandContext, args: string[]) => {
  parse(args, {}, 'federa-idp whoami', 0);
  const organization = await ctx.api.call('GET', '/organization');
  if (ctx.json) return ctx.io.out(json(organization));
  ctx.io.out(
    details([
      ['Tenant', organization.displayName],
      ['Tenant ID', organization.id],
      ['Domains', organization.verifiedDomains.map((d: { name: string }) => d.name).join(', ')],
      ['Directory', ctx.api.baseUrl],
    ]),
  );
};

const COMMANDS: Record<string, (ctx: CommandContext, args: string[]) => Promise<void>> = {
  whoami,
  users: usersCommand,
  groups: groupsCommand,
  apps: appsCommand,
  certs: certsCommand,
  assign: assignCommand,
  assignments: assignmentsCommand,
  unassign: unassignCommand,
  'sign-ins': signInsCommand,
  'conditional-access': conditionalAccessCommand,
  ca: conditionalAccessCommand,
};

export function isApiCommand(command: string): boolean {
  return Object.hasOwn(COMMANDS, command);
}

/** Runs one API command; returns the exit code (0, 1 refused or unreachable, 2 usage). */
export async function runApiCommand(
  command: string,
  args: string[],
  io: Io,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const wantsJson = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  try {
    await COMMANDS[command]!({ api: clientFromEnv(env), io, json: wantsJson }, rest);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`federa-idp ${command}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ApiCallError) {
      if (wantsJson) {
        io.err(
          json({
            error: {
              code: error.code,
              message: error.message,
              fields: error.fields,
              correlationId: error.correlationId,
            },
          }),
        );
        return 1;
      }
      io.err(`federa-idp ${command}: ${error.message}\n`);
      const fields = Object.entries(error.fields);
      if (fields.length > 1) for (const [field, message] of fields) io.err(`  ${field}: ${message}\n`);
      io.err(
        `  (${[
          error.status ? `HTTP ${error.status}` : null,
          `code ${error.code}`,
          error.correlationId ? `correlation ID ${error.correlationId}` : null,
        ]
          .filter(Boolean)
          .join(', ')})\n`,
      );
      return 1;
    }
    throw error;
  }
}
