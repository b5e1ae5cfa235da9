import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.ts';
import { callerOf } from './auth.ts';
import { ref, refusals } from './schemas.ts';

export function registerOrganizationRoutes(api: FastifyInstance, _deps: Deps): void {
  // GET /organization: the tenant the token belongs to (what `federa-idp whoami` prints).
  api.get(
    '/organization',
    {
      schema: {
        tags: ['organization'],
        summary: 'The tenant the token belongs to',
        response: { 200: ref('Organization'), ...refusals() },
      },
    },
    async (request) => {
      const { tenant } = callerOf(request);
      return {
        id: tenant.id,
        displayName: tenant.name,
        verifiedDomains: tenant.domains.map((d) => ({ name: d.domain, isDefault: d.isDefault })),
        createdDateTime: tenant.createdAt,
      };
    },
  );
}
