import { html } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { findApplicationByAppId, listApplications } from '../applications/applications.repository.ts';
import { applicationsAssignedTo } from '../assignments/assignments.repository.ts';
import type { AppDeps, Deps } from '../context.ts';
import { queryOf } from '../http/forms.ts';
import { sendPage, signedInHeader } from '../http/pages.ts';
import { currentUser, saveFlow } from '../signin/session-auth.ts';
import { completeFlow, handleSsoFailure, idpInitiatedFlow } from '../sso/complete.ts';
import { idpAddresses } from '../sso/context.ts';
import { tenantNotFound } from '../sso/endpoint.ts';
import { SsoError } from '../sso/sso-error.ts';
import { findTenant } from '../tenants/tenants.repository.ts';
import { takeSomeoneElse } from '../test-sign-in/marker.ts';
import { testLinkUsed } from '../test-sign-in/test-sign-in.pages.ts';
import { appLogo } from './app-logo.ts';

/** GET `/myapps`: a tile for each application the user is assigned to that is enabled and visible. */
export async function myAppsPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const signedIn = await currentUser(request, deps);
  if (!signedIn) return reply.redirect('/common/login?return=%2Fmyapps', 303);
  const { user } = signedIn;
  const assigned = new Set(await applicationsAssignedTo(deps.db, user.id));
  const apps = (await listApplications(deps.db, user.tenantId)).filter(
    (a) => assigned.has(a.id) && a.enabledForSignIn && a.visibleToUsers,
  );
  const search = (queryOf(request).q ?? '').trim();
  const shown = search
    ? apps.filter((a) => a.displayName.toLowerCase().includes(search.toLowerCase()))
    : apps;
  const addresses = idpAddresses(deps.config.baseUrl, user.tenantId);
  const body = html`${
    apps.length === 0
      ? html`<section class="card"><p class="empty">You have no apps yet. Ask your administrator to assign you to an application.</p></section>`
      : html`<form role="search" method="get" action="/myapps" class="tile-search"><input type="search" name="q" value="${search}" aria-label="Search apps" placeholder="Search apps"> <button type="submit" class="secondary">Search</button></form>
${
  shown.length === 0
    ? html`<p class="empty">No app’s name contains “${search}”. <a href="/myapps">Show all apps</a>.</p>`
    : html`<div class="tiles" role="list">${shown.map(
        (a) =>
          // The list item wraps the link: a role on the <a> itself would hide that it is a link.
          // A new tab, as Entra's My Apps opens apps: My Apps stays where it was.
          html`<div role="listitem"><a class="tile" href="${addresses.userAccessUrl(a.appId)}" target="_blank" rel="noopener">${appLogo(a)}<strong>${a.displayName}</strong><span class="visually-hidden"> (opens in a new tab)</span></a></div>`,
      )}</div>`
}`
  }
<p><a href="/myapps/security-info">Security info</a>: the ways you prove who you are when you sign in.</p>`;
  return sendPage(reply, {
    title: 'My Apps',
    body,
    user: await signedInHeader(request, `${user.displayName} (${user.userPrincipalName})`),
  });
}

/**
 * GET `/myapps/signin/:appId?tenantId=` (the user access URL): with a Sign on URL, to it (SP-initiated,
 * unless `mode=idp`); otherwise an unsolicited response to the default Reply URL with the configured
 * Relay State, after the sign-in page when nobody is signed in.
 */
export async function myAppsSignIn(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const { appId } = request.params as { appId: string };
  const query = queryOf(request);
  const tenant = query.tenantId ? await findTenant(deps.db, query.tenantId) : null;
  const fc = {
    tenant,
    application: null,
    user: null,
    appIdentifier: null,
    correlationId: request.id,
    acsUrl: null,
    requestId: null,
    relayState: null,
  };
  if (!tenant) return handleSsoFailure(deps, request, reply, tenantNotFound(query.tenantId ?? ''), fc);
  const app = await findApplicationByAppId(deps.db, tenant.id, appId);
  if (!app) {
    const error = new SsoError({
      code: 'AADSTS700016',
      check: 'known-application',
      message: `Application with identifier '${appId}' was not found in the directory '${tenant.name}'.`,
      adminAction:
        'The link names an application that does not exist in this tenant (it may have been deleted). Open the application from My Apps.',
      status: 404,
    });
    return handleSsoFailure(deps, request, reply, error, fc);
  }
  // Test single sign-on › "Sign in as someone else", IdP-initiated (test-sign-in/): the marker's nonce.
  const someoneElse =
    query.test !== undefined &&
    (await takeSomeoneElse(request, deps.clock.now(), {
      applicationId: app.id,
      mode: 'idp',
      nonce: query.test,
    }));
  if (query.test !== undefined && !someoneElse) return testLinkUsed(reply);
  if (app.signOnUrl && query.mode !== 'idp' && !someoneElse) return reply.redirect(app.signOnUrl, 303);
  const signedIn = await currentUser(request, deps);
  const here = signedIn && signedIn.user.tenantId === tenant.id ? signedIn : null;
  let flow: ReturnType<typeof idpInitiatedFlow>;
  try {
    flow = idpInitiatedFlow(deps, app, request.id);
  } catch (error) {
    return handleSsoFailure(deps, request, reply, error, {
      ...fc,
      application: app,
      user: here?.user ?? null,
    });
  }
  if (someoneElse) flow.someoneElse = true;
  else if (here) return completeFlow(deps, request, reply, flow, here);
  await saveFlow(request, flow);
  return reply.redirect(`/${tenant.id}/login?flow=${flow.key}`, 303);
}
