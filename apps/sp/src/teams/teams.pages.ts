import { card, confirmLink, field, hiddenCsrf, html, type SafeHtml, table } from '@federa/kit';
import type { Member, Organization } from '../organizations/organizations.repository.ts';
import type { FieldErrors } from '../validation.ts';
import { submitButton } from '../web/page.ts';
import type { Team, TeamMember } from './teams.repository.ts';

const suspendedBadge = (suspended: boolean) =>
  suspended ? html` <span class="badge bad">Suspended</span>` : null;

export function teamsBody(input: {
  csrf: string;
  organization: Organization;
  teams: Array<Team & { memberCount: number }>;
  canManage: boolean;
  values: { name: string };
  errors: FieldErrors;
}): SafeHtml {
  const slug = input.organization.slug;
  const list = card(
    'Teams',
    table(
      ['Team', 'Slug', 'Members', 'Source'],
      input.teams.map((t) => [
        html`<a href="/settings/${slug}/teams/${t.slug}/">${t.name}</a>`,
        html`<code>${t.slug}</code>`,
        String(t.memberCount),
        t.idpProvisioned ? 'Directory (SCIM)' : 'Workspace',
      ]),
      'No teams yet.',
    ),
  );
  const create = input.canManage
    ? card(
        'Create a team',
        html`<form method="post" action="/settings/${slug}/teams/" novalidate>${hiddenCsrf(input.csrf)}
${field({ label: 'Name', name: 'name', value: input.values.name, error: input.errors.name, hint: 'Its slug is made from the name (lower-case letters, digits and hyphens).' })}
<div class="actions">${submitButton('Create team')}</div></form>`,
      )
    : null;
  return html`${list}${create}`;
}

export function teamBody(input: {
  csrf: string;
  organization: Organization;
  team: Team;
  members: TeamMember[];
  /** Organization members not in the team, offered by "Add member". */
  candidates: Member[];
  canManage: boolean;
  values: { name: string };
  errors: FieldErrors;
}): SafeHtml {
  const { team } = input;
  const base = `/settings/${input.organization.slug}/teams/${team.slug}`;
  const rows = input.members.map((m) => [
    html`${m.name}${suspendedBadge(m.suspended)}`,
    m.email,
    input.canManage
      ? html`<form method="post" action="${base}/members/${m.membershipId}/remove/" class="inline">${hiddenCsrf(input.csrf)}<button type="submit" class="secondary" aria-label="Remove ${m.email} from ${team.name}">Remove</button></form>`
      : '',
  ]);
  const add =
    input.canManage && input.candidates.length > 0
      ? html`<form method="post" action="${base}/members/" class="inline">${hiddenCsrf(input.csrf)}<label for="f-membershipId">Add member</label> <select id="f-membershipId" name="membershipId">${input.candidates.map(
          (m) => html`<option value="${m.membershipId}">${m.name} (${m.email})</option>`,
        )}</select> ${submitButton('Add to team', 'secondary')}</form>`
      : null;
  const source = team.idpProvisioned
    ? html`<p class="hint">This team was created by your directory (SCIM group). Changes made here may be replaced at its next provisioning cycle.</p>`
    : null;
  const manage = input.canManage
    ? html`${card(
        'Rename',
        html`<form method="post" action="${base}/rename/" novalidate>${hiddenCsrf(input.csrf)}
${field({ label: 'Name', name: 'name', value: input.values.name, error: input.errors.name, hint: `The slug stays ${team.slug}.` })}
<div class="actions">${submitButton('Rename team')}</div></form>`,
      )}${card(
        'Delete team',
        html`<p>The team and its list of members go; the members stay in ${input.organization.name}.</p><div class="actions">${confirmLink(`${base}/delete/`, 'Delete team', { ariaLabel: `Delete ${team.name}` })}</div>`,
      )}`
    : null;
  return html`${card(
    `Members of ${team.name}`,
    html`${source}${table(['Name', 'Email', ''], rows, 'No members yet.')}${add}`,
  )}${manage}`;
}
