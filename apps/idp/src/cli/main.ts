import { parseArgs } from 'node:util';
import { connectDatabase, migrateToLatest } from '@federa/kit';
import { systemClock, systemRandom } from '@federa/saml';
import type { Kysely } from 'kysely';
import { ConfigError, loadConfig } from '../config.ts';
import { migrations } from '../db/migrations.ts';
import type { IdpDatabase } from '../db/schema.ts';
import { FormErrors } from '../errors.ts';
import { createAdministrator } from '../portal/setup.service.ts';

const USAGE = `Usage: federa-idp <command> [options]

Commands:
  create-admin --email <user principal name> [--tenant-name <name>] [--domain <domain>] [--name <display name>]
      Creates an administrator of Federa Directory and prints their generated password once. The
      tenant that owns the domain (--domain, else the one in --email) is created first when none does.

Reads DATABASE_URL (default ./data/idp.sqlite) and IDP_SECRET_KEY like the server.
`;

/** The federa-idp command line; returns the exit code. */
export async function main(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
  err: (text: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    out(USAGE);
    return command ? 0 : 2;
  }
  if (command !== 'create-admin') {
    err(`Unknown command: ${command}\n\n${USAGE}`);
    return 2;
  }
  let values: { email?: string; 'tenant-name'?: string; domain?: string; name?: string };
  try {
    values = parseArgs({
      args: rest,
      options: {
        email: { type: 'string' },
        'tenant-name': { type: 'string' },
        domain: { type: 'string' },
        name: { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (error) {
    err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!values.email) {
    err(`create-admin needs --email <user principal name>, e.g. --email admin@contoso.com\n\n${USAGE}`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>['config'];
  try {
    const loaded = loadConfig();
    config = loaded.config;
    for (const notice of loaded.notices) err(`note: ${notice}\n`);
  } catch (error) {
    if (error instanceof ConfigError) {
      err(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const database = connectDatabase<IdpDatabase>(config.databaseUrl);
  try {
    await migrateToLatest(database.db as unknown as Kysely<unknown>, migrations);
    const result = await createAdministrator(
      { db: database.db, config, clock: systemClock, random: systemRandom },
      {
        userPrincipalName: values.email,
        tenantName: values['tenant-name'],
        domain: values.domain,
        displayName: values.name,
      },
    );
    if (result.tenantCreated)
      out(
        `Created tenant ${result.tenant.name} (${result.tenant.id}) with the domain ${result.tenant.domains[0]?.domain}.\n`,
      );
    out(`Created administrator ${result.user.userPrincipalName}.\n`);
    out(`Password (shown only now): ${result.password}\n`);
    out(`Sign in at ${config.baseUrl}/portal\n`);
    return 0;
  } catch (error) {
    if (error instanceof FormErrors) {
      for (const [field, message] of Object.entries(error.fields)) err(`${field}: ${message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}
