import { card, html, type SafeHtml } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendApplicationPage } from '../applications/application-page.ts';
import type { Application } from '../applications/applications.repository.ts';
import { requireApplication } from '../applications/applications.service.ts';
import type { Deps } from '../context.ts';
import { attempt, formOf, yes } from '../http/forms.ts';
import { type AdminContext, done, requireAdmin } from '../portal/portal.ts';
import { listUsers } from '../users/users.repository.ts';
import type { ProvisioningConfig } from './config.repository.ts';
import { listProvisioningLogs } from './logs.repository.ts';
import type { AttributeMapping, MappingApply, MappingKind } from './mappings.ts';
import {
  actionsCard,
  logsTable,
  mappingForm,
  mappingsCard,
  onDemandForm,
  type SettingsFormState,
  settingsForm,
  statusCard,
} from './provisioning.pages.ts';
import {
  provisioningOf,
  provisionOnDemand,
  removeMapping,
  restartProvisioning,
  saveMapping,
  saveProvisioningSettings,
  testProvisioningConnection,
} from './provisioning.service.ts';

// The Provisioning blade of an enterprise application (`/portal/applications/{id}/provisioning`).

type Params = { id: string; index?: string };

async function load(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return null;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as Params).id);
  return { admin, app };
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  admin: AdminContext,
  app: Application,
  options: { title: string; body: SafeHtml; crumb?: string; status?: number },
) {
  return sendApplicationPage(request, reply, admin, app, {
    title: `${app.displayName} | ${options.title}`,
    section: 'provisioning',
    body: options.body,
    crumb: options.crumb ?? 'Provisioning',
    status: options.status,
  });
}

function blade(
  app: Application,
  config: ProvisioningConfig,
  admin: AdminContext,
  state: SettingsFormState,
): SafeHtml {
  return html`${statusCard(config)}
${settingsForm(app, config, admin.csrf, state)}
${mappingsCard(app, config, admin.csrf)}
${actionsCard(app, admin.csrf)}`;
}

export async function provisioningPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const config = await provisioningOf(deps, loaded.admin.tenant.id, loaded.app.id);
  return send(request, reply, loaded.admin, loaded.app, {
    title: 'Provisioning',
    body: blade(loaded.app, config, loaded.admin, { values: null, errors: {}, test: null }),
  });
}

export async function provisioningSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app } = loaded;
  const form = formOf(request);
  const result = await attempt(() =>
    saveProvisioningSettings(deps, admin.actor, admin.tenant.id, app.id, {
      mode: form.mode === 'automatic' ? 'automatic' : 'manual',
      tenantUrl: form.tenantUrl ?? '',
      secretToken: form.secretToken ?? '',
      scope: form.scope === 'all' ? 'all' : 'assigned',
      provisionGroups: yes(form.provisionGroups),
      statusOn: form.status === 'on',
      notifyOnFailure: yes(form.notifyOnFailure),
    }),
  );
  if (!result.ok) {
    const config = await provisioningOf(deps, admin.tenant.id, app.id);
    return send(request, reply, admin, app, {
      title: 'Provisioning',
      body: blade(app, config, admin, { values: form, errors: result.errors, test: null }),
      status: 400,
    });
  }
  return done(
    request,
    reply,
    `/portal/applications/${app.id}/provisioning`,
    'Saved the provisioning settings.',
  );
}

/** POST `…/provisioning/test`: Test Connection with the form's credentials; the form stays as typed (the token is never echoed). */
export async function testConnectionSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app } = loaded;
  const form = formOf(request);
  const test = await testProvisioningConnection(deps, admin.tenant.id, app.id, {
    tenantUrl: form.tenantUrl ?? '',
    secretToken: form.secretToken ?? '',
  });
  const config = await provisioningOf(deps, admin.tenant.id, app.id);
  return send(request, reply, admin, app, {
    title: 'Provisioning',
    body: blade(app, config, admin, { values: form, errors: {}, test }),
  });
}

export async function restartSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  await restartProvisioning(deps, loaded.admin.actor, loaded.admin.tenant.id, loaded.app.id);
  return done(
    request,
    reply,
    `/portal/applications/${loaded.app.id}/provisioning`,
    'Restarted provisioning: the next cycle is an initial one.',
  );
}

