import { type MessageParameter, POST_FORM_SCRIPT_HASH, postForm } from '@federa/saml';
import type { FastifyReply } from 'fastify';

/**
 * Where the form may lead. Not the destination's origin: Chromium applies `form-action` to every
 * redirect that follows the submission, and what an SP's ACS does next (hand the browser to its
 * application host, an auth proxy, another SP) is the SP's choice, so no list written here can be
 * complete, and CSP cannot say "check the first hop only". What keeps the response from going
 * elsewhere is upstream: the action is a Reply URL registered for the application, checked before
 * this page is built (DESIGN.md baseline 10), and nothing on the page is anyone else's (every value
 * escaped, the one script allowed by hash, `base-uri 'none'`). The directive keeps what holds for
 * any chain: web URLs only, never a `data:`, `blob:` or external-protocol handler.
 */
const FORM_ACTION = 'form-action http: https:';

/**
 * Sends a SAML message by HTTP-POST: the auto-submitting form (with a visible button), under a CSP that
 * allows only its one script (by hash) and form posts to web URLs (`FORM_ACTION`), never cached.
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
  return reply
    .header(
      'content-security-policy',
      `default-src 'none'; script-src '${POST_FORM_SCRIPT_HASH}'; style-src 'self'; ${FORM_ACTION}; base-uri 'none'; frame-ancestors 'none'`,
    )
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(page);
}
