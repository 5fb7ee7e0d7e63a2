import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ageBand,
  DEFAULT_REPORT_CHECKPOINTS,
  patientOutcomeRow,
  DEFAULT_RETENTION_MILESTONES,
  nextRecordInstant,
  patientReportFacts,
  programReport,
  reportFromFacts,
  reportPeriodEvents,
  type ProgramReportSettings,
  type ReportPatient,
  evenSample,
} from './program-report.ts';

const settings: ProgramReportSettings = {
  outcomes: { responseMinReductionPct: 50, remissionBelow: { phq9: 5, gad7: 5 } },
  checkpoints: DEFAULT_REPORT_CHECKPOINTS,
  retention: DEFAULT_RETENTION_MILESTONES,
  retentionGraceDays: 14,
  checkInEveryDays: 1,
  trajectoryLines: 1000,
};

const noon = (date: string) => `${date}T12:00:00.000Z`;
const score = (date: string, total: number, id = `${date}-${total}`) => ({ id, at: noon(date), total });
const empty = (patientId: string, firstDoseAt: string | null): ReportPatient => ({
  patientId,
  firstDoseAt,
  endedAt: null,
  scores: {},
  sessions: [],
  gateBlocks: [],
  adverseEvents: [],
  alerts: [],
  riskEvaluations: [],
  checkIns: [],
  integrationSessions: [],
});
const sessions = (...dates: string[]) => dates.map((d) => ({ id: `s-${d}`, dosedAt: noon(d) }));
const alert = (id: string, code: string, raisedAt: string, over: Partial<ReportPatient['alerts'][number]> = {}) => ({
  id,
  code,
  raisedAt,
  acknowledgedAt: null,
  escalatedAt: null,
  holdsDosing: false,
  resolvedAt: null,
  resolutionAction: null,
  ...over,
});

/**
 * Five patients, every figure worked out by hand (the dates are chosen so days since the first dose are whole):
 * A doses 1 March (PHQ-9 20 → 12, 9, 4, 3 at days 28, 56, 84, 182); B doses 1 April (16 → 8 at day 26, 10 at day 65,
 * 6 at day 80; discharged 1 July); C doses 1 October (14 → 12 at day 28); D doses 1 May with no baseline; E has not
 * dosed. The report runs from 5 March to 31 December, as of 1 December.
 */
