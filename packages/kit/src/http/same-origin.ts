import type { FastifyRequest } from 'fastify';

/**
 * Whether the browser says this request comes from a page of this very service: `Sec-Fetch-Site`
 * when it sends one (every current browser does), else the `Origin` header against `Host`. A request
 * that says neither (a script, an old client) is not taken as same-origin.
 */
export function isSameOriginRequest(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  try {
    return isThisHost(new URL(origin), request);
  } catch {
    return false;
  }
}

/** The path of the page a same-origin request was sent from (its `Referer`), or null. */
export function refererPath(request: FastifyRequest): string | null {
  const referer = request.headers.referer;
  if (typeof referer !== 'string') return null;
  try {
    const url = new URL(referer);
    if (!isThisHost(url, request)) return null;
    return `${url.pathname}${url.search}`;
  } catch {
    return null;
  }
}

/** `url` names this request's host (a default port written out or not). */
function isThisHost(url: URL, request: FastifyRequest): boolean {
  const host = request.headers.host;
  return typeof host === 'string' && url.host === new URL(`${url.protocol}//${host}`).host;
}
