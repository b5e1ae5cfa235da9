import { card, copyField, facts, field, hiddenCsrf, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { attempt, formOf, queryOf, yes } from '../http/forms.ts';
import { actionButton, badge, formatTime, yesNoField } from '../http/inputs.ts';
import { type AdminContext, done, requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { idpAddresses } from '../sso/context.ts';
import { sendApplicationPage } from './application-page.ts';
import { type Application, listApplications } from './applications.repository.ts';
import {
  addGalleryApplication,
  deleteApplication,
  requireApplication,
  updateProperties,
} from './applications.service.ts';
import { galleryAddFields, galleryAddInput, galleryPatterns, gallerySearch } from './gallery.form.ts';
import { findTemplate, type GalleryTemplate } from './gallery.ts';

type Params = { id: string; template?: string };

export async function applicationsList(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const search = queryOf(request).q ?? '';
  const apps = await listApplications(deps.db, admin.tenant.id, search);
  const body = html`<div class="actions"><a class="button" href="/portal/applications/new">New application</a> <a class="button secondary" href="/portal/wizard">Configuration wizard</a></div>
<form method="get" action="/portal/applications" class="search" role="search">
<label for="q">Search by name or Application ID</label> <input id="q" name="q" type="search" value="${search}"> <button type="submit" class="secondary">Search</button>
</form>
${card(
  null,
  table(
    ['Name', 'Application ID', 'Enabled for sign-in', 'Created'],
    apps.map((a) => [
      html`<a href="/portal/applications/${a.id}">${a.displayName}</a>`,
      html`<code>${a.appId}</code>`,
      badge(a.enabledForSignIn, 'Yes', 'No'),
      formatTime(a.createdAt),
    ]),
    search
      ? 'No application matches this search.'
      : 'No enterprise applications yet. Select New application to add one from the gallery.',
  ),
)}`;
  return sendPortalPage(request, reply, admin, {
    title: 'Enterprise applications | All applications',
    active: 'applications',
    body,
    breadcrumbs: [{ label: 'Enterprise applications' }],
  });
}

/** GET `/portal/applications/new?q=`: the gallery, searchable. */
export async function galleryPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const search = queryOf(request).q ?? '';
  const body = gallerySearch({
    action: '/portal/applications/new',
    search,
    hrefOf: (t) => `/portal/applications/new/${t.id}`,
  });
  return sendPortalPage(request, reply, admin, {
    title: 'Browse Federa Directory Gallery',
    active: 'applications',
    body,
    breadcrumbs: [
      { href: '/portal/applications', label: 'Enterprise applications' },
      { label: 'New application' },
    ],
  });
}

function addForm(
  admin: AdminContext,
  template: GalleryTemplate,
  values: Record<string, string>,
  errors: Record<string, string>,
) {
  return html`<section class="card">
<p>${template.description}</p>
${galleryPatterns(template)}
<form method="post" action="/portal/applications/new/${template.id}" novalidate>
${hiddenCsrf(admin.csrf)}
${galleryAddFields(template, values, errors)}
<div class="actions"><button type="submit">Create</button> <a class="button secondary" href="/portal/applications/new">Cancel</a></div>
</form>
</section>`;
}

function templateOf(request: FastifyRequest): GalleryTemplate {
  const template = findTemplate((request.params as Params).template ?? '');
  if (!template) throw notFound('The gallery application');
  return template;
}

export async function galleryAddPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const template = templateOf(request);
  return sendPortalPage(request, reply, admin, {
    title: template.name,
    active: 'applications',
    body: addForm(admin, template, {}, {}),
    breadcrumbs: [
      { href: '/portal/applications', label: 'Enterprise applications' },
      { href: '/portal/applications/new', label: 'New application' },
      { label: template.name },
    ],
  });
}

/** POST `/portal/applications/new/:template`: adds the application (Basic SAML filled from the fields). */
export async function galleryAddSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const template = templateOf(request);
  const form = formOf(request);
  const result = await attempt(() =>
    addGalleryApplication(deps, admin.actor, admin.tenant.id, galleryAddInput(admin, template, form)),
  );
  if (!result.ok) {
    return sendPortalPage(request, reply, admin, {
      title: template.name,
      active: 'applications',
      body: addForm(admin, template, form, result.errors),
      breadcrumbs: [
        { href: '/portal/applications', label: 'Enterprise applications' },
        { label: template.name },
      ],
      status: 400,
    });
  }
  return done(
    request,
    reply,
    `/portal/applications/${result.value.id}`,
    `Added ${result.value.displayName}.`,
  );
}

