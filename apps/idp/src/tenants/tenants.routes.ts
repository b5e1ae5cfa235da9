import { card, facts, field, hiddenCsrf, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { FieldErrors, idpError } from '../errors.ts';
import { attempt, formOf } from '../http/forms.ts';
import { actionButton } from '../http/inputs.ts';
import { type AdminContext, done, requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { createAdministrator } from '../portal/setup.service.ts';
import { passwordOnceBody } from '../users/users.pages.ts';
import { domainOwner } from './tenants.repository.ts';
import {
  addDomain,
  domainError,
  makeDefaultDomain,
  removeDomain,
  tenantNameError,
  updateTenantName,
} from './tenants.service.ts';

const crumbs = (extra: Array<{ href?: string; label: string }> = []) => [
  { href: '/portal/tenants', label: 'Tenants' },
  ...extra,
];

function tenantsBody(admin: AdminContext, values: Record<string, string>, errors: Record<string, string>) {
  const t = admin.tenant;
  return html`${card(
    'Your tenant',
    table(
      ['Name', 'Tenant ID', 'Default domain', ''],
      [
        [
          t.name,
          html`<code>${t.id}</code>`,
          t.domains.find((d) => d.isDefault)?.domain ?? '',
          html`<a href="/portal/tenants/${t.id}">Manage</a>`,
        ],
      ],
    ),
  )}
${card(
  'Create a tenant',
  html`<p class="hint">A new, separate directory with its own first administrator (their password is shown once). You stay the administrator of ${t.name} only.</p>
<form method="post" action="/portal/tenants" novalidate>
${hiddenCsrf(admin.csrf)}
${field({ label: 'Organization name', name: 'name', value: values.name ?? '', required: true, placeholder: 'Fabrikam', error: errors.name })}
${field({ label: 'Verified domain', name: 'domain', value: values.domain ?? '', required: true, placeholder: 'fabrikam.com', error: errors.domain })}
${field({ label: 'Administrator user name', name: 'adminUserName', type: 'email', value: values.adminUserName ?? '', required: true, placeholder: 'admin@fabrikam.com', error: errors.adminUserName })}
<div class="actions"><button type="submit">Create tenant</button></div>
</form>`,
)}`;
}

export async function tenantsList(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  return sendPortalPage(request, reply, admin, {
    title: 'Tenants',
    active: 'tenants',
    body: tenantsBody(admin, {}, {}),
    breadcrumbs: crumbs(),
  });
}

/** POST `/portal/tenants`: a new tenant with its first administrator (password shown once). */
export async function createTenantSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const form = formOf(request);
  const name = (form.name ?? '').trim();
  const domain = (form.domain ?? '').trim().toLowerCase();
  const upn = (form.adminUserName ?? '').trim();
  const result = await attempt(() =>
    inTransaction(deps.db, async (db) => {
      const errors = new FieldErrors();
      const nameProblem = tenantNameError(name);
      if (nameProblem) errors.add('name', nameProblem);
      const domainProblem = domainError(domain);
      if (domainProblem) errors.add('domain', domainProblem);
      else if (await domainOwner(db, domain))
        errors.add('domain', `The domain ${domain} is already used by a tenant.`);
      if (!upn.toLowerCase().endsWith(`@${domain}`) || upn.length <= domain.length + 1) {
        errors.add('adminUserName', `The administrator's user name must end in @${domain || 'the domain'}.`);
      }
      errors.throwIfAny();
      return createAdministrator(
        { ...deps, db },
        { userPrincipalName: upn, tenantName: name, domain },
        admin.actor,
      );
    }),
  );
  if (!result.ok) {
    return sendPortalPage(request, reply, admin, {
      title: 'Tenants',
      active: 'tenants',
      body: tenantsBody(admin, form, result.errors),
      breadcrumbs: crumbs(),
      status: 400,
    });
  }
  return sendPortalPage(request, reply, admin, {
    title: `Tenant ${result.value.tenant.name} created`,
    active: 'tenants',
    body: html`${card(
      'New tenant',
      facts([
        ['Name', result.value.tenant.name],
        ['Tenant ID', html`<code>${result.value.tenant.id}</code>`],
      ]),
    )}${passwordOnceBody(result.value.user, result.value.password, 'created')}`,
    breadcrumbs: crumbs([{ label: result.value.tenant.name }]),
    status: 201,
  });
}

async function tenantPage(
  request: FastifyRequest,
  reply: FastifyReply,
  admin: AdminContext,
  errors: Record<string, string>,
  values: Record<string, string> = {},
) {
  const t = admin.tenant;
  const body = html`${card(
    'Properties',
    html`${facts([
      ['Tenant ID', html`<code>${t.id}</code>`],
      ['Created', t.createdAt],
    ])}
<form method="post" action="/portal/tenants/${t.id}" novalidate>
${hiddenCsrf(admin.csrf)}
${field({ label: 'Name', name: 'name', value: values.name ?? t.name, required: true, error: errors.name })}
<div class="actions"><button type="submit">Save</button></div>
</form>
<p><a href="/portal/tenants/${t.id}/security-defaults">Manage security defaults</a></p>`,
  )}
${card(
  'Verified domains',
  html`${table(
    ['Domain', 'Default', ''],
    t.domains.map((d) => [
      d.domain,
      d.isDefault ? 'Yes' : '',
      d.isDefault
        ? ''
        : html`${actionButton(`/portal/tenants/${t.id}/domains/default`, admin.csrf, 'Make default', { kind: 'secondary', fields: { domain: d.domain } })} ${actionButton(`/portal/tenants/${t.id}/domains/remove`, admin.csrf, 'Remove', { kind: 'secondary', fields: { domain: d.domain } })}`,
    ]),
  )}
${errors.removeDomain ? html`<p class="error" role="alert">${errors.removeDomain}</p>` : null}
<form method="post" action="/portal/tenants/${t.id}/domains" novalidate>
${hiddenCsrf(admin.csrf)}
${field({ label: 'Add a domain', name: 'domain', value: values.domain ?? '', placeholder: 'contoso.net', hint: 'Federa Directory trusts you that the domain is yours (there is no DNS check).', error: errors.domain })}
<div class="actions"><button type="submit">Add domain</button></div>
</form>`,
)}`;
  return sendPortalPage(request, reply, admin, {
    title: t.name,
    active: 'tenants',
    body,
    breadcrumbs: crumbs([{ label: t.name }]),
    status: Object.keys(errors).length > 0 ? 400 : 200,
  });
}

function ownTenant(admin: AdminContext, request: FastifyRequest): void {
  if ((request.params as { id: string }).id !== admin.tenant.id) {
    throw idpError('forbidden', 403, 'You can only manage the tenant you are an administrator of.');
  }
}

export async function tenantDetail(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  ownTenant(admin, request);
  return tenantPage(request, reply, admin, {});
}

export async function renameTenantSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  ownTenant(admin, request);
  const form = formOf(request);
  const result = await attempt(() => updateTenantName(deps, admin.actor, admin.tenant.id, form.name ?? ''));
  if (!result.ok) return tenantPage(request, reply, admin, result.errors, form);
  return done(request, reply, `/portal/tenants/${admin.tenant.id}`, 'Saved.');
}

