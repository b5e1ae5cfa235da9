import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { listMembers, listOrganizationsOfUser } from '../organizations/organizations.repository.ts';
import { checkOrgAccess } from '../web/access.ts';
import { currentUser } from '../web/auth-state.ts';

// A small JSON API in Sentry's shape (`/api/0/…`, errors as `{"detail": …}`), for the browser session:
// authorized by the session cookie, like every Workspace route (none declares `auth: 'bearer'`, and an
// Authorization header changes nothing). Read-only, so the CSRF check has nothing to guard here.

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

function notAuthenticated(reply: FastifyReply) {
  return reply
    .status(401)
    .header('cache-control', 'no-store')
    .send({
      detail: { code: 'not-authenticated', message: 'Authentication credentials were not provided.' },
    });
}

export function usersMe(ctx: Context): Handler {
  return async (request, reply) => {
    const user = await currentUser(request, ctx);
    if (!user) return notAuthenticated(reply);
    const orgs = await listOrganizationsOfUser(ctx.db, user.id);
    return reply.header('cache-control', 'no-store').send({
      id: user.id,
      email: user.email,
      name: user.name,
      hasPasswordAuth: user.hasPassword,
      dateJoined: user.createdAt,
      organizations: orgs.map((o) => ({ id: o.id, slug: o.slug, name: o.name, role: o.role })),
    });
  };
}

export function organizationDetails(ctx: Context): Handler {
  return async (request, reply) => {
    const { org } = request.params as { org: string };
    const outcome = await checkOrgAccess(request, ctx, org);
    if (outcome.kind === 'sign-in') return notAuthenticated(reply);
    if (outcome.kind === 'sso-required') {
      return reply
        .status(401)
        .header('cache-control', 'no-store')
        .send({ detail: { code: 'sso-required', loginUrl: `/auth/login/${org}/` } });
    }
    const { organization, role, provider } = outcome.access;
    const members = await listMembers(ctx.db, organization.id, { providerId: provider?.id ?? null });
    return reply.header('cache-control', 'no-store').send({
      id: organization.id,
      slug: organization.slug,
      name: organization.name,
      role,
      members: members.map((m) => ({ email: m.email, name: m.name, role: m.role, ssoLinked: m.ssoLinked })),
    });
  };
}
