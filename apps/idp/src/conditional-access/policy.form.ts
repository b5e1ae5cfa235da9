import { field, type HtmlValue, hiddenCsrf, html, type SafeHtml } from '@federa/kit';
import { AUTHENTICATION_STRENGTHS, PLATFORMS } from './policy.ts';

// The portal's policy form, in Entra's sections (Users, Target resources, Conditions, Grant, Session,
// Enable policy). It posts plain fields; `draftFromForm` turns them into Graph's JSON, which the
// service validates as it does an API call, and the form is drawn again from that JSON.

type Json = Record<string, unknown>;

/** Every value posted under `name` (checkbox lists post one value per checked box). */
export function valuesOf(body: unknown, name: string): string[] {
  const value = (body as Json | null)?.[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

const one = (body: unknown, name: string) => valuesOf(body, name).at(-1) ?? '';

export const PLATFORM_LABELS: Record<string, string> = {
  all: 'Any device',
  android: 'Android',
  iOS: 'iOS',
  windows: 'Windows',
  macOS: 'macOS',
  linux: 'Linux',
};

/** The posted form as Graph's conditionalAccessPolicy JSON (not yet validated). */
export function draftFromForm(body: unknown): Json {
  const v = (name: string) => valuesOf(body, name);
  const users =
    one(body, 'users') === 'all'
      ? { includeUsers: ['All'], includeGroups: [] }
      : { includeUsers: v('includeUsers'), includeGroups: v('includeGroups') };
  const applications = {
    includeApplications: one(body, 'apps') === 'all' ? ['All'] : v('includeApplications'),
    excludeApplications: v('excludeApplications'),
  };
  const pick = (choice: string, ids: string[]) =>
    choice === 'All' || choice === 'AllTrusted' ? [choice] : choice === 'selected' ? ids : [];
  const locations =
    one(body, 'locations') === 'configured'
      ? {
          includeLocations: pick(one(body, 'includeLocations'), v('includeLocationIds')),
          excludeLocations: pick(one(body, 'excludeLocations'), v('excludeLocationIds')),
        }
      : null;
  const platforms =
    one(body, 'platforms') === 'configured'
      ? { includePlatforms: v('includePlatforms'), excludePlatforms: v('excludePlatforms') }
      : null;
  const grant = one(body, 'grant');
  const strength = one(body, 'authenticationStrength');
  const grantControls =
    grant === 'block'
      ? { operator: 'OR', builtInControls: ['block'], authenticationStrength: null }
      : grant === 'grant'
        ? {
            operator: one(body, 'operator') === 'AND' ? 'AND' : 'OR',
            builtInControls: v('builtInControls').filter((c) => c === 'mfa'),
            authenticationStrength: strength ? { id: strength } : null,
          }
        : null;
  const everyTime = one(body, 'frequencyInterval') === 'everyTime';
  const signInFrequency =
    one(body, 'signInFrequency') === 'on'
      ? {
          isEnabled: true,
          frequencyInterval: everyTime ? 'everyTime' : 'timeBased',
          type: everyTime ? null : one(body, 'frequencyType') || 'hours',
          value: everyTime
            ? null
            : /^\d+$/.test(one(body, 'frequencyValue'))
              ? Number(one(body, 'frequencyValue'))
              : 0,
          authenticationType: 'primaryAndSecondaryAuthentication',
        }
      : null;
  const persistentBrowser =
    one(body, 'persistentBrowser') === 'on'
      ? { isEnabled: true, mode: one(body, 'persistentBrowserMode') === 'never' ? 'never' : 'always' }
      : null;
  return {
    displayName: one(body, 'displayName'),
    state: one(body, 'state'),
    conditions: {
      users: { ...users, excludeUsers: v('excludeUsers'), excludeGroups: v('excludeGroups') },
      applications,
      locations,
      platforms,
      clientAppTypes: one(body, 'clientApps') === 'browser' ? ['browser'] : ['all'],
    },
    grantControls,
    sessionControls: signInFrequency || persistentBrowser ? { signInFrequency, persistentBrowser } : null,
  };
}

export interface FormChoices {
  users: ReadonlyArray<{ id: string; label: string }>;
  groups: ReadonlyArray<{ id: string; label: string }>;
  apps: ReadonlyArray<{ id: string; label: string }>;
  locations: ReadonlyArray<{ id: string; label: string }>;
  /** The tenant's first administrator: the break-glass exclusion offered. */
  breakGlass: { id: string; label: string } | null;
}

const checks = (
  name: string,
  items: ReadonlyArray<{ id: string; label: string }>,
  checked: readonly string[],
  legend: string,
  empty: string,
) =>
  html`<fieldset class="choices"><legend>${legend}</legend>${
    items.length === 0
      ? html`<p class="hint">${empty}</p>`
      : items.map(
          (item) =>
            html`<div><label><input type="checkbox" name="${name}" value="${item.id}"${checked.includes(item.id) ? html` checked` : null}> ${item.label}</label></div>`,
        )
  }</fieldset>`;

const radios = (
  name: string,
  legend: string,
  choices: ReadonlyArray<{ value: string; label: string }>,
  value: string,
) =>
  html`<fieldset class="choices"><legend>${legend}</legend>${choices.map(
    (c) =>
      html`<div><label><input type="radio" name="${name}" value="${c.value}"${c.value === value ? html` checked` : null}> ${c.label}</label></div>`,
  )}</fieldset>`;

/** Errors of fields under `prefix`, beside the section they belong to. */
function errorsFor(errors: Record<string, string>, ...prefixes: string[]): SafeHtml {
  const messages = Object.entries(errors)
    .filter(([key]) => prefixes.some((p) => key === p || key.startsWith(`${p}.`) || key.startsWith(`${p}[`)))
    .map(([, message]) => message);
  return html`${messages.map((m) => html`<p class="error">${m}</p>`)}`;
}

const arr = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});

