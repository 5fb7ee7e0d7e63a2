import { describe, expect, it } from 'vitest';
import { clockOffsetMs, elapsedWords, minutesSeconds, nextCheck, sitterCheckGraceMs } from './live-clock.ts';
import { groupByStartDay, localInputInZone, rangeInZone } from './shift-days.ts';
import { vitalReadings } from './vitals-limits.ts';

const at = (iso: string) => Date.parse(iso);

describe('clockOffsetMs: how far the server is ahead of this device', () => {
  it.each([
    ['server ahead by 90 s', '2026-12-04T12:01:30.000Z', '2026-12-04T12:00:00.000Z', 90_000],
    ['server behind by 2 s', '2026-12-04T11:59:58.000Z', '2026-12-04T12:00:00.000Z', -2_000],
    ['the same clock', '2026-12-04T12:00:00.000Z', '2026-12-04T12:00:00.000Z', 0],
    ['an unreadable server time is no correction', 'not a time', '2026-12-04T12:00:00.000Z', 0],
  ])('%s', (_name, server, local, offset) => {
    expect(clockOffsetMs(server, at(local))).toBe(offset);
  });
});

describe('minutesSeconds', () => {
  it.each([
    [0, '0:00'],
    [999, '0:00'],
    [61_000, '1:01'],
    [15 * 60_000, '15:00'],
    [-5_000, '0:00'],
  ])('%d ms → %s', (ms, text) => {
    expect(minutesSeconds(ms)).toBe(text);
  });
});

describe('nextCheck: the countdown, "due" past the due time, overdue past the grace', () => {
  const due = '2026-12-04T12:15:00.000Z';
  const grace = 5 * 60_000;
  it.each([
    ['4 min 05 s left', due, '2026-12-04T12:10:55.000Z', false, grace, { state: 'upcoming', overdue: false, words: 'next check due in 4:05' }],
    ['1 s left', due, '2026-12-04T12:14:59.000Z', false, grace, { state: 'upcoming', overdue: false, words: 'next check due in 0:01' }],
    ['exactly at the due time', due, '2026-12-04T12:15:00.000Z', false, grace, { state: 'due', overdue: false, words: 'check due 0:00 ago' }],
    ['70 s past', due, '2026-12-04T12:16:10.000Z', false, grace, { state: 'due', overdue: false, words: 'check due 1:10 ago' }],
    ['exactly the grace past', due, '2026-12-04T12:20:00.000Z', false, grace, { state: 'due', overdue: false, words: 'check due 5:00 ago' }],
    ['1 s past the grace', due, '2026-12-04T12:20:01.000Z', false, grace, { state: 'overdue', overdue: true, words: 'check overdue by 5:01' }],
    ['no grace known: only the server says overdue', due, '2026-12-04T12:40:00.000Z', false, null, { state: 'due', overdue: false, words: 'check due 25:00 ago' }],
    ['the server already says overdue', due, '2026-12-04T12:14:00.000Z', true, grace, { state: 'overdue', overdue: true, words: 'check overdue by 0:00' }],
    ['no due time', null, '2026-12-04T12:14:00.000Z', false, grace, { state: 'none', overdue: false, words: 'no check scheduled' }],
    ['no due time but overdue on the server', null, '2026-12-04T12:14:00.000Z', true, grace, { state: 'overdue', overdue: true, words: 'check overdue' }],
  ])('%s', (_name, dueAt, now, serverSays, graceMs, expected) => {
    expect(nextCheck(dueAt, at(now), serverSays, graceMs)).toEqual(expected);
  });
});

describe('sitterCheckGraceMs: the grace from the monitoring settings', () => {
  it.each([
    ['the default 5 minutes', { alerts: { sitterChecks: { intervalMinutes: 15, graceMinutes: 5 } } }, 300_000],
    ['no grace', { alerts: { sitterChecks: { intervalMinutes: 15, graceMinutes: 0 } } }, 0],
    ['missing', { alerts: {} }, null],
    ['not a number', { alerts: { sitterChecks: { graceMinutes: 'five' } } }, null],
    ['no settings', undefined, null],
  ])('%s', (_name, monitoring, ms) => {
    expect(sitterCheckGraceMs(monitoring)).toBe(ms);
  });
});

describe('elapsedWords: time since the dose', () => {
  const dose = '2026-12-04T12:00:00.000Z';
  it.each([
    ['2026-12-04T12:00:45.000Z', '45 s'],
    ['2026-12-04T12:12:05.000Z', '12 min 05 s'],
    ['2026-12-04T13:02:59.000Z', '1 h 02 min'],
    ['2026-12-04T11:59:00.000Z', '0 s'],
  ])('at %s → %s', (now, words) => {
    expect(elapsedWords(dose, at(now))).toBe(words);
  });
  it('no dose yet', () => {
    expect(elapsedWords(null, at(dose))).toBe('—');
  });
});