const A: ReportPatient = {
  ...empty('A', noon('2026-03-01')),
  scores: { phq9: [score('2026-02-25', 20), score('2026-03-29', 12), score('2026-04-26', 9), score('2026-05-24', 4), score('2026-08-30', 3)] },
  sessions: sessions('2026-03-01', '2026-03-08', '2026-03-15', '2026-03-22'),
  gateBlocks: [
    { sessionId: 'x1', at: '2026-03-14T09:00:00.000Z', reasonCodes: ['VITALS_ABOVE_HOLD', 'SITTER_NOT_ATTESTED'] },
    { sessionId: 'x1', at: '2026-03-14T09:30:00.000Z', reasonCodes: ['VITALS_ABOVE_HOLD'] },
  ],
  adverseEvents: [
    { id: 'ae1', at: noon('2026-03-01'), severity: 'moderate', serious: false, kind: 'nausea', description: 'before the period' },
    { id: 'ae2', at: noon('2026-03-08'), severity: 'mild', serious: false, kind: 'nausea', description: 'mild nausea' },
  ],
  alerts: [
    alert('a1', 'SUICIDE_RISK_PHQ9_ITEM9', '2026-03-10T10:00:00.000Z', { acknowledgedAt: '2026-03-10T10:30:00.000Z' }),
    alert('a2', 'CRAVING', '2026-03-20T08:00:00.000Z', { acknowledgedAt: '2026-03-20T10:00:00.000Z', escalatedAt: '2026-03-20T09:00:00.000Z' }),
    alert('a3', 'DEPENDENCE_RISK_BECAME_HIGH', '2026-03-21T08:00:00.000Z', {
      acknowledgedAt: '2026-03-21T09:00:00.000Z',
      holdsDosing: true,
      resolvedAt: '2026-03-25T08:00:00.000Z',
      resolutionAction: 'cleared_to_dose',
    }),
  ],
  riskEvaluations: [
    { at: noon('2026-03-03'), tier: 'elevated', signalCodes: ['CRAVING'] },
    { at: noon('2026-03-20'), tier: 'high', signalCodes: ['CRAVING', 'EARLY_REFILL_REQUEST'] },
    { at: noon('2026-04-01'), tier: 'low', signalCodes: [] },
    { at: noon('2026-05-01'), tier: 'elevated', signalCodes: ['CRAVING'] },
  ],
  checkIns: ['2026-03-05T08:00:00.000Z', '2026-03-05T20:00:00.000Z', '2026-03-06T08:00:00.000Z'],
  integrationSessions: [
    { at: noon('2026-03-01'), attended: true },
    { at: noon('2026-03-10'), attended: true },
    { at: noon('2026-03-24'), attended: false },
  ],
};
const B: ReportPatient = {
  ...empty('B', noon('2026-04-01')),
  endedAt: noon('2026-07-01'),
  scores: { phq9: [score('2026-03-30', 16), score('2026-04-27', 8), score('2026-06-05', 10), score('2026-06-20', 6)] },
  sessions: sessions('2026-04-01', '2026-04-08'),
  gateBlocks: [{ sessionId: 'x2', at: noon('2026-04-15'), reasonCodes: ['ALERT_HOLDS_DOSING'] }],
  adverseEvents: [
    { id: 'ae3', at: noon('2026-04-01'), severity: 'moderate', serious: false, kind: 'dizziness', description: 'dizzy' },
    { id: 'ae4', at: noon('2026-04-08'), severity: 'severe', serious: true, kind: 'syncope', description: 'fainted at the end of the session' },
  ],
  alerts: [alert('b1', 'CRAVING', '2026-04-10T00:00:00.000Z', { holdsDosing: true })],
  riskEvaluations: [{ at: noon('2026-04-10'), tier: 'elevated', signalCodes: ['CRAVING'] }],
  checkIns: ['2026-04-02T13:00:00.000Z'],
  integrationSessions: [{ at: noon('2026-04-20'), attended: true }],
};
const C: ReportPatient = {
  ...empty('C', noon('2026-10-01')),
  scores: { phq9: [score('2026-09-28', 14), score('2026-10-29', 12)] },
  sessions: sessions('2026-10-01'),
  checkIns: [noon('2026-10-02'), noon('2026-10-03')],
};
const D: ReportPatient = {
  ...empty('D', noon('2026-05-01')),
  scores: { phq9: [score('2026-05-29', 10)] },
  sessions: sessions('2026-05-01', '2026-05-08'),
  adverseEvents: [{ id: 'ae5', at: noon('2026-05-01'), severity: 'mild', serious: false, kind: 'headache', description: 'headache' }],
  alerts: [alert('d1', 'SUICIDE_RISK_PHQ9_ITEM9', '2026-05-02T00:00:00.000Z', { acknowledgedAt: '2026-05-02T00:10:00.000Z' })],
  riskEvaluations: [{ at: noon('2026-05-05'), tier: 'high', signalCodes: ['LOST_OR_STOLEN'] }],
  checkIns: ['2026-11-20T00:00:00.000Z'],
};
const E: ReportPatient = empty('E', null);

const period = { from: '2026-03-05T00:00:00.000Z', to: '2026-12-31T00:00:00.000Z' };
const now = new Date('2026-12-01T00:00:00.000Z');
const report = programReport([A, B, C, D, E], period, now, settings);
const phq9 = report.severity.phq9;
const cp = (key: string) => phq9.checkpoints.find((c) => c.key === key);

