import { card, facts, field, hiddenCsrf, html, type SafeHtml, table } from '@federa/kit';
import type { Application } from '../applications/applications.repository.ts';
import { actionButton, badge, checkboxField, formatTime, radioField, selectField } from '../http/inputs.ts';
import type { ProvisioningConfig } from './config.repository.ts';
import type { ProvisioningLogEntry } from './logs.repository.ts';
import { type AttributeMapping, SOURCE_ATTRIBUTES } from './mappings.ts';
import type { TestConnectionResult } from './provisioning.service.ts';
import type { UserOutcome } from './sync-user.ts';
import { suggestedTenantUrl, tenantUrlPattern } from './tenant-url-hint.ts';

// The Provisioning blade's HTML (Entra's layout: mode, Admin Credentials, Mappings, Settings, Status).

const base = (app: Pick<Application, 'id'>) => `/portal/applications/${app.id}/provisioning`;

export function statusCard(config: ProvisioningConfig): SafeHtml {
  const summary = config.lastCycleSummary;
  return card(
    'Current cycle status',
    html`${
      config.quarantinedAt
        ? html`<p class="error" role="alert"><strong>In quarantine</strong> since ${formatTime(config.quarantinedAt)}: ${config.quarantineReason ?? ''}. Fix the cause, then save the credentials again or Restart provisioning.</p>`
        : null
    }${facts([
      ['Provisioning status', badge(config.mode === 'automatic' && config.statusOn, 'On', 'Off')],
      [
        'Last cycle',
        summary
          ? `${summary.kind === 'initial' ? 'Initial' : 'Incremental'} cycle completed ${formatTime(summary.completedAt)}`
          : 'None yet',
      ],
      [
        'Last cycle’s actions',
        summary
          ? `${summary.created} created, ${summary.updated} updated, ${summary.disabled} disabled, ${summary.deleted} deleted, ${summary.failed} failed`
          : '—',
      ],
      [
        'Next cycle',
        config.nextRunAt ? formatTime(config.nextRunAt) : config.statusOn ? 'Within seconds' : '—',
      ],
    ])}`,
  );
}

export interface SettingsFormState {
  values: Record<string, string> | null;
  errors: Record<string, string>;
  test: TestConnectionResult | null;
}

export function settingsForm(
  app: Application,
  config: ProvisioningConfig,
  csrf: string,
  state: SettingsFormState,
): SafeHtml {
  const v = state.values;
  const mode = v?.mode ?? config.mode;
  const pattern = tenantUrlPattern(app);
  const tenantUrl = v?.tenantUrl ?? config.tenantUrl ?? suggestedTenantUrl(app) ?? '';
  const test = state.test;
  return html`<form method="post" action="${base(app)}" class="card" novalidate>
${hiddenCsrf(csrf)}
<h2>Provisioning Mode</h2>
${radioField({
  label: 'Provisioning Mode',
  name: 'mode',
  value: mode,
  choices: [
    { value: 'manual', label: 'Manual' },
    { value: 'automatic', label: 'Automatic' },
  ],
  hint: 'Automatic: the Directory creates, updates and disables the application’s accounts over SCIM.',
})}
<h2>Admin Credentials</h2>
${field({ label: 'Tenant URL', name: 'tenantUrl', value: tenantUrl, error: state.errors.tenantUrl, hint: pattern ? `The SCIM base URL from the application’s Org Settings › Auth › Enable SCIM: ${pattern}` : 'The SCIM 2.0 base URL the application gives you.', placeholder: pattern ?? 'https://app.example.com/scim/v2/' })}
${field({ label: 'Secret Token', name: 'secretToken', type: 'password', value: '', error: state.errors.secretToken, autocomplete: 'off', hint: config.secretSealed ? 'A token is saved (it is never shown again). Leave blank to keep it.' : 'The bearer token the application shows once.' })}
${
  test
    ? test.ok
      ? html`<p class="success" role="status" data-test-connection="ok">The supplied credentials are authorized to enable provisioning.</p>`
      : html`<p class="error" role="alert" data-test-connection="${test.code}">Test Connection failed: ${test.message}</p>`
    : null
}
<div class="actions"><button type="submit" formaction="${base(app)}/test" class="secondary">Test Connection</button></div>
<h2>Settings</h2>
${checkboxField({ label: 'Send an email notification when a failure occurs', name: 'notifyOnFailure', checked: v ? v.notifyOnFailure === 'on' : config.notifyOnFailure, hint: `To the application’s notification addresses (${app.notificationEmails.join(', ') || 'none set'}).` })}
${selectField({
  label: 'Scope',
  name: 'scope',
  value: v?.scope ?? config.scope,
  choices: [
    { value: 'assigned', label: 'Sync only assigned users and groups' },
    { value: 'all', label: 'Sync all users and groups' },
  ],
})}
${checkboxField({ label: 'Provision groups (Federa Directory groups → /Groups, with their members)', name: 'provisionGroups', checked: v ? v.provisionGroups === 'on' : config.provisionGroups })}
${radioField({
  label: 'Provisioning Status',
  name: 'status',
  value: v?.status ?? (config.statusOn ? 'on' : 'off'),
  choices: [
    { value: 'on', label: 'On' },
    { value: 'off', label: 'Off' },
  ],
})}
<div class="actions"><button type="submit">Save</button></div>
</form>`;
}

