import { card, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { queryOf } from '../http/forms.ts';
import { formatTime, selectField } from '../http/inputs.ts';
import { requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { type AuditCategory, listAudit } from './audit.repository.ts';

const CATEGORIES: ReadonlyArray<{ value: AuditCategory; label: string }> = [
  { value: 'TenantManagement', label: 'Tenant management' },
  { value: 'UserManagement', label: 'User management' },
  { value: 'GroupManagement', label: 'Group management' },
  { value: 'ApplicationManagement', label: 'Application management' },
  { value: 'Policy', label: 'Policy' },
];

function describe(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('; ');
}

/** GET `/portal/audit`: every admin change in the tenant, newest first; filter by category. */
export async function auditPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const category = CATEGORIES.find((c) => c.value === queryOf(request).category)?.value ?? null;
  const entries = await listAudit(deps.db, admin.tenant.id, { category });
  const body = html`<form method="get" action="/portal/audit" class="filters">
${selectField({ label: 'Category', name: 'category', choices: CATEGORIES, value: category, placeholder: 'All' })}
<button type="submit" class="secondary">Apply</button>
</form>
${card(
  null,
  table(
    ['Date', 'Category', 'Activity', 'Target', 'Initiated by', 'Details'],
    entries.map((e) => [
      formatTime(e.createdAt),
      e.category,
      e.activity,
      `${e.targetType}: ${e.targetName}`,
      e.actorName,
      describe(e.details),
    ]),
    'No changes recorded yet.',
  ),
)}`;
  return sendPortalPage(request, reply, admin, {
    title: 'Audit logs',
    active: 'audit',
    body,
    breadcrumbs: [{ label: 'Audit logs' }],
  });
}
