import { describe, expect, it } from 'vitest';
import { defaultDosingSettings as settings } from '../settings/program-settings.ts';
import { MS_PER_DAY, MS_PER_HOUR, toIso } from '../settings/time-units.ts';
import { samplePlanTerms } from '../plan/fixtures.ts';
import type { LedgerEntry, LedgerEntryDraft } from './ledger.ts';
import { refillEligibility, type RefillRequestInput } from './refill-eligibility.ts';

const now = new Date('2025-03-10T12:00:00.000Z');
let seq = 0;
const ago = (ms: number, draft: LedgerEntryDraft): LedgerEntry =>
  ({ ...draft, id: `r${++seq}`, patientId: 'p1', occurredAt: toIso(now.getTime() - ms), recordedBy: 'u1' });
const dispensed = (msAgo: number, units: number) => ago(msAgo, { kind: 'dispensed', units, form: 'tablet', strengthMg: 300 });
const administered = (msAgo: number) => ago(msAgo, { kind: 'administered', units: 1, sessionId: `s${seq}` });
const input = (over: Partial<RefillRequestInput>): RefillRequestInput => ({
  entries: [],
  plan: samplePlanTerms(),
  // Two months before now: well inside the six-month window.
  prescriptionSignedAt: '2025-01-10T12:00:00.000Z',
  refillsInWindow: 0,
  unitsPerDose: 1,
  now,
  settings,
  ...over,
});

describe('refillEligibility', () => {
  it('grants when nothing is on hand and the next session is allowed now', () => {
    const d = refillEligibility(input({ entries: [dispensed(10 * MS_PER_DAY, 1), administered(5 * MS_PER_DAY)] }));
    expect(d).toMatchObject({ kind: 'granted', dosesOnHand: 0, projectedRunOutAt: now.toISOString() });
  });

  it('projects the run-out from the plan pace: 2 doses, last session 1 day ago', () => {
    // Sessions at −1d (taken), then the 2 on hand at +2d (72h later) and +6d (the 7-day window holds −1d and +2d
    // until +6d). The first session without medication could be at +9d; eligible 3 days before: +6d.
    const d = refillEligibility(input({ entries: [dispensed(10 * MS_PER_DAY, 3), administered(MS_PER_DAY)] }));
    expect(d).toMatchObject({
      kind: 'held',
      eligibleFrom: toIso(now.getTime() + 6 * MS_PER_DAY),
      reasons: [{ code: 'REFILL_TOO_EARLY' }],
    });
  });

  it('uses the weekly maximum when it is the binding limit', () => {
    // One per 7 days; last session 1 day ago; 1 dose on hand → it is used at +6d, the next needed at +13d.
    const plan = samplePlanTerms({ maxSessionsPer7Days: 1 });
    const d = refillEligibility(input({ plan, entries: [dispensed(10 * MS_PER_DAY, 2), administered(MS_PER_DAY)] }));
    expect(d.kind === 'held' && d.eligibleFrom).toBe(toIso(now.getTime() + 10 * MS_PER_DAY));
  });

  it('grants exactly at the eligible instant and holds 1 ms before', () => {
    const entries = [dispensed(10 * MS_PER_DAY, 2), administered(MS_PER_DAY)];
    const first = refillEligibility(input({ entries }));
    expect(first.kind).toBe('held');
    const eligible = Date.parse(first.kind === 'held' ? (first.eligibleFrom ?? '') : '');
    // Moving the clock also moves "now" for the projection; with one dose on hand it is used at +2d → run-out +5d.
    expect(refillEligibility(input({ entries, now: new Date(eligible) })).kind).toBe('granted');
    expect(refillEligibility(input({ entries, now: new Date(eligible - 1) })).kind).toBe('held');
  });

  it('counts units per dose', () => {
    const entries = [dispensed(10 * MS_PER_DAY, 3), administered(5 * MS_PER_DAY)];
    // 2 units left is one 2-unit dose: it can be taken now, the next is needed at +72h → eligible now.
    expect(refillEligibility(input({ entries, unitsPerDose: 2 })).kind).toBe('granted');
    expect(refillEligibility(input({ entries, unitsPerDose: 1 })).kind).toBe('held');
  });

  it.each([
    ['no plan', { plan: null }, ['NO_ACTIVE_PLAN']],
    ['refill limit reached (5 of 5)', { refillsInWindow: 5 }, ['REFILL_LIMIT_REACHED']],
    ['an unreconciled ledger', { entries: [administered(MS_PER_DAY)] }, ['LEDGER_UNRECONCILED']],
    ['an invalid clock', { now: new Date(Number.NaN) }, ['REFILL_INPUT_INVALID']],
    ['invalid settings', { settings: { ...settings, minHoursBetweenSessions: 0 } }, ['REFILL_INPUT_INVALID']],
    ['zero units per dose', { unitsPerDose: 0 }, ['REFILL_INPUT_INVALID']],
  ] as [string, Partial<RefillRequestInput>, string[]][])('holds for %s', (_name, over, codes) => {
    const d = refillEligibility(input(over));
    expect(d.kind).toBe('held');
    expect(d.kind === 'held' && d.reasons.map((r) => r.code)).toEqual(codes);
  });

  it('reports every reason together', () => {
    const d = refillEligibility(input({ refillsInWindow: 5, entries: [dispensed(MS_PER_DAY, 4)] }));
    expect(d.kind === 'held' && d.reasons.map((r) => r.code)).toEqual(['REFILL_LIMIT_REACHED', 'REFILL_TOO_EARLY']);
  });

  it('never projects sooner than the plan interval allows', () => {
    const plan = samplePlanTerms({ minHoursBetweenSessions: 168, maxSessionsPer7Days: 1 });
    const d = refillEligibility(input({ plan, entries: [dispensed(10 * MS_PER_DAY, 1), administered(MS_PER_HOUR)] }));
    expect(d.kind === 'held' && d.eligibleFrom).toBe(toIso(now.getTime() - MS_PER_HOUR + 7 * MS_PER_DAY - 3 * MS_PER_DAY));
  });
});

