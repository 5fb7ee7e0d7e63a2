import { z } from 'zod';

/**
 * Keel's whole runtime configuration, parsed once at start-up from the environment. Business code receives the
 * parsed object; nothing else reads `process.env`.
 */
const boolFlag = z.enum(['on', 'off']);

/**
 * Which proxies to believe about the client's address: `off` (the peer is the client), a number of trusted hops in
 * front of Keel (`on` is 1: one TLS-terminating proxy), or a comma-separated list of proxy addresses or CIDR ranges.
 * Only addresses added by trusted proxies are used, so a client cannot put its own value first in X-Forwarded-For.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((value, ctx): false | number | string[] => {
    if (value === 'off' || value === '0') return false;
    if (value === 'on') return 1;
    if (/^\d+$/.test(value)) {
      const hops = Number.parseInt(value, 10);
      if (hops > 10) ctx.addIssue({ code: 'custom', message: 'at most 10 trusted hops' });
      return hops;
    }
    const list = value.split(',').map((s) => s.trim()).filter(Boolean);
    const address = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(\/\d{1,3})?$/;
    const bad = list.filter((a) => !address.test(a) && !['loopback', 'linklocal', 'uniquelocal'].includes(a));
    if (list.length === 0 || bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `must be off, on, a number of hops, or proxy addresses/CIDR ranges (not ${bad.join(', ') || 'empty'})` });
      return z.NEVER;
    }
    return list;
  });

/** `id:secret` pairs; a secret is at least 32 bytes given as 64+ hex digits or 44+ base64 characters. */
const auditKeySecret = z.string().refine((s) => decodeKey(s) !== undefined, 'must be at least 32 bytes, as hex (64+ digits) or base64');
const keyId = z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'must be 1–32 letters, digits, dots, dashes or underscores');

