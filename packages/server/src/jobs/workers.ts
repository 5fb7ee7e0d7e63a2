import type { AppDeps } from '../app.ts';
import type { PgBossJobQueue } from './job-queue.ts';
import { monitoringJobs } from './monitoring-jobs.ts';

/**
 * Background work of a server process. Outbox delivery polls every two seconds (claims use SKIP LOCKED, so
 * several processes share the work); the monitoring jobs run on pg-boss, each queue with its cron schedule (pg-boss
 * keeps one schedule per queue however many processes register it) and its one-off jobs (an alert's escalation
 * at its deadline). A handler that throws is retried by pg-boss with backoff.
 */
export async function startWorkers(deps: AppDeps, jobs: PgBossJobQueue): Promise<() => Promise<void>> {
  for (const job of monitoringJobs) {
    await jobs.work(job.queue, async (data) => {
      await job.handler(deps, data, deps.clock.now());
    });
    await jobs.schedule(job.queue, job.cron);
  }
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    deps.notifier
      .deliverPending(deps.database.db, deps.clock.now())
      .catch(() => undefined)
      .finally(() => {
        running = false;
      });
  }, 2_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
  };
}
