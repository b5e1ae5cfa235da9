import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';
import { isBearerRoute } from './route-auth.ts';
import { isSameOriginRequest, refererPath } from './same-origin.ts';
import { getSession } from './session.ts';

const KEY = 'csrf';

/** The session's CSRF token, made on first use; forms carry it in a hidden `_csrf` field. */
export async function csrfToken(request: FastifyRequest): Promise<string> {
  const session = await getSession(request);
  let token = session.get<string>(KEY);
  if (!token) {
    token = randomBytes(32).toString('base64url');
    session.set(KEY, token);
  }
  return token;
}

/**
 * Synchronizer-token check for state-changing requests: the `_csrf` field must equal the session's
 * token. Routes that cannot carry one (a SAML ACS receiving the IdP's cross-site POST) opt out with
 * `config: { csrf: false }` and are protected otherwise (InResponseTo and the replay cache). Routes
 * declared `config: { auth: 'bearer' }` are skipped because they read no session at all.
 */
export async function checkCsrf(request: FastifyRequest): Promise<void> {
  if (
    request.method !== 'POST' &&
    request.method !== 'PUT' &&
    request.method !== 'PATCH' &&
    request.method !== 'DELETE'
  ) {
    return;
  }
  if (request.routeOptions.config?.csrf === false) return;
  // The route's declaration decides, never the request's headers: a cookie-authorized route is
  // checked even when an Authorization header comes along, since the cookie is what it would act on.
  if (isBearerRoute(request)) return;
  const body = request.body as Record<string, unknown> | undefined;
  const sent = typeof body?._csrf === 'string' ? body._csrf : '';
  const session = await getSession(request);
  const expected = session.get<string>(KEY) ?? '';
  const ok =
    sent.length > 0 &&
    sent.length === expected.length &&
    timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
  if (!ok && expected === '' && isSameOriginRequest(request)) throw sessionExpired(request);
  if (!ok) {
    throw new AppError(
      'csrf_failed',
      403,
      'This form expired or was sent from another site. Go back, reload the page and submit it again.',
    );
  }
}

/**
 * A form of this service posted after its session ended (no session, so no token to compare): said
 * as such, with a way back to the form. The browser kept what was typed (federa.js puts it back into
 * the form once the person is signed in again); the server keeps nothing of a request it refused.
 * Apps answer a signed-out post to a signed-in page the same way.
 */
export function sessionExpired(request: FastifyRequest): AppError {
  return new AppError(
    'session_expired',
    401,
    'Your session expired before this form was saved. Sign in again: you come back to the form with your changes filled in, ready to save.',
    { link: { href: refererPath(request) ?? '/', label: 'Sign in again' } },
  );
}