describe('the program report on a hand-worked cohort', () => {
  it('is as of the earlier of the period end and now, and counts the cohort', () => {
    expect(report.asOf).toBe('2026-12-01T00:00:00.000Z');
    expect(report.cohort).toEqual({ patients: 5, dosed: 4, notDosed: 1 });
    expect(report.patientsBehind['cohort.notDosed']).toEqual(['E']);
  });

  it('PHQ-9 baseline: the last score before the first dose; D has none', () => {
    expect(phq9.baseline).toEqual({ n: 3, missing: 1, mean: 50 / 3, median: 16 });
    expect(report.patientsBehind['phq9.baseline.missing']).toEqual(['D']);
  });

  it('week 4: three measured (A 12, B 8, C 12), B responds at exactly 50 %', () => {
    expect(cp('w4')).toMatchObject({ eligible: 4, withBaseline: 3, measured: 3, missing: 0, meanChange: -6, medianChange: -8, scores: { p25: 10, median: 12, p75: 12 } });
    expect(cp('w4')?.response).toMatchObject({ numerator: 1, denominator: 3 });
    expect(cp('w4')?.remission).toMatchObject({ numerator: 0, denominator: 3 });
    expect(report.patientsBehind['phq9.w4.response']).toEqual(['B']);
  });

  it('week 8: C is not yet eligible (its window closes 3 December); B has no score within ± 7 days, stated as missing', () => {
    expect(cp('w8')).toMatchObject({ eligible: 3, withBaseline: 2, measured: 1, missing: 1, meanChange: -11 });
    expect(cp('w8')?.followUp).toMatchObject({ numerator: 1, denominator: 2, estimate: 0.5 });
    expect(cp('w8')?.response).toMatchObject({ numerator: 1, denominator: 1 });
    expect(report.patientsBehind['phq9.w8.missing']).toEqual(['B']);
  });

  it('week 12 reads B at day 80 (± 14 days) and month 6 reads A at day 182; month 12 has nobody yet', () => {
    expect(cp('w12')).toMatchObject({ eligible: 3, withBaseline: 2, measured: 2, meanChange: -13, medianChange: -13, scores: { p25: 4.5, median: 5, p75: 5.5 } });
    expect(cp('w12')?.response).toMatchObject({ numerator: 2, denominator: 2 });
    expect(cp('w12')?.remission).toMatchObject({ numerator: 1, denominator: 2 });
    expect(cp('m6')).toMatchObject({ eligible: 3, withBaseline: 2, measured: 1, missing: 1 });
    expect(cp('m6')?.remission).toMatchObject({ numerator: 1, denominator: 1 });
    expect(cp('m12')).toMatchObject({ eligible: 0, measured: 0 });
    expect(cp('m12')?.response).toEqual({ numerator: 0, denominator: 0, estimate: null, lower: null, upper: null });
  });

  it('the rates carry their Wilson interval (1 of 3: 0.0615 to 0.7923)', () => {
    expect(cp('w4')?.response.lower).toBeCloseTo(0.0615, 4);
    expect(cp('w4')?.response.upper).toBeCloseTo(0.7923, 4);
  });

  it('time to response: B at day 26, A at day 56, C censored at day 28', () => {
    const ttr = phq9.timeToResponse;
    expect(ttr).toMatchObject({ n: 3, notFollowed: 0, responders: 2, censored: 1, medianDays: 56 });
    expect(ttr.steps.map((s) => [s.time, s.atRisk, s.events, s.censored])).toEqual([
      [26, 3, 1, 0],
      [28, 2, 0, 1],
      [56, 1, 1, 0],
    ]);
    // 1 − 1/3, then unchanged by the censoring, then × (1 − 1/1).
    expect(ttr.steps.map((s) => s.survival)).toEqual([expect.closeTo(2 / 3, 12), expect.closeTo(2 / 3, 12), 0]);
  });

  it('trajectories start at the baseline, in days since the first dose', () => {
    expect(phq9.trajectories.find((t) => t.patientId === 'A')?.points).toEqual([
      { day: -4, total: 20 },
      { day: 28, total: 12 },
      { day: 56, total: 9 },
      { day: 84, total: 4 },
      { day: 182, total: 3 },
    ]);
    expect(phq9.trajectories.map((t) => t.patientId)).toEqual(['A', 'B', 'C']);
  });

  it('GAD-7 with no scores: every dosed patient is missing a baseline and no rate is claimed', () => {
    const gad7 = report.severity.gad7;
    expect(gad7.baseline).toEqual({ n: 0, missing: 4, mean: null, median: null });
    expect(gad7.checkpoints[0]).toMatchObject({ eligible: 4, withBaseline: 0, measured: 0 });
    expect(gad7.checkpoints[0]?.response.estimate).toBeNull();
    expect(gad7.timeToResponse.steps).toEqual([]);
  });

  it('safety: 8 sessions in the period; adverse events per 100 sessions; the serious one listed', () => {
    expect(report.safety.sessions).toBe(8);
    expect(report.safety.adverseEvents).toEqual([
      { severity: 'mild', count: 2, per100Sessions: 25 },
      { severity: 'moderate', count: 1, per100Sessions: 12.5 },
      { severity: 'severe', count: 1, per100Sessions: 12.5 },
    ]);
    expect(report.safety.seriousAdverseEvents).toEqual([
      { id: 'ae4', at: noon('2026-04-08'), severity: 'severe', serious: true, kind: 'syncope', description: 'fainted at the end of the session', patientId: 'B' },
    ]);
  });

  it('safety: sessions blocked by the gate, by reason', () => {
    expect(report.safety.gateBlocks).toEqual({
      evaluations: 3,
      sessions: 2,
      byReason: [
        { code: 'VITALS_ABOVE_HOLD', count: 2 },
        { code: 'ALERT_HOLDS_DOSING', count: 1 },
        { code: 'SITTER_NOT_ATTESTED', count: 1 },
      ],
    });
  });

  it('safety: alerts by kind with time to acknowledgement (median, p90) and escalations', () => {
    expect(report.safety.alerts).toEqual([
      { code: 'CRAVING', count: 2, unacknowledged: 1, timeToAcknowledge: { n: 1, medianMinutes: 120, p90Minutes: 120 } },
      { code: 'SUICIDE_RISK_PHQ9_ITEM9', count: 2, unacknowledged: 0, timeToAcknowledge: { n: 2, medianMinutes: 20, p90Minutes: 28 } },
      { code: 'DEPENDENCE_RISK_BECAME_HIGH', count: 1, unacknowledged: 0, timeToAcknowledge: { n: 1, medianMinutes: 60, p90Minutes: 60 } },
    ]);
    // [10, 30, 60, 120] minutes: median 45; p90 at position 2.7 is 60 + 0.7 × 60.
    expect(report.safety.alertsOverall.count).toBe(5);
    expect(report.safety.alertsOverall.unacknowledged).toBe(1);
    expect(report.safety.alertsOverall.timeToAcknowledge.medianMinutes).toBe(45);
    expect(report.safety.alertsOverall.timeToAcknowledge.p90Minutes).toBeCloseTo(102, 10);
    expect(report.safety.escalations).toBe(1);
  });

  it('dependence: onsets per 100 patient-months, patients reaching high risk, holds and their outcome', () => {
    // Observed dosed days in the period: A 271 (5 Mar–1 Dec), B 91 (to discharge), C 60.5, D 213.5 = 636.
    const months = 636 / (365.25 / 12);
    expect(report.dependence.patientMonths).toBeCloseTo(months, 10);
    expect(report.dependence.signals).toEqual([
      { code: 'CRAVING', onsets: 2, patients: 2, per100PatientMonths: expect.closeTo((2 / months) * 100, 10) },
      { code: 'EARLY_REFILL_REQUEST', onsets: 1, patients: 1, per100PatientMonths: expect.closeTo((1 / months) * 100, 10) },
      { code: 'LOST_OR_STOLEN', onsets: 1, patients: 1, per100PatientMonths: expect.closeTo((1 / months) * 100, 10) },
    ]);
    expect(report.dependence.signals[0]?.per100PatientMonths).toBeCloseTo(9.5715, 4);
    expect(report.dependence.patientsReachingHighRisk).toBe(2);
    expect(report.dependence.holds).toEqual({
      count: 2,
      byOutcome: [
        { outcome: 'cleared_to_dose', count: 1 },
        { outcome: 'still_held', count: 1 },
      ],
    });
    expect(report.patientsBehind['dependence.signals.CRAVING']).toEqual(['A', 'B']);
  });

  it('engagement: retention at week 8 (C lost) and month 6 (B lost after discharge)', () => {
    expect(report.engagement.retention.map((r) => [r.key, r.retained.numerator, r.retained.denominator])).toEqual([
      ['w8', 3, 4],
      ['m6', 2, 3],
    ]);
    expect(report.patientsBehind['engagement.retention.w8.lost']).toEqual(['C']);
    expect(report.patientsBehind['engagement.retention.m6.lost']).toEqual(['B']);
  });

  it('engagement: check-in adherence (one per day, two on one day count once) and integration sessions', () => {
    // Daily slots from each first dose (noon), observed when wholly between the period start (5 March 00:00) and the
    // end (1 December 00:00, or B's discharge 1 July noon). A: slots 4–273 (3.5 days in, 274.5 days to the end) =
    // 270; its 5 March 08:00 check-in is in slot 3, before the period, and 5 March 20:00 and 6 March 08:00 share slot 4.
    // B: 0–90 = 91, slot 1 filled. C: 60.5 days = 60, slots 1 and 2. D: 213.5 days = 213, slot 202 (20 November).
    expect(report.engagement.checkIns).toMatchObject({ patients: 4, expected: 270 + 91 + 60 + 213, received: 1 + 1 + 2 + 1 });
    // Per patient 1/270, 1/91, 2/60, 1/213: the median of four is the mean of 1/213 and 1/91.
    expect(report.engagement.checkIns.medianPatientAdherence).toBeCloseTo((1 / 213 + 1 / 91) / 2, 12);
    expect(report.engagement.integration.scheduled).toBe(3);
    expect(report.engagement.integration.attended).toMatchObject({ numerator: 2, denominator: 3 });
  });

  it('refuses a period it cannot read or that ends before it starts', () => {
    expect(() => programReport([], { from: '2026-02-01', to: 'later' }, now, settings)).toThrow(RangeError);
    expect(() => programReport([], { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, now, settings)).toThrow(RangeError);
  });
});

describe('the program report over random cohorts', () => {
  const day = 86_400_000;
  const start = Date.parse('2025-01-01T00:00:00Z');
  const at = (offsetDays: number) => new Date(start + offsetDays * day).toISOString();
  const patientArb = fc.record({
    dose: fc.option(fc.integer({ min: 0, max: 600 }), { nil: null }),
    scores: fc.array(fc.record({ d: fc.integer({ min: 0, max: 700 }), total: fc.integer({ min: 0, max: 27 }) }), { maxLength: 8 }),
    aes: fc.array(fc.record({ d: fc.integer({ min: 0, max: 700 }), severity: fc.constantFrom('mild' as const, 'moderate' as const, 'severe' as const), serious: fc.boolean() }), { maxLength: 3 }),
    sessions: fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 5 }),
  });
  type RawPatient = typeof patientArb extends fc.Arbitrary<infer T> ? T : never;
  const build = (raw: RawPatient[]): ReportPatient[] =>
    raw.map((r, i) => ({
      ...empty(`p${i}`, r.dose === null ? null : at(r.dose)),
      scores: { phq9: r.scores.map((s, j) => ({ id: `${i}-${j}`, at: at(s.d), total: s.total })) },
      sessions: r.sessions.map((d, j) => ({ id: `${i}-s${j}`, dosedAt: at(d) })),
      adverseEvents: r.aes.map((e, j) => ({ id: `${i}-e${j}`, at: at(e.d), severity: e.severity, serious: e.serious, kind: 'k', description: 'd' })),
    }));
  const randomPeriod = { from: at(0), to: at(720) };
  const asOf = new Date(at(700));

  it('keeps every count inside its denominator and every interval around its estimate', () => {
    fc.assert(
      fc.property(fc.array(patientArb, { maxLength: 25 }), (raw) => {
        const r = programReport(build(raw), randomPeriod, asOf, settings);
        expect(r.cohort.dosed + r.cohort.notDosed).toBe(raw.length);
        for (const c of r.severity.phq9.checkpoints) {
          expect(c.measured).toBeLessThanOrEqual(c.withBaseline);
          expect(c.withBaseline).toBeLessThanOrEqual(c.eligible);
          expect(c.eligible).toBeLessThanOrEqual(r.cohort.dosed);
          expect(c.response.numerator).toBeLessThanOrEqual(c.measured);
          expect(c.remission.numerator).toBeLessThanOrEqual(c.measured);
        }
        const ttr = r.severity.phq9.timeToResponse;
        expect(ttr.responders + ttr.censored).toBe(ttr.n);
        expect(ttr.n + ttr.notFollowed).toBe(r.severity.phq9.baseline.n);
        const aeTotal = r.safety.adverseEvents.reduce((n, a) => n + a.count, 0);
        expect(aeTotal).toBe(raw.flatMap((p) => p.aes).filter((e) => e.d <= 700).length);
      }),
    );
  });

  it('does not depend on the order of the patients or of their rows', () => {
    fc.assert(
      fc.property(fc.array(patientArb, { maxLength: 12 }), (raw) => {
        const forward = build(raw);
        const reversed = forward
          .map((p) => ({ ...p, scores: { phq9: [...(p.scores.phq9 ?? [])].reverse() }, sessions: [...p.sessions].reverse() }))
          .reverse();
        const a = programReport(forward, randomPeriod, asOf, settings);
        const b = programReport(reversed, randomPeriod, asOf, settings);
        expect(b.severity.phq9.checkpoints).toEqual(a.severity.phq9.checkpoints);
        expect(b.severity.phq9.timeToResponse).toEqual(a.severity.phq9.timeToResponse);
        expect(b.safety.adverseEvents).toEqual(a.safety.adverseEvents);
        expect(b.engagement.retention).toEqual(a.engagement.retention);
      }),
    );
  });
});

