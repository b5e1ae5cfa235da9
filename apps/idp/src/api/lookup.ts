import {
  type Application,
  findApplication,
  findApplicationByAppId,
} from '../applications/applications.repository.ts';
import type { Db } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import { findGroup, type Group, listGroups } from '../groups/groups.repository.ts';
import { isGuid } from '../tenants/tenants.repository.ts';
import { findUserByUpn, findUserInTenant, type User } from '../users/users.repository.ts';

// How the API names things: users by object id or user principal name (as Graph does), applications
// by object id or application (client) id, groups by object id or their (unique) display name.
// Everything is looked up within the caller's tenant only.

export async function findUserRef(db: Db, tenantId: string, ref: string): Promise<User | null> {
  if (ref.includes('@')) {
    const user = await findUserByUpn(db, ref);
    return user && user.tenantId === tenantId ? user : null;
  }
  return isGuid(ref) ? findUserInTenant(db, tenantId, ref.toLowerCase()) : null;
}

export async function requireUser(db: Db, tenantId: string, ref: string): Promise<User> {
  const user = await findUserRef(db, tenantId, ref);
  if (!user) throw notFound('The user');
  return user;
}

export async function findApplicationRef(db: Db, tenantId: string, ref: string): Promise<Application | null> {
  if (!isGuid(ref)) return null;
  const id = ref.toLowerCase();
  return (await findApplication(db, tenantId, id)) ?? (await findApplicationByAppId(db, tenantId, id));
}

export async function requireApplicationRef(db: Db, tenantId: string, ref: string): Promise<Application> {
  const app = await findApplicationRef(db, tenantId, ref);
  if (!app) throw notFound('The application');
  return app;
}

export async function findGroupRef(db: Db, tenantId: string, ref: string): Promise<Group | null> {
  if (isGuid(ref)) return findGroup(db, tenantId, ref.toLowerCase());
  const name = ref.trim().toLowerCase();
  return (await listGroups(db, tenantId)).find((g) => g.displayName.toLowerCase() === name) ?? null;
}

export async function requireGroup(db: Db, tenantId: string, ref: string): Promise<Group> {
  const group = await findGroupRef(db, tenantId, ref);
  if (!group) throw notFound('The group');
  return group;
}
