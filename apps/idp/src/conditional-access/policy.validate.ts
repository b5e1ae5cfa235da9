import { FieldErrors } from '../errors.ts';
import {
  AUTHENTICATION_STRENGTHS,
  BUILT_IN_CONTROLS,
  type BuiltInControl,
  CLIENT_APP_TYPES,
  type ClientAppType,
  type GrantControls,
  type PersistentBrowser,
  PLATFORMS,
  POLICY_STATES,
  type PolicyConditions,
  type PolicyInput,
  type PolicyRefs,
  type SessionControls,
  type SignInFrequency,
} from './policy.ts';

// Validation of a policy written in Graph's JSON (API body, portal form, CLI file), before any write.

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A policy from Graph's JSON (a POST body, or a PATCH body merged over the current policy): every
 * field checked, ids resolved against the tenant's objects, Entra's own refusals applied (Block alone,
 * MFA and an authentication strength not both, persistent browser session only with All resources,
 * sign-in frequency within 1–23 hours or 1–365 days). Throws FormErrors naming each field by its JSON
 * path, e.g. `conditions.users.includeUsers`.
 */
export function parsePolicy(body: unknown, refs: PolicyRefs): PolicyInput {
  const errors = new FieldErrors();
  const input = isObject(body) ? body : {};
  const displayName = typeof input.displayName === 'string' ? input.displayName.trim() : '';
  if (displayName === '') errors.add('displayName', 'Enter a name for the policy.');
  else if (displayName.length > 256) errors.add('displayName', 'The name can be at most 256 characters.');
  const state = POLICY_STATES.find((s) => s === input.state);
  if (!state) errors.add('state', `state is one of: ${POLICY_STATES.join(', ')}.`);

  const conditions = isObject(input.conditions) ? input.conditions : {};
  if (!isObject(input.conditions))
    errors.add('conditions', 'A policy needs conditions: users and applications.');
  const users = parseUsers(conditions.users, refs, errors);
  const applications = parseApplications(conditions.applications, refs, errors);
  const locations = parseLocations(conditions.locations, refs, errors);
  const platforms = parsePlatforms(conditions.platforms, errors);
  const clientAppTypes = parseClientAppTypes(conditions.clientAppTypes, errors);
  const grantControls = parseGrant(input.grantControls, errors);
  const sessionControls = parseSession(input.sessionControls, applications, errors);
  if (!grantControls && !sessionControls) {
    errors.add(
      'grantControls',
      'Choose what the policy does: Block access, grant access with controls, or a session control.',
    );
  }
  errors.throwIfAny();
  return {
    displayName,
    state: state!,
    conditions: { users, applications, locations, platforms, clientAppTypes },
    grantControls,
    sessionControls,
  };
}

function stringList(value: unknown, field: string, errors: FieldErrors): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    errors.add(field, `${field.split('.').at(-1)} is a list of strings.`);
    return [];
  }
  return [...new Set(value.map((v) => v.trim()))];
}

/** Ids in `list` are the tenant's objects; `specials` (like `All`) stand alone. */
function checkIds(
  list: string[],
  field: string,
  known: ReadonlySet<string>,
  specials: readonly string[],
  what: string,
  errors: FieldErrors,
): string[] {
  const normal = list.map(
    (v) => specials.find((s) => s.toLowerCase() === v.toLowerCase()) ?? v.toLowerCase(),
  );
  const special = normal.filter((v) => specials.includes(v));
  if (special.length > 0 && normal.length > 1) {
    errors.add(field, `${special[0]} stands alone: remove the other values.`);
  }
  const unknown = normal.filter((v) => !specials.includes(v) && !known.has(v));
  if (unknown.length > 0) errors.add(field, `${unknown[0]} is not ${what} of this tenant.`);
  return normal;
}

function parseUsers(value: unknown, refs: PolicyRefs, errors: FieldErrors): PolicyConditions['users'] {
  const at = 'conditions.users';
  const users = isObject(value) ? value : {};
  for (const unsupported of ['includeRoles', 'excludeRoles', 'includeGuestsOrExternalUsers']) {
    const v = users[unsupported];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) {
      errors.add(
        `${at}.${unsupported}`,
        `Federa Directory does not support ${unsupported}; choose users and groups.`,
      );
    }
  }
  const list = (key: string, known: ReadonlySet<string>, specials: readonly string[], what: string) =>
    checkIds(stringList(users[key], `${at}.${key}`, errors), `${at}.${key}`, known, specials, what, errors);
  const result = {
    includeUsers: list('includeUsers', refs.userIds, ['All', 'None'], 'a user'),
    excludeUsers: list('excludeUsers', refs.userIds, [], 'a user'),
    includeGroups: list('includeGroups', refs.groupIds, [], 'a group'),
    excludeGroups: list('excludeGroups', refs.groupIds, [], 'a group'),
  };
  if (result.includeUsers.length === 0 && result.includeGroups.length === 0) {
    errors.add(`${at}.includeUsers`, 'Choose who the policy applies to: All users, or users and groups.');
  }
  return result;
}

