import { card, field, hiddenCsrf, html, type SafeHtml, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { attempt, formOf, yes } from '../http/forms.ts';
import { actionButton, radioField, selectField, yesNoField } from '../http/inputs.ts';
import { type AdminContext, done, requireAdmin } from '../portal/portal.ts';
import { sendApplicationPage } from './application-page.ts';
import type { Application } from './applications.repository.ts';
import { requireApplication } from './applications.service.ts';
import {
  CLAIM_NAMESPACE,
  claimUri,
  GROUP_CLAIM_MODES,
  GROUP_CLAIM_SOURCES,
  GROUPS_CLAIM,
  NAME_ID_FORMATS,
  PASSWORD_AMR,
  ROLE_CLAIM,
  USER_ATTRIBUTES,
} from './claims.ts';
import {
  addClaim,
  removeClaim,
  updateClaim,
  updateGroupClaim,
  updateNameId,
  updateRoleClaim,
} from './sso-settings.service.ts';

type Params = { id: string; claimId?: string };
const SOURCES = USER_ATTRIBUTES.map((a) => ({ value: a.source, label: a.source }));

async function load(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return null;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as Params).id);
  return { admin, app, base: `/portal/applications/${app.id}/sso/claims` };
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  admin: AdminContext,
  app: Application,
  title: string,
  body: SafeHtml,
  status = 200,
) {
  return sendApplicationPage(request, reply, admin, app, {
    title,
    section: 'sso',
    body,
    crumb: 'Attributes & Claims',
    status,
  });
}

/** GET `…/sso/claims`: Attributes & Claims. */
export async function claimsPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app, base } = loaded;
  const body = html`<div class="actions"><a class="button" href="${base}/new">Add new claim</a> <a class="button secondary" href="${base}/groups">${app.groupClaim === 'none' ? 'Add a group claim' : 'Edit the group claim'}</a></div>
${card(
  'Required claim',
  table(
    ['Claim name', 'Type', 'Value', ''],
    [
      [
        'Unique User Identifier (Name ID)',
        'SAML',
        `${app.nameIdSource} [${NAME_ID_FORMATS.find((f) => f.value === app.nameIdFormat)?.label ?? app.nameIdFormat}]`,
        html`<a href="${base}/nameid">Edit</a>`,
      ],
    ],
  ),
)}
${card(
  'Additional claims',
  table(
    ['Claim name', 'Type', 'Value', ''],
    [
      ...app.claims.map((c) => [
        claimUri(c),
        'SAML',
        c.source,
        html`<a href="${base}/${c.id}">Edit</a> ${actionButton(`${base}/${c.id}/remove`, admin.csrf, 'Delete', { kind: 'secondary' })}`,
      ]),
      ...(app.groupClaim !== 'none'
        ? [
            [
              GROUPS_CLAIM,
              'SAML',
              `${GROUP_CLAIM_MODES.find((m) => m.value === app.groupClaim)?.label} (${GROUP_CLAIM_SOURCES.find((s) => s.value === app.groupClaimSource)?.label})`,
              html`<a href="${base}/groups">Edit</a>`,
            ],
          ]
        : []),
    ],
    'No additional claims: only the NameID and the fixed claims are sent.',
  ),
)}
${card(
  'Role claim',
  html`<form method="post" action="${base}/role" novalidate>${hiddenCsrf(admin.csrf)}
${yesNoField({ label: `Send the values of the user's app roles as ${ROLE_CLAIM}`, name: 'roleClaim', value: app.roleClaim, hint: 'Default Access carries no value and sends nothing.' })}
<button type="submit" class="secondary">Save</button></form>`,
)}
${card(
  'Always sent',
  html`<p class="hint">Federa Directory, like Entra ID, adds these to every assertion, before the additional claims.</p>
