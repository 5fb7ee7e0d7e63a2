import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import type { Db } from '../db/transaction.ts';
import { forgetSessions, sessionCacheOf } from './session-cache.ts';
import type { Role } from '../db/schema.ts';
import { newSecret, sha256Hex } from './tokens.ts';

export const sessionCookieName = 'keel_session';

export interface Actor {
  userId: string;
  role: Role;
  name: string;
  email: string;
  sessionId: string;
  patientId: string | null;
  mfaEnabled: boolean;
  mfaVerified: boolean;
}

const staffRoles: ReadonlySet<Role> = new Set(['clinician', 'coach', 'admin']);
export const isStaff = (role: Role): boolean => staffRoles.has(role);

export function idleMinutesFor(role: Role, config: Config): number {
  return isStaff(role) ? config.KEEL_STAFF_IDLE_MINUTES : config.KEEL_PATIENT_IDLE_MINUTES;
}

export async function createSession(
  db: Db,
  input: { userId: string; role: Role; mfaVerified: boolean; clientAddress: string | null; now: Date; config: Config },
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const token = newSecret();
  const sessionId = crypto.randomUUID();
  const expiresAt = new Date(input.now.getTime() + input.config.KEEL_SESSION_MAX_HOURS * 3_600_000);
  await db
    .insertInto('auth_sessions')
    .values({
      id: sessionId,
      token_hash: sha256Hex(token),
      user_id: input.userId,
      created_at: input.now,
      last_seen_at: input.now,
      idle_timeout_minutes: idleMinutesFor(input.role, input.config),
      expires_at: expiresAt,
      mfa_verified: input.mfaVerified,
      client_address: input.clientAddress,
    })
    .execute();
  return { token, sessionId, expiresAt };
}

/**
 * Resolves a bearer token to its user. A session past its idle timeout or absolute lifetime is revoked on the
 * spot; a deactivated account has no sessions. A session resolved in the last few seconds is answered from this
 * process's cache (session-cache.ts), with the same checks against `now`.
 */
export async function resolveSession(database: DatabaseHandle, token: string, now: Date): Promise<Actor | null> {
  const cache = sessionCacheOf(database);
  const tokenHash = sha256Hex(token);
  const cached = cache.get(tokenHash);
  if (cached && now.getTime() < cached.expiresAt && now.getTime() < cached.lastSeenAt + cached.idleTimeoutMinutes * 60_000) {
    if (now.getTime() - cached.lastSeenAt > touchEveryMs) {
      await touch(database.db, cached.sessionId, now);
      cache.touched(tokenHash, now.getTime());
    }
    return cached.actor;
  }
  const mark = cache.mark();
  const readAt = performance.now();
  const db = database.db;
  const row = await db
    .selectFrom('auth_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('patients as p', 'p.user_id', 'u.id')
    .select([
      's.id as sessionId',
      's.last_seen_at',
      's.idle_timeout_minutes',
      's.expires_at',
      's.revoked_at',
      's.mfa_verified',
      'u.id as userId',
      'u.role',
      'u.name',
      'u.email',
      'u.status',
      'u.mfa_enabled',
      'p.id as patientId',
    ])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row || row.revoked_at !== null || row.status !== 'active') return null;
  const lastSeenAt = new Date(row.last_seen_at).getTime();
  const expiresAt = new Date(row.expires_at).getTime();
  if (now.getTime() >= expiresAt || now.getTime() >= lastSeenAt + row.idle_timeout_minutes * 60_000) {
    await revokeSession(db, row.sessionId, now);
    return null;
  }
  const touched = now.getTime() - lastSeenAt > touchEveryMs;
  if (touched) await touch(db, row.sessionId, now);
  const actor: Actor = {
    userId: row.userId,
    role: row.role,
    name: row.name,
    email: row.email,
    sessionId: row.sessionId,
    patientId: row.patientId,
    mfaEnabled: row.mfa_enabled,
    mfaVerified: row.mfa_verified,
  };
  cache.put(
    { tokenHash, sessionId: row.sessionId, userId: row.userId, lastSeenAt: touched ? now.getTime() : lastSeenAt, idleTimeoutMinutes: row.idle_timeout_minutes, expiresAt, actor },
    mark,
    readAt,
  );
  return actor;
}

// Touch at most every 15 s: enough precision for minute-scale idle timeouts without a write per request.
const touchEveryMs = 15_000;

async function touch(db: Db, sessionId: string, now: Date): Promise<void> {
  await db.updateTable('auth_sessions').set({ last_seen_at: now }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

export async function revokeSession(db: Db, sessionId: string, now: Date): Promise<void> {
  forgetSessions({ sessionId });
  await db.updateTable('auth_sessions').set({ revoked_at: now }).where('id', '=', sessionId).execute();
}

export async function revokeAllSessions(db: Db, userId: string, now: Date): Promise<number> {
  forgetSessions({ userId });
  const result = await db
    .updateTable('auth_sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
