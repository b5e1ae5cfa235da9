import { confirmLink, html, type SafeHtml, table } from '@federa/kit';
import type { Db } from '../db/schema.ts';
import { listGroups } from '../groups/groups.repository.ts';
import { selectField } from '../http/inputs.ts';
import { listUsers } from '../users/users.repository.ts';
import {
  type AppRole,
  type Assignment,
  DEFAULT_ACCESS_NAME,
  DEFAULT_ACCESS_ROLE_ID,
  listAppRoles,
  type PrincipalType,
} from './assignments.repository.ts';
import type { AssignInput } from './assignments.service.ts';

// "Add Assignment" (a user or group, and a role), shared by an application's Users and groups page and
// the configuration wizard's third step: the same choices, the same parsing into `assign`'s input, the
// same errors beside the same two fields (`principal`, `appRoleId`).

type Choice = { value: string; label: string };

export interface AssignmentChoices {
  /** `user:<id>` / `group:<id>` for every user and group of the tenant. */
  principals: Choice[];
  /** The application's roles; empty when it defines none. */
  roles: AppRole[];
  /** The roles to pick from: Default Access alone when the application defines none. */
  roleChoices: Choice[];
}

export async function loadAssignmentChoices(
  db: Db,
  tenantId: string,
  applicationId: string,
): Promise<AssignmentChoices> {
  const [roles, users, groups] = await Promise.all([
    listAppRoles(db, applicationId),
    listUsers(db, tenantId),
    listGroups(db, tenantId),
  ]);
  return {
    principals: [
      ...users.map((u) => ({ value: `user:${u.id}`, label: `${u.displayName} (${u.userPrincipalName})` })),
      ...groups.map((g) => ({ value: `group:${g.id}`, label: `${g.displayName} (group)` })),
    ],
    roles,
    roleChoices:
      roles.length > 0
        ? roles.map((r) => ({ value: r.id, label: r.displayName }))
        : [{ value: DEFAULT_ACCESS_ROLE_ID, label: DEFAULT_ACCESS_NAME }],
  };
}

/** The two fields of "Add Assignment": Users and groups, Select a role. */
export function assignmentFields(
  choices: AssignmentChoices,
  values: Record<string, string>,
  errors: Record<string, string>,
): SafeHtml {
  return html`${selectField({ label: 'Users and groups', name: 'principal', choices: choices.principals, value: values.principal ?? '', placeholder: 'None Selected', error: errors.principal, required: true })}
${selectField({ label: 'Select a role', name: 'appRoleId', choices: choices.roleChoices, value: values.appRoleId ?? choices.roleChoices[0]?.value ?? '', error: errors.appRoleId, hint: choices.roles.length === 0 ? 'No role has been set up for this app: Default Access is selected.' : undefined })}`;
}

/**
 * The Users and groups page's picker: a search box over a list to choose several from (Entra's "Add
 * user/group" blade), without those already assigned when the application has no roles to tell their
 * assignments apart. Posts `principal` once per choice.
 */
export function assignmentPicker(
  choices: AssignmentChoices,
  assigned: ReadonlySet<string>,
  chosen: ReadonlySet<string>,
  appRoleId: string | undefined,
  errors: Record<string, string>,
): SafeHtml {
  const principals =
    choices.roles.length > 0 ? choices.principals : choices.principals.filter((p) => !assigned.has(p.value));
  const error = errors.principal;
  return html`<div class="field${error ? ' has-error' : ''}">
<label for="f-principal">Users and groups <span class="req" aria-hidden="true">*</span></label>
<input type="search" id="f-principal-search" data-filter-options="f-principal" aria-label="Find a user or group" placeholder="Find by name or user name" class="picker-search">
<select id="f-principal" name="principal" multiple size="${Math.min(8, Math.max(3, principals.length))}" aria-describedby="f-principal-hint${error ? ' f-principal-error' : ''}">
${principals.map((c) => html`<option value="${c.value}"${chosen.has(c.value) ? html` selected` : null}>${c.label}</option>`)}
</select>
<p class="hint" id="f-principal-hint">${
    principals.length === 0
      ? 'Every user and group of the tenant is assigned already.'
      : 'Choose one, or several with Ctrl (⌘ on a Mac) or Shift. Already assigned ones are not listed.'
  }</p>
${error ? html`<p class="error" id="f-principal-error">${error}</p>` : null}
</div>
${selectField({ label: 'Select a role', name: 'appRoleId', choices: choices.roleChoices, value: appRoleId ?? choices.roleChoices[0]?.value ?? '', error: errors.appRoleId, hint: choices.roles.length === 0 ? 'No role has been set up for this app: Default Access is selected.' : undefined })}`;
}

/** The posted "Add Assignment" form as `assign`'s input (an unknown principal is refused there). */
export function assignInputOf(form: Record<string, string>): AssignInput {
  const [type, id] = (form.principal ?? '').split(':');
  return {
    principalType: (type === 'group' ? 'group' : type === 'user' ? 'user' : '') as PrincipalType,
    principalId: id ?? '',
    appRoleId: form.appRoleId,
  };
}

/** The assigned users and groups, each with a Remove link to `removeAction(assignment)`'s confirmation. */
export function assignmentsTable(
  assignments: readonly Assignment[],
  removeAction: (assignment: Assignment) => string,
): SafeHtml {
  return table(
    ['Display name', 'Object type', 'Role assigned', ''],
    assignments.map((a) => [
      a.principalName,
      a.principalType === 'user' ? 'User' : 'Group',
      a.roleName,
      confirmLink(removeAction(a), 'Remove', {
        kind: 'secondary',
        ariaLabel: `Remove ${a.principalName}`,
      }),
    ]),
    'No users or groups are assigned yet.',
  );
}
