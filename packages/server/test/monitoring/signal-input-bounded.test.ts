import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectSignals, type CheckInRecord, type WarningSignInput } from '@keel/domain';
import { loadPatientSignalData } from '../../src/use-cases/monitoring/signal-input.ts';
import { defaultProgramSettings, type ProgramSettings } from '../../src/use-cases/settings/program-settings.service.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { testEngine } from '../support/test-database.ts';
import { createPatient } from '../support/factories.ts';
import { seededRandom } from '../../src/demo/seeded-random.ts';

// The signal input sends only the check-ins that are evidence and finds the rising craving run in SQL
// (migrations/0015-bounded-signal-input.ts). Held here to the engine's own answer over every check-in of the
// window: for random histories (flags, craving scores, craving checks, rows outside the window and in the future)
// the warning signs computed from the bounded input equal those computed from all rows.
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});


const withCraving = (risingCheckIns: number, cravingHighAtOrAbove: number): ProgramSettings => ({
  ...defaultProgramSettings,
  instruments: { ...defaultProgramSettings.instruments, cravingHighAtOrAbove },
  monitoring: {
    ...defaultProgramSettings.monitoring,
    warningSigns: {
      ...defaultProgramSettings.monitoring.warningSigns,
      craving: { ...defaultProgramSettings.monitoring.warningSigns.craving, risingCheckIns },
    },
  },
});

describe(`bounded warning-sign input on ${testEngine}`, () => {
  it('gives the same warning signs as every check-in of the window, over random histories', async () => {
    const random = seededRandom(20);
    const now = t.clock.now();
    const pool = t.database.pool;
    let shipped = 0;
    let all = 0;
    let runs = 0;
    for (let round = 0; round < 40; round++) {
      const patient = await createPatient(t);
      // Distinct instants, a few beyond the lookback and a few after now.
      const minutes = new Set<number>();
      const count = Math.floor(random() * 40);
      while (minutes.size < count + 6) minutes.add(Math.floor(random() * 60 * 24 * 40) - 60);
      const instants = [...minutes].map((m) => new Date(now.getTime() - m * 60_000));
      const climbing = random() < 0.5;
      for (const [i, at] of instants.slice(0, count).entries()) {
        const score = random() < 0.1 ? null : climbing ? Math.min(10, Math.floor(random() * 4) + (i % 5)) : Math.floor(random() * 11);
        await pool.query(
          `INSERT INTO check_ins (id, patient_id, submitted_at, submitted_by, mood_0_10, sleep_hours, craving_0_10, used_outside_session, bladder_symptoms, cognitive_complaint)
           VALUES ($1, $2, $3, $4, 5, 7, $5, $6, $7, $8)`,
          [crypto.randomUUID(), patient.patientId, at, patient.id, score, random() < 0.05, random() < 0.05, random() < 0.05],
        );
      }
      for (const at of instants.slice(count)) {
        if (random() < 0.5) continue;
        await pool.query(
          `INSERT INTO assessments (id, patient_id, instrument, version, answers, total, band, context, submitted_at, submitted_by)
           VALUES ($1, $2, 'craving', '1', '{}', $3, 'none', 'followup', $4, $5)`,
          [crypto.randomUUID(), patient.patientId, random() < 0.1 ? null : Math.floor(random() * 11), at, patient.id],
        );
      }
      const settings = withCraving([2, 3, 3, 4, 1][round % 5] ?? 3, [6, 6, 4, 8][round % 4] ?? 6);
      const bounded = await loadPatientSignalData(t.database.db, patient.patientId, now, settings);
      const rows = await pool.query<{ id: string; submitted_at: Date; craving_0_10: number | null; used_outside_session: boolean; bladder_symptoms: boolean; cognitive_complaint: boolean }>(
        'SELECT id, submitted_at, craving_0_10, used_outside_session, bladder_symptoms, cognitive_complaint FROM check_ins WHERE patient_id = $1 ORDER BY submitted_at, id',
        [patient.patientId],
      );
      const every: CheckInRecord[] = rows.rows.map((r) => ({
        id: r.id,
        at: new Date(r.submitted_at).toISOString(),
        craving0to10: r.craving_0_10 === null ? null : Number(r.craving_0_10),
        usedOutsideSession: r.used_outside_session,
        bladderPositive: r.bladder_symptoms,
        cognitiveComplaint: r.cognitive_complaint,
      }));
      const { cravingRisingRun, ...rest } = bounded.input;
      const full: WarningSignInput = { ...rest, checkIns: every };
      const thresholds = { cravingHighAtOrAbove: settings.instruments.cravingHighAtOrAbove };
      const fromBounded = detectSignals(bounded.input, now, settings.monitoring.warningSigns, thresholds);
      const fromAll = detectSignals(full, now, settings.monitoring.warningSigns, thresholds);
      expect(fromBounded).toEqual(fromAll);
      shipped += bounded.input.checkIns.length;
      all += every.length;
      if (cravingRisingRun) runs += 1;
    }
    // The history was not trivial: rising runs were found, and most check-ins were not sent.
    expect(runs).toBeGreaterThan(5);
    expect(shipped).toBeLessThan(all / 2);
  });
});
