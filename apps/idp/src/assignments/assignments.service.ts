import { auditApplication, requireApplication } from '../applications/applications.service.ts';
import { type Actor, type Deps, newId, nowIso } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { FieldErrors, notFound } from '../errors.ts';
import { findGroup } from '../groups/groups.repository.ts';
import { findUserInTenant } from '../users/users.repository.ts';
import {
  type AppRole,
  DEFAULT_ACCESS_NAME,
  DEFAULT_ACCESS_ROLE_ID,
  deleteAppRoleRow,
  deleteAssignmentRow,
  findAssignment,
  insertAppRole,
  insertAssignment,
  listAppRoles,
  listAssignments,
  type PrincipalType,
} from './assignments.repository.ts';

export interface AssignInput {
  principalType: PrincipalType;
  principalId: string;
  /** Required when the application defines roles; otherwise Default Access. */
  appRoleId?: string | null | undefined;
}

/**
 * "Users and groups › Add user/group": assigns a user or group to the application with an app role
 * (Default Access when the application defines none). Throws FormErrors on `principal` / `appRoleId`.
 */
export async function assign(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  input: AssignInput,
): Promise<string> {
  return inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const roles = await listAppRoles(db, app.id);
    const errors = new FieldErrors();
    let principalName = '';
    if (input.principalType === 'user') {
      const user = await findUserInTenant(db, tenantId, input.principalId);
      if (!user) errors.add('principal', 'Choose a user or group of this tenant.');
      else principalName = user.userPrincipalName;
    } else if (input.principalType === 'group') {
      const group = await findGroup(db, tenantId, input.principalId);
      if (!group) errors.add('principal', 'Choose a user or group of this tenant.');
      else principalName = group.displayName;
    } else {
      errors.add('principal', 'Choose a user or group of this tenant.');
    }
    let appRoleId = DEFAULT_ACCESS_ROLE_ID;
    let roleName = DEFAULT_ACCESS_NAME;
    if (roles.length > 0) {
      const role = roles.find((r) => r.id === input.appRoleId);
      if (!role) errors.add('appRoleId', 'Select a role: this application defines roles.');
      else {
        appRoleId = role.id;
        roleName = role.displayName;
      }
    } else if (input.appRoleId && input.appRoleId !== DEFAULT_ACCESS_ROLE_ID) {
      errors.add('appRoleId', 'This application defines no roles; the assignment gets Default Access.');
    }
    if (!errors.any) {
      const key = {
        applicationId: app.id,
        principalType: input.principalType,
        principalId: input.principalId,
        appRoleId,
      };
      if (await findAssignment(db, key))
        errors.add('principal', `${principalName} already has the role ${roleName}.`);
    }
    errors.throwIfAny();
    const id = newId();
    const at = nowIso(deps);
    await insertAssignment(db, {
      id,
      applicationId: app.id,
      principalType: input.principalType,
      principalId: input.principalId,
      appRoleId,
      at,
    });
    await auditApplication(
      db,
      actor,
      at,
      app,
      input.principalType === 'user' ? 'Add app role assignment to user' : 'Add app role assignment to group',
      {
        principal: principalName,
        role: roleName,
      },
    );
    return id;
  });
}

export async function unassign(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  assignmentId: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const assignment = (await listAssignments(db, app.id)).find((a) => a.id === assignmentId);
    if (!assignment) throw notFound('The assignment');
    const at = nowIso(deps);
    await deleteAssignmentRow(db, assignmentId);
    await auditApplication(db, actor, at, app, 'Remove app role assignment', {
      principal: assignment.principalName,
      role: assignment.roleName,
    });
  });
}

/** Adds an app role (display name, the value the role claim carries, description). */
export async function createAppRole(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  input: { displayName: string; value: string; description?: string | null | undefined },
): Promise<AppRole> {
  return inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const roles = await listAppRoles(db, app.id);
    const errors = new FieldErrors();
    const displayName = input.displayName.trim();
    const value = input.value.trim();
    const description = (input.description ?? '').trim() || null;
    if (displayName === '') errors.add('displayName', 'Enter the role name, e.g. Admin.');
    else if (displayName.length > 120) errors.add('displayName', 'The name can be at most 120 characters.');
    else if (displayName === DEFAULT_ACCESS_NAME || roles.some((r) => r.displayName === displayName)) {
      errors.add('displayName', `A role named ${displayName} already exists.`);
    }
    // Entra: a role value has no spaces and is unique in the application.
    if (value === '') errors.add('value', 'Enter the value the role claim carries, e.g. Admin.');
    else if (/\s/.test(value) || value.length > 120)
      errors.add('value', 'The value cannot contain spaces and can be at most 120 characters.');
    else if (roles.some((r) => r.value === value))
      errors.add('value', `Another role already has the value ${value}.`);
    errors.throwIfAny();
    const role: AppRole = {
      id: newId(),
      applicationId: app.id,
      displayName,
      value,
      description,
      createdAt: nowIso(deps),
    };
    await insertAppRole(db, role);
    await auditApplication(db, actor, role.createdAt, app, 'Add app role', { displayName, value });
    return role;
  });
}

/** Deletes an app role no one is assigned to. */
export async function deleteAppRole(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  roleId: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const role = (await listAppRoles(db, app.id)).find((r) => r.id === roleId);
    if (!role) throw notFound('The role');
    if ((await listAssignments(db, app.id)).some((a) => a.appRoleId === roleId)) {
      const errors = new FieldErrors();
      errors.add(
        'role',
        `Users or groups are assigned the role ${role.displayName}; remove those assignments first.`,
      );
      errors.throwIfAny();
    }
    const at = nowIso(deps);
    await deleteAppRoleRow(db, roleId);
    await auditApplication(db, actor, at, app, 'Delete app role', {
      displayName: role.displayName,
      value: role.value,
    });
  });
}
