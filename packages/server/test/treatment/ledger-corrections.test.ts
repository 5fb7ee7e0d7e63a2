import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { expectStatus, readyWorld, type World } from './treatment-world.ts';

/**
 * A ledger correction's rules, read in full (docs/mutation.md): what it may name (an entry of this patient's ledger
 * that is not itself a correction), the amounts it may move (never past the entry it corrects, never units out of a
 * count, never on hand below zero), who may record it and that it needs a reason, and the entry and audit row it
 * writes. A refusal is read with its field and words, and a ledger that already has a problem of its own takes a
 * correction that adds none. Expected values are written out by hand.
 */
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Entry {
  id: string;
  kind: string;
  units: number;
}
const ledgerUrl = (w: World) => `/api/v1/patients/${w.patient.patientId}/ledger`;
const ledger = async (w: World) =>
  (await expectStatus(w.call('clinician', 'GET', ledgerUrl(w)), 200)).json<{
    entries: Entry[];
    onHand: number;
    recordedOnHand: number;
    reconciliation: { status: string; problems: { code: string; entryId?: string; message: string }[] };
  }>();
const firstEntry = async (w: World): Promise<Entry> => {
  const [entry] = (await ledger(w)).entries;
  if (!entry) throw new Error('the ledger has no entry');
  return entry;
};
const correct = (w: World, body: Record<string, unknown>, who: 'clinician' | 'patient' | 'sitter' | 'otherPatient' | 'admin' = 'clinician') =>
  w.call(who, 'POST', `${ledgerUrl(w)}/corrections`, body);
const stored = async (w: World) =>
  t.database.db
    .selectFrom('ledger_entries')
    .select(['kind', 'units', 'corrects_id', 'note', 'recorded_by'])
    .where('patient_id', '=', w.patient.patientId)
    .where('kind', '=', 'correction')
    .orderBy('recorded_at')
    .execute();
const audited = async (w: World) =>
  t.database.db
    .selectFrom('audit_log')
    .select(['action', 'actor_id', 'resource_type', 'resource_id', 'outcome', 'detail'])
    .where('patient_id', '=', w.patient.patientId)
    .where('action', 'like', 'ledger.correction%')
    .execute();
/** A refusal by the use-case: a 422 whose detail lists every error as `field: message`. */
const refusal = (errors: { field: string; message: string | RegExp }[]) => ({
  code: 'VALIDATION_FAILED',
  status: 422,
  detail: errors.every((e) => typeof e.message === 'string') ? errors.map((e) => `${e.field}: ${String(e.message)}`).join('; ') : expect.any(String),
  errors: errors.map((e) => ({ field: e.field, message: typeof e.message === 'string' ? e.message : expect.stringMatching(e.message) })),
});
const HOUR = 3_600_000;

describe('a correction that stays within its entry', () => {
  it('is recorded in full, on the entry it names, with its audit row', async () => {
    const w = await readyWorld(t, 3);
    const dispensed = await firstEntry(w);
    const response = await expectStatus(correct(w, { correctsId: dispensed.id, deltaUnits: -3, reason: 'The pharmacy cancelled the fill' }), 201);
    const body = response.json<{ entry: { id: string } }>();
    expect(body).toEqual({
      entry: {
        id: body.entry.id,
        kind: 'correction',
        units: -3,
        occurredAt: '2026-06-01T12:00:00.000Z',
        recordedBy: w.clinician.id,
        recordedAt: '2026-06-01T12:00:00.000Z',
        sessionId: null,
        dispenseId: null,
        correctsId: dispensed.id,
        countedUnits: null,
        expectedUnits: null,
        lossKind: null,
        circumstances: null,
        manner: null,
        note: 'The pharmacy cancelled the fill',
      },
      onHand: 0,
    });
    expect(await stored(w)).toEqual([{ kind: 'correction', units: -3, corrects_id: dispensed.id, note: 'The pharmacy cancelled the fill', recorded_by: w.clinician.id }]);
    expect(await audited(w)).toEqual([
      { action: 'ledger.correction', actor_id: w.clinician.id, resource_type: 'ledger', resource_id: body.entry.id, outcome: 'success', detail: { correctsId: dispensed.id, deltaUnits: -3 } },
    ]);
    expect(await ledger(w)).toMatchObject({ onHand: 0, recordedOnHand: 0, reconciliation: { status: 'reconciled', problems: [] } });
  });

  it('undoes a loss report by at most its units, and one more is refused naming the loss', async () => {
    const w = await readyWorld(t, 3);
    await expectStatus(w.call('patient', 'POST', `${ledgerUrl(w)}/losses`, { units: 1, kind: 'lost', circumstances: 'Thought one was dropped' }), 201);
    const loss = (await ledger(w)).entries.find((e) => e.kind === 'lost');
    if (!loss) throw new Error('no loss entry');
    const undone = await expectStatus(correct(w, { correctsId: loss.id, deltaUnits: 1, reason: 'Found it in the bag' }), 201);
    expect(undone.json()).toMatchObject({ entry: { kind: 'correction', units: 1, correctsId: loss.id }, onHand: 3 });
    // A second +1 would make the loss of 1 a loss of −1: the entry's own limit, while on hand only goes up.
    const refused = await expectStatus(correct(w, { correctsId: loss.id, deltaUnits: 1, reason: 'Found another' }), 422);
    expect(refused.json()).toMatchObject(refusal([{ field: 'deltaUnits', message: `Corrections to entry ${loss.id} take it below zero units.` }]));
    expect((await stored(w)).map((e) => e.units)).toEqual([1]);
    expect((await audited(w)).map((a) => a.detail)).toEqual([{ correctsId: loss.id, deltaUnits: 1 }]);
  });
});

