import { type MessageParameter, POST_FORM_SCRIPT_HASH, postForm } from '@federa/saml';
import type { FastifyReply } from 'fastify';

/**
 * Sends a SAML message by HTTP-POST: the auto-submitting form (with a visible button), under a CSP that
 * allows only its one script (by hash) and a form post to the destination's origin, never cached.
 * `postForm` refuses anything but an absolute http(s) destination.
 */
export function sendSamlPost(
  reply: FastifyReply,
  message: { action: string; parameter: MessageParameter; xml: string; relayState: string | null },
): FastifyReply {
  const page = postForm({
    action: message.action,
    parameter: message.parameter,
    xml: message.xml,
    relayState: message.relayState ?? undefined,
  });
  const origin = new URL(message.action).origin;
  return reply
    .header(
      'content-security-policy',
      `default-src 'none'; script-src '${POST_FORM_SCRIPT_HASH}'; style-src 'self'; form-action ${origin}; base-uri 'none'; frame-ancestors 'none'`,
    )
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(page);
}
