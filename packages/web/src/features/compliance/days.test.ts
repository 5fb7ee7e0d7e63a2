import { describe, expect, it } from 'vitest';
import { daysUntil } from './days.ts';

describe('daysUntil: calendar days left', () => {
  it.each([
    // Local noon on 4 December 2026: the flexibility (through 31 December) lapses on 1 January 2027, 28 days on.
    ['2027-01-01', new Date(2026, 11, 4, 12, 0), 28],
    ['2026-12-31', new Date(2026, 11, 4, 12, 0), 27],
    ['2026-12-04', new Date(2026, 11, 4, 23, 59), 0],
    ['2026-12-03', new Date(2026, 11, 4, 0, 1), -1],
    // Across the March daylight-saving change, a day is still a day.
    ['2027-03-15', new Date(2027, 2, 1, 9, 0), 14],
  ])('%s from %s → %d', (day, today, days) => {
    expect(daysUntil(day, today)).toBe(days);
  });
});
