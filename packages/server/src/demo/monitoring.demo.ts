import {
  alertsForEvent,
  defaultMonitoringSettings,
  scoreInstrument,
  type AlertSettings,
  type AlertSourceEvent,
} from '@keel/domain';
import type { RequestContext } from '../audit/audit-log.ts';
import { raiseAlerts } from '../use-cases/alerts/raise-alerts.ts';
import type { UseCase } from '../use-cases/deps.ts';
import { evaluateAndRecordRisk } from '../use-cases/monitoring/risk-evaluation.ts';
import { defaultProgramSettings } from '../use-cases/settings/program-settings.service.ts';
import { recordDemoPathway, recordDemoPdmpCheck } from './compliance.demo.ts';
import type { DemoContext, DemoStep } from './demo-context.ts';

// Demo data for monitoring: a small panel for clinician@ whose outcome histories show response and remission (and
// one that does not respond), a patient whose dependence risk became high with the signals behind it, open alerts
// of every severity in clinician@'s queue, and a fortnight of daily check-ins for patient@. All synthetic.

const DAY = 86_400_000;
const daysAgo = (ctx: DemoContext, days: number): Date => new Date(ctx.now.getTime() - days * DAY);
const systemAt = (at: Date): RequestContext => ({ actorId: null, actorRole: 'system', requestId: 'demo-seed', clientAddress: null, now: at });
const useCase = (ctx: DemoContext, at: Date): UseCase => ({ deps: ctx.deps, ctx: systemAt(at) });

/** Item answers (0–3 each) that add up to `total`, spread evenly; PHQ-9 item 9 stays 0 (no safety flag). */
export function answersFor(instrument: 'phq9' | 'gad7', total: number): Record<string, number> {
  const items = instrument === 'phq9' ? 8 : 7;
  const answers: Record<string, number> = {};
  let left = Math.min(total, items * 3);
  for (let i = 1; i <= items; i++) {
    const share = Math.min(3, Math.ceil(left / (items - i + 1)));
    answers[`q${i}`] = share;
    left -= share;
  }
  if (instrument === 'phq9') answers['q9'] = 0;
  return answers;
}

async function assessment(
  ctx: DemoContext,
  patientId: string,
  userId: string,
  instrument: string,
  answers: Record<string, number | boolean>,
  at: Date,
  context: 'intake' | 'followup' = 'followup',
): Promise<string> {
  const scored = scoreInstrument(instrument, answers);
  if (scored.kind !== 'scored') throw new Error(`demo ${instrument} answers do not score`);
  const id = crypto.randomUUID();
  await ctx.tx
    .insertInto('assessments')
    .values({
      id,
      patient_id: patientId,
      instrument,
      version: scored.version,
      answers: JSON.stringify(answers),
      total: scored.total,
      band: scored.band,
      flags: [...scored.flags],
      risk: scored.risk ?? null,
      context,
      intake_id: null,
      submitted_by: userId,
      submitted_at: at,
    })
    .execute();
  return id;
}

async function checkIn(ctx: DemoContext, patientId: string, userId: string, at: Date, v: { mood: number; sleep: number; craving: number; bladder?: boolean }) {
  await ctx.tx
    .insertInto('check_ins')
    .values({
      id: crypto.randomUUID(),
      patient_id: patientId,
      submitted_at: at,
      submitted_by: userId,
      mood_0_10: v.mood,
      sleep_hours: v.sleep,
      craving_0_10: v.craving,
      used_outside_session: false,
      bladder_symptoms: v.bladder ?? false,
      cognitive_complaint: false,
      side_effects: v.mood < 5 ? ['nausea'] : [],
      note: null,
    })
    .execute();
}

async function completedSession(ctx: DemoContext, patientId: string, at: Date): Promise<string> {
  const id = crypto.randomUUID();
  await ctx.tx
    .insertInto('dosing_sessions')
    .values({
      id,
      patient_id: patientId,
      plan_id: null,
      status: 'completed',
      scheduled_for: at,
      authorized_at: at,
      dose_mg: 300,
      started_at: at,
      completed_at: new Date(at.getTime() + 2 * 3_600_000),
      aborted_at: null,
      abort_reason: null,
      created_by: ctx.users.clinician,
      created_at: at,
    })
    .execute();
  return id;
}

