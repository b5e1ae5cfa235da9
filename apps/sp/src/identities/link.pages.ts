import { card, field, hiddenCsrf, html, type SafeHtml } from '@federa/kit';
import type { User } from '../accounts/accounts.repository.ts';
import type { MailMessage } from '../mail/mailer.ts';
import type { Organization } from '../organizations/organizations.repository.ts';
import { submitButton } from '../web/page.ts';
import type { PendingLink } from './identities.repository.ts';

// The pages of a pending link: someone signed in through an organization's IdP with the address of an
// existing Workspace-wide account. The account proves itself, or the person takes an account of the
// organization's own; nothing is linked on the IdP's word.

export function linkBody(input: {
  csrf: string;
  organization: Organization;
  link: PendingLink;
  account: User;
  error: string | null;
  emailed: boolean;
}): SafeHtml {
  const { organization, link, account } = input;
  const base = `/auth/link/${organization.slug}`;
  const password = account.hasPassword
    ? card(
        'Link with the account’s password',
        html`<form method="post" action="${base}/password/" novalidate>${hiddenCsrf(input.csrf)}
${field({ label: 'Email', name: 'email', value: link.email, type: 'email', autocomplete: 'username' })}
${field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password' })}
<div class="actions"><button type="submit">Link and sign in</button></div></form>`,
      )
    : null;
  const email = account.emailVerified
    ? card(
        account.hasPassword ? 'No password? Get a link by email' : 'Link by email',
        input.emailed
          ? html`<p role="status">We sent a one-time link to ${account.email}. Open it <strong>in this browser</strong> to link your sign-in.</p>`
          : html`<form method="post" action="${base}/email/">${hiddenCsrf(input.csrf)}<p>We send a one-time link to ${account.email}. It works only in this browser.</p><div class="actions">${submitButton('Email me a link', account.hasPassword ? 'secondary' : 'primary')}</div></form>`,
      )
    : null;
  return html`${card(
    null,
    html`<p>You signed in to <strong>${organization.name}</strong> through its identity provider as <strong>${link.email}</strong>. A Federa Workspace account with this email already exists.</p>
<p>Before your sign-in is linked to that account, the account must prove it is yours: an email address sent by an identity provider is not proof on its own. Only continue if you just signed in to ${organization.name}’s identity provider yourself.</p>
${input.error ? html`<p class="error" role="alert">${input.error}</p>` : null}`,
  )}
${password}
${email}
${card(
  'Not your account?',
  html`<form method="post" action="${base}/separate/">${hiddenCsrf(input.csrf)}<p>Continue with an account for ${organization.name} only. It is not linked to the existing account and reserves nothing outside ${organization.name}.</p><div class="actions"><button type="submit" class="secondary">Continue with a separate account</button></div></form>`,
)}`;
}

/** The mail that lets an account's owner link a sign-in: it names the account and the organization. */
export function linkMail(input: {
  account: User;
  organization: Organization;
  link: PendingLink;
  url: string;
}): MailMessage {
  const { account, organization, link } = input;
  return {
    to: account.email,
    subject: `Link your ${organization.name} sign-in to your Federa Workspace account ${account.email}`,
    text: `Someone signed in to the organization ${organization.name} through its identity provider as ${link.email} and asked to link that sign-in to your Federa Workspace account:\n\n  Account: ${account.name} <${account.email}>\n  Organization: ${organization.name} (${organization.slug})\n\nIf that was you, open this link within 30 minutes in the same browser where you signed in, and confirm:\n${input.url}\n\nIf it was not you, ignore this email: nothing is linked without your confirmation, and the link works only in the browser that asked for it.\n`,
  };
}

export function confirmLinkBody(input: {
  csrf: string;
  organization: Organization;
  link: PendingLink;
  account: User;
  token: string;
}): SafeHtml {
  return card(
    `Link your ${input.organization.name} sign-in`,
    html`<p>Your sign-in to <strong>${input.organization.name}</strong> as <strong>${input.link.email}</strong> will be linked to the Federa Workspace account <strong>${input.account.name} (${input.account.email})</strong>. From then on, signing in through ${input.organization.name}’s identity provider signs you in to this account.</p>
<form method="post" action="/auth/link/confirm/${input.token}/">${hiddenCsrf(input.csrf)}<div class="actions"><button type="submit">Confirm and link</button></div></form>`,
  );
}

export function otherBrowserBody(organization: Organization): SafeHtml {
  return card(
    null,
    html`<p role="alert">This link works only in the browser where someone signed in to <strong>${organization.name}</strong> and asked for it. Nothing was linked.</p>
<p>If you asked for it, open the link in that browser. If you did not, ignore the email: someone else signed in with your address, and nothing is linked without you.</p>`,
  );
}