export function decodeKey(secret: string): Buffer | undefined {
  const s = secret.trim();
  const bytes = /^[0-9a-fA-F]+$/.test(s) && s.length % 2 === 0 ? Buffer.from(s, 'hex') : /^[A-Za-z0-9+/_-]+={0,2}$/.test(s) ? Buffer.from(s, 'base64') : undefined;
  return bytes && bytes.length >= 32 ? bytes : undefined;
}

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** The owner's URL: migrations, grants and pg-boss's schema run as this role; DATABASE_URL is the server's role. */
  KEEL_MIGRATION_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /**
   * How DATABASE_URL is pooled: `session` (PostgreSQL itself, or PgBouncer in session mode) or `transaction`
   * (PgBouncer in transaction mode: no named prepared statements; LISTEN and the start-up lock go to
   * KEEL_DIRECT_DATABASE_URL). docs/scaling.md.
   */
  KEEL_DB_POOLING: z.enum(['session', 'transaction']).default('session'),
  /** PostgreSQL reached directly, not through a pooler, as the server's role: LISTEN and session-level locks. */
  KEEL_DIRECT_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /**
   * A streaming replica for the reads that tolerate lag: the panel, timelines, the outcomes report, FHIR reads
   * and search. Safety decisions and reads inside write transactions stay on DATABASE_URL (docs/scaling.md).
   */
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** The most replication lag DATABASE_READ_URL may have; past it, or unreachable, reads go to the primary. */
  KEEL_READ_MAX_LAG_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  KEEL_DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  KEEL_DB_JOBS_POOL_MAX: z.coerce.number().int().min(1).max(50).default(3),
  KEEL_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  KEEL_DATA_DIR: z.string().min(1).default('./.keel/data'),
  KEEL_DEMO: z.enum(['auto', 'on', 'off']).default('auto'),
  KEEL_DEMO_PASSWORD: z.string().min(8).default('keel-demo-2026'),
  KEEL_STAFF_MFA: z.enum(['required', 'optional']).optional(),
  KEEL_PUBLIC_URL: z.string().url().optional(),
  KEEL_TRUST_PROXY: trustProxy.default(false),
  KEEL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KEEL_STAFF_IDLE_MINUTES: z.coerce.number().int().min(1).max(240).default(15),
  KEEL_PATIENT_IDLE_MINUTES: z.coerce.number().int().min(1).max(240).default(30),
  KEEL_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  /** Per-patient submissions (check-ins, messages): a burst, then so many a minute (docs/perf.md). */
  /** How long a resolved session may answer from this process's cache (auth/session-cache.ts); 0 turns it off. */
  KEEL_SESSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  KEEL_PATIENT_SUBMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(20),
  KEEL_PATIENT_SUBMIT_PER_MINUTE: z.coerce.number().min(0.1).max(1_000_000).default(6),
  KEEL_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  KEEL_MAIL_TRANSPORT: z.enum(['console', 'file', 'smtp']).default('console'),
  KEEL_MAIL_FILE: z.string().default('./.keel/outbox.log'),
  KEEL_SMTP_URL: z.string().optional(),
  KEEL_WEBHOOK_URL: z.string().url().optional(),
  KEEL_WEBHOOK_SECRET: z.string().min(16).optional(),
  KEEL_JOBS: boolFlag.default('on'),
  KEEL_WEB_DIST: z.string().optional(),
  /** The audit chain's HMAC key and its id; required in production (see docs/security.md). */
  KEEL_AUDIT_KEY: auditKeySecret.optional(),
  KEEL_AUDIT_KEY_ID: keyId.default('k1'),
  /** Retired keys still needed to verify older rows: `id:secret,id:secret`. */
  KEEL_AUDIT_PREVIOUS_KEYS: z
    .string()
    .refine((s) => s.split(',').every((pair) => keyId.safeParse(pair.split(':')[0]).success && decodeKey(pair.slice(pair.indexOf(':') + 1)) !== undefined), 'must be id:secret pairs separated by commas')
    .optional(),
  /** Where signed checkpoints of the audit chain heads are appended (JSON lines); also posted to the webhook. */
  KEEL_AUDIT_CHECKPOINT_FILE: z.string().min(1).default('./.keel/audit-checkpoints.jsonl'),
  KEEL_AUDIT_CHECKPOINT_CRON: z.string().min(9).default('17 * * * *'),
  /**
   * Months of audit log kept in the live table before a month is detached as `archived_audit_log_YYYY_MM` for export
   * (docs/scaling.md): at least 72, six years (45 CFR 164.316(b)(2)).
   */
  KEEL_RETAIN_AUDIT_MONTHS: z.coerce.number().int().min(72, 'must be at least 72 (six years)').max(1200).default(84),
  /** Months of check-ins and assessments kept live: 0 keeps every month (the default), otherwise at least 72. */
  KEEL_RETAIN_RECORD_MONTHS: z.coerce
    .number()
    .int()
    .max(1200)
    .refine((n) => n === 0 || n >= 72, 'must be 0 (keep every month) or at least 72 (six years)')
    .default(0),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`Keel cannot start: invalid configuration: ${issues.map((i) => `${i.variable} ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; a bad value stops start-up with a message that names the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(configSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message })),
    );
  }
  if (parsed.data.KEEL_DB_POOLING === 'transaction' && (!parsed.data.DATABASE_URL || !parsed.data.KEEL_DIRECT_DATABASE_URL)) {
    throw new ConfigError([
      {
        variable: 'KEEL_DB_POOLING',
        message: 'transaction pooling needs DATABASE_URL (the pooler) and KEEL_DIRECT_DATABASE_URL (PostgreSQL itself, for LISTEN and the start-up lock; docs/scaling.md)',
      },
    ]);
  }
  if (parsed.data.NODE_ENV === 'production' && !parsed.data.KEEL_AUDIT_KEY) {
    throw new ConfigError([{ variable: 'KEEL_AUDIT_KEY', message: 'is required when NODE_ENV=production (see docs/security.md)' }]);
  }
  return parsed.data;
}

/** Demo mode: the embedded database by default, or PostgreSQL when asked; never in production. */
export function demoEnabled(config: Config): boolean {
  if (config.NODE_ENV === 'production') return false;
  if (config.KEEL_DEMO === 'off') return false;
  if (config.KEEL_DEMO === 'on') return true;
  return config.DATABASE_URL === undefined;
}

export function staffMfaRequired(config: Config): boolean {
  if (config.KEEL_STAFF_MFA) return config.KEEL_STAFF_MFA === 'required';
  return !demoEnabled(config);
}
