// The outcome read-outs in full at their edges (docs/clinical-basis.md §1, "Outcomes"): a score at the very instant
// of the first dose, times that cannot be read, a baseline of 0, the checkpoint window's edge and its tie-break, and
// the program's cohorts. Every expected value is written out here by hand, from the default outcome settings
// (packages/domain/src/monitoring/monitoring-settings.ts: response at a 50 % fall, remission below 5, a meaningful
// PHQ-9 change of 5 points and none configured for GAD-7, checkpoints at 4 and 8 weeks ± 7 days).
import { describe, expect, it } from 'vitest';
import { defaultMonitoringSettings, type OutcomeSettings } from './monitoring-settings.ts';
import { instrumentOutcome, programOutcomes, trajectoryOf } from './outcomes.ts';
import type { ProgramPatient, ScorePoint } from './outcomes.ts';

const settings = defaultMonitoringSettings.outcomes;
const DOSE = '2025-01-10T09:00:00.000Z';
const point = (id: string, at: string, total: number): ScorePoint => ({ id, at, total });
const before = point('b', '2025-01-08T09:00:00.000Z', 20);

describe('instrumentOutcome in full', () => {
  it('no scores and no dose', () => {
    expect(instrumentOutcome({ instrument: 'phq9', scores: [] }, settings)).toStrictEqual({
      instrument: 'phq9',
      series: [],
      baseline: { kind: 'missing' },
      latest: null,
      latestOnTreatment: null,
      change: null,
      changePct: null,
      response: null,
      remission: null,
      meaningfulChange: null,
      trajectory: 'insufficient_data',
    });
  });
  it('a baseline and no score since the dose: nothing on treatment', () => {
    expect(instrumentOutcome({ instrument: 'phq9', scores: [before], firstDoseAt: DOSE }, settings)).toStrictEqual({
      instrument: 'phq9',
      series: [before],
      baseline: { kind: 'pre_dose', score: before },
      latest: before,
      latestOnTreatment: null,
      change: null,
      changePct: null,
      response: null,
      remission: null,
      meaningfulChange: null,
      trajectory: 'insufficient_data',
    });
  });
  it('a score at the very instant of the first dose is on treatment, not the baseline', () => {
    const atDose = point('d', DOSE, 8);
    expect(instrumentOutcome({ instrument: 'phq9', scores: [atDose, before], firstDoseAt: DOSE }, settings)).toStrictEqual({
      instrument: 'phq9',
      series: [before, atDose],
      baseline: { kind: 'pre_dose', score: before },
      latest: atDose,
      latestOnTreatment: atDose,
      change: -12,
      changePct: -60,
      response: true,
      remission: false,
      meaningfulChange: 'improvement',
      trajectory: 'insufficient_data',
    });
  });
  it('a first dose whose time cannot be read: no baseline is claimed, every score is on treatment', () => {
    const later = point('t', '2025-01-17T09:00:00.000Z', 6);
    const o = instrumentOutcome({ instrument: 'phq9', scores: [before, later], firstDoseAt: 'soon' }, settings);
    expect([o.baseline, o.latestOnTreatment, o.change, o.response, o.remission]).toStrictEqual([{ kind: 'missing' }, later, null, null, false]);
  });
  it('a score whose time cannot be read is neither the baseline nor on treatment', () => {
    const unreadable = point('x', 'last week', 3);
    const o = instrumentOutcome({ instrument: 'phq9', scores: [unreadable], firstDoseAt: DOSE }, settings);
    expect([o.baseline, o.latest, o.latestOnTreatment, o.remission]).toStrictEqual([{ kind: 'missing' }, unreadable, null, null]);
  });
  it('a baseline of 0: no response and no change % can be claimed', () => {
    const o = instrumentOutcome({ instrument: 'phq9', scores: [point('b', '2025-01-08T09:00:00.000Z', 0), point('t', '2025-01-17T09:00:00.000Z', 0)], firstDoseAt: DOSE }, settings);
    expect([o.change, o.changePct, o.response, o.remission, o.meaningfulChange]).toStrictEqual([0, null, null, true, 'none']);
  });
  it('GAD-7 has no meaningful-change threshold by default: no verdict, whatever the change', () => {
    const o = instrumentOutcome({ instrument: 'gad7', scores: [point('b', '2025-01-08T09:00:00.000Z', 15), point('t', '2025-01-17T09:00:00.000Z', 5)], firstDoseAt: DOSE }, settings);
    expect([o.change, o.meaningfulChange, o.response]).toStrictEqual([-10, null, true]);
  });
  it('trajectory over two scores when configured; never over one', () => {
    const two = [point('a', '2025-01-01T09:00:00.000Z', 10), point('b', '2025-01-08T09:00:00.000Z', 5)];
    const over = (scores: number): OutcomeSettings => ({ ...settings, trajectory: { ...settings.trajectory, scores } });
    expect(trajectoryOf(two, 'phq9', over(2))).toBe('improving');
    expect(trajectoryOf(two, 'phq9', over(1))).toBe('insufficient_data');
  });
});

