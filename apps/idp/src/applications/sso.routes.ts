import { allowFormActionTo, card, copyField, facts, hiddenCsrf, html, type SafeHtml } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { listCertificates } from '../certificates/certificates.repository.ts';
import type { Deps } from '../context.ts';
import { attempt, formOf } from '../http/forms.ts';
import { formatTime, textareaField } from '../http/inputs.ts';
import { type AdminContext, done, requireAdmin } from '../portal/portal.ts';
import { idpAddresses } from '../sso/context.ts';
import { testChoices } from '../test-sign-in/test-sign-in.pages.ts';
import { sendApplicationPage } from './application-page.ts';
import type { Application } from './applications.repository.ts';
import { requireApplication } from './applications.service.ts';
import { basicSamlFields, basicSamlInputOf } from './basic-saml.form.ts';
import { claimUri, NAME_ID_FORMATS } from './claims.ts';
import { applySpMetadata, updateBasicSaml } from './sso-settings.service.ts';

type Params = { id: string };

function list(values: readonly string[]): SafeHtml {
  return values.length === 0
    ? html`<span class="empty">Required</span>`
    : html`${values.map((v) => html`<div><code>${v}</code></div>`)}`;
}

/** GET `/portal/applications/:id/sso`: "Set up Single Sign-On with SAML", laid out as Entra does. */
export async function ssoPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as Params).id);
  const certificates = await listCertificates(deps.db, app.id);
  const active = certificates.find((c) => c.isActive) ?? null;
  const addresses = idpAddresses(deps.config.baseUrl, admin.tenant.id);
  const base = `/portal/applications/${app.id}`;
  const body = html`<p>Single sign-on method: <strong>SAML</strong>. The application signs users in with the SAML 2.0 protocol; Federa Directory answers as its identity provider.</p>
${card(
  '1. Basic SAML Configuration',
  facts([
    [
      'Identifier (Entity ID)',
      list(
        app.identifiers.map((i) =>
          i.isDefault && app.identifiers.length > 1 ? `${i.identifier} (default)` : i.identifier,
        ),
      ),
    ],
    [
      'Reply URL (Assertion Consumer Service URL)',
      list(
        app.replyUrls.map(
          (r) =>
            `${r.url}${r.index !== null ? ` (index ${r.index})` : ''}${r.isDefault && app.replyUrls.length > 1 ? ' (default)' : ''}`,
        ),
      ),
    ],
    ['Sign on URL', app.signOnUrl ?? 'Optional'],
    ['Relay State (Optional)', app.relayState ?? 'Optional'],
    ['Logout Url (Optional)', app.logoutUrl ?? 'Optional'],
    ...(app.logoutResponseUrl
      ? ([['Logout response URL (from metadata)', app.logoutResponseUrl]] as const)
      : []),
  ]),
  html`<a class="button secondary" href="${base}/sso/basic">Edit</a>`,
)}
${card(
  '2. Attributes & Claims',
  facts([
    ...app.claims.map((c) => [c.name, c.source] as const),
    [
      'Unique User Identifier',
      `${app.nameIdSource} (${NAME_ID_FORMATS.find((f) => f.value === app.nameIdFormat)?.label ?? app.nameIdFormat})`,
    ] as const,
  ]),
  html`<a class="button secondary" href="${base}/sso/claims">Edit</a>`,
)}
${card(
  '3. SAML Certificates',
  html`<h3>Token signing certificate</h3>
${facts([
  ['Status', active ? 'Active' : 'No active certificate'],
  ['Thumbprint', active ? html`<code>${active.thumbprint}</code>` : ''],
  ['Expiration', active ? formatTime(active.expiresAt) : ''],
  ['Notification Email', app.notificationEmails.join(', ')],
  ['Requests signed with RSA-SHA1', app.allowSha1Requests ? 'Allowed' : 'Not allowed'],
])}
${copyField('App Federation Metadata Url', 'metadata-url', addresses.metadataUrl(app.appId))}
${
  active
    ? html`<p class="downloads">Certificate (Base64) <a href="${base}/certificates/${active.id}/download?format=base64">Download</a> ·
Certificate (PEM) <a href="${base}/certificates/${active.id}/download?format=pem">Download</a> ·
Certificate (Raw) <a href="${base}/certificates/${active.id}/download?format=raw">Download</a> ·
Federation Metadata XML <a href="/${admin.tenant.id}/federationmetadata/2007-06/federationmetadata.xml?appid=${app.appId}&amp;download=1">Download</a></p>`
    : null
}`,
  html`<a class="button secondary" href="${base}/certificates">Edit</a>`,
)}
${card(
  `4. Set up ${app.displayName}`,
  html`<p class="hint">Configure the application to link with Federa Directory.</p>
