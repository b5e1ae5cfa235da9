import { card, confirmLink, facts, field, hiddenCsrf, html, type SafeHtml, table } from '@federa/kit';
import { actionButton, badge, checkboxField, formatTime } from '../http/inputs.ts';
import type { Tenant } from '../tenants/tenants.repository.ts';
import type { User } from './users.repository.ts';

export function usersListBody(users: readonly User[], search: string): SafeHtml {
  return html`<div class="actions"><a class="button" href="/portal/users/new">New user</a> <a class="button secondary" href="/portal/users/deleted">Deleted users</a> <a class="button secondary" href="/portal/users/settings">User settings</a> <a class="button secondary" href="/portal/users/password-reset">Password reset</a></div>
<form method="get" action="/portal/users" class="search" role="search">
<label for="q">Search users</label> <input id="q" name="q" type="search" value="${search}"> <button type="submit" class="secondary">Search</button>
</form>
${card(
  null,
  table(
    ['Display name', 'User principal name', 'Mail', 'Account enabled', 'Role'],
    users.map((u) => [
      html`<a href="/portal/users/${u.id}">${u.displayName}</a>`,
      u.userPrincipalName,
      u.mail ?? '',
      badge(u.accountEnabled, 'Yes', 'No (sign-in blocked)'),
      u.isAdmin ? 'Global Administrator' : 'User',
    ]),
    search ? 'No user matches this search.' : 'No users yet.',
  ),
)}`;
}

export interface UserFormOptions {
  action: string;
  csrf: string;
  tenant: Tenant;
  values: Record<string, string>;
  errors: Record<string, string>;
  isNew: boolean;
}

export function userForm(options: UserFormOptions): SafeHtml {
  const { values, errors } = options;
  const domains = options.tenant.domains.map((d) => d.domain).join(', ');
  const checked = (name: string, fallback: boolean) => (name in values ? values[name] === 'on' : fallback);
  return html`<form method="post" action="${options.action}" novalidate class="card">
${hiddenCsrf(options.csrf)}
<input type="hidden" name="submitted" value="1">
${field({ label: 'User principal name', name: 'userPrincipalName', type: 'email', value: values.userPrincipalName ?? '', required: true, placeholder: `B.Simon@${options.tenant.domains[0]?.domain ?? 'contoso.com'}`, hint: `The user name people sign in with, ending in one of this tenant's domains: ${domains}.`, error: errors.userPrincipalName })}
${field({ label: 'Display name', name: 'displayName', value: values.displayName ?? '', required: true, placeholder: 'B.Simon', error: errors.displayName })}
${field({ label: 'First name', name: 'givenName', value: values.givenName ?? '', error: errors.givenName })}
${field({ label: 'Last name', name: 'surname', value: values.surname ?? '', error: errors.surname })}
${field({ label: 'Email', name: 'mail', type: 'email', value: values.mail ?? '', hint: 'The mail attribute (user.mail); the emailaddress claim is left out while it is empty.', error: errors.mail })}
${options.isNew ? field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'new-password', hint: 'Leave empty to auto-generate a password, shown once after Create. Either way it is temporary: the user chooses a new one at first sign-in.', error: errors.password }) : null}
${checkboxField({ label: 'Account enabled', name: 'accountEnabled', checked: checked('accountEnabled', !values.submitted), hint: 'Clear to block sign-in.', error: errors.accountEnabled })}
${checkboxField({ label: 'Global Administrator (can use this portal)', name: 'isAdmin', checked: checked('isAdmin', false), error: errors.isAdmin })}
<div class="actions"><button type="submit">${options.isNew ? 'Create' : 'Save'}</button> <a class="button secondary" href="/portal/users">Cancel</a></div>
</form>`;
}

/** The one time a password is shown: after Create or Reset password. */
export function passwordOnceBody(user: User, password: string, what: 'created' | 'reset'): SafeHtml {
  return html`<section class="card" aria-labelledby="password-once">
<p id="password-once" class="flash flash-success">${what === 'created' ? `${user.displayName} was created.` : `The password of ${user.displayName} was reset.`}</p>
${facts([
  ['User principal name', user.userPrincipalName],
  [
    'Password',
    html`<code class="password" id="new-password">${password}</code> <button type="button" class="secondary" data-copy="new-password" aria-label="Copy the password">Copy</button>`,
  ],
])}
<p class="hint">Write the password down or give it to the user now: it is shown only this once and cannot be shown again.</p>
<p class="hint">It is a temporary password: ${user.displayName} will be asked to choose a new password at ${what === 'created' ? 'first' : 'the next'} sign-in.</p>
<div class="actions"><a class="button" href="/portal/users/${user.id}">Done</a></div>
</section>`;
}

export function userDetailBody(
  user: User,
  csrf: string,
  groups: ReadonlyArray<{ id: string; displayName: string }>,
  now: string,
): SafeHtml {
  const locked = user.lockedUntil !== null && user.lockedUntil > now;
  return html`<div class="actions">
<a class="button secondary" href="/portal/users/${user.id}/edit">Edit properties</a>
${actionButton(`/portal/users/${user.id}/reset-password`, csrf, 'Reset password', { kind: 'secondary' })}
${
  user.accountEnabled
    ? actionButton(`/portal/users/${user.id}/block`, csrf, 'Block sign-in', { kind: 'secondary' })
    : actionButton(`/portal/users/${user.id}/unblock`, csrf, 'Allow sign-in', { kind: 'secondary' })
}
${confirmLink(`/portal/users/${user.id}/delete`, 'Delete')}
</div>
${card(
  'Basic info',
  facts([
    ['Display name', user.displayName],
    ['User principal name', user.userPrincipalName],
    ['Object ID', html`<code>${user.id}</code>`],
    ['First name', user.givenName ?? ''],
    ['Last name', user.surname ?? ''],
    ['Email', user.mail ?? ''],
    ['Account enabled', badge(user.accountEnabled, 'Yes', 'No (sign-in blocked)')],
    ['Role', user.isAdmin ? 'Global Administrator' : 'User'],
    [
      'Password',
      user.passwordProfile?.forceChangePasswordNextSignIn
        ? 'Temporary: the user chooses a new one at the next sign-in'
        : 'Not temporary',
    ],
    [
      'Sign-in lockout',
      locked ? `Locked until ${formatTime(user.lockedUntil)} (Reset password unlocks)` : 'Not locked',
    ],
    ['Created', formatTime(user.createdAt)],
  ]),
)}
${card(
  'Groups',
  table(
    ['Group'],
    groups.map((g) => [html`<a href="/portal/groups/${g.id}">${g.displayName}</a>`]),
    'Not a member of any group.',
  ),
)}
<p><a href="/portal/users/${user.id}/authentication-methods">Authentication methods</a></p>
<p><a href="/portal/sign-ins?user=${user.id}">Sign-in logs of this user</a></p>`;
}