describe('programOutcomes: the checkpoint', () => {
  // Four weeks after the first dose is 2025-02-07T09:00Z; its window closes on 2025-02-14T09:00Z.
  const now = new Date('2025-02-20T00:00:00.000Z');
  const patient = (phq9: ScorePoint[], gad7: ScorePoint[] = []): ProgramPatient => ({ patientId: 'p1', firstDoseAt: DOSE, scores: { phq9, gad7 } });
  const week4 = (p: ProgramPatient, s: OutcomeSettings = settings, at: Date = now) => programOutcomes([p], at, s).overall.instruments.phq9[0];
  const read = (...points: ScorePoint[]) => {
    const c = week4(patient([before, ...points]));
    return [c?.measured, c?.responders, c?.remitters];
  };
  it('the nearer score wins, whichever side of the target it lies', () => {
    expect(read(point('p1', '2025-02-05T09:00:00.000Z', 4), point('p2', '2025-02-08T09:00:00.000Z', 15))).toStrictEqual([1, 0, 0]);
    expect(read(point('p1', '2025-02-06T09:00:00.000Z', 4), point('p2', '2025-02-09T09:00:00.000Z', 15))).toStrictEqual([1, 1, 1]);
  });
  it('equally near: the later score; at the same instant: the first one recorded', () => {
    expect(read(point('p1', '2025-02-06T09:00:00.000Z', 4), point('p2', '2025-02-08T09:00:00.000Z', 15))).toStrictEqual([1, 0, 0]);
    expect(read(point('p1', '2025-02-08T09:00:00.000Z', 4), point('p2', '2025-02-08T09:00:00.000Z', 15))).toStrictEqual([1, 1, 1]);
  });
  it('a score exactly 7 days after the target is in the window', () => {
    expect(read(point('p1', '2025-02-14T09:00:00.000Z', 4))).toStrictEqual([1, 1, 1]);
  });
  it('a score of 5 responds but does not remit (remission is below 5)', () => {
    expect(read(point('p1', '2025-02-07T09:00:00.000Z', 5))).toStrictEqual([1, 1, 0]);
  });
  it('without a baseline the rates are null, not a division by nobody', () => {
    const p = patient([point('p1', '2025-02-07T09:00:00.000Z', 4)]);
    expect(programOutcomes([p], now, settings).overall.instruments.phq9).toStrictEqual([
      { weeksAfterFirstDose: 4, eligible: 1, noBaseline: 1, noScoreInWindow: 0, measured: 0, responders: 0, remitters: 0, responseRate: null, remissionRate: null },
      { weeksAfterFirstDose: 8, eligible: 0, noBaseline: 0, noScoreInWindow: 0, measured: 0, responders: 0, remitters: 0, responseRate: null, remissionRate: null },
    ]);
  });
  it('GAD-7 is read from its own scores', () => {
    const p = patient([], [point('g0', '2025-01-08T09:00:00.000Z', 16), point('g1', '2025-02-07T09:00:00.000Z', 6)]);
    expect(programOutcomes([p], now, settings).overall.instruments.gad7[0]).toStrictEqual({
      weeksAfterFirstDose: 4,
      eligible: 1,
      noBaseline: 0,
      noScoreInWindow: 0,
      measured: 1,
      responders: 1,
      remitters: 0,
      responseRate: 1,
      remissionRate: 0,
    });
  });
  it('with a wide window, only scores from the first dose on are read: never the baseline itself', () => {
    // ± 30 days around 2025-02-07T09:00Z reaches back past the first dose; the window closes on 2025-03-09T09:00Z.
    const wide: OutcomeSettings = { ...settings, checkpointWindowDays: 30 };
    const at = new Date('2025-04-01T00:00:00.000Z');
    const onlyBaseline = week4(patient([point('b', '2025-01-09T09:00:00.000Z', 20)]), wide, at);
    expect([onlyBaseline?.noScoreInWindow, onlyBaseline?.measured]).toStrictEqual([1, 0]);
    const atDose = week4(patient([before, point('d', DOSE, 4)]), wide, at);
    expect([atDose?.measured, atDose?.responders, atDose?.remitters]).toStrictEqual([1, 1, 1]);
  });
});

describe('programOutcomes: cohorts', () => {
  it('cohorts in month order, a first dose at this very instant counted, one in the future not', () => {
    const now = new Date('2025-03-10T00:00:00.000Z');
    const dosedAt = (patientId: string, firstDoseAt?: string): ProgramPatient => ({ patientId, ...(firstDoseAt === undefined ? {} : { firstDoseAt }), scores: {} });
    const o = programOutcomes(
      [dosedAt('x', '2025-03-05T00:00:00.000Z'), dosedAt('y', DOSE), dosedAt('z', '2025-03-10T00:00:00.000Z'), dosedAt('w', '2025-03-10T00:00:00.001Z'), dosedAt('v')],
      now,
      settings,
    );
    expect([o.asOf, o.cohorts.map((c) => [c.cohort, c.n]), o.overall.cohort, o.overall.n, o.notDosed]).toStrictEqual([
      '2025-03-10T00:00:00.000Z',
      [
        ['2025-01', 1],
        ['2025-03', 2],
      ],
      'all',
      3,
      2,
    ]);
  });
});
