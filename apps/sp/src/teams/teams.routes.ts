import { confirmation, csrfToken, getSession, isConfirmed } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { forbidden, SpError } from '../errors.ts';
import { listMembers } from '../organizations/organizations.repository.ts';
import { can } from '../organizations/roles.ts';
import { type FieldErrors, text, ValidationError } from '../validation.ts';
import { type OrgAccess, orgPageAccess } from '../web/access.ts';
import { setFlash } from '../web/auth-state.ts';
import { seeOther, sendPage } from '../web/page.ts';
import { teamBody, teamsBody } from './teams.pages.ts';
import { findTeamBySlug, listTeamMembers, listTeams, type Team } from './teams.repository.ts';
import { changeTeamMembers, createTeam, removeTeam, renameTeam, TeamSlugTaken } from './teams.service.ts';

// Teams pages: every member sees them; owners and managers change them (`members:write`).

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
type Params = { org: string; team?: string; membershipId?: string };

async function access(request: FastifyRequest, reply: FastifyReply, ctx: Context, write: boolean) {
  const a = await orgPageAccess(request, reply, ctx, (request.params as Params).org);
  if (a && write && !can(a.role, 'members:write'))
    throw forbidden('Only owners and managers of this organization can change its teams.');
  return a;
}

async function loadTeam(ctx: Context, a: OrgAccess, request: FastifyRequest): Promise<Team> {
  const team = await findTeamBySlug(ctx.db, a.organization.id, (request.params as Params).team ?? '');
  if (!team) throw new SpError('not_found', 404, 'There is no such team in this organization.');
  return team;
}

const crumbs = (a: OrgAccess, team?: Team, last?: string) => {
  const slug = a.organization.slug;
  const list = { href: `/settings/${slug}/teams/`, label: 'Teams' };
  if (!team) return [{ href: `/organizations/${slug}/`, label: a.organization.name }, { label: 'Teams' }];
  const teamCrumb = last
    ? { href: `/settings/${slug}/teams/${team.slug}/`, label: team.name }
    : { label: team.name };
  return [
    { href: `/organizations/${slug}/`, label: a.organization.name },
    list,
    teamCrumb,
    ...(last ? [{ label: last }] : []),
  ];
};

async function renderTeams(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  a: OrgAccess,
  values = { name: '' },
  errors: FieldErrors = {},
) {
  return sendPage(request, reply, ctx, {
    title: 'Teams',
    org: a,
    active: 'teams',
    breadcrumbs: crumbs(a),
    status: Object.keys(errors).length > 0 ? 400 : 200,
    body: teamsBody({
      csrf: await csrfToken(request),
      organization: a.organization,
      teams: await listTeams(ctx.db, a.organization.id),
      canManage: can(a.role, 'members:write'),
      values,
      errors,
    }),
  });
}

async function renderTeam(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  a: OrgAccess,
  team: Team,
  values = { name: team.name },
  errors: FieldErrors = {},
) {
  const [byTeam, everyone] = await Promise.all([
    listTeamMembers(ctx.db, [team.id]),
    listMembers(ctx.db, a.organization.id, { providerId: null }),
  ]);
  const members = byTeam.get(team.id) ?? [];
  const inTeam = new Set(members.map((m) => m.membershipId));
  return sendPage(request, reply, ctx, {
    title: team.name,
    org: a,
    active: 'teams',
    breadcrumbs: crumbs(a, team),
    status: Object.keys(errors).length > 0 ? 400 : 200,
    body: teamBody({
      csrf: await csrfToken(request),
      organization: a.organization,
      team,
      members,
      candidates: everyone.filter((m) => !inTeam.has(m.membershipId)),
      canManage: can(a.role, 'members:write'),
      values,
      errors,
    }),
  });
}

/** GET `/settings/:org/teams/`. */
export function teamsPage(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx, false);
    if (!a) return reply;
    return renderTeams(request, reply, ctx, a);
  };
}

/** POST `/settings/:org/teams/`: create. */
export function createTeamRoute(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx, true);
    if (!a) return reply;
    const name = text(request.body, 'name');
    let team: Team;
    try {
      team = await createTeam(ctx.db, ctx.clock, {
        organizationId: a.organization.id,
        name,
        actorUserId: a.user.id,
      });
    } catch (error) {
      if (error instanceof ValidationError)
        return renderTeams(request, reply, ctx, a, { name }, error.fields);
      if (error instanceof TeamSlugTaken)
        return renderTeams(
          request,
          reply,
          ctx,
          a,
          { name },
          { name: `${error.message} Choose another name.` },
        );
      throw error;
    }
    setFlash(await getSession(request), 'success', `Team ${team.name} created.`);
    return seeOther(reply, `/settings/${a.organization.slug}/teams/${team.slug}/`);
  };
}

