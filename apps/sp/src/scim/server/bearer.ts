import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { organizationBySlug, providerOfOrganization } from '../../db/config-cache.ts';
import type { Organization } from '../../organizations/organizations.repository.ts';
import type { Provider } from '../../providers/providers.repository.ts';
import { isScimToken } from '../scim-token.service.ts';
import { ScimHttpError } from './http.ts';

// The first check of every SCIM request: `Authorization: Bearer <token>` must be the token of the
// organization in the path (a token for acme is a 401 at contoso). One answer for every failure (no
// header, unknown organization, SSO or SCIM off, wrong token), so that the answer says nothing about
// which organizations exist. The token never reaches a log line.

export interface ScimScope {
  organization: Organization;
  provider: Provider;
  /** Absolute URL of the organization's SCIM service, without a trailing slash. */
  base: string;
}

const unauthorized = () =>
  new ScimHttpError(
    401,
    'Authentication failed: send the SCIM token of this organization as a Bearer token.',
  );

export async function authenticateScim(request: FastifyRequest, ctx: Context): Promise<ScimScope> {
  const header = request.headers.authorization ?? '';
  const token = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]{1,512})[ \t]*$/i.exec(header)?.[1];
  if (!token) throw unauthorized();
  const { org } = request.params as { org: string };
  const organization = await organizationBySlug(ctx.cache, org);
  if (!organization) throw unauthorized();
  const provider = await providerOfOrganization(ctx.cache, organization.id);
  if (!provider) throw unauthorized();
  if (!(await isScimToken(ctx.db, organization.id, token))) throw unauthorized();
  return {
    organization,
    provider,
    base: `${ctx.config.baseUrl}/api/0/organizations/${organization.slug}/scim/v2`,
  };
}

type ScimHandler = (request: FastifyRequest, reply: FastifyReply, scope: ScimScope) => Promise<unknown>;

/** A SCIM route handler, run once the request is authenticated for its organization. */
export function scimHandler(ctx: Context, handler: ScimHandler) {
  return async (request: FastifyRequest, reply: FastifyReply) =>
    handler(request, reply, await authenticateScim(request, ctx));
}
