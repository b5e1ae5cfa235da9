import { card, confirmLink, field, hiddenCsrf, html, type SafeHtml, table } from '@federa/kit';
import { authnMethodLabel } from '../session-control/authn-methods.ts';
import type { LastSsoSignIn } from '../session-control/last-sso-sign-ins.ts';
import type { FieldErrors } from '../validation.ts';
import type { Member, Organization } from './organizations.repository.ts';
import type { Invitation } from './organizations.service.ts';
import { canGrant, ROLE_INFO, ROLES, type Role } from './roles.ts';

const date = (iso: string) => iso.slice(0, 10);

export function organizationsListBody(
  orgs: Array<Organization & { role: Role }>,
  user: { scopeOrganizationId: string | null },
): SafeHtml {
  return html`${card(
    'Your organizations',
    table(
      ['Organization', 'Slug', 'Your role'],
      orgs.map((o) => [
        html`<a href="/organizations/${o.slug}/">${o.name}</a>`,
        html`<code>${o.slug}</code>`,
        ROLE_INFO[o.role].label,
      ]),
      'You are not a member of any organization yet.',
    ),
    // An account an organization's IdP made is that organization's only.
    user.scopeOrganizationId
      ? null
      : html`<a class="button" href="/organizations/new/">Create organization</a>`,
  )}`;
}

export function landingBody(): SafeHtml {
  return card(
    'Welcome to Federa Workspace',
    html`<p>Organizations, members and roles, with single sign-on through each organization's own identity provider.</p>
<div class="actions"><a class="button" href="/auth/login/">Sign in</a><a class="button secondary" href="/auth/register/">Create an account</a></div>`,
  );
}

export function newOrganizationBody(input: {
  csrf: string;
  values: { name: string; slug: string };
  errors: FieldErrors;
}): SafeHtml {
  return card(
    'New organization',
    html`<form method="post" action="/organizations/new/" novalidate>
${hiddenCsrf(input.csrf)}
${field({ label: 'Organization name', name: 'name', value: input.values.name, error: input.errors.name, required: true })}
${field({ label: 'Slug', name: 'slug', value: input.values.slug, error: input.errors.slug, hint: 'Part of every address of the organization, e.g. /organizations/acme/. Lower-case letters, digits and hyphens. Leave empty to make one from the name.' })}
<div class="actions"><button type="submit">Create organization</button></div>
</form>`,
  );
}

export function organizationHomeBody(input: {
  organization: Organization;
  members: Member[];
  /** All members; more than `members` when the home shows only the first few. */
  memberCount: number;
  ssoLabel: string | null;
}): SafeHtml {
  return html`${card(
    'Organization',
    html`<dl class="facts"><dt>Name</dt><dd>${input.organization.name}</dd><dt>Slug</dt><dd><code>${input.organization.slug}</code></dd><dt>Single sign-on</dt><dd>${input.ssoLabel ?? 'Not configured'}</dd></dl>`,
  )}${card(
    'Members',
    html`${table(
      ['Name', 'Email', 'Role', 'SSO', 'Joined'],
      input.members.map((m) => [
        m.suspended ? html`${m.name} <span class="badge bad">Suspended</span>` : m.name,
        m.email,
        ROLE_INFO[m.role].label,
        m.ssoLinked
          ? html`<span class="badge ok">Linked</span>`
          : html`<span class="badge">Not linked</span>`,
        date(m.joinedAt),
      ]),
      'No members.',
    )}${
      input.memberCount > input.members.length
        ? html`<p>The first ${input.members.length} of ${input.memberCount} members. <a href="/settings/${input.organization.slug}/members/">All members</a></p>`
        : null
    }`,
  )}`;
}

/** When, and with which methods (as the IdP said: Password, MFA…), a member last signed in through SSO. */
function lastSsoCell(last: LastSsoSignIn | undefined): SafeHtml | string {
  if (!last) return '—';
  const methods = last.methods.map(authnMethodLabel);
  return html`<time datetime="${last.at}">${date(last.at)}</time>${
    methods.length > 0 ? html`<br><span class="hint">${methods.join(', ')}</span>` : null
  }`;
}

