import { describe, expect, it } from 'vitest';
import { reconcile, summarizeLedger, type LedgerEntry, type LedgerEntryDraft } from './ledger.ts';

let seq = 0;
const at = (day: number): string => new Date(Date.UTC(2025, 0, 1 + day, 12)).toISOString();
const e = (day: number, draft: LedgerEntryDraft, id = `e${++seq}`): LedgerEntry =>
  ({ ...draft, id, patientId: 'p1', occurredAt: at(day), recordedBy: 'u1' });
const dispense = (day: number, units: number, id?: string) => e(day, { kind: 'dispensed', units, form: 'tablet', strengthMg: 150 }, id);
const administer = (day: number, units = 1, id?: string) => e(day, { kind: 'administered', units, sessionId: `s${day}` }, id);

describe('summarizeLedger', () => {
  it('applies the identity on hand = dispensed − administered − lost − returned − disposed + corrections', () => {
    const entries = [
      dispense(0, 10, 'd1'),
      administer(1),
      administer(4),
      e(5, { kind: 'lost', units: 1, circumstance: 'stolen' }, 'l1'),
      e(6, { kind: 'returned', units: 2 }),
      e(7, { kind: 'disposed', units: 1, manner: 'drug take-back' }),
      e(8, { kind: 'correction', correctsEntryId: 'l1', deltaUnits: 1, reason: 'found' }),
    ];
    expect(summarizeLedger(entries)).toEqual({ onHand: 5, dispensed: 10, administered: 2, lost: 1, returned: 2, disposed: 1, corrected: 1 });
  });
  it('records the latest count and its discrepancy without moving on hand', () => {
    const entries = [
      dispense(0, 4),
      e(2, { kind: 'counted', countedUnits: 4, expectedUnits: 4 }),
      administer(3),
      e(5, { kind: 'counted', countedUnits: 1, expectedUnits: 3 }, 'c2'),
    ];
    const s = summarizeLedger(entries);
    expect(s.onHand).toBe(3);
    expect(s.lastCount).toEqual({ entryId: 'c2', countedAt: at(5), expected: 3, counted: 1, discrepancy: -2 });
  });
  it('orders by time, not by position, to find the latest count', () => {
    const entries = [e(5, { kind: 'counted', countedUnits: 2, expectedUnits: 2 }, 'late'), e(1, { kind: 'counted', countedUnits: 0, expectedUnits: 0 }, 'early')];
    expect(summarizeLedger(entries).lastCount?.entryId).toBe('late');
  });
  it('is zero for an empty ledger', () => expect(summarizeLedger([]).onHand).toBe(0));
});

describe('reconcile', () => {
  it('reconciles a clean ledger', () => {
    expect(reconcile([dispense(0, 2), administer(1), administer(4)]).kind).toBe('reconciled');
  });
  const problems = (entries: LedgerEntry[], recorded?: number) => {
    const r = reconcile(entries, recorded);
    return r.kind === 'unreconciled' ? r.problems.map((p) => p.code) : [];
  };
  const table: [string, () => LedgerEntry[], string[]][] = [
    ['a dose before anything was dispensed (negative at a prefix)', () => [administer(0), dispense(1, 2)], ['NEGATIVE_ON_HAND']],
    ['more administered than dispensed', () => [dispense(0, 1), administer(1), administer(4)], ['NEGATIVE_ON_HAND']],
    ['fractional units', () => [dispense(0, 1.5)], ['INVALID_UNITS']],
    ['zero units', () => [dispense(0, 0)], ['INVALID_UNITS']],
    ['negative count', () => [e(0, { kind: 'counted', countedUnits: -1, expectedUnits: 0 })], ['INVALID_UNITS']],
    ['zero correction', () => [dispense(0, 1, 'd'), e(1, { kind: 'correction', correctsEntryId: 'd', deltaUnits: 0, reason: 'x' })], ['INVALID_UNITS']],
    ['unreadable time', () => [{ ...dispense(0, 1), occurredAt: 'yesterday' }], ['INVALID_TIME']],
    ['duplicate ids', () => [dispense(0, 1, 'x'), dispense(1, 1, 'x')], ['DUPLICATE_ENTRY_ID']],
    ['two patients', () => [dispense(0, 1), { ...dispense(1, 1), patientId: 'p2' }], ['MIXED_PATIENTS']],
    ['correction of a missing entry', () => [dispense(0, 2), e(1, { kind: 'correction', correctsEntryId: 'nope', deltaUnits: -1, reason: 'x' })], ['CORRECTION_TARGET_MISSING']],
    [
      'correction of a correction',
      () => [dispense(0, 2, 'd'), e(1, { kind: 'correction', correctsEntryId: 'd', deltaUnits: -1, reason: 'x' }, 'c'), e(2, { kind: 'correction', correctsEntryId: 'c', deltaUnits: 1, reason: 'y' })],
      ['CORRECTION_TARGET_INVALID'],
    ],
    [
      'correction dated before its target',
      () => [dispense(0, 2), e(1, { kind: 'correction', correctsEntryId: 'l', deltaUnits: 1, reason: 'x' }), e(2, { kind: 'lost', units: 1, circumstance: 'lost' }, 'l')],
      ['CORRECTION_TARGET_INVALID'],
    ],
    [
      'units appearing from a count',
      () => [dispense(0, 1), e(1, { kind: 'counted', countedUnits: 2, expectedUnits: 1 }, 'c'), e(2, { kind: 'correction', correctsEntryId: 'c', deltaUnits: 1, reason: 'x' })],
      ['CORRECTION_TARGET_INVALID'],
    ],
    [
      'undoing more of a loss than was lost',
      () => [dispense(0, 3), e(1, { kind: 'lost', units: 1, circumstance: 'lost' }, 'l'), e(2, { kind: 'correction', correctsEntryId: 'l', deltaUnits: 2, reason: 'x' })],
      ['CORRECTION_EXCEEDS_ENTRY'],
    ],
    ['a stored balance that disagrees', () => [dispense(0, 3)], ['IDENTITY_MISMATCH']],
  ];
  it.each(table)('flags %s', (name, build, expected) => {
    expect(problems(build(), name === 'a stored balance that disagrees' ? 2 : undefined)).toEqual(expected);
  });
  it('accepts a short count confirmed by a correction, and a loss undone', () => {
    const entries = [
      dispense(0, 4),
      e(1, { kind: 'counted', countedUnits: 3, expectedUnits: 4 }, 'c'),
      e(1, { kind: 'correction', correctsEntryId: 'c', deltaUnits: -1, reason: 'count confirmed' }),
      e(2, { kind: 'lost', units: 2, circumstance: 'lost' }, 'l'),
      e(3, { kind: 'correction', correctsEntryId: 'l', deltaUnits: 2, reason: 'found' }),
    ];
    const r = reconcile(entries, 3);
    expect(r.kind).toBe('reconciled');
    expect(r.summary.onHand).toBe(3);
  });
  it('skips malformed entries in the totals but reports them', () => {
    const r = reconcile([dispense(0, 2), { id: 'bad' } as unknown as LedgerEntry]);
    expect(r.kind === 'unreconciled' && r.problems[0]?.code).toBe('INVALID_ENTRY');
    expect(r.summary.onHand).toBe(2);
  });
});