export function mappingsCard(app: Application, config: ProvisioningConfig, csrf: string): SafeHtml {
  return card(
    'Mappings: Synchronize Federa Directory users',
    html`${table(
      ['Federa Directory attribute', 'Target attribute', 'Matching precedence', 'Apply', ''],
      config.userMappings.map((m, index) => [
        html`${m.kind === 'direct' ? m.source : m.kind === 'constant' ? html`Constant “${m.source}”` : html`<code>${m.source}</code>`}`,
        html`<code>${m.target}</code>`,
        m.matching ? '1' : '',
        m.apply === 'create' ? 'Only during object creation' : 'Always',
        html`<a href="${base(app)}/mappings/${String(index)}">Edit</a> ${m.matching ? null : actionButton(`${base(app)}/mappings/${String(index)}/remove`, csrf, 'Delete', { kind: 'secondary' })}`,
      ]),
    )}
<p><a class="button secondary" href="${base(app)}/mappings/new">Add New Mapping</a></p>
<p class="hint">Groups (when provisioned): displayName → displayName (matching), members → members, objectId → externalId.</p>`,
  );
}

export function actionsCard(app: Application, csrf: string): SafeHtml {
  return card(
    'Actions',
    html`<p><a class="button secondary" href="${base(app)}/on-demand">Provision on demand</a> <a class="button secondary" href="${base(app)}/logs">Provisioning logs</a></p>
<p class="hint">Restart provisioning forgets what was synced and lifts quarantine: the next cycle is an initial one.</p>
${actionButton(`${base(app)}/restart`, csrf, 'Restart provisioning', { kind: 'secondary' })}`,
  );
}

export function mappingForm(
  app: Application,
  csrf: string,
  index: number | null,
  mapping: AttributeMapping | null,
  values: Record<string, string> | null,
  errors: Record<string, string>,
): SafeHtml {
  const kind = values?.kind ?? mapping?.kind ?? 'direct';
  const action = index === null ? `${base(app)}/mappings` : `${base(app)}/mappings/${String(index)}`;
  return html`<form method="post" action="${action}" class="card" novalidate>
${hiddenCsrf(csrf)}
${selectField({
  label: 'Mapping type',
  name: 'kind',
  value: kind,
  choices: [
    { value: 'direct', label: 'Direct' },
    { value: 'constant', label: 'Constant' },
    { value: 'expression', label: 'Expression' },
  ],
})}
${field({ label: 'Source attribute, constant value or expression', name: 'source', value: values?.source ?? mapping?.source ?? '', error: errors.source, required: true, hint: `Direct: one of ${SOURCE_ATTRIBUTES.join(', ')}. Expression: Switch([IsSoftDeleted], , "False", "True", "True", "False").` })}
${field({ label: 'Target attribute', name: 'target', value: values?.target ?? mapping?.target ?? '', error: errors.target, required: true, hint: 'A SCIM User attribute path, e.g. name.givenName or emails[type eq "work"].value.' })}
${checkboxField({ label: 'Match objects using this attribute', name: 'matching', checked: values ? values.matching === 'on' : (mapping?.matching ?? false), error: errors.matching })}
${selectField({
  label: 'Apply this mapping',
  name: 'apply',
  value: values?.apply ?? mapping?.apply ?? 'always',
  choices: [
    { value: 'always', label: 'Always' },
    { value: 'create', label: 'Only during object creation' },
  ],
})}
<div class="actions"><button type="submit">Ok</button> <a class="button secondary" href="${base(app)}">Cancel</a></div>
</form>`;
}

export function onDemandForm(
  app: Application,
  csrf: string,
  users: readonly { id: string; userPrincipalName: string }[],
  selected: string | null,
  outcome: UserOutcome | null,
): SafeHtml {
  return html`<form method="post" action="${base(app)}/on-demand" class="card" novalidate>
${hiddenCsrf(csrf)}
${selectField({ label: 'Select a user', name: 'userId', value: selected, choices: users.map((u) => ({ value: u.id, label: u.userPrincipalName })), placeholder: 'Choose…' })}
<div class="actions"><button type="submit">Provision</button></div>
</form>
${
  outcome
    ? card(
        'Result',
        html`<ol class="steps" data-outcome="${outcome.status}">${outcome.steps.map((s) => html`<li><strong>${s.name}</strong>: ${s.result}</li>`)}</ol>
${facts([
  ['Action', outcome.action],
  ['Status', outcome.status],
  ['Target id', outcome.targetId ?? '—'],
  [
    'Modified attributes',
    Object.entries(outcome.changed)
      .map(([k, v]) => `${k} = ${String(v)}`)
      .join('; ') || '—',
  ],
  ['Error from the target', outcome.error ?? '—'],
])}`,
      )
    : null
}`;
}

export function logsTable(entries: readonly ProvisioningLogEntry[]): SafeHtml {
  return card(
    null,
    table(
      [
        'Date',
        'Identity',
        'Type',
        'Action',
        'Status',
        'Target id',
        'Modified attributes',
        'Error from the target',
      ],
      entries.map((e) => [
        formatTime(e.createdAt),
        html`${e.sourceName}<br><code>${e.sourceId}</code>`,
        e.objectType === 'user' ? 'User' : 'Group',
        e.action,
        html`<span class="badge ${e.status === 'failure' ? 'bad' : 'ok'}">${e.status}</span>`,
        e.targetId ? html`<code>${e.targetId}</code>` : '—',
        Object.entries(e.changed)
          .map(([k, v]) => `${k} = ${Array.isArray(v) ? v.join(', ') : String(v)}`)
          .join('; ') || '—',
        e.error ?? '',
      ]),
      'No provisioning actions yet. Turn Provisioning Status On and assign users.',
    ),
  );
}
