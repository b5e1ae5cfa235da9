import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

// Ties an SSO response to the browser that started the sign-in (security baseline 8: InResponseTo
// must match a request pending in the SAME browser session).
//
// Why a cookie of its own: the IdP's auto-submitted form POSTs to the ACS from the IdP's site, so it
// is a cross-site POST, and the session cookie (SameSite=Lax) is not sent with it. This cookie is
// `SameSite=None; Secure; HttpOnly`, so it IS sent with that POST (Chromium and Firefox treat
// http://localhost and http://127.0.0.1 as secure contexts, and config.ts refuses any other plain-http
// base URL). It holds only a random key; the database keeps its SHA-256 beside each pending
// AuthnRequest ID. The alternative (an opaque RelayState checked against a Lax cookie after a
// same-site redirect) would need a second hop after the ACS; this way the ACS decides alone, and a
// response whose InResponseTo was issued to another browser finds no pending request here.
// The path is limited to the ACS, so no other request carries it.

export const SSO_COOKIE = 'federa_ws_sso';
const MAX_AGE_SECONDS = 15 * 60;

export const hashBrowserKey = (key: string): string => createHash('sha256').update(key).digest('base64url');

/** This browser's key (made and set now when it has none). */
export function browserKey(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = request.cookies[SSO_COOKIE];
  const key =
    existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomBytes(32).toString('base64url');
  reply.setCookie(SSO_COOKIE, key, {
    path: '/saml/acs/',
    httpOnly: true,
    secure,
    sameSite: 'none',
    maxAge: MAX_AGE_SECONDS,
  });
  return key;
}

/** The key the browser sent to the ACS, or null. */
export function presentedBrowserKey(request: FastifyRequest): string | null {
  const key = request.cookies[SSO_COOKIE];
  return key && /^[A-Za-z0-9_-]{43}$/.test(key) ? key : null;
}
