import { sql } from 'kysely';
import type { AlertCandidate } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import type { Db } from '../../db/transaction.ts';
import { publicBaseUrl, type UseCase } from '../deps.ts';
import { primaryClinicianOf } from '../identity/care-team.ts';
import { recordLiveEventIfInSession } from '../live/live-events.ts';
import { boardLink, notifyOnCall } from '../on-call/routing.ts';

export interface RaisedAlert {
  id: string;
  code: string;
  severity: string;
  holdsDosing: boolean;
  /** False when an alert for the same cause already existed (nothing new was raised). */
  created: boolean;
  patientMessage: string | null;
}

/** The patient's primary clinician owns their alerts; failing that, any clinician on the care team. */
export const alertOwner = primaryClinicianOf;

/**
 * Records alerts in the caller's transaction (I8): committed with the submission that raised them, never
 * duplicated for one cause (unique on patient, code, cause), with the escalation job enqueued in the same
 * transaction and a notice to the owner through the outbox (a sign-in link only, no health details).
 */
export async function raiseAlerts(tx: Db, { deps, ctx }: UseCase, patientId: string, candidates: readonly AlertCandidate[]): Promise<RaisedAlert[]> {
  if (candidates.length === 0) return [];
  const owner = await alertOwner(tx, patientId);
  const raised: RaisedAlert[] = [];
  for (const c of candidates) {
    const id = crypto.randomUUID();
    const escalateAt = new Date(ctx.now.getTime() + c.escalateAfterMinutes * 60_000);
    const inserted = await tx
      .insertInto('alerts')
      .values({
        id,
        patient_id: patientId,
        code: c.code,
        severity: c.severity,
        holds_dosing: c.holdsDosing,
        cause: c.cause,
        title: c.title,
        evidence: JSON.stringify(c.evidence),
        recommended_actions: JSON.stringify(c.recommendedActions),
        patient_message: c.patientMessage ?? null,
        owner_id: owner,
        raised_at: ctx.now,
        escalate_at: escalateAt,
        escalated_at: null,
        escalated_to: null,
        acknowledged_at: null,
        acknowledged_by: null,
        resolved_at: null,
        resolved_by: null,
        resolution_action: null,
        resolution_note: null,
      })
      .onConflict((oc) => oc.columns(['patient_id', 'code', 'cause']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const existing = await tx
        .selectFrom('alerts')
        .select(['id', 'code', 'severity', 'holds_dosing', 'patient_message'])
        .where('patient_id', '=', patientId)
        .where('code', '=', c.code)
        .where('cause', '=', c.cause)
        .executeTakeFirstOrThrow();
      raised.push({ id: existing.id, code: existing.code, severity: existing.severity, holdsDosing: existing.holds_dosing, created: false, patientMessage: existing.patient_message });
      continue;
    }
    await deps.jobs.enqueue(tx, 'alerts.escalate', { alertId: id }, { startAfter: escalateAt, singletonKey: `escalate:${id}` });
    // A critical alert (an emergency in a session, a serious adverse event, high suicide risk) also pages the
    // clinic's on-call system at once, when one is configured (signed webhook); the owner's email follows below.
    if (c.severity === 'critical' && deps.config.KEEL_WEBHOOK_URL && deps.config.KEEL_WEBHOOK_SECRET) {
      await deps.notifier.enqueue(
        tx,
        {
          cause: `alert:${id}:page`,
          channel: 'webhook',
          recipient: 'paging',
          subject: 'Keel: critical alert',
          body: `A critical alert needs a clinician now. Sign in to Keel to review it: ${publicBaseUrl(deps)}/clinician/alerts`,
        },
        ctx.now,
      );
    }
    if (owner) {
      const ownerEmail = await tx.selectFrom('users').select('email').where('id', '=', owner).executeTakeFirst();
      if (ownerEmail) {
        await deps.notifier.enqueue(
          tx,
          {
            cause: `alert:${id}:owner`,
            channel: 'email',
            recipient: ownerEmail.email,
            subject: c.severity === 'critical' ? 'Keel: URGENT — a critical alert needs you now' : `Keel: a ${c.severity} alert needs your attention`,
            body: `A patient on your panel has a new ${c.severity} alert. Sign in to Keel to review it:\n${publicBaseUrl(deps)}/clinician/alerts\n`,
          },
          ctx.now,
        );
      }
    }
    // An urgent (high) or critical alert also reaches whoever is on call now (docs/live-board.md, "Routing").
    let onCall = null;
    if (c.severity === 'high' || c.severity === 'critical') {
      onCall = await notifyOnCall(tx, deps, {
        causePrefix: `alert:${id}`,
        ownerId: owner,
        subject: c.severity === 'critical' ? 'Keel: URGENT — a critical alert while you are on call' : 'Keel: an urgent alert while you are on call',
        body: `A patient has a new ${c.severity} alert while you are on call. Sign in to Keel to review it:\n${boardLink(deps)}\n`,
        now: ctx.now,
      });
      await tx.updateTable('alerts').set({ on_call_notified: JSON.stringify({ raised: onCall }) }).where('id', '=', id).execute();
    }
    await recordLiveEventIfInSession(tx, { patientId, kind: 'alert.raised', at: ctx.now, payload: { alertId: id } });
    await writeAudit(tx, ctx, {
      action: 'alert.raise',
      resourceType: 'alert',
      resourceId: id,
      patientId,
      outcome: 'success',
      detail: { code: c.code, severity: c.severity, holdsDosing: c.holdsDosing, ...(onCall ? { onCall: { shiftId: onCall.shiftId, notified: onCall.notified } } : {}) },
    });
    raised.push({ id, code: c.code, severity: c.severity, holdsDosing: c.holdsDosing, created: true, patientMessage: c.patientMessage ?? null });
  }
  return raised;
}

/** Open alerts that hold dosing, as the session gate reads them. */
export async function openDosingHolds(tx: Db, patientId: string) {
  const rows = await tx
    .selectFrom('alerts')
    .select(['id', 'code', 'severity', 'holds_dosing'])
    .where('patient_id', '=', patientId)
    .where('status', '<>', 'resolved')
    .where(sql<boolean>`holds_dosing`)
    .execute();
  return rows.map((r) => ({ id: r.id, code: r.code, severity: r.severity, holdsDosing: r.holds_dosing }));
}