describe('a correction past what the record allows is refused in words, and nothing is recorded', () => {
  it('one unit past the dispense it corrects: the entry below zero, and on hand below zero', async () => {
    const w = await readyWorld(t, 3);
    const dispensed = await firstEntry(w);
    const refused = await expectStatus(correct(w, { correctsId: dispensed.id, deltaUnits: -4, reason: 'Typed 3 for nothing' }), 422);
    expect(refused.json()).toMatchObject(
      refusal([
        { field: 'deltaUnits', message: `Corrections to entry ${dispensed.id} take it below zero units.` },
        { field: 'deltaUnits', message: /^On hand falls to -1 at entry [0-9a-f-]{36}\.$/ },
      ]),
    );
    expect(await stored(w)).toEqual([]);
    expect(await audited(w)).toEqual([]);
  });

  it('units added against a count; a count may still be corrected downwards', async () => {
    const w = await readyWorld(t, 3);
    await expectStatus(w.call('clinician', 'POST', `${ledgerUrl(w)}/counts`, { countedUnits: 2 }), 201);
    const count = (await ledger(w)).entries.find((e) => e.kind === 'counted');
    if (!count) throw new Error('no count entry');
    const refused = await expectStatus(correct(w, { correctsId: count.id, deltaUnits: 1, reason: 'Counted one more later' }), 422);
    expect(refused.json()).toMatchObject(
      refusal([{ field: 'deltaUnits', message: /^Correction [0-9a-f-]{36} adds units against a count; correct the entry that recorded them wrongly instead\.$/ }]),
    );
    expect(await stored(w)).toEqual([]);
    const accepted = await expectStatus(correct(w, { correctsId: count.id, deltaUnits: -1, reason: 'The count was right: one is missing' }), 201);
    expect(accepted.json()).toMatchObject({ entry: { units: -1, correctsId: count.id }, onHand: 2 });
  });

  it('an id that is not an entry of this patient’s ledger: unknown, or another patient’s entry', async () => {
    const w = await readyWorld(t, 3);
    const other = await readyWorld(t, 2);
    const othersEntry = await firstEntry(other);
    for (const correctsId of [crypto.randomUUID(), othersEntry.id]) {
      const refused = await expectStatus(correct(w, { correctsId, deltaUnits: -1, reason: 'Wrong count' }), 422);
      expect(refused.json()).toMatchObject(refusal([{ field: 'correctsId', message: 'is not an entry of this patient’s ledger' }]));
    }
    expect(await stored(w)).toEqual([]);
    expect(await stored(other)).toEqual([]);
    expect(await audited(w)).toEqual([]);
  });

  it('a correction of a correction: the original entry is what gets corrected', async () => {
    const w = await readyWorld(t, 3);
    const dispensed = await firstEntry(w);
    const first = await expectStatus(correct(w, { correctsId: dispensed.id, deltaUnits: -1, reason: 'Two were dispensed' }), 201);
    const firstId = first.json<{ entry: { id: string } }>().entry.id;
    const refused = await expectStatus(correct(w, { correctsId: firstId, deltaUnits: 1, reason: 'The correction was wrong' }), 422);
    expect(refused.json()).toMatchObject(refusal([{ field: 'correctsId', message: 'names a correction; correct the original entry' }]));
    expect((await stored(w)).map((e) => [e.units, e.corrects_id])).toEqual([[-1, dispensed.id]]);
    expect(await audited(w)).toHaveLength(1);
  });
});

