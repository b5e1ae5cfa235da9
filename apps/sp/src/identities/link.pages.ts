import { card, field, hiddenCsrf, html, type SafeHtml } from '@federa/kit';
import type { Organization } from '../organizations/organizations.repository.ts';
import type { PendingLink } from './identities.repository.ts';

export function linkBody(input: {
  csrf: string;
  organization: Organization;
  link: PendingLink;
  errors: Record<string, string>;
  emailed: boolean;
}): SafeHtml {
  const base = `/auth/link/${input.organization.slug}`;
  return html`${card(
    null,
    html`<p>You signed in to <strong>${input.organization.name}</strong> through its identity provider as <strong>${input.link.email}</strong>. A Federa Workspace account with this email already exists.</p>
<p>Before your sign-in is linked to that account, the account must prove it is yours: an email address sent by an identity provider is not proof on its own. Only continue if you just signed in to ${input.organization.name}’s identity provider yourself.</p>`,
  )}
${card(
  'Link with the account’s password',
  html`<form method="post" action="${base}/password/" novalidate>${hiddenCsrf(input.csrf)}
${input.errors.form ? html`<p class="error" role="alert">${input.errors.form}</p>` : null}
${field({ label: 'Email', name: 'email', value: input.link.email, type: 'email', autocomplete: 'username' })}
${field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password', error: input.errors.password })}
<div class="actions"><button type="submit">Link and sign in</button></div></form>`,
)}
${card(
  'No password? Get a link by email',
  input.emailed
    ? html`<p role="status">We sent a one-time link to ${input.link.email}. Open it to link your sign-in; then sign in again through ${input.organization.name}.</p>`
    : html`<form method="post" action="${base}/email/">${hiddenCsrf(input.csrf)}<p>We send a one-time link to ${input.link.email}.</p><div class="actions"><button type="submit" class="secondary">Email me a link</button></div></form>`,
)}`;
}

export function confirmLinkBody(input: {
  csrf: string;
  organization: Organization;
  link: PendingLink;
  token: string;
}): SafeHtml {
  return card(
    `Link your ${input.organization.name} sign-in`,
    html`<p>Someone signed in to <strong>${input.organization.name}</strong> through its identity provider as <strong>${input.link.email}</strong> and asked to link that sign-in to your Federa Workspace account.</p>
<p>If that was you, confirm. If not, ignore this page: nothing is linked without your confirmation.</p>
<form method="post" action="/auth/link/confirm/${input.token}/">${hiddenCsrf(input.csrf)}<div class="actions"><button type="submit">Confirm and link</button></div></form>`,
  );
}
