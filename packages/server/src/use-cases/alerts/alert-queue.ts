import { sql } from 'kysely';
import type { Alert, CrisisResponse, ResolveAlertRequest } from '@keel/contract';
import { crisisMessage, crisisResources } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import type { Role } from '../../db/schema.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { AppError, notFound } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { decodeOffset, nextOffsetCursor } from '../monitoring/pagination.ts';
import { recordLiveEventIfInSession } from '../live/live-events.ts';

// The clinician's alert queue and the alert lifecycle (open → acknowledged → resolved). Each step is one
// conditional UPDATE, so two clinicians acting at once cannot both acknowledge or resolve: the second gets 409.

const severityRank = sql<number>`CASE a.severity WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'moderate' THEN 1 ELSE 0 END`;

/** Alert codes that mean the patient may be in danger: while one is open the patient sees crisis resources. */
export const safetyAlertCodes = [
  'SUICIDE_RISK_PHQ9_ITEM9',
  'SUICIDE_RISK_CSSRS_LOW',
  'SUICIDE_RISK_CSSRS_MODERATE',
  'SUICIDE_RISK_CSSRS_HIGH',
  'URGENT_MESSAGE_LANGUAGE',
  'SERIOUS_ADVERSE_EVENT_REPORTED',
  'SESSION_VITALS_ABOVE_LIMITS',
] as const;

function alertQuery(db: Db) {
  return db
    .selectFrom('alerts as a')
    .innerJoin('patients as p', 'p.id', 'a.patient_id')
    .leftJoin('users as o', 'o.id', 'a.owner_id')
    .leftJoin('users as e', 'e.id', 'a.escalated_to')
    .leftJoin('users as k', 'k.id', 'a.acknowledged_by')
    .leftJoin('users as r', 'r.id', 'a.resolved_by')
    .select([
      'a.id',
      'a.patient_id',
      'p.name as patient_name',
      'a.code',
      'a.severity',
      'a.holds_dosing',
      'a.title',
      'a.status',
      'a.evidence',
      'a.recommended_actions',
      'a.owner_id',
      'o.name as owner_name',
      'a.raised_at',
      'a.escalate_at',
      'a.escalated_at',
      'a.escalated_to',
      'e.name as escalated_to_name',
      'a.acknowledged_at',
      'a.acknowledged_by',
      'k.name as acknowledged_by_name',
      'a.resolved_at',
      'a.resolved_by',
      'r.name as resolved_by_name',
      'a.resolution_action',
      'a.resolution_note',
    ]);
}

type AlertRow = Awaited<ReturnType<ReturnType<typeof alertQuery>['executeTakeFirstOrThrow']>>;

const isoOrNull = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());
const person = (id: string | null, name: string | null) => (id === null ? null : { id, name: name ?? '' });

/**
 * Coaches see that an alert exists, how severe it is and where it stands, so they know to check in with the care
 * team; the evidence (assessment answers, vitals, ledger rows) and the clinician's note are medication and screening
 * details the access policy keeps from them, so those fields are null.
 */
export function toAlert(r: AlertRow, viewer: Role): Alert {
  const clinical = viewer === 'clinician';
  return {
    id: r.id,
    patientId: r.patient_id,
    patientName: r.patient_name,
    code: r.code,
    severity: r.severity,
    holdsDosing: r.holds_dosing,
    title: r.title,
    status: r.status,
    evidence: clinical ? r.evidence : null,
    recommendedActions: r.recommended_actions,
    owner: person(r.owner_id, r.owner_name),
    raisedAt: new Date(r.raised_at).toISOString(),
    escalateAt: isoOrNull(r.escalate_at),
    escalatedAt: isoOrNull(r.escalated_at),
    escalatedTo: person(r.escalated_to, r.escalated_to_name),
    acknowledgedAt: isoOrNull(r.acknowledged_at),
    acknowledgedBy: person(r.acknowledged_by, r.acknowledged_by_name),
    resolvedAt: isoOrNull(r.resolved_at),
    resolvedBy: person(r.resolved_by, r.resolved_by_name),
    resolutionAction: r.resolution_action,
    resolutionNote: clinical ? r.resolution_note : null,
  };
}

