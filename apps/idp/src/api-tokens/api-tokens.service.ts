import { createHash, randomBytes } from 'node:crypto';
import { recordAudit } from '../audit/audit.repository.ts';
import { type Actor, type Deps, newId, nowIso } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { FieldErrors, notFound } from '../errors.ts';
import { findTenant, type Tenant } from '../tenants/tenants.repository.ts';
import { findUserInTenant } from '../users/users.repository.ts';
import {
  type ApiToken,
  findApiToken,
  findApiTokenByHash,
  insertApiToken,
  listApiTokens,
  markApiTokenRevoked,
  markApiTokenUsed,
} from './api-tokens.repository.ts';

/** What an admin can choose as a token's lifetime (Entra's client secrets: 180 days recommended, 2 years at most). */
export const TOKEN_LIFETIMES_DAYS = [7, 30, 90, 180, 365] as const;
export const DEFAULT_LIFETIME_DAYS = 90;

/** Every token starts with this, so that secret scanners and people recognize one. */
export const TOKEN_PREFIX = 'fdt_';
const TOKEN_FORMAT = /^fdt_[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Makes an admin API token for the tenant: 256 random bits, returned once (the portal shows it once);
 * only its SHA-256 is stored. Throws FormErrors on `name` / `lifetimeDays`.
 */
export async function createApiToken(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  input: { name: string; lifetimeDays: number },
): Promise<{ token: ApiToken; secret: string }> {
  const name = input.name.trim();
  return inTransaction(deps.db, async (db) => {
    if (!(await findTenant(db, tenantId))) throw notFound('The tenant');
    const errors = new FieldErrors();
    if (name === '') errors.add('name', 'Enter a name that says what the token is for, e.g. deploy script.');
    else if (name.length > 100) errors.add('name', 'The name can be at most 100 characters.');
    else if ([...name].some((c) => c.charCodeAt(0) < 0x20))
      errors.add('name', 'The name cannot contain control characters.');
    else if (
      (await listApiTokens(db, tenantId)).some(
        (t) => t.revokedAt === null && t.name.toLowerCase() === name.toLowerCase(),
      )
    ) {
      errors.add('name', `A token named ${name} already exists; revoke it or choose another name.`);
    }
    if (!(TOKEN_LIFETIMES_DAYS as readonly number[]).includes(input.lifetimeDays)) {
      errors.add('lifetimeDays', `Choose ${TOKEN_LIFETIMES_DAYS.join(', ')} days.`);
    }
    errors.throwIfAny();
    const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = deps.clock.now();
    const token: ApiToken = {
      id: newId(),
      tenantId,
      name,
      createdById: actor.id,
      createdByName: actor.name,
      createdAt: now.toISOString(),
      lastUsedAt: null,
      expiresAt: new Date(now.getTime() + input.lifetimeDays * 86_400_000).toISOString(),
      revokedAt: null,
    };
    await insertApiToken(db, { ...token, tokenHash: hashToken(secret) });
    await recordAudit(db, actor, token.createdAt, {
      tenantId,
      category: 'TenantManagement',
      activity: 'Add API token',
      targetType: 'ApiToken',
      targetId: token.id,
      targetName: name,
      details: { expiresAt: token.expiresAt },
    });
    return { token, secret };
  });
}

/** Revokes a token: every later call with it gets 401. */
export async function revokeApiToken(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  tokenId: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const token = await findApiToken(db, tenantId, tokenId);
    if (!token || token.revokedAt !== null) throw notFound('The API token');
    const at = nowIso(deps);
    await markApiTokenRevoked(db, token.id, at);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'TenantManagement',
      activity: 'Revoke API token',
      targetType: 'ApiToken',
      targetId: token.id,
      targetName: token.name,
    });
  });
}

export type TokenRefusal = 'malformed' | 'unknown' | 'revoked' | 'expired' | 'creator-not-admin';

/**
 * The tenant and token a presented bearer token stands for, or why it is refused. Records when the
 * token was last used (at most once a minute, to spare the database a write per call).
 */
export async function authenticateApiToken(
  deps: Deps,
  presented: string,
): Promise<{ ok: true; token: ApiToken; tenant: Tenant } | { ok: false; reason: TokenRefusal }> {
  if (!TOKEN_FORMAT.test(presented)) return { ok: false, reason: 'malformed' };
  const hash = hashToken(presented);
  const token = await findApiTokenByHash(deps.db, hash);
  // Looked up by its SHA-256: the lookup's timing can tell nothing about a stored token.
  if (!token) return { ok: false, reason: 'unknown' };
  const now = deps.clock.now();
  if (token.revokedAt !== null) return { ok: false, reason: 'revoked' };
  if (token.expiresAt <= now.toISOString()) return { ok: false, reason: 'expired' };
  const tenant = await findTenant(deps.db, token.tenantId);
  if (!tenant) return { ok: false, reason: 'unknown' };
  // A token acts for the administrator who made it: once they are no longer an administrator of the
  // tenant (role removed, sign-in blocked, account deleted), their tokens stop working too.
  if (token.createdById !== null) {
    const creator = await findUserInTenant(deps.db, tenant.id, token.createdById);
    if (!creator?.isAdmin || !creator.accountEnabled) return { ok: false, reason: 'creator-not-admin' };
  }
  if (!token.lastUsedAt || now.getTime() - new Date(token.lastUsedAt).getTime() >= 60_000) {
    await markApiTokenUsed(deps.db, token.id, now.toISOString());
  }
  return { ok: true, token, tenant };
}

/** The audit actor for calls made with a token: the admin who made it, through the token. */
export function tokenActor(token: ApiToken, correlationId: string): Actor {
  return {
    id: token.createdById,
    name: `${token.createdByName} (API token ${token.name})`,
    correlationId,
  };
}
