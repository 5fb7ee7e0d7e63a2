import { writeAudit, type RequestContext } from '../../audit/audit-log.ts';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import { isUuid } from '../../http/access-control.ts';
import { sql } from 'kysely';
import { publicBaseUrl, type UseCaseDeps } from '../deps.ts';
import { onCallEscalationTarget } from '../on-call/routing.ts';

/** Who acts when a job acts: no person, the job's name in place of a request id. */
export const systemContext = (now: Date, job: string): RequestContext => ({
  actorId: null,
  actorRole: 'system',
  requestId: `job:${job}`,
  clientAddress: null,
  now,
});

/**
 * The backup for an alert the owner has not acknowledged: another clinician on the patient's care team, else any
 * active clinician other than the owner, else (a one-clinician program) the owner again.
 */
async function backupClinician(tx: Tx, patientId: string, ownerId: string | null): Promise<{ id: string; email: string } | null> {
  const onTeam = await tx
    .selectFrom('care_team_members as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['u.id', 'u.email'])
    .where('c.patient_id', '=', patientId)
    .where('c.member_role', '=', 'clinician')
    .where('c.unassigned_at', 'is', null)
    .where('u.status', '=', 'active')
    .$if(ownerId !== null, (q) => q.where('u.id', '<>', ownerId ?? ''))
    .orderBy('c.is_primary', 'desc')
    .orderBy('c.assigned_at')
    .limit(1)
    .executeTakeFirst();
  if (onTeam) return onTeam;
  const anyone = await tx
    .selectFrom('users')
    .select(['id', 'email'])
    .where('role', '=', 'clinician')
    .where('status', '=', 'active')
    .$if(ownerId !== null, (q) => q.where('id', '<>', ownerId ?? ''))
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (anyone) return anyone;
  if (ownerId === null) return null;
  return (await tx.selectFrom('users').select(['id', 'email']).where('id', '=', ownerId).executeTakeFirst()) ?? null;
}

/**
 * Escalates one alert if it is still open and unescalated past its deadline. Exactly once, however many times
 * the job runs and however many processes race: the conditional UPDATE (…WHERE status = 'open' AND escalated_at
 * IS NULL) is the only way in, and a second runner blocks on the row, re-reads it, and matches nothing. The notice
 * is written in the same transaction, under a cause the outbox deduplicates.
 */
async function escalateOne(deps: UseCaseDeps, alertId: string, now: Date): Promise<boolean> {
  return inTransaction(deps.database.db, async (tx) => {
    const alert = await tx
      .selectFrom('alerts')
      .select(['id', 'patient_id', 'owner_id', 'severity'])
      .where('id', '=', alertId)
      .where('status', '=', 'open')
      .where('escalated_at', 'is', null)
      .where('escalate_at', '<=', now)
      .executeTakeFirst();
    if (!alert) return false;
    // Whoever is on call takes it first (primary, then backup); only then the care team's fallback.
    const onCall = await onCallEscalationTarget(tx, alert.owner_id, now);
    const backup = onCall.target ?? (await backupClinician(tx, alert.patient_id, alert.owner_id));
    const updated = await tx
      .updateTable('alerts')
      .set({
        escalated_at: now,
        escalated_to: backup?.id ?? null,
        on_call_notified: sql<string>`coalesce(on_call_notified, '{}'::jsonb) || jsonb_build_object('escalation', ${JSON.stringify(onCall.record)}::jsonb)`,
      })
      .where('id', '=', alertId)
      .where('status', '=', 'open')
      .where('escalated_at', 'is', null)
      .where('escalate_at', '<=', now)
      .returning('id')
      .executeTakeFirst();
    if (!updated) return false;
    const link = `${publicBaseUrl(deps)}/clinician/alerts`;
    if (backup) {
      await deps.notifier.enqueue(
        tx,
        {
          cause: `alert:${alertId}:escalation`,
          channel: 'email',
          recipient: backup.email,
          subject: `Keel: an unacknowledged ${alert.severity} alert was escalated to you`,
          body: `An alert was not acknowledged in time and has been escalated to you. Sign in to Keel to review it:\n${link}\n`,
        },
        now,
      );
    }
    // The clinic's paging system, when one is configured, hears of every escalation (signed webhook).
    if (deps.config.KEEL_WEBHOOK_URL && deps.config.KEEL_WEBHOOK_SECRET) {
      await deps.notifier.enqueue(
        tx,
        {
          cause: `alert:${alertId}:escalation:webhook`,
          channel: 'webhook',
          recipient: 'paging',
          subject: `Unacknowledged ${alert.severity} alert escalated`,
          body: `Sign in to Keel to review: ${link}`,
        },
        now,
      );
    }
    await writeAudit(tx, systemContext(now, 'alerts.escalate'), {
      action: 'alert.escalate',
      resourceType: 'alert',
      resourceId: alertId,
      patientId: alert.patient_id,
      outcome: 'success',
      detail: { escalatedTo: backup?.id ?? null, severity: alert.severity, onCallShiftId: onCall.record?.shiftId ?? null, viaOnCall: onCall.target !== null },
    });
    return true;
  });
}

/**
 * The `alerts.escalate` job. With an `alertId` (the job `raiseAlerts` enqueues at the deadline) it escalates that
 * alert; without one (the per-minute sweep, a safety net for a lost or early job) every alert past its deadline.
 */
export async function escalateAlerts(deps: UseCaseDeps, data: { alertId?: unknown }, now: Date): Promise<{ escalated: string[] }> {
  const ids =
    typeof data.alertId === 'string'
      ? isUuid(data.alertId)
        ? [data.alertId]
        : []
      : (
          await deps.database.db
            .selectFrom('alerts')
            .select('id')
            .where('status', '=', 'open')
            .where('escalated_at', 'is', null)
            .where('escalate_at', '<=', now)
            .orderBy('escalate_at')
            .limit(500)
            .execute()
        ).map((r) => r.id);
  const escalated: string[] = [];
  for (const id of ids) {
    if (await escalateOne(deps, id, now)) escalated.push(id);
  }
  return { escalated };
}