${table(
  ['Claim name', 'Value'],
  [
    ['http://schemas.microsoft.com/identity/claims/tenantid', 'The tenant ID'],
    ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'user.objectid'],
    ['http://schemas.microsoft.com/identity/claims/displayname', 'user.displayname'],
    [
      'http://schemas.microsoft.com/identity/claims/identityprovider',
      'The Federa Directory Identifier (entity ID) of this tenant',
    ],
    ['http://schemas.microsoft.com/claims/authnmethodsreferences', PASSWORD_AMR],
  ],
)}`,
)}`;
  return send(request, reply, admin, app, 'Attributes & Claims', body);
}

function nameIdForm(
  admin: AdminContext,
  app: Application,
  base: string,
  values: Record<string, string> | null,
  errors: Record<string, string>,
) {
  return html`<form method="post" action="${base}/nameid" class="card" novalidate>${hiddenCsrf(admin.csrf)}
${selectField({ label: 'Name identifier format', name: 'format', choices: NAME_ID_FORMATS, value: values?.format ?? app.nameIdFormat, error: errors.format, hint: 'Default sends emailAddress, or the format the application asks for in its NameIDPolicy.' })}
${selectField({ label: 'Source attribute', name: 'source', choices: SOURCES, value: values?.source ?? app.nameIdSource, error: errors.source })}
<div class="actions"><button type="submit">Save</button> <a class="button secondary" href="${base}">Cancel</a></div></form>`;
}

/**
 * A settings form of its own page (GET shows it, POST saves it through the service and comes back to
 * Attributes & Claims, or shows the form again with the errors beside the fields).
 */
function settingsForm(spec: {
  title: string;
  form: (
    admin: AdminContext,
    app: Application,
    base: string,
    values: Record<string, string> | null,
    errors: Record<string, string>,
  ) => SafeHtml;
  save: (deps: Deps, admin: AdminContext, app: Application, form: Record<string, string>) => Promise<unknown>;
  saved: string;
}) {
  return {
    async page(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
      const loaded = await load(deps, request, reply);
      if (!loaded) return reply;
      const { admin, app, base } = loaded;
      return send(request, reply, admin, app, spec.title, spec.form(admin, app, base, null, {}));
    },
    async submit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
      const loaded = await load(deps, request, reply);
      if (!loaded) return reply;
      const { admin, app, base } = loaded;
      const form = formOf(request);
      const result = await attempt(() => spec.save(deps, admin, app, form));
      if (!result.ok) {
        return send(
          request,
          reply,
          admin,
          app,
          spec.title,
          spec.form(admin, app, base, form, result.errors),
          400,
        );
      }
      return done(request, reply, base, spec.saved);
    },
  };
}

const nameId = settingsForm({
  title: 'Manage claim: Unique User Identifier (Name ID)',
  form: nameIdForm,
  save: (deps, admin, app, form) =>
    updateNameId(deps, admin.actor, admin.tenant.id, app.id, {
      source: form.source ?? '',
      format: form.format ?? '',
    }),
  saved: 'Saved the Unique User Identifier.',
});
export const nameIdPage = nameId.page;
export const nameIdSubmit = nameId.submit;

function claimForm(
  admin: AdminContext,
  action: string,
  cancel: string,
  values: Record<string, string>,
  errors: Record<string, string>,
) {
  return html`<form method="post" action="${action}" class="card" novalidate>${hiddenCsrf(admin.csrf)}
${field({ label: 'Name', name: 'name', value: values.name ?? '', required: true, placeholder: 'department', error: errors.name })}
${field({ label: 'Namespace', name: 'namespace', value: values.namespace ?? '', placeholder: CLAIM_NAMESPACE, hint: 'Optional; the claim is sent as namespace/name.', error: errors.namespace })}
${radioField({ label: 'Source', name: 'sourceType', choices: [{ value: 'attribute', label: 'Attribute' }], value: 'attribute' })}
${selectField({ label: 'Source attribute', name: 'source', choices: SOURCES, value: values.source ?? '', placeholder: 'Select', error: errors.source, hint: 'A claim whose attribute is empty for a user is left out of that user’s assertion.' })}
<div class="actions"><button type="submit">Save</button> <a class="button secondary" href="${cancel}">Cancel</a></div></form>`;
}