interface DemoPanelPatient {
  key: string;
  name: string;
  email: string;
  /** Weekly PHQ-9 totals, oldest first; the first dose falls after the first two (the baseline is the second). */
  phq9: number[];
  gad7: number[];
}

/** Weekly PHQ-9 and GAD-7 around a first dose eight weeks ago: a remitter, a responder, and a non-responder. */
const panelPatients: DemoPanelPatient[] = [
  { key: 'remitter', name: 'Robin Ortiz', email: 'robin.demo@keel.demo', phq9: [19, 18, 15, 12, 10, 8, 6, 5, 4, 3], gad7: [14, 14, 12, 10, 8, 7, 5, 4, 4, 3] },
  { key: 'responder', name: 'Kai Nguyen', email: 'kai.demo@keel.demo', phq9: [22, 21, 19, 17, 15, 13, 12, 11, 10, 9], gad7: [16, 15, 14, 12, 11, 10, 9, 8, 8, 7] },
  { key: 'nonResponder', name: 'Lee Park', email: 'lee.demo@keel.demo', phq9: [17, 17, 16, 17, 15, 16, 15, 14, 15, 14], gad7: [12, 12, 12, 11, 12, 11, 11, 10, 11, 10] },
  { key: 'highRisk', name: 'Drew Alvarez', email: 'drew.demo@keel.demo', phq9: [18, 17, 15, 14, 13, 13, 12, 12, 11, 11], gad7: [13, 13, 12, 12, 11, 11, 10, 10, 10, 9] },
];

async function createPanelPatient(ctx: DemoContext, p: DemoPanelPatient): Promise<{ patientId: string; userId: string }> {
  const userId = crypto.randomUUID();
  const patientId = crypto.randomUUID();
  const enrolled = daysAgo(ctx, 80);
  await ctx.tx
    .insertInto('users')
    .values({ id: userId, email: p.email, name: p.name, role: 'patient', password_hash: ctx.passwordHash, mfa_secret: null, mfa_last_step: null, dea_registration: null, is_demo: true, deactivated_at: null })
    .execute();
  await ctx.tx
    .insertInto('patients')
    .values({ id: patientId, user_id: userId, name: p.name, date_of_birth: '1985-05-05', state: 'CA', sex_at_birth: 'female', address: null, is_demo: true, status: 'active', created_at: enrolled })
    .execute();
  for (const [member, role, primary] of [[ctx.users.clinician, 'clinician', true], [ctx.users.coach, 'coach', true]] as const) {
    await ctx.tx
      .insertInto('care_team_members')
      .values({ id: crypto.randomUUID(), patient_id: patientId, user_id: member, member_role: role, is_primary: primary, assigned_at: enrolled, assigned_by: ctx.users.admin, unassigned_at: null })
      .execute();
  }
  ctx.patients[p.key] = patientId;
  await recordDemoPathway(ctx, patientId, p.key, enrolled);
  await recordDemoPdmpCheck(ctx, patientId, daysAgo(ctx, 62));
  await recordDemoPdmpCheck(ctx, patientId, daysAgo(ctx, 5));
  // Weekly scores: two before the first dose (day 58), then eight on treatment.
  const firstWeek = 66;
  for (const [i, total] of p.phq9.entries()) await assessment(ctx, patientId, userId, 'phq9', answersFor('phq9', total), daysAgo(ctx, firstWeek - i * 7));
  for (const [i, total] of p.gad7.entries()) await assessment(ctx, patientId, userId, 'gad7', answersFor('gad7', total), daysAgo(ctx, firstWeek - i * 7 + 0.01));
  for (const day of [58, 55, 51, 48, 44, 41, 30, 16, 2]) await completedSession(ctx, patientId, daysAgo(ctx, day));
  return { patientId, userId };
}

