import { type CommandContext, parse, required, seg, text } from './args.ts';
import { ApiCallError, UsageError } from './client.ts';
import { details, json, table } from './output.ts';

export const USERS_USAGE = `federa-idp users list [--search <text>]
       federa-idp users show <user>
       federa-idp users create --upn <user principal name> --name <display name> [--given-name <x>] [--surname <x>] [--mail <address>] [--password <x>] [--no-force-change-password] [--admin] [--blocked]
       federa-idp users block|unblock|reset-password|delete <user>
       federa-idp users deleted
       federa-idp users restore|delete-permanently <deleted user>
  <user> is a user principal name (B.Simon@contoso.com) or an object id. A deleted user stays 30 days
  under "users deleted", restorable, then is deleted for good. The password of create and
  reset-password is temporary: the user chooses a new one at the next sign-in (for create,
  --no-force-change-password keeps it).`;

interface User {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail: string | null;
  givenName: string | null;
  surname: string | null;
  accountEnabled: boolean;
  isAdmin: boolean;
  lockedUntil: string | null;
  passwordProfile?: { forceChangePasswordNextSignIn: boolean };
  createdAt: string;
}

interface DeletedUser extends User {
  deletedDateTime: string;
  permanentDeletionDateTime: string;
}

const DELETED_USERS = '/directory/deletedItems/microsoft.graph.user';

/** A deleted user's object id, from the id itself or their user principal name. */
async function deletedUserId(ctx: CommandContext, ref: string): Promise<string> {
  if (!ref.includes('@')) return ref;
  const body = await ctx.api.call('GET', DELETED_USERS);
  const found = (body.value as DeletedUser[]).find(
    (u) => u.userPrincipalName.toLowerCase() === ref.toLowerCase(),
  );
  if (!found) {
    throw new ApiCallError(`No deleted user is named ${ref}: see federa-idp users deleted.`, {
      code: 'not_found',
      status: 404,
    });
  }
  return found.id;
}

export function userDetails(user: User): string {
  return details([
    ['Display name', user.displayName],
    ['User principal name', user.userPrincipalName],
    ['Object ID', user.id],
    ['First name', user.givenName],
    ['Last name', user.surname],
    ['Email', user.mail],
    ['Account enabled', user.accountEnabled],
    ['Global Administrator', user.isAdmin],
    ['Locked until', user.lockedUntil],
    ['Must change password', user.passwordProfile?.forceChangePasswordNextSignIn ?? false],
    ['Created', user.createdAt],
  ]);
}

/** Says when the password just shown is a temporary one. */
function temporaryNote(user: User): string {
  return user.passwordProfile?.forceChangePasswordNextSignIn
    ? `It is temporary: ${user.displayName} will be asked to choose a new password at the next sign-in.\n`
    : '';
}

