import { card, csrfToken, facts, hiddenCsrf, html } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps, Deps } from '../context.ts';
import { formOf, safeReturnPath, yes } from '../http/forms.ts';
import { sendPlainPage } from '../http/pages.ts';
import { done, requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { currentUser, findFlow } from '../signin/session-auth.ts';
import { completeFlow } from '../sso/complete.ts';
import { pendingKeepSignedIn, rememberAnswer, settleKeepSignedIn } from './keep-signed-in.ts';
import { setShowKeepSignedIn, showKeepSignedIn } from './user-settings.ts';

const EXPIRED =
  'This sign-in is no longer waiting (it may have been completed in another tab, or you signed out). Go back to the application and sign in again.';

async function waiting(deps: AppDeps, request: FastifyRequest) {
  const pending = await pendingKeepSignedIn(request);
  const signedIn = await currentUser(request, deps);
  if (!pending || !signedIn || signedIn.user.id !== pending.userId) return null;
  return { pending, signedIn };
}

const expired = (reply: FastifyReply) =>
  sendPlainPage(reply, 'Sign in', html`<section class="card"><p>${EXPIRED}</p></section>`, 400);

/** GET `/{tenant}/kmsi`: "Stay signed in?", in Entra's words. */
export async function keepSignedInPage(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const state = await waiting(deps, request);
  if (!state) return expired(reply);
  const action = `/${state.signedIn.user.tenantId}/kmsi`;
  return sendPlainPage(
    reply,
    'Stay signed in?',
    html`<section class="card signin kmsi" aria-labelledby="kmsi-title">
<p class="hint signin-user">${state.signedIn.user.userPrincipalName}</p>
<h2 id="kmsi-title">Stay signed in?</h2>
<p>Do this to reduce the number of times you are asked to sign in.</p>
<form method="post" action="${action}" novalidate>
${hiddenCsrf(await csrfToken(request))}
<p><label><input type="checkbox" name="dontShow" value="on"> Don’t show this again</label></p>
<div class="actions"><button type="submit" name="choice" value="no" class="secondary">No</button> <button type="submit" name="choice" value="yes">Yes</button></div>
</form>
<p class="hint">Yes keeps you signed in to Federa Directory when you close the browser, until you sign out or the session ends. Don’t choose Yes on a computer you share.</p>
</section>`,
  );
}

/** POST `/{tenant}/kmsi`: the answer; the waiting sign-in goes on. */
export async function keepSignedInSubmit(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const state = await waiting(deps, request);
  if (!state) return expired(reply);
  const form = formOf(request);
  const persistent = form.choice === 'yes';
  await settleKeepSignedIn(request, persistent);
  if (yes(form.dontShow)) rememberAnswer(request, reply, state.signedIn.user.id, persistent);
  request.log.info({ check: 'keep-signed-in', persistent }, 'stay signed in answered');
  if (state.pending.flow) {
    const flow = await findFlow(request, state.pending.flow);
    if (!flow) return expired(reply);
    return completeFlow(deps, request, reply, flow, state.signedIn);
  }
  return reply.redirect(safeReturnPath(state.pending.returnTo ?? undefined, '/myapps'), 303);
}

/** GET `/portal/users/settings`: Entra's User settings, with "Show keep user signed in". */
export async function userSettingsPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const on = await showKeepSignedIn(deps.db, admin.tenant.id);
  const body = html`${card(
    'User settings',
    html`<p>When <strong>Show keep user signed in</strong> is Yes, users see <em>Stay signed in?</em> after they sign in. Yes keeps the browser signed in to the Directory (a persistent cookie, for the session lifetime) after it is closed; No, or this setting off, signs them out when the browser closes.</p>
<p>A Conditional Access policy with the session control <strong>Persistent browser session</strong> overrides the question and the answer: <em>Always persistent</em> keeps every browser signed in without asking, <em>Never persistent</em> never does.</p>
${facts([['Show keep user signed in', on ? 'Yes' : 'No']])}
<form method="post" action="/portal/users/settings" novalidate>
${hiddenCsrf(admin.csrf)}
<fieldset class="choices"><legend>Show keep user signed in</legend>
<div><label><input type="radio" name="showKeepSignedIn" value="yes"${on ? html` checked` : null}> Yes</label></div>
<div><label><input type="radio" name="showKeepSignedIn" value="no"${on ? null : html` checked`}> No</label></div>
</fieldset>
<div class="actions"><button type="submit">Save</button> <a class="button secondary" href="/portal/users">Cancel</a></div>
</form>`,
  )}`;
  return sendPortalPage(request, reply, admin, {
    title: 'User settings',
    active: 'users',
    body,
    breadcrumbs: [{ href: '/portal/users', label: 'Users' }, { label: 'User settings' }],
  });
}

/** POST `/portal/users/settings`. */
export async function userSettingsSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const show = yes(formOf(request).showKeepSignedIn);
  await setShowKeepSignedIn(deps, admin.actor, admin.tenant.id, show);
  return done(
    request,
    reply,
    '/portal/users/settings',
    show ? 'Users are asked “Stay signed in?” after they sign in.' : 'Users are not asked “Stay signed in?”.',
  );
}
