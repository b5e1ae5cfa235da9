import { card, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { orgPageAccess } from '../web/access.ts';
import { sendPage } from '../web/page.ts';
import { type AuditAction, listAudit } from './audit.repository.ts';

const LABEL: Record<AuditAction, string> = {
  'organization.created': 'Organization created',
  'member.invited': 'Member invited',
  'member.joined': 'Member joined',
  'member.role-changed': 'Member role changed',
  'member.removed': 'Member removed',
  'member.added-by-jit': 'Member added by SSO (just in time)',
  'identity.linked': 'SSO identity linked',
  'sso.configured': 'SSO configured (setup pending)',
  'sso.enabled': 'SSO enabled',
  'sso.edited': 'SSO edited',
  'sso.settings-changed': 'SSO settings changed',
  'sso.disabled': 'SSO disabled',
  'sso.certificates-changed': 'IdP certificates changed',
  'sso.sha1-allowed': 'SHA-1 signatures allowed (insecure)',
  'sso.sha1-disallowed': 'SHA-1 signatures refused again',
  'sso.signing-key-created': 'SP signing key made',
  'sso.signing-key-activated': 'New SP signing key in use',
  'sso.signing-key-removed': 'SP signing key removed',
  'domain.added': 'Domain added',
  'domain.verified': 'Domain verified',
  'domain.removed': 'Domain removed',
  'scim.enabled': 'SCIM provisioning enabled',
  'scim.token-regenerated': 'SCIM token regenerated',
  'scim.disabled': 'SCIM provisioning disabled',
  'member.added-by-scim': 'Member added by SCIM',
  'member.updated-by-scim': 'Member updated by SCIM',
  'member.suspended': 'Member suspended (SCIM)',
  'member.restored': 'Member restored (SCIM)',
  'member.removed-by-scim': 'Member removed by SCIM',
  'team.created': 'Team created',
  'team.renamed': 'Team renamed',
  'team.deleted': 'Team deleted',
  'team.member-added': 'Team member added',
  'team.member-removed': 'Team member removed',
};

function describeDetail(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join('; ');
}

export function auditLogPage(ctx: Context) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const { org } = request.params as { org: string };
    const access = await orgPageAccess(request, reply, ctx, org, { permission: 'audit:read' });
    if (!access) return reply;
    const entries = await listAudit(ctx.db, access.organization.id);
    return sendPage(request, reply, ctx, {
      title: 'Audit log',
      org: access,
      active: 'audit',
      breadcrumbs: [
        { href: `/organizations/${org}/`, label: access.organization.name },
        { label: 'Audit log' },
      ],
      body: card(
        null,
        table(
          ['When', 'Event', 'By', 'Details'],
          entries.map((e) => [
            e.createdAt.replace('T', ' ').slice(0, 19),
            html`<span data-action="${e.action}">${LABEL[e.action] ?? e.action}</span>`,
            e.actorEmail ?? 'System',
            describeDetail(e.detail),
          ]),
          'Nothing recorded yet.',
        ),
      ),
    });
  };
}
