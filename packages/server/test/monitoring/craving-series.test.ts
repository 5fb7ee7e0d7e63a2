import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPatientSignalData } from '../../src/use-cases/monitoring/signal-input.ts';
import { defaultProgramSettings, type ProgramSettings } from '../../src/use-cases/settings/program-settings.service.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres, testEngine } from '../support/test-database.ts';
import { createPatient } from '../support/factories.ts';

// The craving series the warning-sign input reads its rising run from (migrations/0022-craving-series.ts): each
// craving score of a patient with the length of the strictly rising streak ending at it, kept by triggers on the
// check-ins and craving checks through inserts in and out of order, updates, deletes and truncation. Every expected
// streak and run below is worked out by hand from the scores listed beside it.
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Ids whose order is known, for rows at one instant (the series orders them by id after time and kind). */
const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe(`the craving series on ${testEngine}`, () => {
  const at = (minutesBeforeNow: number) => new Date(t.clock.now().getTime() - minutesBeforeNow * MINUTE);

  async function checkIn(patient: { patientId: string; id: string }, minutesBeforeNow: number, craving: number | null, id: string = crypto.randomUUID()): Promise<string> {
    await t.database.pool.query(
      `INSERT INTO check_ins (id, patient_id, submitted_at, submitted_by, mood_0_10, sleep_hours, craving_0_10, used_outside_session, bladder_symptoms, cognitive_complaint)
       VALUES ($1, $2, $3, $4, 5, 7, $5, false, false, false)`,
      [id, patient.patientId, at(minutesBeforeNow), patient.id, craving],
    );
    return id;
  }
  async function cravingCheck(patient: { patientId: string; id: string }, minutesBeforeNow: number, total: number | null, id: string = crypto.randomUUID()): Promise<string> {
    await t.database.pool.query(
      `INSERT INTO assessments (id, patient_id, instrument, version, answers, total, band, context, submitted_at, submitted_by)
       VALUES ($1, $2, 'craving', '1', '{}', $3, 'none', 'followup', $4, $5)`,
      [id, patient.patientId, total, at(minutesBeforeNow), patient.id],
    );
    return id;
  }
  async function series(patientId: string): Promise<[number, number][]> {
    const rows = await t.database.pool.query<{ score: number; streak: number }>(
      'SELECT score, streak FROM craving_series WHERE patient_id = $1 ORDER BY at, src, id',
      [patientId],
    );
    return rows.rows.map((r) => [Number(r.score), Number(r.streak)]);
  }
  const withRun = (risingCheckIns: number): ProgramSettings => ({
    ...defaultProgramSettings,
    monitoring: {
      ...defaultProgramSettings.monitoring,
      warningSigns: {
        ...defaultProgramSettings.monitoring.warningSigns,
        craving: { ...defaultProgramSettings.monitoring.warningSigns.craving, risingCheckIns },
      },
    },
  });
  async function run(patientId: string, risingCheckIns = 3, now = t.clock.now()) {
    const data = await loadPatientSignalData(t.database.db, patientId, now, withRun(risingCheckIns));
    return data.input.cravingRisingRun ?? null;
  }

  it('gives each score the length of the rising streak ending at it, inserted in order', async () => {
    const p = await createPatient(t);
    for (const [i, score] of [2, 3, 5, 5, 1, 4, 7, 9].entries()) await checkIn(p, 100 - i * 10, score);
    // 2 → 3 → 5 rises, 5 does not rise above 5, 1 falls, then 1 → 4 → 7 → 9.
    expect(await series(p.patientId)).toEqual([[2, 1], [3, 2], [5, 3], [5, 1], [1, 1], [4, 2], [7, 3], [9, 4]]);
  });

  it('recomputes the scores after one inserted out of order, and leaves a check-in without a craving score out', async () => {
    const p = await createPatient(t);
    for (const [minutes, score] of [[60, 1], [50, 2], [30, 4], [20, 5], [10, 3]] as const) await checkIn(p, minutes, score);
    expect(await series(p.patientId)).toEqual([[1, 1], [2, 2], [4, 3], [5, 4], [3, 1]]);
    // A score of 1 between 2 and 4 breaks the run: 1, 2, 1, 4, 5, 3.
    await checkIn(p, 40, 1);
    expect(await series(p.patientId)).toEqual([[1, 1], [2, 2], [1, 1], [4, 2], [5, 3], [3, 1]]);
    // A check-in without a craving score is not in the series and does not break a run.
    await checkIn(p, 15, null);
    expect(await series(p.patientId)).toEqual([[1, 1], [2, 2], [1, 1], [4, 2], [5, 3], [3, 1]]);
    // The earliest score of all: 0 before 1 rises, so every streak of the first run grows by one.
    await checkIn(p, 70, 0);
    expect(await series(p.patientId)).toEqual([[0, 1], [1, 2], [2, 3], [1, 1], [4, 2], [5, 3], [3, 1]]);
  });

  it('orders one instant as the rule reads it: check-ins before craving checks, then by id', async () => {
    const p = await createPatient(t);
    await checkIn(p, 30, 2);
    await cravingCheck(p, 20, 5, idOf(1));
    await checkIn(p, 20, 4, idOf(9));
    await checkIn(p, 20, 3, idOf(2));
    // At minute 20: check-in 3 (id …2), check-in 4 (id …9), then the check 5: 2 → 3 → 4 → 5.
    expect(await series(p.patientId)).toEqual([[2, 1], [3, 2], [4, 3], [5, 4]]);
    // A craving check without a total is not a score.
    await cravingCheck(p, 10, null);
    expect(await series(p.patientId)).toEqual([[2, 1], [3, 2], [4, 3], [5, 4]]);
  });

  it('follows an update and a delete of a check-in, and a statement that writes for two patients', async () => {
    const p = await createPatient(t);
    const ids = [] as string[];
    for (const [minutes, score] of [[50, 3], [40, 6], [30, 2], [20, 7], [10, 8]] as const) ids.push(await checkIn(p, minutes, score));
    expect(await series(p.patientId)).toEqual([[3, 1], [6, 2], [2, 1], [7, 2], [8, 3]]);
    // Deleting the 2 joins the runs: 3 → 6 → 7 → 8.
    await t.database.pool.query('DELETE FROM check_ins WHERE id = $1', [ids[2]]);
    expect(await series(p.patientId)).toEqual([[3, 1], [6, 2], [7, 3], [8, 4]]);
    // A score changed: 3, 9, 7, 8.
    await t.database.pool.query('UPDATE check_ins SET craving_0_10 = 9 WHERE id = $1', [ids[1]]);
    expect(await series(p.patientId)).toEqual([[3, 1], [9, 2], [7, 1], [8, 2]]);
    // A check-in moved later in time: 3, 7, 8, 9.
    await t.database.pool.query('UPDATE check_ins SET submitted_at = $2 WHERE id = $1', [ids[1], at(5)]);
    expect(await series(p.patientId)).toEqual([[3, 1], [7, 2], [8, 3], [9, 4]]);
    // Its score removed: 3, 7, 8.
    await t.database.pool.query('UPDATE check_ins SET craving_0_10 = NULL WHERE id = $1', [ids[1]]);
    expect(await series(p.patientId)).toEqual([[3, 1], [7, 2], [8, 3]]);

    const q = await createPatient(t);
    const r = await createPatient(t);
    // One statement for two patients (as a bulk load writes): q 4, 3, 5 and r 1, 2, 3.
    await t.database.pool.query(
      `INSERT INTO check_ins (id, patient_id, submitted_at, submitted_by, mood_0_10, sleep_hours, craving_0_10, used_outside_session, bladder_symptoms, cognitive_complaint)
       VALUES (gen_random_uuid(), $1, $5, $2, 5, 7, 4, false, false, false), (gen_random_uuid(), $3, $5, $4, 5, 7, 1, false, false, false),
              (gen_random_uuid(), $1, $6, $2, 5, 7, 3, false, false, false), (gen_random_uuid(), $3, $6, $4, 5, 7, 2, false, false, false),
              (gen_random_uuid(), $1, $7, $2, 5, 7, 5, false, false, false), (gen_random_uuid(), $3, $7, $4, 5, 7, 3, false, false, false)`,
      [q.patientId, q.id, r.patientId, r.id, at(30), at(20), at(10)],
    );
    expect(await series(q.patientId)).toEqual([[4, 1], [3, 1], [5, 2]]);
    expect(await series(r.patientId)).toEqual([[1, 1], [2, 2], [3, 3]]);
  });

  it('reads the latest run whose first score is inside the window and whose last is not after now', async () => {
    const p = await createPatient(t);
    const lookbackMinutes = 90 * 24 * 60;
    // An old run: its first score a minute before the window opens, the other two inside.
    await checkIn(p, lookbackMinutes + 1, 1);
    await checkIn(p, lookbackMinutes - 10, 2);
    await checkIn(p, lookbackMinutes - 20, 3);
    expect(await run(p.patientId)).toBeNull();
    // A fourth rising score makes the last three of them a run inside the window.
    await checkIn(p, lookbackMinutes - 30, 4);
    expect((await run(p.patientId))?.map((c) => c.score)).toEqual([2, 3, 4]);
    // A run of four reaches back out of the window: none.
    expect(await run(p.patientId, 4)).toBeNull();
    // A run length below two is no rule: none.
    expect(await run(p.patientId, 1)).toBeNull();

    // A later run, read in full: a check-in, a craving check, a check-in.
    const a = await checkIn(p, 300, 0);
    const b = await cravingCheck(p, 200, 6);
    const c = await checkIn(p, 100, 8);
    expect(await run(p.patientId)).toEqual([
      { type: 'check_in', id: a, at: at(300).toISOString(), score: 0 },
      { type: 'assessment', id: b, at: at(200).toISOString(), score: 6 },
      { type: 'check_in', id: c, at: at(100).toISOString(), score: 8 },
    ]);
    // A run of two is its last two; of four, all four ending at 8 (0 → 6 → 8, and 4 before 0 does not rise): none,
    // so the earlier one (1 → 2 → 3 → 4, its first score out of the window) does not count either.
    expect((await run(p.patientId, 2))?.map((x) => x.score)).toEqual([6, 8]);
    expect(await run(p.patientId, 4)).toBeNull();

    // A longer run in the future (after now) is not read; now moved past it, it is.
    const d = await checkIn(p, -60, 9);
    expect((await run(p.patientId))?.map((x) => x.score)).toEqual([0, 6, 8]);
    expect(await run(p.patientId, 3, new Date(t.clock.now().getTime() + 2 * 60 * MINUTE))).toEqual([
      { type: 'assessment', id: b, at: at(200).toISOString(), score: 6 },
      { type: 'check_in', id: c, at: at(100).toISOString(), score: 8 },
      { type: 'check_in', id: d, at: at(-60).toISOString(), score: 9 },
    ]);
    // A fall after the run ends it but does not hide it: the latest run is still 0 → 6 → 8.
    await checkIn(p, 50, 1);
    expect((await run(p.patientId))?.map((x) => x.score)).toEqual([0, 6, 8]);
    // With the window moved on by 89 days the first run is gone and the second is inside it still.
    expect((await run(p.patientId, 3, new Date(t.clock.now().getTime() + 89 * DAY)))?.map((x) => x.score)).toEqual([0, 6, 8]);
  });

  it.runIf(onPostgres)('serializes two writers of one patient: the later score continues the earlier one committed meanwhile', async () => {
    const p = await createPatient(t);
    await checkIn(p, 30, 1);
    const a = await t.database.pool.connect();
    const b = await t.database.pool.connect();
    try {
      const insert = `INSERT INTO check_ins (id, patient_id, submitted_at, submitted_by, mood_0_10, sleep_hours, craving_0_10, used_outside_session, bladder_symptoms, cognitive_complaint)
                      VALUES (gen_random_uuid(), $1, $2, $3, 5, 7, $4, false, false, false)`;
      await a.query('BEGIN');
      await b.query('BEGIN');
      await a.query(insert, [p.patientId, at(20), p.id, 2]);
      // B's score comes after A's; its refresh waits for A's lock on the patient, then reads A's committed row.
      const bDone = b.query(insert, [p.patientId, at(10), p.id, 3]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await a.query('COMMIT');
      await bDone;
      await b.query('COMMIT');
    } finally {
      a.release();
      b.release();
    }
    // 1 → 2 → 3: had B computed its streak without A's row, 3 would follow 1 with a streak of 2.
    expect(await series(p.patientId)).toEqual([[1, 1], [2, 2], [3, 3]]);
  });

  it('is rebuilt from the craving checks when the check-ins are truncated', async () => {
    const p = await createPatient(t);
    await cravingCheck(p, 30, 2);
    await checkIn(p, 20, 5);
    await cravingCheck(p, 10, 3);
    expect(await series(p.patientId)).toEqual([[2, 1], [5, 2], [3, 1]]);
    await t.database.pool.query('TRUNCATE check_ins');
    expect(await series(p.patientId)).toEqual([[2, 1], [3, 2]]);
  });
});
