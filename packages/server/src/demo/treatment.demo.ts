// Demo data for treatment: Sam (patient@) mid-induction with a signed plan, medication on hand, three completed
// sessions and one scheduled for today; two synthetic patients whose attempts were blocked (blood pressure, the
// minimum interval) and one of whom reported a theft. Every gate decision here is made by the real gate over the
// rows as seeded (`loadGateInput` + `evaluateGate`), so the stored reasons read exactly as the live ones would.
import { authorizationExpiresAt, defaultDosingSettings, evaluateGate, samplePlanTerms, type TreatmentPlanTerms } from '@keel/domain';
import { sha256Hex } from '../auth/tokens.ts';
import { recordDigest } from '../use-cases/identity/signatures.ts';
import { currentConsent } from '../use-cases/intake/consent-document.ts';
import { requiredEducationSlugs } from '../use-cases/intake/education-library.ts';
import { loadProgramSettings } from '../use-cases/settings/program-settings.service.ts';
import { loadGateInput } from '../use-cases/treatment/gate-input.ts';
import { recordDemoPathway, recordDemoPdmpCheck } from './compliance.demo.ts';
import type { DemoContext, DemoStep } from './demo-context.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ago = (ctx: DemoContext, ms: number): Date => new Date(ctx.now.getTime() - ms);

async function signature(ctx: DemoContext, signerId: string, meaning: 'prescribed' | 'consented', recordType: string, recordId: string, record: unknown, at: Date): Promise<string> {
  const signer = await ctx.tx.selectFrom('users').select('name').where('id', '=', signerId).executeTakeFirstOrThrow();
  const id = crypto.randomUUID();
  await ctx.tx
    .insertInto('signatures')
    .values({ id, signer_id: signerId, printed_name: signer.name, meaning, signed_at: at, record_type: recordType, record_id: recordId, record_sha256: recordDigest(record) })
    .execute();
  return id;
}

async function signedPlan(ctx: DemoContext, patientId: string, terms: TreatmentPlanTerms, at: Date): Promise<string> {
  const id = crypto.randomUUID();
  const signatureId = await signature(ctx, ctx.users.clinician, 'prescribed', 'plan', id, terms, at);
  await ctx.tx
    .insertInto('treatment_plans')
    .values({
      id,
      patient_id: patientId,
      version: 1,
      status: 'active',
      terms: JSON.stringify(terms),
      terms_sha256: recordDigest(terms),
      created_by: ctx.users.clinician,
      created_at: new Date(at.getTime() - HOUR),
      updated_at: at,
      based_on_id: null,
      signed_by: ctx.users.clinician,
      signed_at: at,
      signature_id: signatureId,
      supersedes_id: null,
    })
    .execute();
  await ctx.tx.updateTable('patients').set({ status: 'active' }).where('id', '=', patientId).where('status', 'in', ['approved', 'active']).execute();
  return id;
}

async function dispense(ctx: DemoContext, patientId: string, planId: string, units: number, at: Date): Promise<void> {
  const patient = await ctx.tx.selectFrom('patients').select(['name', 'address']).where('id', '=', patientId).executeTakeFirstOrThrow();
  const clinician = await ctx.tx.selectFrom('users').select('dea_registration').where('id', '=', ctx.users.clinician).executeTakeFirstOrThrow();
  const id = crypto.randomUUID();
  await ctx.tx
    .insertInto('dispenses')
    .values({
      id,
      patient_id: patientId,
      substance: 'ketamine',
      form: 'sublingual_tablet',
      strength_mg: 300,
      units,
      dispensed_at: at,
      patient_name: patient.name,
      ship_to: patient.address ?? '1 Demo Way, Oakland, CA 94607',
      prescriber_id: ctx.users.clinician,
      prescriber_dea_registration: clinician.dea_registration ?? 'FM0000000',
      plan_id: planId,
      dispenser: 'Demo Compounding Pharmacy',
      recorded_by: ctx.users.clinician,
      created_at: at,
    })
    .execute();
  await ctx.tx
    .insertInto('ledger_entries')
    .values({ id: crypto.randomUUID(), patient_id: patientId, kind: 'dispensed', units, occurred_at: at, recorded_by: ctx.users.clinician, recorded_at: at, dispense_id: id })
    .execute();
}

