import { API_USAGE, isApiCommand, runApiCommand } from './commands.ts';

const USAGE = `Usage: federa-idp <command> [options]

  federa-idp create-admin --email <user principal name> [--tenant-name <name>] [--domain <domain>] [--name <display name>]
      Creates an administrator of Federa Directory and prints their generated password once. The
      tenant that owns the domain (--domain, else the one in --email) is created first when none does.
      Works on the database directly: reads DATABASE_URL (default ./data/idp.sqlite) and IDP_SECRET_KEY
      like the server.

${API_USAGE}
`;

/** The federa-idp command line; returns the exit code. */
export async function main(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
  err: (text: string) => void = (t) => process.stderr.write(t),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    out(USAGE);
    return command ? 0 : 2;
  }
  if (isApiCommand(command)) return runApiCommand(command, rest, { out, err }, env);
  if (command !== 'create-admin') {
    err(`Unknown command: ${command}\n\n${USAGE}`);
    return 2;
  }
  // Loaded only for create-admin: the database and SAML modules take a while to load, and the API
  // commands need neither.
  const { createAdmin } = await import('./create-admin.ts');
  return createAdmin(rest, USAGE, out, err);
}
