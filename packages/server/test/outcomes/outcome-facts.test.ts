// The outcomes report's kept facts (migration 0024, use-cases/outcomes/outcome-facts.ts): what the figures read of
// each patient's record, marked stale by every write they come from, taken again by a report or the minute job, and
// never read under other settings. Every expected fact below is worked out by hand from the rows written beside it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { programReport, reportFromFacts, reportPeriodEvents } from '@keel/domain';
import { loadCohortRecords } from '../../src/use-cases/outcomes/cohort-records.ts';
import { loadPeriodEvents } from '../../src/use-cases/outcomes/period-events.ts';
import type { OutcomesReportResponse } from '@keel/contract';
import { refreshOutcomeFactsJob } from '../../src/jobs/workers.ts';
import { currentOutcomeFacts, refreshOutcomeFacts, refreshStaleOutcomeFacts, unpackFacts } from '../../src/use-cases/outcomes/outcome-facts.ts';
import { reportSettings } from '../../src/use-cases/outcomes/outcomes-report.ts';
import { loadProgramSettings } from '../../src/use-cases/settings/program-settings.service.ts';
import { bearer, createCareWorld, createPatient, signIn } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres, testEngine } from '../support/test-database.ts';
import { enrolledDaysAgo, insertAssessment, insertCheckIn, insertSession } from '../monitoring/monitoring-fixtures.ts';

const DAY = 86_400_000;
let t: TestContext;
let world: Awaited<ReturnType<typeof createCareWorld>>;
const ago = (days: number) => new Date(t.clock.now().getTime() - days * DAY);
const msAgo = (days: number) => t.clock.now().getTime() - days * DAY;

beforeAll(async () => {
  t = await createTestApp();
  world = await createCareWorld(t);
  const { patientId } = world.patient;
  await enrolledDaysAgo(t, patientId, 100);
  // Baseline 20 four days before the first dose (56 days ago); 12 at day 28 (week 4); 9 at day 55 (week 8's window).
  await insertAssessment(t, patientId, world.patient.id, { instrument: 'phq9', total: 20, at: ago(60), context: 'intake' });
  await insertSession(t, patientId, world.clinician.id, { status: 'completed', at: ago(56) });
  await insertAssessment(t, patientId, world.patient.id, { instrument: 'phq9', total: 12, at: ago(28) });
  await insertAssessment(t, patientId, world.patient.id, { instrument: 'phq9', total: 9, at: ago(1) });
  // Weekly slots from the first dose: day 0.5 is slot 0, day 16 is slot 2.
  await insertCheckIn(t, patientId, { at: ago(55.5) });
  await insertCheckIn(t, patientId, { at: ago(40) });
});
afterAll(async () => {
  await t.close();
});

async function stored(patientId: string) {
  const row = await t.database.db.selectFrom('outcome_facts').selectAll().where('patient_id', '=', patientId).executeTakeFirst();
  return row && { ...row, facts: unpackFacts(patientId, row.facts as Parameters<typeof unpackFacts>[1]) };
}
async function marked(patientId: string): Promise<boolean> {
  return (await t.database.db.selectFrom('outcome_facts_stale').select('patient_id').where('patient_id', '=', patientId).executeTakeFirst()) !== undefined;
}
async function report(): Promise<OutcomesReportResponse> {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/reports/outcomes', headers: bearer(world.tokens.admin) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<OutcomesReportResponse>();
}

