import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireApplication } from '../applications/applications.service.ts';
import type { Deps } from '../context.ts';
import { idpError } from '../errors.ts';
import { formOf } from '../http/forms.ts';
import { requireAdmin } from '../portal/portal.ts';
import { sessionAuth } from '../signin/session-auth.ts';
import { idpAddresses } from '../sso/context.ts';
import { markSomeoneElse } from './marker.ts';

/**
 * POST `/portal/applications/:id/test/someone-else` (Test single sign-on › Sign in as someone else;
 * a portal form, so the CSRF token and the portal cookie are checked): marks this browser's next
 * request for the application (marker.ts), then starts it: the Sign on URL (`mode=sp`), whose
 * application sends its AuthnRequest, or the user access URL with the marker's nonce (`mode=idp`).
 */
export async function testAsSomeoneElseSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as { id: string }).id);
  const mode = formOf(request).mode;
  if (mode !== 'sp' && mode !== 'idp') {
    throw idpError('validation_failed', 400, 'Choose SP initiated or IdP initiated.', { field: 'mode' });
  }
  if (mode === 'sp' && !app.signOnUrl) {
    throw idpError(
      'validation_failed',
      400,
      `${app.displayName} has no Sign on URL, so only an IdP-initiated test is possible. Add one in Basic SAML Configuration, or test IdP initiated.`,
      { field: 'mode' },
    );
  }
  // requireAdmin found the session signed in, so this is the admin's own sign-in.
  const auth = (await sessionAuth(request))!;
  const nonce = await markSomeoneElse(request, deps.clock.now(), auth, app, mode);
  request.log.info({ app: app.id, mode }, 'test sign-in as someone else: marker set');
  if (mode === 'sp') return reply.redirect(app.signOnUrl!, 303);
  const url = `${idpAddresses(deps.config.baseUrl, admin.tenant.id).userAccessUrl(app.appId)}&mode=idp&test=${nonce}`;
  return reply.redirect(url, 303);
}
