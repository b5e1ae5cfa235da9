// Sentry's organization roles, with what each may do here.

export const ROLES = ['owner', 'manager', 'admin', 'member', 'billing'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_INFO: Record<Role, { label: string; description: string; rank: number }> = {
  owner: {
    label: 'Owner',
    description: 'Unrestricted access to the organization, its members, auth and billing.',
    rank: 4,
  },
  manager: {
    label: 'Manager',
    description: 'Manages members and the organization’s auth settings.',
    rank: 3,
  },
  admin: { label: 'Admin', description: 'Manages the organization’s projects and teams.', rank: 2 },
  member: { label: 'Member', description: 'Uses the organization’s projects.', rank: 1 },
  billing: { label: 'Billing', description: 'Sees and manages billing only.', rank: 0 },
};

export type Permission = 'members:write' | 'auth:write' | 'audit:read';

const PERMISSIONS: Record<Permission, readonly Role[]> = {
  'members:write': ['owner', 'manager'],
  'auth:write': ['owner', 'manager'],
  'audit:read': ['owner', 'manager'],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return PERMISSIONS[permission].includes(role);
}

/** Sentry's rule: a member may grant only roles at or below their own. */
export function canGrant(actor: Role, target: Role): boolean {
  return ROLE_INFO[target].rank <= ROLE_INFO[actor].rank;
}
