import type { FastifyInstance } from 'fastify';
import type { Application } from '../applications/applications.repository.ts';
import {
  addClaim,
  applySpMetadata,
  removeClaim,
  updateBasicSaml,
  updateClaim,
  updateGroupClaim,
  updateNameId,
  updateRoleClaim,
  updateSigning,
} from '../applications/sso-settings.service.ts';
import type { Deps } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import { appParams, reloadApplication } from './applications.ts';
import { callerOf } from './auth.ts';
import { withFieldNames } from './errors.ts';
import { requireApplicationRef } from './lookup.ts';
import { ref, refusals } from './schemas.ts';
import { samlView } from './views.ts';

const url = { type: ['string', 'null'], maxLength: 2048 } as const;

const samlPatch = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    identifiers: {
      type: 'array',
      maxItems: 50,
      description:
        'Identifier (Entity ID) list, replacing the current one. One is the default (the first, unless marked).',
      items: {
        type: 'object',
        required: ['identifier'],
        additionalProperties: false,
        properties: { identifier: { type: 'string', maxLength: 2048 }, isDefault: { type: 'boolean' } },
      },
    },
    replyUrls: {
      type: 'array',
      maxItems: 50,
      description: 'Reply URL (Assertion Consumer Service URL) list, replacing the current one.',
      items: {
        type: 'object',
        required: ['url'],
        additionalProperties: false,
        properties: {
          url: { type: 'string', maxLength: 2048 },
          index: { type: ['integer', 'null'], minimum: 0, maximum: 65535 },
          isDefault: { type: 'boolean' },
        },
      },
    },
    signOnUrl: url,
    relayState: url,
    logoutUrl: url,
    nameId: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        source: { type: 'string', maxLength: 128, description: 'e.g. user.userprincipalname, user.mail.' },
        format: { type: 'string', maxLength: 256, description: 'default, or a NameID format URI.' },
      },
    },
    groupClaim: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        mode: { type: 'string', maxLength: 32, description: 'none, all, assigned.' },
        source: { type: 'string', maxLength: 32, description: 'objectId, displayName.' },
      },
    },
    roleClaim: { type: 'boolean' },
    signingOption: { type: 'string', maxLength: 32, description: 'assertion, response, both.' },
    signingAlgorithm: { type: 'string', maxLength: 32, description: 'sha256, sha1.' },
    allowSha1Requests: {
      type: 'boolean',
      description: 'Accept the application’s requests signed with RSA-SHA1 (apart from signingAlgorithm).',
    },
    notificationEmails: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 320 } },
  },
} as const;

interface SamlPatch {
  identifiers?: Array<{ identifier: string; isDefault?: boolean }>;
  replyUrls?: Array<{ url: string; index?: number | null; isDefault?: boolean }>;
  signOnUrl?: string | null;
  relayState?: string | null;
  logoutUrl?: string | null;
  nameId?: { source?: string; format?: string };
  groupClaim?: { mode?: string; source?: string };
  roleClaim?: boolean;
  signingOption?: string;
  signingAlgorithm?: string;
  allowSha1Requests?: boolean;
  notificationEmails?: string[];
}

/** The Basic SAML Configuration's form fields (`identifier_0`, `reply_index_1`) as the API's paths. */
function basicField(field: string): string {
  const row = /^(identifier|reply_url|reply_index)_(\d+)$/.exec(field);
  if (!row) return field;
  if (row[1] === 'identifier') return `identifiers[${row[2]}].identifier`;
  return `replyUrls[${row[2]}].${row[1] === 'reply_url' ? 'url' : 'index'}`;
}

/**
 * Applies a PATCH of the single sign-on settings with the portal's services, one section after the
 * other in one transaction: a refusal in any section leaves every section as it was.
 */
async function patchSaml(deps: Deps, caller: ReturnType<typeof callerOf>, app: Application, body: SamlPatch) {
  const { tenantId, actor } = caller;
  await inTransaction(deps.db, async (db) => {
    const scoped = { ...deps, db };
    const has = (key: keyof SamlPatch) => Object.hasOwn(body, key);
    if (has('identifiers') || has('replyUrls') || has('signOnUrl') || has('relayState') || has('logoutUrl')) {
      await withFieldNames(basicField, () =>
        updateBasicSaml(scoped, actor, tenantId, app.id, {
          identifiers: (body.identifiers ?? app.identifiers).map((i) => ({
            identifier: i.identifier,
            isDefault: i.isDefault ?? false,
          })),
          replyUrls: (body.replyUrls ?? app.replyUrls).map((r) => ({
            url: r.url,
            index: r.index ?? null,
            isDefault: r.isDefault ?? false,
          })),
          signOnUrl: has('signOnUrl') ? body.signOnUrl : app.signOnUrl,
          relayState: has('relayState') ? body.relayState : app.relayState,
          logoutUrl: has('logoutUrl') ? body.logoutUrl : app.logoutUrl,
        }),
      );
    }
    if (body.nameId) {
      const nameId = body.nameId;
      await withFieldNames(
        (field) => `nameId.${field}`,
        () =>
          updateNameId(scoped, actor, tenantId, app.id, {
            source: nameId.source ?? app.nameIdSource,
            format: nameId.format ?? app.nameIdFormat,
          }),
      );
    }
    if (body.groupClaim) {
      const groupClaim = body.groupClaim;
      await withFieldNames(
        (field) => `groupClaim.${field}`,
        () =>
          updateGroupClaim(scoped, actor, tenantId, app.id, {
            mode: groupClaim.mode ?? app.groupClaim,
            source: groupClaim.source ?? app.groupClaimSource,
          }),
      );
    }
    if (body.roleClaim !== undefined) await updateRoleClaim(scoped, actor, tenantId, app.id, body.roleClaim);
    const signing = ['signingOption', 'signingAlgorithm', 'allowSha1Requests', 'notificationEmails'] as const;
    if (signing.some(has)) {
      await updateSigning(scoped, actor, tenantId, app.id, {
        signingOption: body.signingOption ?? app.signingOption,
        signingAlgorithm: body.signingAlgorithm ?? app.signingAlgorithm,
        allowSha1Requests: body.allowSha1Requests ?? app.allowSha1Requests,
        notificationEmails: (body.notificationEmails ?? app.notificationEmails).join(', '),
      });
    }
  });
}

const claimBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 512 },
    namespace: { type: ['string', 'null'], maxLength: 1024 },
    source: { type: 'string', maxLength: 128, description: 'A user attribute, e.g. user.mail.' },
  },
} as const;

const claimParams = {
  type: 'object',
  required: ['app', 'claim'],
  properties: { ...appParams.properties, claim: { type: 'string', maxLength: 64 } },
} as const;

export function registerSamlRoutes(api: FastifyInstance, deps: Deps): void {
  const appOf = async (request: { params: unknown }, tenantId: string) =>
    requireApplicationRef(deps.db, tenantId, (request.params as { app: string }).app);

  api.get(
    '/applications/:app/saml',
    {
      schema: {
        tags: ['saml'],
        summary: 'The single sign-on settings',
        params: appParams,
        response: { 200: ref('SamlSettings'), ...refusals(400, 404) },
      },
    },
    async (request) => samlView(await appOf(request, callerOf(request).tenantId)),
  );

  api.patch(
    '/applications/:app/saml',
    {
      schema: {
        tags: ['saml'],
        summary: 'Change single sign-on settings (only the sections sent; all or nothing)',
        description:
          'Basic SAML Configuration (identifiers, replyUrls, signOnUrl, relayState, logoutUrl) with Entra’s validation: https except for localhost, identifiers unique in the tenant, one default each. Also the NameID, group and role claims, and the signing option, algorithm and notification emails.',
        params: appParams,
        body: samlPatch,
        response: { 200: ref('SamlSettings'), ...refusals(400, 404, 409) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const app = await appOf(request, caller.tenantId);
      await patchSaml(deps, caller, app, request.body as SamlPatch);
      return samlView(await reloadApplication(deps, caller.tenantId, app.id));
    },
  );

  api.post(
    '/applications/:app/saml/metadata',
    {
      schema: {
        tags: ['saml'],
        summary: 'Fill the Basic SAML Configuration from the service provider’s metadata XML',
        params: appParams,
        body: {
          type: 'object',
          required: ['metadata'],
          additionalProperties: false,
          properties: {
            metadata: { type: 'string', maxLength: 256 * 1024, description: 'The SP metadata XML.' },
          },
        },
        response: { 200: ref('SamlSettings'), ...refusals(400, 404, 409) },
      },
    },
    async (request) => {
      const { tenantId, actor } = callerOf(request);
      const app = await appOf(request, tenantId);
      return samlView(
        await applySpMetadata(deps, actor, tenantId, app.id, (request.body as { metadata: string }).metadata),
      );
    },
  );

  api.post(
    '/applications/:app/saml/claims',
    {
      schema: {
        tags: ['saml'],
        summary: 'Add a claim',
        params: appParams,
        body: { ...claimBody, required: ['name', 'source'] },
        response: { 201: ref('SamlSettings'), ...refusals(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const app = await appOf(request, tenantId);
      const body = request.body as { name: string; namespace?: string | null; source: string };
      await addClaim(deps, actor, tenantId, app.id, {
        name: body.name,
        namespace: body.namespace ?? '',
        source: body.source,
      });
      return reply.status(201).send(samlView(await reloadApplication(deps, tenantId, app.id)));
    },
  );

  api.patch(
    '/applications/:app/saml/claims/:claim',
    {
      schema: {
        tags: ['saml'],
        summary: 'Change a claim’s name, namespace or source (only those sent)',
        params: claimParams,
        body: { ...claimBody, minProperties: 1 },
        response: { 200: ref('SamlSettings'), ...refusals(400, 404, 409) },
      },
    },
    async (request) => {
      const { tenantId, actor } = callerOf(request);
      const app = await appOf(request, tenantId);
      const claimId = (request.params as { claim: string }).claim;
      const current = app.claims.find((c) => c.id === claimId);
      if (!current) throw notFound('The claim');
      const body = request.body as { name?: string; namespace?: string | null; source?: string };
      await updateClaim(deps, actor, tenantId, app.id, claimId, {
        name: body.name ?? current.name,
        namespace: (Object.hasOwn(body, 'namespace') ? body.namespace : current.namespace) ?? '',
        source: body.source ?? current.source,
      });
      return samlView(await reloadApplication(deps, tenantId, app.id));
    },
  );

  api.delete(
    '/applications/:app/saml/claims/:claim',
    {
      schema: {
        tags: ['saml'],
        summary: 'Remove a claim',
        params: claimParams,
        response: { 204: { type: 'null', description: 'Removed.' }, ...refusals(400, 404) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const app = await appOf(request, tenantId);
      await removeClaim(deps, actor, tenantId, app.id, (request.params as { claim: string }).claim);
      return reply.status(204).send();
    },
  );
}
