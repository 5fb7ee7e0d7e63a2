// The patient's medication ledger (21 CFR 1304; docs/clinical-basis.md §6; invariants I2 and I10). Entries are
// append-only facts; nothing is edited. A mistake is fixed by a `correction` that names the entry it corrects and
// carries a signed delta, so the history of what was believed and when stays readable.
//
// On hand (units at the patient's home) = dispensed − administered − lost − returned − disposed + Σ corrections.
// This is the patient-side form of I10's "received − dispensed − disposed − lost": units dispensed to the patient
// are what the patient received; administration, returns to the clinic and disposals are what left.
//
// A `counted` entry (a pill count, e.g. by video) records what was counted and what the ledger expected at that
// moment. It does NOT move on hand: a count is evidence, and a mismatch is a warning sign for a clinician to look at
// (docs/clinical-basis.md §5, "Medication count mismatch"). If the clinician concludes the count is right, they record a
// correction (or a loss) — that decision, not the count itself, changes the balance. This keeps every change to on
// hand attributable to a person's explicit decision.
import { parseInstant } from '../settings/time-units.ts';

interface EntryBase {
  readonly id: string;
  readonly patientId: string;
  /** ISO 8601 instant with offset. */
  readonly occurredAt: string;
  /** The user who recorded the entry (21 CFR 1304: who dispensed, who witnessed a disposal). */
  readonly recordedBy: string;
}

export interface DispensedEntry extends EntryBase {
  readonly kind: 'dispensed';
  readonly units: number;
  readonly form: string;
  readonly strengthMg: number;
}
export interface AdministeredEntry extends EntryBase {
  readonly kind: 'administered';
  readonly units: number;
  readonly sessionId: string;
}
export interface CountedEntry extends EntryBase {
  readonly kind: 'counted';
  readonly countedUnits: number;
  /** On hand by the ledger when the count was taken. */
  readonly expectedUnits: number;
}
export interface LostEntry extends EntryBase {
  readonly kind: 'lost';
  readonly units: number;
  readonly circumstance: 'lost' | 'stolen';
}
export interface ReturnedEntry extends EntryBase {
  readonly kind: 'returned';
  readonly units: number;
}
export interface DisposedEntry extends EntryBase {
  readonly kind: 'disposed';
  readonly units: number;
  /** How it was destroyed (21 CFR 1304.22: date, manner, quantity). */
  readonly manner: string;
}
export interface CorrectionEntry extends EntryBase {
  readonly kind: 'correction';
  readonly correctsEntryId: string;
  /** Signed change to on hand: negative removes units, positive restores them. Never 0. */
  readonly deltaUnits: number;
  readonly reason: string;
}

export type LedgerEntry =
  | DispensedEntry
  | AdministeredEntry
  | CountedEntry
  | LostEntry
  | ReturnedEntry
  | DisposedEntry
  | CorrectionEntry;

export type LedgerEntryKind = LedgerEntry['kind'];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An entry before the server gives it an id, patient, time and recorder. */
export type LedgerEntryDraft = DistributiveOmit<LedgerEntry, 'id' | 'patientId' | 'occurredAt' | 'recordedBy'>;

export interface LastCount {
  readonly entryId: string;
  readonly countedAt: string;
  readonly expected: number;
  readonly counted: number;
  /** counted − expected: negative means units are missing, positive means more than the ledger knows of. */
  readonly discrepancy: number;
}

export interface LedgerSummary {
  readonly onHand: number;
  readonly dispensed: number;
  readonly administered: number;
  readonly lost: number;
  readonly returned: number;
  readonly disposed: number;
  /** Net of all correction deltas (signed). */
  readonly corrected: number;
  readonly lastCount?: LastCount;
}

/** Signed effect of one entry on on hand. */
export function onHandDelta(entry: LedgerEntry): number {
  switch (entry.kind) {
    case 'dispensed':
      return entry.units;
    case 'administered':
    case 'lost':
    case 'returned':
    case 'disposed':
      return -entry.units;
    case 'correction':
      return entry.deltaUnits;
    case 'counted':
      return 0;
  }
}

/**
 * Entries in the order they happened: by occurredAt, ties (and unreadable times, placed last) in the order given,
 * which is the order they were recorded.
 */
