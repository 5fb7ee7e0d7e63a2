import { describe, expect, it } from 'vitest';
import { boardUrgency, compareBoardRows, sitterCheckDue, vitalsOverLimit, type BoardSortKey, type UrgencyFacts } from './live-board.ts';

const rule = { intervalMinutes: 15, graceMinutes: 5 };
const dose = '2026-06-01T12:00:00.000Z';

describe('sitterCheckDue', () => {
  // [name, started, last check, now, next due, overdue]
  const table: [string, string | null, string | null, string, string | null, boolean][] = [
    ['authorized, not dosed: nothing due', null, null, '2026-06-01T12:30:00.000Z', null, false],
    ['just dosed: first check due 15 min after the dose', dose, null, '2026-06-01T12:00:00.000Z', '2026-06-01T12:15:00.000Z', false],
    ['20 min after the dose, no check: not yet overdue (the boundary)', dose, null, '2026-06-01T12:20:00.000Z', '2026-06-01T12:15:00.000Z', false],
    ['20 min and 1 ms after the dose, no check: overdue', dose, null, '2026-06-01T12:20:00.001Z', '2026-06-01T12:15:00.000Z', true],
    ['a check at 12:14: next due 12:29', dose, '2026-06-01T12:14:00.000Z', '2026-06-01T12:30:00.000Z', '2026-06-01T12:29:00.000Z', false],
    ['a check at 12:14, now 12:35: overdue', dose, '2026-06-01T12:14:00.000Z', '2026-06-01T12:35:00.000Z', '2026-06-01T12:29:00.000Z', true],
    ['an unreadable dose time fails closed', 'not a time', null, '2026-06-01T12:01:00.000Z', null, true],
  ];
  it.each(table)('%s', (_n, started, last, now, next, overdue) => {
    expect(sitterCheckDue(started, last, new Date(now), rule)).toEqual({ nextCheckDueAt: next, overdue });
  });
});

describe('vitalsOverLimit', () => {
  const limits = { systolicMax: 160, diastolicMax: 100, heartRateMax: 110, spo2Min: 92 };
  const table: [string, { systolic: number; diastolic: number; heartRate: number; spo2: number | null } | null, boolean][] = [
    ['no reading', null, false],
    ['all at their limits', { systolic: 160, diastolic: 100, heartRate: 110, spo2: 92 }, false],
    ['systolic one over', { systolic: 161, diastolic: 80, heartRate: 70, spo2: 98 }, true],
    ['diastolic one over', { systolic: 120, diastolic: 101, heartRate: 70, spo2: 98 }, true],
    ['heart rate one over', { systolic: 120, diastolic: 80, heartRate: 111, spo2: 98 }, true],
    ['oxygen one under', { systolic: 120, diastolic: 80, heartRate: 70, spo2: 91 }, true],
    ['no oxygen reading', { systolic: 120, diastolic: 80, heartRate: 70, spo2: null }, false],
  ];
  it.each(table)('%s', (_n, v, expected) => expect(vitalsOverLimit(v, limits)).toBe(expected));
  it('ignores oxygen when no minimum is set', () => {
    expect(vitalsOverLimit({ systolic: 120, diastolic: 80, heartRate: 70, spo2: 80 }, { ...limits, spo2Min: null })).toBe(false);
  });
});

describe('boardUrgency', () => {
  const none: UrgencyFacts = { checkOverdue: false, concerns: 0, vitalsOverLimit: false, urgentAlerts: 0, riskTier: 'low' };
  const table: [string, Partial<UrgencyFacts>, number, string[]][] = [
    ['nothing', {}, 5, []],
    ['an overdue check', { checkOverdue: true }, 0, ['check_overdue']],
    ['a concern', { concerns: 2 }, 1, ['concern']],
    ['vitals over the limits', { vitalsOverLimit: true }, 2, ['vitals_over_limit']],
    ['an urgent alert', { urgentAlerts: 1 }, 3, ['urgent_alert']],
    ['high risk', { riskTier: 'high' }, 4, ['high_risk']],
    ['elevated risk is not urgent', { riskTier: 'elevated' }, 5, []],
    ['a concern and high risk', { concerns: 1, riskTier: 'high' }, 1, ['concern', 'high_risk']],
    ['everything', { checkOverdue: true, concerns: 1, vitalsOverLimit: true, urgentAlerts: 1, riskTier: 'high' }, 0, ['check_overdue', 'concern', 'vitals_over_limit', 'urgent_alert', 'high_risk']],
  ];
  it.each(table)('%s', (_n, facts, urgency, reasons) => {
    expect(boardUrgency({ ...none, ...facts })).toEqual({ urgency, reasons });
  });
});

describe('compareBoardRows', () => {
  const row = (sessionId: string, o: Partial<BoardSortKey>): BoardSortKey => ({ urgency: 5, urgencyReasons: [], status: 'in_progress', minutesSinceDose: 10, patientName: 'Ann', sessionId, ...o });
  it('sorts by urgency, then reasons, then dosed first, then longest since the dose, then name', () => {
    const rows = [
      row('a', { status: 'authorized', minutesSinceDose: null }),
      row('b', { minutesSinceDose: 40 }),
      row('c', { urgency: 1, urgencyReasons: ['concern'] }),
      row('d', { urgency: 0, urgencyReasons: ['check_overdue'] }),
      row('e', { urgency: 1, urgencyReasons: ['concern', 'high_risk'] }),
      row('f', { minutesSinceDose: 40, patientName: 'Bea' }),
      row('g', { minutesSinceDose: 5 }),
    ];
    expect([...rows].sort(compareBoardRows).map((r) => r.sessionId)).toEqual(['d', 'e', 'c', 'b', 'f', 'g', 'a']);
  });
});
