import type { Application } from '../applications/applications.repository.ts';
import { requireApplication } from '../applications/applications.service.ts';
import { notFound } from '../errors.ts';
import { confirmedAction } from '../portal/confirm.ts';
import { wizardUrl } from '../wizard/wizard.pages.ts';
import { type Assignment, listAssignments } from './assignments.repository.ts';
import { unassign } from './assignments.service.ts';

// Removing an assignment, confirmed: from an application's Users and groups, and from the
// configuration wizard's third step (the same table and the same unassign, each returning to its page).

function consequences(app: Application, a: Assignment): string[] {
  const who = a.principalType === 'user' ? a.principalName : `Members of ${a.principalName}`;
  const role = a.roleName === 'Default Access' ? [] : [`The role ${a.roleName} goes with it.`];
  if (!app.assignmentRequired) {
    return [
      `${app.displayName} leaves the My Apps of ${a.principalType === 'user' ? a.principalName : `the members of ${a.principalName}`}.`,
      `Assignment is not required for ${app.displayName}, so ${a.principalType === 'user' ? 'they' : 'the members'} can still sign in to it.`,
      ...role,
    ];
  }
  return [
    `${who} will lose access to ${app.displayName}${a.principalType === 'group' ? ', unless assigned another way' : ''}: the Directory refuses their next sign-in to it (AADSTS50105).`,
    `A session already open in ${app.displayName} lasts until it ends there.`,
    ...role,
  ];
}

function unassignAction(where: 'application' | 'wizard') {
  const back = (app: Application) =>
    where === 'wizard' ? wizardUrl(app, 'users') : `/portal/applications/${app.id}/users`;
  return confirmedAction({
    load: async (deps, admin, params) => {
      const app = await requireApplication(deps.db, admin.tenant.id, params.id ?? '');
      const assignment = (await listAssignments(deps.db, app.id)).find((a) => a.id === params.assignmentId);
      if (!assignment) throw notFound('The assignment');
      return { app, assignment };
    },
    confirm: async (_deps, _admin, { app, assignment }) => ({
      title: `Remove ${assignment.principalName} from ${app.displayName}`,
      active: 'applications',
      breadcrumbs: [
        { href: '/portal/applications', label: 'Enterprise applications' },
        { href: `/portal/applications/${app.id}`, label: app.displayName },
        { href: back(app), label: where === 'wizard' ? 'Configuration wizard' : 'Users and groups' },
        { label: 'Remove assignment' },
      ],
      question: `Remove the assignment of ${assignment.principalName} to ${app.displayName}?`,
      consequences: consequences(app, assignment),
      confirmLabel: 'Remove assignment',
      cancelHref: back(app),
    }),
    act: async (deps, admin, { app, assignment }) => {
      await unassign(deps, admin.actor, admin.tenant.id, app.id, assignment.id);
      return { location: back(app), message: `Removed the assignment of ${assignment.principalName}.` };
    },
  });
}

/** GET / POST `/portal/applications/:id/assignments/:assignmentId/remove`. */
export const unassignAtApplication = unassignAction('application');
/** GET / POST `/portal/wizard/:id/users/:assignmentId/remove`. */
export const unassignInWizard = unassignAction('wizard');
