import { recordAudit } from '../audit/audit.repository.ts';
import { type Actor, type Deps, nowIso } from '../context.ts';
import { type Db, inTransaction } from '../db/schema.ts';
import { FormErrors } from '../errors.ts';
import { findGroup, isMember } from '../groups/groups.repository.ts';
import type { User } from '../users/users.repository.ts';

// Entra's Password reset › Properties: "Self service password reset enabled" None, Selected (one
// group) or All. Entra's Authentication methods blade asks for 1 or 2 methods; Federa asks for one,
// a code from an authenticator app or a passkey (the methods users can register here).

export type PasswordResetEnabledFor = 'none' | 'selected' | 'all';
export const ENABLED_FOR: readonly PasswordResetEnabledFor[] = ['none', 'selected', 'all'];

export interface PasswordResetPolicy {
  enabledFor: PasswordResetEnabledFor;
  /** The group whose members may reset, for `selected`; null otherwise. */
  groupId: string | null;
}

/** No row: None, as for a new Entra tenant's users. */
export const NO_RESET: PasswordResetPolicy = { enabledFor: 'none', groupId: null };

/** Number of methods required to reset (Entra offers 1 or 2; Federa 1). */
export const METHODS_REQUIRED = 1;

export async function passwordResetPolicy(db: Db, tenantId: string): Promise<PasswordResetPolicy> {
  const row = await db
    .selectFrom('tenant_password_reset')
    .select(['enabled_for', 'group_id'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  if (!row || !ENABLED_FOR.includes(row.enabled_for as PasswordResetEnabledFor)) return NO_RESET;
  const enabledFor = row.enabled_for as PasswordResetEnabledFor;
  return { enabledFor, groupId: enabledFor === 'selected' ? row.group_id : null };
}

/** Whether the tenant's policy lets this user reset their password (Selected: a direct member of the group). */
export async function enabledForUser(db: Db, user: Pick<User, 'id' | 'tenantId'>): Promise<boolean> {
  const policy = await passwordResetPolicy(db, user.tenantId);
  if (policy.enabledFor === 'all') return true;
  if (policy.enabledFor === 'selected' && policy.groupId) return isMember(db, policy.groupId, user.id);
  return false;
}

/**
 * Saves the policy (the portal's Save), with an audit entry of what changed. Selected needs one
 * group of this tenant; a refused form writes nothing.
 */
export async function setPasswordResetPolicy(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  input: { enabledFor: string; groupId?: string | null },
): Promise<PasswordResetPolicy> {
  return inTransaction(deps.db, async (db) => {
    const enabledFor = input.enabledFor as PasswordResetEnabledFor;
    if (!ENABLED_FOR.includes(enabledFor)) {
      throw new FormErrors({ enabledFor: 'Choose None, Selected or All.' });
    }
    let groupId: string | null = null;
    let groupName: string | null = null;
    if (enabledFor === 'selected') {
      const group = input.groupId ? await findGroup(db, tenantId, input.groupId) : null;
      if (!group)
        throw new FormErrors({ groupId: 'Select the group whose members may reset their password.' });
      groupId = group.id;
      groupName = group.displayName;
    }
    const before = await passwordResetPolicy(db, tenantId);
    const after: PasswordResetPolicy = { enabledFor, groupId };
    if (before.enabledFor === after.enabledFor && before.groupId === after.groupId) return after;
    const at = nowIso(deps);
    await db
      .insertInto('tenant_password_reset')
      .values({ tenant_id: tenantId, enabled_for: enabledFor, group_id: groupId, updated_at: at })
      .onConflict((oc) =>
        oc.column('tenant_id').doUpdateSet({ enabled_for: enabledFor, group_id: groupId, updated_at: at }),
      )
      .execute();
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'UserManagement',
      activity: 'Update password reset policy',
      targetType: 'Tenant',
      targetId: tenantId,
      targetName: tenantId,
      details: {
        selfServicePasswordResetEnabled: { from: before.enabledFor, to: enabledFor },
        ...(before.groupId !== groupId
          ? { group: { from: before.groupId, to: groupId, name: groupName } }
          : {}),
      },
    });
    return after;
  });
}