export async function applicationOverview(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as Params).id);
  const addresses = idpAddresses(deps.config.baseUrl, admin.tenant.id);
  const body = html`${card(
    'Properties',
    html`${facts([
      ['Name', app.displayName],
      ['Application ID', html`<code>${app.appId}</code>`],
      ['Object ID', html`<code>${app.id}</code>`],
      ['Gallery application', findTemplate(app.galleryTemplate)?.name ?? app.galleryTemplate],
      ['Enabled for users to sign-in', badge(app.enabledForSignIn, 'Yes', 'No')],
    ])}
${copyField('User access URL', 'user-access-url', addresses.userAccessUrl(app.appId))}`,
  )}
${card(
  'Getting started',
  html`<ol>
<li><a href="/portal/applications/${app.id}/users">Assign users and groups</a>: give people access to ${app.displayName}.</li>
<li><a href="/portal/applications/${app.id}/sso">Set up single sign-on</a>: Basic SAML Configuration, claims, certificate.</li>
<li><a href="/portal/applications/${app.id}/test">Test single sign-on</a>.</li>
</ol>`,
)}`;
  return sendApplicationPage(request, reply, admin, app, {
    title: `${app.displayName} | Overview`,
    section: 'overview',
    body,
  });
}

function propertiesForm(
  admin: AdminContext,
  app: Application,
  values: Record<string, string> | null,
  errors: Record<string, string>,
) {
  const flag = (name: string, current: boolean) => (values ? values[name] === 'yes' : current);
  return html`<form method="post" action="/portal/applications/${app.id}/properties" class="card" novalidate>
${hiddenCsrf(admin.csrf)}
${yesNoField({ label: 'Enabled for users to sign-in?', name: 'enabledForSignIn', value: flag('enabledForSignIn', app.enabledForSignIn), hint: 'No: nobody can sign in to the application, even if assigned.' })}
${field({ label: 'Name', name: 'displayName', value: values?.displayName ?? app.displayName, required: true, error: errors.displayName })}
${facts([
  ['Application ID', html`<code>${app.appId}</code>`],
  ['Object ID', html`<code>${app.id}</code>`],
])}
${yesNoField({ label: 'Assignment required?', name: 'assignmentRequired', value: flag('assignmentRequired', app.assignmentRequired), hint: 'Yes: only users assigned (directly or through a group) can sign in.' })}
${yesNoField({ label: 'Visible to users?', name: 'visibleToUsers', value: flag('visibleToUsers', app.visibleToUsers), hint: 'Yes: assigned users see it in My Apps.' })}
<div class="actions"><button type="submit">Save</button></div>
</form>
<section class="card"><h2>Delete application</h2><p class="hint">Removes ${app.displayName}, its single sign-on settings, certificates and assignments.</p>
${actionButton(`/portal/applications/${app.id}/delete`, admin.csrf, 'Delete', { kind: 'danger' })}</section>`;
}

export async function propertiesPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as Params).id);
  return sendApplicationPage(request, reply, admin, app, {
    title: `${app.displayName} | Properties`,
    section: 'properties',
    body: propertiesForm(admin, app, null, {}),
    crumb: 'Properties',
  });
}

export async function propertiesSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as Params).id);
  const form = formOf(request);
  const result = await attempt(() =>
    updateProperties(deps, admin.actor, admin.tenant.id, app.id, {
      displayName: form.displayName ?? '',
      enabledForSignIn: yes(form.enabledForSignIn),
      assignmentRequired: yes(form.assignmentRequired),
      visibleToUsers: yes(form.visibleToUsers),
    }),
  );
  if (!result.ok) {
    return sendApplicationPage(request, reply, admin, app, {
      title: `${app.displayName} | Properties`,
      section: 'properties',
      body: propertiesForm(admin, app, form, result.errors),
      crumb: 'Properties',
      status: 400,
    });
  }
  return done(request, reply, `/portal/applications/${app.id}/properties`, 'Saved the properties.');
}

export async function deleteApplicationSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as Params).id);
  await deleteApplication(deps, admin.actor, admin.tenant.id, app.id);
  return done(request, reply, '/portal/applications', `Deleted ${app.displayName}.`);
}
