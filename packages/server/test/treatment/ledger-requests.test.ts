import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTestPdmpCheck } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';
import { createWorld, dispense, expectStatus, HOUR, MINUTE, readyWorld, signedPlan, type World } from './treatment-world.ts';

/**
 * The ledger's readers and the patient's medication requests, read in full: the ledger as the API answers it (every
 * entry with every column, the totals, the stored balance, the reconciliation and the dispenses; on PostgreSQL, one
 * snapshot while an entry is written), the refill requests as listed, a refill request with what it decides, stores,
 * audits and re-evaluates (the Schedule III limit counted from the prescription's signature, by requests and by
 * fills, and its six-month window), and a dose request likewise. Expected values are written out by hand.
 */
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const base = (w: World, patient: 'patient' | 'otherPatient' = 'patient') => `/api/v1/patients/${w[patient].patientId}`;
const at = (ms: number) => new Date(ms).toISOString();
const db = () => t.database.db;

/** Moves the clock on and signs everyone in again (the tokens' idle timeout). */
async function later(w: World, ms: number): Promise<number> {
  t.clock.advance(ms);
  await w.refresh();
  return t.clock.now().getTime();
}

/** A completed session and its `administered` entry, planted at `whenMs`. */
async function plantDose(w: World, whenMs: number, units: number): Promise<{ sessionId: string; entryId: string }> {
  const sessionId = crypto.randomUUID();
  const entryId = crypto.randomUUID();
  const when = new Date(whenMs);
  await db()
    .insertInto('dosing_sessions')
    .values({
      id: sessionId,
      patient_id: w.patient.patientId,
      plan_id: null,
      status: 'completed',
      scheduled_for: when,
      authorized_at: when,
      authorization_expires_at: new Date(whenMs + 30 * MINUTE),
      dose_mg: 300,
      started_at: when,
      completed_at: new Date(whenMs + HOUR),
      aborted_at: null,
      abort_reason: null,
      created_by: w.patient.id,
      created_at: when,
    })
    .execute();
  await db()
    .insertInto('ledger_entries')
    .values({ id: entryId, patient_id: w.patient.patientId, kind: 'administered', units, occurred_at: when, recorded_by: w.patient.id, recorded_at: when, session_id: sessionId })
    .execute();
  return { sessionId, entryId };
}

/** A dispense and its entry for the world's other patient, planted: it must never show on this patient's ledger. */
async function plantOtherPatientDispense(w: World): Promise<void> {
  const id = crypto.randomUUID();
  const now = t.clock.now();
  await db()
    .insertInto('dispenses')
    .values({
      id,
      patient_id: w.otherPatient.patientId,
      substance: 'ketamine',
      form: 'oral_solution',
      strength_mg: 100,
      units: 9,
      dispensed_at: now,
      patient_name: 'Someone Else',
      ship_to: '9 Elsewhere Lane',
      prescriber_id: w.clinician.id,
      prescriber_dea_registration: 'FT1234563',
      plan_id: null,
      dispenser: 'Other Pharmacy',
      recorded_by: w.clinician.id,
      created_at: now,
    })
    .execute();
  await db()
    .insertInto('ledger_entries')
    .values({ id: crypto.randomUUID(), patient_id: w.otherPatient.patientId, kind: 'dispensed', units: 9, occurred_at: now, recorded_by: w.clinician.id, recorded_at: now, dispense_id: id })
    .execute();
}