export async function usersCommand(ctx: CommandContext, args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { api, io } = ctx;
  switch (action) {
    case 'list': {
      const parsed = parse(rest, { search: { type: 'string' } }, USERS_USAGE, 0);
      const search = text(parsed, 'search');
      const body = await api.call('GET', `/users${search ? `?search=${encodeURIComponent(search)}` : ''}`);
      if (ctx.json) return io.out(json(body));
      return io.out(
        table(
          ['Display name', 'User principal name', 'Mail', 'Enabled', 'Admin', 'Object ID'],
          (body.value as User[]).map((u) => [
            u.displayName,
            u.userPrincipalName,
            u.mail,
            u.accountEnabled,
            u.isAdmin,
            u.id,
          ]),
          'No users.',
        ),
      );
    }
    case 'show': {
      const parsed = parse(rest, {}, USERS_USAGE, 1);
      const user = await api.call('GET', `/users/${seg(parsed.positionals[0]!)}`);
      return io.out(ctx.json ? json(user) : userDetails(user));
    }
    case 'create': {
      const parsed = parse(
        rest,
        {
          upn: { type: 'string' },
          name: { type: 'string' },
          'given-name': { type: 'string' },
          surname: { type: 'string' },
          mail: { type: 'string' },
          password: { type: 'string' },
          'no-force-change-password': { type: 'boolean' },
          admin: { type: 'boolean' },
          blocked: { type: 'boolean' },
        },
        USERS_USAGE,
        0,
      );
      const body: Record<string, unknown> = {
        userPrincipalName: required(parsed, 'upn', USERS_USAGE),
        displayName: required(parsed, 'name', USERS_USAGE),
      };
      for (const [flag, key] of [
        ['given-name', 'givenName'],
        ['surname', 'surname'],
        ['mail', 'mail'],
      ] as const) {
        const value = text(parsed, flag);
        if (value !== undefined) body[key] = value;
      }
      // Graph's passwordProfile: temporary unless told otherwise, as the portal makes it.
      const password = text(parsed, 'password');
      body.passwordProfile = {
        ...(password !== undefined ? { password } : {}),
        forceChangePasswordNextSignIn: parsed.values['no-force-change-password'] !== true,
      };
      if (parsed.values.admin) body.isAdmin = true;
      if (parsed.values.blocked) body.accountEnabled = false;
      const created = await api.call('POST', '/users', body);
      if (ctx.json) return io.out(json(created));
      return io.out(
        `Created ${created.user.displayName} (${created.user.userPrincipalName}), object ID ${created.user.id}.\nPassword (shown only now): ${created.password}\n${temporaryNote(created.user)}`,
      );
    }
    case 'block':
    case 'unblock': {
      const parsed = parse(rest, {}, USERS_USAGE, 1);
      const user = await api.call('POST', `/users/${seg(parsed.positionals[0]!)}/${action}`);
      if (ctx.json) return io.out(json(user));
      return io.out(`${user.userPrincipalName}: sign-in ${user.accountEnabled ? 'allowed' : 'blocked'}.\n`);
    }
    case 'reset-password': {
      const parsed = parse(rest, {}, USERS_USAGE, 1);
      const result = await api.call('POST', `/users/${seg(parsed.positionals[0]!)}/resetPassword`);
      if (ctx.json) return io.out(json(result));
      return io.out(
        `New password of ${result.user.userPrincipalName} (shown only now): ${result.password}\n${temporaryNote(result.user)}`,
      );
    }
    case 'delete': {
      const parsed = parse(rest, {}, USERS_USAGE, 1);
      await api.call('DELETE', `/users/${seg(parsed.positionals[0]!)}`);
      if (ctx.json) return io.out(json({ deleted: parsed.positionals[0] }));
      return io.out(
        `Deleted ${parsed.positionals[0]}. Restorable for 30 days: federa-idp users restore ${parsed.positionals[0]}\n`,
      );
    }
    case 'deleted': {
      parse(rest, {}, USERS_USAGE, 0);
      const body = await api.call('GET', DELETED_USERS);
      if (ctx.json) return io.out(json(body));
      return io.out(
        table(
          ['Display name', 'User principal name', 'Deleted', 'Permanently deleted on', 'Object ID'],
          (body.value as DeletedUser[]).map((u) => [
            u.displayName,
            u.userPrincipalName,
            u.deletedDateTime,
            u.permanentDeletionDateTime,
            u.id,
          ]),
          'No deleted users.',
        ),
      );
    }
    case 'restore': {
      const parsed = parse(rest, {}, USERS_USAGE, 1);
      const id = await deletedUserId(ctx, parsed.positionals[0]!);
      const user = await api.call('POST', `/directory/deletedItems/${seg(id)}/restore`);
      if (ctx.json) return io.out(json(user));
      return io.out(`Restored ${user.userPrincipalName}, with their assignments and group memberships.\n`);
    }
    case 'delete-permanently': {
      const parsed = parse(rest, {}, USERS_USAGE, 1);
      const id = await deletedUserId(ctx, parsed.positionals[0]!);
      await api.call('DELETE', `/directory/deletedItems/${seg(id)}`);
      if (ctx.json) return io.out(json({ deletedPermanently: id }));
      return io.out(`Deleted ${parsed.positionals[0]} permanently.\n`);
    }
    default:
      throw new UsageError(
        `${action ? `Unknown users command: ${action}` : 'Which users command?'}\n\nUsage: ${USERS_USAGE}`,
      );
  }
}
