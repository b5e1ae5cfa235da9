import type { Application } from '../applications/applications.repository.ts';
import { auditApplication, requireApplication } from '../applications/applications.service.ts';
import { listAssignments } from '../assignments/assignments.repository.ts';
import { type Actor, type Deps, nowIso } from '../context.ts';
import { type Db, inTransaction } from '../db/schema.ts';
import { FieldErrors } from '../errors.ts';

// The configuration wizard keeps no state of its own: step 1 creates the application (so an abandoned
// wizard leaves a normal application in the list), and each later step edits it through the same
// services as the application's own pages. The only rule of its own is what "finished" means.

/**
 * What still stops the application from signing anyone in, keyed by the wizard step that fixes it:
 * `sso` (no Identifier or no Reply URL), `users` (assignment required but nobody assigned).
 */
export async function wizardProblems(db: Db, app: Application): Promise<Record<string, string>> {
  const errors = new FieldErrors();
  if (app.identifiers.length === 0 || app.replyUrls.length === 0) {
    errors.add(
      'sso',
      'The Basic SAML Configuration needs an Identifier (Entity ID) and a Reply URL. Go back to Single sign-on and enter them.',
    );
  }
  if (app.assignmentRequired && (await listAssignments(db, app.id)).length === 0) {
    errors.add(
      'users',
      `Nobody is assigned, and ${app.displayName} requires assignment, so no one could sign in. Go back to Users and groups and assign at least one user or group.`,
    );
  }
  return errors.fields;
}

/**
 * "Finish": checks that the application can sign someone in (FormErrors keyed `sso` / `users`
 * otherwise) and records that its configuration was completed in the wizard.
 */
export async function finishWizard(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  applicationId: string,
): Promise<Application> {
  return inTransaction(deps.db, async (db) => {
    const app = await requireApplication(db, tenantId, applicationId);
    const errors = new FieldErrors();
    for (const [step, message] of Object.entries(await wizardProblems(db, app))) errors.add(step, message);
    errors.throwIfAny();
    await auditApplication(db, actor, nowIso(deps), app, 'Complete configuration wizard', {
      identifiers: app.identifiers.map((i) => i.identifier),
      replyUrls: app.replyUrls.map((r) => r.url),
      signOnUrl: app.signOnUrl,
    });
    return app;
  });
}
