import {
  intakeProgress,
  scoreInstrument,
  screeningRuleIds,
  screenIntake,
  type IntakeAnswers,
  type ScoredInstrument,
  type ScreeningResult,
  type ScreeningSettings,
} from '@keel/domain';
import { screeningReasonSchema, screeningSchema } from '@keel/contract';
import { sql, type Selectable } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../../audit/audit-log.ts';
import type { IntakesTable, IntakeStatus } from '../../db/tables/intake.tables.ts';
import { inTransaction, type Db, type Tx } from '../../db/transaction.ts';
import { AppError } from '../../http/problem.ts';
import { parseStored } from '../../db/stored-document.ts';
import type { RaisedAlert } from '../alerts/raise-alerts.ts';
import type { UseCase } from '../deps.ts';
import { loadProgramSettings, type ProgramSettings } from '../settings/program-settings.service.ts';
import { raiseAssessmentAlerts, storeIntakeAssessments } from './assessments.ts';
import { crisisResourceList, isSafetyPositive } from './instrument-scoring.ts';

export type IntakeRow = Selectable<IntakesTable>;

/**
 * The screening as stored on the intake at submission, and as the API and the review queue show it: the contract's
 * screening, each reason one of the domain's rules, plus the licensed states the STATE_NOT_LICENSED rule was checked
 * against. Read back through this schema (storedScreeningOf).
 */
const storedScreeningSchema = screeningSchema.extend({
  reasons: z.array(screeningReasonSchema.extend({ rule: z.enum(screeningRuleIds) })),
  prescriberStates: z.array(z.string()),
});
export type StoredScreening = z.output<typeof storedScreeningSchema>;

/** The patient may edit and (re)submit only a draft, or an intake a clinician reopened for more information. */
export const editableStatuses: readonly IntakeStatus[] = ['draft', 'info_requested'];
export const isEditable = (status: IntakeStatus): boolean => editableStatuses.includes(status);


// Flags most in need of a clinician's eyes come first in the review queue.
const flagPriority = ['CSSRS_HIGH', 'PHQ9_ITEM9_POSITIVE', 'CSSRS_MODERATE', 'CSSRS_LOW', 'BLADDER_URGENT', 'AUDIT_ZONE_IV', 'BLADDER_POSITIVE'];
const flagRank = (flag: string): number => {
  const i = flagPriority.indexOf(flag);
  return i === -1 ? flagPriority.length : i;
};
export const sortFlags = (flags: Iterable<string>): string[] =>
  [...new Set(flags)].sort((a, b) => flagRank(a) - flagRank(b) || a.localeCompare(b));

/** The screening settings with the program's instrument thresholds, so one number governs both. */
export const screeningSettingsOf = (settings: ProgramSettings): ScreeningSettings => ({ ...settings.screening, instruments: settings.instruments });

export function scoredIntakeInstruments(result: ScreeningResult): ScoredInstrument[] {
  return Object.values(result.instrumentResults).flatMap((r) => (r?.kind === 'scored' ? [r] : []));
}

export function toStoredScreening(result: ScreeningResult, now: Date, prescriberStates: readonly string[]): StoredScreening {
  const scored = scoredIntakeInstruments(result);
  return {
    eligibility: result.eligibility,
    reasons: result.reasons,
    dependenceRisk: result.dependenceRisk,
    instruments: scored.map((s) => ({ code: s.code, total: s.total, band: s.band, flags: [...s.flags], ...(s.risk ? { risk: s.risk } : {}) })),
    flags: sortFlags(scored.flatMap((s) => s.flags)),
    missing: result.missing,
    missingSections: result.missingSections,
    showCrisisResources: result.showCrisisResources,
    screenedAt: now.toISOString(),
    prescriberStates: [...prescriberStates],
  };
}



export function storedScreeningOf(row: Pick<IntakeRow, 'id' | 'screening'>): StoredScreening | null {
  return row.screening ? (parseStored(storedScreeningSchema, row.screening, { table: 'intakes', column: 'screening', id: row.id })) : null;
}

/** The states where the program can prescribe: every active clinician's licences (STATE_NOT_LICENSED). */
export async function programLicensedStates(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select(sql<string>`unnest(state_licenses)`.as('state'))
    .where('role', '=', 'clinician')
    .where('status', '=', 'active')
    .execute();
  return [...new Set(rows.map((r) => r.state))].sort();
}