/** A signed-in session of the sitter at that time (attestations must come from the sitter's own login). */
async function sitterLogin(ctx: DemoContext, sitterUserId: string, at: Date): Promise<string> {
  const id = crypto.randomUUID();
  await ctx.tx
    .insertInto('auth_sessions')
    .values({
      id,
      token_hash: sha256Hex(`demo-session:${id}`),
      user_id: sitterUserId,
      created_at: at,
      last_seen_at: new Date(at.getTime() + 2 * HOUR),
      idle_timeout_minutes: 30,
      expires_at: new Date(at.getTime() + 12 * HOUR),
      revoked_at: new Date(at.getTime() + 3 * HOUR),
      client_address: null,
    })
    .execute();
  return id;
}

interface Attempt {
  patientId: string;
  userId: string;
  sitterUserId: string;
  sessionId: string;
  at: Date;
  vitals?: { systolicMmHg: number; diastolicMmHg: number; heartRateBpm: number };
}

/** Records the three pre-dose inputs a few minutes before `at`, then asks the real gate, and stores its decision. */
async function attempt(ctx: DemoContext, a: Attempt): Promise<'authorized' | 'blocked'> {
  const { tx } = ctx;
  const before = new Date(a.at.getTime() - 5 * MINUTE);
  await tx
    .insertInto('sitter_attestations')
    .values({ id: crypto.randomUUID(), patient_id: a.patientId, session_id: a.sessionId, sitter_user_id: a.sitterUserId, auth_session_id: await sitterLogin(ctx, a.sitterUserId, before), present: true, sober: true, attested_at: before })
    .execute();
  const v = a.vitals ?? { systolicMmHg: 122, diastolicMmHg: 78, heartRateBpm: 70 };
  await tx
    .insertInto('session_vitals')
    .values({ id: crypto.randomUUID(), patient_id: a.patientId, session_id: a.sessionId, phase: 'pre', systolic_mmhg: v.systolicMmHg, diastolic_mmhg: v.diastolicMmHg, heart_rate_bpm: v.heartRateBpm, spo2_pct: 98, taken_at: before, recorded_by: a.userId })
    .execute();
  await tx
    .insertInto('session_checklists')
    .values({ id: crypto.randomUUID(), patient_id: a.patientId, session_id: a.sessionId, attested_at: before, fasted_hours: 5, alcohol_24h: false, sedatives_24h: false, cannabis_24h: false, new_medication: false, safe_setting: true, recorded_by: a.userId })
    .execute();
  const patient = await tx.selectFrom('patients').select('status').where('id', '=', a.patientId).executeTakeFirstOrThrow();
  const settings = await loadProgramSettings(tx);
  const { input, refs } = await loadGateInput(tx, { patientId: a.patientId, patientStatus: patient.status, sessionId: a.sessionId, requestedDoseMg: null, now: a.at });
  const decision = evaluateGate(input, a.at, settings.dosing);
  const reasons = decision.kind === 'blocked' ? [...decision.reasons] : [];
  await tx
    .insertInto('gate_evaluations')
    .values({
      id: crypto.randomUUID(),
      patient_id: a.patientId,
      session_id: a.sessionId,
      evaluated_at: a.at,
      outcome: decision.kind,
      reason_codes: reasons.map((r) => r.code),
      reasons: JSON.stringify(reasons),
      dose_mg: decision.kind === 'authorized' ? decision.doseMg : null,
      actor_id: a.userId,
      inputs: JSON.stringify(refs),
    })
    .execute();
  if (decision.kind === 'authorized') {
    await tx
      .updateTable('dosing_sessions')
      .set({ status: 'authorized', authorized_at: a.at, authorization_expires_at: authorizationExpiresAt(a.at, defaultDosingSettings), dose_mg: decision.doseMg })
      .where('id', '=', a.sessionId)
      .execute();
    await tx
      .insertInto('ledger_entries')
      .values({ id: crypto.randomUUID(), patient_id: a.patientId, kind: 'administered', units: refs.unitsPerDose, occurred_at: a.at, recorded_by: a.userId, recorded_at: a.at, session_id: a.sessionId })
      .execute();
  }
  return decision.kind;
}

