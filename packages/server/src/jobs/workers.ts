import type { AppDeps } from '../app.ts';
import type { PgBossJobQueue } from './job-queue.ts';

/**
 * Background work of a server process. Outbox delivery polls every two seconds (claims use SKIP LOCKED, so
 * several processes share the work); the monitoring jobs run on pg-boss.
 */
export async function startWorkers(deps: AppDeps, jobs: PgBossJobQueue): Promise<() => Promise<void>> {
  void jobs;
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