/** Alerts of the caller's care-team patients, most severe first, then oldest first. */
export async function listAlerts(
  { deps, ctx }: UseCase,
  viewer: { userId: string; role: Role },
  query: { status: 'open' | 'acknowledged' | 'resolved' | 'all'; patientId?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: Alert[]; nextCursor: string | null }> {
  const offset = decodeOffset(query.cursor);
  const db = deps.database.db;
  let q = alertQuery(db).where('a.patient_id', 'in', (eb) =>
    eb
      .selectFrom('care_team_members as c')
      .select('c.patient_id')
      .where('c.user_id', '=', viewer.userId)
      .where('c.unassigned_at', 'is', null),
  );
  if (query.status !== 'all') q = q.where('a.status', '=', query.status);
  if (query.patientId) q = q.where('a.patient_id', '=', query.patientId);
  const rows = await q
    .orderBy(severityRank, 'desc')
    .orderBy('a.raised_at', 'asc')
    .orderBy('a.id')
    .limit(query.limit + 1)
    .offset(offset)
    .execute();
  await writeAudit(db, ctx, {
    action: 'alert.list',
    resourceType: 'alert_queue',
    patientId: query.patientId ?? null,
    outcome: 'success',
    detail: { status: query.status, count: Math.min(rows.length, query.limit) },
  });
  return {
    items: rows.slice(0, query.limit).map((r) => toAlert(r, viewer.role)),
    nextCursor: nextOffsetCursor(offset, rows.length, query.limit),
  };
}

export async function getAlert({ deps }: UseCase, alertId: string, viewer: Role): Promise<Alert> {
  const row = await alertQuery(deps.database.db).where('a.id', '=', alertId).executeTakeFirst();
  if (!row) throw notFound('alert');
  return toAlert(row, viewer);
}

/** The patient whose alert it is, for the route's access rule (unknown alert: null, so a 404). */
export async function patientOfAlert(db: Db, alertId: unknown): Promise<string | null> {
  if (typeof alertId !== 'string') return null;
  const row = await db.selectFrom('alerts').select('patient_id').where('id', '=', alertId).executeTakeFirst();
  return row?.patient_id ?? null;
}

async function conflictFor(db: Db, alertId: string, wanted: string): Promise<never> {
  const row = await db.selectFrom('alerts').select('status').where('id', '=', alertId).executeTakeFirst();
  if (!row) throw notFound('alert');
  throw new AppError('CONFLICT', `This alert is ${row.status}; it can only be ${wanted}.`, undefined, { alertStatus: row.status });
}

export async function acknowledgeAlert(uc: UseCase, alertId: string): Promise<Alert> {
  const { deps, ctx } = uc;
  await inTransaction(deps.database.db, async (tx) => {
    const updated = await tx
      .updateTable('alerts')
      .set({ status: 'acknowledged', acknowledged_at: ctx.now, acknowledged_by: ctx.actorId })
      .where('id', '=', alertId)
      .where('status', '=', 'open')
      .returning(['patient_id', 'code'])
      .executeTakeFirst();
    if (!updated) await conflictFor(tx, alertId, 'acknowledged while open');
    if (updated) await recordLiveEventIfInSession(tx, { patientId: updated.patient_id, kind: 'alert.acknowledged', at: ctx.now, payload: { alertId } });
    await writeAudit(tx, ctx, {
      action: 'alert.acknowledge',
      resourceType: 'alert',
      resourceId: alertId,
      patientId: updated?.patient_id ?? null,
      outcome: 'success',
      detail: { code: updated?.code },
    });
  });
  const row = await alertQuery(deps.database.db).where('a.id', '=', alertId).executeTakeFirstOrThrow();
  return toAlert(row, 'clinician');
}

/**
 * Resolving records what was done and why. It must follow an acknowledgement (the lifecycle is open →
 * acknowledged → resolved), so every resolved alert also says who first took it on and when. A resolved alert no
 * longer holds dosing.
 */
export async function resolveAlert(uc: UseCase, alertId: string, body: ResolveAlertRequest): Promise<Alert> {
  const { deps, ctx } = uc;
  await inTransaction(deps.database.db, async (tx) => {
    const updated = await tx
      .updateTable('alerts')
      .set({
        status: 'resolved',
        resolved_at: ctx.now,
        resolved_by: ctx.actorId,
        resolution_action: body.action,
        resolution_note: body.note,
      })
      .where('id', '=', alertId)
      .where('status', '=', 'acknowledged')
      .returning(['patient_id', 'code', 'holds_dosing'])
      .executeTakeFirst();
    if (!updated) await conflictFor(tx, alertId, 'resolved once acknowledged');
    await writeAudit(tx, ctx, {
      action: 'alert.resolve',
      resourceType: 'alert',
      resourceId: alertId,
      patientId: updated?.patient_id ?? null,
      outcome: 'success',
      // The action is a code; the note is free text and stays in the alert, never in the audit row.
      detail: { code: updated?.code, action: body.action, releasedDosingHold: updated?.holds_dosing ?? false },
    });
  });
  const row = await alertQuery(deps.database.db).where('a.id', '=', alertId).executeTakeFirstOrThrow();
  return toAlert(row, 'clinician');
}

/** Crisis resources for the patient, and whether a safety alert about them is still open. */
export async function crisisFor({ deps }: UseCase, patientId: string): Promise<CrisisResponse> {
  const rows = await deps.database.db
    .selectFrom('alerts')
    .select(['patient_message'])
    .where('patient_id', '=', patientId)
    .where('status', '<>', 'resolved')
    .where('code', 'in', [...safetyAlertCodes])
    .orderBy('raised_at', 'desc')
    .execute();
  const messages = [...new Set(rows.map((r) => r.patient_message ?? crisisMessage))];
  return {
    safetyAlertOpen: rows.length > 0,
    messages,
    resources: crisisResources.map((r) => ({ ...r, contact: { ...r.contact } })),
  };
}