async function scheduledSession(ctx: DemoContext, patientId: string, planId: string, createdBy: string, at: Date): Promise<string> {
  const id = crypto.randomUUID();
  await ctx.tx
    .insertInto('dosing_sessions')
    .values({ id, patient_id: patientId, plan_id: planId, status: 'scheduled', scheduled_for: at, created_by: createdBy, created_at: new Date(at.getTime() - DAY) })
    .execute();
  return id;
}

/** A whole session: authorized by the gate, sitter checks every 15 minutes, vitals at 40 minutes, assessment. */
async function completedSession(ctx: DemoContext, who: { patientId: string; userId: string; sitterUserId: string; planId: string }, at: Date): Promise<string> {
  const sessionId = await scheduledSession(ctx, who.patientId, who.planId, who.userId, at);
  const outcome = await attempt(ctx, { ...who, sessionId, at });
  // The seeded history must be one the gate allows; a refusal here means the demo story is inconsistent.
  if (outcome !== 'authorized') {
    const evaluation = await ctx.tx.selectFrom('gate_evaluations').select('reason_codes').where('session_id', '=', sessionId).executeTakeFirst();
    throw new Error(`demo: a seeded session was not authorized by the gate (${(evaluation?.reason_codes ?? []).join(', ')})`);
  }
  const { tx } = ctx;
  const startedAt = new Date(at.getTime() + 2 * MINUTE);
  await tx.updateTable('dosing_sessions').set({ status: 'in_progress', started_at: startedAt }).where('id', '=', sessionId).execute();
  for (let minute = 15; minute <= 90; minute += 15) {
    await tx
      .insertInto('sitter_checks')
      .values({ id: crypto.randomUUID(), patient_id: who.patientId, session_id: sessionId, sitter_user_id: who.sitterUserId, checked_at: new Date(startedAt.getTime() + minute * MINUTE), responsive: true, breathing_normally: true, concern: false })
      .execute();
  }
  await tx
    .insertInto('session_vitals')
    .values({ id: crypto.randomUUID(), patient_id: who.patientId, session_id: sessionId, phase: 'during', systolic_mmhg: 138, diastolic_mmhg: 84, heart_rate_bpm: 86, spo2_pct: 97, taken_at: new Date(startedAt.getTime() + 40 * MINUTE), recorded_by: who.sitterUserId })
    .execute();
  const completedAt = new Date(startedAt.getTime() + 100 * MINUTE);
  // A session closes only on the sitter's own back-to-baseline confirmation after the observation time.
  await tx
    .insertInto('sitter_baseline_confirmations')
    .values({ id: crypto.randomUUID(), patient_id: who.patientId, session_id: sessionId, sitter_user_id: who.sitterUserId, confirmed_at: new Date(completedAt.getTime() - 5 * MINUTE), back_to_baseline: true, note: null })
    .execute();
  await tx.updateTable('dosing_sessions').set({ status: 'completed', completed_at: completedAt }).where('id', '=', sessionId).execute();
  await tx
    .insertInto('post_session_assessments')
    .values({ id: crypto.randomUUID(), patient_id: who.patientId, session_id: sessionId, side_effects: ['mild nausea', 'dizziness'], dissociation_0_10: 6, nausea_0_10: 2, mood_0_10: 7, sitter_confirms_baseline: true, submitted_by: who.sitterUserId, submitted_at: completedAt })
    .execute();
  return sessionId;
}

/** The follow-up the cadence asks for after the first session, held and completed by a video visit. */
async function followUpVisit(ctx: DemoContext, patientId: string, dueAt: Date, visitAt: Date): Promise<void> {
  const visitId = crypto.randomUUID();
  await ctx.tx
    .insertInto('clinician_visits')
    .values({ id: visitId, patient_id: patientId, clinician_id: ctx.users.clinician, occurred_at: visitAt, modality: 'audio_video', patient_state: 'CA', prescriber_license_state: 'CA', prescriber_dea_registration: 'FM0000000', in_person_evaluation_on: null, appointment_id: null, note: 'Tolerated the first session well; continue induction.', created_at: visitAt })
    .execute();
  await ctx.tx
    .insertInto('follow_ups')
    .values({ id: crypto.randomUUID(), patient_id: patientId, reason: 'Follow-up visit after the first session', cause: 'session-count:1', due_at: dueAt, status: 'completed', created_at: dueAt, completed_at: visitAt, completed_by: ctx.users.clinician, visit_id: visitId })
    .onConflict((oc) => oc.columns(['patient_id', 'cause']).doNothing())
    .execute();
}