describe('facts taken over the whole record', () => {
  // What the server keeps per patient (docs/outcomes-report.md, "Performance"): facts over every row, read by a
  // report as of now. With nothing dated after now they must give the report programReport gives from the rows.
  const day = 86_400_000;
  const start = Date.parse('2025-01-01T00:00:00Z');
  const at = (d: number) => new Date(start + d * day).toISOString();
  const dayArb = fc.integer({ min: 0, max: 700 * 24 }).map((h) => h / 24);
  const patientArb = fc.record({
    dose: fc.option(dayArb, { nil: null }),
    ended: fc.option(dayArb, { nil: null }),
    phq9: fc.array(fc.record({ d: dayArb, total: fc.integer({ min: 0, max: 27 }) }), { maxLength: 10 }),
    gad7: fc.array(fc.record({ d: dayArb, total: fc.integer({ min: 0, max: 21 }) }), { maxLength: 6 }),
    checkIns: fc.array(dayArb, { maxLength: 30 }),
    sessions: fc.array(dayArb, { maxLength: 6 }),
    risk: fc.array(fc.record({ d: dayArb, tier: fc.constantFrom('low' as const, 'elevated' as const, 'high' as const), codes: fc.subarray(['CRAVING', 'EARLY_REFILL_REQUEST', 'LOST_OR_STOLEN']) }), { maxLength: 5 }),
    integration: fc.array(fc.record({ d: dayArb, attended: fc.boolean() }), { maxLength: 4 }),
    alerts: fc.array(fc.record({ d: dayArb, holds: fc.boolean(), ackAfter: fc.option(fc.integer({ min: 0, max: 600 }), { nil: null }) }), { maxLength: 3 }),
  });
  type Raw = typeof patientArb extends fc.Arbitrary<infer T> ? T : never;
  const build = (raw: Raw[]): ReportPatient[] =>
    raw.map((r, i) => ({
      ...empty(`p${i}`, r.dose === null ? null : at(r.dose)),
      endedAt: r.ended === null ? null : at(r.ended),
      scores: {
        phq9: r.phq9.map((s, j) => ({ id: `${i}-p${j}`, at: at(s.d), total: s.total })),
        gad7: r.gad7.map((s, j) => ({ id: `${i}-g${j}`, at: at(s.d), total: s.total })),
      },
      checkIns: r.checkIns.map(at),
      sessions: r.sessions.map((d, j) => ({ id: `${i}-s${j}`, dosedAt: at(d) })),
      riskEvaluations: r.risk.map((e) => ({ at: at(e.d), tier: e.tier, signalCodes: e.codes })),
      integrationSessions: r.integration.map((s) => ({ at: at(s.d), attended: s.attended })),
      alerts: r.alerts.map((a, j) =>
        alert(`${i}-a${j}`, 'CRAVING', at(a.d), { holdsDosing: a.holds, acknowledgedAt: a.ackAfter === null ? null : at(a.d + a.ackAfter / 1440) }),
      ),
    }));

  it('give the same report as the rows, for any period that ends at or after now, when no row came since', () => {
    // Rows up to day 700; the facts taken at day 700 plus `taken` days, the report run `later` days after that.
    const spanArb = fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }));
    fc.assert(
      fc.property(fc.array(patientArb, { maxLength: 20 }), fc.integer({ min: 0, max: 700 }), fc.integer({ min: 0, max: 40 }), spanArb, (raw, fromDay, pastNow, [taken, later]) => {
        const patients = build(raw);
        const takenAt = start + (700 + taken) * day;
        const now = new Date(takenAt + later * day);
        const period = { from: at(fromDay), to: at(720 + pastNow) };
        for (const p of patients) expect(nextRecordInstant(p, takenAt)).toBeNull();
        const fromRows = programReport(patients, period, now, settings);
        const byId = new Map(patients.map((p) => [p.patientId, p]));
        const fromFacts = reportFromFacts(
          patients.map((p) => patientReportFacts(p, takenAt, settings)),
          reportPeriodEvents(patients, Date.parse(period.from), now.getTime()),
          (id, instrument) => byId.get(id)?.scores[instrument] ?? [],
          period,
          now,
          settings,
        );
        expect(fromFacts).toEqual(fromRows);
      }),
      { numRuns: 300 },
    );
  });

  it('leave out a row dated after they were taken, and say when they stop holding', () => {
    // Taken as of 1 June, A's facts read the scores up to 24 May and hold until 30 August, A's first row after 1 June.
    const june = Date.parse('2026-06-01T00:00:00.000Z');
    expect(nextRecordInstant(A, june)).toBe(Date.parse(noon('2026-08-30')));
    expect(patientReportFacts(A, june, settings)).toMatchObject({ lastContactMs: Date.parse(noon('2026-05-24')), instruments: { phq9: { lastMs: Date.parse(noon('2026-05-24')) } } });
    expect(nextRecordInstant(A, now.getTime())).toBeNull();
  });

  it('A: the facts the figures read, worked by hand', () => {
    const facts = patientReportFacts(A, now.getTime(), settings);
    // Daily slots from 1 March noon: check-ins on 5 March 08:00 (slot 3), 20:00 and 6 March 08:00 (slot 4).
    expect(facts).toEqual({
      patientId: 'A',
      firstDoseMs: Date.parse(noon('2026-03-01')),
      endedMs: null,
      instruments: {
        phq9: { baseline: 20, checkpoints: [12, 9, 4, 3, null], respondedMs: Date.parse(noon('2026-04-26')), lastMs: Date.parse(noon('2026-08-30')) },
        gad7: { baseline: null, checkpoints: [null, null, null, null, null], respondedMs: null, lastMs: null },
      },
      lastContactMs: Date.parse(noon('2026-08-30')),
      checkInSlots: '00011',
      onsets: [
        [Date.parse(noon('2026-03-03')), 'CRAVING'],
        [Date.parse(noon('2026-03-20')), 'EARLY_REFILL_REQUEST'],
        [Date.parse(noon('2026-05-01')), 'CRAVING'],
      ],
      highRiskMs: [Date.parse(noon('2026-03-20'))],
      // Four weekly doses; both refusals are of session x1 (its first), the duplicate reason once; three visits.
      doseMs: [Date.parse(noon('2026-03-01')), Date.parse(noon('2026-03-08')), Date.parse(noon('2026-03-15')), Date.parse(noon('2026-03-22'))],
      gateBlocks: [
        [Date.parse('2026-03-14T09:00:00.000Z'), 0, ['VITALS_ABOVE_HOLD', 'SITTER_NOT_ATTESTED']],
        [Date.parse('2026-03-14T09:30:00.000Z'), 0, ['VITALS_ABOVE_HOLD']],
      ],
      integration: [
        [Date.parse(noon('2026-03-01')), 1],
        [Date.parse(noon('2026-03-10')), 1],
        [Date.parse(noon('2026-03-24')), 0],
      ],
    });
  });
});

