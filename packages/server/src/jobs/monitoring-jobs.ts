import { sql } from 'kysely';
import { alertsForEvent } from '@keel/domain';
import { writeAudit } from '../audit/audit-log.ts';
import { inTransaction } from '../db/transaction.ts';
import { escalateAlerts, systemContext } from '../use-cases/alerts/escalate-alerts.ts';
import { raiseAlerts } from '../use-cases/alerts/raise-alerts.ts';
import { recordLiveEvent } from '../use-cases/live/live-events.ts';
import { publicBaseUrl, type UseCaseDeps } from '../use-cases/deps.ts';
import { evaluateAndRecordRisk } from '../use-cases/monitoring/risk-evaluation.ts';
import { dueFromFacts, scheduleFactColumns } from '../use-cases/monitoring/schedule.ts';
import { loadProgramSettings } from '../use-cases/settings/program-settings.service.ts';
import { expireAuthorizationsJob } from '../use-cases/treatment/session-transitions.ts';
import type { QueueName } from './job-queue.ts';

// The monitoring jobs, each a plain `(deps, data, now)` function: the worker calls it with the clock's time, and
// tests call it directly with a moved clock, so nothing waits on polling. Every handler is idempotent: a state
// change is a conditional UPDATE, an alert is deduplicated by (patient, code, cause), and a notice by its cause in
// the outbox, so a job that runs twice (at-least-once delivery, two processes) has the effect of one run.

export type JobData = Record<string, unknown>;
export type MonitoringJob = (deps: UseCaseDeps, data: JobData, now: Date) => Promise<unknown>;

/** Patients the sweeps look after: approved for the program and not discharged. */
const inCare = ['approved', 'active'] as const;
const BATCH = 500;

/**
 * A scheduled session this long past its time without being authorized is recorded as missed. Operational, not
 * clinical (the gate decides whether a dose may be taken); a job option for the clinic to tune.
 */
export const missedSessionGraceHours = 24;

/** Local hour after which an induction patient without today's check-in gets a reminder. A product choice. */
export const checkInReminderLocalHour = 18;

/** Due and overdue assessments → one reminder per item and due time (the outbox dedups by cause). */
export const remindDueAssessments: MonitoringJob = async (deps, _data, now) => {
  const settings = await loadProgramSettings(deps.database.db);
  let after = '00000000-0000-0000-0000-000000000000';
  let reminded = 0;
  for (;;) {
    const rows = await deps.database.db
      .selectFrom('patients as p')
      .innerJoin('users as u', 'u.id', 'p.user_id')
      .select((eb) => ['p.id', 'u.email', ...scheduleFactColumns(eb)])
      .where('p.status', 'in', [...inCare])
      .where('u.status', '=', 'active')
      .where('p.id', '>', after)
      .orderBy('p.id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    await inTransaction(deps.database.db, async (tx) => {
      for (const r of rows) {
        // The daily check-in has its own local-day reminder (checkins.detect-missed).
        const due = dueFromFacts(r, now, settings.monitoring.cadence).filter((d) => d.status !== 'upcoming' && d.code !== 'checkin');
        for (const d of due) {
          await deps.notifier.enqueue(
            tx,
            {
              cause: `assessment-reminder:${r.id}:${d.code}:${d.dueAt}`,
              channel: 'email',
              recipient: r.email,
              subject: 'Keel: a questionnaire is waiting for you',
              body: `You have a short questionnaire to complete in Keel. Sign in to answer it:\n${publicBaseUrl(deps)}/\n`,
            },
            now,
          );
          reminded += 1;
        }
      }
    });
    after = rows[rows.length - 1]?.id ?? after;
    if (rows.length < BATCH) break;
  }
  return { reminded };
};

/** Scheduled sessions past their time by the grace period → `missed` (conditional UPDATE: idempotent). */
export const detectMissedSessions: MonitoringJob = async (deps, data, now) => {
  const graceHours = typeof data['graceHours'] === 'number' ? data['graceHours'] : missedSessionGraceHours;
  const cutoff = new Date(now.getTime() - graceHours * 3_600_000);
  return inTransaction(deps.database.db, async (tx) => {
    const missed = await tx
      .updateTable('dosing_sessions')
      .set({ status: 'missed' })
      .where('status', '=', 'scheduled')
      .where('scheduled_for', '<', cutoff)
      .returning(['id', 'patient_id'])
      .execute();
    for (const s of missed) {
      await writeAudit(tx, systemContext(now, 'sessions.detect-missed'), {
        action: 'session.missed',
        resourceType: 'session',
        resourceId: s.id,
        patientId: s.patient_id,
        outcome: 'success',
      });
    }
    return { missed: missed.map((s) => s.id) };
  });
};

/**
 * Induction patients (daily check-in) who have not checked in today, in their own time zone, after the reminder
 * hour → one reminder per patient per local day.
 */
