import type { CommandContext } from './args.ts';
import { isGuid, seg } from './args.ts';
import { ApiCallError } from './client.ts';

// Names people type, turned into the ids the API takes. The API itself accepts a user principal name
// for a user and a display name for a group; applications and app roles are looked up here by name.

/** An application's object id from its object id, application id or display name. */
export async function applicationId(ctx: CommandContext, ref: string): Promise<string> {
  if (isGuid(ref)) return ref;
  const apps = (await ctx.api.call('GET', '/applications')).value as Array<{
    id: string;
    displayName: string;
  }>;
  const matches = apps.filter((a) => a.displayName.toLowerCase() === ref.trim().toLowerCase());
  if (matches.length === 1) return matches[0]!.id;
  throw new ApiCallError(
    matches.length === 0
      ? `There is no application named "${ref}". List them with: federa-idp apps list`
      : `Several applications are named "${ref}" (${matches.map((a) => a.id).join(', ')}); name one by its id.`,
    { code: matches.length === 0 ? 'not_found' : 'ambiguous', status: null },
  );
}

/** An app role's id from its id, display name or value. */
export async function appRoleId(ctx: CommandContext, appId: string, ref: string): Promise<string> {
  const roles = (await ctx.api.call('GET', `/applications/${seg(appId)}/appRoles`)).value as Array<{
    id: string;
    displayName: string;
    value: string | null;
  }>;
  const wanted = ref.trim().toLowerCase();
  if (wanted === 'default access' && roles.length === 0) return '00000000-0000-0000-0000-000000000000';
  const role = roles.find(
    (r) =>
      r.id === wanted || r.displayName.toLowerCase() === wanted || (r.value ?? '').toLowerCase() === wanted,
  );
  if (role) return role.id;
  throw new ApiCallError(
    roles.length === 0
      ? `The application defines no roles; leave out --role to assign Default Access.`
      : `The application has no role "${ref}". Its roles: ${roles.map((r) => r.displayName).join(', ')}.`,
    { code: 'not_found', status: null },
  );
}
