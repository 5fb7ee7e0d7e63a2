import { z } from 'zod';

/**
 * Keel's whole runtime configuration, parsed once at start-up from the environment. Business code receives the
 * parsed object; nothing else reads `process.env`.
 */
const boolFlag = z.enum(['on', 'off']);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  KEEL_DATA_DIR: z.string().min(1).default('./.keel/data'),
  KEEL_DEMO: z.enum(['auto', 'on', 'off']).default('auto'),
  KEEL_DEMO_PASSWORD: z.string().min(8).default('keel-demo-2026'),
  KEEL_STAFF_MFA: z.enum(['required', 'optional']).optional(),
  KEEL_PUBLIC_URL: z.string().url().optional(),
  KEEL_TRUST_PROXY: boolFlag.default('off'),
  KEEL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KEEL_STAFF_IDLE_MINUTES: z.coerce.number().int().min(1).max(240).default(15),
  KEEL_PATIENT_IDLE_MINUTES: z.coerce.number().int().min(1).max(240).default(30),
  KEEL_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  KEEL_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  KEEL_MAIL_TRANSPORT: z.enum(['console', 'file', 'smtp']).default('console'),
  KEEL_MAIL_FILE: z.string().default('./.keel/outbox.log'),
  KEEL_SMTP_URL: z.string().optional(),
  KEEL_WEBHOOK_URL: z.string().url().optional(),
  KEEL_WEBHOOK_SECRET: z.string().min(16).optional(),
  KEEL_JOBS: boolFlag.default('on'),
  KEEL_WEB_DIST: z.string().optional(),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      'Keel cannot start: invalid configuration\n' +
        issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n'),
    );
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
