// The session gate's input as the loader assembles it from the database (use-cases/treatment/gate-input.ts), read
// in full: every fact the gate decides from, which row of several it takes (the latest by time, then by insertion),
// what it leaves out (an ended assignment, a closed follow-up, another session's reserved dose), and the stored
// evaluation. The expected values are written out by hand from the rows each test plants; the clock starts at
// 2026-06-01T12:00:00.000Z in every test.
import { samplePlanTerms, type GateDecision } from '@keel/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/transaction.ts';
import { loadGateInput, recordGateEvaluation, type GateInputRefs } from '../../src/use-cases/treatment/gate-input.ts';
import { createUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { MINUTE, DAY, authorize, createWorld, dispense, prepare, readyWorld, schedule, signedPlan, type World } from './treatment-world.ts';

const T0 = '2026-06-01T12:00:00.000Z';
const REQUIRED_SLUGS = ['what-to-expect', 'at-home-safety-rules', 'the-sitters-role', 'dependence-and-warning-signs', 'when-to-call-for-help'];

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.clock.set(T0);
});

const load = (w: World, sessionId: string, extra: { patientStatus?: string; requestedDoseMg?: number | null; stage?: 'authorize' | 'start' } = {}) =>
  inTransaction(t.database.db, (tx) =>
    loadGateInput(tx, {
      patientId: w.patient.patientId,
      patientStatus: extra.patientStatus ?? 'active',
      sessionId,
      requestedDoseMg: extra.requestedDoseMg === undefined ? 300 : extra.requestedDoseMg,
      now: t.clock.now(),
      ...(extra.stage ? { stage: extra.stage } : {}),
    }),
  );

async function authSessionOf(userId: string): Promise<string> {
  const row = await t.database.db.selectFrom('auth_sessions').select('id').where('user_id', '=', userId).orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
  return row.id;
}

const at = (ms: number) => new Date(Date.parse(T0) + ms);