/** The policy form drawn from Graph's JSON (a stored policy, a posted draft, or a new one). */
export function policyForm(options: {
  action: string;
  csrf: string;
  policy: Json;
  choices: FormChoices;
  errors: Record<string, string>;
  submitLabel: string;
}): SafeHtml {
  const { policy, choices, errors } = options;
  const conditions = obj(policy.conditions);
  const users = obj(conditions.users);
  const apps = obj(conditions.applications);
  const locations = conditions.locations ? obj(conditions.locations) : null;
  const platforms = conditions.platforms ? obj(conditions.platforms) : null;
  const grant = policy.grantControls ? obj(policy.grantControls) : null;
  const session = obj(policy.sessionControls);
  const frequency = session.signInFrequency ? obj(session.signInFrequency) : null;
  const persistent = session.persistentBrowser ? obj(session.persistentBrowser) : null;
  const includeUsers = arr(users.includeUsers);
  const excludeUsers = arr(users.excludeUsers);
  const includeApps = arr(apps.includeApplications);
  const locationChoice = (ids: string[], none: string) =>
    ids.includes('All')
      ? 'All'
      : ids.includes('AllTrusted')
        ? 'AllTrusted'
        : ids.length > 0
          ? 'selected'
          : none;
  const controls = arr(grant?.builtInControls);
  const strengthId = String(obj(grant?.authenticationStrength).id ?? '');
  const summary = Object.values(errors);
  const section = (title: string, body: HtmlValue) =>
    html`<section class="card" aria-label="${title}"><header><h2>${title}</h2></header>${body}</section>`;

  return html`<form method="post" action="${options.action}" novalidate>
${hiddenCsrf(options.csrf)}
${summary.length > 0 ? html`<div class="flash flash-error" role="alert"><p>The policy was not saved:</p><ul>${summary.map((m) => html`<li>${m}</li>`)}</ul></div>` : null}
<section class="card">
${field({ label: 'Name', name: 'displayName', value: String(policy.displayName ?? ''), required: true, placeholder: 'Require MFA for Sentry', error: errors.displayName })}
</section>
${section(
  'Users',
  html`${radios(
    'users',
    'Include',
    [
      { value: 'all', label: 'All users' },
      { value: 'selected', label: 'Select users and groups' },
    ],
    includeUsers.includes('All') ? 'all' : 'selected',
  )}
${checks('includeUsers', choices.users, includeUsers, 'Selected users', 'No users.')}
${checks('includeGroups', choices.groups, arr(users.includeGroups), 'Selected groups', 'No groups.')}
${checks('excludeUsers', choices.users, excludeUsers, 'Exclude users', 'No users.')}
${checks('excludeGroups', choices.groups, arr(users.excludeGroups), 'Exclude groups', 'No groups.')}
${choices.breakGlass && !excludeUsers.includes(choices.breakGlass.id) ? html`<p class="hint">Don’t lock yourself out: exclude an emergency access (break-glass) account, such as the first administrator, ${choices.breakGlass.label}.</p>` : null}
${errorsFor(errors, 'conditions.users')}`,
)}
${section(
  'Target resources',
  html`${radios(
    'apps',
    'Include',
    [
      { value: 'all', label: 'All resources (all enterprise applications)' },
      { value: 'selected', label: 'Select resources' },
    ],
    includeApps.includes('All') ? 'all' : 'selected',
  )}
${checks('includeApplications', choices.apps, includeApps, 'Selected applications', 'No enterprise applications.')}
${checks('excludeApplications', choices.apps, arr(apps.excludeApplications), 'Exclude applications', 'No enterprise applications.')}
${errorsFor(errors, 'conditions.applications')}`,
)}
${section(
  'Conditions',
  html`<h3>Locations</h3>
${radios(
  'locations',
  'Configure',
  [
    { value: 'none', label: 'Not configured (any location)' },
    { value: 'configured', label: 'Yes' },
  ],
  locations ? 'configured' : 'none',
)}
${radios(
  'includeLocations',
  'Include',
  [
    { value: 'All', label: 'Any location' },
    { value: 'AllTrusted', label: 'All trusted networks and locations' },
    { value: 'selected', label: 'Selected networks and locations' },
  ],
  locationChoice(arr(locations?.includeLocations), 'All'),
)}
${checks('includeLocationIds', choices.locations, arr(locations?.includeLocations), 'Selected locations to include', 'No named locations yet.')}
${radios(
  'excludeLocations',
  'Exclude',
  [
    { value: 'none', label: 'None' },
    { value: 'AllTrusted', label: 'All trusted networks and locations' },
    { value: 'selected', label: 'Selected networks and locations' },
  ],
  locationChoice(arr(locations?.excludeLocations), 'none'),
)}
${checks('excludeLocationIds', choices.locations, arr(locations?.excludeLocations), 'Selected locations to exclude', 'No named locations yet.')}
${errorsFor(errors, 'conditions.locations')}
<h3>Device platforms</h3>
${radios(
  'platforms',
  'Configure',
  [
    { value: 'none', label: 'Not configured (any device)' },
    { value: 'configured', label: 'Yes' },
  ],
  platforms ? 'configured' : 'none',
)}
${checks(
  'includePlatforms',
  ['all', ...PLATFORMS].map((p) => ({ id: p, label: PLATFORM_LABELS[p]! })),
  arr(platforms?.includePlatforms),
  'Include',
  '',
)}
${checks(
  'excludePlatforms',
  PLATFORMS.map((p) => ({ id: p, label: PLATFORM_LABELS[p]! })),
  arr(platforms?.excludePlatforms),
  'Exclude',
  '',
)}
${errorsFor(errors, 'conditions.platforms')}
<h3>Client apps</h3>
${radios(
  'clientApps',
  'Client apps',
  [
    { value: 'all', label: 'All client apps' },
    { value: 'browser', label: 'Browser' },
  ],
  arr(conditions.clientAppTypes).includes('browser') ? 'browser' : 'all',
)}
${errorsFor(errors, 'conditions.clientAppTypes')}`,
)}
${section(
  'Grant',
  html`${radios(
    'grant',
    'Access',
    [
      { value: 'none', label: 'Not configured' },
      { value: 'block', label: 'Block access' },
      { value: 'grant', label: 'Grant access' },
    ],
    controls.includes('block') ? 'block' : grant ? 'grant' : 'none',
  )}
<fieldset class="choices"><legend>Grant access with</legend>
<div><label><input type="checkbox" name="builtInControls" value="mfa"${controls.includes('mfa') ? html` checked` : null}> Require multifactor authentication</label></div>
<div class="field"><label for="f-authenticationStrength">Require authentication strength</label>
<select id="f-authenticationStrength" name="authenticationStrength"><option value="">None</option>${AUTHENTICATION_STRENGTHS.map((s) => html`<option value="${s.id}"${s.id === strengthId ? html` selected` : null}>${s.displayName}</option>`)}</select></div>
</fieldset>
${radios(
  'operator',
  'For multiple controls',
  [
    { value: 'AND', label: 'Require all the selected controls' },
    { value: 'OR', label: 'Require one of the selected controls' },
  ],
  grant?.operator === 'OR' ? 'OR' : 'AND',
)}
${errorsFor(errors, 'grantControls')}`,
)}
${section(
  'Session',
  html`<fieldset class="choices"><legend>Sign-in frequency</legend>
<div><label><input type="checkbox" name="signInFrequency" value="on"${frequency?.isEnabled ? html` checked` : null}> Sign-in frequency</label></div>
<div><label><input type="radio" name="frequencyInterval" value="timeBased"${frequency?.frequencyInterval !== 'everyTime' ? html` checked` : null}> Periodic reauthentication</label></div>
${field({ label: 'Every (number of hours or days)', name: 'frequencyValue', type: 'number', value: frequency?.value == null ? '' : String(frequency.value), error: errors['sessionControls.signInFrequency.value'] })}
<div class="field"><label for="f-frequencyType">Unit</label><select id="f-frequencyType" name="frequencyType"><option value="hours"${frequency?.type !== 'days' ? html` selected` : null}>Hours</option><option value="days"${frequency?.type === 'days' ? html` selected` : null}>Days</option></select></div>
<div><label><input type="radio" name="frequencyInterval" value="everyTime"${frequency?.frequencyInterval === 'everyTime' ? html` checked` : null}> Every time</label></div>
</fieldset>
<fieldset class="choices"><legend>Persistent browser session</legend>
<div><label><input type="checkbox" name="persistentBrowser" value="on"${persistent?.isEnabled ? html` checked` : null}> Persistent browser session (All resources only)</label></div>
<div class="field"><label for="f-persistentBrowserMode">Mode</label><select id="f-persistentBrowserMode" name="persistentBrowserMode"><option value="always"${persistent?.mode !== 'never' ? html` selected` : null}>Always persistent</option><option value="never"${persistent?.mode === 'never' ? html` selected` : null}>Never persistent</option></select></div>
</fieldset>
${errorsFor(errors, 'sessionControls')}`,
)}
<section class="card">
${radios(
  'state',
  'Enable policy',
  [
    { value: 'enabledForReportingButNotEnforced', label: 'Report-only' },
    { value: 'enabled', label: 'On' },
    { value: 'disabled', label: 'Off' },
  ],
  String(policy.state ?? 'enabledForReportingButNotEnforced'),
)}
${errorsFor(errors, 'state')}
<div class="actions"><button type="submit">${options.submitLabel}</button> <a class="button secondary" href="/portal/conditional-access">Cancel</a></div>
</section>
</form>`;
}