describe('who may correct, and with what', () => {
  it('only the clinician, with a reason and a non-zero whole delta', async () => {
    const w = await readyWorld(t, 3);
    const dispensed = await firstEntry(w);
    for (const who of ['patient', 'sitter', 'otherPatient'] as const) {
      await expectStatus(correct(w, { correctsId: dispensed.id, deltaUnits: -1, reason: 'Two were dispensed' }, who), 404);
    }
    for (const body of [
      { correctsId: dispensed.id, deltaUnits: -1, reason: '' },
      { correctsId: dispensed.id, deltaUnits: -1, reason: '   ' },
      { correctsId: dispensed.id, deltaUnits: -1 },
      { correctsId: dispensed.id, deltaUnits: 0, reason: 'Nothing to change' },
      { correctsId: dispensed.id, deltaUnits: 0.5, reason: 'Half a tablet' },
    ]) {
      const refused = await expectStatus(correct(w, body), 422);
      expect(refused.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(await stored(w)).toEqual([]);
    expect(await audited(w)).toEqual([]);
  });
});

describe('a ledger that already has a problem', () => {
  it('takes a correction that adds none: another entry’s problem is not this correction’s', async () => {
    const w = await readyWorld(t, 3);
    const dispensed = await firstEntry(w);
    // A correction dated before the entry it names, planted as a faulty import would leave it: the ledger is
    // unreconciled by that entry alone.
    const planted = crypto.randomUUID();
    await t.database.db
      .insertInto('ledger_entries')
      .values({
        id: planted,
        patient_id: w.patient.patientId,
        kind: 'correction',
        units: 1,
        occurred_at: new Date(t.clock.now().getTime() - HOUR),
        recorded_by: w.clinician.id,
        recorded_at: t.clock.now(),
        corrects_id: dispensed.id,
        note: 'Imported',
      })
      .execute();
    expect((await ledger(w)).reconciliation).toEqual({
      status: 'unreconciled',
      problems: [{ code: 'CORRECTION_TARGET_INVALID', entryId: planted, message: `Correction ${planted} must name an original entry recorded before it.` }],
    });
    const accepted = await expectStatus(correct(w, { correctsId: dispensed.id, deltaUnits: -1, reason: 'Two were dispensed' }), 201);
    expect(accepted.json()).toMatchObject({ entry: { units: -1, correctsId: dispensed.id }, onHand: 3 });
    expect(await audited(w)).toHaveLength(1);
  });

  it('on hand already fell below zero earlier: a correction that takes it below zero now is refused by the use-case, not left to the database', async () => {
    const w = await readyWorld(t, 2);
    const dispensed = await firstEntry(w);
    // A disposal dated an hour before the dispense that supplied it (on hand −1 between the two), planted as an
    // import would leave it: the API refuses to record one (ledger-writers.test.ts).
    const disposalId = crypto.randomUUID();
    await t.database.db
      .insertInto('ledger_entries')
      .values({
        id: disposalId,
        patient_id: w.patient.patientId,
        kind: 'disposed',
        units: 1,
        occurred_at: new Date(t.clock.now().getTime() - HOUR),
        recorded_by: w.clinician.id,
        recorded_at: t.clock.now(),
        manner: 'Destroyed, witnessed',
      })
      .execute();
    // −2 stays within the dispense of 2 but leaves −1 at home; the earlier dip is the one the reconciliation names.
    const refused = await expectStatus(correct(w, { correctsId: dispensed.id, deltaUnits: -2, reason: 'Nothing was dispensed' }), 422);
    expect(refused.json()).toMatchObject(refusal([{ field: 'deltaUnits', message: `On hand falls to -1 at entry ${disposalId}.` }]));
    expect(await stored(w)).toEqual([]);
    expect(await audited(w)).toEqual([]);
  });
});