const samStep: DemoStep = async (ctx) => {
  const patientId = ctx.patients.patient;
  const who = { patientId, userId: ctx.users.patient, sitterUserId: ctx.users.sitter };
  const planId = await signedPlan(ctx, patientId, samplePlanTerms({ currentDoseMg: 300, maximumDoseMg: 450, goals: ['PHQ-9 below 10 by the end of induction', 'Return to part-time work'] }), ago(ctx, 17 * DAY));
  await dispense(ctx, patientId, planId, 6, ago(ctx, 16 * DAY));
  const first = ago(ctx, 14 * DAY);
  await completedSession(ctx, { ...who, planId }, first);
  await followUpVisit(ctx, patientId, new Date(first.getTime() + 2 * HOUR), ago(ctx, 12 * DAY));
  await completedSession(ctx, { ...who, planId }, ago(ctx, 10 * DAY));
  await completedSession(ctx, { ...who, planId }, ago(ctx, 6 * DAY));
  // A pill count by video yesterday: 3 counted, 3 expected — the ledger reconciles.
  await ctx.tx
    .insertInto('ledger_entries')
    .values({ id: crypto.randomUUID(), patient_id: patientId, kind: 'counted', units: 0, counted_units: 3, expected_units: 3, occurred_at: ago(ctx, DAY), recorded_by: ctx.users.clinician, recorded_at: ago(ctx, DAY), note: 'Video pill count' })
    .execute();
  // Later today: an hour from now, but never past the end of the day (a demo started at 23:30 still shows "today").
  const endOfDay = new Date(ctx.now);
  endOfDay.setUTCHours(23, 55, 0, 0);
  const later = Math.max(ctx.now.getTime(), Math.min(ctx.now.getTime() + HOUR, endOfDay.getTime()));
  await scheduledSession(ctx, patientId, planId, ctx.users.patient, new Date(later));
};

interface SyntheticPatient {
  key: string;
  name: string;
  email: string;
  sitterName: string;
  sitterEmail: string;
}

async function syntheticPatient(ctx: DemoContext, p: SyntheticPatient) {
  const userId = crypto.randomUUID();
  const sitterUserId = crypto.randomUUID();
  const patientId = crypto.randomUUID();
  const enrolled = ago(ctx, 30 * DAY);
  for (const [id, email, name, role] of [[userId, p.email, p.name, 'patient'], [sitterUserId, p.sitterEmail, p.sitterName, 'sitter']] as const) {
    await ctx.tx
      .insertInto('users')
      .values({ id, email, name, role, password_hash: ctx.passwordHash, mfa_secret: null, mfa_last_step: null, dea_registration: null, is_demo: true, deactivated_at: null })
      .execute();
  }
  await ctx.tx
    .insertInto('patients')
    .values({ id: patientId, user_id: userId, name: p.name, date_of_birth: '1987-03-09', state: 'CA', sex_at_birth: 'female', address: '300 Sample Lane, San Jose, CA 95112', is_demo: true, status: 'approved', created_at: enrolled })
    .execute();
  await ctx.tx
    .insertInto('care_team_members')
    .values({ id: crypto.randomUUID(), patient_id: patientId, user_id: ctx.users.clinician, member_role: 'clinician', is_primary: true, assigned_at: enrolled, assigned_by: ctx.users.admin, unassigned_at: null })
    .execute();
  await ctx.tx
    .insertInto('sitter_assignments')
    .values({ id: crypto.randomUUID(), patient_id: patientId, invite_email: p.sitterEmail, invite_name: p.sitterName, relationship: 'sibling', sitter_user_id: sitterUserId, status: 'active', invite_token_hash: null, invite_expires_at: null, invited_by: userId, created_at: enrolled, accepted_at: enrolled, removed_at: null, removed_by: null })
    .execute();
  const consent = currentConsent();
  const consentId = crypto.randomUUID();
  const signatureId = await signature(ctx, userId, 'consented', 'consent', consentId, { version: consent.version, sha256: consent.sha256 }, enrolled);
  await ctx.tx.insertInto('consent_signatures').values({ id: consentId, patient_id: patientId, version: consent.version, document_sha256: consent.sha256, signature_id: signatureId, signed_at: enrolled }).execute();
  for (const slug of requiredEducationSlugs()) {
    await ctx.tx.insertInto('education_completions').values({ patient_id: patientId, slug, completed_at: enrolled }).execute();
  }
  ctx.patients[p.key] = patientId;
  await recordDemoPathway(ctx, patientId, p.key, enrolled);
  await recordDemoPdmpCheck(ctx, patientId, ago(ctx, 22 * DAY));
  const planId = await signedPlan(ctx, patientId, samplePlanTerms(), ago(ctx, 21 * DAY));
  await dispense(ctx, patientId, planId, 4, ago(ctx, 20 * DAY));
  return { patientId, userId, sitterUserId, planId };
}

