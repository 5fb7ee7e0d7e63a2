import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

/** Abuse limits per account and per client address. State lives in the database so every process shares it. */
export const rateLimits = {
  /** Failed sign-ins from one address, whatever the accounts: a spraying address is stopped for the window. */
  loginAddressFailures: { limit: 30, windowSeconds: 15 * 60 },
  signupAddress: { limit: 10, windowSeconds: 60 * 60 },
  signupEmail: { limit: 3, windowSeconds: 60 * 60 },
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
    INSERT INTO rate_limits (key, window_started_at, attempts, last_at) VALUES (${key}, ${now}, 1, ${now})
    ON CONFLICT (key) DO UPDATE SET
      attempts = CASE WHEN rate_limits.window_started_at <= ${windowStart} THEN 1 ELSE rate_limits.attempts + 1 END,
      last_at = ${now},
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

/**
 * A progressive delay: the first `free` failures cost nothing, then each one doubles the wait before the next
 * attempt is heard (1 s, 2 s, 4 s, …) up to `maxSeconds`. Failures older than `windowSeconds` are forgotten.
 */
export interface DelayRule {
  free: number;
  maxSeconds: number;
  windowSeconds: number;
}

export const signInDelays = {
  /** One account from one address: a guesser there slows to one try per 15 minutes. */
  accountFromAddress: { free: 3, maxSeconds: 15 * 60, windowSeconds: 24 * 3600 },
  /**
   * One account from every address together: a spread-out guesser slows to one try per 30 seconds, but the owner
   * is never locked out by strangers — the wait is short, and an address the owner signed in from before skips it.
   */
  account: { free: 5, maxSeconds: 30, windowSeconds: 24 * 3600 },
} satisfies Record<string, DelayRule>;

export function delaySeconds(failures: number, rule: DelayRule): number {
  return failures < rule.free ? 0 : Math.min(rule.maxSeconds, 2 ** (failures - rule.free));
}

/** Seconds still to wait before `key` may try again (0: now), from its failures and the last one's time. */
export async function pendingDelay(db: Kysely<Database>, key: string, rule: DelayRule, now: Date): Promise<number> {
  const row = await db.selectFrom('rate_limits').select(['attempts', 'window_started_at', 'last_at']).where('key', '=', key).executeTakeFirst();
  if (!row?.last_at) return 0;
  if (new Date(row.window_started_at).getTime() + rule.windowSeconds * 1000 <= now.getTime()) return 0;
  const until = new Date(row.last_at).getTime() + delaySeconds(row.attempts, rule) * 1000;
  return Math.max(0, Math.ceil((until - now.getTime()) / 1000));
}