function mappingOf(form: Record<string, string>): AttributeMapping {
  const kind: MappingKind = form.kind === 'constant' || form.kind === 'expression' ? form.kind : 'direct';
  const apply: MappingApply = form.apply === 'create' ? 'create' : 'always';
  return {
    kind,
    source: (form.source ?? '').trim(),
    target: (form.target ?? '').trim(),
    matching: yes(form.matching),
    apply,
  };
}

function indexOf(request: FastifyRequest): number | null {
  const text = (request.params as Params).index;
  return text !== undefined && /^\d{1,3}$/.test(text) ? Number(text) : null;
}

export async function mappingPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const config = await provisioningOf(deps, loaded.admin.tenant.id, loaded.app.id);
  const index = indexOf(request);
  const mapping = index === null ? null : (config.userMappings[index] ?? null);
  if ((request.params as Params).index !== undefined && !mapping) {
    return send(request, reply, loaded.admin, loaded.app, {
      title: 'Edit attribute',
      body: card(
        null,
        html`<p class="error">That mapping does not exist. Go back to <a href="/portal/applications/${loaded.app.id}/provisioning">Provisioning</a>.</p>`,
      ),
      status: 404,
    });
  }
  return send(request, reply, loaded.admin, loaded.app, {
    title: mapping ? 'Edit attribute' : 'Add New Mapping',
    body: mappingForm(loaded.app, loaded.admin.csrf, index, mapping, null, {}),
    crumb: 'Attribute mapping',
  });
}

export async function mappingSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app } = loaded;
  const form = formOf(request);
  const index = (request.params as Params).index === undefined ? null : indexOf(request);
  const result = await attempt(() =>
    saveMapping(deps, admin.actor, admin.tenant.id, app.id, index, mappingOf(form)),
  );
  if (!result.ok) {
    return send(request, reply, admin, app, {
      title: 'Attribute mapping',
      body: mappingForm(app, admin.csrf, index, null, form, result.errors),
      crumb: 'Attribute mapping',
      status: 400,
    });
  }
  return done(
    request,
    reply,
    `/portal/applications/${app.id}/provisioning`,
    `Saved the mapping to ${mappingOf(form).target}.`,
  );
}

export async function mappingRemoveSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app } = loaded;
  const result = await attempt(() =>
    removeMapping(deps, admin.actor, admin.tenant.id, app.id, indexOf(request) ?? -1),
  );
  if (!result.ok) {
    const config = await provisioningOf(deps, admin.tenant.id, app.id);
    return send(request, reply, admin, app, {
      title: 'Provisioning',
      body: html`<p class="error" role="alert">${Object.values(result.errors).join(' ')}</p>${blade(app, config, admin, { values: null, errors: {}, test: null })}`,
      status: 400,
    });
  }
  return done(request, reply, `/portal/applications/${app.id}/provisioning`, 'Deleted the mapping.');
}

export async function onDemandPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const users = await listUsers(deps.db, loaded.admin.tenant.id);
  return send(request, reply, loaded.admin, loaded.app, {
    title: 'Provision on demand',
    body: onDemandForm(loaded.app, loaded.admin.csrf, users, null, null),
    crumb: 'Provision on demand',
  });
}

export async function onDemandSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app } = loaded;
  const userId = formOf(request).userId ?? '';
  const users = await listUsers(deps.db, admin.tenant.id);
  const outcome = await provisionOnDemand(deps, admin.tenant.id, app.id, userId, request.log);
  return send(request, reply, admin, app, {
    title: 'Provision on demand',
    body: onDemandForm(app, admin.csrf, users, userId, outcome),
    crumb: 'Provision on demand',
  });
}

export async function provisioningLogsPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const entries = await listProvisioningLogs(deps.db, loaded.app.id);
  return send(request, reply, loaded.admin, loaded.app, {
    title: 'Provisioning logs',
    body: html`<p><a href="/portal/applications/${loaded.app.id}/provisioning">‹ Provisioning</a></p>${logsTable(entries)}`,
    crumb: 'Provisioning logs',
  });
}
