import { describe, expect, it } from 'vitest';
import { defaultMonitoringSettings } from './monitoring-settings.ts';
import { instrumentOutcome, programOutcomes, trajectoryOf } from './outcomes.ts';
import type { ProgramPatient, ScorePoint } from './outcomes.ts';

const settings = defaultMonitoringSettings.outcomes;
const DOSE = '2025-01-10T09:00:00.000Z';
const at = (days: number): string => new Date(Date.parse(DOSE) + days * 86_400_000).toISOString();
const score = (id: string, days: number, total: number): ScorePoint => ({ id, at: at(days), total });
const phq9 = (scores: ScorePoint[], firstDoseAt: string | null = DOSE) =>
  instrumentOutcome({ instrument: 'phq9', scores, firstDoseAt: firstDoseAt ?? undefined }, settings);

describe('baseline', () => {
  it('is the last score before the first dose, not the first score or one after', () => {
    const o = phq9([score('s3', 7, 10), score('s1', -20, 22), score('s2', -2, 18)]);
    expect(o.baseline).toEqual({ kind: 'pre_dose', score: score('s2', -2, 18) });
    expect(o.series.map((s) => s.id)).toEqual(['s1', 's2', 's3']);
  });
  it('is provisional (the latest score) before any dose, with no response or remission claimed', () => {
    const o = phq9([score('s1', -20, 22), score('s2', -2, 4)], null);
    expect(o.baseline).toEqual({ kind: 'provisional', score: score('s2', -2, 4) });
    expect(o.response).toBeNull();
    expect(o.remission).toBeNull();
    expect(o.change).toBeNull();
  });
  it('is missing when dosing started with no score before it', () => {
    const o = phq9([score('s1', 7, 12)]);
    expect(o.baseline).toEqual({ kind: 'missing' });
    expect(o.response).toBeNull();
    expect(o.change).toBeNull();
    expect(o.remission).toBe(false);
  });
});

describe('response, remission and change', () => {
  it.each([
    ['exactly 50% fall', 20, 10, true],
    ['just under 50% fall', 20, 11, false],
    ['odd baseline, just over 50%', 15, 7, true],
    ['odd baseline, just under 50%', 15, 8, false],
  ])('%s: %i → %i responds: %s', (_n, base, latest, response) => {
    expect(phq9([score('b', -1, base), score('l', 28, latest)]).response).toBe(response);
  });
  it.each([
    [4, true],
    [5, false],
  ])('latest %i → remission %s', (latest, remission) => {
    expect(phq9([score('b', -1, 18), score('l', 28, latest)]).remission).toBe(remission);
  });
  it('reports change, change % and clinically meaningful change against baseline', () => {
    const o = phq9([score('b', -1, 20), score('l', 28, 15)]);
    expect(o.change).toBe(-5);
    expect(o.changePct).toBe(-25);
    expect(o.meaningfulChange).toBe('improvement');
    expect(phq9([score('b', -1, 20), score('l', 28, 16)]).meaningfulChange).toBe('none');
    expect(phq9([score('b', -1, 10), score('l', 28, 15)]).meaningfulChange).toBe('deterioration');
  });
  it('has no change % against a baseline of 0, and no meaningful-change verdict for GAD-7 by default', () => {
    expect(phq9([score('b', -1, 0), score('l', 28, 3)]).changePct).toBeNull();
    const gad = instrumentOutcome({ instrument: 'gad7', scores: [score('b', -1, 15), score('l', 28, 4)], firstDoseAt: DOSE }, settings);
    expect(gad.meaningfulChange).toBeNull();
    expect(gad.response).toBe(true);
    expect(gad.remission).toBe(true);
  });
  it('reads thresholds from settings', () => {
    const stricter = { ...settings, responseMinReductionPct: 60 };
    expect(instrumentOutcome({ instrument: 'phq9', scores: [score('b', -1, 20), score('l', 28, 10)], firstDoseAt: DOSE }, stricter).response).toBe(false);
  });
});