/** Drew: elevated risk at intake, then early refill requests, a short pill count and craving rising → high. */
async function highRiskSignals(ctx: DemoContext, patientId: string, userId: string): Promise<void> {
  const intakeAt = daysAgo(ctx, 80);
  await ctx.tx
    .insertInto('intakes')
    .values({
      id: crypto.randomUUID(),
      patient_id: patientId,
      status: 'approved',
      answers: '{}',
      screening: JSON.stringify({
        dependenceRisk: { tier: 'elevated', factors: [{ code: 'FAMILY_HISTORY_SUD', detail: 'Family history of substance use disorder' }] },
        instrumentResults: {},
      }),
      eligibility: 'needs_review',
      risk_tier: 'elevated',
      submitted_at: intakeAt,
      decided_at: intakeAt,
      created_at: intakeAt,
      updated_at: intakeAt,
    })
    .execute();
  const dispenseId = crypto.randomUUID();
  const dispensedAt = daysAgo(ctx, 20);
  await ctx.tx
    .insertInto('dispenses')
    .values({
      id: dispenseId,
      patient_id: patientId,
      substance: 'ketamine',
      form: 'sublingual tablet',
      strength_mg: 150,
      units: 8,
      dispensed_at: dispensedAt,
      patient_name: 'Drew Alvarez',
      ship_to: '300 Demo Lane, San Jose, CA 95110',
      prescriber_id: ctx.users.clinician,
      prescriber_dea_registration: 'FM0000000',
      plan_id: null,
      dispenser: 'Demo Compounding Pharmacy',
      recorded_by: ctx.users.clinician,
      created_at: dispensedAt,
    })
    .execute();
  const ledger = (kind: 'dispensed' | 'counted', at: Date, extra: { units: number; counted?: number; expected?: number }) =>
    ctx.tx
      .insertInto('ledger_entries')
      .values({
        id: crypto.randomUUID(),
        patient_id: patientId,
        kind,
        units: extra.units,
        occurred_at: at,
        recorded_by: ctx.users.clinician,
        recorded_at: at,
        session_id: null,
        dispense_id: kind === 'dispensed' ? dispenseId : null,
        corrects_id: null,
        counted_units: extra.counted ?? null,
        expected_units: extra.expected ?? null,
        loss_kind: null,
        circumstances: null,
        manner: null,
        note: null,
      })
      .execute();
  await ledger('dispensed', dispensedAt, { units: 8 });
  await ledger('counted', daysAgo(ctx, 3), { units: 0, counted: 3, expected: 6 });
  for (const [asked, eligible] of [[12, 9], [4, 1]] as const) {
    await ctx.tx
      .insertInto('refill_requests')
      .values({
        id: crypto.randomUUID(),
        patient_id: patientId,
        requested_by: userId,
        requested_at: daysAgo(ctx, asked),
        eligible_from: daysAgo(ctx, eligible),
        outcome: 'held',
        reasons: JSON.stringify([{ code: 'TOO_EARLY', message: 'Enough medication on hand for now.' }]),
        doses_on_hand: null,
        plan_id: null,
        note: null,
      })
      .execute();
  }
  for (const [d, craving] of [[3, 3], [2, 5], [1, 7]] as const) {
    await checkIn(ctx, patientId, userId, daysAgo(ctx, d), { mood: 4, sleep: 5.5, craving });
  }
}

async function raise(ctx: DemoContext, patientId: string, event: AlertSourceEvent, settings: AlertSettings = defaultMonitoringSettings.alerts) {
  await raiseAlerts(ctx.tx, useCase(ctx, ctx.now), patientId, alertsForEvent(event, ctx.now, settings));
}

