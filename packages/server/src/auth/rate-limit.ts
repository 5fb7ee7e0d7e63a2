import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

/** Abuse limits per account and per client address. State lives in the database so every process shares it. */
export const rateLimits = {
  loginAccount: { limit: 5, windowSeconds: 15 * 60 },
  loginAddress: { limit: 30, windowSeconds: 15 * 60 },
  signupAddress: { limit: 10, windowSeconds: 60 * 60 },
  resetAccount: { limit: 3, windowSeconds: 60 * 60 },
  resetAddress: { limit: 20, windowSeconds: 60 * 60 },
  mfaAccount: { limit: 5, windowSeconds: 15 * 60 },
  mfaAddress: { limit: 30, windowSeconds: 15 * 60 },
  signatureAccount: { limit: 5, windowSeconds: 15 * 60 },
} satisfies Record<string, RateLimitRule>;

/**
 * Counts one attempt against `key` in a fixed window and says whether it is within the limit. One atomic upsert:
 * concurrent attempts from several processes all count.
 */
export async function hitRateLimit(
  db: Kysely<Database>,
  key: string,
  rule: RateLimitRule,
  now: Date,
): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const windowStart = new Date(now.getTime() - rule.windowSeconds * 1000);
  const result = await sql<{ attempts: number; window_started_at: Date }>`
    INSERT INTO rate_limits (key, window_started_at, attempts) VALUES (${key}, ${now}, 1)
    ON CONFLICT (key) DO UPDATE SET
      attempts = CASE WHEN rate_limits.window_started_at <= ${windowStart} THEN 1 ELSE rate_limits.attempts + 1 END,
      window_started_at = CASE WHEN rate_limits.window_started_at <= ${windowStart} THEN ${now}
                               ELSE rate_limits.window_started_at END
    RETURNING attempts, window_started_at`.execute(db);
  const row = result.rows[0];
  if (!row) return { allowed: false, retryAfterSeconds: rule.windowSeconds };
  const windowEnds = new Date(row.window_started_at).getTime() + rule.windowSeconds * 1000;
  return {
    allowed: row.attempts <= rule.limit,
    retryAfterSeconds: Math.max(1, Math.ceil((windowEnds - now.getTime()) / 1000)),
  };
}

export async function clearRateLimit(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}

/** Reads the current window for `key` without counting an attempt (for limits that count only failures). */
export async function peekRateLimit(
  db: Kysely<Database>,
  key: string,
  rule: RateLimitRule,
  now: Date,
): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const row = await db.selectFrom('rate_limits').select(['attempts', 'window_started_at']).where('key', '=', key).executeTakeFirst();
  if (!row) return { allowed: true, retryAfterSeconds: 0 };
  const windowEnds = new Date(row.window_started_at).getTime() + rule.windowSeconds * 1000;
  if (windowEnds <= now.getTime()) return { allowed: true, retryAfterSeconds: 0 };
  return { allowed: row.attempts < rule.limit, retryAfterSeconds: Math.max(1, Math.ceil((windowEnds - now.getTime()) / 1000)) };
}