describe('the ledger', () => {
  it('of a new patient is empty, reconciled, with no count', async () => {
    const w = await createWorld(t);
    await plantOtherPatientDispense(w);
    const ledger = await expectStatus(w.call('clinician', 'GET', `${base(w)}/ledger`), 200);
    expect(ledger.json()).toEqual({
      entries: [],
      onHand: 0,
      summary: { dispensed: 0, administered: 0, lost: 0, returned: 0, disposed: 0, corrected: 0 },
      recordedOnHand: 0,
      reconciliation: { status: 'reconciled', problems: [] },
      dispenses: [],
    });
  });

  it('reads every entry with every column, the totals, the stored balance and the dispenses in time order', async () => {
    const w = await createWorld(t);
    await signedPlan(w);
    await plantOtherPatientDispense(w);
    const t0 = t.clock.now().getTime();
    await dispense(w, 6);
    const fill = (await db().selectFrom('dispenses').select(['id', 'created_at']).where('patient_id', '=', w.patient.patientId).executeTakeFirstOrThrow()).id;
    const fillEntry = (await db().selectFrom('ledger_entries').select('id').where('dispense_id', '=', fill).executeTakeFirstOrThrow()).id;

    const t1 = await later(w, HOUR);
    const dose = await plantDose(w, t1, 1);

    const t2 = await later(w, HOUR);
    const loss = await expectStatus(w.call('patient', 'POST', `${base(w)}/ledger/losses`, { units: 1, kind: 'stolen', circumstances: 'Bag taken from the car' }), 201);
    const lossId = loss.json<{ entry: { id: string } }>().entry.id;

    const t3 = await later(w, HOUR);
    const returned = await expectStatus(w.call('clinician', 'POST', `${base(w)}/ledger/disposals`, { kind: 'returned', units: 1, manner: 'Handed back at the clinic' }), 201);
    const returnedId = returned.json<{ entry: { id: string } }>().entry.id;
    expect(returned.json()).toMatchObject({ onHand: 3 });

    // The loss turns out not to have happened: a correction restores its unit (judged through the entry not yet written).
    const t4 = await later(w, HOUR);
    const corrected = await expectStatus(w.call('clinician', 'POST', `${base(w)}/ledger/corrections`, { correctsId: lossId, deltaUnits: 1, reason: 'Found in the coat pocket' }), 201);
    const correctionId = corrected.json<{ entry: { id: string } }>().entry.id;
    expect(corrected.json()).toMatchObject({ onHand: 4 });

    // A second fill, dated before the clock (an hour back): the dispenses are listed by when they were dispensed.
    const t5 = await later(w, HOUR);
    await recordTestPdmpCheck(t, w.patient.patientId, w.clinician.id);
    const second = await expectStatus(
      w.call('clinician', 'POST', `${base(w)}/dispenses`, {
        units: 2,
        form: 'sublingual_tablet',
        strengthMg: 150,
        dispensedAt: at(t5 - 30 * MINUTE),
        dispenser: 'Second Pharmacy',
        shipTo: '3 Third Street, Oakland, CA 94607',
      }),
      201,
    );
    const secondBody = second.json<{ dispense: { id: string }; entry: { id: string }; onHand: number }>();
    expect(secondBody.onHand).toBe(6);

    const t6 = await later(w, HOUR);
    const count = await expectStatus(w.call('clinician', 'POST', `${base(w)}/ledger/counts`, { countedUnits: 6, note: 'Counted on video' }), 201);
    const countId = count.json<{ entry: { id: string } }>().entry.id;
    expect(count.json()).toMatchObject({ expectedUnits: 6, countedUnits: 6, discrepancy: 0, onHand: 6 });

    const ledger = await expectStatus(w.call('clinician', 'GET', `${base(w)}/ledger`), 200);
    const entry = (fields: Record<string, unknown>) => ({
      sessionId: null,
      dispenseId: null,
      correctsId: null,
      countedUnits: null,
      expectedUnits: null,
      lossKind: null,
      circumstances: null,
      manner: null,
      note: null,
      ...fields,
    });
    expect(ledger.json()).toEqual({
      entries: [
        entry({ id: fillEntry, kind: 'dispensed', units: 6, occurredAt: at(t0), recordedBy: w.clinician.id, recordedAt: at(t0), dispenseId: fill }),
        entry({ id: dose.entryId, kind: 'administered', units: 1, occurredAt: at(t1), recordedBy: w.patient.id, recordedAt: at(t1), sessionId: dose.sessionId }),
        entry({ id: lossId, kind: 'lost', units: 1, occurredAt: at(t2), recordedBy: w.patient.id, recordedAt: at(t2), lossKind: 'stolen', circumstances: 'Bag taken from the car' }),
        entry({ id: returnedId, kind: 'returned', units: 1, occurredAt: at(t3), recordedBy: w.clinician.id, recordedAt: at(t3), manner: 'Handed back at the clinic' }),
        entry({ id: correctionId, kind: 'correction', units: 1, occurredAt: at(t4), recordedBy: w.clinician.id, recordedAt: at(t4), correctsId: lossId, note: 'Found in the coat pocket' }),
        entry({ id: secondBody.entry.id, kind: 'dispensed', units: 2, occurredAt: at(t5 - 30 * MINUTE), recordedBy: w.clinician.id, recordedAt: at(t5), dispenseId: secondBody.dispense.id }),
        entry({ id: countId, kind: 'counted', units: 0, occurredAt: at(t6), recordedBy: w.clinician.id, recordedAt: at(t6), countedUnits: 6, expectedUnits: 6, note: 'Counted on video' }),
      ],
      onHand: 6,
      summary: {
        dispensed: 8,
        administered: 1,
        lost: 1,
        returned: 1,
        disposed: 0,
        corrected: 1,
        lastCount: { entryId: countId, countedAt: at(t6), expected: 6, counted: 6, discrepancy: 0 },
      },
      recordedOnHand: 6,
      reconciliation: { status: 'reconciled', problems: [] },
      dispenses: [
        {
          id: fill,
          patientId: w.patient.patientId,
          substance: 'ketamine',
          form: 'sublingual_tablet',
          strengthMg: 300,
          units: 6,
          dispensedAt: at(t0),
          patientName: w.patient.name,
          shipTo: '1 Test Road, Oakland, CA 94607',
          prescriberId: w.clinician.id,
          prescriberName: w.clinician.name,
          prescriberDeaRegistration: 'FT1234563',
          dispenser: 'Keel Test Pharmacy',
          recordedBy: w.clinician.id,
          createdAt: at(t0),
        },
        {
          id: secondBody.dispense.id,
          patientId: w.patient.patientId,
          substance: 'ketamine',
          form: 'sublingual_tablet',
          strengthMg: 150,
          units: 2,
          dispensedAt: at(t5 - 30 * MINUTE),
          patientName: w.patient.name,
          shipTo: '3 Third Street, Oakland, CA 94607',
          prescriberId: w.clinician.id,
          prescriberName: w.clinician.name,
          prescriberDeaRegistration: 'FT1234563',
          dispenser: 'Second Pharmacy',
          recordedBy: w.clinician.id,
          createdAt: at(t5),
        },
      ],
    });
  });

  it('lists the dispenses by when they were dispensed, not when they were recorded', async () => {
    const w = await createWorld(t);
    await signedPlan(w);
    const now = t.clock.now().getTime();
    await dispense(w, 2);
    // Recorded second, dispensed two hours before the first.
    await recordTestPdmpCheck(t, w.patient.patientId, w.clinician.id);
    await expectStatus(
      w.call('clinician', 'POST', `${base(w)}/dispenses`, { units: 3, form: 'sublingual_tablet', strengthMg: 300, dispensedAt: at(now - 2 * HOUR), dispenser: 'Earlier Pharmacy', shipTo: '1 Test Road' }),
      201,
    );
    const ledger = (await expectStatus(w.call('patient', 'GET', `${base(w)}/ledger`), 200)).json<{ dispenses: { units: number; dispensedAt: string; dispenser: string }[] }>();
    expect(ledger.dispenses.map((d) => [d.units, d.dispensedAt, d.dispenser])).toEqual([
      [3, at(now - 2 * HOUR), 'Earlier Pharmacy'],
      [2, at(now), 'Keel Test Pharmacy'],
    ]);
  });

  it('that disagrees with its stored balance shows both, unreconciled, with the problem in words', async () => {
    const w = await readyWorld(t, 3);
    await db().updateTable('ledger_balances').set({ on_hand_units: 5 }).where('patient_id', '=', w.patient.patientId).execute();
    const ledger = (await expectStatus(w.call('clinician', 'GET', `${base(w)}/ledger`), 200)).json<Record<string, unknown>>();
    expect({ onHand: ledger.onHand, recordedOnHand: ledger.recordedOnHand, reconciliation: ledger.reconciliation }).toEqual({
      onHand: 3,
      recordedOnHand: 5,
      reconciliation: { status: 'unreconciled', problems: [{ code: 'IDENTITY_MISMATCH', message: 'The recorded on-hand balance (5) disagrees with the ledger (3).' }] },
    });
  });

  it('with a correction dated before the entry it names lists that problem with its entry', async () => {
    const w = await readyWorld(t, 3);
    const target = (await db().selectFrom('ledger_entries').select('id').where('patient_id', '=', w.patient.patientId).executeTakeFirstOrThrow()).id;
    const planted = crypto.randomUUID();
    const now = t.clock.now().getTime();
    await db()
      .insertInto('ledger_entries')
      .values({ id: planted, patient_id: w.patient.patientId, kind: 'correction', units: -1, occurred_at: new Date(now - HOUR), recorded_by: w.clinician.id, recorded_at: new Date(now), corrects_id: target, note: 'Planted' })
      .execute();
    const ledger = (await expectStatus(w.call('clinician', 'GET', `${base(w)}/ledger`), 200)).json<Record<string, unknown>>();
    expect({ onHand: ledger.onHand, recordedOnHand: ledger.recordedOnHand, reconciliation: ledger.reconciliation }).toEqual({
      onHand: 2,
      recordedOnHand: 2,
      reconciliation: {
        status: 'unreconciled',
        problems: [
          { code: 'CORRECTION_TARGET_INVALID', entryId: planted, message: `Correction ${planted} must name an original entry recorded before it.` },
          { code: 'NEGATIVE_ON_HAND', entryId: planted, message: `On hand falls to -1 at entry ${planted}.` },
        ],
      },
    });
  });
});