describe('one row per patient (the research export)', () => {
  it('A: baseline 20, the score read at each checkpoint, response at day 56, followed to day 182', () => {
    const row = patientOutcomeRow(A, now, settings);
    expect(row.scores.phq9).toEqual({ baseline: 20, checkpoints: { w4: 12, w8: 9, w12: 4, m6: 3, m12: null }, responseDay: 56, followedToDay: 182 });
    expect(row.scores.gad7).toEqual({ baseline: null, checkpoints: { w4: null, w8: null, w12: null, m6: null, m12: null }, responseDay: null, followedToDay: null });
    // The whole record, not the period: the session and moderate event of 1 March count here.
    expect(row).toMatchObject({
      sessions: 4,
      adverseEvents: { mild: 1, moderate: 1, severe: 0 },
      seriousAdverseEvents: 0,
      alerts: 3,
      warningSignOnsets: 3, // craving (3 Mar), early refill (20 Mar), craving again (1 May)
      reachedHighRisk: true,
      checkIns: 3,
      integrationAttended: 2,
      integrationMissed: 1,
    });
  });

  it('B: missing at week 8 and month 6; D: no baseline but its score is read; E: not dosed', () => {
    expect(patientOutcomeRow(B, now, settings).scores.phq9).toEqual({ baseline: 16, checkpoints: { w4: 8, w8: null, w12: 6, m6: null, m12: null }, responseDay: 26, followedToDay: 80 });
    expect(patientOutcomeRow(D, now, settings).scores.phq9).toEqual({ baseline: null, checkpoints: { w4: 10, w8: null, w12: null, m6: null, m12: null }, responseDay: null, followedToDay: 28 });
    expect(patientOutcomeRow(E, now, settings).scores.phq9.checkpoints).toEqual({ w4: null, w8: null, w12: null, m6: null, m12: null });
  });
});

