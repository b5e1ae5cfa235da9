import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.ts';
import { FormErrors } from '../errors.ts';
import { listUsers } from '../users/users.repository.ts';
import {
  createUser,
  deleteUser,
  resetPassword,
  setAccountEnabled,
  updateUser,
} from '../users/users.service.ts';
import { callerOf } from './auth.ts';
import { requireUser } from './lookup.ts';
import { collection, ref, refusals } from './schemas.ts';

const userParams = {
  type: 'object',
  required: ['user'],
  properties: {
    user: { type: 'string', maxLength: 320, description: 'Object id or user principal name.' },
  },
} as const;

const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const optionalText = (maxLength: number) => ({ type: ['string', 'null'], maxLength }) as const;

const profileProperties = {
  userPrincipalName: { ...text(320), description: 'name@domain, a verified domain of the tenant.' },
  displayName: text(512),
  mail: optionalText(320),
  givenName: optionalText(256),
  surname: optionalText(256),
  accountEnabled: { type: 'boolean', description: 'false blocks sign-in. Default true.' },
  isAdmin: { type: 'boolean', description: 'Global Administrator. Default false.' },
} as const;

const passwordProfile = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  description:
    'Graph’s passwordProfile: a password (8–256 characters of three kinds) and whether it is temporary (default false).',
  properties: {
    password: text(256),
    forceChangePasswordNextSignIn: {
      type: 'boolean',
      description: 'The user must choose a new password at the next sign-in. Default false, as Graph’s.',
    },
  },
} as const;

interface PasswordProfileBody {
  password?: string;
  forceChangePasswordNextSignIn?: boolean;
}

interface ProfileBody {
  userPrincipalName?: string;
  displayName?: string;
  mail?: string | null;
  givenName?: string | null;
  surname?: string | null;
  accountEnabled?: boolean;
  isAdmin?: boolean;
}

export function registerUserRoutes(api: FastifyInstance, deps: Deps): void {
  api.get(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'List users (by display name)',
        querystring: {
          type: 'object',
          properties: {
            search: { type: 'string', maxLength: 256, description: 'Part of a name or user name.' },
          },
        },
        response: { 200: collection('User'), ...refusals(400) },
      },
    },
    async (request) => {
      const { search } = request.query as { search?: string };
      return { value: await listUsers(deps.db, callerOf(request).tenantId, search ?? '') };
    },
  );

  api.post(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user; the password (given or generated) is returned once',
        body: {
          type: 'object',
          required: ['userPrincipalName', 'displayName'],
          additionalProperties: false,
          properties: {
            ...profileProperties,
            password: {
              ...text(256),
              description:
                'Optional: 8–256 characters of three kinds. Generated when absent. The same as passwordProfile.password.',
            },
            passwordProfile,
          },
        },
        response: { 201: ref('UserWithPassword'), ...refusals(400, 409) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const { passwordProfile: profile, ...body } = request.body as ProfileBody & {
        userPrincipalName: string;
        displayName: string;
        password?: string;
        passwordProfile?: PasswordProfileBody;
      };
      if (
        profile?.password !== undefined &&
        body.password !== undefined &&
        profile.password !== body.password
      ) {
        throw new FormErrors({
          password: 'Give the password once: in passwordProfile.password or in password.',
        });
      }
      const result = await createUser(deps, actor, tenantId, {
        ...body,
        password: profile?.password ?? body.password,
        forceChangePasswordNextSignIn: profile?.forceChangePasswordNextSignIn === true,
      });
      return reply.status(201).send(result);
    },
  );

  api.get(
    '/users/:user',
    {
      schema: {
        tags: ['users'],
        summary: 'Get a user',
        params: userParams,
        response: { 200: ref('User'), ...refusals(404) },
      },
    },
    async (request) =>
      requireUser(deps.db, callerOf(request).tenantId, (request.params as { user: string }).user),
  );

  api.patch(
    '/users/:user',
    {
      schema: {
        tags: ['users'],
        summary: 'Update a user’s profile, sign-in state or administrator role (only the properties sent)',
        params: userParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { ...profileProperties, passwordProfile },
        },
        response: { 200: ref('User'), ...refusals(400, 404, 409) },
      },
    },
    async (request) => {
      const { tenantId, actor } = callerOf(request);
      const current = await requireUser(deps.db, tenantId, (request.params as { user: string }).user);
      const body = request.body as ProfileBody & { passwordProfile?: PasswordProfileBody };
      const has = (key: keyof ProfileBody) => Object.hasOwn(body, key);
      return updateUser(
        deps,
        actor,
        tenantId,
        current.id,
        {
          userPrincipalName: body.userPrincipalName ?? current.userPrincipalName,
          displayName: body.displayName ?? current.displayName,
          mail: has('mail') ? body.mail : current.mail,
          givenName: has('givenName') ? body.givenName : current.givenName,
          surname: has('surname') ? body.surname : current.surname,
          accountEnabled: body.accountEnabled ?? current.accountEnabled,
          isAdmin: body.isAdmin ?? current.isAdmin,
        },
        body.passwordProfile,
      );
    },
  );

  for (const [action, enabled] of [
    ['block', false],
    ['unblock', true],
  ] as const) {
    api.post(
      `/users/:user/${action}`,
      {
        schema: {
          tags: ['users'],
          summary: enabled ? 'Allow the user to sign in again' : 'Block the user’s sign-in',
          params: userParams,
          response: { 200: ref('User'), ...refusals(403, 404) },
        },
      },
      async (request) => {
        const { tenantId, actor } = callerOf(request);
        const user = await requireUser(deps.db, tenantId, (request.params as { user: string }).user);
        await setAccountEnabled(deps, actor, tenantId, user.id, enabled);
        return requireUser(deps.db, tenantId, user.id);
      },
    );
  }

  api.post(
    '/users/:user/resetPassword',
    {
      schema: {
        tags: ['users'],
        summary:
          'Set a new generated password (returned once), temporary (the user chooses a new one at the next sign-in), and clear any lockout',
        params: userParams,
        response: { 200: ref('UserWithPassword'), ...refusals(404) },
      },
    },
    async (request) => {
      const { tenantId, actor } = callerOf(request);
      const user = await requireUser(deps.db, tenantId, (request.params as { user: string }).user);
      return resetPassword(deps, actor, tenantId, user.id);
    },
  );

  api.delete(
    '/users/:user',
    {
      schema: {
        tags: ['users'],
        summary: 'Delete a user: restorable for 30 days under directory/deletedItems, then deleted for good',
        params: userParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...refusals(403, 404) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const user = await requireUser(deps.db, tenantId, (request.params as { user: string }).user);
      await deleteUser(deps, actor, tenantId, user.id);
      return reply.status(204).send();
    },
  );
}
