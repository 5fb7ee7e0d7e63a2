// Every dependence warning sign of docs/clinical-basis.md §5, produced from raw rows through the server's loader (GET
// /risk computes the tier from the database as of now), and shown absent when the rows do not qualify.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignCareTeam, bearer, createPatient, createUser, signIn, type TestUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import {
  daysAgo,
  insertAppointment,
  insertAssessment,
  insertCheckIn,
  insertDispense,
  insertIntake,
  insertLedger,
  insertSession,
} from './monitoring-fixtures.ts';

let t: TestContext;
let clinician: TestUser;
let token: string;

beforeAll(async () => {
  t = await createTestApp();
  clinician = await createUser(t, 'clinician');
  token = await signIn(t, clinician);
});
afterAll(async () => {
  await t.close();
});

async function newPatient(): Promise<string> {
  const p = await createPatient(t);
  await assignCareTeam(t, p.patientId, clinician.id, 'clinician');
  return p.patientId;
}

interface Signal {
  code: string;
  severity: string;
  evidence: { type: string; id: string }[];
}
async function risk(patientId: string) {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${patientId}/risk`, headers: bearer(token) });
  expect(res.statusCode).toBe(200);
  return res.json<{ tier: string; signals: Signal[]; explanation: { rule: string }[]; intake: { tier: string } }>();
}
const signal = (body: { signals: Signal[] }, code: string) => body.signals.find((s) => s.code === code);

async function refill(patientId: string, requestedDaysAgo: number, eligibleDaysAgo: number | null): Promise<string> {
  const id = crypto.randomUUID();
  await t.database.db
    .insertInto('refill_requests')
    .values({
      id,
      patient_id: patientId,
      requested_by: clinician.id,
      requested_at: daysAgo(t, requestedDaysAgo),
      eligible_from: eligibleDaysAgo === null ? null : daysAgo(t, eligibleDaysAgo),
      outcome: 'held',
      reasons: '[]',
      doses_on_hand: null,
      plan_id: null,
      note: null,
    })
    .execute();
  return id;
}

async function gateBlocked(patientId: string, sessionId: string, at: Date, code = 'MIN_INTERVAL_NOT_MET'): Promise<string> {
  const id = crypto.randomUUID();
  await t.database.db
    .insertInto('gate_evaluations')
    .values({
      id,
      patient_id: patientId,
      session_id: sessionId,
      evaluated_at: at,
      outcome: 'blocked',
      reason_codes: [code],
      reasons: JSON.stringify([{ code, message: 'x' }]),
      dose_mg: null,
      actor_id: null,
      inputs: '{}',
    })
    .execute();
  return id;
}

describe('EARLY_REFILL_REQUEST', () => {
  it('is raised by a refill asked for before its eligible date, with the request as evidence', async () => {
    const p = await newPatient();
    const id = await refill(p, 5, 2);
    const s = signal(await risk(p), 'EARLY_REFILL_REQUEST');
    expect(s?.evidence.map((e) => e.id)).toEqual([id]);
  });
  it('is absent for a refill asked for on or after its eligible date, or held for another reason', async () => {
    const p = await newPatient();
    await refill(p, 2, 5);
    await refill(p, 1, null);
    expect(signal(await risk(p), 'EARLY_REFILL_REQUEST')).toBeUndefined();
  });
});

describe('DOSE_ESCALATION_PRESSURE', () => {
  it('is raised by requests for a higher dose and reports of tolerance; repeated, it is moderate', async () => {
    const p = await newPatient();
    for (const kind of ['increase', 'tolerance'] as const) {
      await t.database.db.insertInto('dose_requests').values({ id: crypto.randomUUID(), patient_id: p, requested_at: daysAgo(t, 3), kind, note: null }).execute();
    }
    const s = signal(await risk(p), 'DOSE_ESCALATION_PRESSURE');
    expect(s).toMatchObject({ severity: 'moderate' });
    expect(s?.evidence).toHaveLength(2);
  });
  it('is absent when the only request is older than the lookback', async () => {
    const p = await newPatient();
    await t.database.db.insertInto('dose_requests').values({ id: crypto.randomUUID(), patient_id: p, requested_at: daysAgo(t, 120), kind: 'increase', note: null }).execute();
    expect(signal(await risk(p), 'DOSE_ESCALATION_PRESSURE')).toBeUndefined();
  });
});

describe('COUNT_MISMATCH', () => {
  it('is raised by a pill count below what the ledger expects', async () => {
    const p = await newPatient();
    const id = await insertLedger(t, p, clinician.id, { kind: 'counted', units: 0, at: daysAgo(t, 2), counted: 3, expected: 5 });
    const s = signal(await risk(p), 'COUNT_MISMATCH');
    expect(s).toMatchObject({ severity: 'moderate' });
    expect(s?.evidence[0]?.id).toBe(id);
  });
  it('is absent when the count matches', async () => {
    const p = await newPatient();
    await insertLedger(t, p, clinician.id, { kind: 'counted', units: 0, at: daysAgo(t, 2), counted: 5, expected: 5 });
    expect(signal(await risk(p), 'COUNT_MISMATCH')).toBeUndefined();
  });
});

describe('LOST_OR_STOLEN', () => {
  it('is raised by a loss report; two within six months are high', async () => {
    const p = await newPatient();
    await insertDispense(t, p, clinician.id, 10, daysAgo(t, 100));
    await insertLedger(t, p, clinician.id, { kind: 'lost', units: 1, at: daysAgo(t, 100), lossKind: 'stolen' });
    const one = signal(await risk(p), 'LOST_OR_STOLEN');
    expect(one).toMatchObject({ severity: 'moderate' });
    await insertLedger(t, p, clinician.id, { kind: 'lost', units: 1, at: daysAgo(t, 10), lossKind: 'lost' });
    const body = await risk(p);
    expect(signal(body, 'LOST_OR_STOLEN')).toMatchObject({ severity: 'high' });
    expect(body.tier).toBe('high');
  });
  it('is absent when the only loss is older than its six-month window', async () => {
    const p = await newPatient();
    await insertDispense(t, p, clinician.id, 10, daysAgo(t, 250));
    await insertLedger(t, p, clinician.id, { kind: 'lost', units: 1, at: daysAgo(t, 200), lossKind: 'lost' });
    expect(signal(await risk(p), 'LOST_OR_STOLEN')).toBeUndefined();
  });
});

describe('USE_OUTSIDE_SESSIONS', () => {
  it('is raised by a self-report at check-in and by a dose administered against a session never authorized', async () => {
    const p = await newPatient();
    const checkIn = await insertCheckIn(t, p, { at: daysAgo(t, 1), used: true });
    await insertDispense(t, p, clinician.id, 10, daysAgo(t, 20));
    const unauthorized = await insertSession(t, p, clinician.id, { status: 'scheduled', at: daysAgo(t, 3) });
    const entry = await insertLedger(t, p, clinician.id, { kind: 'administered', units: 1, at: daysAgo(t, 3), sessionId: unauthorized });
    const body = await risk(p);
    const s = signal(body, 'USE_OUTSIDE_SESSIONS');
    expect(s).toMatchObject({ severity: 'high' });
    expect(s?.evidence.map((e) => e.id).sort()).toEqual([checkIn, entry].sort());
    expect(body.tier).toBe('high');
    expect(body.explanation.map((e) => e.rule)).toContain('HIGH_SIGNALS');
  });
  it('is absent when every administered dose belongs to an authorized session', async () => {
    const p = await newPatient();
    await insertDispense(t, p, clinician.id, 10, daysAgo(t, 20));
    const session = await insertSession(t, p, clinician.id, { status: 'completed', at: daysAgo(t, 3) });
    await insertLedger(t, p, clinician.id, { kind: 'administered', units: 1, at: daysAgo(t, 3), sessionId: session });
    await insertCheckIn(t, p, { at: daysAgo(t, 1), used: false });
    expect(signal(await risk(p), 'USE_OUTSIDE_SESSIONS')).toBeUndefined();
  });
});

describe('INTERVAL_PRESSURE', () => {
  it('is raised by repeated authorizations blocked by the minimum interval', async () => {
    const p = await newPatient();
    const session = await insertSession(t, p, clinician.id, { status: 'scheduled', at: daysAgo(t, 2) });
    await gateBlocked(p, session, daysAgo(t, 3));
    await gateBlocked(p, session, daysAgo(t, 2));
    expect(signal(await risk(p), 'INTERVAL_PRESSURE')?.evidence).toHaveLength(2);
  });
  it('is absent for a single blocked attempt with its quick retries, or blocks for other reasons', async () => {
    const p = await newPatient();
    const session = await insertSession(t, p, clinician.id, { status: 'scheduled', at: daysAgo(t, 2) });
    const at = daysAgo(t, 2);
    await gateBlocked(p, session, at);
    await gateBlocked(p, session, new Date(at.getTime() + 60_000));
    await gateBlocked(p, session, daysAgo(t, 1), 'VITALS_MISSING');
    expect(signal(await risk(p), 'INTERVAL_PRESSURE')).toBeUndefined();
  });
});

describe('CRAVING', () => {
  it('is raised by a craving score of 6 or more, and by craving rising over three check-ins', async () => {
    const high = await newPatient();
    await insertCheckIn(t, high, { at: daysAgo(t, 1), craving: 7 });
    expect(signal(await risk(high), 'CRAVING')).toMatchObject({ severity: 'moderate' });
    const rising = await newPatient();
    for (const [d, c] of [[3, 1], [2, 3], [1, 5]] as const) await insertCheckIn(t, rising, { at: daysAgo(t, d), craving: c });
    expect(signal(await risk(rising), 'CRAVING')).toMatchObject({ severity: 'low' });
  });
  it('is absent when craving is low and not rising', async () => {
    const p = await newPatient();
    for (const [d, c] of [[3, 3], [2, 2], [1, 3]] as const) await insertCheckIn(t, p, { at: daysAgo(t, d), craving: c });
    expect(signal(await risk(p), 'CRAVING')).toBeUndefined();
  });
});

describe('BLADDER_SYMPTOMS', () => {
  it('is raised by a bladder symptom at check-in or a positive bladder check', async () => {
    const p = await newPatient();
    await insertCheckIn(t, p, { at: daysAgo(t, 1), bladder: true });
    const a = await insertAssessment(t, p, clinician.id, { instrument: 'bladder', total: 2, at: daysAgo(t, 2) });
    const s = signal(await risk(p), 'BLADDER_SYMPTOMS');
    expect(s?.evidence.map((e) => e.id)).toContain(a);
  });
  it('is absent when the bladder check is negative', async () => {
    const p = await newPatient();
    await insertAssessment(t, p, clinician.id, { instrument: 'bladder', total: 0, at: daysAgo(t, 2) });
    await insertCheckIn(t, p, { at: daysAgo(t, 1) });
    expect(signal(await risk(p), 'BLADDER_SYMPTOMS')).toBeUndefined();
  });
});

describe('COGNITIVE_COMPLAINTS', () => {
  it('is raised by a memory or concentration complaint at check-in', async () => {
    const p = await newPatient();
    await insertCheckIn(t, p, { at: daysAgo(t, 1), cognitive: true });
    expect(signal(await risk(p), 'COGNITIVE_COMPLAINTS')).toMatchObject({ severity: 'low' });
  });
  it('is absent without one', async () => {
    const p = await newPatient();
    await insertCheckIn(t, p, { at: daysAgo(t, 1) });
    expect(signal(await risk(p), 'COGNITIVE_COMPLAINTS')).toBeUndefined();
  });
});

describe('SITTER_CONCERN', () => {
  async function concern(p: string, at: Date) {
    const sitter = await createUser(t, 'sitter');
    const session = await insertSession(t, p, clinician.id, { status: 'completed', at });
    await t.database.db
      .insertInto('sitter_concerns')
      .values({ id: crypto.randomUUID(), patient_id: p, session_id: session, sitter_user_id: sitter.id, raised_at: at, emergency: false, note: 'private words' })
      .execute();
  }
  it('is raised by a concern the sitter reported, without the sitter’s words in the evidence', async () => {
    const p = await newPatient();
    await concern(p, daysAgo(t, 4));
    const body = await risk(p);
    expect(signal(body, 'SITTER_CONCERN')).toMatchObject({ severity: 'moderate' });
    expect(JSON.stringify(body)).not.toContain('private words');
  });
  it('is absent when the concern is older than the lookback', async () => {
    const p = await newPatient();
    await concern(p, daysAgo(t, 100));
    expect(signal(await risk(p), 'SITTER_CONCERN')).toBeUndefined();
  });
});

describe('DISENGAGEMENT', () => {
  it('is raised by integration sessions missed while dosing continues', async () => {
    const p = await newPatient();
    const coach = await createUser(t, 'coach');
    await insertAppointment(t, p, coach.id, { kind: 'integration', status: 'missed', daysAgo: 20 });
    await insertAppointment(t, p, coach.id, { kind: 'integration', status: 'missed', daysAgo: 10 });
    await insertSession(t, p, clinician.id, { status: 'completed', at: daysAgo(t, 5) });
    const s = signal(await risk(p), 'DISENGAGEMENT');
    expect(s?.evidence.filter((e) => e.type === 'integration_appointment')).toHaveLength(2);
  });
  it('is absent when no dosing followed the missed sessions', async () => {
    const p = await newPatient();
    const coach = await createUser(t, 'coach');
    await insertSession(t, p, clinician.id, { status: 'completed', at: daysAgo(t, 30) });
    await insertAppointment(t, p, coach.id, { kind: 'integration', status: 'missed', daysAgo: 20 });
    await insertAppointment(t, p, coach.id, { kind: 'integration', status: 'missed', daysAgo: 10 });
    expect(signal(await risk(p), 'DISENGAGEMENT')).toBeUndefined();
  });
});

describe('SUBSTANCE_SCREENS_WORSENING', () => {
  it('is raised by a follow-up AUDIT-C above the intake score (from the intake screening)', async () => {
    const p = await newPatient();
    await insertIntake(t, p, { tier: 'low', auditC: 2 });
    const followup = await insertAssessment(t, p, clinician.id, { instrument: 'audit-c', total: 5, at: daysAgo(t, 3) });
    const s = signal(await risk(p), 'SUBSTANCE_SCREENS_WORSENING');
    expect(s?.evidence.map((e) => e.id)).toContain(followup);
  });
  it('is absent when follow-ups are no higher than at intake', async () => {
    const p = await newPatient();
    await insertIntake(t, p, { tier: 'low', auditC: 2, dast10: 1 });
    await insertAssessment(t, p, clinician.id, { instrument: 'audit-c', total: 2, at: daysAgo(t, 3) });
    await insertAssessment(t, p, clinician.id, { instrument: 'dast10', total: 0, at: daysAgo(t, 3) });
    expect(signal(await risk(p), 'SUBSTANCE_SCREENS_WORSENING')).toBeUndefined();
  });
});

describe('MULTIPLE_PRESCRIBERS', () => {
  it('is raised by a PDMP check that recorded other controlled prescriptions', async () => {
    const p = await newPatient();
    await t.database.db.insertInto('pdmp_checks').values({ id: crypto.randomUUID(), patient_id: p, checked_at: daysAgo(t, 2), checked_by: clinician.id, other_controlled_prescriptions: true, note: null }).execute();
    expect(signal(await risk(p), 'MULTIPLE_PRESCRIBERS')).toMatchObject({ severity: 'moderate' });
  });
  it('is absent when the PDMP check was clean', async () => {
    const p = await newPatient();
    await t.database.db.insertInto('pdmp_checks').values({ id: crypto.randomUUID(), patient_id: p, checked_at: daysAgo(t, 2), checked_by: clinician.id, other_controlled_prescriptions: false, note: null }).execute();
    expect(signal(await risk(p), 'MULTIPLE_PRESCRIBERS')).toBeUndefined();
  });
});

describe('the risk tier', () => {
  it('starts from the intake tier and its factors, with no signals', async () => {
    const p = await newPatient();
    await insertIntake(t, p, { tier: 'elevated', factors: [{ code: 'FAMILY_HISTORY_SUD', detail: 'family history' }] });
    const body = await risk(p);
    expect(body).toMatchObject({ tier: 'elevated', intake: { tier: 'elevated' }, signals: [] });
  });
  it('becomes high with two moderate signals on top of elevated intake risk', async () => {
    const p = await newPatient();
    await insertIntake(t, p, { tier: 'elevated' });
    await insertCheckIn(t, p, { at: daysAgo(t, 1), craving: 8, bladder: true });
    const body = await risk(p);
    expect(body.tier).toBe('high');
    expect(body.explanation.map((e) => e.rule)).toContain('MODERATE_SIGNALS_HIGH_WITH_ELEVATED_INTAKE');
  });
  it('is for the care team only: the patient, a coach and another clinician get 404', async () => {
    const p = await createPatient(t);
    await assignCareTeam(t, p.patientId, clinician.id, 'clinician');
    const coach = await createUser(t, 'coach');
    await assignCareTeam(t, p.patientId, coach.id, 'coach');
    const stranger = await createUser(t, 'clinician');
    for (const who of [p, coach, stranger]) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${p.patientId}/risk`, headers: bearer(await signIn(t, who)) });
      expect(res.statusCode).toBe(404);
    }
  });
});
