import { card, csrfToken, getSession, html } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyEmailNotice } from '../accounts/email-verification.routes.ts';
import type { Context } from '../context.ts';
import { PROVIDER_LABEL } from '../providers/providers.repository.ts';
import { lastSsoSignIns } from '../session-control/last-sso-sign-ins.ts';
import { text, ValidationError } from '../validation.ts';
import { orgPageAccess, requireUser } from '../web/access.ts';
import { currentUser, setFlash } from '../web/auth-state.ts';
import { seeOther, sendPage } from '../web/page.ts';
import {
  acceptInviteBody,
  landingBody,
  membersBody,
  newOrganizationBody,
  organizationHomeBody,
  organizationsListBody,
} from './organizations.pages.ts';
import { countMembers, listMembers, listOrganizationsOfUser } from './organizations.repository.ts';
import {
  acceptInvitation,
  changeMemberRole,
  createOrganization,
  findOpenInvitation,
  inviteMember,
  listPendingInvitations,
  scopedAccountError,
} from './organizations.service.ts';
import { can } from './roles.ts';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
type OrgParams = { org: string };

export function home(ctx: Context): Handler {
  return async (request, reply) => {
    const user = await currentUser(request, ctx);
    if (!user) return sendPage(request, reply, ctx, { title: 'Federa Workspace', body: landingBody() });
    const orgs = await listOrganizationsOfUser(ctx.db, user.id);
    return sendPage(request, reply, ctx, {
      title: 'Organizations',
      active: 'organizations',
      body: html`${verifyEmailNotice(user, await csrfToken(request))}${organizationsListBody(orgs, user)}`,
    });
  };
}

export function newOrganizationPage(ctx: Context): Handler {
  return async (request, reply) => {
    const user = await requireUser(request, reply, ctx);
    if (!user) return reply;
    if (user.scopeOrganizationId) throw scopedAccountError('create an organization');
    return sendPage(request, reply, ctx, {
      title: 'Create organization',
      breadcrumbs: [{ href: '/', label: 'Organizations' }, { label: 'New' }],
      body: newOrganizationBody({
        csrf: await csrfToken(request),
        values: { name: '', slug: '' },
        errors: {},
      }),
    });
  };
}

