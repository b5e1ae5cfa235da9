import type { FastifyInstance } from 'fastify';
import { findApplication, listApplications } from '../applications/applications.repository.ts';
import {
  addGalleryApplication,
  deleteApplication,
  updateProperties,
} from '../applications/applications.service.ts';
import { GALLERY } from '../applications/gallery.ts';
import type { Deps } from '../context.ts';
import { callerOf } from './auth.ts';
import { requireApplicationRef } from './lookup.ts';
import { collection, guid, ref, refusals } from './schemas.ts';
import { applicationView, federationView } from './views.ts';

export const appParams = {
  type: 'object',
  required: ['app'],
  properties: { app: { ...guid, description: 'Object id or application (client) id.' } },
} as const;

export function registerApplicationRoutes(api: FastifyInstance, deps: Deps): void {
  api.get(
    '/applicationTemplates',
    {
      schema: {
        tags: ['applications'],
        summary: 'The application gallery',
        response: { 200: collection('ApplicationTemplate'), ...refusals() },
      },
    },
    async () => ({
      value: GALLERY.map((t) => ({
        id: t.id,
        displayName: t.name,
        publisher: t.publisher,
        description: t.description,
        fields: t.fields.map((f) => ({ name: f.name, label: f.label })),
      })),
    }),
  );

  api.get(
    '/applications',
    {
      schema: {
        tags: ['applications'],
        summary: 'List enterprise applications',
        querystring: { type: 'object', properties: { search: { type: 'string', maxLength: 256 } } },
        response: { 200: collection('ApplicationSummary'), ...refusals(400) },
      },
    },
    async (request) => ({
      value: await listApplications(
        deps.db,
        callerOf(request).tenantId,
        (request.query as { search?: string }).search ?? '',
      ),
    }),
  );

  api.post(
    '/applications',
    {
      schema: {
        tags: ['applications'],
        summary: 'Add an application from the gallery (sentry, sentry-self-hosted) or your own (custom)',
        description:
          'As "New application" in the portal: Entra’s default claims, assignment required, an active RSA-2048 signing certificate valid 3 years, and for Sentry the Basic SAML Configuration filled in from the organization slug (and host).',
        body: {
          type: 'object',
          required: ['template'],
          additionalProperties: false,
          properties: {
            template: { type: 'string', enum: GALLERY.map((t) => t.id) },
            displayName: { type: 'string', maxLength: 512, description: 'Default: the gallery name.' },
            organizationSlug: { type: 'string', maxLength: 256, description: 'Sentry: e.g. acme.' },
            host: {
              type: 'string',
              maxLength: 512,
              description: 'Sentry (self-hosted): where it runs, e.g. http://localhost:5000.',
            },
            notificationEmails: { type: 'array', maxItems: 5, items: { type: 'string', maxLength: 320 } },
          },
        },
        response: { 201: ref('Application'), ...refusals(400, 409) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const body = request.body as {
        template: string;
        displayName?: string;
        organizationSlug?: string;
        host?: string;
        notificationEmails?: string[];
      };
      const values: Record<string, string> = {};
      if (body.organizationSlug !== undefined) values.organizationSlug = body.organizationSlug;
      if (body.host !== undefined) values.host = body.host;
      const app = await addGalleryApplication(deps, actor, tenantId, {
        templateId: body.template,
        displayName: body.displayName,
        values,
        notificationEmails: body.notificationEmails,
      });
      return reply.status(201).send(applicationView(deps, tenantId, app));
    },
  );

  api.get(
    '/applications/:app',
    {
      schema: {
        tags: ['applications'],
        summary: 'Get an application with its SAML settings',
        params: appParams,
        response: { 200: ref('Application'), ...refusals(400, 404) },
      },
    },
    async (request) => {
      const { tenantId } = callerOf(request);
      const app = await requireApplicationRef(deps.db, tenantId, (request.params as { app: string }).app);
      return applicationView(deps, tenantId, app);
    },
  );

  api.patch(
    '/applications/:app',
    {
      schema: {
        tags: ['applications'],
        summary: 'Update the application’s properties (only those sent)',
        params: appParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            displayName: { type: 'string', maxLength: 512 },
            enabledForSignIn: { type: 'boolean', description: 'Enabled for users to sign in?' },
            assignmentRequired: { type: 'boolean', description: 'Assignment required?' },
            visibleToUsers: { type: 'boolean', description: 'Visible to users (My Apps)?' },
          },
        },
        response: { 200: ref('Application'), ...refusals(400, 404) },
      },
    },
    async (request) => {
      const { tenantId, actor } = callerOf(request);
      const app = await requireApplicationRef(deps.db, tenantId, (request.params as { app: string }).app);
      const body = request.body as Partial<
        Record<'enabledForSignIn' | 'assignmentRequired' | 'visibleToUsers', boolean>
      > & {
        displayName?: string;
      };
      const updated = await updateProperties(deps, actor, tenantId, app.id, {
        displayName: body.displayName ?? app.displayName,
        enabledForSignIn: body.enabledForSignIn ?? app.enabledForSignIn,
        assignmentRequired: body.assignmentRequired ?? app.assignmentRequired,
        visibleToUsers: body.visibleToUsers ?? app.visibleToUsers,
      });
      return applicationView(deps, tenantId, updated);
    },
  );

  api.delete(
    '/applications/:app',
    {
      schema: {
        tags: ['applications'],
        summary: 'Delete an application (its certificates and assignments go with it)',
        params: appParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...refusals(400, 404) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const app = await requireApplicationRef(deps.db, tenantId, (request.params as { app: string }).app);
      await deleteApplication(deps, actor, tenantId, app.id);
      return reply.status(204).send();
    },
  );

  api.get(
    '/applications/:app/federation-metadata-url',
    {
      schema: {
        tags: ['applications'],
        summary: 'The App Federation Metadata URL (and the IdP’s identifier and endpoints)',
        params: appParams,
        response: { 200: ref('FederationMetadataUrl'), ...refusals(400, 404) },
      },
    },
    async (request) => {
      const { tenantId } = callerOf(request);
      const app = await requireApplicationRef(deps.db, tenantId, (request.params as { app: string }).app);
      return federationView(deps, tenantId, app);
    },
  );
}

/** The application again after a change (the services return void for some settings). */
export async function reloadApplication(deps: Deps, tenantId: string, id: string) {
  const app = await findApplication(deps.db, tenantId, id);
  if (!app) throw new Error(`application ${id} vanished`);
  return app;
}
