import { html, type SafeHtml } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Application } from '../applications/applications.repository.ts';
import { type AdminContext, sendPortalPage } from '../portal/portal.ts';

export type WizardStep = 'application' | 'sso' | 'users' | 'review';

const STEPS: ReadonlyArray<{ key: WizardStep; label: string; path: string | null }> = [
  { key: 'application', label: 'Application', path: null },
  { key: 'sso', label: 'Single sign-on', path: 'sso' },
  { key: 'users', label: 'Users and groups', path: 'users' },
  { key: 'review', label: 'Review + finish', path: 'review' },
];

export const WIZARD = '/portal/wizard';

export function wizardUrl(app: Pick<Application, 'id'>, step: Exclude<WizardStep, 'application'>): string {
  return `${WIZARD}/${app.id}/${step}`;
}

/**
 * The step indicator: the four steps in order, the current one marked `aria-current="step"`. Once
 * the application exists (step 1 creates it) the later steps are links, so an admin can go back and
 * forth; step 1 cannot be redone (the application's Properties page renames it).
 */
export function stepIndicator(current: WizardStep, app: Pick<Application, 'id'> | null): SafeHtml {
  return html`<nav class="breadcrumbs wizard-steps" aria-label="Wizard steps"><ol>${STEPS.map((step, i) => {
    const text = `${i + 1}. ${step.label}`;
    if (step.key === current) return html`<li aria-current="step"><strong>${text}</strong></li>`;
    if (app && step.path) return html`<li><a href="${WIZARD}/${app.id}/${step.path}">${text}</a></li>`;
    return html`<li>${text}</li>`;
  })}</ol></nav>`;
}

const TITLES: Record<WizardStep, string> = {
  application: 'Add an application',
  sso: 'Set up single sign-on',
  users: 'Assign users and groups',
  review: 'Review + finish',
};

/** A wizard page: the portal layout, the step indicator, then the step's body. */
export function sendWizardPage(
  request: FastifyRequest,
  reply: FastifyReply,
  admin: AdminContext,
  options: {
    step: WizardStep;
    app: Pick<Application, 'id' | 'displayName'> | null;
    body: SafeHtml;
    status?: number;
  },
): Promise<FastifyReply> {
  return sendPortalPage(request, reply, admin, {
    title: `Configuration wizard: ${TITLES[options.step]}`,
    active: 'applications',
    body: html`<p class="hint">Enterprise App Configuration Wizard: add an application from the gallery, set up its SAML single sign-on, assign users and groups, then test it.</p>
${stepIndicator(options.step, options.app)}
${options.body}`,
    breadcrumbs: [
      { href: '/portal/applications', label: 'Enterprise applications' },
      { href: WIZARD, label: 'Configuration wizard' },
      ...(options.app ? [{ label: options.app.displayName }] : []),
    ],
    status: options.status,
  });
}