export async function addDomainSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  ownTenant(admin, request);
  const form = formOf(request);
  const result = await attempt(() => addDomain(deps, admin.actor, admin.tenant.id, form.domain ?? ''));
  if (!result.ok) return tenantPage(request, reply, admin, result.errors, form);
  return done(
    request,
    reply,
    `/portal/tenants/${admin.tenant.id}`,
    `Added ${(form.domain ?? '').trim().toLowerCase()}.`,
  );
}

export async function removeDomainSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  ownTenant(admin, request);
  const result = await attempt(() =>
    removeDomain(deps, admin.actor, admin.tenant.id, formOf(request).domain ?? ''),
  );
  if (!result.ok)
    return tenantPage(request, reply, admin, {
      removeDomain: result.errors.domain ?? 'The domain cannot be removed.',
    });
  return done(request, reply, `/portal/tenants/${admin.tenant.id}`, 'Domain removed.');
}

export async function defaultDomainSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  ownTenant(admin, request);
  const result = await attempt(() =>
    makeDefaultDomain(deps, admin.actor, admin.tenant.id, formOf(request).domain ?? ''),
  );
  if (!result.ok)
    return tenantPage(request, reply, admin, {
      removeDomain: result.errors.domain ?? 'The domain cannot be made the default.',
    });
  return done(request, reply, `/portal/tenants/${admin.tenant.id}`, 'Default domain changed.');
}
