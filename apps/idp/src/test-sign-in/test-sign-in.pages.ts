import { hiddenCsrf, html, type SafeHtml } from '@federa/kit';
import type { FastifyReply } from 'fastify';
import type { Application } from '../applications/applications.repository.ts';
import { sendPlainPage } from '../http/pages.ts';
import { MARKER_SECONDS } from './marker.ts';

/** Said to screen readers in a link that opens a new tab (WCAG G201); not shown. */
export const NEW_TAB = html`<span class="visually-hidden"> (opens in a new tab)</span>`;

/**
 * Test single sign-on's choice, as Entra's: sign in as the current user (links to the Sign on URL
 * and the user access URL) or as someone else (a form that sets the marker, marker.ts). Each opens a
 * new tab, so that the portal stays where it was.
 */
export function testChoices(options: {
  app: Application;
  adminName: string;
  csrf: string;
  /** The user access URL; `mode=idp` makes it IdP-initiated even with a Sign on URL. */
  userAccessUrl: string;
}): SafeHtml {
  const { app } = options;
  const minutes = MARKER_SECONDS / 60;
  return html`<p>Choose who signs in. Each test opens in a new tab; the result, and any error with what to change, appears there and in the <a href="/portal/sign-ins?app=${app.id}">sign-in logs</a>.</p>
<h3>Sign in as current user</h3>
<p>You (${options.adminName}), with your current session.${app.signOnUrl ? ' SP initiated opens the Sign on URL; the application sends its request to Federa Directory.' : ''} IdP initiated: Federa Directory posts an unsolicited response to the default Reply URL${app.relayState ? ' with the Relay State' : ''}.</p>
<div class="actions">${
    app.signOnUrl
      ? html`<a class="button" href="${app.signOnUrl}" target="_blank" rel="noopener">Test sign in (SP initiated)${NEW_TAB}</a>`
      : null
  }
<a class="button${app.signOnUrl ? ' secondary' : ''}" href="${options.userAccessUrl}&amp;mode=idp" target="_blank" rel="noopener">Test sign in (IdP initiated)${NEW_TAB}</a></div>
<h3>Sign in as someone else</h3>
<p>Federa Directory asks for the other person’s user name and password (and second factor, when one is needed) in the new tab, for that one sign-in, and answers the application for them: they must be assigned to it, and Conditional Access applies as usual. You stay signed in here, and their sign-in is not kept in this browser. Start the test within ${minutes} minutes; each choice works once.</p>
<form method="post" action="/portal/applications/${app.id}/test/someone-else" target="_blank" class="actions">
${hiddenCsrf(options.csrf)}
${
  app.signOnUrl
    ? html`<button type="submit" name="mode" value="sp">Test sign in as someone else (SP initiated)${NEW_TAB}</button>`
    : null
}
<button type="submit" name="mode" value="idp"${app.signOnUrl ? html` class="secondary"` : null}>Test sign in as someone else (IdP initiated)${NEW_TAB}</button>
</form>
${
  app.signOnUrl
    ? html`<p class="hint">SP initiated: the application must send a new request to Federa Directory. If you are already signed in to it in this browser, sign out of it first.</p>`
    : null
}`;
}

/** The user access URL of a test as someone else, used already, expired, or from another session. */
export function testLinkUsed(reply: FastifyReply): FastifyReply {
  return sendPlainPage(
    reply,
    'Test single sign-on',
    html`<section class="card"><h2>This test link no longer works</h2><p>A test as someone else works once, within ${MARKER_SECONDS / 60} minutes, in the browser session of the administrator who started it. Go back to Test single sign-on in the portal and choose Test again.</p></section>`,
    400,
  );
}