/** GET `/settings/:org/teams/:team/`. */
export function teamPage(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx, false);
    if (!a) return reply;
    return renderTeam(request, reply, ctx, a, await loadTeam(ctx, a, request));
  };
}

/** POST `/settings/:org/teams/:team/rename/`. */
export function renameTeamRoute(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx, true);
    if (!a) return reply;
    const team = await loadTeam(ctx, a, request);
    const name = text(request.body, 'name');
    try {
      await renameTeam(ctx.db, ctx.clock, { team, name, actorUserId: a.user.id });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return renderTeam(request, reply, ctx, a, team, { name }, error.fields);
    }
    setFlash(await getSession(request), 'success', `Team renamed to ${name}.`);
    return seeOther(reply, `/settings/${a.organization.slug}/teams/${team.slug}/`);
  };
}

/** POST `/settings/:org/teams/:team/members/`: add the organization member `membershipId`. */
export function addTeamMemberRoute(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx, true);
    if (!a) return reply;
    const team = await loadTeam(ctx, a, request);
    const membershipId = text(request.body, 'membershipId');
    const { unknown } = await changeTeamMembers(ctx.db, ctx.clock, {
      team,
      add: [membershipId],
      remove: [],
      actorUserId: a.user.id,
    });
    if (unknown.length > 0)
      throw new SpError('not_found', 404, 'That person is not a member of this organization.');
    setFlash(await getSession(request), 'success', `Added to ${team.name}.`);
    return seeOther(reply, `/settings/${a.organization.slug}/teams/${team.slug}/`);
  };
}

/** POST `/settings/:org/teams/:team/members/:membershipId/remove/`. */
export function removeTeamMemberRoute(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx, true);
    if (!a) return reply;
    const team = await loadTeam(ctx, a, request);
    const { membershipId = '' } = request.params as Params;
    await changeTeamMembers(ctx.db, ctx.clock, {
      team,
      add: [],
      remove: [membershipId],
      actorUserId: a.user.id,
    });
    setFlash(await getSession(request), 'success', `Removed from ${team.name}.`);
    return seeOther(reply, `/settings/${a.organization.slug}/teams/${team.slug}/`);
  };
}

async function deleteConfirmation(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  a: OrgAccess,
  team: Team,
) {
  const members = (await listTeamMembers(ctx.db, [team.id])).get(team.id) ?? [];
  const slug = a.organization.slug;
  return sendPage(request, reply, ctx, {
    title: `Delete ${team.name}`,
    org: a,
    active: 'teams',
    breadcrumbs: crumbs(a, team, 'Delete'),
    body: confirmation({
      question: `Delete the team ${team.name} (${team.slug})?`,
      consequences: [
        members.length === 0
          ? 'The team has no members.'
          : `Its list of ${members.length} member${members.length === 1 ? '' : 's'} goes: ${members.map((m) => m.email).join(', ')}.`,
        `They stay members of ${a.organization.name}; only the team goes.`,
        ...(team.idpProvisioned
          ? [
              'Your directory created this team (SCIM): while the group stays assigned, it may create it again.',
            ]
          : []),
      ],
      action: `/settings/${slug}/teams/${team.slug}/delete/`,
      csrf: await csrfToken(request),
      confirmLabel: `Delete ${team.name}`,
      cancelHref: `/settings/${slug}/teams/${team.slug}/`,
    }),
  });
}

/** GET `/settings/:org/teams/:team/delete/`: what goes, and the Delete button. */
export function deleteTeamPage(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx, true);
    if (!a) return reply;
    return deleteConfirmation(request, reply, ctx, a, await loadTeam(ctx, a, request));
  };
}

/** POST `/settings/:org/teams/:team/delete/`: deletes with `confirm=yes`, else shows the question. */
export function deleteTeamSubmit(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx, true);
    if (!a) return reply;
    const team = await loadTeam(ctx, a, request);
    if (!isConfirmed(request.body)) return deleteConfirmation(request, reply, ctx, a, team);
    await removeTeam(ctx.db, ctx.clock, { team, actorUserId: a.user.id });
    setFlash(await getSession(request), 'success', `Team ${team.name} deleted.`);
    return seeOther(reply, `/settings/${a.organization.slug}/teams/`);
  };
}
