import type { FastifyReply } from 'fastify';

/**
 * Lets the forms of this one response lead to `urls`' origins as well as this site. Chromium applies
 * CSP `form-action` to every hop of the navigation a form starts, so a page whose form is answered
 * by a redirect to an IdP (SP-initiated sign-in), or which posts a SAML message to a peer, must name
 * that peer; every other page keeps `form-action 'self'`.
 *
 * @example
 * allowFormActionTo(reply, [provider.ssoUrl]);
 */
export function allowFormActionTo(reply: FastifyReply, urls: readonly string[]): FastifyReply {
  const origins = [...new Set(urls.map((url) => new URL(url).origin))].join(' ');
  const csp = reply.getHeader('content-security-policy');
  const directive = `form-action 'self' ${origins}`;
  const policy =
    typeof csp === 'string' && /form-action [^;]*/.test(csp)
      ? csp.replace(/form-action [^;]*/, directive)
      : typeof csp === 'string'
        ? `${csp}; ${directive}`
        : directive;
  return reply.header('content-security-policy', policy);
}
