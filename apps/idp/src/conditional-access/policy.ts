// Graph's conditionalAccessPolicy, the part Federa Directory evaluates: users and groups, target
// applications, locations, device platforms, client app types; grant (block, MFA, authentication
// strength, with AND / OR) and session controls (sign-in frequency, persistent browser session).

export const POLICY_STATES = ['enabled', 'disabled', 'enabledForReportingButNotEnforced'] as const;
export type PolicyState = (typeof POLICY_STATES)[number];

/** Graph's devicePlatform values Federa recognizes from the User-Agent (`all` only in includePlatforms). */
export const PLATFORMS = ['android', 'iOS', 'windows', 'macOS', 'linux'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const CLIENT_APP_TYPES = [
  'all',
  'browser',
  'mobileAppsAndDesktopClients',
  'exchangeActiveSync',
  'other',
] as const;
export type ClientAppType = (typeof CLIENT_APP_TYPES)[number];

export const BUILT_IN_CONTROLS = ['block', 'mfa'] as const;
export type BuiltInControl = (typeof BUILT_IN_CONTROLS)[number];

/** Entra's built-in authentication strengths (their ids are Entra's own). */
export const AUTHENTICATION_STRENGTHS = [
  { id: '00000000-0000-0000-0000-000000000002', displayName: 'Multifactor authentication', grant: 'mfa' },
  {
    id: '00000000-0000-0000-0000-000000000004',
    displayName: 'Phishing-resistant MFA',
    grant: 'phishingResistantMfa',
  },
] as const;

/** What a user may have to do to satisfy a policy's grant, in Entra's prompting order. */
export const GRANTS = ['mfa', 'phishingResistantMfa'] as const;
export type Grant = (typeof GRANTS)[number];

export interface SignInFrequency {
  isEnabled: boolean;
  /** null when `frequencyInterval` is everyTime. */
  type: 'hours' | 'days' | null;
  value: number | null;
  frequencyInterval: 'timeBased' | 'everyTime';
  authenticationType: 'primaryAndSecondaryAuthentication' | 'secondaryAuthentication';
}

export interface PersistentBrowser {
  isEnabled: boolean;
  mode: 'always' | 'never';
}

export interface PolicyConditions {
  users: { includeUsers: string[]; excludeUsers: string[]; includeGroups: string[]; excludeGroups: string[] };
  applications: { includeApplications: string[]; excludeApplications: string[] };
  locations: { includeLocations: string[]; excludeLocations: string[] } | null;
  platforms: { includePlatforms: string[]; excludePlatforms: string[] } | null;
  clientAppTypes: ClientAppType[];
}

export interface GrantControls {
  operator: 'AND' | 'OR';
  builtInControls: BuiltInControl[];
  authenticationStrength: { id: string; displayName: string } | null;
}

export interface SessionControls {
  signInFrequency: SignInFrequency | null;
  persistentBrowser: PersistentBrowser | null;
}

/** The policy as Graph returns it. */
export interface ConditionalAccessPolicy {
  id: string;
  displayName: string;
  state: PolicyState;
  createdDateTime: string;
  modifiedDateTime: string | null;
  conditions: PolicyConditions;
  grantControls: GrantControls | null;
  sessionControls: SessionControls | null;
}

/** The fields an admin writes. */
export type PolicyInput = Omit<ConditionalAccessPolicy, 'id' | 'createdDateTime' | 'modifiedDateTime'>;

/** The tenant's objects a policy may name: user, group, application (appId) and named location ids. */
export interface PolicyRefs {
  userIds: ReadonlySet<string>;
  groupIds: ReadonlySet<string>;
  appIds: ReadonlySet<string>;
  locationIds: ReadonlySet<string>;
}
