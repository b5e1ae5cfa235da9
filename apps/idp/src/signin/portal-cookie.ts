import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { getSession } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The admin portal's own cookie. The SSO session's cookie has to be `SameSite=None` (an SP's
 * cross-site POST of an AuthnRequest must carry it), so another site's form or script can make the
 * browser send it too; on its own it therefore gives no authority in the portal. The portal also
 * needs this `SameSite=Lax` cookie, which a browser sends on top-level navigations only, never with
 * another site's POST or sub-request. It holds a random key whose hash the SSO session keeps: it means
 * nothing without that session, and it ends with it (sign-out, single logout, expiry).
 */
export const PORTAL_COOKIE = 'federa_idp_portal';

const KEY = 'portalKeyHash';

// No Max-Age: a browser-session cookie. How long it is good for is the SSO session's business.
const COOKIE = { path: '/', httpOnly: true, sameSite: 'lax', secure: true } as const;

const hashOf = (key: string) => createHash('sha256').update(key).digest();

/** Binds a new portal key to this browser's SSO session and sets it as the portal cookie. */
export async function openPortal(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const key = randomBytes(32).toString('base64url');
  (await getSession(request)).set(KEY, hashOf(key).toString('base64url'));
  reply.setCookie(PORTAL_COOKIE, key, COOKIE);
}

/** Whether the request carries the portal cookie bound to its SSO session. */
export async function portalOpen(request: FastifyRequest): Promise<boolean> {
  const key = request.cookies[PORTAL_COOKIE];
  const expected = (await getSession(request)).get<string>(KEY);
  if (!key || !expected) return false;
  const want = Buffer.from(expected, 'base64url');
  const got = hashOf(key);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Whether a local path is in the admin portal. */
export function isPortalPath(path: string): boolean {
  return path === '/portal' || path.startsWith('/portal/') || path.startsWith('/portal?');
}

export function closePortal(reply: FastifyReply): void {
  reply.clearCookie(PORTAL_COOKIE, COOKIE);
}

/**
 * Whether the browser says this is a top-level navigation that the user started on this site (a
 * link or form of ours) or by hand (typed, bookmarked): Fetch Metadata headers, which no page can set.
 * Only such a request may open the portal from the SSO session alone; without the headers (an old
 * browser, a script) the answer is no, and the user signs in with their password instead.
 */
export function ownTopLevelNavigation(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  return (
    request.method === 'GET' &&
    (site === 'same-origin' || site === 'none') &&
    request.headers['sec-fetch-mode'] === 'navigate' &&
    request.headers['sec-fetch-dest'] === 'document'
  );
}
