import { csrfToken, field, hiddenCsrf, html } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { attempt, formOf } from '../http/forms.ts';
import { sendPage } from '../http/pages.ts';
import { startSession } from '../signin/session-auth.ts';
import { countAdmins } from '../users/users.repository.ts';
import { setFlash } from './portal.ts';
import { createFirstAdministrator } from './setup.service.ts';

/** Whether the portal should offer to create the first administrator. */
export async function needsFirstAdministrator(deps: Deps): Promise<boolean> {
  return (await countAdmins(deps.db)) === 0;
}

export async function sendSetupPage(
  request: FastifyRequest,
  reply: FastifyReply,
  values: Record<string, string> = {},
  errors: Record<string, string> = {},
): Promise<FastifyReply> {
  const body = html`<section class="card" aria-labelledby="setup-intro">
<p id="setup-intro">This directory has no administrator yet. Create your organization’s tenant and its first administrator; you will be signed in as them.</p>
<form method="post" action="/portal/setup" novalidate>
${hiddenCsrf(await csrfToken(request))}
${field({ label: 'Organization name', name: 'tenantName', value: values.tenantName ?? '', required: true, placeholder: 'Contoso', error: errors.tenantName })}
${field({ label: 'Verified domain', name: 'domain', value: values.domain ?? '', required: true, placeholder: 'contoso.com', hint: 'User names in this tenant end in @ this domain.', error: errors.domain })}
${field({ label: 'Administrator user name', name: 'userPrincipalName', type: 'email', value: values.userPrincipalName ?? '', required: true, placeholder: 'admin@contoso.com', autocomplete: 'username', error: errors.userPrincipalName })}
${field({ label: 'Administrator name', name: 'displayName', value: values.displayName ?? '', required: true, placeholder: 'Contoso Admin', error: errors.displayName })}
${field({ label: 'Password', name: 'password', type: 'password', required: true, autocomplete: 'new-password', hint: 'At least 8 characters, using three of: lower-case, upper-case, digits, symbols.', error: errors.password })}
${field({ label: 'Confirm password', name: 'confirmPassword', type: 'password', required: true, autocomplete: 'new-password', error: errors.confirmPassword })}
<div class="actions"><button type="submit">Create the first administrator</button></div>
</form>
</section>`;
  return sendPage(
    reply,
    { title: 'Set up Federa Directory', body },
    Object.keys(errors).length > 0 ? 400 : 200,
  );
}

/** POST `/portal/setup`: only while no administrator exists. */
export async function setupSubmit(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const form = formOf(request);
  const result = await attempt(() =>
    createFirstAdministrator(deps, {
      tenantName: form.tenantName ?? '',
      domain: form.domain ?? '',
      userPrincipalName: form.userPrincipalName ?? '',
      displayName: form.displayName ?? '',
      password: form.password ?? '',
      confirmPassword: form.confirmPassword ?? '',
    }),
  );
  if (!result.ok) {
    const { password: _p, confirmPassword: _c, _csrf, ...values } = form;
    return sendSetupPage(request, reply, values, result.errors);
  }
  await startSession(request, reply, result.value.user, deps.clock.now());
  await setFlash(request, `Tenant ${result.value.tenant.name} is ready and you are its administrator.`);
  return reply.redirect('/portal', 303);
}
