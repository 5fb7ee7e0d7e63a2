import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeDueAssessments, countOverdueAssessments } from './assessment-schedule.ts';
import type { DueAssessmentsInput } from './assessment-schedule.ts';
import { defaultAssessmentCadence } from './monitoring-settings.ts';
import type { ScheduledAssessmentCode } from './monitoring-types.ts';
import { propertyRuns } from '../../test/property-runs.ts';

const NOW = new Date('2025-06-30T12:00:00.000Z');
const hoursAgo = (h: number): string => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const daysAgo = (d: number): string => hoursAgo(d * 24);

const allDone = {
  checkin: hoursAgo(1),
  phq9: daysAgo(1),
  gad7: daysAgo(1),
  'audit-c': daysAgo(1),
  dast10: daysAgo(1),
  bladder: daysAgo(1),
  'cssrs-screen': daysAgo(30),
};
const due = (over: Partial<DueAssessmentsInput> = {}) =>
  computeDueAssessments({
    phase: 'induction',
    enrolledAt: daysAgo(60),
    lastCompleted: allDone,
    now: NOW,
    cadence: defaultAssessmentCadence,
    ...over,
  });
const item = (list: ReturnType<typeof due>, code: ScheduledAssessmentCode) => list.find((d) => d.code === code);

describe('computeDueAssessments', () => {
  it('asks for the daily check-in only during induction', () => {
    expect(item(due({ phase: 'induction' }), 'checkin')).toBeDefined();
    expect(item(due({ phase: 'maintenance' }), 'checkin')).toBeUndefined();
    expect(item(due({ phase: null }), 'checkin')).toBeUndefined();
    expect(item(due({ phase: 'maintenance' }), 'phq9')).toBeDefined();
  });

  it.each([
    ['6 days 23 h ago', hoursAgo(7 * 24 - 1), 'upcoming'],
    ['exactly 7 days ago', daysAgo(7), 'due'],
    ['9 days 23 h ago', hoursAgo(10 * 24 - 1), 'due'],
    ['exactly 10 days ago', daysAgo(10), 'overdue'],
  ])('weekly PHQ-9 last done %s → %s', (_n, last, status) => {
    expect(item(due({ lastCompleted: { ...allDone, phq9: last } }), 'phq9')?.status).toBe(status);
  });

  it('dates a due item from the last completion', () => {
    expect(item(due({ lastCompleted: { ...allDone, gad7: daysAgo(8) } }), 'gad7')).toMatchObject({
      dueAt: daysAgo(1),
      status: 'due',
    });
  });

  it('monthly screens: due 30 days after, overdue 7 days later', () => {
    expect(item(due({ lastCompleted: { ...allDone, dast10: daysAgo(29) } }), 'dast10')?.status).toBe('upcoming');
    expect(item(due({ lastCompleted: { ...allDone, 'audit-c': daysAgo(30) } }), 'audit-c')?.status).toBe('due');
    expect(item(due({ lastCompleted: { ...allDone, bladder: daysAgo(37) } }), 'bladder')?.status).toBe('overdue');
  });

  it('daily check-in: due after a day, overdue after two', () => {
    expect(item(due({ lastCompleted: { ...allDone, checkin: hoursAgo(23) } }), 'checkin')?.status).toBe('upcoming');
    expect(item(due({ lastCompleted: { ...allDone, checkin: hoursAgo(24) } }), 'checkin')?.status).toBe('due');
    expect(item(due({ lastCompleted: { ...allDone, checkin: hoursAgo(48) } }), 'checkin')?.status).toBe('overdue');
  });

  it('treats a never-completed (or unreadable) assessment as due from enrolment', () => {
    const list = due({ enrolledAt: hoursAgo(2), lastCompleted: { ...allDone, phq9: undefined, gad7: 'not a date' } });
    expect(item(list, 'phq9')).toMatchObject({ dueAt: hoursAgo(2), status: 'due' });
    expect(item(list, 'gad7')?.status).toBe('due');
  });

  describe('C-SSRS screener', () => {
    it('is due at intake until completed, overdue after 72 h', () => {
      const none = { ...allDone, 'cssrs-screen': undefined };
      expect(item(due({ enrolledAt: hoursAgo(71), lastCompleted: none }), 'cssrs-screen')?.status).toBe('due');
      expect(item(due({ enrolledAt: hoursAgo(72), lastCompleted: none }), 'cssrs-screen')?.status).toBe('overdue');
      expect(item(due(), 'cssrs-screen')).toBeUndefined();
    });
    it('is due at once after a positive PHQ-9 item 9, overdue after 24 h, and cleared by a C-SSRS after it', () => {
      const fresh = item(due({ lastPhq9Item9Positive: { at: hoursAgo(2) } }), 'cssrs-screen');
      expect(fresh).toMatchObject({ dueAt: hoursAgo(2), status: 'due' });
      expect(fresh?.reason).toContain('item 9');
      expect(item(due({ lastPhq9Item9Positive: { at: hoursAgo(24) } }), 'cssrs-screen')?.status).toBe('overdue');
      expect(item(due({ lastPhq9Item9Positive: { at: hoursAgo(2), cssrsAfter: hoursAgo(1) } }), 'cssrs-screen')).toBeUndefined();
      expect(
        item(due({ lastPhq9Item9Positive: { at: hoursAgo(2) }, lastCompleted: { ...allDone, 'cssrs-screen': hoursAgo(1) } }), 'cssrs-screen'),
      ).toBeUndefined();
    });
    it('a C-SSRS from before the positive answer does not clear it', () => {
      expect(item(due({ lastPhq9Item9Positive: { at: hoursAgo(2), cssrsAfter: hoursAgo(3) } }), 'cssrs-screen')?.status).toBe('due');
    });
  });

  it('lists overdue first, then due, then upcoming', () => {
    const statuses = due({ lastCompleted: { ...allDone, phq9: daysAgo(20), gad7: daysAgo(8) } }).map((d) => d.status);
    expect(statuses).toEqual([...statuses].sort((a, b) => ['overdue', 'due', 'upcoming'].indexOf(a) - ['overdue', 'due', 'upcoming'].indexOf(b)));
    expect(statuses[0]).toBe('overdue');
  });
});

