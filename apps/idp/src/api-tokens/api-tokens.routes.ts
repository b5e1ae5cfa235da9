import { card, copyField, facts, field, hiddenCsrf, html, type SafeHtml, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { attempt, formOf } from '../http/forms.ts';
import { actionButton, badge, formatTime, selectField } from '../http/inputs.ts';
import { type AdminContext, done, requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { type ApiToken, listApiTokens } from './api-tokens.repository.ts';
import {
  createApiToken,
  DEFAULT_LIFETIME_DAYS,
  revokeApiToken,
  TOKEN_LIFETIMES_DAYS,
} from './api-tokens.service.ts';

const BASE = '/portal/api-tokens';
const LIFETIMES = TOKEN_LIFETIMES_DAYS.map((days) => ({ value: String(days), label: `${days} days` }));

function status(token: ApiToken, now: string): SafeHtml {
  if (token.revokedAt) return badge(false, '', `Revoked ${formatTime(token.revokedAt)}`);
  if (token.expiresAt <= now) return badge(false, '', 'Expired');
  return badge(true, 'Active', '');
}

function tokensBody(
  deps: Deps,
  admin: AdminContext,
  tokens: readonly ApiToken[],
  values: Record<string, string>,
  errors: Record<string, string>,
): SafeHtml {
  const now = deps.clock.now().toISOString();
  return html`${card(
    'API tokens',
    html`<p class="hint">Scripts and the <code>federa-idp</code> command call the admin API at <code>${deps.config.baseUrl}/api/v1</code> (described at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>) with a token, sent as <code>Authorization: Bearer …</code>. A token can do what an administrator of ${admin.tenant.name} can do, in this tenant only. Only a hash of each token is kept: a lost token cannot be shown again; revoke it and create another.</p>
${table(
  ['Name', 'Created by', 'Created', 'Last used', 'Expires', 'Status', ''],
  tokens.map((t) => [
    t.name,
    t.createdByName,
    formatTime(t.createdAt),
    t.lastUsedAt ? formatTime(t.lastUsedAt) : 'Never',
    formatTime(t.expiresAt),
    status(t, now),
    t.revokedAt ? '' : actionButton(`${BASE}/${t.id}/revoke`, admin.csrf, 'Revoke', { kind: 'danger' }),
  ]),
  'No API tokens yet.',
)}`,
  )}
${card(
  'New token',
  html`<form method="post" action="${BASE}" novalidate>
${hiddenCsrf(admin.csrf)}
${field({ label: 'Name', name: 'name', value: values.name ?? '', required: true, placeholder: 'deploy script', hint: 'What the token is for, so that you know which one to revoke.', error: errors.name })}
${selectField({ label: 'Expires after', name: 'lifetimeDays', choices: LIFETIMES, value: values.lifetimeDays ?? String(DEFAULT_LIFETIME_DAYS), error: errors.lifetimeDays })}
<div class="actions"><button type="submit">Create token</button></div>
</form>`,
)}`;
}

const crumbs = [{ label: 'API tokens' }];

/** GET `/portal/api-tokens`: the tenant's admin API tokens (never the tokens themselves). */
export async function apiTokensPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const tokens = await listApiTokens(deps.db, admin.tenant.id);
  return sendPortalPage(request, reply, admin, {
    title: 'API tokens',
    active: 'api-tokens',
    body: tokensBody(deps, admin, tokens, {}, {}),
    breadcrumbs: crumbs,
  });
}

/** POST `/portal/api-tokens`: makes a token and shows it once, in this response only. */
export async function createApiTokenSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const form = formOf(request);
  const result = await attempt(() =>
    createApiToken(deps, admin.actor, admin.tenant.id, {
      name: form.name ?? '',
      lifetimeDays: Number(form.lifetimeDays ?? DEFAULT_LIFETIME_DAYS),
    }),
  );
  if (!result.ok) {
    const tokens = await listApiTokens(deps.db, admin.tenant.id);
    return sendPortalPage(request, reply, admin, {
      title: 'API tokens',
      active: 'api-tokens',
      body: tokensBody(deps, admin, tokens, form, result.errors),
      breadcrumbs: crumbs,
      status: 400,
    });
  }
  const { token, secret } = result.value;
  const body = html`<section class="card" aria-labelledby="token-once">
<p id="token-once" class="flash flash-success">The token ${token.name} was created. Copy it now: it is shown only this once.</p>
${copyField('API token', 'api-token', secret)}
${facts([
  ['Tenant', `${admin.tenant.name} (${admin.tenant.id})`],
  ['Expires', formatTime(token.expiresAt)],
])}
<p class="hint">Use it from a shell, for example:</p>
<pre><code>export FEDERA_IDP_URL=${deps.config.baseUrl}
export FEDERA_IDP_TOKEN=&lt;the token&gt;
npx federa-idp users list</code></pre>
<div class="actions"><a class="button" href="${BASE}">Done</a></div>
</section>`;
  return sendPortalPage(request, reply, admin, {
    title: 'API token created',
    active: 'api-tokens',
    body,
    breadcrumbs: [{ href: BASE, label: 'API tokens' }, { label: token.name }],
    status: 201,
  });
}

/** POST `/portal/api-tokens/:id/revoke`. */
export async function revokeApiTokenSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  await revokeApiToken(deps, admin.actor, admin.tenant.id, (request.params as { id: string }).id);
  return done(request, reply, BASE, 'The token was revoked: calls made with it are refused from now on.');
}
