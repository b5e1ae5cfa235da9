import { card, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { orgPageAccess } from '../web/access.ts';
import { sendPage } from '../web/page.ts';
import { ATTEMPT_COLUMNS, attemptRows } from './attempts.pages.ts';
import { listAttempts } from './attempts.repository.ts';

export function attemptsPage(ctx: Context) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const { org } = request.params as { org: string };
    const access = await orgPageAccess(request, reply, ctx, org, {
      permission: 'auth:write',
      ownerMayBypassSso: true,
    });
    if (!access) return reply;
    const attempts = await listAttempts(ctx.db, access.organization.id, 100);
    return sendPage(request, reply, ctx, {
      title: 'SSO sign-in attempts',
      org: access,
      active: 'attempts',
      breadcrumbs: [
        { href: `/organizations/${org}/`, label: access.organization.name },
        { href: `/settings/${org}/auth/`, label: 'Auth' },
        { label: 'Sign-in attempts' },
      ],
      body: card(null, table(ATTEMPT_COLUMNS, attemptRows(attempts), 'No sign-in attempts yet.')),
    });
  };
}
