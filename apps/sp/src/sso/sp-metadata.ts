import { buildSpMetadata, NAMEID_FORMAT } from '@federa/saml';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { organizationBySlug, providerOfOrganization } from '../db/config-cache.ts';
import { notFound } from '../errors.ts';
import { publishedSpSigningCertificates, signsRequests } from '../request-signing/sp-signing-key.ts';
import { spUrls } from './urls.ts';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * GET /saml/metadata/{org}/: this organization's SP metadata; its URL is also the SP entity ID. It says
 * what the Workspace does, no more: WantAssertionsSigned is the organization's setting (on until a
 * provider is configured, as a new provider starts), AuthnRequestsSigned and the signing certificate
 * appear when its requests are signed (every published key's certificate, for rollover).
 */
export function spMetadata(ctx: Context): Handler {
  return async (request, reply) => {
    const { org } = request.params as { org: string };
    const organization = await organizationBySlug(ctx.cache, org);
    if (!organization) throw notFound('organization');
    const provider = await providerOfOrganization(ctx.cache, organization.id);
    const urls = spUrls(ctx.config.baseUrl, org);
    const signing = provider !== null && signsRequests(provider);
    const xml = buildSpMetadata({
      entityId: urls.entityId,
      acs: [{ location: urls.acs, index: 0, isDefault: true }],
      slo: [{ location: urls.sls }],
      nameIdFormats: [NAMEID_FORMAT.emailAddress, NAMEID_FORMAT.persistent],
      // During a rollover the next and previous keys too (request-signing/signing-key-rollover.service.ts).
      signingCertificates: signing ? await publishedSpSigningCertificates(ctx, organization.id) : [],
      authnRequestsSigned: signing,
      wantAssertionsSigned: provider?.wantAssertionsSigned ?? true,
    });
    return reply
      .type('application/samlmetadata+xml; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  };
}
