import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { recordTestPdmpCheck } from '../support/factories.ts';
import { createWorld, expectStatus, readyWorld, signedPlan, type World } from './treatment-world.ts';

/**
 * The ledger's writers that add units or only observe them (a dispense, a pill count), read in full: the answer, the
 * row stored and the audit row; a count above and below the ledger; a dispense dated ahead of the clock's leeway.
 * Expected values are written out by hand.
 */
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const countUrl = (w: World) => `/api/v1/patients/${w.patient.patientId}/ledger/counts`;
const dispenseUrl = (w: World) => `/api/v1/patients/${w.patient.patientId}/dispenses`;
const entries = async (w: World) =>
  t.database.db
    .selectFrom('ledger_entries')
    .select(['kind', 'units', 'counted_units', 'expected_units', 'note', 'recorded_by', 'dispense_id'])
    .where('patient_id', '=', w.patient.patientId)
    .orderBy('recorded_at')
    .orderBy('kind')
    .execute();
const audited = async (w: World, action: string) =>
  t.database.db
    .selectFrom('audit_log')
    .select(['action', 'actor_id', 'resource_type', 'resource_id', 'outcome', 'detail'])
    .where('patient_id', '=', w.patient.patientId)
    .where('action', '=', action)
    .execute();

describe('a pill count', () => {
  it('below the ledger records counted and expected units, the discrepancy and the note, without moving on hand', async () => {
    const w = await readyWorld(t, 5);
    const now = t.clock.now().toISOString();
    const count = await expectStatus(w.call('clinician', 'POST', countUrl(w), { countedUnits: 3, note: 'Counted on video' }), 201);
    const body = count.json<{ entry: { id: string }; alerts: { code: string }[] }>();
    expect(body).toMatchObject({
      entry: {
        kind: 'counted',
        units: 0,
        occurredAt: now,
        recordedAt: now,
        recordedBy: w.clinician.id,
        countedUnits: 3,
        expectedUnits: 5,
        note: 'Counted on video',
        sessionId: null,
        dispenseId: null,
        correctsId: null,
      },
      expectedUnits: 5,
      countedUnits: 3,
      discrepancy: -2,
      onHand: 5,
    });
    // A count two short is a warning sign: its alert is in the answer as stored.
    expect(body.alerts.map((a) => a.code)).toContain('COUNT_MISMATCH');
    const alertRows = await t.database.db.selectFrom('alerts').select(['id', 'code', 'severity', 'holds_dosing']).where('patient_id', '=', w.patient.patientId).execute();
    expect(body.alerts).toEqual(alertRows.map((a) => ({ id: a.id, code: a.code, severity: a.severity, holdsDosing: a.holds_dosing })));
    expect((await entries(w)).map((e) => [e.kind, e.units, e.counted_units, e.expected_units, e.note, e.recorded_by])).toEqual([
      ['counted', 0, 3, 5, 'Counted on video', w.clinician.id],
      ['dispensed', 5, null, null, null, w.clinician.id],
    ]);
    expect(await audited(w, 'ledger.count')).toEqual([
      { action: 'ledger.count', actor_id: w.clinician.id, resource_type: 'ledger', resource_id: body.entry.id, outcome: 'success', detail: { countedUnits: 3, expectedUnits: 5, discrepancy: -2 } },
    ]);
    // The warning signs are evaluated again, on the record as caused by the pill count.
    const triggers = await t.database.db.selectFrom('risk_evaluations').select('trigger').where('patient_id', '=', w.patient.patientId).execute();
    expect(triggers.map((e) => e.trigger)).toContain('pill_count');
  });

  it('above the ledger has a positive discrepancy; a count without a note stores none; a matching count raises nothing', async () => {
    const w = await readyWorld(t, 2);
    const over = await expectStatus(w.call('clinician', 'POST', countUrl(w), { countedUnits: 7 }), 201);
    expect(over.json()).toMatchObject({ entry: { countedUnits: 7, expectedUnits: 2, note: null }, expectedUnits: 2, countedUnits: 7, discrepancy: 5, onHand: 2 });
    expect((await audited(w, 'ledger.count')).map((a) => a.detail)).toEqual([{ countedUnits: 7, expectedUnits: 2, discrepancy: 5 }]);

    const v = await readyWorld(t, 4);
    const even = await expectStatus(v.call('clinician', 'POST', countUrl(v), { countedUnits: 4 }), 201);
    expect(even.json()).toMatchObject({ expectedUnits: 4, countedUnits: 4, discrepancy: 0, onHand: 4, alerts: [] });
  });
});

