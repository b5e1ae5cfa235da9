import { card, copyField, facts, hiddenCsrf, html, type SafeHtml, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Application } from '../applications/applications.repository.ts';
import { addGalleryApplication, requireApplication } from '../applications/applications.service.ts';
import { basicSamlFields, basicSamlInputOf } from '../applications/basic-saml.form.ts';
import {
  galleryAddFields,
  galleryAddInput,
  galleryPatterns,
  gallerySearch,
} from '../applications/gallery.form.ts';
import { findTemplate, type GalleryTemplate } from '../applications/gallery.ts';
import { updateBasicSaml } from '../applications/sso-settings.service.ts';
import {
  assignInputOf,
  assignmentFields,
  assignmentsTable,
  loadAssignmentChoices,
} from '../assignments/assignment.form.ts';
import { listAssignments } from '../assignments/assignments.repository.ts';
import { assign } from '../assignments/assignments.service.ts';
import type { Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { attempt, formOf, queryOf } from '../http/forms.ts';
import { type AdminContext, done, requireAdmin } from '../portal/portal.ts';
import { idpAddresses } from '../sso/context.ts';
import { sendWizardPage, WIZARD, wizardUrl } from './wizard.pages.ts';
import { finishWizard, wizardProblems } from './wizard.service.ts';

// The Enterprise App Configuration Wizard (the seed tutorial's other path): one guided flow over the
// same services and the same forms as "New application", "Basic SAML Configuration" and "Users and
// groups". Step 1 creates the application, so progress lives in the application itself: leaving the
// wizard at any step leaves a normal application, and its id in the URL is all a step needs.

type Params = { id: string; template?: string; assignmentId?: string };

// Step 1: choose from the gallery, then name it and fill in its fields.

/** GET `/portal/wizard?q=`: step 1, the gallery with its search. */
export async function wizardGalleryPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const body = card(
    'Choose an application from the gallery',
    gallerySearch({
      action: WIZARD,
      search: queryOf(request).q ?? '',
      hrefOf: (t) => `${WIZARD}/new/${t.id}`,
    }),
  );
  return sendWizardPage(request, reply, admin, { step: 'application', app: null, body });
}

function templateOf(request: FastifyRequest): GalleryTemplate {
  const template = findTemplate((request.params as Params).template ?? '');
  if (!template) throw notFound('The gallery application');
  return template;
}

function addForm(
  admin: AdminContext,
  template: GalleryTemplate,
  values: Record<string, string>,
  errors: Record<string, string>,
): SafeHtml {
  return html`<section class="card"><header><h2>${template.name}</h2></header>
<p>${template.description}</p>
${galleryPatterns(template)}
<form method="post" action="${WIZARD}/new/${template.id}" novalidate>
${hiddenCsrf(admin.csrf)}
${galleryAddFields(template, values, errors)}
<div class="actions"><button type="submit">Add and continue</button> <a class="button secondary" href="${WIZARD}">Back to the gallery</a></div>
</form>
</section>`;
}

/** GET `/portal/wizard/new/:template`: step 1, the application's name and the gallery entry's fields. */
export async function wizardAddPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const template = templateOf(request);
  return sendWizardPage(request, reply, admin, {
    step: 'application',
    app: null,
    body: addForm(admin, template, {}, {}),
  });
}

/** POST `/portal/wizard/new/:template`: adds the application (as "New application" does), then step 2. */
export async function wizardAddSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const template = templateOf(request);
  const form = formOf(request);
  const result = await attempt(() =>
    addGalleryApplication(deps, admin.actor, admin.tenant.id, galleryAddInput(admin, template, form)),
  );
  if (!result.ok) {
    return sendWizardPage(request, reply, admin, {
      step: 'application',
      app: null,
      body: addForm(admin, template, form, result.errors),
      status: 400,
    });
  }
  return done(request, reply, wizardUrl(result.value, 'sso'), `Added ${result.value.displayName}.`);
}

// Steps 2 to 4 work on the application step 1 created.