describe('countOverdueAssessments (the panel reads facts as epoch milliseconds)', () => {
  const codes: ScheduledAssessmentCode[] = ['checkin', 'phq9', 'gad7', 'audit-c', 'dast10', 'bladder', 'cssrs-screen'];
  const maybeDaysAgo = fc.option(fc.integer({ min: 0, max: 24 * 120 }).map((h) => hoursAgo(h)), { nil: undefined });
  it('counts exactly the items computeDueAssessments marks overdue, for any facts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('induction', 'maintenance', 'taper', null),
        fc.integer({ min: 0, max: 24 * 200 }),
        fc.tuple(...codes.map(() => maybeDaysAgo)),
        fc.option(fc.record({ at: fc.integer({ min: 0, max: 24 * 60 }).map((h) => hoursAgo(h)), cssrsAfter: maybeDaysAgo }), { nil: undefined }),
        (phase, enrolledHoursAgo, lasts, positive) => {
          const lastCompleted = Object.fromEntries(codes.map((c, i) => [c, lasts[i]]));
          const input: DueAssessmentsInput = { phase, enrolledAt: hoursAgo(enrolledHoursAgo), lastCompleted, lastPhq9Item9Positive: positive, now: NOW, cadence: defaultAssessmentCadence };
          const ms = (iso: string | undefined) => (iso === undefined ? null : Date.parse(iso));
          const count = countOverdueAssessments({
            phase,
            enrolledMs: ms(input.enrolledAt),
            lastCompletedMs: Object.fromEntries(codes.map((c, i) => [c, ms(lasts[i])])),
            lastPhq9Item9Positive: positive ? { atMs: ms(positive.at), cssrsAfterMs: ms(positive.cssrsAfter) } : undefined,
            nowMs: NOW.getTime(),
            cadence: defaultAssessmentCadence,
          });
          expect(count).toBe(computeDueAssessments(input).filter((d) => d.status === 'overdue').length);
        },
      ),
      { numRuns: propertyRuns(500) },
    );
  });
});