/** Whether the saved answers already show a positive suicide-risk screen (crisis resources are shown at once). */
export function answersShowCrisis(answers: Record<string, unknown>, settings: ProgramSettings): boolean {
  const instruments = (answers as IntakeAnswers).instruments ?? {};
  return (['phq9', 'cssrs-screen'] as const).some((code) => {
    const given = instruments[code];
    if (!given) return false;
    const result = scoreInstrument(code, given, { settings: settings.instruments });
    return result.kind === 'scored' && isSafetyPositive(result);
  });
}

async function ensureIntake(db: Db, patientId: string, now: Date): Promise<void> {
  await db
    .insertInto('intakes')
    .values({ id: crypto.randomUUID(), patient_id: patientId, answers: '{}', screening: null, eligibility: null, risk_tier: null, submitted_at: null, decided_at: null, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('patient_id').doNothing())
    .execute();
}

/** The patient's intake, created as an empty draft on first read. */
export async function readIntake(uc: UseCase, patientId: string): Promise<IntakeRow> {
  const { deps, ctx } = uc;
  return inTransaction(deps.database.db, async (tx) => {
    await ensureIntake(tx, patientId, ctx.now);
    const row = await tx.selectFrom('intakes').selectAll().where('patient_id', '=', patientId).executeTakeFirstOrThrow();
    return row;
  });
}

async function lockIntake(tx: Tx, patientId: string, now: Date): Promise<IntakeRow> {
  await ensureIntake(tx, patientId, now);
  return tx.selectFrom('intakes').selectAll().where('patient_id', '=', patientId).forUpdate().executeTakeFirstOrThrow();
}

function refuseUnlessEditable(row: IntakeRow): void {
  if (!isEditable(row.status)) {
    throw new AppError(
      'CONFLICT',
      row.status === 'submitted'
        ? 'Your intake has been submitted and is waiting for a clinician. It can be changed again only if the clinician asks for more information.'
        : `This intake is ${row.status} and can no longer be changed.`,
      undefined,
      { intakeStatus: row.status },
    );
  }
}

/**
 * Saves draft answers. Each section sent replaces the saved section; sections not sent are kept. Inside
 * `instruments`, each questionnaire sent replaces the saved one and the others are kept.
 */
export function mergeDraft(saved: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...saved };
  for (const [section, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (section === 'instruments' && value !== null && typeof value === 'object') {
      const before = saved['instruments'];
      merged[section] = { ...(before !== null && typeof before === 'object' ? before : {}), ...value };
    } else {
      merged[section] = value;
    }
  }
  return merged;
}

export async function saveDraft(uc: UseCase, patientId: string, patch: Record<string, unknown>): Promise<IntakeRow> {
  const { deps, ctx } = uc;
  return inTransaction(deps.database.db, async (tx) => {
    const row = await lockIntake(tx, patientId, ctx.now);
    refuseUnlessEditable(row);
    const answers = mergeDraft(row.answers, patch);
    const updated = await tx
      .updateTable('intakes')
      .set({ answers: JSON.stringify(answers), updated_at: ctx.now })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(tx, ctx, {
      action: 'intake.save',
      resourceType: 'intake',
      resourceId: row.id,
      patientId,
      outcome: 'success',
      detail: { sections: Object.keys(patch).sort() },
    });
    return updated;
  });
}

export interface SubmittedIntake {
  row: IntakeRow;
  screening: StoredScreening;
  assessments: { id: string; instrument: string }[];
  alerts: RaisedAlert[];
  showCrisisResources: boolean;
}

/**
 * Submits the intake: screens it (decision support; the clinician decides), stores the intake questionnaires as
 * assessments, raises the safety alerts a positive PHQ-9 item 9 or C-SSRS calls for, and moves the patient to
 * `submitted` — all in one transaction, so the submission and its alerts commit together (reliability I8).
 */
export async function submitIntake(uc: UseCase, patientId: string, submittedBy: string): Promise<SubmittedIntake> {
  return inTransaction(uc.deps.database.db, (tx) => submitIntakeInTransaction(tx, uc, patientId, submittedBy));
}

/** `submitIntake` inside the caller's transaction (the demo seeds through it). */
export async function submitIntakeInTransaction(tx: Tx, uc: UseCase, patientId: string, submittedBy: string): Promise<SubmittedIntake> {
  const { ctx } = uc;
  const row = await lockIntake(tx, patientId, ctx.now);
  refuseUnlessEditable(row);
  const settings = await loadProgramSettings(tx);
  const prescriberStates = await programLicensedStates(tx);
  const answers = row.answers as IntakeAnswers;
  const result = screenIntake(answers, { now: ctx.now, settings: screeningSettingsOf(settings), prescriberStates });
  const screening = toStoredScreening(result, ctx.now, prescriberStates);

  const scored = scoredIntakeInstruments(result);
  const stored = await storeIntakeAssessments(tx, { patientId, intakeId: row.id, scored, submittedBy, at: ctx.now });
  const alerts = await raiseAssessmentAlerts(
    tx,
    uc,
    patientId,
    stored.flatMap((assessment) => {
      const s = scored.find((x) => x.code === assessment.instrument);
      return s ? [{ row: assessment, scored: s }] : [];
    }),
  );

  const updated = await tx
    .updateTable('intakes')
    .set((eb) => ({
      status: 'submitted' as const,
      screening: JSON.stringify(screening),
      eligibility: result.eligibility,
      risk_tier: result.dependenceRisk.tier,
      submission_count: eb('submission_count', '+', 1),
      submitted_at: ctx.now,
      updated_at: ctx.now,
    }))
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();

  const sex = answers.demographics?.sexAtBirth;
  await tx
    .updateTable('patients')
    .set({ status: 'submitted', ...(sex === 'female' || sex === 'male' ? { sex_at_birth: sex } : {}) })
    .where('id', '=', patientId)
    .where('status', 'in', ['intake', 'submitted'])
    .execute();

  await writeAudit(tx, ctx, {
    action: 'intake.submit',
    resourceType: 'intake',
    resourceId: row.id,
    patientId,
    outcome: 'success',
    detail: { submission: updated.submission_count, assessmentIds: stored.map((a) => a.id), alertIds: alerts.map((a) => a.id) },
  });
  return {
    row: updated,
    screening,
    assessments: stored.map((a) => ({ id: a.id, instrument: a.instrument })),
    alerts,
    showCrisisResources: result.showCrisisResources || scored.some(isSafetyPositive),
  };
}

/** Replaces the saved answers of an editable intake (the demo seeds through it; the API uses `saveDraft`). */
export async function replaceDraftAnswers(tx: Tx, patientId: string, answers: IntakeAnswers, now: Date): Promise<IntakeRow> {
  const row = await lockIntake(tx, patientId, now);
  refuseUnlessEditable(row);
  return tx.updateTable('intakes').set({ answers: JSON.stringify(answers), updated_at: now }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
}

/** The latest decision; for the patient, a note the clinician kept internal is left out (null). */
export async function latestDecisionSummary(db: Db, intakeId: string, forPatient: boolean) {
  const row = await db
    .selectFrom('intake_decisions as d')
    .innerJoin('users as u', 'u.id', 'd.decided_by')
    .select(['d.id', 'd.decision', 'd.note', 'd.note_visible_to_patient', 'd.decided_at', 'd.decided_by', 'u.name'])
    .where('d.intake_id', '=', intakeId)
    .orderBy('d.decided_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        decision: row.decision,
        note: forPatient && !row.note_visible_to_patient ? null : row.note,
        noteVisibleToPatient: row.note_visible_to_patient,
        decidedAt: new Date(row.decided_at).toISOString(),
        decidedBy: { id: row.decided_by, name: row.name },
      }
    : null;
}

/** The intake as the API shows it: answers, progress per section, the screening once submitted. */
/** The intake as the API returns it; `forPatient` hides what the care team kept internal. */
export async function intakeView(db: Db, row: IntakeRow, now: Date, forPatient: boolean) {
  const settings = await loadProgramSettings(db);
  const answers = row.answers as IntakeAnswers;
  return {
    id: row.id,
    patientId: row.patient_id,
    status: row.status,
    editable: isEditable(row.status),
    answers: row.answers,
    progress: intakeProgress(answers, { now, settings: screeningSettingsOf(settings) }),
    screening: storedScreeningOf(row),
    submittedAt: row.submitted_at ? new Date(row.submitted_at).toISOString() : null,
    decidedAt: row.decided_at ? new Date(row.decided_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    latestDecision: await latestDecisionSummary(db, row.id, forPatient),
    ...(answersShowCrisis(row.answers, settings) ? { crisisResources: crisisResourceList() } : {}),
  };
}