describe('a dispense', () => {
  it('is answered and stored in full, with its ledger entry and audit row', async () => {
    const w = await createWorld(t);
    const planId = await signedPlan(w);
    await recordTestPdmpCheck(t, w.patient.patientId, w.clinician.id);
    const dispensedAt = new Date(t.clock.now().getTime() - 3_600_000).toISOString();
    const now = t.clock.now().toISOString();
    const answer = await expectStatus(
      w.call('clinician', 'POST', dispenseUrl(w), { units: 6, form: 'sublingual_tablet', strengthMg: 150, dispensedAt, dispenser: 'Keel Test Pharmacy', shipTo: '2 Other Road, Oakland, CA 94607' }),
      201,
    );
    const body = answer.json<{ dispense: { id: string }; entry: { id: string } }>();
    expect(body).toEqual({
      dispense: {
        id: body.dispense.id,
        patientId: w.patient.patientId,
        substance: 'ketamine',
        form: 'sublingual_tablet',
        strengthMg: 150,
        units: 6,
        dispensedAt,
        patientName: w.patient.name,
        shipTo: '2 Other Road, Oakland, CA 94607',
        prescriberId: w.clinician.id,
        prescriberName: w.clinician.name,
        prescriberDeaRegistration: 'FT1234563',
        dispenser: 'Keel Test Pharmacy',
        recordedBy: w.clinician.id,
        createdAt: now,
      },
      entry: {
        id: body.entry.id,
        kind: 'dispensed',
        units: 6,
        occurredAt: dispensedAt,
        recordedBy: w.clinician.id,
        recordedAt: now,
        sessionId: null,
        dispenseId: body.dispense.id,
        correctsId: null,
        countedUnits: null,
        expectedUnits: null,
        lossKind: null,
        circumstances: null,
        manner: null,
        note: null,
      },
      onHand: 6,
    });
    const row = await t.database.db.selectFrom('dispenses').selectAll().where('id', '=', body.dispense.id).executeTakeFirstOrThrow();
    expect({ ...row, dispensed_at: row.dispensed_at.toISOString(), created_at: row.created_at.toISOString() }).toEqual({
      id: body.dispense.id,
      patient_id: w.patient.patientId,
      substance: 'ketamine',
      form: 'sublingual_tablet',
      strength_mg: 150,
      units: 6,
      dispensed_at: dispensedAt,
      patient_name: w.patient.name,
      ship_to: '2 Other Road, Oakland, CA 94607',
      prescriber_id: w.clinician.id,
      prescriber_dea_registration: 'FT1234563',
      plan_id: planId,
      dispenser: 'Keel Test Pharmacy',
      recorded_by: w.clinician.id,
      created_at: now,
    });
    expect((await entries(w)).map((e) => [e.kind, e.units, e.recorded_by, e.dispense_id])).toEqual([['dispensed', 6, w.clinician.id, body.dispense.id]]);
    expect(await audited(w, 'ledger.dispense')).toEqual([
      {
        action: 'ledger.dispense',
        actor_id: w.clinician.id,
        resource_type: 'dispense',
        resource_id: body.dispense.id,
        outcome: 'success',
        detail: { entryId: body.entry.id, units: 6, strengthMg: 150, form: 'sublingual_tablet' },
      },
    ]);
  });

  it('on top of units on hand answers the new on hand', async () => {
    const w = await readyWorld(t, 3);
    await recordTestPdmpCheck(t, w.patient.patientId, w.clinician.id);
    const answer = await expectStatus(
      w.call('clinician', 'POST', dispenseUrl(w), { units: 2, form: 'sublingual_tablet', strengthMg: 300, dispensedAt: t.clock.now().toISOString(), dispenser: 'Keel Test Pharmacy', shipTo: '1 Test Road' }),
      201,
    );
    expect(answer.json()).toMatchObject({ onHand: 5 });
  });

  it('dated more than five minutes ahead is refused, nothing stored; exactly five minutes ahead is taken', async () => {
    const w = await createWorld(t);
    await signedPlan(w);
    await recordTestPdmpCheck(t, w.patient.patientId, w.clinician.id);
    const at = (minutes: number) => new Date(t.clock.now().getTime() + minutes * 60_000).toISOString();
    const call = (dispensedAt: string) =>
      w.call('clinician', 'POST', dispenseUrl(w), { units: 2, form: 'sublingual_tablet', strengthMg: 300, dispensedAt, dispenser: 'Keel Test Pharmacy', shipTo: '1 Test Road' });
    const refused = await expectStatus(call(at(6)), 422);
    expect(refused.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'dispensedAt', message: 'cannot be in the future' }] });
    expect(await entries(w)).toEqual([]);
    expect(await t.database.db.selectFrom('dispenses').select('id').where('patient_id', '=', w.patient.patientId).execute()).toEqual([]);
    expect(await audited(w, 'ledger.dispense')).toEqual([]);
    await expectStatus(call(at(5)), 201);
  });

  it('without an active plan is judged for the recording clinician: not a prescriber in the state, or no prescription to fill', async () => {
    const body = { units: 2, form: 'sublingual_tablet', strengthMg: 300, dispenser: 'Keel Test Pharmacy', shipTo: '1 Test Road' };
    // The clinician is licensed in CA and NY, not in TX.
    const w = await createWorld(t, { state: 'TX' });
    await recordTestPdmpCheck(t, w.patient.patientId, w.clinician.id);
    const refused = await expectStatus(w.call('clinician', 'POST', dispenseUrl(w), { ...body, dispensedAt: t.clock.now().toISOString() }), 422);
    expect(refused.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      detail: 'Only a prescriber can do this: a clinician with a DEA registration and a licence in TX.',
      errors: [{ field: 'signer', message: 'needs a DEA registration and a TX licence' }],
    });
    expect(await entries(w)).toEqual([]);
    // In NY the recording clinician is the prescriber, and the fill is then refused by the compliance check.
    const v = await createWorld(t, { state: 'NY' });
    await recordTestPdmpCheck(t, v.patient.patientId, v.clinician.id);
    const noPlan = await expectStatus(v.call('clinician', 'POST', dispenseUrl(v), { ...body, dispensedAt: t.clock.now().toISOString() }), 422);
    expect(noPlan.json()).toMatchObject({
      code: 'PRESCRIBING_NOT_COMPLIANT',
      detail: 'The dispense cannot be recorded: There is no signed prescription (plan) to fill. The prescriber must sign a plan first.',
    });
    expect(await entries(v)).toEqual([]);
  });
});
