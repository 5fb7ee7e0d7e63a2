import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { buildApp, type AppDeps, type KeelApp } from './app.ts';
import { systemClock } from './clock.ts';
import { demoEnabled, type Config } from './config.ts';
import { openDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { PgBossJobQueue } from './jobs/job-queue.ts';
import { OutboxNotifier, transportsFromConfig } from './notifications/notifier.ts';
import { seedDemo, demoSignIns } from './demo/seed-demo.ts';
import { startWorkers } from './jobs/workers.ts';

export const defaultWebDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  return config.DATABASE_URL
    ? openDatabase({ kind: 'postgres', url: config.DATABASE_URL })
    : openDatabase({ kind: 'pglite', dataDir: config.KEEL_DATA_DIR });
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

/** Start-up: open the database, migrate, start jobs, seed the demo when asked, listen; SIGTERM drains and closes. */
export async function startServer(config: Config, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<RunningServer> {
  const database = await openConfiguredDatabase(config);
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) log(`Applied migrations: ${applied.join(', ')}`);
    const jobs = new PgBossJobQueue(database.pool, { schedule: config.KEEL_JOBS === 'on' });
    await jobs.start();
    const notifier = new OutboxNotifier(transportsFromConfig(config));
    const deps: AppDeps = {
      config,
      database,
      clock: systemClock,
      notifier,
      jobs,
      webDist: config.KEEL_WEB_DIST ?? defaultWebDist,
    };
    let seeded = false;
    if (demoEnabled(config) && (await databaseIsEmpty(database))) {
      await seedDemo(deps, { password: config.KEEL_DEMO_PASSWORD });
      seeded = true;
    }
    const stopWorkers = config.KEEL_JOBS === 'on' ? await startWorkers(deps, jobs) : async () => undefined;
    const app = await buildApp(deps);
    const address = await app.listen({ port: config.PORT, host: config.HOST });
    const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
    log(`Keel is running at ${url} (database: ${database.engine === 'pglite' ? `embedded, ${path.resolve(config.KEEL_DATA_DIR)}` : 'PostgreSQL'})`);
    log(`API documentation: ${url}/api/docs`);
    if (demoEnabled(config)) {
      const isDemo = seeded || (await database.db.selectFrom('users').select('id').where('is_demo', '=', true).executeTakeFirst()) !== undefined;
      if (isDemo) log(demoSignIns(config.KEEL_DEMO_PASSWORD));
    }
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        await app.close();
        await stopWorkers();
        await jobs.stop();
        await database.close();
      })());
    return { app, url, stop };
  } catch (error) {
    await database.close();
    throw error;
  }
}