function parseApplications(
  value: unknown,
  refs: PolicyRefs,
  errors: FieldErrors,
): PolicyConditions['applications'] {
  const at = 'conditions.applications';
  const apps = isObject(value) ? value : {};
  const list = (key: string) =>
    checkIds(
      stringList(apps[key], `${at}.${key}`, errors),
      `${at}.${key}`,
      refs.appIds,
      key === 'includeApplications' ? ['All', 'None'] : [],
      'the application id of an enterprise application',
      errors,
    );
  const result = {
    includeApplications: list('includeApplications'),
    excludeApplications: list('excludeApplications'),
  };
  if (result.includeApplications.length === 0) {
    errors.add(`${at}.includeApplications`, 'Choose the target resources: All, or selected applications.');
  }
  return result;
}

function parseLocations(
  value: unknown,
  refs: PolicyRefs,
  errors: FieldErrors,
): PolicyConditions['locations'] {
  if (value === undefined || value === null) return null;
  const at = 'conditions.locations';
  const locations = isObject(value) ? value : {};
  const list = (key: string) =>
    checkIds(
      stringList(locations[key], `${at}.${key}`, errors),
      `${at}.${key}`,
      refs.locationIds,
      ['All', 'AllTrusted'],
      'a named location',
      errors,
    );
  const result = { includeLocations: list('includeLocations'), excludeLocations: list('excludeLocations') };
  if (result.includeLocations.length === 0) {
    errors.add(
      `${at}.includeLocations`,
      'Choose the locations: Any location (All), All trusted, or named locations.',
    );
  }
  if (result.excludeLocations.includes('All')) {
    errors.add(`${at}.excludeLocations`, 'Exclude All trusted locations or named locations, not All.');
  }
  return result;
}

function parsePlatforms(value: unknown, errors: FieldErrors): PolicyConditions['platforms'] {
  if (value === undefined || value === null) return null;
  const at = 'conditions.platforms';
  const platforms = isObject(value) ? value : {};
  const list = (key: string, withAll: boolean) => {
    const known: readonly string[] = withAll ? ['all', ...PLATFORMS] : PLATFORMS;
    const values = stringList(platforms[key], `${at}.${key}`, errors).map(
      (v) => known.find((k) => k.toLowerCase() === v.toLowerCase()) ?? v,
    );
    const bad = values.find((v) => !known.includes(v));
    if (bad) errors.add(`${at}.${key}`, `${bad} is not a device platform; use ${known.join(', ')}.`);
    if (values.includes('all') && values.length > 1) errors.add(`${at}.${key}`, 'all stands alone.');
    return values;
  };
  const result = {
    includePlatforms: list('includePlatforms', true),
    excludePlatforms: list('excludePlatforms', false),
  };
  if (result.includePlatforms.length === 0) {
    errors.add(`${at}.includePlatforms`, 'Choose the device platforms: all, or some of them.');
  }
  return result;
}

function parseClientAppTypes(value: unknown, errors: FieldErrors): ClientAppType[] {
  const values = stringList(value, 'conditions.clientAppTypes', errors);
  if (values.length === 0) return ['all'];
  const bad = values.find((v) => !CLIENT_APP_TYPES.includes(v as ClientAppType));
  if (bad)
    errors.add(
      'conditions.clientAppTypes',
      `${bad} is not a client app type; use ${CLIENT_APP_TYPES.join(', ')}.`,
    );
  if (values.includes('all') && values.length > 1)
    errors.add('conditions.clientAppTypes', 'all stands alone.');
  return values as ClientAppType[];
}

function parseGrant(value: unknown, errors: FieldErrors): GrantControls | null {
  if (value === undefined || value === null) return null;
  const at = 'grantControls';
  const grant = isObject(value) ? value : {};
  const operator = grant.operator === undefined ? 'OR' : grant.operator;
  if (operator !== 'AND' && operator !== 'OR') errors.add(`${at}.operator`, 'operator is AND or OR.');
  const controls = stringList(grant.builtInControls, `${at}.builtInControls`, errors);
  const bad = controls.find((c) => !BUILT_IN_CONTROLS.includes(c as BuiltInControl));
  if (bad) {
    errors.add(
      `${at}.builtInControls`,
      `Federa Directory supports the controls block and mfa; ${bad} needs device or app management it does not have.`,
    );
  }
  if (controls.includes('block') && controls.length > 1) {
    errors.add(`${at}.builtInControls`, 'Block access stands alone: remove the other controls.');
  }
  let authenticationStrength: GrantControls['authenticationStrength'] = null;
  const strength = grant.authenticationStrength;
  if (strength !== undefined && strength !== null) {
    const id = isObject(strength) ? strength.id : undefined;
    const known = AUTHENTICATION_STRENGTHS.find((s) => s.id === id);
    if (!known) {
      errors.add(
        `${at}.authenticationStrength`,
        `Use a built-in authentication strength: ${AUTHENTICATION_STRENGTHS.map((s) => `${s.displayName} (${s.id})`).join(', ')}.`,
      );
    } else {
      authenticationStrength = { id: known.id, displayName: known.displayName };
      if (controls.includes('mfa')) {
        errors.add(
          `${at}.authenticationStrength`,
          'Require multifactor authentication and Require authentication strength cannot both be chosen.',
        );
      }
      if (controls.includes('block'))
        errors.add(`${at}.builtInControls`, 'Block access stands alone: remove the authentication strength.');
    }
  }
  if (controls.length === 0 && !authenticationStrength) {
    errors.add(`${at}.builtInControls`, 'Choose Block access, or at least one control to grant access with.');
  }
  return {
    operator: operator === 'AND' ? 'AND' : 'OR',
    builtInControls: controls as BuiltInControl[],
    authenticationStrength,
  };
}

