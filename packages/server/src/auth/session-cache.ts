// Sessions this process resolved recently, so that a request does not read its session row every time
// (docs/perf.md, docs/security.md "Sessions"). An entry holds the row as read (the user's role, status and MFA state
// with the session's times) and is used only:
//   - for at most `ttlMs` of real time after it was read (KEEL_SESSION_CACHE_SECONDS, 30 by default);
//   - while nothing has invalidated it: this process forgets a session or a user the moment it revokes, deletes or
//     changes them (session.service.ts, mfa.ts), and other processes hear of it through `keel_auth` notices, sent by
//     triggers on `auth_sessions` and `users` at commit (migrations/0020-session-notices.ts);
//   - while those notices can arrive: on PostgreSQL the cache is used only while this process's listening connection
//     is up (another process may be revoking); the embedded database has no other process.
// The idle timeout, the absolute lifetime and the last-seen touch are checked against the request's clock on every
// use, as for a row just read; anything in doubt goes back to the database.
import type { DatabaseHandle } from '../db/database.ts';
import type { Actor } from './session.service.ts';

export interface CachedSession {
  tokenHash: string;
  sessionId: string;
  userId: string;
  lastSeenAt: number;
  idleTimeoutMinutes: number;
  expiresAt: number;
  actor: Actor;
}

const maxEntries = 10_000;
const defaultTtlMs = 30_000;

class SessionCache {
  private readonly entries = new Map<string, { session: CachedSession; readAt: number }>();
  /** Bumped by every invalidation: a read that started before one does not fill the cache. */
  private generation = 0;
  /** Whether entries may be used (PostgreSQL: only while the notices can arrive). */
  enabled: boolean;

  constructor(
    enabled: boolean,
    /** Real time an entry may answer for (KEEL_SESSION_CACHE_SECONDS); 0: never. */
    public ttlMs: number,
  ) {
    this.enabled = enabled;
  }

  get(tokenHash: string): CachedSession | undefined {
    if (!this.enabled) return undefined;
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (performance.now() - entry.readAt >= this.ttlMs) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry.session;
  }

  /** A mark taken before reading the row; `put` with it is ignored if anything was invalidated since. */
  mark(): number {
    return this.generation;
  }

  put(session: CachedSession, mark: number, readAt: number): void {
    if (!this.enabled || mark !== this.generation) return;
    if (this.entries.size >= maxEntries) {
      // Oldest first: a Map iterates in insertion order.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(session.tokenHash, { session, readAt });
  }

  touched(tokenHash: string, lastSeenAt: number): void {
    const entry = this.entries.get(tokenHash);
    if (entry) entry.session = { ...entry.session, lastSeenAt };
  }

  forget(match: { sessionId?: string; userId?: string }): void {
    this.generation += 1;
    for (const [key, { session }] of this.entries) {
      if (session.sessionId === match.sessionId || session.userId === match.userId) this.entries.delete(key);
    }
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }
}

// One cache per database a process holds (a test run holds many). Invalidations by session or user id apply to every
// cache: ids are random UUIDs, so forgetting one in a database that never had it does nothing.
const caches = new WeakMap<object, SessionCache>();
const all = new Set<WeakRef<SessionCache>>();

export function sessionCacheOf(database: Pick<DatabaseHandle, 'engine'>): SessionCache {
  let cache = caches.get(database);
  if (!cache) {
    cache = new SessionCache(database.engine === 'pglite', defaultTtlMs);
    caches.set(database, cache);
    all.add(new WeakRef(cache));
  }
  return cache;
}

/** This process revoked, deleted or changed sessions or an account: no cache may answer for them any more. */
export function forgetSessions(match: { sessionId: string } | { userId: string }): void {
  for (const ref of all) {
    const cache = ref.deref();
    if (cache) cache.forget(match);
    else all.delete(ref);
  }
}

/**
 * PostgreSQL: listen for `keel_auth` notices (`session:<id>` or `user:<id>`) and use the cache only while listening.
 * Resolves to a function that stops listening. Without a listener (the embedded database) it does nothing.
 */
export async function listenForSessionChanges(database: DatabaseHandle, retryMs = 5_000): Promise<() => Promise<void>> {
  const cache = sessionCacheOf(database);
  if (!database.listen) return async () => undefined;
  const listen = database.listen;
  let stopped = false;
  let unlisten: (() => Promise<void>) | null = null;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    if (stopped) return;
    try {
      unlisten = await listen(
        'keel_auth',
        (payload) => {
          const [kind, id] = payload.split(':');
          if (kind === 'session' && id) forgetSessions({ sessionId: id });
          else if (kind === 'user' && id) forgetSessions({ userId: id });
          else cache.clear();
        },
        () => {
          // Notices sent while the connection is down are lost: stop trusting the cache until it is back.
          cache.enabled = false;
          cache.clear();
          unlisten = null;
          schedule();
        },
      );
      if (stopped) {
        await unlisten();
        return;
      }
      cache.clear();
      cache.enabled = true;
    } catch {
      schedule();
    }
  };
  const schedule = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, retryMs);
    retry.unref();
  };
  await connect();
  return async () => {
    stopped = true;
    cache.enabled = false;
    cache.clear();
    if (retry) clearTimeout(retry);
    if (unlisten) await unlisten();
  };
}
