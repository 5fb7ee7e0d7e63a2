import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { buildApp, type AppDeps, type KeelApp } from './app.ts';
import { systemClock } from './clock.ts';
import { demoEnabled, type Config } from './config.ts';
import { openDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest, migrationsCurrent } from './db/migrate.ts';
import { applyGrants } from './db/roles.ts';
import { applyRetention, maintainTimePartitionsAt } from './db/time-partitions.ts';
import { PgBossJobQueue } from './jobs/job-queue.ts';
import { OutboxNotifier, transportsFromConfig } from './notifications/notifier.ts';
import { seedDemo, demoSignIns } from './demo/seed-demo.ts';
import { startWorkers } from './jobs/workers.ts';
import { auditKeyringFromConfig, useAuditKeys } from './audit/audit-keys.ts';
import { refuseDemoAccountsInProduction } from './use-cases/identity/production-safety.ts';

export const defaultWebDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** The server's database (DATABASE_URL, the least-privileged role) or the embedded one. */
export function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  return config.DATABASE_URL
    ? openDatabase({
        kind: 'postgres',
        url: config.DATABASE_URL,
        poolSize: config.KEEL_DB_POOL_MAX,
        jobsPoolSize: config.KEEL_DB_JOBS_POOL_MAX,
        connectTimeoutMs: config.KEEL_DB_CONNECT_TIMEOUT_MS,
        pooling: config.KEEL_DB_POOLING,
        ...(config.KEEL_DIRECT_DATABASE_URL ? { directUrl: config.KEEL_DIRECT_DATABASE_URL } : {}),
        ...(config.DATABASE_READ_URL ? { readUrl: config.DATABASE_READ_URL, readMaxLagMs: config.KEEL_READ_MAX_LAG_MS } : {}),
      })
    : openDatabase({ kind: 'pglite', dataDir: checkedDataDir(config.KEEL_DATA_DIR) });
}

/**
 * The owner's connection for migrations and grants: KEEL_MIGRATION_DATABASE_URL, else the server's own — reached
 * directly when DATABASE_URL is a transaction pooler, since the start-up lock is held for the session.
 */
export function openOwnerDatabase(config: Config): Promise<DatabaseHandle> {
  const url = config.KEEL_MIGRATION_DATABASE_URL ?? (config.KEEL_DB_POOLING === 'transaction' ? config.KEEL_DIRECT_DATABASE_URL : config.DATABASE_URL);
  return url
    ? openDatabase({ kind: 'postgres', url, poolSize: 2, jobsPoolSize: 1, connectTimeoutMs: config.KEEL_DB_CONNECT_TIMEOUT_MS })
    : openConfiguredDatabase(config);
}

/**
 * The embedded database's directory, checked before PGlite opens it so that a bad one is a sentence rather than
 * an engine error: a symlink is followed to the directory it names, and it must be a readable, writable directory.
 */
