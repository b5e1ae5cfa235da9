import { card, copyField, facts, html } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { listApplications } from '../applications/applications.repository.ts';
import type { Deps } from '../context.ts';
import { listGroups } from '../groups/groups.repository.ts';
import { sendPlainPage } from '../http/pages.ts';
import { listUsers } from '../users/users.repository.ts';
import { requireAdmin, sendPortalPage } from './portal.ts';
import { needsFirstAdministrator, sendSetupPage } from './setup.routes.ts';

/** GET `/portal`: the first-administrator form on a fresh install; afterwards the tenant overview. */
export async function portalHome(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  if (await needsFirstAdministrator(deps)) return sendSetupPage(request, reply);
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const [users, groups, apps] = await Promise.all([
    listUsers(deps.db, admin.tenant.id),
    listGroups(deps.db, admin.tenant.id),
    listApplications(deps.db, admin.tenant.id),
  ]);
  const t = admin.tenant;
  const body = html`${card(
    'Basic information',
    html`${facts([
      ['Name', t.name],
      ['Primary domain', t.domains.find((d) => d.isDefault)?.domain ?? ''],
      ['Users', String(users.length)],
      ['Groups', String(groups.length)],
      ['Enterprise applications', String(apps.length)],
    ])}
${copyField('Tenant ID', 'tenant-id', t.id)}`,
  )}
${card(
  'Get started',
  html`<ul>
<li><a href="/portal/applications/new">Add an enterprise application</a> from the gallery (e.g. Sentry).</li>
<li><a href="/portal/users/new">Create a user</a>, then assign them to the application.</li>
<li>Users open their applications at <a href="/myapps">My Apps</a>.</li>
</ul>`,
)}`;
  return sendPortalPage(request, reply, admin, {
    title: `${t.name} | Overview`,
    active: 'overview',
    body,
    breadcrumbs: [],
  });
}

/** GET `/portal/setup` once set up: back to the portal. */
export async function setupPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  if (await needsFirstAdministrator(deps)) return sendSetupPage(request, reply);
  return reply.redirect('/portal', 303);
}

/** GET `/`: where to go. */
export async function landingPage(_deps: Deps, _request: FastifyRequest, reply: FastifyReply) {
  return sendPlainPage(
    reply,
    'Federa Directory',
    html`<section class="card"><p>Federa Directory is the identity provider: your organization’s users sign in here once and open their applications.</p>
<ul><li><a href="/myapps">My Apps</a>: the applications you can use.</li><li><a href="/portal">Admin portal</a>: users, groups, enterprise applications, sign-in logs.</li></ul></section>`,
  );
}