/** The same patient with every instant as epoch milliseconds (the server loader's form). */
function asEpochMs(p: ReportPatient): ReportPatient {
  const ms = (at: string | number) => (typeof at === 'number' ? at : Date.parse(at));
  const orNull = (at: string | number | null) => (at === null ? null : ms(at));
  return {
    ...p,
    firstDoseAt: orNull(p.firstDoseAt),
    endedAt: orNull(p.endedAt),
    scores: Object.fromEntries(Object.entries(p.scores).map(([k, series]) => [k, (series ?? []).map((s) => ({ ...s, at: ms(s.at) }))])),
    sessions: p.sessions.map((s) => ({ ...s, dosedAt: ms(s.dosedAt) })),
    gateBlocks: p.gateBlocks.map((b) => ({ ...b, at: ms(b.at) })),
    adverseEvents: p.adverseEvents.map((e) => ({ ...e, at: ms(e.at) })),
    alerts: p.alerts.map((a) => ({
      ...a,
      raisedAt: ms(a.raisedAt),
      acknowledgedAt: orNull(a.acknowledgedAt),
      escalatedAt: orNull(a.escalatedAt),
      resolvedAt: orNull(a.resolvedAt),
    })),
    riskEvaluations: p.riskEvaluations.map((r) => ({ ...r, at: ms(r.at) })),
    checkIns: p.checkIns.map(ms),
    integrationSessions: p.integrationSessions.map((s) => ({ ...s, at: ms(s.at) })),
  };
}

