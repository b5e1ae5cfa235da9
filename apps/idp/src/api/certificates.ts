import type { FastifyInstance } from 'fastify';
import { listCertificates } from '../certificates/certificates.repository.ts';
import {
  activateCertificate,
  createCertificate,
  deleteCertificate,
} from '../certificates/certificates.service.ts';
import type { Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { appParams } from './applications.ts';
import { callerOf } from './auth.ts';
import { requireApplicationRef } from './lookup.ts';
import { collection, ref, refusals } from './schemas.ts';
import { certificateView } from './views.ts';

const certParams = {
  type: 'object',
  required: ['app', 'certificate'],
  properties: {
    ...appParams.properties,
    certificate: { type: 'string', maxLength: 64, description: 'Certificate id or thumbprint.' },
  },
} as const;

export function registerCertificateRoutes(api: FastifyInstance, deps: Deps): void {
  /** The application (of the caller's tenant) and one of its certificates, by id or thumbprint. */
  const certificateOf = async (request: { params: unknown }, tenantId: string) => {
    const params = request.params as { app: string; certificate: string };
    const app = await requireApplicationRef(deps.db, tenantId, params.app);
    const wanted = params.certificate.toLowerCase();
    const certificate = (await listCertificates(deps.db, app.id)).find(
      (c) => c.id === wanted || c.thumbprint.toLowerCase() === wanted,
    );
    if (!certificate) throw notFound('The certificate');
    return { app, certificate };
  };

  api.get(
    '/applications/:app/certificates',
    {
      schema: {
        tags: ['certificates'],
        summary: 'List the SAML signing certificates (the active one first)',
        params: appParams,
        response: { 200: collection('Certificate'), ...refusals(400, 404) },
      },
    },
    async (request) => {
      const app = await requireApplicationRef(
        deps.db,
        callerOf(request).tenantId,
        (request.params as { app: string }).app,
      );
      return { value: (await listCertificates(deps.db, app.id)).map(certificateView) };
    },
  );

  api.post(
    '/applications/:app/certificates',
    {
      schema: {
        tags: ['certificates'],
        summary: 'Create a certificate (RSA-2048, 3 years), inactive until activated',
        params: appParams,
        response: { 201: ref('Certificate'), ...refusals(400, 404) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const app = await requireApplicationRef(deps.db, tenantId, (request.params as { app: string }).app);
      const certificate = await createCertificate(deps, actor, tenantId, app.id);
      return reply.status(201).send(certificateView(certificate));
    },
  );

  api.post(
    '/applications/:app/certificates/:certificate/activate',
    {
      schema: {
        tags: ['certificates'],
        summary: 'Make the certificate the one responses are signed with',
        params: certParams,
        response: { 200: ref('Certificate'), ...refusals(400, 404, 409) },
      },
    },
    async (request) => {
      const { tenantId, actor } = callerOf(request);
      const { app, certificate } = await certificateOf(request, tenantId);
      await activateCertificate(deps, actor, tenantId, app.id, certificate.id);
      return certificateView({ ...certificate, isActive: true });
    },
  );

  api.get(
    '/applications/:app/certificates/:certificate/pem',
    {
      schema: {
        tags: ['certificates'],
        summary: 'Download the certificate (PEM)',
        params: certParams,
        produces: ['application/x-pem-file'],
        response: { 200: { type: 'string', description: 'The certificate, PEM.' }, ...refusals(400, 404) },
      },
    },
    async (request, reply) => {
      const { certificate } = await certificateOf(request, callerOf(request).tenantId);
      return reply
        .type('application/x-pem-file')
        .header('content-disposition', `attachment; filename="${certificate.thumbprint}.pem"`)
        .send(certificate.certificatePem);
    },
  );

  api.delete(
    '/applications/:app/certificates/:certificate',
    {
      schema: {
        tags: ['certificates'],
        summary: 'Delete an inactive certificate',
        params: certParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...refusals(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const { app, certificate } = await certificateOf(request, tenantId);
      await deleteCertificate(deps, actor, tenantId, app.id, certificate.id);
      return reply.status(204).send();
    },
  );
}
