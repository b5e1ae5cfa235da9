import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.ts';
import type { SignInResult } from '../sign-in-logs/sign-in-logs.repository.ts';
import { searchSignInLogs } from '../sign-in-logs/sign-in-logs.search.ts';
import { isGuid } from '../tenants/tenants.repository.ts';
import { callerOf } from './auth.ts';
import { apiError } from './errors.ts';
import { requireApplicationRef } from './lookup.ts';
import { API_PREFIX, collection, refusals } from './schemas.ts';

interface Query {
  result?: SignInResult;
  app?: string;
  user?: string;
  since?: string;
  top: number;
  skipToken?: string;
}

/** The position after the last entry of a page, opaque to clients (Graph calls it a skip token). */
function encodeSkipToken(entry: { createdAt: string; id: string }): string {
  return Buffer.from(`${entry.createdAt}|${entry.id}`, 'utf8').toString('base64url');
}

function decodeSkipToken(token: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(token, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !isGuid(id)) {
    throw apiError(
      'invalid_request',
      400,
      'The skipToken is not one this API gave out; start from the first page.',
      {
        field: 'querystring.skipToken',
      },
    );
  }
  return { createdAt, id };
}

export function registerSignInLogRoutes(api: FastifyInstance, deps: Deps): void {
  api.get(
    '/signInLogs',
    {
      schema: {
        tags: ['signInLogs'],
        summary: 'Sign-in attempts, newest first, one page at a time',
        description:
          'Every attempt at the sign-in page and the SAML endpoint, with result, error code, failure reason, correlation and request id, and (extension `federaSamlIds`) its AuthnRequest, Response and Assertion ids. Follow `nextLink` for the next page; it is null on the last.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            result: { type: 'string', enum: ['success', 'failure', 'interrupted'] },
            app: { type: 'string', maxLength: 64, description: 'Application object id or application id.' },
            user: { type: 'string', maxLength: 320, description: 'User object id or user name.' },
            since: {
              type: 'string',
              format: 'date-time',
              description: 'Only attempts at or after (ISO-8601).',
            },
            top: { type: 'integer', minimum: 1, maximum: 500, default: 50, description: 'Page size.' },
            skipToken: { type: 'string', maxLength: 512, description: 'From nextLink.' },
          },
        },
        response: {
          200: collection('SignInLog', { nextLink: { type: ['string', 'null'] } }),
          ...refusals(400, 404),
        },
      },
    },
    async (request) => {
      const { tenantId } = callerOf(request);
      const query = request.query as Query;
      const applicationId = query.app ? (await requireApplicationRef(deps.db, tenantId, query.app)).id : null;
      const user = query.user?.trim() || null;
      const { entries, more } = await searchSignInLogs(deps.db, tenantId, {
        result: query.result ?? null,
        applicationId,
        userId: user && isGuid(user) ? user.toLowerCase() : null,
        userPrincipalName: user && !isGuid(user) ? user : null,
        since: query.since ? new Date(query.since).toISOString() : null,
        after: query.skipToken ? decodeSkipToken(query.skipToken) : null,
        limit: query.top,
      });
      let nextLink: string | null = null;
      const last = entries.at(-1);
      if (more && last) {
        const next = new URLSearchParams();
        for (const key of ['result', 'app', 'user', 'since'] as const)
          if (query[key]) next.set(key, query[key]);
        next.set('top', String(query.top));
        next.set('skipToken', encodeSkipToken(last));
        nextLink = `${deps.config.baseUrl}${API_PREFIX}/signInLogs?${next}`;
      }
      // `saml` goes out under a name that says it is ours, not Graph's.
      const value = entries.map(({ saml, authentication, conditionalAccess, ...entry }) => ({
        ...entry,
        federaSamlIds: saml,
        // Graph's names: signIn.authenticationRequirement and signIn.authenticationDetails.
        authenticationRequirement: authentication?.requirement ?? null,
        authenticationDetails: authentication?.details ?? [],
        conditionalAccessStatus: conditionalAccess?.status ?? 'notApplied',
        appliedConditionalAccessPolicies: conditionalAccess?.policies ?? [],
      }));
      return { value, nextLink };
    },
  );
}
