import { scoreInstrument } from '@keel/domain';
import type { Insertable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DemoContext, DemoStep } from './demo-context.ts';
import { answersFor } from './monitoring.demo.ts';
import { seededRandom } from './seeded-random.ts';

// Demo data for the program outcomes report (docs/outcomes-report.md): thirty synthetic patients of an earlier
// cohort whose first doses fall between two and fourteen months ago, followed by a second demo clinician and coach
// so that clinician@'s panel and coach@'s caseload stay as they are. Their histories, drawn from a fixed seed so
// every demo is the same, give the report something in every section: remitters, responders, non-responders and early drop-outs with missed
// scores; sessions with adverse events (one serious); sessions the gate blocked; alerts acknowledged at varied
// speeds, some escalated; warning signs, one patient reaching high risk with a dosing hold; check-ins and
// integration sessions attended and missed. All synthetic.

const DAY = 86_400_000;
const MINUTE = 60_000;
const ALUMNI = 30;


const FIRST = ['Avery', 'Blake', 'Casey', 'Dana', 'Emery', 'Finley', 'Gray', 'Harper', 'Indy', 'Jules', 'Kendall', 'Logan', 'Marlow', 'Noel', 'Oakley'];
const LAST = ['Reyes', 'Okafor', 'Lindqvist', 'Tanaka', 'Moreau', 'Haddad', 'Kowalski', 'Mensah', 'Ferreira', 'Novak'];
const STATES = ['CA', 'CA', 'CA', 'WA', 'WA', 'OR', 'NY', 'CO'];
type Course = 'remitter' | 'responder' | 'nonResponder' | 'dropout';

/** One patient's rows, inserted table by table (parents first) in a few multi-row statements. */
const TABLES = ['assessments', 'dosing_sessions', 'gate_evaluations', 'adverse_events', 'check_ins', 'appointments', 'appointment_slots', 'risk_evaluations', 'alerts'] as const;
type Rows = { [T in (typeof TABLES)[number]]: Insertable<Database[T]>[] };
const emptyRows = (): Rows => ({
  assessments: [],
  dosing_sessions: [],
  gate_evaluations: [],
  adverse_events: [],
  check_ins: [],
  appointments: [],
  appointment_slots: [],
  risk_evaluations: [],
  alerts: [],
});

async function insertRows(ctx: DemoContext, rows: Rows): Promise<void> {
  for (const table of TABLES) {
    const values = rows[table];
    // 500 rows a statement keeps each well under the bind-parameter limit.
    for (let i = 0; i < values.length; i += 500) await ctx.tx.insertInto(table).values(values.slice(i, i + 500)).execute();
  }
}


function score(rows: Rows, patientId: string, userId: string, instrument: 'phq9' | 'gad7', total: number, at: Date): void {
  const answers = answersFor(instrument, total);
  const scored = scoreInstrument(instrument, answers);
  if (scored.kind !== 'scored') throw new Error(`demo ${instrument} answers do not score`);
  rows.assessments.push({
    id: crypto.randomUUID(),
    patient_id: patientId,
    instrument,
    version: scored.version,
    answers: JSON.stringify(answers),
    total: scored.total,
    band: scored.band,
    flags: [...scored.flags],
    risk: scored.risk ?? null,
    context: 'followup',
    intake_id: null,
    submitted_by: userId,
    submitted_at: at,
  });
}

async function alumniStaff(ctx: DemoContext, email: string, name: string, role: 'clinician' | 'coach'): Promise<string> {
  const id = crypto.randomUUID();
  await ctx.tx
    .insertInto('users')
    .values({
      id,
      email,
      name,
      role,
      password_hash: ctx.passwordHash,
      mfa_secret: null,
      mfa_last_step: null,
      dea_registration: null,
      is_demo: true,
      deactivated_at: null,
    })
    .execute();
  return id;
}

/** Fraction of the baseline gone after `weeks` on treatment, by course (levels off over about three weeks). */
function improvement(course: Course, weeks: number): number {
  const target = { remitter: 0.85, responder: 0.55, nonResponder: 0.15, dropout: 0.25 }[course];
  return target * (1 - Math.exp(-weeks / 3));
}

