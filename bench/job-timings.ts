// Times each scheduled job's handler, twice, on a kept bench database (docs/perf.md): on the embedded database a
// job holds every request behind it while it runs. Not part of `npm run bench`:
//   npm run bench -- --engine=pglite --only=ingest --keep      (prints "kept <dir>")
//   npx tsx bench/job-timings.ts <dir | postgres://…/keel_bench_…>
import { openDatabase } from '../packages/server/src/db/database.ts';
import { loadConfig } from '../packages/server/src/config.ts';
import { auditKeyringFromConfig, useAuditKeys } from '../packages/server/src/audit/audit-keys.ts';
import { systemClock } from '../packages/server/src/clock.ts';
import { PgBossJobQueue } from '../packages/server/src/jobs/job-queue.ts';
import { ConsoleTransport, OutboxNotifier } from '../packages/server/src/notifications/notifier.ts';
import { programJobs } from '../packages/server/src/jobs/workers.ts';
const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: npx tsx bench/job-timings.ts <pglite data dir | postgres URL>');
const database = dataDir.startsWith('postgres') ? await openDatabase({ kind: 'postgres', url: dataDir }) : await openDatabase({ kind: 'pglite', dataDir });
const config = loadConfig({ NODE_ENV: 'production', KEEL_DEMO: 'off', KEEL_STAFF_MFA: 'optional', KEEL_LOG_LEVEL: 'silent', KEEL_JOBS: 'off', KEEL_PUBLIC_URL: 'http://127.0.0.1', KEEL_AUDIT_KEY: 'b'.repeat(64) });
useAuditKeys(auditKeyringFromConfig(config));
const jobs = new PgBossJobQueue(database.pool, { install: false, supervise: false });
await jobs.start();
const deps = { config, database, clock: systemClock, notifier: new OutboxNotifier({ email: new ConsoleTransport(() => undefined), webhook: null }), jobs };
for (const job of programJobs) {
  for (const round of [1, 2]) {
    const t0 = performance.now();
    try {
      await job.handler(deps, {}, new Date());
      console.log(`${job.queue} (${job.cron}) run ${round}: ${(performance.now() - t0).toFixed(0)} ms`);
    } catch (e) {
      console.log(`${job.queue} run ${round}: failed ${(e as Error).message.slice(0, 100)}`);
    }
  }
}
await jobs.stop({ quick: true });
await database.close();
