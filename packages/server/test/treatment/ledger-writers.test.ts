import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTestPdmpCheck } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { dispense, expectStatus, readyWorld, type World } from './treatment-world.ts';

/**
 * The ledger's writers that take units off hand (losses, disposals and returns), read in full: the answer, the entry
 * stored and the audit row, at the edge of what is on hand and past it. The database's own refusal (the
 * ledger_balances CHECK, reached when the stored balance is lower than the entries say, as after a bad restore) must
 * come back as the use-case's 409 naming the units, not the generic backstop's answer. Expected values are written
 * out by hand.
 */
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const url = (w: World, path: string) => `/api/v1/patients/${w.patient.patientId}/ledger/${path}`;
const stored = async (w: World) =>
  t.database.db
    .selectFrom('ledger_entries')
    .select(['kind', 'units', 'loss_kind', 'circumstances', 'manner', 'recorded_by'])
    .where('patient_id', '=', w.patient.patientId)
    .orderBy('recorded_at')
    .orderBy('kind')
    .execute();
const audited = async (w: World, action: string) =>
  t.database.db
    .selectFrom('audit_log')
    .select(['action', 'actor_id', 'resource_type', 'outcome', 'detail'])
    .where('patient_id', '=', w.patient.patientId)
    .where('action', '=', action)
    .execute();
/** Moves the stored balance behind the trigger's back, as a bad restore or a hand edit would. */
const storedBalance = async (w: World, units: number) => {
  await t.database.db.updateTable('ledger_balances').set({ on_hand_units: units }).where('patient_id', '=', w.patient.patientId).execute();
};

const conflict = {
  code: 'CONFLICT',
  status: 409,
  detail: 'The medication record changed while this was being recorded: it would leave fewer than zero units at home. Reload the ledger and try again.',
  errors: [{ field: 'units', message: 'is more than the units on hand now' }],
};

describe('a loss report', () => {
  it('of exactly what is on hand is recorded in full, with its audit row', async () => {
    const w = await readyWorld(t, 2);
    const lost = await expectStatus(w.call('patient', 'POST', url(w, 'losses'), { units: 2, kind: 'stolen', circumstances: 'Bag taken from the car' }), 201);
    expect(lost.json()).toMatchObject({ entry: { kind: 'lost', units: 2, lossKind: 'stolen', circumstances: 'Bag taken from the car', recordedBy: w.patient.id }, onHand: 0, alerts: expect.any(Array) });
    expect((await stored(w)).map((e) => [e.kind, e.units, e.loss_kind, e.circumstances])).toEqual([
      ['dispensed', 2, null, null],
      ['lost', 2, 'stolen', 'Bag taken from the car'],
    ]);
    expect(await audited(w, 'ledger.loss')).toEqual([
      { action: 'ledger.loss', actor_id: w.patient.id, resource_type: 'ledger', outcome: 'success', detail: { units: 2, kind: 'stolen' } },
    ]);
    // The warning signs are evaluated again, on the record as caused by the loss report.
    const triggers = await t.database.db.selectFrom('risk_evaluations').select('trigger').where('patient_id', '=', w.patient.patientId).execute();
    expect(triggers.map((e) => e.trigger)).toContain('loss_report');
  });

  it('of one more than is on hand is refused as a 422 naming the units on hand, and nothing is recorded', async () => {
    const w = await readyWorld(t, 2);
    const refused = await expectStatus(w.call('patient', 'POST', url(w, 'losses'), { units: 3, kind: 'lost', circumstances: 'Dropped them' }), 422);
    expect(refused.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      detail: 'The record shows 2 units at home. Report what is missing from those; your clinician will record a count for the rest.',
      errors: [{ field: 'units', message: 'is more than the 2 units the record shows at home' }],
    });
    expect((await stored(w)).map((e) => e.kind)).toEqual(['dispensed']);
    expect(await audited(w, 'ledger.loss')).toEqual([]);
  });

  it('the stored balance cannot cover is the database’s refusal, answered as a 409 naming the units', async () => {
    const w = await readyWorld(t, 3);
    await storedBalance(w, 1);
    const refused = await expectStatus(w.call('patient', 'POST', url(w, 'losses'), { units: 2, kind: 'lost', circumstances: 'Dropped two' }), 409);
    expect(refused.json()).toMatchObject(conflict);
    expect((await stored(w)).map((e) => e.kind)).toEqual(['dispensed']);
    expect(await audited(w, 'ledger.loss')).toEqual([]);
  });
});