describe('the ledger read while an entry is written (PostgreSQL: PGlite runs one transaction at a time)', () => {
  it.runIf(onPostgres)('is one snapshot: a loss committed between its reads of the entries and of the stored balance is in neither', async () => {
    // Deterministic: another connection locks the balance table, so the read stops after the entries and before the
    // balance; a loss is then written on that connection and committed, and the read goes on. Read one statement at
    // a time, the view had the entries without the loss and the balance with it, and reported IDENTITY_MISMATCH
    // (observed: "The recorded on-hand balance (39) disagrees with the ledger (40)").
    const w = await readyWorld(t, 40);
    const dispensed = t.clock.now().getTime();
    const lossAt = await later(w, MINUTE);
    const writer = await t.database.pool.connect();
    let read: Promise<{ statusCode: number; json: <T>() => T }> | undefined;
    try {
      await writer.query('BEGIN');
      await writer.query('LOCK TABLE ledger_balances IN ACCESS EXCLUSIVE MODE');
      read = w.call('clinician', 'GET', `${base(w)}/ledger`);
      // Wait until the read is held at the balance table (its entries already read).
      const deadline = Date.now() + 10_000;
      for (;;) {
        const waiting = await t.database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'ledger_balances'::regclass`);
        if ((waiting.rows[0]?.n ?? 0) > 0) break;
        if (Date.now() > deadline) throw new Error('the ledger read never reached the balance table');
        await new Promise((r) => setTimeout(r, 20));
      }
      await writer.query(
        `INSERT INTO ledger_entries (id, patient_id, kind, units, occurred_at, recorded_by, recorded_at, loss_kind, circumstances) VALUES ($1, $2, 'lost', 1, $3, $4, $3, 'lost', 'Dropped one')`,
        [crypto.randomUUID(), w.patient.patientId, new Date(lossAt), w.patient.id],
      );
      await writer.query('COMMIT');
    } finally {
      writer.release();
    }
    const view = (await read).json<{ entries: { kind: string; occurredAt: string }[]; onHand: number; recordedOnHand: number; reconciliation: unknown }>();
    expect({ entries: view.entries.map((e) => [e.kind, e.occurredAt]), onHand: view.onHand, recordedOnHand: view.recordedOnHand, reconciliation: view.reconciliation }).toEqual({
      entries: [['dispensed', at(dispensed)]],
      onHand: 40,
      recordedOnHand: 40,
      reconciliation: { status: 'reconciled', problems: [] },
    });
    // Read again, the loss is there in both.
    const after = (await expectStatus(w.call('clinician', 'GET', `${base(w)}/ledger`), 200)).json<{ onHand: number; recordedOnHand: number; reconciliation: unknown }>();
    expect([after.onHand, after.recordedOnHand, after.reconciliation]).toEqual([39, 39, { status: 'reconciled', problems: [] }]);
  });
});

describe('a pill count and a dispense', () => {
  it('answer on hand from every kind of entry on the ledger', async () => {
    const w = await readyWorld(t, 5);
    await later(w, HOUR);
    await plantDose(w, t.clock.now().getTime(), 1);
    await later(w, HOUR);
    await expectStatus(w.call('patient', 'POST', `${base(w)}/ledger/losses`, { units: 1, kind: 'lost', circumstances: 'Dropped one' }), 201);
    await later(w, HOUR);
    await expectStatus(w.call('clinician', 'POST', `${base(w)}/ledger/disposals`, { kind: 'disposed', units: 1, manner: 'Destroyed, witnessed' }), 201);
    await later(w, HOUR);
    // 5 − 1 − 1 − 1 = 2 on hand; the count of 1 is one short.
    const count = await expectStatus(w.call('clinician', 'POST', `${base(w)}/ledger/counts`, { countedUnits: 1 }), 201);
    expect(count.json()).toMatchObject({ entry: { countedUnits: 1, expectedUnits: 2 }, expectedUnits: 2, countedUnits: 1, discrepancy: -1, onHand: 2 });
    // The shortfall raises COUNT_MISMATCH: the answer names it as stored, and only its id, code, severity and hold.
    const mismatch = await db().selectFrom('alerts').select(['id', 'severity', 'holds_dosing']).where('patient_id', '=', w.patient.patientId).where('code', '=', 'COUNT_MISMATCH').executeTakeFirstOrThrow();
    expect(count.json<{ alerts: unknown }>().alerts).toEqual([{ id: mismatch.id, code: 'COUNT_MISMATCH', severity: mismatch.severity, holdsDosing: mismatch.holds_dosing }]);
    await later(w, HOUR);
    await recordTestPdmpCheck(t, w.patient.patientId, w.clinician.id);
    const filled = await expectStatus(
      w.call('clinician', 'POST', `${base(w)}/dispenses`, { units: 4, form: 'sublingual_tablet', strengthMg: 300, dispensedAt: t.clock.now().toISOString(), dispenser: 'Keel Test Pharmacy', shipTo: '1 Test Road' }),
      201,
    );
    expect(filled.json()).toMatchObject({ onHand: 6 });
  });
});

describe('refill requests, as listed', () => {
  async function plantRefill(w: World, fields: { patient?: 'patient' | 'otherPatient'; requestedAt: number; outcome: 'granted' | 'held'; answer?: string }) {
    const id = crypto.randomUUID();
    const answered = fields.answer !== undefined;
    await db()
      .insertInto('refill_requests')
      .values({
        id,
        patient_id: w[fields.patient ?? 'patient'].patientId,
        requested_by: w[fields.patient ?? 'patient'].id,
        requested_at: new Date(fields.requestedAt),
        eligible_from: fields.outcome === 'held' ? new Date(fields.requestedAt + 4 * 24 * HOUR) : new Date(fields.requestedAt - 24 * HOUR),
        outcome: fields.outcome,
        reasons: JSON.stringify(fields.outcome === 'held' ? [{ code: 'REFILL_TOO_EARLY', message: 'Too early (planted)' }] : []),
        doses_on_hand: fields.outcome === 'granted' ? 1 : null,
        plan_id: null,
        note: fields.outcome === 'held' ? 'Going away' : null,
        answer: answered ? (fields.answer ?? null) : null,
        answered_by: answered ? w.clinician.id : null,
        answered_at: answered ? new Date(fields.requestedAt + HOUR) : null,
      })
      .execute();
    return id;
  }

  it('newest first, each in full, with the answer and who gave it; another patient’s are not listed', async () => {
    const w = await createWorld(t);
    const now = t.clock.now().getTime();
    const older = await plantRefill(w, { requestedAt: now - 3 * 24 * HOUR, outcome: 'held', answer: 'Held until your count on the 12th.' });
    const newer = await plantRefill(w, { requestedAt: now - 24 * HOUR, outcome: 'granted' });
    await plantRefill(w, { patient: 'otherPatient', requestedAt: now - 2 * 24 * HOUR, outcome: 'granted' });
    const expected = [
      { id: newer, requestedAt: at(now - 24 * HOUR), outcome: 'granted', eligibleFrom: at(now - 2 * 24 * HOUR), reasons: [], dosesOnHand: 1, note: null, answer: null },
      {
        id: older,
        requestedAt: at(now - 3 * 24 * HOUR),
        outcome: 'held',
        eligibleFrom: at(now + 24 * HOUR),
        reasons: [{ code: 'REFILL_TOO_EARLY', message: 'Too early (planted)' }],
        dosesOnHand: null,
        note: 'Going away',
        answer: { text: 'Held until your count on the 12th.', by: w.clinician.name, at: at(now - 3 * 24 * HOUR + HOUR) },
      },
    ];
    expect((await expectStatus(w.call('patient', 'GET', `${base(w)}/refill-requests`), 200)).json()).toEqual({ items: expected });
    // The clinician's answer is answered with the same list, the new answer in it.
    const answered = await expectStatus(w.call('clinician', 'POST', `${base(w)}/refill-requests/${newer}/answer`, { answer: 'On its way.' }), 200);
    expect(answered.json()).toEqual({ items: [{ ...expected[0], answer: { text: 'On its way.', by: w.clinician.name, at: at(now) } }, expected[1]] });
  });
});

describe('a dose request', () => {
  const doseRows = async (w: World) =>
    db().selectFrom('dose_requests').selectAll().where('patient_id', '=', w.patient.patientId).orderBy('requested_at').execute();
  const audits = async (w: World) =>
    db()
      .selectFrom('audit_log')
      .select(['action', 'actor_id', 'resource_type', 'resource_id', 'patient_id', 'outcome', 'detail'])
      .where('patient_id', '=', w.patient.patientId)
      .where('action', '=', 'dose_request.create')
      .orderBy('id')
      .execute();

  it('is stored with its note, audited, re-reads the warning signs, and tells the patient to keep to the plan', async () => {
    const w = await readyWorld(t, 2);
    const now = t.clock.now();
    const answer = await expectStatus(w.call('patient', 'POST', `${base(w)}/dose-requests`, { kind: 'increase', note: 'It wears off too soon.' }), 201);
    const id = answer.json<{ doseRequest: { id: string } }>().doseRequest.id;
    expect(answer.json()).toEqual({
      doseRequest: { id, requestedAt: at(now.getTime()), kind: 'increase' },
      message: 'Your care team will review this. Keep taking only the dose in your plan; only your prescriber can change it.',
    });
    expect(await doseRows(w)).toEqual([
      { id, patient_id: w.patient.patientId, requested_at: now, kind: 'increase', note: 'It wears off too soon.', answer: null, answered_by: null, answered_at: null },
    ]);
    expect(await audits(w)).toEqual([
      { action: 'dose_request.create', actor_id: w.patient.id, resource_type: 'refill', resource_id: id, patient_id: w.patient.patientId, outcome: 'success', detail: { kind: 'increase' } },
    ]);
    const triggers = await db().selectFrom('risk_evaluations').select('trigger').where('patient_id', '=', w.patient.patientId).execute();
    expect(triggers.map((e) => e.trigger)).toContain('dose_request');
    // Asking for a higher dose is a warning sign: its alert reaches the care team.
    const alerts = await db().selectFrom('alerts').select('code').where('patient_id', '=', w.patient.patientId).execute();
    expect(alerts.map((a) => a.code)).toContain('DOSE_ESCALATION_PRESSURE');
  });

  it('without a note stores none; a tolerance report is stored as one', async () => {
    const w = await createWorld(t);
    const now = t.clock.now();
    const answer = await expectStatus(w.call('patient', 'POST', `${base(w)}/dose-requests`, { kind: 'tolerance' }), 201);
    const id = answer.json<{ doseRequest: { id: string } }>().doseRequest.id;
    expect(answer.json()).toMatchObject({ doseRequest: { id, requestedAt: at(now.getTime()), kind: 'tolerance' } });
    expect(await doseRows(w)).toEqual([
      { id, patient_id: w.patient.patientId, requested_at: now, kind: 'tolerance', note: null, answer: null, answered_by: null, answered_at: null },
    ]);
    expect((await audits(w)).map((a) => a.detail)).toEqual([{ kind: 'tolerance' }]);
  });
});

describe('a refill request', () => {
  const refillRows = async (w: World) =>
    db().selectFrom('refill_requests').selectAll().where('patient_id', '=', w.patient.patientId).orderBy('requested_at').execute();
  const refillAudits = async (w: World) =>
    db()
      .selectFrom('audit_log')
      .select(['action', 'actor_id', 'resource_type', 'resource_id', 'patient_id', 'outcome', 'detail'])
      .where('patient_id', '=', w.patient.patientId)
      .where('action', '=', 'refill.request')
      .orderBy('id')
      .execute();
  const alertCodes = async (w: World) =>
    (await db().selectFrom('alerts').select('code').where('patient_id', '=', w.patient.patientId).execute()).map((a) => a.code);
  const ask = (w: World, body: Record<string, unknown> = {}) => w.call('patient', 'POST', `${base(w)}/refill-requests`, body);
  const DAY = 24 * HOUR;
  const TOO_EARLY = (eligibleFrom: string) => ({ code: 'REFILL_TOO_EARLY', message: `You still have enough medication for now. You can ask for a refill from ${eligibleFrom}.` });
  const LIMIT = { code: 'REFILL_LIMIT_REACHED', message: 'Your prescription has used all of its 5 refills. Your clinician needs to write a new prescription.' };
  const NO_PLAN = { code: 'NO_ACTIVE_PLAN', message: 'You do not have an active treatment plan, so no refill can be sent. Your clinician will be in touch.' };

  /** A refill request planted at `whenMs`, as an earlier request would have left it. */
  async function plantRequest(w: World, whenMs: number, outcome: 'granted' | 'held', patient: 'patient' | 'otherPatient' = 'patient') {
    await db()
      .insertInto('refill_requests')
      .values({
        id: crypto.randomUUID(),
        patient_id: w[patient].patientId,
        requested_by: w[patient].id,
        requested_at: new Date(whenMs),
        eligible_from: new Date(whenMs),
        outcome,
        reasons: JSON.stringify([]),
        doses_on_hand: outcome === 'granted' ? 0 : null,
        plan_id: null,
        note: null,
        answer: null,
        answered_by: null,
        answered_at: null,
      })
      .execute();
  }

  it('when the one dose on hand is the last before a refill is due is granted: stored, audited, re-evaluated, answered in full', async () => {
    // One 300 mg tablet for a 300 mg dose: a session now, the next (the first without medication) 72 hours on; a
    // refill may be released 3 days before that, which is now.
    const w = await readyWorld(t, 1);
    const now = t.clock.now();
    const answer = await expectStatus(ask(w, { note: 'Running low' }), 201);
    const id = answer.json<{ refillRequest: { id: string } }>().refillRequest.id;
    expect(answer.json()).toEqual({
      refillRequest: { id, requestedAt: at(now.getTime()), outcome: 'granted', eligibleFrom: at(now.getTime()), reasons: [], dosesOnHand: 1, note: 'Running low', answer: null },
    });
    expect(await refillRows(w)).toEqual([
      {
        id,
        patient_id: w.patient.patientId,
        requested_by: w.patient.id,
        requested_at: now,
        eligible_from: now,
        outcome: 'granted',
        reasons: [],
        doses_on_hand: 1,
        plan_id: w.planId,
        note: 'Running low',
        answer: null,
        answered_by: null,
        answered_at: null,
      },
    ]);
    expect(await refillAudits(w)).toEqual([
      { action: 'refill.request', actor_id: w.patient.id, resource_type: 'refill', resource_id: id, patient_id: w.patient.patientId, outcome: 'success', detail: { outcome: 'granted', reasonCodes: [] } },
    ]);
    const triggers = await db().selectFrom('risk_evaluations').select('trigger').where('patient_id', '=', w.patient.patientId).execute();
    expect(triggers.map((e) => e.trigger)).toContain('refill_request');
    expect(await alertCodes(w)).not.toContain('EARLY_REFILL_REQUEST');
  });

  it('with two doses on hand is held until four days from now, in words; the early ask raises its warning sign', async () => {
    // Sessions could be now and in 72 hours; the third, the first without medication, once the first has left the
    // 7-day window (two a week): in 7 days. Eligible 3 days before: 4 days from now.
    const w = await readyWorld(t, 2);
    const now = t.clock.now();
    const eligibleFrom = at(now.getTime() + 4 * DAY);
    const answer = await expectStatus(ask(w), 201);
    const id = answer.json<{ refillRequest: { id: string } }>().refillRequest.id;
    expect(answer.json()).toEqual({
      refillRequest: { id, requestedAt: at(now.getTime()), outcome: 'held', eligibleFrom, reasons: [TOO_EARLY(eligibleFrom)], dosesOnHand: null, note: null, answer: null },
    });
    expect(await refillRows(w)).toEqual([
      {
        id,
        patient_id: w.patient.patientId,
        requested_by: w.patient.id,
        requested_at: now,
        eligible_from: new Date(now.getTime() + 4 * DAY),
        outcome: 'held',
        reasons: [TOO_EARLY(eligibleFrom)],
        doses_on_hand: null,
        plan_id: w.planId,
        note: null,
        answer: null,
        answered_by: null,
        answered_at: null,
      },
    ]);
    expect((await refillAudits(w)).map((a) => a.detail)).toEqual([{ outcome: 'held', reasonCodes: ['REFILL_TOO_EARLY'] }]);
    expect(await alertCodes(w)).toContain('EARLY_REFILL_REQUEST');
  });

  it('counts doses by the plan’s dose over the latest dispense’s strength: four 150 mg tablets are two 300 mg doses', async () => {
    const w = await createWorld(t);
    await signedPlan(w);
    await dispense(w, 4, 150);
    const eligibleFrom = at(t.clock.now().getTime() + 4 * DAY);
    const answer = await expectStatus(ask(w), 201);
    expect(answer.json()).toMatchObject({ refillRequest: { outcome: 'held', eligibleFrom, reasons: [TOO_EARLY(eligibleFrom)], dosesOnHand: null } });
  });

  it('without an active plan is held with no date, and names no plan', async () => {
    const w = await createWorld(t);
    const answer = await expectStatus(ask(w), 201);
    expect(answer.json()).toMatchObject({ refillRequest: { outcome: 'held', eligibleFrom: null, reasons: [NO_PLAN], dosesOnHand: null } });
    expect((await refillRows(w)).map((r) => [r.outcome, r.eligible_from, r.plan_id, r.reasons])).toEqual([['held', null, null, [NO_PLAN]]]);
    expect((await refillAudits(w)).map((a) => a.detail)).toEqual([{ outcome: 'held', reasonCodes: ['NO_ACTIVE_PLAN'] }]);
  });

  it('counts the refills granted on this prescription only: not held ones, not those before it was signed, not another patient’s', async () => {
    const w = await readyWorld(t, 1);
    const signedAt = (await db().selectFrom('treatment_plans').select('signed_at').where('id', '=', w.planId).executeTakeFirstOrThrow()).signed_at;
    const signedMs = new Date(signedAt ?? 0).getTime();
    const now = await later(w, 2 * HOUR);
    // Four granted on this plan (the first at the very instant it was signed), three held, two granted a month
    // before it was signed (an earlier prescription), and five of another patient's.
    await plantRequest(w, signedMs, 'granted');
    for (const h of [1, 2, 3]) await plantRequest(w, signedMs + h * 10 * MINUTE, 'granted');
    for (const h of [1, 2, 3]) await plantRequest(w, signedMs + h * 11 * MINUTE, 'held');
    for (const d of [30, 31]) await plantRequest(w, signedMs - d * DAY, 'granted');
    for (const h of [1, 2, 3, 4, 5]) await plantRequest(w, signedMs + h * MINUTE, 'granted', 'otherPatient');
    // The fifth refill is granted; a sixth is held at the Schedule III limit.
    const fifth = await expectStatus(ask(w), 201);
    expect(fifth.json()).toMatchObject({ refillRequest: { outcome: 'granted', eligibleFrom: at(now), reasons: [], dosesOnHand: 1 } });
    const sixth = await expectStatus(ask(w), 201);
    expect(sixth.json()).toMatchObject({ refillRequest: { outcome: 'held', eligibleFrom: at(now), reasons: [LIMIT], dosesOnHand: null } });
    expect((await refillAudits(w)).map((a) => a.detail)).toEqual([
      { outcome: 'granted', reasonCodes: [] },
      { outcome: 'held', reasonCodes: ['REFILL_LIMIT_REACHED'] },
    ]);
  });

  it('counts the refills dispensed on this prescription too: after the first fill and five refills it is held, after four it is granted', async () => {
    // A clinician may dispense a refill without a request: the request must not be granted a fill the dispense's
    // compliance check will refuse. Each fill is one unit; all but one unit are then disposed of, so a refill is due.
    const fills = async (n: number) => {
      const w = await readyWorld(t, 1);
      for (let i = 1; i < n; i++) await dispense(w, 1);
      await expectStatus(w.call('clinician', 'POST', `${base(w)}/ledger/disposals`, { kind: 'returned', units: n - 1, manner: 'Handed back at the clinic' }), 201);
      return w;
    };
    const now = at(t.clock.now().getTime());
    const six = await fills(6);
    expect((await expectStatus(ask(six), 201)).json()).toMatchObject({ refillRequest: { outcome: 'held', eligibleFrom: now, reasons: [LIMIT], dosesOnHand: null } });
    const five = await fills(5);
    expect((await expectStatus(ask(five), 201)).json()).toMatchObject({ refillRequest: { outcome: 'granted', eligibleFrom: now, reasons: [], dosesOnHand: 1 } });
  });

  /** A patient whose plan was signed, and one unit dispensed, at `signedMs` (the clock set back, then restored). */
  const signedOn = async (signedMs: number) => {
    const now = t.clock.now();
    t.clock.set(new Date(signedMs));
    const w = await readyWorld(t, 1);
    t.clock.set(now);
    await w.refresh();
    return w;
  };
  const EXPIRED = {
    code: 'PRESCRIPTION_EXPIRED',
    message: 'Your prescription was signed more than 6 months ago, so it cannot be refilled. Your clinician needs to write a new prescription.',
  };

  it('on a prescription signed more than six months ago is held: a Schedule III prescription cannot be refilled after that', async () => {
    // Its five refills were all granted in its first weeks, none in the last six months: they still count, and the
    // prescription is past its window anyway. (Both used to be missed: the refills were counted back from today.)
    const now = t.clock.now().getTime();
    const signed = now - 213 * DAY;
    const w = await signedOn(signed);
    for (const d of [1, 2, 3, 4, 5]) await plantRequest(w, signed + d * DAY, 'granted');
    const answer = await expectStatus(ask(w), 201);
    expect(answer.json()).toMatchObject({ refillRequest: { outcome: 'held', eligibleFrom: at(now), reasons: [LIMIT, EXPIRED], dosesOnHand: null } });
    expect((await refillAudits(w)).map((a) => a.detail)).toEqual([{ outcome: 'held', reasonCodes: ['REFILL_LIMIT_REACHED', 'PRESCRIPTION_EXPIRED'] }]);

    // Without a refill used, the same: held for its age alone.
    const v = await signedOn(signed);
    expect((await expectStatus(ask(v), 201)).json()).toMatchObject({ refillRequest: { outcome: 'held', eligibleFrom: at(now), reasons: [EXPIRED], dosesOnHand: null } });
  });

  it('on a prescription one minute short of six months old is granted; at six months to the minute it is held', async () => {
    // The test clock stands at 2026-06-01T12:00Z when the file starts; six calendar months before a moment in June
    // is the same day and time in December.
    const now = t.clock.now();
    const sixMonthsBefore = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 6, now.getUTCDate(), now.getUTCHours(), now.getUTCMinutes());
    const w = await signedOn(sixMonthsBefore + MINUTE);
    expect((await expectStatus(ask(w), 201)).json()).toMatchObject({ refillRequest: { outcome: 'granted', reasons: [], dosesOnHand: 1 } });
    const v = await signedOn(sixMonthsBefore);
    expect((await expectStatus(ask(v), 201)).json()).toMatchObject({ refillRequest: { outcome: 'held', reasons: [EXPIRED], dosesOnHand: null } });
  });
});
