import { parseArgs } from 'node:util';
import { connectDatabase, migrateToLatest } from '@federa/kit';
import { systemClock, systemRandom } from '@federa/saml';
import type { Kysely } from 'kysely';
import { ConfigError, loadConfig } from '../config.ts';
import { migrations } from '../db/migrations.ts';
import type { IdpDatabase } from '../db/schema.ts';
import { FormErrors } from '../errors.ts';
import { createAdministrator } from '../portal/setup.service.ts';

/** `federa-idp create-admin`: works on the database directly (DATABASE_URL, IDP_SECRET_KEY), like the server. */
export async function createAdmin(
  rest: string[],
  usage: string,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
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
    err(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (!values.email) {
    err(`create-admin needs --email <user principal name>, e.g. --email admin@contoso.com\n\n${usage}`);
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
