import type { Session } from '@federa/kit';
import type { FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';

/** Filled in with the SAML endpoints: returns the IdP URL to send the browser to, or null. */
export async function startSingleLogout(
  _request: FastifyRequest,
  _ctx: Context,
  _session: Session,
  _userId: string,
): Promise<string | null> {
  return null;
}
