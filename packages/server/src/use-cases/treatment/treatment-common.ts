// Shared pieces of the treatment use-cases: the per-patient lock, row → domain mappings, and the few derived
// numbers (units per dose) that the gate, the refill rule and the ledger all need to agree on.
import type { LedgerEntry, TreatmentPlanTerms } from '@keel/domain';
import { planTermsSchema } from '@keel/contract';
import { sql } from 'kysely';
import { parseStored, StoredDocumentInvalid } from '../../db/stored-document.ts';
import type { Db, Tx } from '../../db/transaction.ts';
import type { LedgerEntriesTable, TreatmentPlansTable } from '../../db/tables/treatment.tables.ts';
import type { Selectable } from 'kysely';
import { AppError, notFound } from '../../http/problem.ts';

/**
 * The per-patient lock every decision about dosing is made under (I1–I3). `FOR UPDATE` on the patient row
 * conflicts with itself and with the `FOR SHARE` that writers of gate inputs take (see `lockPatientShared`), so an
 * authorization sees every input committed before it and no input can land between its reads and its commit.
 * Requires a transaction in its type: a lock outside one would be released at once.
 */
export async function lockPatient(tx: Tx, patientId: string) {
  const row = await tx
    .selectFrom('patients')
    .select(['id', 'user_id', 'name', 'state', 'address', 'status'])
    .where('id', '=', patientId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('patient');
  return row;
}

/** Writers of gate inputs (vitals, checklist, attestation, ledger) wait for an authorization in progress. */
export async function lockPatientShared(tx: Tx, patientId: string) {
  const row = await tx
    .selectFrom('patients')
    .select(['id', 'user_id', 'name', 'state', 'address', 'status'])
    .where('id', '=', patientId)
    .forShare()
    .executeTakeFirst();
  if (!row) throw notFound('patient');
  return row;
}

export type PlanRow = Selectable<TreatmentPlansTable>;
export type LedgerRow = Selectable<LedgerEntriesTable>;

export async function activePlan(db: Db, patientId: string): Promise<PlanRow | undefined> {
  return db.selectFrom('treatment_plans').selectAll().where('patient_id', '=', patientId).where('status', '=', 'active').executeTakeFirst();
}

/** The plan's terms, parsed through the contract's schema: a malformed stored document is a 500 naming the plan. */
export const planTerms = (row: Pick<PlanRow, 'id' | 'terms'>): TreatmentPlanTerms =>
  parseStored(planTermsSchema, row.terms, { table: 'treatment_plans', column: 'terms', id: row.id });

/**
 * The plan's terms for the program-limit checks that must not lose a record (booking, session vitals): an unreadable
 * plan falls back to the program's own limits (a plan can only be stricter). Nothing is dosed on it: the gate reads
 * the same plan and refuses every authorization with GATE_INPUT_INVALID until the plan is replaced.
 */
export function planTermsForLimits(row: Pick<PlanRow, 'id' | 'terms'> | undefined): TreatmentPlanTerms | null {
  if (!row) return null;
  try {
    return planTerms(row);
  } catch (error) {
    if (error instanceof StoredDocumentInvalid) return null;
    throw error;
  }
}

export const iso = (d: Date | string): string => new Date(d).toISOString();
export const isoOrNull = (d: Date | string | null | undefined): string | null => (d === null || d === undefined ? null : iso(d));

/** A ledger row as the domain's ledger entry (on-hand arithmetic, reconciliation, refill eligibility). */
export function toLedgerEntry(r: LedgerRow): LedgerEntry {
  const base = { id: r.id, patientId: r.patient_id, occurredAt: iso(r.occurred_at), recordedBy: r.recorded_by };
  switch (r.kind) {
    case 'dispensed':
      return { ...base, kind: 'dispensed', units: r.units, form: '', strengthMg: 0 };
    case 'administered':
      return { ...base, kind: 'administered', units: r.units, sessionId: r.session_id ?? '' };
    case 'counted':
      return { ...base, kind: 'counted', countedUnits: r.counted_units ?? 0, expectedUnits: r.expected_units ?? 0 };
    case 'lost':
      return { ...base, kind: 'lost', units: r.units, circumstance: r.loss_kind ?? 'lost' };
    case 'returned':
      return { ...base, kind: 'returned', units: r.units };
    case 'disposed':
      return { ...base, kind: 'disposed', units: r.units, manner: r.manner ?? '' };
    case 'correction':
      return { ...base, kind: 'correction', correctsEntryId: r.corrects_id ?? '', deltaUnits: r.units, reason: r.note ?? '' };
  }
}

export async function ledgerRows(db: Db, patientId: string): Promise<LedgerRow[]> {
  return db.selectFrom('ledger_entries').selectAll().where('patient_id', '=', patientId).orderBy('occurred_at').orderBy('recorded_at').execute();
}

/** On hand as the database's guard keeps it (0 before the first entry). */
export async function recordedOnHand(db: Db, patientId: string): Promise<number> {
  const row = await db.selectFrom('ledger_balances').select('on_hand_units').where('patient_id', '=', patientId).executeTakeFirst();
  return row?.on_hand_units ?? 0;
}

/**
 * Ledger units one dose uses: the plan's dose over the strength of the latest dispense (e.g. 300 mg of 150 mg
 * tablets = 2). A dose the dispensed strength cannot make up exactly is unreadable (0): the gate then blocks with
 * NO_DOSES_ON_HAND rather than guess at a split tablet. Without a dispense, 1 (on hand is 0 anyway).
 */
export async function unitsPerDose(db: Db, patientId: string, doseMg: number | null): Promise<number> {
  const latest = await db
    .selectFrom('dispenses')
    .select('strength_mg')
    .where('patient_id', '=', patientId)
    .orderBy('dispensed_at', 'desc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest || doseMg === null) return 1;
  const units = doseMg / latest.strength_mg;
  return Number.isInteger(units) && units >= 1 ? units : 0;
}

/** A prescriber for this patient: a clinician with a DEA registration and a licence in the patient's state (docs/clinical-basis.md §6). */
export async function prescriberFor(db: Db, userId: string, patientState: string) {
  const user = await db.selectFrom('users').select(['id', 'name', 'role', 'dea_registration', 'state_licenses']).where('id', '=', userId).executeTakeFirst();
  if (!user || user.role !== 'clinician' || !user.dea_registration || !user.state_licenses.includes(patientState)) return null;
  return { id: user.id, name: user.name, deaRegistration: user.dea_registration };
}

export function notPrescriber(patientState: string): AppError {
  return new AppError(
    'VALIDATION_FAILED',
    `Only a prescriber can do this: a clinician with a DEA registration and a licence in ${patientState}.`,
    [{ field: 'signer', message: `needs a DEA registration and a ${patientState} licence` }],
  );
}

/** The legal moves of a dosing session (docs/treatment.md); anything else is a 409. */
const transitions = {
  authorize: ['scheduled'],
  start: ['authorized'],
  complete: ['in_progress'],
  abort: ['scheduled', 'authorized', 'in_progress'],
} as const;
export type SessionMove = keyof typeof transitions;

const statusWords: Record<string, string> = {
  scheduled: 'a scheduled',
  authorized: 'an authorized',
  in_progress: 'a session in progress',
  completed: 'a completed',
  aborted: 'an ended',
  missed: 'a missed',
  expired: 'an expired',
};

export function assertTransition(move: SessionMove, status: string): void {
  if (!(transitions[move] as readonly string[]).includes(status)) {
    const what = statusWords[status] ?? `a ${status}`;
    const subject = what.endsWith('in progress') ? what : `${what} session`;
    const verb = move === 'abort' ? 'ended' : move === 'start' ? 'started' : move === 'complete' ? 'completed' : 'authorized';
    throw new AppError('CONFLICT', `${subject.charAt(0).toUpperCase()}${subject.slice(1)} cannot be ${verb}.`, undefined, {
      sessionStatus: status,
    });
  }
}

/** Loads a session of this patient, locked for the change the caller is about to make. */
export async function lockSession(tx: Tx, sessionId: string, patientId: string) {
  const row = await tx.selectFrom('dosing_sessions').selectAll().where('id', '=', sessionId).where('patient_id', '=', patientId).forUpdate().executeTakeFirst();
  if (!row) throw notFound('session');
  return row;
}

/** Count of completed sessions over the patient's whole course (the follow-up cadence counts these). */
export async function completedSessionCount(db: Db, patientId: string): Promise<number> {
  const row = await db
    .selectFrom('dosing_sessions')
    .select(sql<string>`count(*)`.as('n'))
    .where('patient_id', '=', patientId)
    .where('status', '=', 'completed')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
