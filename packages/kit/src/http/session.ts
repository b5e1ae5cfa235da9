import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely, Migration } from 'kysely';
import { isBearerRoute } from './route-auth.ts';

/** The sessions table, one per service database. Each app lists this migration among its own. */
export const sessionsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();
  },
};

interface SessionsTable {
  sessions: { id_hash: string; data: string; expires_at: string };
}

export interface SessionOptions {
  /** Says which service set it: `federa_idp_session`, `federa_ws_session`. */
  cookieName: string;
  /** Idle lifetime; every save extends it. */
  maxAgeSeconds: number;
  sameSite: 'lax' | 'strict' | 'none';
  secure: boolean;
  now?: () => Date;
}

export type SessionData = Record<string, unknown>;

/** The session's own key in its data: false for a browser-session cookie (see `Session.persistent`). */
const PERSISTENT = '$persistent';

const hashId = (id: string) => createHash('sha256').update(id).digest('base64url');

/** A browser session stored in the service's database, so that any instance can serve any request. */
export class Session {
  data: SessionData;
  dirty = false;
  destroyed = false;
  /** The raw id (only in the cookie); the database keys the SHA-256 of it. */
  id: string | null;
  /** The key of this session's stored row (the SHA-256 of the id it came with); null for a new one. */
  readonly hash: string | null;
  /** The stored row a new id replaces: this one's, or this browser's earlier session (see `replaces`). */
  replacedHash: string | null;

  constructor(id: string | null, data: SessionData, hash: string | null = id === null ? null : hashId(id)) {
    this.id = id;
    this.hash = hash;
    this.replacedHash = hash;
    this.data = data;
  }

  /**
   * This session, when saved under a new id, takes the place of the stored session keyed `hash`:
   * for a request that arrives without this browser's session cookie (the IdP's cross-site POST to
   * the ACS) but knows, from state this browser bound earlier, which session it had.
   */
  replaces(hash: string | null): void {
    if (hash !== null) this.replacedHash = hash;
  }

  get<T>(key: string): T | undefined {
    return this.data[key] as T | undefined;
  }

  set(key: string, value: unknown): void {
    if (value === undefined) delete this.data[key];
    else this.data[key] = value;
    this.dirty = true;
  }

  /** A new id for the same data: call at every privilege change (sign-in) against fixation. */
  regenerate(): void {
    this.id = null;
    this.dirty = true;
  }

  /**
   * Whether the cookie outlives the browser (Max-Age of the session lifetime, the default) or is a
   * browser-session cookie (no Max-Age: gone when the browser closes). Kept with the session's data.
   */
  get persistent(): boolean {
    return this.data[PERSISTENT] !== false;
  }

  setPersistent(persistent: boolean): void {
    if (persistent === this.persistent) return;
    this.set(PERSISTENT, persistent ? undefined : false);
  }

  /** Forget everything (sign-out). */
  destroy(): void {
    this.data = {};
    this.destroyed = true;
    this.dirty = true;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    sessionPromise: Promise<Session> | null;
  }
}

/**
 * Registers DB-backed sessions: `await getSession(request)` loads (once per request) and any change
 * is written before the reply is sent, with the cookie (HttpOnly, path /, SameSite as configured).
 */
export function registerSessions(app: FastifyInstance, db: Kysely<unknown>, options: SessionOptions): void {
  const sessions = db as unknown as Kysely<SessionsTable>;
  const now = options.now ?? (() => new Date());
  app.decorateRequest('sessionPromise', null);
  app.decorate('loadSession', async (request: FastifyRequest): Promise<Session> => {
    const id = request.cookies[options.cookieName];
    if (id && /^[A-Za-z0-9_-]{43}$/.test(id)) {
      const hash = hashId(id);
      const row = await sessions
        .selectFrom('sessions')
        .select(['data', 'expires_at'])
        .where('id_hash', '=', hash)
        .executeTakeFirst();
      if (row && row.expires_at > now().toISOString()) return new Session(id, JSON.parse(row.data), hash);
    }
    return new Session(null, {});
  });
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    if (!request.sessionPromise) return payload;
    const session = await request.sessionPromise;
    if (!session.dirty) return payload;
    const cookie = { path: '/', httpOnly: true, sameSite: options.sameSite, secure: options.secure } as const;
    if (session.destroyed) {
      if (session.replacedHash) {
        await sessions.deleteFrom('sessions').where('id_hash', '=', session.replacedHash).execute();
      }
      reply.clearCookie(options.cookieName, cookie);
      return payload;
    }
    const expiresAt = new Date(now().getTime() + options.maxAgeSeconds * 1000).toISOString();
    const data = JSON.stringify(session.data);
    if (session.id === null) {
      // A new id (sign-in, against fixation): the row of the session it replaces is re-keyed in the
      // same statement, so that no row of the old id is left; a session new to this browser is inserted.
      session.id = randomBytes(32).toString('base64url');
      const row = { id_hash: hashId(session.id), data, expires_at: expiresAt };
      const replaced = session.replacedHash
        ? await sessions
            .updateTable('sessions')
            .set(row)
            .where('id_hash', '=', session.replacedHash)
            .executeTakeFirst()
        : null;
      if (Number(replaced?.numUpdatedRows ?? 0) === 0)
        await sessions.insertInto('sessions').values(row).execute();
    } else {
      await sessions
        .updateTable('sessions')
        .set({ data, expires_at: expiresAt })
        .where('id_hash', '=', hashId(session.id))
        .execute();
    }
    reply.setCookie(
      options.cookieName,
      session.id,
      session.persistent ? { ...cookie, maxAge: options.maxAgeSeconds } : cookie,
    );
    return payload;
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    loadSession(request: FastifyRequest): Promise<Session>;
  }
}

/**
 * This request's session, loaded once. Throws on a route declared bearer-authenticated: such a route
 * is authorized by its token alone, and its CSRF check is skipped, so a cookie must count for nothing.
 */
export function getSession(request: FastifyRequest): Promise<Session> {
  if (isBearerRoute(request)) {
    throw new Error(
      `${request.method} ${request.routeOptions.url} is bearer-authenticated and reads no session`,
    );
  }
  request.sessionPromise ??= request.server.loadSession(request);
  return request.sessionPromise;
}

/** Deletes expired sessions; services call it on a timer. */
export async function deleteExpiredSessions(db: Kysely<unknown>, now: Date): Promise<number> {
  const result = await (db as unknown as Kysely<SessionsTable>)
    .deleteFrom('sessions')
    .where('expires_at', '<=', now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
