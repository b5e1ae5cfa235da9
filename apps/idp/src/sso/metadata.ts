import { buildIdpMetadata, parseCertificate } from '@federa/saml';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Application, findApplicationByAppId } from '../applications/applications.repository.ts';
import { listCertificates } from '../certificates/certificates.repository.ts';
import { activeCredential } from '../certificates/certificates.service.ts';
import type { Deps } from '../context.ts';
import { idpError } from '../errors.ts';
import { findTenantByKey, isGuid, type Tenant } from '../tenants/tenants.repository.ts';
import { idpAddresses } from './context.ts';

/**
 * The application's federation metadata, signed: entityID `{base}/{tid}/`, SSO (Redirect and POST)
 * and SLO (Redirect) at `{base}/{tid}/saml2`, and a signing KeyDescriptor for every certificate of the
 * application (the active one first), so an SP that reads it again trusts the next certificate before
 * it becomes active.
 */
export async function applicationMetadata(deps: Deps, tenant: Tenant, app: Application): Promise<string> {
  const addresses = idpAddresses(deps.config.baseUrl, tenant.id);
  const certificates = (await listCertificates(deps.db, app.id)).map((c) =>
    parseCertificate(c.certificatePem),
  );
  const credential = await activeCredential(deps, app.id);
  return buildIdpMetadata({
    entityId: addresses.entityId,
    id: `_${crypto.randomUUID()}`,
    signingCertificates: certificates,
    ssoUrl: addresses.ssoUrl,
    sloUrl: addresses.ssoUrl,
    nameIdFormats: [],
    sign: credential
      ? { credential, algorithm: app.signingAlgorithm === 'sha1' ? 'rsa-sha1' : 'rsa-sha256' }
      : undefined,
  });
}

/** GET `/{tenant}/federationmetadata/2007-06/federationmetadata.xml?appid={appId}` (`&download=1` to save it). */
export async function federationMetadataRoute(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { tenant: segment } = request.params as { tenant: string };
  const query = request.query as { appid?: string; download?: string };
  const tenant = await findTenantByKey(deps.db, segment);
  if (!tenant)
    throw idpError(
      'tenant_not_found',
      404,
      `There is no tenant '${segment}'. Use the tenant ID or one of its verified domains.`,
    );
  if (!query.appid || !isGuid(query.appid)) {
    throw idpError(
      'not_found',
      404,
      'Add ?appid=<Application ID> to this address: federation metadata is published per application.',
    );
  }
  const app = await findApplicationByAppId(deps.db, tenant.id, query.appid);
  if (!app)
    throw idpError(
      'not_found',
      404,
      `There is no application with the Application ID ${query.appid} in this tenant.`,
    );
  const xml = await applicationMetadata(deps, tenant, app);
  if (query.download) {
    reply.header(
      'content-disposition',
      `attachment; filename="${app.displayName.replace(/[^A-Za-z0-9 ._-]/g, '_')}.xml"`,
    );
  }
  return reply.type('application/xml; charset=utf-8').header('cache-control', 'no-cache').send(xml);
}
