import { card, field, hiddenCsrf, html, table } from '@federa/kit';
import { parseCertificate } from '@federa/saml';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendApplicationPage } from '../applications/application-page.ts';
import type { Application } from '../applications/applications.repository.ts';
import { requireApplication } from '../applications/applications.service.ts';
import { updateSigning } from '../applications/sso-settings.service.ts';
import type { Deps } from '../context.ts';
import { idpError, notFound } from '../errors.ts';
import { attempt, formOf, queryOf } from '../http/forms.ts';
import { actionButton, badge, checkboxField, formatTime, radioField } from '../http/inputs.ts';
import { type AdminContext, done, requireAdmin } from '../portal/portal.ts';
import { listCertificates, type SigningCertificate } from './certificates.repository.ts';
import { activateCertificate, createCertificate, deleteCertificate } from './certificates.service.ts';

type Params = { id: string; certId?: string };

const SIGNING_OPTIONS = [
  { value: 'response', label: 'Sign SAML response' },
  { value: 'assertion', label: 'Sign SAML assertion' },
  { value: 'both', label: 'Sign SAML response and assertion' },
];
const ALGORITHMS = [
  { value: 'sha256', label: 'SHA-256' },
  { value: 'sha1', label: 'SHA-1' },
];

async function load(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return null;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as Params).id);
  return { admin, app, base: `/portal/applications/${app.id}/certificates` };
}

function body(
  admin: AdminContext,
  app: Application,
  certificates: readonly SigningCertificate[],
  now: string,
  values: Record<string, string> | null,
  errors: Record<string, string>,
) {
  const base = `/portal/applications/${app.id}/certificates`;
  return html`${card(
    'Signing certificates',
    html`<p class="hint">Federa Directory signs with the active certificate. A new certificate starts inactive: add it, let the application read the metadata again (it lists every certificate), then make it active.</p>
${table(
  ['Status', 'Thumbprint', 'Expiration date', 'Download', ''],
  certificates.map((c) => [
    c.isActive
      ? badge(true, 'Active', '')
      : c.expiresAt <= now
        ? badge(false, '', 'Expired')
        : html`<span class="badge">Inactive</span>`,
    html`<code>${c.thumbprint}</code>`,
    formatTime(c.expiresAt),
    html`<a href="${base}/${c.id}/download?format=base64">Base64</a> · <a href="${base}/${c.id}/download?format=pem">PEM</a> · <a href="${base}/${c.id}/download?format=raw">Raw</a>`,
    c.isActive
      ? ''
      : html`${actionButton(`${base}/${c.id}/activate`, admin.csrf, 'Make certificate active', { kind: 'secondary' })} ${actionButton(`${base}/${c.id}/delete`, admin.csrf, 'Delete', { kind: 'secondary' })}`,
  ]),
  'No certificate.',
)}
<div class="actions">${actionButton(base, admin.csrf, 'New Certificate')}</div>`,
  )}
${card(
  'Signing options',
  html`<form method="post" action="${base}/signing" novalidate>${hiddenCsrf(admin.csrf)}
${radioField({ label: 'Signing Option', name: 'signingOption', choices: SIGNING_OPTIONS, value: values?.signingOption ?? app.signingOption, error: errors.signingOption })}
${radioField({ label: 'Signing Algorithm', name: 'signingAlgorithm', choices: ALGORITHMS, value: values?.signingAlgorithm ?? app.signingAlgorithm, error: errors.signingAlgorithm, hint: 'SHA-1 only for applications that cannot verify SHA-256.' })}
${checkboxField({ label: 'Allow requests signed with RSA-SHA1', name: 'allowSha1Requests', checked: values ? values.allowSha1Requests === 'on' : app.allowSha1Requests, hint: 'Only for an application that cannot sign its requests with SHA-256. The Signing Algorithm above is for the responses Federa Directory sends.' })}
${field({ label: 'Notification Email Addresses', name: 'notificationEmails', value: values?.notificationEmails ?? app.notificationEmails.join(', '), hint: 'Who should hear before the active certificate expires (comma-separated, at most 5).', error: errors.notificationEmails })}
<div class="actions"><button type="submit">Save</button> <a class="button secondary" href="/portal/applications/${app.id}/sso">Back to single sign-on</a></div></form>`,
)}`;
}

export async function certificatesPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app } = loaded;
  const certificates = await listCertificates(deps.db, app.id);
  return sendApplicationPage(request, reply, admin, app, {
    title: 'SAML Signing Certificate',
    section: 'sso',
    body: body(admin, app, certificates, deps.clock.now().toISOString(), null, {}),
    crumb: 'SAML Signing Certificate',
  });
}

export async function signingSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app, base } = loaded;
  const form = formOf(request);
  const result = await attempt(() =>
    updateSigning(deps, admin.actor, admin.tenant.id, app.id, {
      signingOption: form.signingOption ?? '',
      signingAlgorithm: form.signingAlgorithm ?? '',
      notificationEmails: form.notificationEmails ?? '',
      allowSha1Requests: form.allowSha1Requests === 'on',
    }),
  );
  if (!result.ok) {
    const certificates = await listCertificates(deps.db, app.id);
    return sendApplicationPage(request, reply, admin, app, {
      title: 'SAML Signing Certificate',
      section: 'sso',
      body: body(admin, app, certificates, deps.clock.now().toISOString(), form, result.errors),
      crumb: 'SAML Signing Certificate',
      status: 400,
    });
  }
  return done(request, reply, base, 'Saved the signing options.');
}

export async function newCertificateSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const certificate = await createCertificate(
    deps,
    loaded.admin.actor,
    loaded.admin.tenant.id,
    loaded.app.id,
  );
  return done(
    request,
    reply,
    loaded.base,
    `Added an inactive certificate (thumbprint ${certificate.thumbprint}).`,
  );
}

export async function activateCertificateSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  await activateCertificate(
    deps,
    loaded.admin.actor,
    loaded.admin.tenant.id,
    loaded.app.id,
    (request.params as Params).certId ?? '',
  );
  return done(request, reply, loaded.base, 'The certificate is now active: responses are signed with it.');
}

export async function deleteCertificateSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  await deleteCertificate(
    deps,
    loaded.admin.actor,
    loaded.admin.tenant.id,
    loaded.app.id,
    (request.params as Params).certId ?? '',
  );
  return done(request, reply, loaded.base, 'Deleted the certificate.');
}

/**
 * GET `…/certificates/:certId/download?format=`: base64 (Entra's "Certificate (Base64)": the DER in
 * base64 on one line), pem, or raw (the DER bytes). Only the certificate, never the key.
 */
export async function downloadCertificate(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const certificate = (await listCertificates(deps.db, loaded.app.id)).find(
    (c) => c.id === (request.params as Params).certId,
  );
  if (!certificate) throw notFound('The certificate');
  const parsed = parseCertificate(certificate.certificatePem);
  const name = loaded.app.displayName.replace(/[^A-Za-z0-9._-]/g, '_');
  const format = queryOf(request).format ?? 'base64';
  if (format === 'raw') {
    return reply
      .type('application/pkix-cert')
      .header('content-disposition', `attachment; filename="${name}.cer"`)
      .send(Buffer.from(parsed.base64, 'base64'));
  }
  if (format === 'pem') {
    return reply
      .type('application/x-pem-file')
      .header('content-disposition', `attachment; filename="${name}.pem"`)
      .send(parsed.pem);
  }
  if (format === 'base64') {
    return reply
      .type('text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}.cer"`)
      .send(`${parsed.base64}\n`);
  }
  throw idpError('validation_failed', 400, 'Choose format=base64, pem or raw.');
}