describe('reconcile: the running balance entry by entry', () => {
  const codes = (entries: LedgerEntry[]): string[] => {
    const r = reconcile(entries);
    return r.kind === 'reconciled' ? [] : r.problems.map((p) => p.code);
  };
  it.each([
    ['lost', { kind: 'lost', units: 2, circumstance: 'lost' }],
    ['returned', { kind: 'returned', units: 2 }],
    ['disposed', { kind: 'disposed', units: 2, manner: 'pouch' }],
    ['administered', { kind: 'administered', units: 2, sessionId: 's' }],
  ] as const)('a %s entry of more than is on hand takes it below zero', (_kind, draft) => {
    expect(codes([dispense(0, 1), e(1, draft as LedgerEntryDraft)])).toEqual(['NEGATIVE_ON_HAND']);
  });
  it('a negative correction takes units off, so a later dose can find none', () => {
    expect(codes([dispense(0, 1, 'dd'), e(1, { kind: 'correction', correctsEntryId: 'dd', deltaUnits: -1, reason: 'none came' }), administer(2)])).toEqual(['NEGATIVE_ON_HAND']);
  });
  it('a count moves nothing, even before anything was dispensed', () => {
    expect(codes([e(0, { kind: 'counted', countedUnits: 0, expectedUnits: 0 }), dispense(1, 1), administer(2)])).toEqual([]);
  });
  it('orders entries at the same instant as they were given', () => {
    const first = administer(0);
    const then = dispense(0, 1);
    expect(codes([first, then])).toEqual(['NEGATIVE_ON_HAND']);
    expect(codes([then, first])).toEqual([]);
  });
  it('accepts returns and disposals as ledger entries', () => {
    const r = reconcile([dispense(0, 3), e(1, { kind: 'returned', units: 1 }), e(2, { kind: 'disposed', units: 1, manner: 'pouch' })]);
    expect(r.kind).toBe('reconciled');
    expect(r.summary.onHand).toBe(1);
  });
  it.each([
    ['a count in text', { kind: 'counted', countedUnits: '3', expectedUnits: 3 }],
    ['a fractional count', { kind: 'counted', countedUnits: 3, expectedUnits: 2.5 }],
    ['a negative count', { kind: 'counted', countedUnits: -1, expectedUnits: 0 }],
    ['a correction in text', { kind: 'correction', correctsEntryId: 'x', deltaUnits: '1', reason: 'r' }],
    ['a fractional correction', { kind: 'correction', correctsEntryId: 'x', deltaUnits: 0.5, reason: 'r' }],
    ['a zero correction', { kind: 'correction', correctsEntryId: 'x', deltaUnits: 0, reason: 'r' }],
    ['units in text', { kind: 'lost', units: '1', circumstance: 'lost' }],
    ['fractional units', { kind: 'disposed', units: 1.5, manner: 'pouch' }],
    ['zero units', { kind: 'returned', units: 0 }],
  ])('refuses %s as INVALID_UNITS', (_name, draft) => {
    expect(codes([dispense(0, 5, 'x'), e(1, draft as unknown as LedgerEntryDraft)])).toEqual(['INVALID_UNITS']);
  });
});