export function createOrganizationRoute(ctx: Context): Handler {
  return async (request, reply) => {
    const user = await requireUser(request, reply, ctx);
    if (!user) return reply;
    if (user.scopeOrganizationId) throw scopedAccountError('create an organization');
    const values = { name: text(request.body, 'name'), slug: text(request.body, 'slug') };
    try {
      const org = await createOrganization(ctx.db, ctx.clock, { ...values, ownerUserId: user.id });
      setFlash(await getSession(request), 'success', `Organization ${org.name} created.`);
      return seeOther(reply, `/organizations/${org.slug}/`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return sendPage(request, reply, ctx, {
        title: 'Create organization',
        status: 400,
        body: newOrganizationBody({ csrf: await csrfToken(request), values, errors: error.fields }),
      });
    }
  };
}

/** Members listed on the organization home; the Members page lists them all. */
const HOME_MEMBERS = 50;

export function organizationHome(ctx: Context): Handler {
  return async (request, reply) => {
    const { org } = request.params as OrgParams;
    const access = await orgPageAccess(request, reply, ctx, org);
    if (!access) return reply;
    // Every SSO sign-in lands here: an organization of thousands shows its first few, and the count.
    const members = await listMembers(ctx.db, access.organization.id, {
      providerId: access.provider?.id ?? null,
      limit: HOME_MEMBERS,
    });
    const memberCount =
      members.length < HOME_MEMBERS ? members.length : await countMembers(ctx.db, access.organization.id);
    const provider = access.provider;
    const ssoLabel = provider
      ? `${PROVIDER_LABEL[provider.kind]} (${provider.status === 'active' ? 'active' : 'setup not finished'})${provider.status === 'active' && provider.requireSso ? ', required' : ''}`
      : null;
    return sendPage(request, reply, ctx, {
      title: access.organization.name,
      org: access,
      active: 'home',
      breadcrumbs: [{ href: '/', label: 'Organizations' }, { label: access.organization.name }],
      body: organizationHomeBody({ organization: access.organization, members, memberCount, ssoLabel }),
    });
  };
}

async function renderMembers(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  slug: string,
  form: { values: { email: string; role: string }; errors: Record<string, string>; status?: number },
) {
  const access = await orgPageAccess(request, reply, ctx, slug);
  if (!access) return reply;
  const canManage = can(access.role, 'members:write');
  const session = await getSession(request);
  const newInviteUrl = session.get<string>('inviteUrl') ?? null;
  if (newInviteUrl) session.set('inviteUrl', undefined);
  const members = await listMembers(ctx.db, access.organization.id, {
    providerId: access.provider?.id ?? null,
  });
  return sendPage(request, reply, ctx, {
    title: 'Members',
    org: access,
    active: 'members',
    status: form.status,
    breadcrumbs: [{ href: `/organizations/${slug}/`, label: access.organization.name }, { label: 'Members' }],
    body: membersBody({
      csrf: await csrfToken(request),
      organization: access.organization,
      members,
      lastSso: await lastSsoSignIns(
        ctx.db,
        access.organization.id,
        members.map((m) => m.userId),
      ),
      invitations: canManage ? await listPendingInvitations(ctx.db, ctx.clock, access.organization.id) : [],
      actorRole: access.role,
      canManage,
      inviteValues: form.values,
      inviteErrors: form.errors,
      newInviteUrl,
    }),
  });
}

export function membersPage(ctx: Context): Handler {
  return async (request, reply) =>
    renderMembers(request, reply, ctx, (request.params as OrgParams).org, {
      values: { email: '', role: 'member' },
      errors: {},
    });
}

export function invite(ctx: Context): Handler {
  return async (request, reply) => {
    const { org } = request.params as OrgParams;
    const access = await orgPageAccess(request, reply, ctx, org, { permission: 'members:write' });
    if (!access) return reply;
    const values = { email: text(request.body, 'email'), role: text(request.body, 'role') };
    try {
      const { url, mailed } = await inviteMember(ctx.db, ctx.clock, ctx.mailer, ctx.config.baseUrl, {
        organizationId: access.organization.id,
        actorUserId: access.user.id,
        actorRole: access.role,
        ...values,
      });
      const session = await getSession(request);
      session.set('inviteUrl', url);
      if (!mailed) {
        setFlash(
          session,
          'info',
          'No email was sent: this Workspace has no email server. Copy the invitation link below and send it yourself.',
        );
      }
      return seeOther(reply, `/settings/${org}/members/`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return renderMembers(request, reply, ctx, org, { values, errors: error.fields, status: 400 });
    }
  };
}

export function changeRole(ctx: Context): Handler {
  return async (request, reply) => {
    const { org, userId } = request.params as OrgParams & { userId: string };
    const access = await orgPageAccess(request, reply, ctx, org, { permission: 'members:write' });
    if (!access) return reply;
    const session = await getSession(request);
    try {
      await changeMemberRole(ctx.db, ctx.clock, {
        organizationId: access.organization.id,
        actorUserId: access.user.id,
        actorRole: access.role,
        userId,
        role: text(request.body, 'role'),
      });
      setFlash(session, 'success', 'Role saved.');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      setFlash(session, 'error', Object.values(error.fields).join(' '));
    }
    return seeOther(reply, `/settings/${org}/members/`);
  };
}

// Remove (a member) is confirmed first: remove-member.routes.ts.

export function acceptInvitePage(ctx: Context): Handler {
  return async (request, reply) => {
    const { token } = request.params as { token: string };
    const invitation = await findOpenInvitation(ctx.db, ctx.clock, token);
    if (!invitation) {
      return sendPage(request, reply, ctx, {
        title: 'Invitation not valid',
        status: 404,
        body: card(
          null,
          html`<p>This invitation link is not valid any more: it was used, withdrawn or has expired. Ask for a new one.</p>`,
        ),
      });
    }
    const user = await currentUser(request, ctx);
    return sendPage(request, reply, ctx, {
      title: `Join ${invitation.organization.name}`,
      body: acceptInviteBody({
        csrf: await csrfToken(request),
        organization: invitation.organization,
        role: invitation.role,
        signedInAs: user?.email ?? null,
        token,
      }),
    });
  };
}

export function acceptInvite(ctx: Context): Handler {
  return async (request, reply) => {
    const { token } = request.params as { token: string };
    const user = await requireUser(request, reply, ctx);
    if (!user) return reply;
    const org = await acceptInvitation(ctx.db, ctx.clock, token, user);
    setFlash(await getSession(request), 'success', `You joined ${org.name}.`);
    return seeOther(reply, `/organizations/${org.slug}/`);
  };
}
