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