describe(`the outcomes report's kept facts on ${testEngine}`, () => {
  it('a write marks the patient; a report takes the facts from the rows, stores them and clears the mark', async () => {
    const { patientId } = world.patient;
    expect(await marked(patientId)).toBe(true);
    expect(await stored(patientId)).toBeUndefined();
    const r = await report();
    expect(r.cohort).toEqual({ patients: 1, dosed: 1, notDosed: 0 });
    // Week 4 (day 28 ± 7) has closed: 12 against 20 is a 40 % fall, neither response nor remission.
    expect(r.severity.phq9.checkpoints.find((c) => c.key === 'w4')).toMatchObject({ eligible: 1, measured: 1, response: { numerator: 0 }, remission: { numerator: 0 } });
    expect(await marked(patientId)).toBe(false);
    const row = await stored(patientId);
    expect(row?.facts).toEqual({
      patientId,
      firstDoseMs: msAgo(56),
      endedMs: null,
      instruments: {
        // 9 at day 55 is the first score at least 50 % below 20; week 8's window (day 49–63) holds it though not closed.
        phq9: { baseline: 20, checkpoints: [12, 9, null, null, null], respondedMs: msAgo(1), lastMs: msAgo(1) },
        gad7: { baseline: null, checkpoints: [null, null, null, null, null], respondedMs: null, lastMs: null },
      },
      lastContactMs: msAgo(1),
      checkInSlots: '101',
      onsets: [],
      highRiskMs: [],
      // The one session, started 56 days ago; no refusal, no integration session.
      doseMs: [msAgo(56)],
      gateBlocks: [],
      integration: [],
    });
  });

  it('the next score marks the patient again, and the next report reads it', async () => {
    const { patientId } = world.patient;
    await insertAssessment(t, patientId, world.patient.id, { instrument: 'phq9', total: 4, at: ago(0.5) });
    expect(await marked(patientId)).toBe(true);
    const r = await report();
    // 4 at day 55.5 is nearer day 56 than 9 at day 55; the first response stays at day 55.
    expect((await stored(patientId))?.facts).toMatchObject({
      instruments: { phq9: { baseline: 20, checkpoints: [12, 4, null, null, null], respondedMs: msAgo(1), lastMs: msAgo(0.5) } },
      lastContactMs: msAgo(0.5),
    });
    expect(r.severity.phq9.timeToResponse).toMatchObject({ n: 1, responders: 1, censored: 0, medianDays: 55 });
  });

  it('the minute job refreshes the marked patients', async () => {
    const { patientId } = world.patient;
    await insertCheckIn(t, patientId, { at: ago(30) }); // day 26: slot 3
    expect(await marked(patientId)).toBe(true);
    await refreshOutcomeFactsJob(t.deps, {}, t.clock.now());
    expect(await marked(patientId)).toBe(false);
    expect((await stored(patientId))?.facts).toMatchObject({ checkInSlots: '1011' });
  });

  it('an update of a session and a risk evaluation mark the patient too', async () => {
    const { patientId } = world.patient;
    const clear = () => t.database.db.deleteFrom('outcome_facts_stale').execute();
    await clear();
    await t.database.db.updateTable('dosing_sessions').set({ dose_mg: 250 }).where('patient_id', '=', patientId).execute();
    expect(await marked(patientId)).toBe(true);
    await clear();
    await t.database.db
      .insertInto('risk_evaluations')
      .values({ id: crypto.randomUUID(), patient_id: patientId, evaluated_at: ago(2), tier: 'elevated', previous_tier: 'low', signal_codes: ['CRAVING'], trigger: 'nightly' })
      .execute();
    expect(await marked(patientId)).toBe(true);
    await refreshOutcomeFacts(t.database.db, [patientId], reportSettings(await loadProgramSettings(t.database.db)), t.clock.now());
    expect((await stored(patientId))?.facts).toMatchObject({ onsets: [[msAgo(2), 'CRAVING']], highRiskMs: [] });
  });

  it('a gate refusal and its deletion mark the patient; the facts hold the refusal with its session and reasons once each', async () => {
    const { patientId } = world.patient;
    const session = await t.database.db.selectFrom('dosing_sessions').select('id').where('patient_id', '=', patientId).executeTakeFirstOrThrow();
    await t.database.db.deleteFrom('outcome_facts_stale').execute();
    const id = crypto.randomUUID();
    await t.database.db
      .insertInto('gate_evaluations')
      .values({
        id,
        patient_id: patientId,
        session_id: session.id,
        evaluated_at: ago(3),
        outcome: 'blocked',
        reason_codes: ['VITALS_ABOVE_HOLD', 'VITALS_ABOVE_HOLD', 'SITTER_NOT_ATTESTED'],
        reasons: JSON.stringify([]),
      })
      .execute();
    expect(await marked(patientId)).toBe(true);
    const settings = reportSettings(await loadProgramSettings(t.database.db));
    await refreshOutcomeFacts(t.database.db, [patientId], settings, t.clock.now());
    expect((await stored(patientId))?.facts.gateBlocks).toEqual([[msAgo(3), 0, ['VITALS_ABOVE_HOLD', 'SITTER_NOT_ATTESTED']]]);
    await t.database.db.deleteFrom('gate_evaluations').where('id', '=', id).execute();
    expect(await marked(patientId)).toBe(true);
    await refreshOutcomeFacts(t.database.db, [patientId], settings, t.clock.now());
    expect((await stored(patientId))?.facts.gateBlocks).toEqual([]);
  });

  it('facts taken under other settings are taken again, not read', async () => {
    const { patientId } = world.patient;
    await report();
    await t.database.db
      .updateTable('outcome_facts')
      .set({ settings_key: 'an older rule', facts: JSON.stringify([null, null, null, '', null, null, [], []]) })
      .where('patient_id', '=', patientId)
      .execute();
    const r = await report();
    expect(r.severity.phq9.baseline).toMatchObject({ n: 1, mean: 20 });
    expect((await stored(patientId))?.settings_key).not.toBe('an older rule');
  });

  /** A writer that has inserted a check-in (its mark with it) and not committed, while a refresh of the patient runs. */
  async function refreshDuring(patientId: string, checkInDaysAgo: number) {
    const writer = await t.database.pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(
        `INSERT INTO check_ins (id, patient_id, submitted_at, submitted_by, mood_0_10, sleep_hours, craving_0_10, used_outside_session, bladder_symptoms, cognitive_complaint)
         VALUES (gen_random_uuid(), $1, $2, null, 5, 7, 0, false, false, false)`,
        [patientId, ago(checkInDaysAgo)],
      );
      const settings = reportSettings(await loadProgramSettings(t.database.db));
      let done = false;
      const refresh = refreshOutcomeFacts(t.database.db, [patientId], settings, t.clock.now()).then((f) => {
        done = true;
        return f;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const waited = !done;
      await writer.query('COMMIT');
      const [facts] = await refresh;
      return { waited, facts };
    } finally {
      writer.release();
    }
  }

  it.runIf(onPostgres)('a refresh waits for a writer holding an existing mark, then reads its row', async () => {
    const { patientId } = world.patient;
    await report();
    await t.database.db.insertInto('outcome_facts_stale').values({ patient_id: patientId, marked_at: t.clock.now() }).execute();
    const { waited, facts } = await refreshDuring(patientId, 20); // day 36: slot 5
    expect(waited).toBe(true);
    expect(facts?.checkInSlots).toBe('101101');
    expect(await marked(patientId)).toBe(false);
    expect((await stored(patientId))?.facts).toMatchObject({ checkInSlots: '101101' });
  });

  it.runIf(onPostgres)('a refresh waits for a writer whose mark is new too, then reads its row', async () => {
    const { patientId } = world.patient;
    await report();
    expect(await marked(patientId)).toBe(false);
    // The refresh writes its patients' marks before deleting them, so it meets the writer's uncommitted new one.
    const { waited, facts } = await refreshDuring(patientId, 13); // day 43: slot 6
    expect(waited).toBe(true);
    expect(facts?.checkInSlots).toBe('1011011');
    expect(await marked(patientId)).toBe(false);
  });

  it('a check-in dated after the facts were taken is left out until its time, then read', async () => {
    const { patientId } = world.patient;
    await report();
    // Dated two days ahead (a clock set wrong on the device that sent it): not yet part of the record as of now.
    await insertCheckIn(t, patientId, { at: ago(-2) });
    await report();
    const row = await stored(patientId);
    expect(row?.expires_at?.toISOString()).toBe(ago(-2).toISOString());
    expect(row?.facts.lastContactMs).toBe(msAgo(0.5));
    t.clock.advance(3 * DAY);
    try {
      world.tokens.admin = await signIn(t, world.admin);
      await report();
      expect((await stored(patientId))?.facts.lastContactMs).toBe(msAgo(1)); // the check-in, now a day past
      expect((await stored(patientId))?.expires_at).toBeNull();
    } finally {
      t.clock.advance(-3 * DAY);
      world.tokens.admin = await signIn(t, world.admin);
    }
  });

  it('after a change of the response threshold the minute job takes every patient’s facts again', async () => {
    const { patientId } = world.patient;
    await report();
    const settings = reportSettings(await loadProgramSettings(t.database.db));
    const stricter = { ...settings, outcomes: { ...settings.outcomes, responseMinReductionPct: 80 } };
    const { refreshed } = await refreshStaleOutcomeFacts(t.database.db, stricter, t.clock.now());
    expect(refreshed).toBeGreaterThanOrEqual(1);
    // 4 against 20 is the first fall of at least 80 % (day 55.5); 9 (55 %) no longer counts.
    expect((await stored(patientId))?.facts.instruments?.phq9.respondedMs).toBe(msAgo(0.5));
    expect((await refreshStaleOutcomeFacts(t.database.db, stricter, t.clock.now())).refreshed).toBe(0);
  });

  it.runIf(onPostgres)('a refresh holds its patients until it has stored: a writer meanwhile waits and leaves its patient marked', async () => {
    const { patientId } = world.patient;
    await report();
    expect(await marked(patientId)).toBe(false);
    const settings = reportSettings(await loadProgramSettings(t.database.db));
    // Stop a real refresh part-way through its reads: the discharges it reads last are locked.
    const locker = await t.database.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE discharges IN ACCESS EXCLUSIVE MODE');
      let stored_ = false;
      const refresh = refreshOutcomeFacts(t.database.db, [patientId], settings, t.clock.now()).then((f) => {
        stored_ = true;
        return f;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      let written = false;
      const writer = insertCheckIn(t, patientId, { at: ago(6) }).then(() => {
        written = true;
      }); // day 50: slot 7
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The refresh has read the check-ins already; the writer's mark waits for the refresh to finish.
      expect(stored_).toBe(false);
      expect(written).toBe(false);
      await locker.query('COMMIT');
      const [facts] = await refresh;
      await writer;
      expect(facts?.checkInSlots.charAt(7)).not.toBe('1');
      // What the refresh stored left the check-in out, so the patient is marked, and the next report reads it.
      expect(await marked(patientId)).toBe(true);
    } finally {
      locker.release();
    }
    await report();
    expect((await stored(patientId))?.facts.checkInSlots.charAt(7)).toBe('1');
  });
});

describe(`the facts a server keeps in memory on ${testEngine}`, () => {
  const factsOf = async (ids: string[]) => {
    const settings = reportSettings(await loadProgramSettings(t.database.db));
    const { facts } = await currentOutcomeFacts(t.database.db, t.database.db, ids, settings, t.clock.now());
    return new Map(facts.map((f) => [f.patientId, f]));
  };
  /** Rewrites a patient's stored check-in slots, the way only a refresh would, without marking them. */
  const storeSlots = (q: { query: (text: string, values: unknown[]) => Promise<unknown> }, patientId: string, slots: string) =>
    q.query(`UPDATE outcome_facts SET facts = json_build_array(facts->0, facts->1, facts->2, $2::text, facts->4, facts->5, facts->6, facts->7, facts->8, facts->9, facts->10) WHERE patient_id = $1`, [
      patientId,
      slots,
    ]);

  it('a later read sees facts written since the one before, and only the current ones', async () => {
    const a = await createPatient(t);
    await enrolledDaysAgo(t, a.patientId, 20);
    await insertSession(t, a.patientId, world.clinician.id, { status: 'completed', at: ago(14) });
    await insertCheckIn(t, a.patientId, { at: ago(13.5) });
    expect((await factsOf([a.patientId])).get(a.patientId)?.checkInSlots).toBe('1');
    await storeSlots(t.database.pool, a.patientId, '111');
    expect((await factsOf([a.patientId])).get(a.patientId)?.checkInSlots).toBe('111');
    // A new check-in marks the patient: the kept facts are not read, the rows are (slot 1, day 8).
    await insertCheckIn(t, a.patientId, { at: ago(6) });
    expect((await factsOf([a.patientId])).get(a.patientId)?.checkInSlots).toBe('11');
  });

  it('deleting stored facts marks their patients, so no kept copy of them is read', async () => {
    const a = await createPatient(t);
    await enrolledDaysAgo(t, a.patientId, 20);
    await insertSession(t, a.patientId, world.clinician.id, { status: 'completed', at: ago(14) });
    await factsOf([a.patientId]);
    await storeSlots(t.database.pool, a.patientId, '111');
    expect((await factsOf([a.patientId])).get(a.patientId)?.checkInSlots).toBe('111');
    await t.database.db.deleteFrom('outcome_facts').where('patient_id', '=', a.patientId).execute();
    expect(await marked(a.patientId)).toBe(true);
    expect((await factsOf([a.patientId])).get(a.patientId)?.checkInSlots).toBe('');
  });

  it.runIf(onPostgres)('facts written by a transaction that commits after a later one are still read once committed', async () => {
    const [a, b] = [await createPatient(t), await createPatient(t)];
    for (const p of [a, b]) {
      await enrolledDaysAgo(t, p.patientId, 20);
      await insertSession(t, p.patientId, world.clinician.id, { status: 'completed', at: ago(14) });
    }
    const ids = [a.patientId, b.patientId];
    await factsOf(ids);
    const early = await t.database.pool.connect();
    try {
      // The first writer takes its transaction id first and commits last.
      await early.query('BEGIN');
      await storeSlots(early, a.patientId, '1');
      await storeSlots(t.database.pool, b.patientId, '11');
      const between = await factsOf(ids);
      expect(between.get(a.patientId)?.checkInSlots).toBe('');
      expect(between.get(b.patientId)?.checkInSlots).toBe('11');
      await early.query('COMMIT');
    } finally {
      early.release();
    }
    const after = await factsOf(ids);
    expect(after.get(a.patientId)?.checkInSlots).toBe('1');
    expect(after.get(b.patientId)?.checkInSlots).toBe('11');
  });
});

describe(`the period's events at its edges on ${testEngine}`, () => {
  it('counts an instant as the rows are read (epoch milliseconds, rounded half up): doses from the facts, alerts in SQL, and both from the rows', async () => {
    const patient = await createPatient(t);
    await enrolledDaysAgo(t, patient.patientId, 30);
    const fromMs = msAgo(10);
    const asOfMs = msAgo(1);
    // Doses and alerts 0.6, 0.5 and 0.4 ms before the period's start, and 0.4 and 0.5 ms after its end (as of).
    const offsets: [number, number][] = [
      [fromMs, -0.6], // rounds to from − 1: out
      [fromMs, -0.5], // rounds to from: in
      [fromMs, -0.4], // in
      [asOfMs, 0.4], // rounds to asOf: in
      [asOfMs, 0.5], // rounds to asOf + 1: out
    ];
    for (const [base, offset] of offsets) {
      const at = sql`timestamptz 'epoch' + (${base}::numeric + ${offset}::numeric) * interval '1 millisecond'`;
      await sql`
        INSERT INTO dosing_sessions (id, patient_id, status, scheduled_for, authorized_at, authorization_expires_at, dose_mg, started_at, created_by, created_at)
        VALUES (gen_random_uuid(), ${patient.patientId}, 'in_progress', ${ago(12)}, ${ago(12)}, ${ago(11)}, 300, ${at}, ${world.clinician.id}, ${ago(12)})
      `.execute(t.database.db);
      await sql`
        INSERT INTO alerts (id, patient_id, code, severity, holds_dosing, cause, title, raised_at)
        VALUES (gen_random_uuid(), ${patient.patientId}, 'CRAVING', 'moderate', false, ${`edge ${base} ${offset}`}, 'edge', ${at})
      `.execute(t.database.db);
    }
    const settings = reportSettings(await loadProgramSettings(t.database.db));
    const period = { from: new Date(fromMs).toISOString(), to: new Date(asOfMs).toISOString() };
    const [facts] = await refreshOutcomeFacts(t.database.db, [patient.patientId], settings, t.clock.now());
    const events = await loadPeriodEvents(t.database.db, [patient.patientId], fromMs, asOfMs);
    expect(events.alerts).toHaveLength(3);
    expect(reportFromFacts(facts ? [facts] : [], events, () => [], period, t.clock.now(), settings).safety.sessions).toBe(3);
    const records = await loadCohortRecords(t.database.db, [patient.patientId]);
    expect(reportPeriodEvents(records, fromMs, asOfMs).alerts).toHaveLength(3);
    expect(programReport(records, period, t.clock.now(), settings).safety.sessions).toBe(3);
  });
});
