import type { FastifyRequest } from 'fastify';
import { AppError } from './problem.ts';

/**
 * How fast one patient's record can be written to by check-ins and messages (docs/perf.md): a token bucket per patient
 * and kind, `burst` submissions at once and then `perMinute` a minute. The defaults (a burst of 20, then 6 a minute)
 * never stop a patient's day — one check-in, a few messages, a retry or two on a poor connection — but stop a
 * runaway client from piling thousands of rows onto one patient, whose every later check-in reads them.
 *
 * The buckets live in the process: with several `keel serve` processes behind a balancer one patient may reach that
 * many times the rate. That bounds the per-patient work, which is the point; it costs no round trip.
 */
export type SubmissionKind = 'checkin' | 'message';

interface Bucket {
  tokens: number;
  atMs: number;
}

export class SubmissionLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly burst: number,
    readonly perMinute: number,
  ) {}

  /** Takes one submission for `key` at `nowMs`: allowed, or the whole seconds until one token is back. */
  take(key: string, nowMs: number): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const refillPerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(key);
    const tokens = bucket ? Math.min(this.burst, bucket.tokens + Math.max(0, nowMs - bucket.atMs) * refillPerMs) : this.burst;
    if (tokens < 1) {
      this.buckets.set(key, { tokens, atMs: nowMs });
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / refillPerMs / 1000)) };
    }
    this.buckets.set(key, { tokens: tokens - 1, atMs: nowMs });
    if (this.buckets.size > 100_000) this.prune(nowMs);
    return { allowed: true };
  }

  /** Forgets the buckets that have filled up again (they hold nothing a fresh bucket would not). */
  private prune(nowMs: number): void {
    const refillPerMs = this.perMinute / 60_000;
    for (const [key, b] of this.buckets) {
      if (b.tokens + (nowMs - b.atMs) * refillPerMs >= this.burst) this.buckets.delete(key);
    }
  }
}

const limiters = new WeakMap<object, SubmissionLimiter>();

/** Throws RATE_LIMITED (429 with Retry-After) when this patient's submissions of `kind` are over the limit. */
export function enforceSubmissionLimit(request: FastifyRequest, kind: SubmissionKind, patientId: string): void {
  const { config, clock } = request.server.deps;
  let limiter = limiters.get(request.server.deps);
  if (!limiter) {
    limiter = new SubmissionLimiter(config.KEEL_PATIENT_SUBMIT_BURST, config.KEEL_PATIENT_SUBMIT_PER_MINUTE);
    limiters.set(request.server.deps, limiter);
  }
  const result = limiter.take(`${kind}:${patientId}`, clock.now().getTime());
  if (!result.allowed) {
    const what = kind === 'checkin' ? 'check-ins' : 'messages';
    throw new AppError('RATE_LIMITED', `Too many ${what} for this patient in a short time. Wait ${result.retryAfterSeconds} second${result.retryAfterSeconds === 1 ? '' : 's'} and try again.`, undefined, {
      retryAfterSeconds: result.retryAfterSeconds,
    });
  }
}