describe('loadGateInput', () => {
  it('assembles every fact of a session prepared to dose, with the ids of the rows it read', async () => {
    const w = await readyWorld(t, 3);
    const sessionId = await schedule(w);
    await prepare(w, sessionId);
    const db = t.database.db;
    const plan = await db.selectFrom('treatment_plans').select(['id', 'terms_sha256']).where('patient_id', '=', w.patient.patientId).executeTakeFirstOrThrow();
    const attestation = await db.selectFrom('sitter_attestations').select('id').where('session_id', '=', sessionId).executeTakeFirstOrThrow();
    const vitals = await db.selectFrom('session_vitals').select(['id', 'seq']).where('session_id', '=', sessionId).executeTakeFirstOrThrow();
    const checklist = await db.selectFrom('session_checklists').select('id').where('session_id', '=', sessionId).executeTakeFirstOrThrow();

    const { input, refs, assignedSitterIds } = await load(w, sessionId);
    const { prescribing, education, ...rest } = input;
    expect(rest).toEqual({
      intakeStatus: 'approved',
      consent: { signedVersion: '1', currentVersion: '1' },
      activePlan: {
        planId: plan.id,
        version: 1,
        status: 'active',
        terms: samplePlanTerms(),
        termsSha256: plan.terms_sha256,
        signature: { signedBy: w.clinician.id, signedAt: T0, termsSha256: plan.terms_sha256 },
      },
      requestedDoseMg: 300,
      previousDoseTimes: [],
      ledger: { onHandUnits: 3, unitsPerDose: 1 },
      sitterAttestation: { sitterUserId: w.sitter.id, assignedSitterIds: [w.sitter.id], attestedAt: T0, present: true, sober: true, attestedInOwnSession: true },
      preDoseVitals: { takenAt: T0, systolicMmHg: 124, diastolicMmHg: 78, heartRateBpm: 72, spo2Pct: 98 },
      checklist: { attestedAt: T0, fastedHours: 6, alcohol24h: false, sedatives24h: false, cannabis24h: false, newMedication: false, safeSetting: true },
      openAlerts: [],
      followUpDue: null,
      lastClinicianVisitAt: null,
      lastSessionAt: null,
    });
    expect(education.requiredSlugs).toEqual(REQUIRED_SLUGS);
    expect([...education.completedSlugs].sort()).toEqual([...REQUIRED_SLUGS].sort());
    // The prescribing facts for a dose, without the action (the gate asks about a dose itself).
    expect(Object.keys(prescribing).sort()).toEqual(['pathway', 'patientState', 'pdmpCheckedAt', 'prescriber']);
    expect(prescribing).toMatchObject({ patientState: 'CA', prescriber: { id: w.clinician.id }, pdmpCheckedAt: [T0, T0, T0] });
    expect(refs).toEqual({ planId: plan.id, attestationId: attestation.id, vitalsId: vitals.id, vitalsSeq: vitals.seq, checklistId: checklist.id, unitsPerDose: 1, onHandUnits: 3 });
    expect(assignedSitterIds).toEqual([w.sitter.id]);
  });

  it('passes everything missing as null, and the intake status as it is unless approved or active', async () => {
    const w = await createWorld(t, { enrol: false });
    const sessionId = crypto.randomUUID();
    const { input, refs } = await load(w, sessionId, { patientStatus: 'submitted', requestedDoseMg: null });
    expect(input).toMatchObject({
      intakeStatus: 'submitted',
      consent: { signedVersion: null, currentVersion: '1' },
      education: { requiredSlugs: REQUIRED_SLUGS, completedSlugs: [] },
      activePlan: null,
      requestedDoseMg: null,
      previousDoseTimes: [],
      ledger: { onHandUnits: 0, unitsPerDose: 1 },
      sitterAttestation: null,
      preDoseVitals: null,
      checklist: null,
      openAlerts: [],
      followUpDue: null,
      lastClinicianVisitAt: null,
      lastSessionAt: null,
    });
    expect(refs).toEqual({ planId: null, attestationId: null, vitalsId: null, vitalsSeq: null, checklistId: null, unitsPerDose: 1, onHandUnits: 0 });
    expect((await load(w, sessionId, { patientStatus: 'approved' })).input.intakeStatus).toBe('approved');
    expect((await load(w, sessionId, { patientStatus: 'active' })).input.intakeStatus).toBe('approved');
  });

  it('counts units per dose from the plan dose and the latest strength dispensed', async () => {
    const w = await createWorld(t);
    await signedPlan(w);
    await dispense(w, 4, 150);
    const { input, refs } = await load(w, crypto.randomUUID());
    expect(input.ledger).toEqual({ onHandUnits: 4, unitsPerDose: 2 });
    expect(refs).toMatchObject({ unitsPerDose: 2, onHandUnits: 4 });
  });

  it('takes the newest consent version signed', async () => {
    const w = await createWorld(t);
    for (const version of [3, 2]) {
      const signatureId = crypto.randomUUID();
      await t.database.db
        .insertInto('signatures')
        .values({ id: signatureId, signer_id: w.patient.id, printed_name: 'Test Patient', meaning: 'consented', signed_at: t.clock.now(), record_type: 'consent', record_id: crypto.randomUUID(), record_sha256: 'f'.repeat(64) })
        .execute();
      await t.database.db
        .insertInto('consent_signatures')
        .values({ id: crypto.randomUUID(), patient_id: w.patient.patientId, version, document_sha256: 'f'.repeat(64), signature_id: signatureId, signed_at: t.clock.now() })
        .execute();
    }
    expect((await load(w, crypto.randomUUID())).input.consent).toEqual({ signedVersion: '3', currentVersion: '1' });
  });

  it('passes an unsigned plan with no signature, and terms that cannot be read as stored', async () => {
    const w = await createWorld(t);
    const id = crypto.randomUUID();
    const stored = { ...samplePlanTerms(), goals: [] };
    await t.database.db
      .insertInto('treatment_plans')
      .values({ id, patient_id: w.patient.patientId, version: 1, status: 'active', terms: JSON.stringify(stored), terms_sha256: 'a'.repeat(64), created_by: w.clinician.id, created_at: t.clock.now(), updated_at: t.clock.now(), based_on_id: null, signed_by: null, signed_at: null, signature_id: null, supersedes_id: null })
      .execute();
    const { input, refs } = await load(w, crypto.randomUUID());
    expect(input.activePlan).toMatchObject({ planId: id, version: 1, status: 'active', terms: stored, signature: null });
    expect(input.activePlan?.termsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(input.activePlan?.termsSha256).not.toBe('a'.repeat(64));
    expect(refs.planId).toBe(id);
  });

  it('takes the latest attestation, vitals and checklist by time, then by insertion; only pre-dose vitals', async () => {
    const w = await readyWorld(t);
    const sessionId = await schedule(w);
    const db = t.database.db;
    const sitterAuth = await authSessionOf(w.sitter.id);
    const patientAuth = await authSessionOf(w.patient.id);
    const base = { patient_id: w.patient.patientId, session_id: sessionId };
    // Inserted in this order: the middle time first, then the same time again (newer by insertion), then an older time.
    const attestations = [
      { id: crypto.randomUUID(), attested_at: at(-5 * MINUTE), sober: true, present: true, auth_session_id: sitterAuth },
      { id: crypto.randomUUID(), attested_at: at(-5 * MINUTE), sober: false, present: true, auth_session_id: patientAuth },
      { id: crypto.randomUUID(), attested_at: at(-10 * MINUTE), sober: true, present: false, auth_session_id: sitterAuth },
    ];
    for (const a of attestations) await db.insertInto('sitter_attestations').values({ ...base, ...a, sitter_user_id: w.sitter.id }).execute();
    const vitals = [
      { id: crypto.randomUUID(), taken_at: at(-5 * MINUTE), systolic_mmhg: 121, phase: 'pre' as const },
      { id: crypto.randomUUID(), taken_at: at(-5 * MINUTE), systolic_mmhg: 122, phase: 'pre' as const },
      { id: crypto.randomUUID(), taken_at: at(-10 * MINUTE), systolic_mmhg: 123, phase: 'pre' as const },
      { id: crypto.randomUUID(), taken_at: at(-1 * MINUTE), systolic_mmhg: 129, phase: 'post' as const },
    ];
    for (const v of vitals) await db.insertInto('session_vitals').values({ ...base, ...v, diastolic_mmhg: 80, heart_rate_bpm: 70, spo2_pct: null, recorded_by: w.patient.id }).execute();
    const checklists = [
      { id: crypto.randomUUID(), attested_at: at(-5 * MINUTE), fasted_hours: 5 },
      { id: crypto.randomUUID(), attested_at: at(-5 * MINUTE), fasted_hours: 7 },
      { id: crypto.randomUUID(), attested_at: at(-10 * MINUTE), fasted_hours: 9 },
    ];
    for (const c of checklists) {
      await db.insertInto('session_checklists').values({ ...base, ...c, alcohol_24h: false, sedatives_24h: true, cannabis_24h: false, new_medication: true, safe_setting: false, recorded_by: w.patient.id }).execute();
    }
    const vitalsRow = await db.selectFrom('session_vitals').select('seq').where('id', '=', vitals[1]!.id).executeTakeFirstOrThrow();

    const { input, refs } = await load(w, sessionId);
    expect(input.sitterAttestation).toEqual({
      sitterUserId: w.sitter.id,
      assignedSitterIds: [w.sitter.id],
      attestedAt: '2026-06-01T11:55:00.000Z',
      present: true,
      sober: false,
      // Recorded under the patient's login, not the sitter's own.
      attestedInOwnSession: false,
    });
    expect(input.preDoseVitals).toEqual({ takenAt: '2026-06-01T11:55:00.000Z', systolicMmHg: 122, diastolicMmHg: 80, heartRateBpm: 70, spo2Pct: null });
    expect(input.checklist).toEqual({ attestedAt: '2026-06-01T11:55:00.000Z', fastedHours: 7, alcohol24h: false, sedatives24h: true, cannabis24h: false, newMedication: true, safeSetting: false });
    expect(refs).toMatchObject({ attestationId: attestations[1]!.id, vitalsId: vitals[1]!.id, vitalsSeq: vitalsRow.seq, checklistId: checklists[1]!.id });
  });

  it('lists only the active assignments that have a sitter', async () => {
    const w = await readyWorld(t);
    const sessionId = await schedule(w);
    await prepare(w, sessionId, ['vitals', 'checklist']);
    const second = await createUser(t, 'sitter');
    const assignment = (sitter: string | null, status: 'invited' | 'active' | 'removed') => ({
      id: crypto.randomUUID(),
      patient_id: w.patient.patientId,
      invite_email: `${crypto.randomUUID()}@example.test`,
      invite_name: 'Test Sitter',
      relationship: 'friend',
      sitter_user_id: sitter,
      status,
      invite_token_hash: null,
      invite_expires_at: null,
      invited_by: w.patient.id,
      created_at: t.clock.now(),
      accepted_at: t.clock.now(),
      removed_at: null,
      removed_by: null,
    });
    await t.database.db
      .insertInto('sitter_assignments')
      .values([assignment(second.id, 'active'), assignment(w.otherSitter.id, 'removed'), assignment(w.otherSitter.id, 'invited'), assignment(null, 'active')])
      .execute();
    const { input, assignedSitterIds } = await load(w, sessionId);
    const expected = [w.sitter.id, second.id].sort();
    expect([...assignedSitterIds].sort()).toEqual(expected);
    expect([...(input.sitterAttestation?.assignedSitterIds ?? [])].sort()).toEqual(expected);
  });

  it('takes the earliest follow-up still due and the latest clinician visit', async () => {
    const w = await createWorld(t);
    const db = t.database.db;
    const followUp = (dueAt: Date, status: 'due' | 'completed' | 'cancelled') => ({
      id: crypto.randomUUID(),
      patient_id: w.patient.patientId,
      reason: 'Check-in',
      cause: `test:${crypto.randomUUID()}`,
      due_at: dueAt,
      status,
      created_at: t.clock.now(),
      completed_at: null,
      completed_by: null,
      visit_id: null,
    });
    await db
      .insertInto('follow_ups')
      .values([followUp(at(2 * DAY), 'due'), followUp(at(1 * DAY), 'due'), followUp(at(-1 * DAY), 'completed'), followUp(at(-2 * DAY), 'cancelled')])
      .execute();
    const visit = (occurredAt: Date) => ({
      id: crypto.randomUUID(),
      patient_id: w.patient.patientId,
      clinician_id: w.clinician.id,
      occurred_at: occurredAt,
      modality: 'audio_video' as const,
      patient_state: 'CA',
      prescriber_license_state: 'CA',
      prescriber_dea_registration: null,
      appointment_id: null,
      note: null,
      created_at: t.clock.now(),
    });
    await db.insertInto('clinician_visits').values([visit(at(-30 * DAY)), visit(at(-3 * DAY)), visit(at(-10 * DAY))]).execute();
    const { input } = await load(w, crypto.randomUUID());
    expect(input.followUpDue).toEqual({ dueAt: '2026-06-02T12:00:00.000Z' });
    expect(input.lastClinicianVisitAt).toBe('2026-05-29T12:00:00.000Z');
  });

  it('passes each open alert that holds dosing as id, hold and severity', async () => {
    const w = await createWorld(t);
    const id = crypto.randomUUID();
    await t.database.db
      .insertInto('alerts')
      .values({ id, patient_id: w.patient.patientId, code: 'SERIOUS_ADVERSE_EVENT_REPORTED', severity: 'critical', holds_dosing: true, cause: `test:${id}`, title: 'Test alert', patient_message: null, owner_id: null, raised_at: t.clock.now(), escalate_at: null, escalated_at: null, escalated_to: null, acknowledged_at: null, acknowledged_by: null, resolved_at: null, resolved_by: null, resolution_action: null, resolution_note: null })
      .execute();
    expect((await load(w, crypto.randomUUID())).input.openAlerts).toEqual([{ id, holdsDosing: true, severity: 'critical' }]);
  });

  it('counts earlier doses and open authorizations elsewhere, not this session', async () => {
    const w = await readyWorld(t, 6);
    const db = t.database.db;
    const session = (status: 'scheduled' | 'authorized' | 'completed', authorizedAt: Date | null, startedAt: Date | null) => ({
      id: crypto.randomUUID(),
      patient_id: w.patient.patientId,
      plan_id: null,
      status,
      scheduled_for: authorizedAt ?? t.clock.now(),
      authorized_at: authorizedAt,
      authorization_expires_at: authorizedAt ? new Date(authorizedAt.getTime() + 30 * MINUTE) : null,
      dose_mg: 300,
      started_at: startedAt,
      completed_at: startedAt ? new Date(startedAt.getTime() + 2 * 60 * MINUTE) : null,
      aborted_at: null,
      abort_reason: null,
      created_by: w.patient.id,
      created_at: t.clock.now(),
    });
    const dosedEarlier = session('completed', at(-3 * DAY - 10 * MINUTE), at(-3 * DAY));
    const dosedBefore = session('completed', at(-8 * DAY - 10 * MINUTE), at(-8 * DAY));
    const openElsewhere = session('authorized', at(-5 * MINUTE), null);
    const current = session('scheduled', null, null);
    await db.insertInto('dosing_sessions').values([dosedEarlier, dosedBefore, openElsewhere, current]).execute();
    const { input } = await load(w, current.id);
    expect([...input.previousDoseTimes].sort()).toEqual(['2026-05-24T12:00:00.000Z', '2026-05-29T12:00:00.000Z', '2026-06-01T11:55:00.000Z']);
    expect(input.lastSessionAt).toBe('2026-05-29T12:00:00.000Z');
    // Asked for the open authorization itself, it is not a previous dose.
    const own = await load(w, openElsewhere.id);
    expect([...own.input.previousDoseTimes].sort()).toEqual(['2026-05-24T12:00:00.000Z', '2026-05-29T12:00:00.000Z']);
  });

  it('at the start check counts the units this session reserved as on hand, and only those', async () => {
    const w = await readyWorld(t, 9);
    const sessionId = await schedule(w);
    await prepare(w, sessionId);
    expect((await authorize(w, sessionId)).outcome).toBe('authorized');
    const db = t.database.db;
    // Another session's reserved dose, and an entry of another kind that names this session: neither is this dose.
    // Each moves a different number of units, so taking either in place of this dose shows.
    const ledgerEntry = (kind: 'administered' | 'returned', units: number, session: string | null) => ({
      id: crypto.randomUUID(),
      patient_id: w.patient.patientId,
      kind,
      units,
      occurred_at: t.clock.now(),
      recorded_by: w.patient.id,
      recorded_at: t.clock.now(),
      session_id: session,
      dispense_id: null,
      corrects_id: null,
      counted_units: null,
      expected_units: null,
      loss_kind: null,
      circumstances: null,
      manner: null,
      note: null,
    });
    const other = crypto.randomUUID();
    await db
      .insertInto('dosing_sessions')
      .values({ id: other, patient_id: w.patient.patientId, plan_id: null, status: 'aborted', scheduled_for: t.clock.now(), authorized_at: null, authorization_expires_at: null, dose_mg: 300, started_at: null, completed_at: null, aborted_at: t.clock.now(), abort_reason: 'test', created_by: w.patient.id, created_at: t.clock.now() })
      .execute();
    await db.insertInto('ledger_entries').values([ledgerEntry('administered', 2, other), ledgerEntry('returned', 3, sessionId)]).execute();
    // 9 dispensed, 1 reserved here, 2 elsewhere, 3 returned: 3 on hand; at the start this session's 1 is added.
    expect((await load(w, sessionId, { stage: 'authorize' })).input.ledger).toEqual({ onHandUnits: 3, unitsPerDose: 1 });
    const started = await load(w, sessionId, { stage: 'start' });
    expect(started.input.ledger).toEqual({ onHandUnits: 4, unitsPerDose: 1 });
    expect(started.refs.onHandUnits).toBe(4);
  });
});

describe('recordGateEvaluation', () => {
  const refs: GateInputRefs = { planId: null, attestationId: null, vitalsId: null, vitalsSeq: 7, checklistId: null, unitsPerDose: 2, onHandUnits: 4 };

  async function record(w: World, decision: GateDecision, stage: 'authorize' | 'start') {
    const sessionId = await schedule(w);
    const id = await inTransaction(t.database.db, (tx) => recordGateEvaluation(tx, { patientId: w.patient.patientId, sessionId, stage, decision, refs, actorId: w.patient.id, now: at(MINUTE) }));
    const row = await t.database.db.selectFrom('gate_evaluations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return { sessionId, row };
  }

  it('stores a blocked decision with every reason in full and no dose', async () => {
    const w = await readyWorld(t);
    const reasons = [
      { code: 'VITALS_MISSING', message: 'No vitals.', detail: { phase: 'pre' } },
      { code: 'CHECKLIST_MISSING', message: 'No checklist.' },
    ] as const;
    const { sessionId, row } = await record(w, { kind: 'blocked', reasons } as unknown as GateDecision, 'authorize');
    expect(row).toMatchObject({
      patient_id: w.patient.patientId,
      session_id: sessionId,
      stage: 'authorize',
      outcome: 'blocked',
      reason_codes: ['VITALS_MISSING', 'CHECKLIST_MISSING'],
      reasons: [
        { code: 'VITALS_MISSING', message: 'No vitals.', detail: { phase: 'pre' } },
        { code: 'CHECKLIST_MISSING', message: 'No checklist.' },
      ],
      dose_mg: null,
      actor_id: w.patient.id,
      inputs: { planId: null, attestationId: null, vitalsId: null, vitalsSeq: 7, checklistId: null, unitsPerDose: 2, onHandUnits: 4 },
    });
    expect(new Date(row.evaluated_at).toISOString()).toBe('2026-06-01T12:01:00.000Z');
  });

  it('stores an authorized decision with its dose and no reasons', async () => {
    const w = await readyWorld(t);
    const { row } = await record(w, { kind: 'authorized', doseMg: 300 } as unknown as GateDecision, 'start');
    expect(row).toMatchObject({ stage: 'start', outcome: 'authorized', reason_codes: [], reasons: [], dose_mg: 300 });
  });
});
