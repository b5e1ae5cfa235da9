import { card, facts, hiddenCsrf, html } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { findGroup, listGroups } from '../groups/groups.repository.ts';
import { attempt, formOf } from '../http/forms.ts';
import { selectField } from '../http/inputs.ts';
import { done, requireAdmin, sendPortalPage } from '../portal/portal.ts';
import {
  METHODS_REQUIRED,
  type PasswordResetEnabledFor,
  type PasswordResetPolicy,
  passwordResetPolicy,
  setPasswordResetPolicy,
} from './policy.ts';

const PATH = '/portal/users/password-reset';
const LABELS: Record<PasswordResetEnabledFor, string> = { none: 'None', selected: 'Selected', all: 'All' };

/** GET `/portal/users/password-reset`: Entra's Password reset › Properties (and the methods it takes). */
export async function passwordResetSettingsPage(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
  form?: { values: { enabledFor: string; groupId: string }; errors: Record<string, string> },
) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const policy = await passwordResetPolicy(deps.db, admin.tenant.id);
  const groups = await listGroups(deps.db, admin.tenant.id);
  const group = policy.groupId ? await findGroup(deps.db, admin.tenant.id, policy.groupId) : null;
  const enabledFor = form?.values.enabledFor ?? policy.enabledFor;
  const groupId = form?.values.groupId ?? policy.groupId ?? '';
  const body = html`${card(
    'Properties',
    html`<p>Self-service password reset lets users who forgot their password, or are locked out, set a new one from the sign-in page (<em>Forgot my password</em>) after proving who they are, without calling an administrator. A reset also unlocks the account and signs the user out of the Directory everywhere.</p>
${facts([
  ['Self service password reset enabled', LABELS[policy.enabledFor]],
  ...(policy.enabledFor === 'selected'
    ? ([['Selected group', describeGroup(policy, group?.displayName ?? null)]] as const)
    : []),
])}
<form method="post" action="${PATH}" novalidate>
${hiddenCsrf(admin.csrf)}
<fieldset class="choices"><legend>Self service password reset enabled</legend>
${(['none', 'selected', 'all'] as const).map(
  (value) =>
    html`<div><label><input type="radio" name="enabledFor" value="${value}"${enabledFor === value ? html` checked` : null}> ${LABELS[value]}</label></div>`,
)}
${form?.errors.enabledFor ? html`<p class="error">${form.errors.enabledFor}</p>` : null}
</fieldset>
${selectField({
  label: 'Select group',
  name: 'groupId',
  choices: groups.map((g) => ({ value: g.id, label: g.displayName })),
  value: groupId,
  placeholder: groups.length ? 'Choose a group' : 'No groups yet',
  hint: 'With Selected, only the members of this group (direct members) can reset their password.',
  error: form?.errors.groupId ?? null,
})}
<div class="actions"><button type="submit">Save</button> <a class="button secondary" href="/portal/users">Cancel</a></div>
</form>`,
  )}
${card(
  'Authentication methods',
  html`${facts([['Number of methods required to reset', String(METHODS_REQUIRED)]])}
<p>Federa accepts a code from the authenticator app or a passkey, whichever the user registered on Security info (/myapps/security-info). A user with neither cannot reset, and is told, as everyone who cannot reset, to contact their administrator. A blocked user cannot reset.</p>`,
)}`;
  return sendPortalPage(request, reply, admin, {
    title: 'Password reset',
    active: 'users',
    body,
    status: form ? 400 : 200,
    breadcrumbs: [{ href: '/portal/users', label: 'Users' }, { label: 'Password reset' }],
  });
}

function describeGroup(policy: PasswordResetPolicy, name: string | null): string {
  if (!policy.groupId) return 'None';
  return name ?? 'A deleted group (nobody can reset until another group is chosen)';
}

/** POST `/portal/users/password-reset`. */
export async function passwordResetSettingsSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const form = formOf(request);
  const values = { enabledFor: form.enabledFor ?? '', groupId: form.groupId ?? '' };
  const saved = await attempt(() =>
    setPasswordResetPolicy(deps, admin.actor, admin.tenant.id, {
      enabledFor: values.enabledFor,
      groupId: values.groupId || null,
    }),
  );
  if (!saved.ok) return passwordResetSettingsPage(deps, request, reply, { values, errors: saved.errors });
  const message: Record<PasswordResetEnabledFor, string> = {
    none: 'Self-service password reset is off.',
    selected: 'Members of the selected group can reset their password.',
    all: 'Every user can reset their password.',
  };
  return done(request, reply, PATH, message[saved.value.enabledFor]);
}
