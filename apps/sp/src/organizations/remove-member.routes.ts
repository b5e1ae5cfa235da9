import { confirmation, csrfToken, getSession, isConfirmed } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { findUserById } from '../accounts/accounts.repository.ts';
import type { Context } from '../context.ts';
import { forbidden, SpError } from '../errors.ts';
import { orgPageAccess } from '../web/access.ts';
import { setFlash } from '../web/auth-state.ts';
import { seeOther, sendPage } from '../web/page.ts';
import { findMembership } from './organizations.repository.ts';
import { removeMember } from './organizations.service.ts';
import { ROLE_INFO } from './roles.ts';

// Removing a member, in two steps at one path: GET says who goes and what follows, with the Remove
// button; POST with confirm=yes removes. A POST without it (a page from before) removes nobody and
// shows the confirmation instead.

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
type Params = { org: string; userId: string };

async function load(request: FastifyRequest, reply: FastifyReply, ctx: Context) {
  const { org, userId } = request.params as Params;
  const access = await orgPageAccess(request, reply, ctx, org, { permission: 'members:write' });
  if (!access) return null;
  if (userId === access.user.id && access.role !== 'owner') throw forbidden('Ask an owner to remove you.');
  const [membership, user] = await Promise.all([
    findMembership(ctx.db, access.organization.id, userId),
    findUserById(ctx.db, userId),
  ]);
  if (!membership || !user) {
    throw new SpError('not_found', 404, 'That person is not a member of this organization.');
  }
  return { access, membership, user };
}

async function confirmPage(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  loaded: NonNullable<Awaited<ReturnType<typeof load>>>,
) {
  const { access, membership, user } = loaded;
  const org = access.organization;
  const self = user.id === access.user.id;
  const who = self ? 'You' : user.name;
  return sendPage(request, reply, ctx, {
    title: `Remove ${user.name} from ${org.name}`,
    org: access,
    active: 'members',
    breadcrumbs: [
      { href: `/organizations/${org.slug}/`, label: org.name },
      { href: `/settings/${org.slug}/members/`, label: 'Members' },
      { label: 'Remove member' },
    ],
    body: confirmation({
      question: `Remove ${user.name} (${user.email}), ${ROLE_INFO[membership.role].label}, from ${org.name}?`,
      consequences: [
        `Removing ${self ? 'yourself' : user.name} from ${org.name} ends ${self ? 'your' : 'their'} sessions in ${org.name} now.`,
        `${who} lose${self ? '' : 's'} access to ${org.name}, and the link to ${org.name}'s identity provider is removed.`,
        `The Workspace account is kept; an owner or manager can invite ${self ? 'you' : 'them'} again.`,
      ],
      action: `/settings/${org.slug}/members/${user.id}/remove/`,
      csrf: await csrfToken(request),
      confirmLabel: `Remove ${user.name}`,
      cancelHref: `/settings/${org.slug}/members/`,
    }),
  });
}

/** GET `/settings/:org/members/:userId/remove/`. */
export function removeMemberPage(ctx: Context): Handler {
  return async (request, reply) => {
    const loaded = await load(request, reply, ctx);
    if (!loaded) return reply;
    return confirmPage(request, reply, ctx, loaded);
  };
}

/** POST `/settings/:org/members/:userId/remove/`. */
export function removeMemberSubmit(ctx: Context): Handler {
  return async (request, reply) => {
    const loaded = await load(request, reply, ctx);
    if (!loaded) return reply;
    if (!isConfirmed(request.body)) return confirmPage(request, reply, ctx, loaded);
    const { access, user } = loaded;
    await removeMember(ctx.db, ctx.clock, {
      organizationId: access.organization.id,
      actorUserId: access.user.id,
      actorRole: access.role,
      userId: user.id,
    });
    setFlash(await getSession(request), 'success', `Removed ${user.name} from ${access.organization.name}.`);
    return seeOther(reply, `/settings/${access.organization.slug}/members/`);
  };
}
