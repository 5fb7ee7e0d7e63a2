import {
  instrumentOutcome,
  programOutcomes,
  type InstrumentOutcomeSummary,
  type OutcomeInstrument,
  type ProgramOutcomes,
  type ProgramPatient,
  type ScorePoint,
} from '@keel/domain';
import type { PatientOutcomesResponse } from '@keel/contract';
import { writeAudit } from '../../audit/audit-log.ts';
import type { Db } from '../../db/transaction.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import type { UseCase } from '../deps.ts';

const outcomeInstruments: readonly OutcomeInstrument[] = ['phq9', 'gad7'];
/** A session counts as the first dose once it was authorized (docs/clinical-basis.md §1: baseline = last score before it). */
const dosedStatuses = ['authorized', 'in_progress', 'completed'] as const;

const point = (r: { id: string; total: number | null; submitted_at: Date | string }): ScorePoint => ({
  id: r.id,
  at: new Date(r.submitted_at).toISOString(),
  total: Number(r.total),
});

function toSummary(o: InstrumentOutcomeSummary): PatientOutcomesResponse['phq9'] {
  return {
    instrument: o.instrument,
    series: [...o.series],
    baseline: o.baseline.kind === 'missing' ? { kind: 'missing' } : { kind: o.baseline.kind, score: o.baseline.score },
    latest: o.latest,
    latestOnTreatment: o.latestOnTreatment,
    change: o.change,
    changePct: o.changePct === null ? null : Math.round(o.changePct * 10) / 10,
    response: o.response,
    remission: o.remission,
    meaningfulChange: o.meaningfulChange,
    trajectory: o.trajectory,
  };
}

export async function firstDoseAt(db: Db, patientId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('dosing_sessions')
    .select((eb) => eb.fn.min('authorized_at').as('first'))
    .where('patient_id', '=', patientId)
    .where('status', 'in', [...dosedStatuses])
    .executeTakeFirst();
  return row?.first ? new Date(row.first) : null;
}

/** PHQ-9 and GAD-7 for one patient: series, baseline, latest, change, response, remission, trajectory. */
export async function patientOutcomes({ deps }: UseCase, patientId: string): Promise<PatientOutcomesResponse> {
  const db = deps.database.db;
  const settings = await loadProgramSettings(db);
  const [rows, firstDose] = await Promise.all([
    db
      .selectFrom('assessments')
      .select(['id', 'instrument', 'total', 'submitted_at'])
      .where('patient_id', '=', patientId)
      .where('instrument', 'in', [...outcomeInstruments])
      .where('total', 'is not', null)
      .orderBy('submitted_at')
      .execute(),
    firstDoseAt(db, patientId),
  ]);
  const first = firstDose?.toISOString();
  const summary = (instrument: OutcomeInstrument) =>
    toSummary(
      instrumentOutcome(
        { instrument, scores: rows.filter((r) => r.instrument === instrument).map(point), firstDoseAt: first },
        settings.monitoring.outcomes,
      ),
    );
  return { patientId, firstDoseAt: first ?? null, phq9: summary('phq9'), gad7: summary('gad7') };
}

/** Response and remission at the checkpoint weeks, by cohort month of the first dose (aggregates only). */
export async function programOutcomeReport({ deps, ctx }: UseCase): Promise<ProgramOutcomes> {
  const db = deps.database.db;
  const settings = await loadProgramSettings(db);
  const [patients, doses, scores] = await Promise.all([
    db.selectFrom('patients').select('id').where('status', 'in', ['approved', 'active', 'discharged']).execute(),
    db
      .selectFrom('dosing_sessions')
      .select((eb) => ['patient_id', eb.fn.min('authorized_at').as('first')])
      .where('status', 'in', [...dosedStatuses])
      .groupBy('patient_id')
      .execute(),
    db
      .selectFrom('assessments')
      .select(['id', 'patient_id', 'instrument', 'total', 'submitted_at'])
      .where('instrument', 'in', [...outcomeInstruments])
      .where('total', 'is not', null)
      .execute(),
  ]);
  const firstDose = new Map(doses.map((d) => [d.patient_id, d.first ? new Date(d.first).toISOString() : undefined]));
  const byPatient = new Map<string, { phq9: ScorePoint[]; gad7: ScorePoint[] }>();
  for (const s of scores) {
    let entry = byPatient.get(s.patient_id);
    if (!entry) {
      entry = { phq9: [], gad7: [] };
      byPatient.set(s.patient_id, entry);
    }
    (s.instrument === 'phq9' ? entry.phq9 : entry.gad7).push(point(s));
  }
  const input: ProgramPatient[] = patients.map((p) => ({
    patientId: p.id,
    firstDoseAt: firstDose.get(p.id),
    scores: byPatient.get(p.id) ?? {},
  }));
  await writeAudit(db, ctx, { action: 'program_outcomes.read', resourceType: 'program_outcomes', outcome: 'success' });
  return programOutcomes(input, ctx.now, settings.monitoring.outcomes);
}