export const detectMissedCheckIns: MonitoringJob = async (deps, _data, now) => {
  const rows = await sql<{ id: string; email: string; local_date: string }>`
    SELECT p.id, u.email, to_char((${now}::timestamptz AT TIME ZONE u.time_zone)::date, 'YYYY-MM-DD') AS local_date
    FROM patients p
    JOIN users u ON u.id = p.user_id
    JOIN treatment_plans tp ON tp.patient_id = p.id AND tp.status = 'active' AND tp.terms->>'phase' = 'induction'
    WHERE p.status IN ('approved', 'active') AND u.status = 'active'
      AND extract(hour FROM (${now}::timestamptz AT TIME ZONE u.time_zone)) >= ${checkInReminderLocalHour}
      AND NOT EXISTS (
        SELECT 1 FROM check_ins c
        WHERE c.patient_id = p.id
          AND c.submitted_at >= ((${now}::timestamptz AT TIME ZONE u.time_zone)::date::timestamp AT TIME ZONE u.time_zone)
      )`.execute(deps.database.db);
  await inTransaction(deps.database.db, async (tx) => {
    for (const r of rows.rows) {
      await deps.notifier.enqueue(
        tx,
        {
          cause: `checkin-reminder:${r.id}:${r.local_date}`,
          channel: 'email',
          recipient: r.email,
          subject: "Keel: today's check-in",
          body: `Your daily check-in takes a minute. Sign in to Keel to complete it:\n${publicBaseUrl(deps)}/\n`,
        },
        now,
      );
    }
  });
  return { reminded: rows.rows.map((r) => r.id) };
};

/** Sessions in progress whose sitter has not checked in within the interval (+ grace) → SITTER_CHECK_OVERDUE. */
export const sweepSitterChecks: MonitoringJob = async (deps, _data, now) => {
  const settings = await loadProgramSettings(deps.database.db);
  const sessions = await deps.database.db
    .selectFrom('dosing_sessions as s')
    .select((eb) => [
      's.id',
      's.patient_id',
      's.started_at',
      's.authorized_at',
      eb
        .selectFrom('sitter_checks as c')
        .select((c) => c.fn.max('c.checked_at').as('at'))
        .whereRef('c.session_id', '=', 's.id')
        .as('last_check'),
    ])
    .where('s.status', '=', 'in_progress')
    .execute();
  const raised: string[] = [];
  for (const s of sessions) {
    const startedAt = s.started_at ?? s.authorized_at;
    const candidates = alertsForEvent(
      {
        kind: 'session_in_progress',
        sessionId: s.id,
        startedAt: startedAt ? new Date(startedAt).toISOString() : '',
        lastSitterCheckAt: s.last_check ? new Date(s.last_check).toISOString() : undefined,
      },
      now,
      settings.monitoring.alerts,
    );
    if (candidates.length === 0) continue;
    const alerts = await inTransaction(deps.database.db, async (tx) => {
      const raisedNow = await raiseAlerts(tx, { deps, ctx: systemContext(now, 'sessions.sitter-check-sweep') }, s.patient_id, candidates);
      // The board hears of each newly overdue check once (the alert is deduplicated per slot, and so is this).
      for (const a of raisedNow.filter((x) => x.created)) {
        await recordLiveEvent(tx, { patientId: s.patient_id, sessionId: s.id, kind: 'check.overdue', at: now, payload: { alertId: a.id } });
      }
      return raisedNow;
    });
    raised.push(...alerts.filter((a) => a.created).map((a) => a.id));
  }
  return { raised };
};

/** Nightly: every patient's tier re-read (signals age out of their windows), changes recorded, rises alerted. */
export const recomputeRisk: MonitoringJob = async (deps, data, now) => {
  const settings = await loadProgramSettings(deps.database.db);
  const uc = { deps, ctx: systemContext(now, 'risk.recompute') };
  const evaluate = (patientId: string) =>
    inTransaction(deps.database.db, (tx) => evaluateAndRecordRisk(tx, uc, patientId, 'nightly', settings));
  if (typeof data['patientId'] === 'string') {
    const r = await evaluate(data['patientId']);
    return { evaluated: 1, changed: r.changed ? 1 : 0 };
  }
  let after = '00000000-0000-0000-0000-000000000000';
  let evaluated = 0;
  let changed = 0;
  for (;;) {
    const ids = await deps.database.db
      .selectFrom('patients')
      .select('id')
      .where('status', 'in', [...inCare])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const { id } of ids) {
      const r = await evaluate(id);
      evaluated += 1;
      if (r.changed) changed += 1;
    }
    if (ids.length < BATCH) break;
    after = ids[ids.length - 1]?.id ?? after;
  }
  return { evaluated, changed };
};

export const escalateAlertsJob: MonitoringJob = (deps, data, now) => escalateAlerts(deps, data, now);

/** Authorizations that lapsed unused → `expired`, their reserved units back on hand with a ledger entry. */
export const expireAuthorizations: MonitoringJob = (deps, _data, now) => expireAuthorizationsJob(deps, now);

/** Every monitoring queue, its handler and its schedule (UTC cron); the alerts queue also takes one-off jobs. */
export const monitoringJobs: readonly { queue: QueueName; handler: MonitoringJob; cron: string }[] = [
  { queue: 'alerts.escalate', handler: escalateAlertsJob, cron: '* * * * *' },
  { queue: 'sessions.sitter-check-sweep', handler: sweepSitterChecks, cron: '* * * * *' },
  { queue: 'sessions.expire-authorizations', handler: expireAuthorizations, cron: '* * * * *' },
  { queue: 'sessions.detect-missed', handler: detectMissedSessions, cron: '*/15 * * * *' },
  { queue: 'checkins.detect-missed', handler: detectMissedCheckIns, cron: '5 * * * *' },
  { queue: 'assessments.remind', handler: remindDueAssessments, cron: '0 * * * *' },
  { queue: 'risk.recompute', handler: recomputeRisk, cron: '30 3 * * *' },
];