async function load(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return null;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as Params).id);
  return { admin, app };
}

function metadataUrlField(deps: Deps, admin: AdminContext, app: Application): SafeHtml {
  return copyField(
    'App Federation Metadata Url',
    'metadata-url',
    idpAddresses(deps.config.baseUrl, admin.tenant.id).metadataUrl(app.appId),
  );
}

function ssoStep(
  deps: Deps,
  admin: AdminContext,
  app: Application,
  values: Record<string, string> | null,
  errors: Record<string, string>,
): SafeHtml {
  return html`<form method="post" action="${wizardUrl(app, 'sso')}" class="card" novalidate>
<header><h2>Basic SAML Configuration</h2></header>
<p class="hint">Filled in from what you entered for ${app.displayName}. Check the values; change them if your application uses others.</p>
${hiddenCsrf(admin.csrf)}
${basicSamlFields(app, values, errors)}
<div class="actions"><button type="submit">Save and continue</button></div>
</form>
${card(
  'SAML Signing Certificate',
  html`<p class="hint">The application reads Federa Directory’s certificate, sign-in address and identifier from this URL: paste it into its single sign-on settings (Sentry: Org Settings › Auth › Active Directory).</p>
${metadataUrlField(deps, admin, app)}`,
)}`;
}

/** GET `/portal/wizard/:id/sso`: step 2, the Basic SAML Configuration and the metadata URL. */
export async function wizardSsoPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app } = loaded;
  return sendWizardPage(request, reply, admin, {
    step: 'sso',
    app,
    body: ssoStep(deps, admin, app, null, {}),
  });
}

/** POST `/portal/wizard/:id/sso`: saves it (as the Basic SAML Configuration page does), then step 3. */
export async function wizardSsoSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app } = loaded;
  const { input, values } = basicSamlInputOf(formOf(request));
  const result = await attempt(() => updateBasicSaml(deps, admin.actor, admin.tenant.id, app.id, input));
  if (!result.ok) {
    return sendWizardPage(request, reply, admin, {
      step: 'sso',
      app,
      body: ssoStep(deps, admin, app, values, result.errors),
      status: 400,
    });
  }
  return done(request, reply, wizardUrl(app, 'users'), 'Saved the Basic SAML Configuration.');
}

async function usersStep(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
  admin: AdminContext,
  app: Application,
  values: Record<string, string>,
  errors: Record<string, string>,
) {
  const [assignments, choices] = await Promise.all([
    listAssignments(deps.db, app.id),
    loadAssignmentChoices(deps.db, admin.tenant.id, app.id),
  ]);
  const body = html`${card(
    `Users and groups assigned to ${app.displayName}`,
    html`<p class="hint">${
      app.assignmentRequired
        ? 'Assignment is required: only the users and groups assigned here (and members of these groups) can sign in.'
        : 'Assignment is not required: every user of the tenant can sign in; those assigned here see the application in My Apps.'
    }</p>
${assignmentsTable(assignments, (a) => `${wizardUrl(app, 'users')}/${a.id}/remove`)}`,
  )}
${card(
  'Add Assignment',
  html`<form method="post" action="${wizardUrl(app, 'users')}" novalidate>${hiddenCsrf(admin.csrf)}
${assignmentFields(choices, values, errors)}
<div class="actions"><button type="submit">Assign</button></div></form>`,
)}
<div class="actions"><a class="button${assignments.length > 0 ? '' : ' secondary'}" href="${wizardUrl(app, 'review')}">Next: Review + finish</a> <a class="button secondary" href="${wizardUrl(app, 'sso')}">Back</a></div>`;
  return sendWizardPage(request, reply, admin, {
    step: 'users',
    app,
    body,
    status: Object.keys(errors).length > 0 ? 400 : 200,
  });
}

/** GET `/portal/wizard/:id/users`: step 3, who may sign in, with which app role. */
export async function wizardUsersPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  return usersStep(deps, request, reply, loaded.admin, loaded.app, {}, {});
}

