import { type Brand, csrfToken, type PageOptions, renderPage, type SafeHtml } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const BRAND: Brand = { key: 'idp', name: 'Federa Directory', home: '/' };

export const SIGN_OUT_ACTION = '/signout';

/** Sends a page of the shared layout. */
export function sendPage(
  reply: FastifyReply,
  options: Omit<PageOptions, 'brand'>,
  status = 200,
): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(renderPage({ brand: BRAND, ...options }));
}

/** A page with no navigation (sign-in, errors, My Apps sign-in screens). */
export function sendPlainPage(
  reply: FastifyReply,
  title: string,
  body: SafeHtml,
  status = 200,
): FastifyReply {
  return sendPage(reply, { title, body }, status);
}

export async function signedInHeader(request: FastifyRequest, name: string): Promise<PageOptions['user']> {
  return { name, signOutAction: SIGN_OUT_ACTION, csrf: await csrfToken(request) };
}
