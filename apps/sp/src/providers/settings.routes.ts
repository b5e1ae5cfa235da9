import { allowFormActionTo, csrfToken, getSession, html, type SafeHtml } from '@federa/kit';
import { BINDING, parseCertificate } from '@federa/saml';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { listAttempts } from '../attempts/attempts.repository.ts';
import type { Context } from '../context.ts';
import { providerOfOrganization } from '../db/config-cache.ts';
import { notFound } from '../errors.ts';
import { countIdentities } from '../identities/identities.repository.ts';
import { refreshProviderMetadata } from '../idp-metadata/refresh.ts';
import { signingKeysCard } from '../request-signing/signing-keys.pages.ts';
import { signsRequests } from '../request-signing/sp-signing-key.ts';
import { listSpSigningKeys } from '../request-signing/sp-signing-keys.repository.ts';
import { scimCard } from '../scim/scim-settings.pages.ts';
import { scimBaseUrl } from '../scim/scim-token.service.ts';
import { findScimToken } from '../scim/scim-tokens.repository.ts';
import { startSso } from '../sso/start.ts';
import { spUrls } from '../sso/urls.ts';
import { checked, type FieldErrors, text, ValidationError } from '../validation.ts';
import { type OrgAccess, orgPageAccess } from '../web/access.ts';
import { setFlash } from '../web/auth-state.ts';
import { seeOther, sendPage } from '../web/page.ts';
import { PROVIDER_LABEL, type ProviderKind } from './providers.repository.ts';
import {
  configureProviderFromMetadataUrl,
  configureProviderFromXml,
  configureProviderManually,
  disableProvider,
  isProviderKind,
  updateProviderMapping,
  updateProviderOptions,
} from './providers.service.ts';
import { type ConfigureValues, chooseProviderBody, configureBody, providerBody } from './settings.pages.ts';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
type Params = { org: string; kind?: string };

// Owners and managers only; owners may open these pages without an SSO session, so that a broken IdP
// cannot lock the organization out for good.
const access = (request: FastifyRequest, reply: FastifyReply, ctx: Context) =>
  orgPageAccess(request, reply, ctx, (request.params as Params).org, {
    permission: 'auth:write',
    ownerMayBypassSso: true,
  });

const crumbs = (a: OrgAccess, last?: string) => [
  { href: `/organizations/${a.organization.slug}/`, label: a.organization.name },
  ...(last
    ? [{ href: `/settings/${a.organization.slug}/auth/`, label: 'Auth' }, { label: last }]
    : [{ label: 'Auth' }]),
];

async function renderAuthPage(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  a: OrgAccess,
  errors: { options?: FieldErrors; mapping?: FieldErrors } = {},
) {
  const urls = spUrls(ctx.config.baseUrl, a.organization.slug);
  const provider = await providerOfOrganization(ctx.cache, a.organization.id);
  let body: SafeHtml;
  if (!provider) {
    body = chooseProviderBody({ slug: a.organization.slug, urls });
  } else {
    body = providerBody({
      csrf: await csrfToken(request),
      organization: a.organization,
      provider,
      urls,
      attempts: await listAttempts(ctx.db, a.organization.id, 5),
      optionErrors: errors.options ?? {},
      mappingErrors: errors.mapping ?? {},
      linkedIdentities: await countIdentities(ctx.db, provider.id),
    });
    // Enable SCIM is offered once SAML SSO is configured (scim/).
    const scim = await findScimToken(ctx.db, a.organization.id);
    body = html`${body}${scimCard({
      csrf: await csrfToken(request),
      slug: a.organization.slug,
      baseUrl: scimBaseUrl(ctx.config.baseUrl, a.organization.slug),
      enabledAt: scim?.createdAt ?? null,
    })}${signingKeysCard({
      csrf: await csrfToken(request),
      slug: a.organization.slug,
      keys: await listSpSigningKeys(ctx.db, a.organization.id),
      signing: signsRequests(provider),
    })}`;
  }
  const status = errors.options || errors.mapping ? 400 : 200;
  // "Test and finish setup" posts here and is answered by a redirect to the IdP.
  if (provider) allowFormActionTo(reply, [provider.ssoUrl]);
  return sendPage(request, reply, ctx, {
    title: 'Auth',
    org: a,
    active: 'auth',
    breadcrumbs: crumbs(a),
    body,
    status,
  });
}

export function authPage(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    return renderAuthPage(request, reply, ctx, a);
  };
}

const EMPTY: ConfigureValues = {
  metadataUrl: '',
  metadataXml: '',
  entityId: '',
  ssoUrl: '',
  ssoBinding: 'redirect',
  sloUrl: '',
  certificates: '',
};

function kindOf(request: FastifyRequest): ProviderKind {
  const kind = (request.params as Params).kind ?? '';
  if (!isProviderKind(kind)) throw notFound('identity provider type');
  return kind;
}

async function renderConfigure(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  a: OrgAccess,
  kind: ProviderKind,
  values: ConfigureValues,
  errors: FieldErrors,
) {
  const provider = await providerOfOrganization(ctx.cache, a.organization.id);
  return sendPage(request, reply, ctx, {
    title: `Configure ${PROVIDER_LABEL[kind]}`,
    org: a,
    active: 'auth',
    status: Object.keys(errors).length > 0 ? 400 : 200,
    breadcrumbs: crumbs(a, PROVIDER_LABEL[kind]),
    body: configureBody({
      csrf: await csrfToken(request),
      slug: a.organization.slug,
      kind,
      values,
      errors,
      urls: spUrls(ctx.config.baseUrl, a.organization.slug),
      editing: provider !== null,
    }),
  });
}