/** Dana: blood pressure above the hold twice this morning; the session waits. */
const bloodPressureStep: DemoStep = async (ctx) => {
  const dana = await syntheticPatient(ctx, { key: 'bpHold', name: 'Dana Whitfield', email: 'dana.demo@keel.demo', sitterName: 'Chris Whitfield', sitterEmail: 'chris.demo@keel.demo' });
  const first = ago(ctx, 9 * DAY);
  await completedSession(ctx, dana, first);
  await followUpVisit(ctx, dana.patientId, new Date(first.getTime() + 2 * HOUR), ago(ctx, 7 * DAY));
  const today = await scheduledSession(ctx, dana.patientId, dana.planId, dana.userId, ago(ctx, 2 * HOUR));
  await attempt(ctx, { ...dana, sessionId: today, at: ago(ctx, 2 * HOUR), vitals: { systolicMmHg: 172, diastolicMmHg: 104, heartRateBpm: 92 } });
  await attempt(ctx, { ...dana, sessionId: today, at: ago(ctx, 90 * MINUTE), vitals: { systolicMmHg: 166, diastolicMmHg: 98, heartRateBpm: 88 } });
};

/** Elliot: asked twice to dose again a day after a session (the minimum interval held), and reported a theft. */
const intervalAndLossStep: DemoStep = async (ctx) => {
  const elliot = await syntheticPatient(ctx, { key: 'intervalLoss', name: 'Elliot Brandt', email: 'elliot.demo@keel.demo', sitterName: 'Sasha Brandt', sitterEmail: 'sasha.demo@keel.demo' });
  const first = ago(ctx, 9 * DAY);
  await completedSession(ctx, elliot, first);
  await followUpVisit(ctx, elliot.patientId, new Date(first.getTime() + 2 * HOUR), ago(ctx, 7 * DAY));
  await completedSession(ctx, elliot, ago(ctx, 30 * HOUR));
  await ctx.tx
    .insertInto('ledger_entries')
    .values({ id: crypto.randomUUID(), patient_id: elliot.patientId, kind: 'lost', units: 1, loss_kind: 'stolen', circumstances: 'Bag taken from the car; police report filed.', occurred_at: ago(ctx, 20 * HOUR), recorded_by: elliot.userId, recorded_at: ago(ctx, 20 * HOUR) })
    .execute();
  const today = await scheduledSession(ctx, elliot.patientId, elliot.planId, elliot.userId, ago(ctx, 3 * HOUR));
  await attempt(ctx, { ...elliot, sessionId: today, at: ago(ctx, 3 * HOUR) });
  await attempt(ctx, { ...elliot, sessionId: today, at: ago(ctx, 80 * MINUTE) });
};

/** Demo data for the treatment part of the program. */
export const treatmentDemoSteps: DemoStep[] = [samStep, bloodPressureStep, intervalAndLossStep];