describe('a dispense dated a few minutes ahead', () => {
  it('is on the ledger at the time it was recorded, so a loss recorded in between keeps the ledger reconciled', async () => {
    const w = await readyWorld(t, 2);
    await expectStatus(w.call('patient', 'POST', url(w, 'losses'), { units: 2, kind: 'lost', circumstances: 'Dropped them' }), 201);
    const recordedAt = t.clock.now().toISOString();
    const ahead = new Date(t.clock.now().getTime() + 4 * 60_000).toISOString();
    await recordTestPdmpCheck(t, w.patient.patientId, w.clinician.id);
    const filled = await expectStatus(
      w.call('clinician', 'POST', `/api/v1/patients/${w.patient.patientId}/dispenses`, {
        units: 2,
        form: 'sublingual_tablet',
        strengthMg: 300,
        dispensedAt: ahead,
        dispenser: 'Keel Test Pharmacy',
        shipTo: '1 Test Road, Oakland, CA 94607',
      }),
      201,
    );
    expect(filled.json()).toMatchObject({ dispense: { dispensedAt: ahead } });
    await expectStatus(w.call('patient', 'POST', url(w, 'losses'), { units: 2, kind: 'lost', circumstances: 'Dropped them again' }), 201);
    const ledger = (await expectStatus(w.call('clinician', 'GET', `/api/v1/patients/${w.patient.patientId}/ledger`), 200)).json<{
      entries: { kind: string; occurredAt: string }[];
      reconciliation: { status: string };
    }>();
    expect(ledger.reconciliation.status).toBe('reconciled');
    expect(ledger.entries.filter((e) => e.kind === 'dispensed').map((e) => e.occurredAt)).toContain(recordedAt);
  });
});

