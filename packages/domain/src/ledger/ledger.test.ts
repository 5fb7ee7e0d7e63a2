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

describe('summarizeLedger: the summary object in full', () => {
  it('has no lastCount key at all when nothing was counted', () => {
    expect(summarizeLedger([dispense(0, 2, 'd'), administer(1)])).toStrictEqual({
      onHand: 1,
      dispensed: 2,
      administered: 1,
      lost: 0,
      returned: 0,
      disposed: 0,
      corrected: 0,
    });
  });
});

// Each problem in full: code, the entry it names (or none) and the message a clinician reads.
describe('reconcile: each problem in full', () => {
  const problemsOf = (entries: unknown[], recorded?: number) => {
    const r = reconcile(entries as LedgerEntry[], recorded);
    return r.kind === 'unreconciled' ? r.problems : [];
  };
  const correction = (day: number, target: string, deltaUnits: number, id: string) =>
    e(day, { kind: 'correction', correctsEntryId: target, deltaUnits, reason: 'r' }, id);
  const table: [string, () => unknown[], unknown[], number?][] = [
    [
      'things that are not entries: null, text, a number, an unknown kind, an id that is not text',
      () => [dispense(0, 2, 'd'), null, 'x', 42, { ...dispense(1, 1), kind: 'stolen' }, { ...dispense(1, 1), id: 7 }],
      [
        { code: 'INVALID_ENTRY', message: 'An entry is not a ledger entry.' },
        { code: 'INVALID_ENTRY', message: 'An entry is not a ledger entry.' },
        { code: 'INVALID_ENTRY', message: 'An entry is not a ledger entry.' },
        { code: 'INVALID_ENTRY', message: 'An entry is not a ledger entry.' },
        { code: 'INVALID_ENTRY', message: 'An entry is not a ledger entry.' },
      ],
    ],
    ['a duplicate id', () => [dispense(0, 1, 'x'), dispense(1, 1, 'x')], [{ code: 'DUPLICATE_ENTRY_ID', entryId: 'x', message: 'Entry x appears twice.' }]],
    [
      'an unreadable time',
      () => [{ ...dispense(0, 1, 't'), occurredAt: '1 Jan' }],
      [{ code: 'INVALID_TIME', entryId: 't', message: 'Entry t has no readable time.' }],
    ],
    [
      'bad units of each shape',
      () => [
        dispense(0, 5, 'd'),
        e(1, { kind: 'counted', countedUnits: 1.5, expectedUnits: 5 }, 'c'),
        correction(1, 'd', 0, 'z'),
        e(1, { kind: 'returned', units: 0 }, 'r'),
      ],
      [
        { code: 'INVALID_UNITS', entryId: 'c', message: 'A count must be whole numbers of units, 0 or more.' },
        { code: 'INVALID_UNITS', entryId: 'z', message: 'A correction must change on hand by a whole, non-zero number of units.' },
        { code: 'INVALID_UNITS', entryId: 'r', message: 'Units must be a whole number of at least 1.' },
      ],
    ],
    [
      'two patients',
      () => [dispense(0, 1), { ...dispense(1, 1), patientId: 'p2' }],
      [{ code: 'MIXED_PATIENTS', message: 'A patient ledger holds entries for more than one patient.' }],
    ],
    [
      'a correction of an entry that does not exist',
      () => [dispense(0, 2), correction(1, 'nope', -1, 'c')],
      [{ code: 'CORRECTION_TARGET_MISSING', entryId: 'c', message: 'Correction c refers to entry nope, which is not a valid entry in this ledger.' }],
    ],
    [
      'a correction of itself',
      () => [dispense(0, 2), correction(1, 'c', -1, 'c')],
      [{ code: 'CORRECTION_TARGET_MISSING', entryId: 'c', message: 'Correction c refers to entry c, which is not a valid entry in this ledger.' }],
    ],
    [
      'a correction of an entry that exists but is malformed',
      () => [dispense(0, 2, 'ok'), dispense(0, 0, 'bad'), correction(1, 'bad', 1, 'c')],
      [
        { code: 'INVALID_UNITS', entryId: 'bad', message: 'Units must be a whole number of at least 1.' },
        { code: 'CORRECTION_TARGET_INVALID', entryId: 'c', message: 'Correction c refers to entry bad, which is not a valid entry in this ledger.' },
      ],
    ],
    [
      'a correction dated before its target',
      () => [dispense(0, 2), correction(1, 'l', 1, 'c'), e(2, { kind: 'lost', units: 1, circumstance: 'lost' }, 'l')],
      [{ code: 'CORRECTION_TARGET_INVALID', entryId: 'c', message: 'Correction c must name an original entry recorded before it.' }],
    ],
    [
      'a correction with an unreadable time is still applied to its target, not judged by its date',
      () => [dispense(0, 2, 'd'), { ...correction(1, 'd', -1, 'c'), occurredAt: 'later' }],
      [{ code: 'INVALID_TIME', entryId: 'c', message: 'Entry c has no readable time.' }],
    ],
    [
      // null compares as 0 in JavaScript: a target whose time cannot be read is not "at the epoch", so a correction
      // dated before 1970 is not judged against it.
      'a correction of an entry whose time cannot be read is not judged by date, even before 1970',
      () => [{ ...dispense(0, 2, 'd'), occurredAt: 'unknown' }, { ...correction(1, 'd', 1, 'c'), occurredAt: '1969-07-20T20:17:00.000Z' }],
      [{ code: 'INVALID_TIME', entryId: 'd', message: 'Entry d has no readable time.' }],
    ],
    [
      'units added against a count',
      () => [dispense(0, 1), e(1, { kind: 'counted', countedUnits: 2, expectedUnits: 1 }, 'n'), correction(2, 'n', 1, 'c')],
      [{ code: 'CORRECTION_TARGET_INVALID', entryId: 'c', message: 'Correction c adds units against a count; correct the entry that recorded them wrongly instead.' }],
    ],
    [
      'a dispense corrected below zero',
      () => [dispense(0, 2, 'd'), correction(1, 'd', -3, 'c')],
      [
        { code: 'CORRECTION_EXCEEDS_ENTRY', entryId: 'd', message: 'Corrections to entry d take it below zero units.' },
        { code: 'NEGATIVE_ON_HAND', entryId: 'c', message: 'On hand falls to -1 at entry c.' },
      ],
    ],
    [
      'a dispense corrected down to exactly zero',
      () => [dispense(0, 2, 'd'), correction(1, 'd', -2, 'c')],
      [],
    ],
    [
      'a dose undone twice over',
      () => [dispense(0, 3), administer(1, 1, 'a'), correction(2, 'a', 2, 'c')],
      [{ code: 'CORRECTION_EXCEEDS_ENTRY', entryId: 'a', message: 'Corrections to entry a take it below zero units.' }],
    ],
    [
      'a return undone twice over',
      () => [dispense(0, 3), e(1, { kind: 'returned', units: 1 }, 'r'), correction(2, 'r', 2, 'c')],
      [{ code: 'CORRECTION_EXCEEDS_ENTRY', entryId: 'r', message: 'Corrections to entry r take it below zero units.' }],
    ],
    [
      'a disposal undone twice over',
      () => [dispense(0, 3), e(1, { kind: 'disposed', units: 1, manner: 'pouch' }, 'x'), correction(2, 'x', 2, 'c')],
      [{ code: 'CORRECTION_EXCEEDS_ENTRY', entryId: 'x', message: 'Corrections to entry x take it below zero units.' }],
    ],
    [
      'two corrections that together undo more than the loss',
      () => [dispense(0, 3), e(1, { kind: 'lost', units: 2, circumstance: 'stolen' }, 'l'), correction(2, 'l', 1, 'c1'), correction(3, 'l', 2, 'c2')],
      [{ code: 'CORRECTION_EXCEEDS_ENTRY', entryId: 'l', message: 'Corrections to entry l take it below zero units.' }],
    ],
    [
      'two doses short in a row: reported once, at the first',
      () => [administer(0, 1, 'a1'), administer(1, 1, 'a2'), dispense(2, 5)],
      [{ code: 'NEGATIVE_ON_HAND', entryId: 'a1', message: 'On hand falls to -1 at entry a1.' }],
    ],
    [
      'a count does not reset the running balance: a later shortfall is still found',
      () => [dispense(0, 1), e(1, { kind: 'counted', countedUnits: 1, expectedUnits: 1 }), administer(2, 1, 'a1'), administer(3, 1, 'a2')],
      [{ code: 'NEGATIVE_ON_HAND', entryId: 'a2', message: 'On hand falls to -1 at entry a2.' }],
    ],
    [
      'an entry with an unreadable time still moves the balance, placed last',
      () => [dispense(0, 1), { ...administer(1, 2, 'a'), occurredAt: '' }],
      [
        { code: 'INVALID_TIME', entryId: 'a', message: 'Entry a has no readable time.' },
        { code: 'NEGATIVE_ON_HAND', entryId: 'a', message: 'On hand falls to -1 at entry a.' },
      ],
    ],
    [
      'a stored balance that disagrees',
      () => [dispense(0, 3)],
      [{ code: 'IDENTITY_MISMATCH', message: 'The recorded on-hand balance (2) disagrees with the ledger (3).' }],
      2,
    ],
    ['a stored balance that agrees', () => [dispense(0, 3)], [], 3],
  ];
  it.each(table)('%s', (_name, build, expected, recorded) => {
    expect(problemsOf(build(), recorded)).toStrictEqual(expected);
  });
});
