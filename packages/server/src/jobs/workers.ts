import type { AppDeps } from '../app.ts';
import { systemContext } from '../use-cases/alerts/escalate-alerts.ts';
import { alertOverdueReplies } from '../use-cases/continuity/messaging.ts';
import { sendDueAppointmentReminders } from '../use-cases/continuity/reminders.ts';
import { runBulkExport } from '../use-cases/fhir/bulk-export.ts';
import { sendComplianceNotices } from '../use-cases/compliance/compliance-notices.ts';
import { pruneLiveEvents } from '../use-cases/live/live-events.ts';
import { sendOnCallGapNotices } from '../use-cases/on-call/rota.ts';
import { monitoringJobs, type MonitoringJob } from './monitoring-jobs.ts';
import type { PgBossJobQueue, QueueName } from './job-queue.ts';
import { activeAuditKeys } from '../audit/audit-keys.ts';
import { checkpointSinkFromConfig, exportAuditCheckpoint } from '../audit/audit-checkpoint.ts';
import { maintainTimePartitions } from '../db/time-partitions.ts';
import { refreshStaleOutcomeFacts } from '../use-cases/outcomes/outcome-facts.ts';
import { reportSettings } from '../use-cases/outcomes/outcomes-report.ts';
import { loadProgramSettings } from '../use-cases/settings/program-settings.service.ts';

const sendAppointmentReminders: MonitoringJob = async (deps, _data, now) => {
  await sendDueAppointmentReminders(deps, now);
};

/** Threads whose reply is past the program's reply time → MESSAGE_REPLY_OVERDUE. */
export const alertOverdueRepliesJob: MonitoringJob = (deps, _data, now) => alertOverdueReplies(deps, now, systemContext(now, 'messages.reply-overdue'));

/** The daily prescribing-compliance notices: pathways lapsing (30 and 7 days before) and credentials expiring. */
export const complianceNoticesJob: MonitoringJob = (deps, _data, now) => sendComplianceNotices(deps, now);

/** The daily on-call gap notices: administrators hear of uncovered windows in the next 48 hours. */
export const onCallGapNoticesJob: MonitoringJob = (deps, _data, now) => sendOnCallGapNotices(deps, now);

/** The live board's events older than 24 hours are pruned. */
export const pruneLiveEventsJob: MonitoringJob = (deps, _data, now) => pruneLiveEvents(deps.database.db, now);

/**
 * The monthly partitions (docs/scaling.md): three months ahead created, a default partition's rows moved into their
 * month, months past retention detached. PostgreSQL and the embedded database alike.
 */
export const maintainPartitionsJob: MonitoringJob = async (deps) => {
  const { failed } = await maintainTimePartitions(deps.database.db);
  // Retried by pg-boss with backoff; the tables that did run keep their months.
  if (failed.length > 0) throw new Error(`partition maintenance failed for ${failed.map((f) => `${f.table} (${f.error})`).join(', ')}`);
};

/**
 * The outcomes report's facts taken again (docs/outcomes-report.md, "Performance"): the patients a write marked
 * stale since the last run, then those whose facts expired or were taken under other settings, so that a report
 * reads current facts instead of taking them from the rows inside a request.
 */
export const refreshOutcomeFactsJob: MonitoringJob = async (deps, _data, now) => {
  const settings = await loadProgramSettings(deps.database.db);
  return refreshStaleOutcomeFacts(deps.database.db, reportSettings(settings), now);
};

/**
 * Every scheduled job of the program: the monitoring sweeps, the appointment reminders (24 h and 1 h before),
 * the staff inbox's overdue-reply sweep, the daily compliance notices (13:00 UTC, morning in the US), the daily
 * on-call gap notices (14:00 UTC), the hourly pruning of the live board's events, the daily partition
 * maintenance (03:41 UTC) and the outcomes report's facts refreshed every minute.
 */
export const programJobs: readonly { queue: QueueName; handler: MonitoringJob; cron: string }[] = [
  ...monitoringJobs,
  { queue: 'appointments.remind', handler: sendAppointmentReminders, cron: '*/5 * * * *' },
  { queue: 'messages.reply-overdue', handler: alertOverdueRepliesJob, cron: '* * * * *' },
  { queue: 'compliance.notices', handler: complianceNoticesJob, cron: '0 13 * * *' },
  { queue: 'on-call.gap-notices', handler: onCallGapNoticesJob, cron: '0 14 * * *' },
  { queue: 'live-events.prune', handler: pruneLiveEventsJob, cron: '17 * * * *' },
  { queue: 'partitions.maintain', handler: maintainPartitionsJob, cron: '41 3 * * *' },
  { queue: 'outcomes.refresh-facts', handler: refreshOutcomeFactsJob, cron: '* * * * *' },
];

/**
 * Background work of a server process. Outbox delivery polls every two seconds (claims use SKIP LOCKED, so
 * several processes share the work); the monitoring jobs run on pg-boss, each queue with its cron schedule (pg-boss
 * keeps one schedule per queue however many processes register it) and its one-off jobs (an alert's escalation
 * at its deadline). A handler that throws is retried by pg-boss with backoff.
 */
export async function startWorkers(deps: AppDeps, jobs: PgBossJobQueue): Promise<() => Promise<void>> {
  for (const job of programJobs) {
    await jobs.work(job.queue, async (data) => {
      await job.handler(deps, data, deps.clock.now());
    });
    await jobs.schedule(job.queue, job.cron);
  }
  // Work on request, no schedule: a FHIR bulk export, enqueued by its kick-off.
  await jobs.work('fhir.bulk-export', async (data) => {
    await runBulkExport(deps, data, deps.clock.now());
  });
  // Signed checkpoints of the audit chain heads, exported outside the database (docs/security.md).
  await jobs.work('audit.checkpoint', async () => {
    await exportAuditCheckpoint(deps.database.db, activeAuditKeys(), checkpointSinkFromConfig(deps.config), deps.clock.now());
  });
  await jobs.schedule('audit.checkpoint', deps.config.KEEL_AUDIT_CHECKPOINT_CRON);
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