describe('instants given as epoch milliseconds', () => {
  const fromMs = programReport([A, B, C, D, E].map(asEpochMs), period, now, settings);

  it('read as the same instants: the hand-worked figures hold', () => {
    expect(fromMs.cohort).toEqual({ patients: 5, dosed: 4, notDosed: 1 });
    expect(fromMs.safety.sessions).toBe(8);
    expect(fromMs.severity.phq9.trajectories.find((t) => t.patientId === 'A')?.points).toEqual([
      { day: -4, total: 20 },
      { day: 28, total: 12 },
      { day: 56, total: 9 },
      { day: 84, total: 4 },
      { day: 182, total: 3 },
    ]);
    expect(fromMs.severity.phq9.timeToResponse.steps.map((s) => [s.time, s.atRisk, s.events, s.censored])).toEqual([
      [26, 3, 1, 0],
      [28, 2, 0, 1],
      [56, 1, 1, 0],
    ]);
    expect(fromMs.engagement.retention.map((r) => [r.key, r.retained.numerator, r.retained.denominator])).toEqual([
      ['w8', 3, 4],
      ['m6', 2, 3],
    ]);
    expect(fromMs.patientsBehind['engagement.retention.m6.lost']).toEqual(['B']);
  });

  it('the output still carries ISO 8601 text', () => {
    expect(fromMs.safety.seriousAdverseEvents.map((e) => e.at)).toEqual([noon('2026-04-08')]);
    expect(patientOutcomeRow(asEpochMs(A), now, settings)).toMatchObject({ firstDoseAt: noon('2026-03-01'), endedAt: null });
    expect(patientOutcomeRow(asEpochMs(B), now, settings).endedAt).toBe(B.endedAt);
  });

  it('is the same report as from text', () => {
    expect(fromMs).toEqual(report);
  });
});

