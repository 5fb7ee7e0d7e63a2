// Raw rows for the monitoring tests: the warning-sign engine reads other areas' tables, and these tests produce
// each signal from the rows themselves (not through the other areas' routes), so a signal test fails only when the
// monitoring side breaks.
import { alertsForEvent, defaultMonitoringSettings, type AlertSourceEvent } from '@keel/domain';
import { inTransaction } from '../../src/db/transaction.ts';
import { systemContext } from '../../src/use-cases/alerts/escalate-alerts.ts';
import { raiseAlerts } from '../../src/use-cases/alerts/raise-alerts.ts';
import type { TestContext } from '../support/test-app.ts';

const DAY = 86_400_000;
export const daysAgo = (t: TestContext, days: number): Date => new Date(t.clock.now().getTime() - days * DAY);
export const minutesAgo = (t: TestContext, minutes: number): Date => new Date(t.clock.now().getTime() - minutes * 60_000);

export async function insertSession(
  t: TestContext,
  patientId: string,
  createdBy: string,
  fields: { status: 'scheduled' | 'authorized' | 'in_progress' | 'completed' | 'aborted' | 'missed'; at: Date; startedAt?: Date },
): Promise<string> {
  const id = crypto.randomUUID();
  const dosed = fields.status !== 'scheduled' && fields.status !== 'missed';
  await t.database.db
    .insertInto('dosing_sessions')
    .values({
      id,
      patient_id: patientId,
      plan_id: null,
      status: fields.status,
      scheduled_for: fields.at,
      authorized_at: dosed ? fields.at : null,
      authorization_expires_at: dosed ? new Date(fields.at.getTime() + 30 * 60_000) : null,
      dose_mg: dosed ? 300 : null,
      started_at: fields.startedAt ?? (fields.status === 'in_progress' || fields.status === 'completed' ? fields.at : null),
      completed_at: fields.status === 'completed' ? new Date(fields.at.getTime() + 2 * 3_600_000) : null,
      aborted_at: null,
      abort_reason: null,
      created_by: createdBy,
      created_at: fields.at,
    })
    .execute();
  return id;
}

export async function insertDispense(t: TestContext, patientId: string, prescriberId: string, units: number, at: Date): Promise<string> {
  const id = crypto.randomUUID();
  await t.database.db
    .insertInto('dispenses')
    .values({
      id,
      patient_id: patientId,
      substance: 'ketamine',
      form: 'sublingual tablet',
      strength_mg: 100,
      units,
      dispensed_at: at,
      patient_name: 'Test Patient',
      ship_to: '1 Test Road',
      prescriber_id: prescriberId,
      prescriber_dea_registration: 'FT1234563',
      plan_id: null,
      dispenser: 'Test Pharmacy',
      recorded_by: prescriberId,
      created_at: at,
    })
    .execute();
  await insertLedger(t, patientId, prescriberId, { kind: 'dispensed', units, at, dispenseId: id });
  return id;
}

export async function insertLedger(
  t: TestContext,
  patientId: string,
  recordedBy: string,
  e: {
    kind: 'dispensed' | 'administered' | 'counted' | 'lost';
    units: number;
    at: Date;
    sessionId?: string;
    dispenseId?: string;
    counted?: number;
    expected?: number;
    lossKind?: 'lost' | 'stolen';
  },
): Promise<string> {
  const id = crypto.randomUUID();
  await t.database.db
    .insertInto('ledger_entries')
    .values({
      id,
      patient_id: patientId,
      kind: e.kind,
      units: e.units,
      occurred_at: e.at,
      recorded_by: recordedBy,
      recorded_at: e.at,
      session_id: e.sessionId ?? null,
      dispense_id: e.dispenseId ?? null,
      corrects_id: null,
      counted_units: e.counted ?? null,
      expected_units: e.expected ?? null,
      loss_kind: e.lossKind ?? null,
      circumstances: null,
      manner: null,
      note: null,
    })
    .execute();
  return id;
}

export async function insertAssessment(
  t: TestContext,
  patientId: string,
  submittedBy: string,
  a: { instrument: string; total: number | null; at: Date; context?: 'intake' | 'followup'; flags?: string[]; answers?: Record<string, number> },
): Promise<string> {
  const id = crypto.randomUUID();
  await t.database.db
    .insertInto('assessments')
    .values({
      id,
      patient_id: patientId,
      instrument: a.instrument,
      version: '1.0',
      answers: JSON.stringify(a.answers ?? {}),
      total: a.total,
      band: 'test',
      flags: a.flags ?? [],
      risk: null,
      context: a.context ?? 'followup',
      intake_id: null,
      submitted_by: submittedBy,
      submitted_at: a.at,
    })
    .execute();
  return id;
}