export function chronological(entries: readonly LedgerEntry[]): LedgerEntry[] {
  return entries
    .map((entry, index) => ({ entry, index, at: parseInstant(entry.occurredAt) ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => (a.at === b.at ? a.index - b.index : a.at < b.at ? -1 : 1))
    .map((x) => x.entry);
}

export function summarizeLedger(entries: readonly LedgerEntry[]): LedgerSummary {
  let dispensed = 0;
  let administered = 0;
  let lost = 0;
  let returned = 0;
  let disposed = 0;
  let corrected = 0;
  let lastCount: LastCount | undefined;
  for (const e of chronological(entries)) {
    switch (e.kind) {
      case 'dispensed':
        dispensed += e.units;
        break;
      case 'administered':
        administered += e.units;
        break;
      case 'lost':
        lost += e.units;
        break;
      case 'returned':
        returned += e.units;
        break;
      case 'disposed':
        disposed += e.units;
        break;
      case 'correction':
        corrected += e.deltaUnits;
        break;
      case 'counted':
        lastCount = {
          entryId: e.id,
          countedAt: e.occurredAt,
          expected: e.expectedUnits,
          counted: e.countedUnits,
          discrepancy: e.countedUnits - e.expectedUnits,
        };
        break;
    }
  }
  const onHand = dispensed - administered - lost - returned - disposed + corrected;
  return lastCount === undefined
    ? { onHand, dispensed, administered, lost, returned, disposed, corrected }
    : { onHand, dispensed, administered, lost, returned, disposed, corrected, lastCount };
}

export type LedgerProblemCode =
  | 'INVALID_ENTRY'
  | 'INVALID_UNITS'
  | 'INVALID_TIME'
  | 'DUPLICATE_ENTRY_ID'
  | 'MIXED_PATIENTS'
  | 'CORRECTION_TARGET_MISSING'
  | 'CORRECTION_TARGET_INVALID'
  | 'CORRECTION_EXCEEDS_ENTRY'
  | 'NEGATIVE_ON_HAND'
  | 'IDENTITY_MISMATCH';

export interface LedgerProblem {
  readonly code: LedgerProblemCode;
  readonly entryId?: string;
  readonly message: string;
}

export type Reconciliation =
  | { readonly kind: 'reconciled'; readonly summary: LedgerSummary }
  | { readonly kind: 'unreconciled'; readonly summary: LedgerSummary; readonly problems: readonly LedgerProblem[] };

const KINDS: ReadonlySet<string> = new Set(['dispensed', 'administered', 'counted', 'lost', 'returned', 'disposed', 'correction']);

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function unitProblem(e: LedgerEntry): string | null {
  switch (e.kind) {
    case 'counted':
      return isCount(e.countedUnits) && isCount(e.expectedUnits) ? null : 'A count must be whole numbers of units, 0 or more.';
    case 'correction':
      return typeof e.deltaUnits === 'number' && Number.isInteger(e.deltaUnits) && e.deltaUnits !== 0
        ? null
        : 'A correction must change on hand by a whole, non-zero number of units.';
    default:
      return typeof e.units === 'number' && Number.isInteger(e.units) && e.units >= 1
        ? null
        : 'Units must be a whole number of at least 1.';
  }
}

const REMOVALS: ReadonlySet<LedgerEntryKind> = new Set(['administered', 'lost', 'returned', 'disposed']);

// A correction adjusts the entry it names, and may not take that entry below zero: a loss report of 3 can be undone
// by at most +3, a dispense of 4 reduced by at most −4. Units can never appear out of a count: if a count finds more
// than expected, the entry that recorded them wrongly is what gets corrected. Together with on hand ≥ 0 this keeps
// I2: administered units never exceed dispensed units.
function checkCorrections(entries: readonly LedgerEntry[], allIds: ReadonlySet<string>, problems: LedgerProblem[]): void {
  const byId = new Map(entries.map((e) => [e.id, e] as const));
  const net = new Map<string, number>();
  for (const e of entries) {
    if (e.kind !== 'correction') continue;
    const target = byId.get(e.correctsEntryId);
    if (target === undefined || e.correctsEntryId === e.id) {
      problems.push({
        code: allIds.has(e.correctsEntryId) && e.correctsEntryId !== e.id ? 'CORRECTION_TARGET_INVALID' : 'CORRECTION_TARGET_MISSING',
        entryId: e.id,
        message: `Correction ${e.id} refers to entry ${String(e.correctsEntryId)}, which is not a valid entry in this ledger.`,
      });
      continue;
    }
    const targetAt = parseInstant(target.occurredAt);
    const at = parseInstant(e.occurredAt);
    if (target.kind === 'correction' || (targetAt !== null && at !== null && at < targetAt)) {
      problems.push({
        code: 'CORRECTION_TARGET_INVALID',
        entryId: e.id,
        message: `Correction ${e.id} must name an original entry recorded before it.`,
      });
      continue;
    }
    if (target.kind === 'counted') {
      if (e.deltaUnits > 0)
        problems.push({
          code: 'CORRECTION_TARGET_INVALID',
          entryId: e.id,
          message: `Correction ${e.id} adds units against a count; correct the entry that recorded them wrongly instead.`,
        });
      continue;
    }
    net.set(target.id, (net.get(target.id) ?? 0) + e.deltaUnits);
  }
  for (const [id, delta] of net) {
    const target = byId.get(id);
    if (target === undefined || target.kind === 'counted' || target.kind === 'correction') continue;
    const effective = target.kind === 'dispensed' ? target.units + delta : REMOVALS.has(target.kind) ? target.units - delta : 0;
    if (effective < 0)
      problems.push({
        code: 'CORRECTION_EXCEEDS_ENTRY',
        entryId: id,
        message: `Corrections to entry ${id} take it below zero units.`,
      });
  }
}

/**
 * Checks the ledger can be trusted (I2, I10): every entry well formed, ids unique, one patient, corrections point
 * at a real original entry and stay within it, and on hand never below zero after any entry in time order. Pass
 * `recordedOnHand` (a balance kept independently of the entries, e.g. the ledger_balances column the database moves
 * on every insert) to check the identity dispensed − administered − lost − returned − disposed + corrections
 * against it: IDENTITY_MISMATCH when they disagree.
 */
export function reconcile(entries: readonly LedgerEntry[], recordedOnHand?: number): Reconciliation {
  const problems: LedgerProblem[] = [];
  const ids = new Set<string>();
  const patients = new Set<string>();
  const wellFormed: LedgerEntry[] = [];
  for (const e of entries) {
    if (typeof e !== 'object' || e === null || !KINDS.has((e as { kind?: unknown }).kind as string) || typeof e.id !== 'string') {
      problems.push({ code: 'INVALID_ENTRY', message: 'An entry is not a ledger entry.' });
      continue;
    }
    if (ids.has(e.id)) problems.push({ code: 'DUPLICATE_ENTRY_ID', entryId: e.id, message: `Entry ${e.id} appears twice.` });
    ids.add(e.id);
    patients.add(e.patientId);
    if (parseInstant(e.occurredAt) === null)
      problems.push({ code: 'INVALID_TIME', entryId: e.id, message: `Entry ${e.id} has no readable time.` });
    const unitMessage = unitProblem(e);
    if (unitMessage !== null) problems.push({ code: 'INVALID_UNITS', entryId: e.id, message: unitMessage });
    else wellFormed.push(e);
  }
  if (patients.size > 1)
    problems.push({ code: 'MIXED_PATIENTS', message: 'A patient ledger holds entries for more than one patient.' });
  checkCorrections(wellFormed, ids, problems);

  const summary = summarizeLedger(wellFormed);
  // Running balance in time order: on hand must never dip below zero, even if it recovers later (a dose taken
  // before the units that paid for it were dispensed is a record error, or a dose nobody dispensed).
  let running = 0;
  let negativeReported = false;
  for (const e of chronological(wellFormed)) {
    running += onHandDelta(e);
    if (running < 0 && !negativeReported) {
      negativeReported = true;
      problems.push({
        code: 'NEGATIVE_ON_HAND',
        entryId: e.id,
        message: `On hand falls to ${running} at entry ${e.id}.`,
      });
    }
  }
  // The identity check compares two records of on hand that are kept independently: the entries (summed here)
  // and the balance stored elsewhere, which the database moves on every insert (ledger_balances). A balance
  // recomputed from the same entries twice could never disagree, so only the stored one is compared.
  if (recordedOnHand !== undefined && recordedOnHand !== summary.onHand)
    problems.push({
      code: 'IDENTITY_MISMATCH',
      message: `The recorded on-hand balance (${recordedOnHand}) disagrees with the ledger (${summary.onHand}).`,
    });
  return problems.length === 0 ? { kind: 'reconciled', summary } : { kind: 'unreconciled', summary, problems };
}
