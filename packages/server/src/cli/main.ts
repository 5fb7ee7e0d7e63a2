import { parseArgs } from 'node:util';
import fs from 'node:fs';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { DataDirLockedError } from '../db/data-dir-lock.ts';

// The server, the database and the use-cases are imported by the command that needs them, so `keel --help`, a
// usage error or a bad setting answers at once instead of after loading the whole server.
const runtime = () => import('../runtime.ts');
const migrations = () => import('../db/migrate.ts');
const auditLog = () => import('../audit/audit-log.ts');
const jobQueue = () => import('../jobs/job-queue.ts');
const notifier = () => import('../notifications/notifier.ts');

class UsageError extends Error {}

interface Command {
  summary: string;
  usage: string;
  options: Record<string, { type: 'string' | 'boolean'; short?: string; description: string }>;
  run(values: Record<string, string | boolean | undefined>, config: () => Config): Promise<number>;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** The configuration, with this process's audit keyring set (every command that writes or verifies audit rows). */
async function withAuditKeys(config: Config): Promise<Config> {
  const { auditKeyringFromConfig, useAuditKeys } = await import('../audit/audit-keys.ts');
  useAuditKeys(auditKeyringFromConfig(config, (file) => out(`Generated a DEVELOPMENT audit key in ${file} (set KEEL_AUDIT_KEY in production).`)));
  return config;
}

const commands: Record<string, Command> = {
  serve: {
    summary: 'Run the API and web app (migrates first; seeds the demo program on an empty embedded database)',
    usage: 'keel serve',
    options: {},
    async run(_values, config) {
      const { describeError, startServer } = await runtime();
      const server = await startServer(config());
      // A failure after start-up that nothing handled: say why on one line and exit, so a supervisor restarts us.
      process.on('uncaughtException', (error) => {
        err(`keel serve stopped: ${describeError(error)}`);
        process.exit(70);
      });
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          out(`Received ${signal}: finishing requests in flight, then closing the database.`);
          server.stop().then(resolve, (error: unknown) => {
            err(`Shutdown failed: ${(error as Error).message}`);
            resolve();
          });
        };
        process.once('SIGTERM', () => shutdown('SIGTERM'));
        process.once('SIGINT', () => shutdown('SIGINT'));
      });
      return 0;
    },
  },
  migrate: {
    summary: 'Apply pending database migrations (forward-only)',
    usage: 'keel migrate',
    options: {},
    async run(_values, config) {
      // As the owner (KEEL_MIGRATION_DATABASE_URL, else DATABASE_URL), under the start-up lock: migrations,
      // pg-boss's schema and queues, and the server role's grants (docs/security.md).
      const { prepareDatabase } = await runtime();
      const prepared = await prepareDatabase(config(), () => undefined);
      out(prepared.applied.length ? `Applied: ${prepared.applied.join(', ')}` : 'The database is up to date.');
      if (prepared.grants === 'applied') out('Granted the keel_app role its privileges (audit log: SELECT and INSERT only).');
      if (prepared.grants === 'not-permitted') out('Grants not applied: this role may not create the keel_app role (docs/security.md).');
      return 0;
    },
  },
  'seed-demo': {
    summary: 'Seed the clearly marked demo program into an empty database',
    usage: 'keel seed-demo',
    options: {},
    async run(_values, config) {
      const cfg = await withAuditKeys(config());
      if (cfg.NODE_ENV === 'production') throw new UsageError('The demo program is never seeded when NODE_ENV=production.');
      const [{ openConfiguredDatabase }, { migrateToLatest }, { PgBossJobQueue }, { OutboxNotifier, transportsFromConfig }, { seedDemo, demoSignIns }, { systemClock }] =
        await Promise.all([runtime(), migrations(), jobQueue(), notifier(), import('../demo/seed-demo.ts'), import('../clock.ts')]);
      const database = await openConfiguredDatabase(cfg);
      try {
        await migrateToLatest(database.db);
        const existing = await database.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
        if (existing) throw new UsageError('The database already has accounts; the demo is seeded only into an empty one.');
        const jobs = new PgBossJobQueue(database.pool);
        await jobs.start();
        await seedDemo({ config: cfg, database, clock: systemClock, notifier: new OutboxNotifier(transportsFromConfig(cfg)), jobs }, { password: cfg.KEEL_DEMO_PASSWORD });
        await jobs.stop();
        out(demoSignIns(cfg.KEEL_DEMO_PASSWORD));
        return 0;
      } finally {
        await database.close();
      }
    },
  },
  'create-user': {
    summary: 'Create a staff or sitter account and print its invitation link',
    usage: 'keel create-user --role <admin|clinician|coach|sitter> --email <address> [--name "Full Name"] [--state-licenses CA,NY]',
    options: {
      role: { type: 'string', description: 'admin, clinician, coach or sitter' },
      email: { type: 'string', description: 'the person’s email address' },
      name: { type: 'string', description: 'the printed name (defaults to the email’s local part)' },
      'state-licenses': { type: 'string', description: 'comma-separated state codes (clinicians)' },
    },
    async run(values, config) {
      const role = values['role'];
      const email = values['email'];
      if (typeof role !== 'string' || !['admin', 'clinician', 'coach', 'sitter'].includes(role)) {
        throw new UsageError('--role must be one of admin, clinician, coach, sitter');
      }
      if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new UsageError('--email must be an email address');
      const licenses = typeof values['state-licenses'] === 'string' ? values['state-licenses'].split(',').map((s) => s.trim().toUpperCase()) : [];
      if (licenses.some((s) => !/^[A-Z]{2}$/.test(s))) throw new UsageError('--state-licenses must be two-letter state codes separated by commas');
      const cfg = await withAuditKeys(config());
      const [{ openConfiguredDatabase }, { migrateToLatest }, { PgBossJobQueue }, { OutboxNotifier, transportsFromConfig }, { createInvitedUser }, { systemClock }] =
        await Promise.all([runtime(), migrations(), jobQueue(), notifier(), import('../use-cases/identity/accounts.ts'), import('../clock.ts')]);
      const database = await openConfiguredDatabase(cfg);
      try {
        await migrateToLatest(database.db);
        const jobs = new PgBossJobQueue(database.pool);
        const deps = { config: cfg, database, clock: systemClock, notifier: new OutboxNotifier(transportsFromConfig(cfg)), jobs };
        const result = await createInvitedUser(
          { deps, ctx: { actorId: null, actorRole: 'cli', requestId: null, clientAddress: 'cli', now: systemClock.now() } },
          { email: email.toLowerCase(), name: typeof values['name'] === 'string' ? values['name'] : email.split('@')[0] ?? email, role: role as 'admin', stateLicenses: licenses },
        );
        await deps.notifier.deliverPending(database.db, systemClock.now());
        out(`Created ${role} ${email}. The invitation link (valid until ${result.expiresAt.toISOString()}):\n${result.invitationUrl}`);
        return 0;
      } finally {
        await database.close();
      }
    },
  },
  'audit-verify': {
    summary: 'Verify the audit log’s keyed chains, optionally against exported signed checkpoints (also: keel audit verify)',
    usage: 'keel audit verify [--checkpoints <file>]',
    options: { checkpoints: { type: 'string', description: 'a file of signed checkpoints (KEEL_AUDIT_CHECKPOINT_FILE) to check the chains against' } },
    async run(values, config) {
      const cfg = await withAuditKeys(config());
      const [{ openConfiguredDatabase }, { verifyAuditChain }, { auditKeyringFromConfig }, { readCheckpoints }] = await Promise.all([
        runtime(),
        auditLog(),
        import('../audit/audit-keys.ts'),
        import('../audit/audit-checkpoint.ts'),
      ]);
      const keys = auditKeyringFromConfig(cfg);
      const file = values['checkpoints'];
      const checkpoints = typeof file === 'string' ? readCheckpoints(keys, file) : undefined;
      const database = await openConfiguredDatabase(cfg);
      try {
        const result = await verifyAuditChain(database.db, { keys, ...(checkpoints ? { checkpoints } : {}) });
        if (result.breaks.length === 0) {
          const against = checkpoints ? `, against ${checkpoints.size} checkpointed chain head(s)` : '';
          out(`Audit log intact: ${result.rows} rows in ${result.chains} chains verified${against}.`);
          return 0;
        }
        err(`Audit log TAMPERED: ${result.breaks.length} break(s).`);
        for (const b of result.breaks.slice(0, 50)) err(`  chain ${b.chainKey} seq ${b.seq} (row ${b.id}): ${b.problem}`);
        return 2;
      } finally {
        await database.close();
      }
    },
  },
  'audit-checkpoint': {
    summary: 'Export a signed checkpoint of the audit chain heads now (also: keel audit checkpoint; a job does it on a schedule)',
    usage: 'keel audit checkpoint',
    options: {},
    async run(_values, config) {
      const cfg = await withAuditKeys(config());
      const [{ openConfiguredDatabase }, { auditKeyringFromConfig }, { checkpointSinkFromConfig, exportAuditCheckpoint }, { systemClock }] = await Promise.all([
        runtime(),
        import('../audit/audit-keys.ts'),
        import('../audit/audit-checkpoint.ts'),
        import('../clock.ts'),
      ]);
      const database = await openConfiguredDatabase(cfg);
      try {
        const n = await exportAuditCheckpoint(database.db, auditKeyringFromConfig(cfg), checkpointSinkFromConfig(cfg), systemClock.now());
        out(n > 0 ? `Exported a checkpoint of ${n} chain head(s) to ${cfg.KEEL_AUDIT_CHECKPOINT_FILE}.` : 'No chain moved since the last checkpoint.');
        return 0;
      } finally {
        await database.close();
      }
    },
  },
  'deactivate-demo': {
    summary: 'Deactivate every demo account (production refuses to start while one can sign in)',
    usage: 'keel deactivate-demo',
    options: {},
    async run(_values, config) {
      const cfg = await withAuditKeys(config());
      const [{ openConfiguredDatabase }, { deactivateDemoAccounts }, { systemClock }] = await Promise.all([
        runtime(),
        import('../use-cases/identity/production-safety.ts'),
        import('../clock.ts'),
      ]);
      const database = await openConfiguredDatabase(cfg);
      try {
        const n = await deactivateDemoAccounts(database.db, systemClock.now());
        out(`Deactivated ${n} demo account(s).`);
        return 0;
      } finally {
        await database.close();
      }
    },
  },
  'schema-snapshot': {
    summary: 'Write the schema snapshot (packages/server/src/db/schema.snapshot.sql) from a fresh in-memory database',
    usage: 'keel schema-snapshot [--check]',
    options: { check: { type: 'boolean', description: 'exit non-zero if the checked-in snapshot differs' } },
    async run(values) {
      const [{ openDatabase }, { migrateToLatest }, { applyGrants }, { schemaSnapshot }] = await Promise.all([
        import('../db/database.ts'),
        migrations(),
        import('../db/roles.ts'),
        import('../db/schema-snapshot.ts'),
      ]);
      const database = await openDatabase({ kind: 'pglite-memory' });
      try {
        await migrateToLatest(database.db);
        // The grants the server's start-up applies are part of the picture.
        await applyGrants(database.db);
        const snapshot = await schemaSnapshot(database.db);
        const file = new URL('../db/schema.snapshot.sql', import.meta.url);
        if (values['check']) {
          const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
          if (current !== snapshot) {
            err('The schema snapshot is out of date: run `npm run schema:snapshot` and commit it.');
            return 1;
          }
          out('The schema snapshot is current.');
          return 0;
        }
        fs.writeFileSync(file, snapshot);
        out(`Wrote ${file.pathname}`);
        return 0;
      } finally {
        await database.close();
      }
    },
  },
};