export async function insertIntake(
  t: TestContext,
  patientId: string,
  risk: { tier: 'low' | 'elevated' | 'high'; factors?: { code: string; detail: string }[]; auditC?: number; dast10?: number },
): Promise<string> {
  const id = crypto.randomUUID();
  const at = daysAgo(t, 60);
  const instrumentResults: Record<string, unknown> = {};
  if (risk.auditC !== undefined) instrumentResults['audit-c'] = { kind: 'ok', total: risk.auditC, band: 'x', flags: [] };
  if (risk.dast10 !== undefined) instrumentResults['dast10'] = { kind: 'ok', total: risk.dast10, band: 'x', flags: [] };
  await t.database.db
    .insertInto('intakes')
    .values({
      id,
      patient_id: patientId,
      status: 'approved',
      answers: '{}',
      screening: JSON.stringify({ dependenceRisk: { tier: risk.tier, factors: risk.factors ?? [] }, instrumentResults }),
      eligibility: 'likely_eligible',
      risk_tier: risk.tier,
      submitted_at: at,
      decided_at: at,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

export async function insertCheckIn(
  t: TestContext,
  patientId: string,
  c: { at: Date; craving?: number; used?: boolean; bladder?: boolean; cognitive?: boolean },
): Promise<string> {
  const id = crypto.randomUUID();
  await t.database.db
    .insertInto('check_ins')
    .values({
      id,
      patient_id: patientId,
      submitted_at: c.at,
      submitted_by: null,
      mood_0_10: 5,
      sleep_hours: 7,
      craving_0_10: c.craving ?? 0,
      used_outside_session: c.used ?? false,
      bladder_symptoms: c.bladder ?? false,
      cognitive_complaint: c.cognitive ?? false,
      side_effects: [],
      note: null,
    })
    .execute();
  return id;
}

/** An appointment on the 15-minute grid `days` ago. */
export async function insertAppointment(
  t: TestContext,
  patientId: string,
  staffId: string,
  a: { kind: 'integration' | 'clinician_follow_up'; status: 'booked' | 'completed' | 'cancelled' | 'missed'; daysAgo: number },
): Promise<string> {
  const id = crypto.randomUUID();
  const start = new Date(Math.floor(daysAgo(t, a.daysAgo).getTime() / 900_000) * 900_000);
  const end = new Date(start.getTime() + 3_600_000);
  // The continuity schema keeps each live appointment's 15-minute slots (a deferred check): write both together.
  await t.database.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('appointments')
      .values({
        id,
        patient_id: patientId,
        staff_id: staffId,
        kind: a.kind,
        starts_at: start,
        ends_at: end,
        status: a.status,
        modality: 'audio_video',
        sitter_user_id: null,
        follow_up_id: null,
        series_id: null,
        series_index: null,
        rescheduled_from_id: null,
        booked_by: staffId,
        created_at: start,
        cancelled_at: a.status === 'cancelled' ? start : null,
        cancelled_by: a.status === 'cancelled' ? staffId : null,
        cancel_reason: null,
        status_changed_at: null,
        status_changed_by: null,
      })
      .execute();
    if (a.status === 'cancelled') return;
    for (let ms = start.getTime(); ms < end.getTime(); ms += 900_000) {
      await tx.insertInto('appointment_slots').values({ staff_id: staffId, slot_start: new Date(ms), appointment_id: id, patient_id: patientId }).execute();
    }
  });
  return id;
}

export const checkInBody = (over: Partial<Record<string, unknown>> = {}) => ({
  mood0to10: 6,
  sleepHours: 7.5,
  craving0to10: 1,
  usedOutsideSession: false,
  bladderSymptoms: false,
  cognitiveComplaint: false,
  sideEffects: [],
  ...over,
});

/** Raises the alerts an event produces, the way a submission would (in a transaction, through raiseAlerts). */
export async function raiseFor(t: TestContext, patientId: string, event: AlertSourceEvent) {
  const now = t.clock.now();
  return inTransaction(t.database.db, (tx) =>
    raiseAlerts(tx, { deps: t.deps, ctx: systemContext(now, 'test') }, patientId, alertsForEvent(event, now, defaultMonitoringSettings.alerts)),
  );
}

/** A PHQ-9 with item 9 positive as the intake engineer's assessment route stores it, and the alert it raises. */
export async function phq9Item9(t: TestContext, patientId: string, submittedBy: string, item9 = 1) {
  const answers = { q1: 2, q2: 2, q3: 1, q4: 1, q5: 1, q6: 1, q7: 1, q8: 0, q9: item9 };
  const id = await insertAssessment(t, patientId, submittedBy, { instrument: 'phq9', total: 9 + item9, at: t.clock.now(), flags: item9 > 0 ? ['PHQ9_ITEM9_POSITIVE'] : [], answers });
  const [alert] = await raiseFor(t, patientId, { kind: 'phq9_submitted', assessmentId: id, at: t.clock.now().toISOString(), item9Points: item9, item9Positive: item9 > 0 });
  return { assessmentId: id, alert };
}

/** An active plan in the given phase (only the phase matters to monitoring). */
export async function insertActivePlan(t: TestContext, patientId: string, createdBy: string, phase: 'induction' | 'maintenance' | 'taper', version = 1) {
  const id = crypto.randomUUID();
  await t.database.db
    .insertInto('treatment_plans')
    .values({
      id,
      patient_id: patientId,
      version,
      status: 'active',
      terms: JSON.stringify({ phase }),
      terms_sha256: 'test',
      created_by: createdBy,
      created_at: t.clock.now(),
      updated_at: t.clock.now(),
      based_on_id: null,
      signed_by: createdBy,
      signed_at: t.clock.now(),
      signature_id: null,
      supersedes_id: null,
    })
    .execute();
  return id;
}

/** Enrolment is the patient row's creation time: tests set it on the test clock. */
export async function enrolledDaysAgo(t: TestContext, patientId: string, days: number, status: 'approved' | 'active' = 'active') {
  await t.database.db.updateTable('patients').set({ created_at: daysAgo(t, days), status }).where('id', '=', patientId).execute();
}