describe('trajectory (net change over the last 3 scores, ±3 points)', () => {
  const series = (...totals: number[]) => totals.map((t, i) => score(`s${i}`, i * 7, t));
  it.each([
    ['two scores', [20, 10], 'insufficient_data'],
    ['down 3', [20, 19, 17], 'improving'],
    ['down 2', [20, 19, 18], 'stable'],
    ['up 3', [10, 14, 13], 'worsening'],
    ['only the last three count', [5, 20, 19, 18], 'stable'],
    ['one odd middle score does not decide', [20, 25, 16], 'improving'],
  ])('%s %j → %s', (_n, totals, expected) => {
    expect(trajectoryOf(series(...totals), 'phq9', settings)).toBe(expected);
  });
});

describe('programOutcomes', () => {
  const patient = (patientId: string, firstDoseAt: string | undefined, phq: ScorePoint[]): ProgramPatient => ({
    patientId,
    firstDoseAt,
    scores: { phq9: phq },
  });
  const NOW = new Date(Date.parse(DOSE) + 70 * 86_400_000); // both 4- and 8-week windows have closed
  const patients = [
    // responder and remitter at 4 weeks (day 27 is nearest 28), responder at 8
    patient('p1', DOSE, [score('b', -1, 20), score('w4', 27, 4), score('w8', 56, 9)]),
    // non-responder at 4 (12 of 20 = 40% fall), no score in the 8-week window
    patient('p2', at(3), [score('b', 2, 20), score('w4', 31, 12)]),
    // no baseline: left out of the rates
    patient('p3', DOSE, [score('w4', 28, 3)]),
    // February cohort
    patient('p4', '2025-02-01T10:00:00.000Z', [{ id: 'b', at: '2025-01-30T10:00:00.000Z', total: 10 }]),
    // not dosed
    patient('p5', undefined, [score('b', -1, 20)]),
  ];

  it('groups by cohort month of the first dose with n counts, and rates over the measured only', () => {
    const r = programOutcomes(patients, NOW, settings);
    expect(r.notDosed).toBe(1);
    expect(r.cohorts.map((c) => [c.cohort, c.n])).toEqual([
      ['2025-01', 3],
      ['2025-02', 1],
    ]);
    const [w4, w8] = r.cohorts[0]?.instruments.phq9 ?? [];
    expect(w4).toMatchObject({ weeksAfterFirstDose: 4, eligible: 3, noBaseline: 1, noScoreInWindow: 0, measured: 2, responders: 1, remitters: 1, responseRate: 0.5, remissionRate: 0.5 });
    expect(w8).toMatchObject({ weeksAfterFirstDose: 8, eligible: 3, noBaseline: 1, noScoreInWindow: 1, measured: 1, responders: 1, remitters: 0, responseRate: 1, remissionRate: 0 });
    expect(r.overall.n).toBe(4);
    expect(r.cohorts[1]?.instruments.phq9[0]).toMatchObject({ eligible: 1, noScoreInWindow: 1, measured: 0, responseRate: null });
    expect(r.cohorts[0]?.instruments.gad7[0]).toMatchObject({ eligible: 3, noBaseline: 3, measured: 0, responseRate: null });
  });

  it('counts a checkpoint only after its window has closed', () => {
    const early = new Date(Date.parse(DOSE) + 34 * 86_400_000); // day 34: 4-week window closes on day 35
    expect(programOutcomes([patients[0] as ProgramPatient], early, settings).overall.instruments.phq9[0]?.eligible).toBe(0);
    const closed = new Date(Date.parse(DOSE) + 35 * 86_400_000);
    expect(programOutcomes([patients[0] as ProgramPatient], closed, settings).overall.instruments.phq9[0]?.eligible).toBe(1);
  });

  it('ignores scores outside the window', () => {
    const r = programOutcomes([patient('p', DOSE, [score('b', -1, 20), score('x', 20, 2)])], NOW, settings);
    expect(r.overall.instruments.phq9[0]).toMatchObject({ noScoreInWindow: 1, measured: 0 });
  });
});