describe('time to response to a tenth of a day', () => {
  it('ties responses within the same tenth: one step with both events', () => {
    const dose = Date.parse('2026-03-01T12:00:00.000Z');
    const hours = (h: number) => dose + h * 3_600_000;
    const patient = (id: string, respondedAtHours: number): ReportPatient => ({
      ...empty(id, noon('2026-03-01')),
      scores: { phq9: [{ id: `${id}-0`, at: noon('2026-02-28'), total: 20 }, { id: `${id}-1`, at: hours(respondedAtHours), total: 10 }] },
    });
    // Day 26 + 0.5 h → 26.0; day 26 + 1 h → 26.0; day 26 + 1.5 h → 26.1 (26.0625 rounds up).
    const cohort = [patient('P', 26 * 24 + 0.5), patient('Q', 26 * 24 + 1), patient('R', 26 * 24 + 1.5)];
    const ttr = programReport(cohort, period, now, settings).severity.phq9.timeToResponse;
    expect(ttr.steps.map((s) => [s.time, s.atRisk, s.events, s.censored])).toEqual([
      [26, 3, 2, 0],
      [26.1, 1, 1, 0],
    ]);
    expect(ttr.steps.map((s) => s.survival)).toEqual([expect.closeTo(1 / 3, 12), 0]);
  });
});

describe('the trajectory chart past its limit of lines', () => {
  it('draws an even sample, and the figures still count every patient', () => {
    const capped = programReport([A, B, C, D, E], period, now, { ...settings, trajectoryLines: 2 });
    // A, B and C have a baseline: lines at positions ⌊0·3/2⌋ = 0 and ⌊1·3/2⌋ = 1.
    expect(capped.severity.phq9.trajectories.map((t) => t.patientId)).toEqual(['A', 'B']);
    expect(capped.severity.phq9.baseline.n).toBe(3);
    expect(capped.severity.phq9.checkpoints.find((c) => c.key === 'w4')?.measured).toBe(3);
  });

  it('evenSample: positions ⌊i·n/limit⌋, everything when it fits', () => {
    const ten = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    expect(evenSample(ten, 4)).toEqual(['a', 'c', 'f', 'h']);
    expect(evenSample(ten, 10)).toEqual(ten);
    expect(evenSample(ten, 20)).toEqual(ten);
    expect(evenSample(ten, 1)).toEqual(['a']);
    expect(evenSample(ten, 0)).toEqual([]);
  });
});

describe('age bands', () => {
  it.each([
    ['2008-12-02', 'under-18'], // 17 the day before the 18th birthday
    ['2008-12-01', '18-24'], // 18 on the day
    ['2001-12-02', '18-24'], // 24
    ['2001-12-01', '25-34'],
    ['1962-12-01', '55-64'], // 64
    ['1961-12-01', '65-74'],
    ['1951-12-01', '75-89'],
    ['1936-12-02', '75-89'], // 89
    ['1936-12-01', '90+'],
    ['not a date', 'unknown'],
  ])('born %s is %s on 1 December 2026', (dob, band) => {
    expect(ageBand(dob, now)).toBe(band);
  });
});
