import type { Actor, Deps } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { FormErrors } from '../errors.ts';
import { assignInputOf } from './assignment.form.ts';
import { assign } from './assignments.service.ts';

/**
 * "Add Assignment" with several users and groups chosen at once (Entra's picker): one role for all,
 * in one transaction, so that either every one is assigned or, on the first refusal, none is and
 * the form comes back with the reason.
 */
export async function assignSeveral(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
  principals: readonly string[],
  appRoleId: string | undefined,
): Promise<number> {
  if (principals.length === 0) throw new FormErrors({ principal: 'Choose at least one user or group.' });
  return inTransaction(deps.db, async (db) => {
    for (const principal of principals) {
      await assign(
        { ...deps, db },
        actor,
        tenantId,
        applicationId,
        assignInputOf({ principal, appRoleId: appRoleId ?? '' }),
      );
    }
    return principals.length;
  });
}