async function alumnus(ctx: DemoContext, i: number, clinicianId: string, coachId: string): Promise<void> {
  const random = seededRandom(1000 + i);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const roll = random();
  const course: Course = roll < 0.25 ? 'remitter' : roll < 0.5 ? 'responder' : roll < 0.85 ? 'nonResponder' : 'dropout';
  const firstDoseDaysAgo = 60 + 13 * i;
  const firstDose = new Date(ctx.now.getTime() - firstDoseDaysAgo * DAY);
  firstDose.setUTCHours(15, 0, 0, 0);
  const at = (day: number, minutes = 0) => new Date(firstDose.getTime() + day * DAY + minutes * MINUTE);
  // How long the course lasts: drop-outs leave in weeks 3–6, the rest after six to fourteen months.
  const courseDays = course === 'dropout' ? 21 + Math.floor(random() * 21) : 182 + Math.floor(random() * 250);
  const lastDay = Math.min(courseDays, firstDoseDaysAgo - 1);
  const ended = courseDays < firstDoseDaysAgo;

  const userId = crypto.randomUUID();
  const patientId = crypto.randomUUID();
  const name = `${FIRST[i % FIRST.length] ?? 'Alex'} ${LAST[(i * 7) % LAST.length] ?? 'Doe'}`;
  const enrolled = at(-21);
  await ctx.tx
    .insertInto('users')
    .values({ id: userId, email: `alumni${i + 1}@keel.demo`, name, role: 'patient', password_hash: ctx.passwordHash, mfa_secret: null, mfa_last_step: null, dea_registration: null, is_demo: true, deactivated_at: null })
    .execute();
  await ctx.tx
    .insertInto('patients')
    .values({
      id: patientId,
      user_id: userId,
      name,
      date_of_birth: `${1958 + Math.floor(random() * 42)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
      state: pick(STATES),
      sex_at_birth: random() < 0.55 ? 'female' : 'male',
      address: null,
      is_demo: true,
      status: ended ? 'discharged' : 'active',
      created_at: enrolled,
    })
    .execute();
  for (const [member, role] of [[clinicianId, 'clinician'], [coachId, 'coach']] as const) {
    await ctx.tx
      .insertInto('care_team_members')
      .values({ id: crypto.randomUUID(), patient_id: patientId, user_id: member, member_role: role, is_primary: true, assigned_at: enrolled, assigned_by: ctx.users.admin, unassigned_at: null })
      .execute();
  }

  const rows = emptyRows();
  // Scores: two before the first dose, weekly for twelve weeks, fortnightly to six months, then monthly; about one in
  // eight is missed.
  const phq9Baseline = 14 + Math.floor(random() * 11);
  const gad7Baseline = 10 + Math.floor(random() * 9);
  const scoreDays = [-10, -3];
  for (let d = 7; d <= lastDay; d += d < 84 ? 7 : d < 182 ? 14 : 28) scoreDays.push(d);
  for (const day of scoreDays) {
    if (day > 0 && random() < 0.12) continue;
    const gone = day <= 0 ? 0 : improvement(course, day / 7);
    const noise = () => Math.round((random() - 0.5) * 3);
    const phq9 = Math.max(0, Math.min(27, Math.round(phq9Baseline * (1 - gone)) + noise()));
    const gad7 = Math.max(0, Math.min(21, Math.round(gad7Baseline * (1 - gone * 0.9)) + noise()));
    score(rows, patientId, userId, 'phq9', phq9, at(day, -60));
    score(rows, patientId, userId, 'gad7', gad7, at(day, -55));
  }

  // Sessions: six in the first three weeks, then every two weeks.
  const sessionDays = [0, 3, 7, 10, 14, 17];
  for (let d = 28; d <= lastDay; d += 14) sessionDays.push(d);
  for (const [n, day] of sessionDays.filter((d) => d <= lastDay).entries()) {
    const sessionId = crypto.randomUUID();
    const startedAt = at(day);
    rows.dosing_sessions.push({
      id: sessionId,
      patient_id: patientId,
      plan_id: null,
      status: 'completed',
      scheduled_for: startedAt,
      authorized_at: at(day, -20),
      dose_mg: n < 2 ? 200 : 300,
      started_at: startedAt,
      completed_at: at(day, 150),
      aborted_at: null,
      abort_reason: null,
      created_by: clinicianId,
      created_at: at(day - 2),
    });
    // Some sessions were first refused by the gate (high blood pressure, a sitter not yet attested) and authorized
    // once the condition was met.
    const blocked = random();
    if (blocked < 0.08) {
      const code = blocked < 0.05 ? 'VITALS_ABOVE_HOLD' : 'SITTER_NOT_ATTESTED';
      rows.gate_evaluations.push({
        id: crypto.randomUUID(),
        patient_id: patientId,
        session_id: sessionId,
        evaluated_at: at(day, -45),
        actor_id: userId,
        outcome: 'blocked',
        reason_codes: [code],
        reasons: JSON.stringify([{ code, message: code === 'VITALS_ABOVE_HOLD' ? 'Blood pressure was above the hold limit.' : 'The sitter had not attested yet.' }]),
        inputs: JSON.stringify({}),
        dose_mg: n < 2 ? 200 : 300,
        stage: 'authorize',
      });
    }
    const effect = random();
    if (effect < 0.09 || (i === 7 && n === 2)) {
      const serious = i === 7 && n === 2;
      const [kind, severity, description] = serious
        ? (['syncope', 'severe', 'Fainted when standing up after the session; recovered in minutes; seen in the emergency department and released.'] as const)
        : effect < 0.065
          ? (['nausea', 'mild', 'Nausea during the session, settled without treatment.'] as const)
          : (['dizziness', 'moderate', 'Dizziness for an hour after the session; the sitter kept the patient seated.'] as const);
      rows.adverse_events.push({
        id: crypto.randomUUID(),
        patient_id: patientId,
        session_id: sessionId,
        kind,
        severity,
        serious,
        description,
        reported_at: at(day, 90),
        reported_by: userId,
        resolved_at: at(day, 240),
        resolved_by: clinicianId,
      });
    }
  }

  // Check-ins: most days in the first three weeks, then about twice a week.
  for (let day = 1; day <= lastDay; day += day < 21 ? 1 : 3) {
    if (random() < (day < 21 ? 0.25 : 0.3)) continue;
    rows.check_ins.push({
      id: crypto.randomUUID(),
      patient_id: patientId,
      submitted_at: at(day, 300),
      submitted_by: userId,
      mood_0_10: Math.min(10, 4 + Math.round(improvement(course, day / 7) * 6)),
      sleep_hours: 7,
      craving_0_10: 0,
      used_outside_session: false,
      bladder_symptoms: false,
      cognitive_complaint: false,
      side_effects: [],
      note: null,
    });
  }

  // Integration sessions with the coach every two weeks from day 3: attended, or missed now and then.
  for (let day = 3; day <= lastDay; day += 14) {
    const startsAt = at(day);
    startsAt.setUTCHours(8 + (i % 10), 0, 0, 0);
    const endsAt = new Date(startsAt.getTime() + 60 * MINUTE);
    const appointmentId = crypto.randomUUID();
    const attended = random() > 0.15;
    rows.appointments.push({
      id: appointmentId,
      patient_id: patientId,
      staff_id: coachId,
      kind: 'integration',
      modality: 'audio_video',
      starts_at: startsAt,
      ends_at: endsAt,
      status: attended ? 'completed' : 'missed',
      status_changed_at: endsAt,
      status_changed_by: coachId,
      booked_by: coachId,
      created_at: at(day - 7),
      series_id: null,
      series_index: null,
      sitter_user_id: null,
      follow_up_id: null,
      rescheduled_from_id: null,
      cancel_reason: null,
      cancelled_at: null,
      cancelled_by: null,
    });
    for (let slot = startsAt.getTime(); slot < endsAt.getTime(); slot += 15 * MINUTE) {
      rows.appointment_slots.push({ staff_id: coachId, slot_start: new Date(slot), appointment_id: appointmentId, patient_id: patientId });
    }

  }

  // Warning signs for about a quarter of the cohort: craving that came and went; one patient pressing for early
  // refills and higher doses, who reached high risk, had dosing held and was cleared after a review.
  const watched = i % 4 === 1;
  const highRisk = i === 9;
  if ((watched || highRisk) && lastDay > 60) {
    const signals = highRisk ? ['EARLY_REFILL_REQUEST', 'DOSE_ESCALATION_PRESSURE'] : ['CRAVING'];
    const tier = highRisk ? 'high' : 'elevated';
    riskEvaluation(rows, patientId, at(35), tier, 'low', signals);
    riskEvaluation(rows, patientId, at(63), 'low', tier, []);
    alert(rows, ctx, patientId, clinicianId, {
      code: highRisk ? 'DEPENDENCE_RISK_BECAME_HIGH' : 'CRAVING',
      severity: highRisk ? 'high' : 'moderate',
      title: highRisk ? 'Dependence risk became high' : 'Craving reported in check-ins',
      holdsDosing: highRisk,
      raisedAt: at(35, 5),
      acknowledgeAfterMinutes: 20 + Math.floor(random() * 180),
      resolution: highRisk ? 'cleared_to_dose' : 'contacted_patient',
      escalated: random() < 0.3,
    });
  }
  // Sitter-check and message alerts, acknowledged at varied speeds.
  if (random() < 0.5 && lastDay > 10) {
    alert(rows, ctx, patientId, clinicianId, {
      code: random() < 0.5 ? 'SITTER_CHECK_OVERDUE' : 'MESSAGE_REPLY_OVERDUE',
      severity: 'moderate',
      title: 'Follow-up needed',
      holdsDosing: false,
      raisedAt: at(10, 45),
      acknowledgeAfterMinutes: 5 + Math.floor(random() * 90),
      resolution: 'no_action_needed',
      escalated: false,
    });
  }
  await insertRows(ctx, rows);
}

function riskEvaluation(rows: Rows, patientId: string, at: Date, tier: 'low' | 'elevated' | 'high', previous: 'low' | 'elevated' | 'high', signals: string[]) {
  rows.risk_evaluations.push({
    id: crypto.randomUUID(),
    patient_id: patientId,
    evaluated_at: at,
    tier,
    previous_tier: previous,
    trigger: 'nightly',
    signals: JSON.stringify(signals.map((code) => ({ code, severity: 'moderate', evidence: [], summary: 'Seen in the check-ins and requests of the week.' }))),
    signal_codes: signals,
    factors: JSON.stringify([]),
    explanation: JSON.stringify([]),
  });
}

function alert(
  rows: Rows,
  ctx: DemoContext,
  patientId: string,
  clinicianId: string,
  a: { code: string; severity: 'moderate' | 'high'; title: string; holdsDosing: boolean; raisedAt: Date; acknowledgeAfterMinutes: number; resolution: string; escalated: boolean },
) {
  const acknowledgedAt = new Date(a.raisedAt.getTime() + a.acknowledgeAfterMinutes * MINUTE);
  rows.alerts.push({
    id: crypto.randomUUID(),
    patient_id: patientId,
    code: a.code,
    cause: `demo-alumni:${a.code}:${a.raisedAt.toISOString()}`,
    severity: a.severity,
    title: a.title,
    status: 'resolved',
    holds_dosing: a.holdsDosing,
    owner_id: clinicianId,
    raised_at: a.raisedAt,
    escalate_at: new Date(a.raisedAt.getTime() + 60 * MINUTE),
    escalated_at: a.escalated ? new Date(a.raisedAt.getTime() + 60 * MINUTE) : null,
    escalated_to: a.escalated ? ctx.users.clinician : null,
    acknowledged_at: acknowledgedAt,
    acknowledged_by: clinicianId,
    resolved_at: new Date(acknowledgedAt.getTime() + 2 * DAY),
    resolved_by: clinicianId,
    resolution_action: a.resolution,
    resolution_note: 'Reviewed with the patient.',
    evidence: JSON.stringify([]),
    recommended_actions: JSON.stringify([]),
    patient_message: null,
  });
}

const alumniStep: DemoStep = async (ctx) => {
  const clinicianId = await alumniStaff(ctx, 'alumni.clinician@keel.demo', 'Dr. Jordan Ellis (demo)', 'clinician');
  const coachId = await alumniStaff(ctx, 'alumni.coach@keel.demo', 'Sasha Reed (demo coach)', 'coach');
  for (let i = 0; i < ALUMNI; i++) await alumnus(ctx, i, clinicianId, coachId);
};

export const outcomesDemoSteps: DemoStep[] = [alumniStep];
