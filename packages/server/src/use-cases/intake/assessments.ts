import { alertsForEvents, canonicalJson, type ScoredInstrument } from '@keel/domain';
import type { Selectable } from 'kysely';
import { writeAudit } from '../../audit/audit-log.ts';
import type { AssessmentContext, AssessmentsTable } from '../../db/tables/intake.tables.ts';
import { inTransaction, type Db, type Tx } from '../../db/transaction.ts';
import { raiseAlerts, type RaisedAlert } from '../alerts/raise-alerts.ts';
import { validationFailed } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { reevaluateWarningSigns } from '../monitoring/risk-evaluation.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import { crisisResourceList, isSafetyPositive, safetyEvents, scoreOrRefuse, sexAtBirthOf } from './instrument-scoring.ts';

export type AssessmentRow = Selectable<AssessmentsTable>;

export function toAssessment(row: AssessmentRow) {
  return {
    id: row.id,
    patientId: row.patient_id,
    instrument: row.instrument,
    version: row.version,
    answers: row.answers,
    total: row.total,
    band: row.band,
    flags: row.flags,
    risk: row.risk,
    context: row.context,
    intakeId: row.intake_id,
    submittedBy: row.submitted_by,
    submittedAt: new Date(row.submitted_at).toISOString(),
  };
}

/** Stores one scored instrument, every item answer included (item-level answers drive the safety rules). */
export async function insertAssessment(
  tx: Tx,
  input: { patientId: string; scored: ScoredInstrument; context: AssessmentContext; intakeId: string | null; submittedBy: string; at: Date },
): Promise<AssessmentRow> {
  return tx
    .insertInto('assessments')
    .values({
      id: crypto.randomUUID(),
      patient_id: input.patientId,
      instrument: input.scored.code,
      version: input.scored.version,
      answers: JSON.stringify(input.scored.items),
      total: input.scored.total,
      band: input.scored.band,
      flags: [...input.scored.flags],
      risk: input.scored.risk ?? null,
      context: input.context,
      intake_id: input.intakeId,
      submitted_by: input.submittedBy,
      submitted_at: input.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Stores the assessments of an intake submission. An instrument answered exactly as in an earlier submission of
 * the same intake reuses that assessment, so resubmitting after "request more information" does not raise the
 * same safety alert twice (alerts dedupe on the assessment id they cite).
 */
export async function storeIntakeAssessments(
  tx: Tx,
  input: { patientId: string; intakeId: string; scored: readonly ScoredInstrument[]; submittedBy: string; at: Date },
): Promise<AssessmentRow[]> {
  const previous = await tx
    .selectFrom('assessments')
    .selectAll()
    .where('patient_id', '=', input.patientId)
    .where('intake_id', '=', input.intakeId)
    .orderBy('submitted_at', 'desc')
    .execute();
  const stored: AssessmentRow[] = [];
  for (const scored of input.scored) {
    const same = previous.find(
      (p) => p.instrument === scored.code && p.version === scored.version && canonicalJson(p.answers) === canonicalJson(scored.items),
    );
    stored.push(
      same ?? (await insertAssessment(tx, { patientId: input.patientId, scored, context: 'intake', intakeId: input.intakeId, submittedBy: input.submittedBy, at: input.at })),
    );
  }
  return stored;
}

/** The safety alerts the stored assessments raise, written in the caller's transaction (reliability I8). */
export async function raiseAssessmentAlerts(
  tx: Tx,
  uc: UseCase,
  patientId: string,
  assessments: readonly { row: AssessmentRow; scored: ScoredInstrument }[],
): Promise<RaisedAlert[]> {
  const settings = await loadProgramSettings(tx);
  const events = assessments.flatMap(({ row, scored }) => safetyEvents(row.id, scored, new Date(row.submitted_at)));
  return raiseAlerts(tx, uc, patientId, alertsForEvents(events, uc.ctx.now, settings.monitoring.alerts));
}

export async function submitAssessment(
  uc: UseCase,
  input: { patientId: string; instrument: string; answers: Record<string, unknown>; context: AssessmentContext; submittedBy: string },
) {
  const { deps, ctx } = uc;
  // Intake screens come only from the intake itself: an "intake" score sent later would reset the baseline the
  // warning signs compare against (SUBSTANCE_SCREENS_WORSENING).
  if (input.context === 'intake') {
    throw validationFailed([{ field: 'context', message: 'intake screens are taken with the intake; use followup' }]);
  }
  return inTransaction(deps.database.db, async (tx) => {
    const settings = await loadProgramSettings(tx);
    const sexAtBirth = input.instrument === 'audit-c' ? await sexAtBirthOf(tx, input.patientId) : undefined;
    const scored = scoreOrRefuse(input.instrument, input.answers, { sexAtBirth, settings: settings.instruments });
    const row = await insertAssessment(tx, {
      patientId: input.patientId,
      scored,
      context: input.context,
      intakeId: null,
      submittedBy: input.submittedBy,
      at: ctx.now,
    });
    // Every assessment can feed a warning sign (craving, bladder, substance screens): the signs are read in this
    // transaction, before any audit row (the patient_risk lock comes before the audit chain head).
    const risk = await reevaluateWarningSigns(tx, uc, input.patientId, `assessment:${scored.code}`, settings);
    const alerts = [...(await raiseAssessmentAlerts(tx, uc, input.patientId, [{ row, scored }])), ...risk.alerts];
    await writeAudit(tx, ctx, {
      action: 'assessment.submit',
      resourceType: 'assessment',
      resourceId: row.id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { instrument: scored.code, context: input.context, alertIds: alerts.map((a) => a.id) },
    });
    return {
      ...toAssessment(row),
      alerts,
      ...(isSafetyPositive(scored) ? { crisisResources: crisisResourceList() } : {}),
    };
  });
}

export async function listAssessments(db: Db, patientId: string, query: { instrument?: string | undefined; limit: number }) {
  let q = db.selectFrom('assessments').selectAll().where('patient_id', '=', patientId);
  if (query.instrument) q = q.where('instrument', '=', query.instrument);
  const rows = await q.orderBy('submitted_at', 'desc').orderBy('id').limit(query.limit).execute();
  return rows.map(toAssessment);
}