${copyField('Login URL', 'login-url', addresses.ssoUrl)}
${copyField('Federa Directory Identifier', 'idp-identifier', addresses.entityId)}
${copyField('Logout URL', 'logout-url', addresses.ssoUrl)}`,
)}
${card(`5. Test single sign-on with ${app.displayName}`, html`<p><a class="button" href="${base}/test">Test</a></p>`)}`;
  return sendApplicationPage(request, reply, admin, app, {
    title: `${app.displayName} | SAML-based Sign-on`,
    section: 'sso',
    body,
    crumb: 'Single sign-on',
  });
}

function basicForm(
  admin: AdminContext,
  app: Application,
  values: Record<string, string> | null,
  errors: Record<string, string>,
): SafeHtml {
  return html`<form method="post" action="/portal/applications/${app.id}/sso/basic" class="card" novalidate>
${hiddenCsrf(admin.csrf)}
${basicSamlFields(app, values, errors)}
<div class="actions"><button type="submit">Save</button> <a class="button secondary" href="/portal/applications/${app.id}/sso">Cancel</a></div>
</form>
<form method="post" action="/portal/applications/${app.id}/sso/metadata" enctype="multipart/form-data" class="card" novalidate>
${hiddenCsrf(admin.csrf)}
<h2>Upload metadata file</h2>
<p class="hint">The application’s SAML metadata fills in the Identifier, Reply URLs and Logout URL, and the certificate the application signs its requests with.</p>
<div class="field${errors.metadata ? ' has-error' : ''}">
<label for="f-metadataFile">Metadata file</label>
<input id="f-metadataFile" name="metadataFile" type="file" accept=".xml,application/xml,text/xml,application/samlmetadata+xml"${errors.metadata ? html` aria-invalid="true" aria-describedby="f-metadata-error"` : null}>
</div>
${textareaField({ label: 'Or paste the metadata XML', name: 'metadata', value: values?.metadata ?? '', error: errors.metadata })}
<div class="actions"><button type="submit" class="secondary">Add from metadata</button></div>
</form>`;
}

export async function basicSamlPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as Params).id);
  return sendApplicationPage(request, reply, admin, app, {
    title: 'Basic SAML Configuration',
    section: 'sso',
    body: basicForm(admin, app, null, {}),
    crumb: 'Basic SAML Configuration',
  });
}

export async function basicSamlSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as Params).id);
  const form = formOf(request);
  const { input, values } = basicSamlInputOf(form);
  const result = await attempt(() => updateBasicSaml(deps, admin.actor, admin.tenant.id, app.id, input));
  if (!result.ok) {
    return sendApplicationPage(request, reply, admin, app, {
      title: 'Basic SAML Configuration',
      section: 'sso',
      body: basicForm(admin, app, values, result.errors),
      crumb: 'Basic SAML Configuration',
      status: 400,
    });
  }
  return done(request, reply, `/portal/applications/${app.id}/sso`, 'Saved the Basic SAML Configuration.');
}

export async function metadataUploadSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as Params).id);
  const form = formOf(request);
  const file = (request.body as { metadataFile?: unknown } | undefined)?.metadataFile;
  const xml = Buffer.isBuffer(file) && file.length > 0 ? file.toString('utf8') : (form.metadata ?? '');
  const result = await attempt(() => applySpMetadata(deps, admin.actor, admin.tenant.id, app.id, xml));
  if (!result.ok) {
    return sendApplicationPage(request, reply, admin, app, {
      title: 'Basic SAML Configuration',
      section: 'sso',
      body: basicForm(admin, app, null, result.errors),
      crumb: 'Basic SAML Configuration',
      status: 400,
    });
  }
  return done(
    request,
    reply,
    `/portal/applications/${app.id}/sso/basic`,
    'Filled in from the metadata. Check the values, then Save if you change them.',
  );
}

/**
 * GET `/portal/applications/:id/test`: "Test single sign-on", as the current admin or as someone else
 * (test-sign-in/), each in a new tab.
 */
export async function testPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as Params).id);
  const addresses = idpAddresses(deps.config.baseUrl, admin.tenant.id);
  // Sign in as someone else, SP initiated: the form's answer redirects to the Sign on URL.
  if (app.signOnUrl) allowFormActionTo(reply, [app.signOnUrl]);
  const body = html`${card(
    `Test single sign-on with ${app.displayName}`,
    testChoices({
      app,
      adminName: admin.user.userPrincipalName,
      csrf: admin.csrf,
      userAccessUrl: addresses.userAccessUrl(app.appId),
    }),
  )}
${card('Claims the application will receive', facts([['NameID', app.nameIdSource], ...app.claims.map((c) => [claimUri(c), c.source] as const)]))}`;
  return sendApplicationPage(request, reply, admin, app, {
    title: `Test single sign-on with ${app.displayName}`,
    section: 'sso',
    body,
    crumb: 'Test',
  });
}