describe('rangeInZone: a shift in a named zone', () => {
  it.each([
    ['a day shift in New York', '2026-12-07T13:00:00.000Z', '2026-12-08T01:00:00.000Z', 'America/New_York', 'Mon, Dec 7, 8:00 AM – 8:00 PM EST'],
    ['the same shift in Los Angeles', '2026-12-07T13:00:00.000Z', '2026-12-08T01:00:00.000Z', 'America/Los_Angeles', 'Mon, Dec 7, 5:00 AM – 5:00 PM PST'],
    ['an overnight shift', '2026-12-08T01:00:00.000Z', '2026-12-08T13:00:00.000Z', 'America/New_York', 'Mon, Dec 7, 8:00 PM – Tue, Dec 8, 8:00 AM EST'],
    ['across the spring change', '2027-03-13T13:00:00.000Z', '2027-03-14T12:00:00.000Z', 'America/New_York', 'Sat, Mar 13, 8:00 AM – Sun, Mar 14, 8:00 AM EDT'],
  ])('%s', (_name, startsAt, endsAt, zone, words) => {
    expect(rangeInZone(startsAt, endsAt, zone)).toBe(words);
  });
});

describe('groupByStartDay: the day a shift starts on in its own zone', () => {
  it('groups by local start day, in time order, whatever order they came in', () => {
    const shifts = [
      { id: 'c', startsAt: '2026-12-08T13:00:00.000Z', timeZone: 'America/New_York' },
      // 8 PM in Los Angeles on the 7th is 04:00 UTC on the 8th: it belongs to the 7th.
      { id: 'b', startsAt: '2026-12-08T04:00:00.000Z', timeZone: 'America/Los_Angeles' },
      { id: 'a', startsAt: '2026-12-07T13:00:00.000Z', timeZone: 'America/New_York' },
    ];
    expect(groupByStartDay(shifts).map((d) => ({ date: d.date, heading: d.heading, ids: d.shifts.map((s) => s.id) }))).toEqual([
      { date: '2026-12-07', heading: 'Monday, December 7', ids: ['a', 'b'] },
      { date: '2026-12-08', heading: 'Tuesday, December 8', ids: ['c'] },
    ]);
  });
});

describe('localInputInZone: a datetime-local value in a zone', () => {
  it.each([
    ['2026-12-07T13:00:00.000Z', 'America/New_York', '2026-12-07T08:00'],
    ['2026-12-07T13:00:00.000Z', 'Asia/Kolkata', '2026-12-07T18:30'],
    ['2026-12-08T04:59:00.000Z', 'America/Chicago', '2026-12-07T22:59'],
  ])('%s in %s → %s', (iso, zone, value) => {
    expect(localInputInZone(at(iso), zone)).toBe(value);
  });
});

describe('vitalReadings: each reading beside its hold limit, beyond it in words', () => {
  const limits = { systolicMax: 160, diastolicMax: 100, heartRateMax: 110, spo2Min: 92 };
  const v = (systolic: number | null, diastolic: number | null, heartRate: number | null, spo2: number | null) => ({ at: '2026-12-04T12:00:00.000Z', systolic, diastolic, heartRate, spo2 });
  it.each([
    ['all within', v(138, 84, 86, 97), [null, null, null]],
    ['at the limits is within', v(160, 100, 110, 92), [null, null, null]],
    ['systolic above', v(172, 96, 86, 97), ['systolic above the hold limit', null, null]],
    ['both pressures above', v(172, 104, 86, 97), ['systolic and diastolic above the hold limit', null, null]],
    ['diastolic only', v(150, 101, 86, 97), ['diastolic above the hold limit', null, null]],
    ['heart rate above, saturation below', v(130, 80, 111, 91), [null, 'above the hold limit', 'below the hold limit']],
    ['nothing taken', v(null, null, null, null), [null, null, null]],
  ])('%s', (_name, reading, flags) => {
    expect(vitalReadings(reading, limits).map((r) => r.overLimit)).toEqual(flags);
  });
  it('shows the values and limits in words', () => {
    expect(vitalReadings(v(172, 104, 86, 97), limits).map((r) => `${r.label}: ${r.value} (${r.limit})`)).toEqual([
      'Blood pressure: 172/104 mmHg (hold above 160/100)',
      'Heart rate: 86 bpm (hold above 110)',
      'Oxygen saturation: 97 % (hold below 92 %)',
    ]);
  });
  it('a program without an oxygen limit never flags saturation', () => {
    const [, , spo2] = vitalReadings(v(120, 80, 70, 80), { ...limits, spo2Min: null });
    expect(spo2).toEqual({ key: 'spo2', label: 'Oxygen saturation', value: '80 %', limit: 'no hold limit', overLimit: null });
  });
});