export function membersBody(input: {
  csrf: string;
  organization: Organization;
  members: Member[];
  invitations: Invitation[];
  actorRole: Role;
  canManage: boolean;
  inviteValues: { email: string; role: string };
  inviteErrors: FieldErrors;
  newInviteUrl: string | null;
  /** Each member's last sign-in through the organization's IdP, with how they authenticated there. */
  lastSso: ReadonlyMap<string, LastSsoSignIn>;
}): SafeHtml {
  const slug = input.organization.slug;
  const grantable = ROLES.filter((r) => canGrant(input.actorRole, r));
  const roleSelect = (name: string, id: string, selected: string, label: string) =>
    html`<label for="${id}">${label}</label> <select id="${id}" name="${name}">${grantable.map(
      (r) =>
        html`<option value="${r}"${r === selected ? html` selected` : null}>${ROLE_INFO[r].label}</option>`,
    )}</select>`;
  const rows = input.members.map((m) => {
    const manageable = input.canManage && canGrant(input.actorRole, m.role);
    return [
      m.suspended ? html`${m.name} <span class="badge bad">Suspended</span>` : m.name,
      m.email,
      lastSsoCell(input.lastSso.get(m.userId)),
      manageable
        ? html`<form method="post" action="/settings/${slug}/members/${m.userId}/role/" class="inline">${hiddenCsrf(input.csrf)}${roleSelect('role', `role-${m.userId}`, m.role, `Role of ${m.email}`)} <button type="submit" class="secondary">Save role</button></form>`
        : ROLE_INFO[m.role].label,
      manageable
        ? confirmLink(`/settings/${slug}/members/${m.userId}/remove/`, 'Remove', {
            ariaLabel: `Remove ${m.email}`,
          })
        : '',
    ];
  });
  const invite = input.canManage
    ? card(
        'Invite a member',
        html`${
          input.newInviteUrl
            ? html`<div class="flash flash-success" role="status"><p>Invitation created. Send this link to the person (it was also emailed):</p>
<div class="copy-row"><input id="invite-link" aria-label="Invitation link" type="text" readonly value="${input.newInviteUrl}"><button type="button" class="secondary" data-copy="invite-link">Copy</button></div></div>`
            : null
        }
<form method="post" action="/settings/${slug}/members/invite/" novalidate>
${hiddenCsrf(input.csrf)}
${field({ label: 'Email', name: 'email', type: 'email', value: input.inviteValues.email, error: input.inviteErrors.email, required: true })}
<div class="field${input.inviteErrors.role ? ' has-error' : ''}">${roleSelect('role', 'f-invite-role', input.inviteValues.role || 'member', 'Role')}${input.inviteErrors.role ? html`<p class="error">${input.inviteErrors.role}</p>` : null}</div>
<div class="actions"><button type="submit">Send invitation</button></div>
</form>`,
      )
    : null;
  return html`${invite}${card('Members', table(['Name', 'Email', 'Last SSO sign-in', 'Role', ''], rows, 'No members.'))}${
    input.canManage
      ? card(
          'Pending invitations',
          table(
            ['Email', 'Role', 'Expires'],
            input.invitations.map((i) => [i.email, ROLE_INFO[i.role].label, date(i.expiresAt)]),
            'No pending invitations.',
          ),
        )
      : null
  }`;
}

export function acceptInviteBody(input: {
  csrf: string;
  organization: Organization;
  role: Role;
  signedInAs: string | null;
  token: string;
}): SafeHtml {
  const next = `/accept-invite/${input.token}/`;
  return card(
    `Join ${input.organization.name}`,
    input.signedInAs
      ? html`<p>You were invited to join <strong>${input.organization.name}</strong> as ${ROLE_INFO[input.role].label}. You are signed in as ${input.signedInAs}.</p>
<form method="post" action="${next}">${hiddenCsrf(input.csrf)}<div class="actions"><button type="submit">Join ${input.organization.name}</button></div></form>`
      : html`<p>You were invited to join <strong>${input.organization.name}</strong> as ${ROLE_INFO[input.role].label}. Sign in or create an account to accept.</p>
<div class="actions"><a class="button" href="/auth/login/?next=${encodeURIComponent(next)}">Sign in</a><a class="button secondary" href="/auth/register/?next=${encodeURIComponent(next)}">Create an account</a></div>`,
  );
}