const panelStep: DemoStep = async (ctx) => {
  const created: Record<string, { patientId: string; userId: string }> = {};
  for (const p of panelPatients) created[p.key] = await createPanelPatient(ctx, p);
  const drew = created['highRisk'];
  if (drew) await highRiskSignals(ctx, drew.patientId, drew.userId);
  // Store each demo patient's tier as the check-in path would; Drew's move to high raises its alert (high, holds).
  for (const { patientId } of Object.values(created)) {
    await evaluateAndRecordRisk(ctx.tx, useCase(ctx, ctx.now), patientId, 'demo', defaultProgramSettings);
  }

  // Open alerts of every severity in clinician@'s queue.
  const robin = created['remitter'];
  const kai = created['responder'];
  const lee = created['nonResponder'];
  const at = ctx.now.toISOString();
  if (kai) {
    const positive = { q1: 2, q2: 2, q3: 1, q4: 1, q5: 1, q6: 1, q7: 1, q8: 0, q9: 1 };
    const id = await assessment(ctx, kai.patientId, kai.userId, 'phq9', positive, ctx.now);
    await raise(ctx, kai.patientId, { kind: 'phq9_submitted', assessmentId: id, at, item9Points: 1, item9Positive: true }); // high
  }
  if (lee) {
    const cssrsHigh = { q1: true, q2: true, q3: true, q4: true, q5: false, q6: false };
    const id = await assessment(ctx, lee.patientId, lee.userId, 'cssrs-screen', cssrsHigh, ctx.now);
    await raise(ctx, lee.patientId, { kind: 'cssrs_submitted', assessmentId: id, at, risk: 'high' }); // critical
  }
  if (robin) {
    const cssrsLow = { q1: true, q2: false, q6: false };
    const id = await assessment(ctx, robin.patientId, robin.userId, 'cssrs-screen', cssrsLow, ctx.now);
    await raise(ctx, robin.patientId, { kind: 'cssrs_submitted', assessmentId: id, at, risk: 'low' }); // moderate
    // A post-session blood pressure just over the limit. The default rates it high; this clinic's demo settings
    // rate a post-session reading low, so the queue shows a low-severity alert too.
    const session = await completedSession(ctx, robin.patientId, daysAgo(ctx, 0.1));
    const vitalsId = crypto.randomUUID();
    await ctx.tx
      .insertInto('session_vitals')
      .values({ id: vitalsId, patient_id: robin.patientId, session_id: session, phase: 'post', systolic_mmhg: 164, diastolic_mmhg: 92, heart_rate_bpm: 84, spo2_pct: 98, taken_at: daysAgo(ctx, 0.05), recorded_by: robin.userId })
      .execute();
    const lowVitals = { ...defaultMonitoringSettings.alerts, sessionVitals: { ...defaultMonitoringSettings.alerts.sessionVitals, severity: 'low' as const } };
    await raise(
      ctx,
      robin.patientId,
      { kind: 'vitals_recorded', vitalsId, sessionId: session, at, phase: 'post', systolicMmHg: 164, diastolicMmHg: 92, heartRateBpm: 84 },
      lowVitals,
    );
  }
};

/** patient@ (Sam): a fortnight of daily check-ins, mood lifting, and two weekly PHQ-9/GAD-7 follow-ups. */
const samStep: DemoStep = async (ctx) => {
  const patientId = ctx.patients.patient;
  const userId = ctx.users.patient;
  for (let d = 14; d >= 1; d--) {
    const mood = Math.min(8, 3 + Math.floor((14 - d) / 3));
    await checkIn(ctx, patientId, userId, new Date(daysAgo(ctx, d).getTime() + 9 * 3_600_000), { mood, sleep: 6 + (d % 3) * 0.5, craving: d % 4 === 0 ? 2 : 1 });
  }
  for (const [d, phq, gad] of [[14, 16, 12], [7, 12, 9]] as const) {
    await assessment(ctx, patientId, userId, 'phq9', answersFor('phq9', phq), daysAgo(ctx, d));
    await assessment(ctx, patientId, userId, 'gad7', answersFor('gad7', gad), daysAgo(ctx, d));
  }
  await evaluateAndRecordRisk(ctx.tx, useCase(ctx, ctx.now), patientId, 'demo', defaultProgramSettings);
};

/** Demo data for the monitoring part of the program. */
export const monitoringDemoSteps: DemoStep[] = [panelStep, samStep];
