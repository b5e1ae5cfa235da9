import { facts, html } from '@federa/kit';
import type { FastifyReply } from 'fastify';
import { sendPlainPage } from '../http/pages.ts';
import type { SsoError } from './sso-error.ts';

/**
 * Entra's sign-in error page: "Sorry, but we're having trouble signing you in.", the AADSTS code and
 * message, the troubleshooting details (Request Id, Correlation Id, Timestamp) and what the
 * administrator should change.
 */
export function sendSsoErrorPage(
  reply: FastifyReply,
  error: SsoError,
  ids: { requestId: string; correlationId: string; timestamp: Date; appName?: string | null },
): FastifyReply {
  const body = html`<section class="card error-page sso-error" aria-labelledby="sso-error-title">
<p class="lead" id="sso-error-title"><strong>Sorry, but we’re having trouble signing you in.</strong></p>
<p class="aadsts">${error.message}</p>
<h2>Troubleshooting details</h2>
<p class="hint">If you contact your administrator, send this info to them.</p>
${facts([
  ['Error code', error.code],
  ['Request Id', ids.requestId],
  ['Correlation Id', ids.correlationId],
  [
    'Timestamp',
    ids.timestamp
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z'),
  ],
  ...(ids.appName ? ([['Application', ids.appName]] as const) : []),
])}
<h2>What the administrator should change</h2>
<p class="admin-action">${error.adminAction}</p>
</section>`;
  return sendPlainPage(reply, 'Sign in', body, error.status);
}