function parseSession(
  value: unknown,
  applications: PolicyConditions['applications'],
  errors: FieldErrors,
): SessionControls | null {
  if (value === undefined || value === null) return null;
  const at = 'sessionControls';
  const session = isObject(value) ? value : {};
  let signInFrequency: SignInFrequency | null = null;
  if (isObject(session.signInFrequency)) {
    const f = session.signInFrequency;
    const where = `${at}.signInFrequency`;
    const interval = f.frequencyInterval ?? 'timeBased';
    if (interval !== 'timeBased' && interval !== 'everyTime') {
      errors.add(`${where}.frequencyInterval`, 'frequencyInterval is timeBased or everyTime.');
    }
    const authenticationType = f.authenticationType ?? 'primaryAndSecondaryAuthentication';
    if (
      authenticationType !== 'primaryAndSecondaryAuthentication' &&
      authenticationType !== 'secondaryAuthentication'
    ) {
      errors.add(
        `${where}.authenticationType`,
        'authenticationType is primaryAndSecondaryAuthentication or secondaryAuthentication.',
      );
    }
    const isEnabled = f.isEnabled === undefined ? true : f.isEnabled;
    if (typeof isEnabled !== 'boolean') errors.add(`${where}.isEnabled`, 'isEnabled is true or false.');
    let type: SignInFrequency['type'] = null;
    let amount: number | null = null;
    if (interval === 'timeBased') {
      if (f.type !== 'hours' && f.type !== 'days') errors.add(`${where}.type`, 'type is hours or days.');
      else type = f.type;
      const max = type === 'days' ? 365 : 23;
      if (typeof f.value !== 'number' || !Number.isInteger(f.value) || f.value < 1 || f.value > max) {
        errors.add(`${where}.value`, `value is a whole number of ${type ?? 'hours'} from 1 to ${max}.`);
      } else amount = f.value;
    } else if ((f.type ?? null) !== null || (f.value ?? null) !== null) {
      errors.add(`${where}.type`, 'Every time has no type or value: leave both null.');
    }
    signInFrequency = {
      isEnabled: isEnabled === true,
      type,
      value: amount,
      frequencyInterval: interval === 'everyTime' ? 'everyTime' : 'timeBased',
      authenticationType:
        authenticationType === 'secondaryAuthentication'
          ? 'secondaryAuthentication'
          : 'primaryAndSecondaryAuthentication',
    };
  } else if (session.signInFrequency !== undefined && session.signInFrequency !== null) {
    errors.add(`${at}.signInFrequency`, 'signInFrequency is an object.');
  }
  let persistentBrowser: PersistentBrowser | null = null;
  if (isObject(session.persistentBrowser)) {
    const p = session.persistentBrowser;
    if (p.mode !== 'always' && p.mode !== 'never')
      errors.add(`${at}.persistentBrowser.mode`, 'mode is always or never.');
    const isEnabled = p.isEnabled === undefined ? true : p.isEnabled;
    if (typeof isEnabled !== 'boolean')
      errors.add(`${at}.persistentBrowser.isEnabled`, 'isEnabled is true or false.');
    persistentBrowser = { isEnabled: isEnabled === true, mode: p.mode === 'never' ? 'never' : 'always' };
    const allApps =
      applications.includeApplications.length === 1 &&
      applications.includeApplications[0] === 'All' &&
      applications.excludeApplications.length === 0;
    if (persistentBrowser.isEnabled && !allApps) {
      errors.add(
        `${at}.persistentBrowser`,
        'Persistent browser session works only when the policy targets All resources (no exclusions), as Entra enforces.',
      );
    }
  } else if (session.persistentBrowser !== undefined && session.persistentBrowser !== null) {
    errors.add(`${at}.persistentBrowser`, 'persistentBrowser is an object.');
  }
  if (!signInFrequency && !persistentBrowser) return null;
  return { signInFrequency, persistentBrowser };
}