function helpText(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    'keel — run and administer a Keel program',
    '',
    'Usage: keel <command> [options]     (keel <command> --help for details)',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Configuration comes from environment variables; see the README.',
  ].join('\n');
}

function commandHelp(name: string, command: Command): string {
  const lines = [`keel ${name} — ${command.summary}`, '', `Usage: ${command.usage}`];
  const options = Object.entries(command.options);
  if (options.length) {
    lines.push('', 'Options:');
    for (const [opt, o] of options) lines.push(`  --${opt}${o.type === 'string' ? ' <value>' : ''}  ${o.description}`);
  }
  lines.push('  --help  show this help');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  let [name, ...rest] = argv;
  if (name === 'audit' && (rest[0] === 'verify' || rest[0] === 'checkpoint')) {
    name = `audit-${rest[0]}`;
    rest = rest.slice(1);
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(helpText());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    err(`Unknown command "${name}".\n\n${helpText()}`);
    return 64;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...Object.fromEntries(Object.entries(command.options).map(([k, o]) => [k, { type: o.type }])), help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    values = parsed.values;
  } catch (error) {
    err(`${(error as Error).message}\n\n${commandHelp(name, command)}`);
    return 64;
  }
  if (values['help']) {
    out(commandHelp(name, command));
    return 0;
  }
  try {
    return await command.run(values, () => loadConfig());
  } catch (error) {
    if (error instanceof UsageError) {
      err(`${error.message}\n\n${commandHelp(name, command)}`);
      return 64;
    }
    if (error instanceof ConfigError || error instanceof DataDirLockedError) {
      err(error.message);
      return 78;
    }
    // A command fails here only after it loaded what it runs, so these imports are already in memory.
    const [{ StartupError, describeError }, { DemoAccountsInProductionError }, { AppError }] = await Promise.all([
      runtime(),
      import('../use-cases/identity/production-safety.ts'),
      import('../http/problem.ts'),
    ]);
    if (error instanceof StartupError || error instanceof DemoAccountsInProductionError) {
      err(`keel ${name} failed: ${error.message}`);
      return 78;
    }
    if (error instanceof AppError) {
      err(error.detail);
      return 1;
    }
    err(`keel ${name} failed: ${describeError(error)}`);
    return 1;
  }
}