export function checkedDataDir(dataDir: string): string {
  const absolute = path.resolve(dataDir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !fs.existsSync(absolute) && isDanglingLink(absolute)) {
      throw new StartupError(`KEEL_DATA_DIR ${absolute} is a symbolic link to a directory that does not exist`);
    }
    if (code === 'ENOENT') return absolute;
    throw new StartupError(`KEEL_DATA_DIR ${absolute} cannot be read (${code ?? 'error'})`);
  }
  if (!stat.isDirectory()) throw new StartupError(`KEEL_DATA_DIR ${absolute} is not a directory`);
  try {
    fs.accessSync(absolute, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
    fs.readdirSync(absolute);
  } catch (error) {
    throw new StartupError(`KEEL_DATA_DIR ${absolute} is not readable and writable by this process (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return fs.realpathSync(absolute);
}

function isDanglingLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A start-up failure whose message is the whole explanation. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** One line that says why, whatever was thrown (an AggregateError from a refused connection has no message). */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map((e) => describeError(e)))].join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const text = error.message.trim() || (typeof code === 'string' ? code : error.name);
    const firstLine = text.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
    return typeof code === 'string' && !firstLine.includes(code) ? `${firstLine} (${code})` : firstLine;
  }
  if (typeof error === 'object' && error !== null) {
    const { message, code, errno } = error as { message?: unknown; code?: unknown; errno?: unknown };
    const parts = [message, code, errno].filter((p) => typeof p === 'string' || typeof p === 'number');
    if (parts.length > 0) return parts.join(' ');
    try {
      return JSON.stringify(error);
    } catch {
      return 'unknown error';
    }
  }
  return String(error);
}

/** The one key every Keel process takes for its start-up work (hashtext is stable across PostgreSQL versions). */
const startupLock = "hashtext('keel:start-up')";

export interface Prepared {
  applied: string[];
  seeded: boolean;
  grants: 'applied' | 'not-permitted' | 'not-owner' | 'embedded';
}

/** True when the connected role owns the schema (or is a member of the role that does); a fresh database counts. */
async function ownsSchema(database: DatabaseHandle): Promise<boolean> {
  const result = await sql<{ owner: boolean | null }>`
    SELECT pg_has_role(current_user, c.relowner, 'USAGE') AS owner FROM pg_class c
    WHERE c.relname = 'keel_migrations' AND c.relnamespace = 'public'::regnamespace`.execute(database.db);
  return result.rows[0]?.owner ?? true;
}

/**
 * Start-up work that must not run in two processes at once — migrations, grants, pg-boss's schema and queues, the
 * demo seed — done as the owner (KEEL_MIGRATION_DATABASE_URL, else DATABASE_URL) under one session-level advisory
 * lock held on a dedicated connection, each step idempotent, so processes started together take turns and the
 * later ones find nothing left to do. The lock is waited for at most `lockTimeoutSeconds` (held longer, another
 * process hung in its start-up). The embedded database is one process per directory (its file lock) and needs no
 * advisory lock; there `owner` is the server's own handle.
 */
export async function prepareDatabase(
  config: Config,
  log: (line: string) => void,
  options: { seedDemo?: boolean; lockTimeoutSeconds?: number; owner?: DatabaseHandle } = {},
): Promise<Prepared> {
  const owner = options.owner ?? (await openOwnerDatabase(config));
  try {
    if (owner.engine !== 'postgres') return await prepareSteps(owner, config, log, options.seedDemo ?? false);
    const lock = await owner.pool.connect();
    try {
      await lock.query(`SET lock_timeout = '${options.lockTimeoutSeconds ?? 120}s'`);
      await lock.query(`SELECT pg_advisory_lock(${startupLock})`);
      try {
        return await prepareSteps(owner, config, log, options.seedDemo ?? false);
      } finally {
        await lock.query(`SELECT pg_advisory_unlock(${startupLock})`).catch(() => undefined);
      }
    } finally {
      lock.release();
    }
  } finally {
    if (!options.owner) await owner.close();
  }
}

async function prepareSteps(owner: DatabaseHandle, config: Config, log: (line: string) => void, seed: boolean): Promise<Prepared> {
  // A server started with only its least-privileged role (the owner ran `keel migrate` before) finds the schema
  // current and changes nothing: no migration, no grant. A role that does not own the schema cannot migrate it.
  const isOwner = owner.engine !== 'postgres' || (await ownsSchema(owner));
  if (!isOwner && !(await migrationsCurrent(owner.db))) {
    throw new StartupError('Database migrations are pending and this role does not own the schema: run `keel migrate` with the owner’s URL (KEEL_MIGRATION_DATABASE_URL)');
  }
  const applied = isOwner ? await migrateToLatest(owner.db) : [];
  if (applied.length > 0) log(`Applied migrations: ${applied.join(', ')}`);
  const install = new PgBossJobQueue(owner.pool, { install: true, supervise: false });
  await install.start();
  await install.stop({ quick: true });
  let grants: Prepared['grants'] = 'embedded';
  if (owner.engine === 'postgres' && isOwner) {
    grants = (await applyGrants(owner.db)) ? 'applied' : 'not-permitted';
    if (grants === 'not-permitted') log('Grants not applied: the migrating role may not create the keel_app role (docs/security.md).');
  } else if (owner.engine === 'postgres') {
    grants = 'not-owner';
  }
  if (isOwner) {
    // A failure here costs a month's partition, not the start: rows wait in the default partition until the next run.
    await applyRetention(owner.db, config);
    const { changes, failed } = await maintainTimePartitionsAt(owner.db, new Date());
    for (const c of changes.filter((x) => x.action === 'detached')) log(`Detached ${c.partition} (past ${c.table}'s retention): export it, then drop it.`);
    for (const c of changes.filter((x) => x.action === 'held')) log(`Kept ${c.partition} past retention: a chain in it continues in a later month (docs/scaling.md).`);
    for (const f of failed) log(`Partition maintenance of ${f.table} did not run (${f.error}); the daily job will try again.`);
  }
  let seeded = false;
  if (seed && demoEnabled(config) && (await databaseIsEmpty(owner))) {
    const jobs = new PgBossJobQueue(owner.pool, { install: false, supervise: false });
    await jobs.start();
    try {
      await seedDemo({ config, database: owner, clock: systemClock, notifier: new OutboxNotifier(transportsFromConfig(config)), jobs }, { password: config.KEEL_DEMO_PASSWORD });
      seeded = true;
    } finally {
      await jobs.stop({ quick: true });
    }
  }
  return { applied, seeded, grants };
}

async function databaseIsEmpty(database: DatabaseHandle): Promise<boolean> {
  const result = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users`.execute(database.db);
  return (result.rows[0]?.n ?? 0) === 0;
}

export interface RunningServer {
  app: KeelApp;
  url: string;
  stop(): Promise<void>;
}

/**
 * Start-up: the keyring, the start-up work under its lock, the server's own pool, jobs, listen; SIGTERM drains and
 * closes. A failure at any step closes whatever was opened (pools, pg-boss's timers, the data directory lock)
 * before it is rethrown, so the process can exit at once and its supervisor restart it.
 */
export async function startServer(config: Config, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<RunningServer> {
  const opened: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of opened.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    const keys = auditKeyringFromConfig(config, (file) => log(`Generated a DEVELOPMENT audit key in ${file} (set KEEL_AUDIT_KEY in production).`));
    useAuditKeys(keys);
    const embedded = config.DATABASE_URL === undefined;
    // The embedded database allows one connection holder per directory: prepare through the server's own handle.
    let prepared: Prepared;
    let database: DatabaseHandle;
    if (embedded) {
      database = await openConfiguredDatabase(config);
      opened.push(() => database.close());
      prepared = await prepareDatabase(config, log, { seedDemo: true, owner: database });
    } else {
      prepared = await prepareDatabase(config, log, { seedDemo: true });
      database = await openConfiguredDatabase(config);
      opened.push(() => database.close());
    }
    await refuseDemoAccountsInProduction(database.db, config);
    const jobs = new PgBossJobQueue(database.jobsPool, { schedule: config.KEEL_JOBS === 'on', install: false });
    await jobs.start();
    opened.push(() => jobs.stop({ quick: true }));
    const notifier = new OutboxNotifier(transportsFromConfig(config));
    const deps: AppDeps = { config, database, clock: systemClock, notifier, jobs, webDist: config.KEEL_WEB_DIST ?? defaultWebDist };
    const stopWorkers = config.KEEL_JOBS === 'on' ? await startWorkers(deps, jobs) : async () => undefined;
    opened.push(stopWorkers);
    const app = await buildApp(deps);
    opened.push(() => app.close());
    const address = await app.listen({ port: config.PORT, host: config.HOST });
    const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
    log(`Keel is running at ${url} (database: ${database.engine === 'pglite' ? `embedded, ${path.resolve(config.KEEL_DATA_DIR)}` : 'PostgreSQL'})`);
    log(`API documentation: ${url}/api/docs`);
    if (demoEnabled(config)) {
      const isDemo = prepared.seeded || (await database.db.selectFrom('users').select('id').where('is_demo', '=', true).executeTakeFirst()) !== undefined;
      if (isDemo) log(demoSignIns(config.KEEL_DEMO_PASSWORD));
    }
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        await app.close();
        await stopWorkers();
        await jobs.stop();
        await database.close();
        opened.length = 0;
      })());
    return { app, url, stop };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