// Each decision in full: kind, date and every reason with its message, written out by hand. now is 2025-03-10T12:00Z;
// the sample plan allows a session every 72 h and 2 in any 7 days; a refill may be released 3 days before run-out.
describe('refillEligibility: each decision in full', () => {
  const INVALID = { code: 'REFILL_INPUT_INVALID', message: 'We could not check your refill. Your care team will review it.' };
  const NO_PLAN = { code: 'NO_ACTIVE_PLAN', message: 'You do not have an active treatment plan, so no refill can be sent. Your clinician will be in touch.' };
  const EXPIRED = {
    code: 'PRESCRIPTION_EXPIRED',
    message: 'Your prescription was signed more than 6 months ago, so it cannot be refilled. Your clinician needs to write a new prescription.',
  };
  const UNRECONCILED = { code: 'LEDGER_UNRECONCILED', message: 'Your medication record needs checking by your care team before a refill can be sent.' };
  const table: [string, Partial<RefillRequestInput>, unknown][] = [
    [
      // 4 doses on hand, none taken: sessions could be at now, +3d, +7d, +10d; the fifth, the first without
      // medication, at +14d (the window holds +7d and +10d until +14d). Eligible 3 days before: +11d.
      'four doses, never dosed, a dispense yesterday (a dispense is not a session), every refill used',
      { refillsInWindow: 5, entries: [dispensed(MS_PER_DAY, 4)] },
      {
        kind: 'held',
        eligibleFrom: '2025-03-21T12:00:00.000Z',
        reasons: [
          { code: 'REFILL_LIMIT_REACHED', message: 'Your prescription has used all of its 5 refills. Your clinician needs to write a new prescription.' },
          { code: 'REFILL_TOO_EARLY', message: 'You still have enough medication for now. You can ask for a refill from 2025-03-21T12:00:00.000Z.' },
        ],
      },
    ],
    [
      'nothing on hand, last session 5 days ago: granted now',
      { entries: [dispensed(10 * MS_PER_DAY, 1), administered(5 * MS_PER_DAY)] },
      { kind: 'granted', eligibleFrom: '2025-03-07T12:00:00.000Z', projectedRunOutAt: '2025-03-10T12:00:00.000Z', dosesOnHand: 0 },
    ],
    ['no plan: no date either', { plan: null, prescriptionSignedAt: null }, { kind: 'held', eligibleFrom: null, reasons: [NO_PLAN] }],
    // A Schedule III prescription cannot be refilled six months after its date (21 USC 829(b)), refills left or not:
    // signed 2024-09-10T12:00Z, its window ends at now exactly.
    [
      'a prescription signed six months ago to the millisecond, nothing on hand: held, with the date it would have had',
      { prescriptionSignedAt: '2024-09-10T12:00:00.000Z', entries: [dispensed(10 * MS_PER_DAY, 1), administered(5 * MS_PER_DAY)] },
      { kind: 'held', eligibleFrom: '2025-03-07T12:00:00.000Z', reasons: [EXPIRED] },
    ],
    [
      'a prescription one millisecond short of six months old: granted',
      { prescriptionSignedAt: '2024-09-10T12:00:00.001Z', entries: [dispensed(10 * MS_PER_DAY, 1), administered(5 * MS_PER_DAY)] },
      { kind: 'granted', eligibleFrom: '2025-03-07T12:00:00.000Z', projectedRunOutAt: '2025-03-10T12:00:00.000Z', dosesOnHand: 0 },
    ],
    [
      // 2024-08-31 plus six months is the last day of February: 2025-02-28T12:00Z, before now.
      'a prescription signed on the 31st: its window ends on the last day of the sixth month; every reason together',
      { prescriptionSignedAt: '2024-08-31T12:00:00.000Z', refillsInWindow: 5, entries: [dispensed(MS_PER_DAY, 4)] },
      {
        kind: 'held',
        eligibleFrom: '2025-03-21T12:00:00.000Z',
        reasons: [
          { code: 'REFILL_LIMIT_REACHED', message: 'Your prescription has used all of its 5 refills. Your clinician needs to write a new prescription.' },
          EXPIRED,
          { code: 'REFILL_TOO_EARLY', message: 'You still have enough medication for now. You can ask for a refill from 2025-03-21T12:00:00.000Z.' },
        ],
      },
    ],
    ['a plan without a signature date', { prescriptionSignedAt: null }, { kind: 'held', eligibleFrom: null, reasons: [INVALID] }],
    [
      'a plan that cannot be read, signed long ago: no plan, and nothing said of its age',
      { plan: samplePlanTerms({ goals: [] }), prescriptionSignedAt: '2024-01-10T12:00:00.000Z' },
      { kind: 'held', eligibleFrom: null, reasons: [NO_PLAN] },
    ],
    ['a plan whose signature date cannot be read', { prescriptionSignedAt: 'not a date' }, { kind: 'held', eligibleFrom: null, reasons: [INVALID] }],
    [
      'an unreadable plan with an unreadable signature date: the input cannot be judged',
      { plan: samplePlanTerms({ goals: [] }), prescriptionSignedAt: 'not a date' },
      { kind: 'held', eligibleFrom: null, reasons: [INVALID] },
    ],
    ['a plan that cannot be read counts as no plan', { plan: samplePlanTerms({ goals: [] }) }, { kind: 'held', eligibleFrom: null, reasons: [NO_PLAN] }],
    [
      'an unreconciled ledger: no date',
      { entries: [administered(MS_PER_DAY)] },
      { kind: 'held', eligibleFrom: null, reasons: [UNRECONCILED] },
    ],
    ['a negative refill count', { refillsInWindow: -1 }, { kind: 'held', eligibleFrom: null, reasons: [INVALID] }],
    ['a fractional refill count', { refillsInWindow: 0.5 }, { kind: 'held', eligibleFrom: null, reasons: [INVALID] }],
    ['an invalid clock', { now: new Date(Number.NaN) }, { kind: 'held', eligibleFrom: null, reasons: [INVALID] }],
    ['entries that are not a list (the decision throws, and holds)', { entries: null as unknown as LedgerEntry[] }, { kind: 'held', eligibleFrom: null, reasons: [INVALID] }],
  ];
  it.each(table)('%s', (_name, over, expected) => {
    expect(refillEligibility(input(over))).toStrictEqual(expected);
  });
});