/** POST `/portal/wizard/:id/users`: assigns one user or group (as Users and groups does); back to step 3. */
export async function wizardAssignSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app } = loaded;
  const form = formOf(request);
  const result = await attempt(() => assign(deps, admin.actor, admin.tenant.id, app.id, assignInputOf(form)));
  if (!result.ok) return usersStep(deps, request, reply, admin, app, form, result.errors);
  return done(
    request,
    reply,
    wizardUrl(app, 'users'),
    'Assignment succeeded. Assign another, or go on to Review + finish.',
  );
}

// Remove (an assignment) is confirmed first: assignments/unassign.routes.ts, `unassignInWizard`.

function problem(errors: Record<string, string>, key: string): SafeHtml | null {
  return errors[key] ? html`<p class="error" id="e-${key}" role="alert">${errors[key]}</p>` : null;
}

async function reviewStep(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
  admin: AdminContext,
  app: Application,
  errors: Record<string, string>,
  status: number,
) {
  const assignments = await listAssignments(deps.db, app.id);
  const template = findTemplate(app.galleryTemplate);
  const list = (values: string[]) =>
    values.length === 0
      ? html`<span class="empty">None</span>`
      : html`${values.map((v) => html`<div><code>${v}</code></div>`)}`;
  const body = html`${card(
    'Application',
    facts([
      ['Name', app.displayName],
      ['Gallery application', template?.name ?? app.galleryTemplate],
      ['Application ID', html`<code>${app.appId}</code>`],
    ]),
  )}
${card(
  'Single sign-on',
  html`${facts([
    ['Identifier (Entity ID)', list(app.identifiers.map((i) => i.identifier))],
    ['Reply URL (Assertion Consumer Service URL)', list(app.replyUrls.map((r) => r.url))],
    ['Sign on URL', app.signOnUrl ?? 'None (IdP-initiated only)'],
    ['Relay State', app.relayState ?? 'None'],
    ['Logout Url', app.logoutUrl ?? 'None'],
  ])}
${problem(errors, 'sso')}
${metadataUrlField(deps, admin, app)}`,
  html`<a class="button secondary" href="${wizardUrl(app, 'sso')}" aria-label="Edit single sign-on">Edit</a>`,
)}
${card(
  'Users and groups',
  html`${table(
    ['Display name', 'Object type', 'Role assigned'],
    assignments.map((a) => [a.principalName, a.principalType === 'user' ? 'User' : 'Group', a.roleName]),
    'Nobody is assigned.',
  )}
${problem(errors, 'users')}`,
  html`<a class="button secondary" href="${wizardUrl(app, 'users')}" aria-label="Edit users and groups">Edit</a>`,
)}
<form method="post" action="${wizardUrl(app, 'review')}" class="card" novalidate>
${hiddenCsrf(admin.csrf)}
<p>Finish, then configure ${app.displayName} with the App Federation Metadata Url above, and test single sign-on.</p>
<div class="actions"><button type="submit">Finish</button> <a class="button secondary" href="${wizardUrl(app, 'users')}">Back</a></div>
</form>`;
  return sendWizardPage(request, reply, admin, { step: 'review', app, body, status });
}

/** GET `/portal/wizard/:id/review`: step 4, everything set up, what is still missing. */
export async function wizardReviewPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app } = loaded;
  // Shown before Finish too, so the admin sees what is missing without trying.
  const problems = await wizardProblems(deps.db, app);
  return reviewStep(deps, request, reply, admin, app, problems, 200);
}

/** POST `/portal/wizard/:id/review`: Finish → the application's "Test single sign-on". */
export async function wizardFinishSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app } = loaded;
  const result = await attempt(() => finishWizard(deps, admin.actor, admin.tenant.id, app.id));
  if (!result.ok) return reviewStep(deps, request, reply, admin, app, result.errors, 400);
  return done(
    request,
    reply,
    `/portal/applications/${app.id}/test`,
    `${app.displayName} is set up. Test single sign-on.`,
  );
}
