import type { CompletionCheck } from '../context.ts';
import { SsoError } from '../sso-error.ts';

/** With "Assignment required?" Yes, the user is assigned to the application, directly or through a group. */
export const assignment: CompletionCheck = {
  name: 'assignment',
  run(ctx) {
    const app = ctx.application;
    if (app.assignmentRequired && ctx.roleIds.length === 0) {
      throw new SsoError({
        code: 'AADSTS50105',
        check: this.name,
        message: `Your administrator has configured the application ${app.displayName} ('${app.appId}') to block users unless they are specifically granted ('assigned') access to the application. The signed in user '${ctx.user.userPrincipalName}' is blocked because they are not a direct member of a group with access, nor had access directly assigned by an administrator. Please contact your administrator to assign access to this application.`,
        adminAction: `Assign ${ctx.user.userPrincipalName} (or a group they belong to) in Enterprise applications › ${app.displayName} › Users and groups › Add user/group, or set "Assignment required?" to No in Properties.`,
        status: 403,
      });
    }
  },
};
