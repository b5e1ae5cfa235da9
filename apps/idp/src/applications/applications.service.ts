import { recordAudit } from '../audit/audit.repository.ts';
import { addCertificateRow } from '../certificates/certificates.service.ts';
import { type Actor, type Deps, newId, nowIso } from '../context.ts';
import { type Db, inTransaction } from '../db/schema.ts';
import { FieldErrors, FormErrors, notFound } from '../errors.ts';
import { findTenant } from '../tenants/tenants.repository.ts';
import {
  type Application,
  deleteApplicationRow,
  findApplication,
  identifierOwner,
  insertApplication,
  replaceClaims,
  replaceIdentifiers,
  replaceReplyUrls,
  updateApplicationColumns,
} from './applications.repository.ts';
import { type BasicSamlInput, validateBasicSaml } from './basic-saml.ts';
import { DEFAULT_CLAIMS } from './claims.ts';
import { findTemplate, galleryFieldProblems } from './gallery.ts';

/** Loads an application of the tenant or throws 404. */
export async function requireApplication(db: Db, tenantId: string, id: string): Promise<Application> {
  const app = await findApplication(db, tenantId, id);
  if (!app) throw notFound('The application');
  return app;
}

export async function auditApplication(
  db: Db,
  actor: Actor,
  at: string,
  app: { id: string; tenantId: string; displayName: string },
  activity: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await recordAudit(db, actor, at, {
    tenantId: app.tenantId,
    category: 'ApplicationManagement',
    activity,
    targetType: 'Application',
    targetId: app.id,
    targetName: app.displayName,
    details,
  });
}

export interface CreateApplicationInput {
  displayName: string;
  galleryTemplate: string;
  /** Filled in Basic SAML Configuration, when the gallery entry knows it. */
  basicSaml?: BasicSamlInput | null | undefined;
  /** Who is told before the signing certificate expires (Entra: the admin who added the app). */
  notificationEmails?: string[] | undefined;
}

/**
 * Adds an enterprise application with SAML single sign-on, as Entra sets one up: Entra's default
 * claims, NameID = user.userprincipalname, assignment required, visible to users, and an active
 * RSA-2048 signing certificate valid 3 years. Throws FormErrors (displayName and the Basic SAML fields).
 */
export async function createApplication(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  input: CreateApplicationInput,
): Promise<Application> {
  const displayName = input.displayName.trim();
  return inTransaction(deps.db, async (db) => {
    if (!(await findTenant(db, tenantId))) throw notFound('The tenant');
    const errors = new FieldErrors();
    if (displayName === '') errors.add('displayName', 'Enter a name for the application.');
    else if (displayName.length > 120) errors.add('displayName', 'The name can be at most 120 characters.');
    const basic = input.basicSaml
      ? await validateBasicSaml(input.basicSaml, (identifier) =>
          identifierOwner(db, tenantId, identifier, null),
        )
      : null;
    if (basic) for (const [field, message] of Object.entries(basic.errors.fields)) errors.add(field, message);
    errors.throwIfAny();

    const id = newId();
    const at = nowIso(deps);
    await insertApplication(db, {
      id,
      appId: newId(),
      tenantId,
      displayName,
      galleryTemplate: input.galleryTemplate,
      notificationEmails: input.notificationEmails ?? [],
      at,
    });
    await replaceClaims(db, id, DEFAULT_CLAIMS);
    if (basic) {
      await replaceIdentifiers(db, { id, tenantId }, basic.value.identifiers);
      await replaceReplyUrls(db, id, basic.value.replyUrls);
      await updateApplicationColumns(
        db,
        id,
        {
          signOnUrl: basic.value.signOnUrl,
          relayState: basic.value.relayState,
          logoutUrl: basic.value.logoutUrl,
        },
        at,
      );
    }
    const certificate = await addCertificateRow(deps, db, id, true);
    const app = (await findApplication(db, tenantId, id))!;
    await auditApplication(db, actor, at, app, 'Add application', {
      galleryTemplate: input.galleryTemplate,
      appId: app.appId,
      identifiers: app.identifiers.map((i) => i.identifier),
      replyUrls: app.replyUrls.map((r) => r.url),
      signOnUrl: app.signOnUrl,
      signingCertificate: certificate.thumbprint,
    });
    return app;
  });
}

/**
 * "New application" › a gallery entry › Create: the application named as the admin chose, its Basic
 * SAML Configuration filled in from the entry's fields (e.g. Sentry's organization slug and host).
 */
export async function addGalleryApplication(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  input: {
    templateId: string;
    displayName?: string | undefined;
    values?: Record<string, string> | undefined;
    notificationEmails?: string[] | undefined;
  },
): Promise<Application> {
  const template = findTemplate(input.templateId);
  if (!template) throw notFound('The gallery application');
  const values = Object.fromEntries(Object.entries(input.values ?? {}).map(([k, v]) => [k, v.trim()]));
  const problems = galleryFieldProblems(template, values);
  const displayName = input.displayName ?? (template.id === 'custom' ? '' : template.name);
  if (Object.keys(problems).length > 0) {
    if (displayName.trim() === '') problems.displayName = 'Enter a name for the application.';
    throw new FormErrors(problems);
  }
  const urls = template.configure(values);
  return createApplication(deps, actor, tenantId, {
    displayName,
    galleryTemplate: template.id,
    notificationEmails: input.notificationEmails,
    basicSaml: urls
      ? {
          identifiers: [{ identifier: urls.identifier, isDefault: true }],
          replyUrls: [{ url: urls.replyUrl, index: null, isDefault: true }],
          signOnUrl: urls.signOnUrl,
        }
      : null,
  });
}

export interface PropertiesInput {
  displayName: string;
  enabledForSignIn: boolean;
  assignmentRequired: boolean;
  visibleToUsers: boolean;
}

/** The Properties page: name, "Enabled for users to sign-in?", "Assignment required?", "Visible to users?". */
export async function updateProperties(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  input: PropertiesInput,
): Promise<Application> {
  const displayName = input.displayName.trim();
  return inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const errors = new FieldErrors();
    if (displayName === '') errors.add('displayName', 'Enter a name for the application.');
    else if (displayName.length > 120) errors.add('displayName', 'The name can be at most 120 characters.');
    errors.throwIfAny();
    const at = nowIso(deps);
    const change = {
      displayName,
      enabledForSignIn: input.enabledForSignIn,
      assignmentRequired: input.assignmentRequired,
      visibleToUsers: input.visibleToUsers,
    };
    await updateApplicationColumns(db, app.id, change, at);
    await auditApplication(
      db,
      actor,
      at,
      { ...app, displayName },
      'Update application properties',
      diff(app, change),
    );
    return (await findApplication(db, tenantId, applicationId))!;
  });
}

export async function deleteApplication(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const at = nowIso(deps);
    await deleteApplicationRow(db, app.id);
    await auditApplication(db, actor, at, app, 'Delete application', { appId: app.appId });
  });
}

/** `{ key: { from, to } }` for the keys whose value changes. */
export function diff(before: object, after: object): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  const old = before as Record<string, unknown>;
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(old[key]) !== JSON.stringify(value))
      changed[key] = { from: old[key] ?? null, to: value };
  }
  return changed;
}