export function configurePage(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    const kind = kindOf(request);
    const provider = await providerOfOrganization(ctx.cache, a.organization.id);
    const values: ConfigureValues = provider
      ? {
          ...EMPTY,
          metadataUrl: provider.metadataUrl ?? '',
          entityId: provider.entityId,
          ssoUrl: provider.ssoUrl,
          ssoBinding: provider.ssoBinding === BINDING.post ? 'post' : 'redirect',
          sloUrl: provider.sloUrl ?? '',
          certificates: provider.signingCertificates.map((c) => parseCertificate(c).pem).join(''),
        }
      : EMPTY;
    return renderConfigure(request, reply, ctx, a, kind, values, {});
  };
}

export function configure(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    const kind = kindOf(request);
    const body = request.body;
    const raw = (name: string) => {
      const value = (body as Record<string, unknown>)?.[name];
      return typeof value === 'string' ? value : '';
    };
    const values: ConfigureValues = {
      metadataUrl: text(body, 'metadataUrl'),
      metadataXml: raw('metadataXml'),
      entityId: text(body, 'entityId'),
      ssoUrl: text(body, 'ssoUrl'),
      ssoBinding: text(body, 'ssoBinding'),
      sloUrl: text(body, 'sloUrl'),
      certificates: raw('certificates'),
    };
    const common = { organizationId: a.organization.id, kind, actorUserId: a.user.id };
    try {
      const method = text(body, 'method');
      if (method === 'url') {
        if (values.metadataUrl === '') throw new ValidationError({ metadataUrl: 'Paste the metadata URL.' });
        await configureProviderFromMetadataUrl(ctx, { ...common, url: values.metadataUrl });
      } else if (method === 'xml') {
        if (values.metadataXml.trim() === '')
          throw new ValidationError({ metadataXml: 'Paste the metadata XML.' });
        await configureProviderFromXml(ctx, { ...common, xml: values.metadataXml });
      } else {
        await configureProviderManually(ctx, { ...common, ...values });
      }
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return renderConfigure(request, reply, ctx, a, kind, values, error.fields);
    }
    const provider = await providerOfOrganization(ctx.cache, a.organization.id);
    setFlash(
      await getSession(request),
      'success',
      provider?.status === 'pending'
        ? 'IdP settings saved. Now press “Test and finish setup” and sign in once to turn SSO on.'
        : 'IdP settings saved.',
    );
    return seeOther(reply, `/settings/${a.organization.slug}/auth/`);
  };
}

export function testAndFinish(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    const provider = await providerOfOrganization(ctx.cache, a.organization.id);
    if (!provider) return seeOther(reply, `/settings/${a.organization.slug}/auth/`);
    return startSso(request, reply, ctx, {
      organization: a.organization,
      provider,
      purpose: 'setup',
      userId: a.user.id,
      nextPath: `/settings/${a.organization.slug}/auth/`,
    });
  };
}

export function saveOptions(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    try {
      await updateProviderOptions(ctx, {
        organizationId: a.organization.id,
        actorUserId: a.user.id,
        requireSso: checked(request.body, 'requireSso'),
        allowIdpInitiated: checked(request.body, 'allowIdpInitiated'),
        singleLogout: checked(request.body, 'singleLogout'),
        allowSha1: checked(request.body, 'allowSha1'),
        wantAssertionsSigned: checked(request.body, 'wantAssertionsSigned'),
        signRequests: checked(request.body, 'signRequests'),
        sendToIdp: checked(request.body, 'sendToIdp'),
        forceAuthn: checked(request.body, 'forceAuthn'),
        defaultRole: text(request.body, 'defaultRole'),
        sessionHours: text(request.body, 'sessionHours'),
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return renderAuthPage(request, reply, ctx, a, { options: error.fields });
    }
    setFlash(await getSession(request), 'success', 'Settings saved.');
    return seeOther(reply, `/settings/${a.organization.slug}/auth/`);
  };
}

export function saveMapping(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    try {
      await updateProviderMapping(ctx, {
        organizationId: a.organization.id,
        actorUserId: a.user.id,
        useNameIdAsUserId: checked(request.body, 'useNameIdAsUserId'),
        confirmUserIdChange: checked(request.body, 'confirmUserIdChange'),
        userId: text(request.body, 'userId'),
        email: text(request.body, 'email'),
        firstName: text(request.body, 'firstName'),
        lastName: text(request.body, 'lastName'),
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return renderAuthPage(request, reply, ctx, a, { mapping: error.fields });
    }
    setFlash(await getSession(request), 'success', 'Attribute mapping saved.');
    return seeOther(reply, `/settings/${a.organization.slug}/auth/`);
  };
}

export function refresh(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    const provider = await providerOfOrganization(ctx.cache, a.organization.id);
    const session = await getSession(request);
    if (provider?.metadataUrl) {
      const outcome = await refreshProviderMetadata(ctx, provider, a.user.id);
      if (outcome.result === 'failed')
        setFlash(session, 'error', `The metadata could not be refreshed: ${outcome.error}`);
      else if (outcome.certificatesChanged)
        setFlash(session, 'success', 'Metadata refreshed: the signing certificates changed.');
      else if (outcome.result === 'updated')
        setFlash(session, 'success', 'Metadata refreshed: the endpoints changed.');
      else setFlash(session, 'success', 'Metadata refreshed: nothing changed.');
    }
    return seeOther(reply, `/settings/${a.organization.slug}/auth/`);
  };
}

export function disable(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    await disableProvider(ctx, { organizationId: a.organization.id, actorUserId: a.user.id });
    setFlash(
      await getSession(request),
      'success',
      'SSO is disabled. Members sign in with email and password.',
    );
    return seeOther(reply, `/settings/${a.organization.slug}/auth/`);
  };
}