export async function newClaimPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app, base } = loaded;
  return send(
    request,
    reply,
    admin,
    app,
    'Manage claim',
    claimForm(admin, base, base, { namespace: CLAIM_NAMESPACE }, {}),
  );
}

export async function addClaimSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app, base } = loaded;
  const form = formOf(request);
  const result = await attempt(() =>
    addClaim(deps, admin.actor, admin.tenant.id, app.id, {
      name: form.name ?? '',
      namespace: form.namespace ?? '',
      source: form.source ?? '',
    }),
  );
  if (!result.ok)
    return send(
      request,
      reply,
      admin,
      app,
      'Manage claim',
      claimForm(admin, base, base, form, result.errors),
      400,
    );
  return done(request, reply, base, 'Added the claim.');
}

export async function editClaimPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app, base } = loaded;
  const claim = app.claims.find((c) => c.id === (request.params as Params).claimId);
  if (!claim) throw notFound('The claim');
  const values = { name: claim.name, namespace: claim.namespace ?? '', source: claim.source };
  return send(
    request,
    reply,
    admin,
    app,
    'Manage claim',
    claimForm(admin, `${base}/${claim.id}`, base, values, {}),
  );
}

export async function editClaimSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app, base } = loaded;
  const claimId = (request.params as Params).claimId ?? '';
  const form = formOf(request);
  const result = await attempt(() =>
    updateClaim(deps, admin.actor, admin.tenant.id, app.id, claimId, {
      name: form.name ?? '',
      namespace: form.namespace ?? '',
      source: form.source ?? '',
    }),
  );
  if (!result.ok)
    return send(
      request,
      reply,
      admin,
      app,
      'Manage claim',
      claimForm(admin, `${base}/${claimId}`, base, form, result.errors),
      400,
    );
  return done(request, reply, base, 'Saved the claim.');
}

export async function removeClaimSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  await removeClaim(
    deps,
    loaded.admin.actor,
    loaded.admin.tenant.id,
    loaded.app.id,
    (request.params as Params).claimId ?? '',
  );
  return done(request, reply, loaded.base, 'Deleted the claim.');
}

function groupClaimForm(
  admin: AdminContext,
  app: Application,
  base: string,
  values: Record<string, string> | null,
  errors: Record<string, string>,
) {
  return html`<form method="post" action="${base}/groups" class="card" novalidate>${hiddenCsrf(admin.csrf)}
${radioField({ label: 'Which groups associated with the user should be returned in the claim?', name: 'mode', choices: GROUP_CLAIM_MODES, value: values?.mode ?? app.groupClaim, error: errors.mode })}
${radioField({ label: 'Source attribute', name: 'source', choices: GROUP_CLAIM_SOURCES, value: values?.source ?? app.groupClaimSource, error: errors.source })}
<p class="hint">Sent as ${GROUPS_CLAIM}.</p>
<div class="actions"><button type="submit">Save</button> <a class="button secondary" href="${base}">Cancel</a></div></form>`;
}

const groupClaim = settingsForm({
  title: 'Group Claims',
  form: groupClaimForm,
  save: (deps, admin, app, form) =>
    updateGroupClaim(deps, admin.actor, admin.tenant.id, app.id, {
      mode: form.mode ?? '',
      source: form.source ?? '',
    }),
  saved: 'Saved the group claim.',
});
export const groupClaimPage = groupClaim.page;
export const groupClaimSubmit = groupClaim.submit;

export async function roleClaimSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  await updateRoleClaim(
    deps,
    loaded.admin.actor,
    loaded.admin.tenant.id,
    loaded.app.id,
    yes(formOf(request).roleClaim),
  );
  return done(request, reply, loaded.base, 'Saved the role claim.');
}