describe('a disposal or a return', () => {
  it('of exactly what is on hand is recorded in full, with its audit row', async () => {
    const w = await readyWorld(t, 2);
    // Dated an hour back, after the dispense (two hours back once the clock moves on).
    t.clock.advance(2 * 3_600_000);
    await w.refresh();
    const occurredAt = new Date(t.clock.now().getTime() - 3_600_000).toISOString();
    const disposed = await expectStatus(w.call('clinician', 'POST', url(w, 'disposals'), { kind: 'disposed', units: 2, manner: 'Destroyed in a pouch, witnessed', occurredAt }), 201);
    expect(disposed.json()).toMatchObject({ entry: { kind: 'disposed', units: 2, manner: 'Destroyed in a pouch, witnessed', occurredAt, recordedBy: w.clinician.id }, onHand: 0 });
    expect((await stored(w)).map((e) => [e.kind, e.units, e.manner])).toEqual([
      ['dispensed', 2, null],
      ['disposed', 2, 'Destroyed in a pouch, witnessed'],
    ]);
    expect(await audited(w, 'ledger.disposed')).toEqual([
      { action: 'ledger.disposed', actor_id: w.clinician.id, resource_type: 'ledger', outcome: 'success', detail: { units: 2 } },
    ]);
  });

  it('dated before the units it disposes of were dispensed is refused, naming the time; nothing is stored', async () => {
    const w = await readyWorld(t, 2);
    // The two units were dispensed now; a disposal dated an hour ago would have left on hand at −2 until now.
    const occurredAt = new Date(t.clock.now().getTime() - 3_600_000).toISOString();
    const refused = await expectStatus(w.call('clinician', 'POST', url(w, 'disposals'), { kind: 'disposed', units: 2, manner: 'Destroyed in a pouch, witnessed', occurredAt }), 422);
    expect(refused.json()).toMatchObject({ errors: [{ field: 'occurredAt', message: `is too early: 2 units removed then would leave on hand below zero on ${occurredAt}` }] });
    expect((await stored(w)).map((e) => e.kind)).toEqual(['dispensed']);
    expect(await audited(w, 'ledger.disposed')).toEqual([]);
    // The same disposal dated after the dispense is recorded, and the ledger stays correctable.
    t.clock.advance(60_000);
    await expectStatus(w.call('clinician', 'POST', url(w, 'disposals'), { kind: 'disposed', units: 2, manner: 'Destroyed in a pouch, witnessed', occurredAt: t.clock.now().toISOString() }), 201);
  });

  it('dated where it would take a later entry below zero is refused, naming when on hand would fall below zero', async () => {
    const w = await readyWorld(t, 2);
    const t0 = t.clock.now().getTime();
    // Two dispensed at T0; both lost at T0 + 2 h; two more dispensed at T0 + 2 h 1 min.
    t.clock.advance(2 * 3_600_000);
    await w.refresh();
    const lossAt = t.clock.now().toISOString();
    await expectStatus(w.call('patient', 'POST', url(w, 'losses'), { units: 2, kind: 'lost', circumstances: 'Dropped them' }), 201);
    t.clock.advance(60_000);
    await w.refresh();
    await dispense(w, 2);
    // A disposal of two dated T0 + 1 h: both units were there then, but the loss at T0 + 2 h would find none.
    const occurredAt = new Date(t0 + 3_600_000).toISOString();
    const refused = await expectStatus(w.call('clinician', 'POST', url(w, 'disposals'), { kind: 'disposed', units: 2, manner: 'Destroyed, witnessed', occurredAt }), 422);
    expect(refused.json()).toMatchObject({ errors: [{ field: 'occurredAt', message: `is too early: 2 units removed then would leave on hand below zero on ${lossAt}` }] });
  });

  it('dated before the last pill count is refused: the count stands for what was on hand then', async () => {
    const w = await readyWorld(t, 2);
    const t0 = t.clock.now().getTime();
    t.clock.advance(2 * 3_600_000);
    await w.refresh();
    const countedAt = t.clock.now().toISOString();
    await expectStatus(w.call('clinician', 'POST', url(w, 'counts'), { countedUnits: 2 }), 201);
    const occurredAt = new Date(t0 + 3_600_000).toISOString();
    const refused = await expectStatus(w.call('clinician', 'POST', url(w, 'disposals'), { kind: 'disposed', units: 2, manner: 'Destroyed, witnessed', occurredAt }), 422);
    expect(refused.json()).toMatchObject({ errors: [{ field: 'occurredAt', message: `is before the pill count of ${countedAt}, which stands for what was on hand then` }] });
    expect(await audited(w, 'ledger.disposed')).toEqual([]);
  });

  it('is judged against the latest of several pill counts, and one dated at that count or after it is taken', async () => {
    const w = await readyWorld(t, 4);
    const t0 = t.clock.now().getTime();
    // Counts at T0 + 1 h and T0 + 2 h, both of the four units on hand.
    t.clock.advance(3_600_000);
    await w.refresh();
    await expectStatus(w.call('clinician', 'POST', url(w, 'counts'), { countedUnits: 4 }), 201);
    t.clock.advance(3_600_000);
    await w.refresh();
    const lastCountAt = t.clock.now().toISOString();
    await expectStatus(w.call('clinician', 'POST', url(w, 'counts'), { countedUnits: 4 }), 201);
    t.clock.advance(3_600_000);
    await w.refresh();
    // Between the two counts: before the latest, refused naming it (not the first).
    const between = new Date(t0 + 90 * 60_000).toISOString();
    const refused = await expectStatus(w.call('clinician', 'POST', url(w, 'disposals'), { kind: 'disposed', units: 1, manner: 'Destroyed, witnessed', occurredAt: between }), 422);
    expect(refused.json()).toMatchObject({ errors: [{ field: 'occurredAt', message: `is before the pill count of ${lastCountAt}, which stands for what was on hand then` }] });
    // Exactly at the latest count, and after it: taken.
    const atCount = await expectStatus(w.call('clinician', 'POST', url(w, 'disposals'), { kind: 'disposed', units: 1, manner: 'Destroyed, witnessed', occurredAt: lastCountAt }), 201);
    expect(atCount.json()).toMatchObject({ entry: { kind: 'disposed', units: 1, occurredAt: lastCountAt }, onHand: 3 });
    const after = new Date(t0 + 150 * 60_000).toISOString();
    const later = await expectStatus(w.call('clinician', 'POST', url(w, 'disposals'), { kind: 'returned', units: 1, manner: 'Returned by courier', occurredAt: after }), 201);
    expect(later.json()).toMatchObject({ entry: { kind: 'returned', units: 1, occurredAt: after }, onHand: 2 });
    expect((await stored(w)).map((e) => [e.kind, e.units])).toEqual([
      ['dispensed', 4],
      ['counted', 0],
      ['counted', 0],
      ['disposed', 1],
      ['returned', 1],
    ]);
  });

  it('dated in the future (past five minutes of clock leeway) is refused; exactly five minutes ahead is taken', async () => {
    const w = await readyWorld(t, 2);
    const at = (minutes: number) => new Date(t.clock.now().getTime() + minutes * 60_000).toISOString();
    const refused = await expectStatus(w.call('clinician', 'POST', url(w, 'disposals'), { kind: 'returned', units: 1, manner: 'Returned by courier', occurredAt: at(6) }), 422);
    expect(refused.json()).toMatchObject({ errors: [{ field: 'occurredAt', message: 'cannot be in the future' }] });
    expect((await stored(w)).map((e) => e.kind)).toEqual(['dispensed']);
    await expectStatus(w.call('clinician', 'POST', url(w, 'disposals'), { kind: 'returned', units: 1, manner: 'Returned by courier', occurredAt: at(5) }), 201);
  });

  it('dated before its units were on hand is refused even when the ledger is already unreconciled by another problem', async () => {
    const w = await readyWorld(t, 2);
    const dispensed = await t.database.db.selectFrom('ledger_entries').select('id').where('patient_id', '=', w.patient.patientId).executeTakeFirstOrThrow();
    // A correction dated before the entry it names, planted as a faulty import would leave it: the ledger is
    // unreconciled (CORRECTION_TARGET_INVALID), but on hand never falls below zero.
    await t.database.db
      .insertInto('ledger_entries')
      .values({
        id: crypto.randomUUID(),
        patient_id: w.patient.patientId,
        kind: 'correction',
        units: 1,
        occurred_at: new Date(t.clock.now().getTime() - 3_600_000),
        recorded_by: w.clinician.id,
        recorded_at: t.clock.now(),
        corrects_id: dispensed.id,
        note: 'Imported',
      })
      .execute();
    // Two units dated half an hour ago, before the dispense of now: on hand would fall below zero then.
    const occurredAt = new Date(t.clock.now().getTime() - 1_800_000).toISOString();
    const refused = await expectStatus(w.call('clinician', 'POST', url(w, 'disposals'), { kind: 'disposed', units: 2, manner: 'Destroyed in a pouch, witnessed', occurredAt }), 422);
    expect(refused.json()).toMatchObject({ errors: [{ field: 'occurredAt', message: `is too early: 2 units removed then would leave on hand below zero on ${occurredAt}` }] });
    expect((await stored(w)).map((e) => e.kind)).toEqual(['correction', 'dispensed']);
    expect(await audited(w, 'ledger.disposed')).toEqual([]);
  });

  it('without a time is recorded at the time it was recorded', async () => {
    const w = await readyWorld(t, 2);
    const returned = await expectStatus(w.call('clinician', 'POST', url(w, 'disposals'), { kind: 'returned', units: 1, manner: 'Returned by courier' }), 201);
    const body = returned.json<{ entry: { occurredAt: string; recordedAt: string }; onHand: number }>();
    expect(body).toMatchObject({ entry: { kind: 'returned', units: 1, occurredAt: t.clock.now().toISOString() }, onHand: 1 });
    expect(body.entry.occurredAt).toBe(body.entry.recordedAt);
    expect(await audited(w, 'ledger.returned')).toEqual([
      { action: 'ledger.returned', actor_id: w.clinician.id, resource_type: 'ledger', outcome: 'success', detail: { units: 1 } },
    ]);
  });

  it('the stored balance cannot cover is the database’s refusal, answered as a 409 naming the units', async () => {
    const w = await readyWorld(t, 3);
    await storedBalance(w, 0);
    const refused = await expectStatus(w.call('clinician', 'POST', url(w, 'disposals'), { kind: 'returned', units: 1, manner: 'Returned by courier' }), 409);
    expect(refused.json()).toMatchObject(conflict);
    expect((await stored(w)).map((e) => e.kind)).toEqual(['dispensed']);
  });
});
