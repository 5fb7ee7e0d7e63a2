// Dispenses and the patient's medication ledger (21 CFR 1304; docs/clinical-basis.md §6; I2, I10). Entries are append-only;
// on hand is derived from them (domain `summarizeLedger`) and also kept by the database in `ledger_balances`,
// whose CHECK refuses any entry that would take it below zero. Every entry is audited in its transaction.
import { reconcile, refillEligibility, summarizeLedger } from '@keel/domain';
import { sql, type Insertable } from 'kysely';
import type { LedgerEntriesTable } from '../../db/tables/treatment.tables.ts';
import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction, type Db, type Tx } from '../../db/transaction.ts';
import { AppError, validationFailed } from '../../http/problem.ts';
import { assertCompliant } from '../compliance/compliance-input.ts';
import type { UseCase } from '../deps.ts';
import { constraintOf, sqlState } from '../../db/db-errors.ts';
import { reevaluateWarningSigns } from '../monitoring/risk-evaluation.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import {
  activePlan,
  iso,
  isoOrNull,
  ledgerRows,
  lockPatientShared,
  notPrescriber,
  planTerms,
  prescriberFor,
  recordedOnHand,
  toLedgerEntry,
  unitsPerDose,
  type LedgerRow,
} from './treatment-common.ts';

export function ledgerEntryView(r: LedgerRow) {
  return {
    id: r.id,
    kind: r.kind,
    units: r.units,
    occurredAt: iso(r.occurred_at),
    recordedBy: r.recorded_by,
    recordedAt: iso(r.recorded_at),
    sessionId: r.session_id,
    dispenseId: r.dispense_id,
    correctsId: r.corrects_id,
    countedUnits: r.counted_units,
    expectedUnits: r.expected_units,
    lossKind: r.loss_kind,
    circumstances: r.circumstances,
    manner: r.manner,
    note: r.note,
  };
}

async function onHandNow(db: Db, patientId: string): Promise<number> {
  return summarizeLedger((await ledgerRows(db, patientId)).map(toLedgerEntry)).onHand;
}

/**
 * Appends a ledger entry. The database refuses any entry that would take on hand below zero (the ledger_balances
 * CHECK, the last line of I2); that refusal is a state conflict for the caller to act on, never a 500.
 */
/** An entry not yet written, as the ledger's rows read it back (every column it leaves out is null): what the
 * domain's reconciliation is asked to judge before the insert. */
function asLedgerRow(entry: Pick<LedgerRow, 'id' | 'patient_id' | 'kind' | 'units' | 'occurred_at' | 'recorded_by' | 'recorded_at'> & Partial<LedgerRow>): LedgerRow {
  return {
    session_id: null,
    dispense_id: null,
    counted_units: null,
    expected_units: null,
    loss_kind: null,
    circumstances: null,
    manner: null,
    corrects_id: null,
    note: null,
    ...entry,
  };
}

async function insertEntry(tx: Tx, values: Insertable<LedgerEntriesTable>): Promise<LedgerRow> {
  try {
    return await tx.insertInto('ledger_entries').values(values).returningAll().executeTakeFirstOrThrow();
  } catch (error) {
    if (sqlState(error) === '23514' && constraintOf(error) === 'ledger_balances_on_hand_units_check') {
      throw new AppError('CONFLICT', 'The medication record changed while this was being recorded: it would leave fewer than zero units at home. Reload the ledger and try again.', [
        { field: 'units', message: 'is more than the units on hand now' },
      ]);
    }
    throw error;
  }
}

/**
 * Writers that take units off hand (losses, disposals, corrections) queue on the patient's ledger balance row, so
 * two of them cannot both check on hand against the same balance; authorizations already exclude them through the
 * patient row lock.
 */
async function lockLedgerBalance(tx: Tx, patientId: string): Promise<void> {
  await tx.selectFrom('ledger_balances').select('patient_id').where('patient_id', '=', patientId).forUpdate().execute();
}

export async function recordDispense(
  { deps, ctx }: UseCase,
  input: { patientId: string; units: number; form: string; strengthMg: number; dispensedAt: string; dispenser: string; shipTo: string },
) {
  return inTransaction(deps.database.db, async (tx) => {
    const patient = await lockPatientShared(tx, input.patientId);
    const plan = await activePlan(tx, input.patientId);
    // The prescriber on the record is the one who signed the active plan; without one, the recording clinician
    // must be a prescriber for the patient's state themselves.
    const prescriber = await prescriberFor(tx, plan?.signed_by ?? ctx.actorId ?? '', patient.state);
    if (!prescriber) throw notPrescriber(patient.state);
    if (new Date(input.dispensedAt).getTime() > ctx.now.getTime() + 5 * 60_000) {
      throw validationFailed([{ field: 'dispensedAt', message: 'cannot be in the future' }]);
    }
    // Prescribing compliance for the fill (docs/compliance.md): pathway, credentials, a PDMP check at every fill, and
    // the prescription's refill limit.
    const settings = await loadProgramSettings(tx);
    await assertCompliant(tx, { patientId: input.patientId, action: 'dispense', prescriberId: prescriber.id }, settings.dosing, ctx.now);
    const id = crypto.randomUUID();
    const dispense = await tx
      .insertInto('dispenses')
      .values({
        id,
        patient_id: input.patientId,
        substance: 'ketamine',
        form: input.form,
        strength_mg: input.strengthMg,
        units: input.units,
        dispensed_at: input.dispensedAt,
        patient_name: patient.name,
        ship_to: input.shipTo,
        prescriber_id: prescriber.id,
        prescriber_dea_registration: prescriber.deaRegistration,
        plan_id: plan?.id ?? null,
        dispenser: input.dispenser,
        recorded_by: ctx.actorId ?? '',
        created_at: ctx.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const entry = await insertEntry(tx, {
      id: crypto.randomUUID(),
      patient_id: input.patientId,
      kind: 'dispensed',
      units: input.units,
      // On the ledger no later than the moment it is recorded: a fill dated a few minutes ahead (a clock's skew, which
      // the dispense record keeps as given) must not count toward what is on hand before it exists, or a loss or a
      // dose recorded in between would take the running balance below zero.
      occurred_at: new Date(Math.min(new Date(input.dispensedAt).getTime(), ctx.now.getTime())),
      recorded_by: ctx.actorId ?? '',
      recorded_at: ctx.now,
      dispense_id: id,
    });
    await writeAudit(tx, ctx, {
      action: 'ledger.dispense',
      resourceType: 'dispense',
      resourceId: id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { entryId: entry.id, units: input.units, strengthMg: input.strengthMg, form: input.form },
    });
    return { dispense: dispenseView(dispense, prescriber.name), entry: ledgerEntryView(entry), onHand: await onHandNow(tx, input.patientId) };
  });
}

type DispenseRow = Awaited<ReturnType<typeof loadDispenses>>[number];
async function loadDispenses(db: Db, patientId: string) {
  return db
    .selectFrom('dispenses as d')
    .innerJoin('users as u', 'u.id', 'd.prescriber_id')
    .selectAll('d')
    .select('u.name as prescriber_name')
    .where('d.patient_id', '=', patientId)
    .orderBy('d.dispensed_at')
    .execute();
}
function dispenseView(d: Omit<DispenseRow, 'prescriber_name'>, prescriberName: string) {
  return {
    id: d.id,
    patientId: d.patient_id,
    substance: 'ketamine' as const,
    form: d.form,
    strengthMg: d.strength_mg,
    units: d.units,
    dispensedAt: iso(d.dispensed_at),
    patientName: d.patient_name,
    shipTo: d.ship_to,
    prescriberId: d.prescriber_id,
    prescriberName,
    prescriberDeaRegistration: d.prescriber_dea_registration,
    dispenser: d.dispenser,
    recordedBy: d.recorded_by,
    createdAt: iso(d.created_at),
  };
}

/**
 * The ledger as one snapshot: the entries, the stored balance and the dispenses are read in one repeatable-read
 * transaction. Read one statement at a time, an entry committed between the entries and the balance made the view
 * report a mismatch (IDENTITY_MISMATCH) that was never there.
 */
export async function getLedger({ deps }: UseCase, patientId: string) {
  return deps.database.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (db) => {
      const rows = await ledgerRows(db, patientId);
      const recorded = await recordedOnHand(db, patientId);
      const entries = rows.map(toLedgerEntry);
      const rec = reconcile(entries, recorded);
      const { onHand, ...totals } = rec.summary;
      const dispenses = await loadDispenses(db, patientId);
      return {
        entries: rows.map(ledgerEntryView),
        onHand,
        summary: totals,
        recordedOnHand: recorded,
        reconciliation: { status: rec.kind, problems: rec.kind === 'unreconciled' ? [...rec.problems] : [] },
        dispenses: dispenses.map((d) => dispenseView(d, d.prescriber_name)),
      };
    });
}

/** A pill count records what was counted against what the ledger expected; it does not move on hand. */
export async function recordCount(uc: UseCase, input: { patientId: string; countedUnits: number; note?: string | undefined }) {
  const { deps, ctx } = uc;
  return inTransaction(deps.database.db, async (tx) => {
    await lockPatientShared(tx, input.patientId);
    await lockLedgerBalance(tx, input.patientId);
    const expected = await onHandNow(tx, input.patientId);
    const entry = await insertEntry(tx, {
      id: crypto.randomUUID(),
      patient_id: input.patientId,
      kind: 'counted',
      units: 0,
      occurred_at: ctx.now,
      recorded_by: ctx.actorId ?? '',
      recorded_at: ctx.now,
      counted_units: input.countedUnits,
      expected_units: expected,
      note: input.note ?? null,
    });
    const discrepancy = input.countedUnits - expected;
    const risk = await reevaluateWarningSigns(tx, uc, input.patientId, 'pill_count');
    await writeAudit(tx, ctx, {
      action: 'ledger.count',
      resourceType: 'ledger',
      resourceId: entry.id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { countedUnits: input.countedUnits, expectedUnits: expected, discrepancy },
    });
    return { entry: ledgerEntryView(entry), expectedUnits: expected, countedUnits: input.countedUnits, discrepancy, onHand: expected, alerts: alertRefs(risk.alerts) };
  });
}

export async function recordLoss(
  uc: UseCase,
  input: { patientId: string; units: number; kind: 'lost' | 'stolen'; circumstances: string },
) {
  const { deps, ctx } = uc;
  return inTransaction(deps.database.db, async (tx) => {
    await lockPatientShared(tx, input.patientId);
    await lockLedgerBalance(tx, input.patientId);
    const onHand = await onHandNow(tx, input.patientId);
    if (input.units > onHand) {
      throw validationFailed(
        [{ field: 'units', message: `is more than the ${onHand} units the record shows at home` }],
        `The record shows ${onHand} units at home. Report what is missing from those; your clinician will record a count for the rest.`,
      );
    }
    const entry = await insertEntry(tx, {
      id: crypto.randomUUID(),
      patient_id: input.patientId,
      kind: 'lost',
      units: input.units,
      occurred_at: ctx.now,
      recorded_by: ctx.actorId ?? '',
      recorded_at: ctx.now,
      loss_kind: input.kind,
      circumstances: input.circumstances,
    });
    const risk = await reevaluateWarningSigns(tx, uc, input.patientId, 'loss_report');
    await writeAudit(tx, ctx, {
      action: 'ledger.loss',
      resourceType: 'ledger',
      resourceId: entry.id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { units: input.units, kind: input.kind },
    });
    return { entry: ledgerEntryView(entry), onHand: onHand - input.units, alerts: alertRefs(risk.alerts) };
  });
}

const alertRefs = (alerts: readonly { id: string; code: string; severity: string; holdsDosing: boolean }[]) =>
  alerts.map((a) => ({ id: a.id, code: a.code, severity: a.severity, holdsDosing: a.holdsDosing }));

export async function recordCorrection(
  { deps, ctx }: UseCase,
  input: { patientId: string; correctsId: string; deltaUnits: number; reason: string },
) {
  return inTransaction(deps.database.db, async (tx) => {
    await lockPatientShared(tx, input.patientId);
    await lockLedgerBalance(tx, input.patientId);
    const rows = await ledgerRows(tx, input.patientId);
    const target = rows.find((r) => r.id === input.correctsId);
    if (!target) throw validationFailed([{ field: 'correctsId', message: 'is not an entry of this patient’s ledger' }]);
    if (target.kind === 'correction') throw validationFailed([{ field: 'correctsId', message: 'names a correction; correct the original entry' }]);
    const entry = {
      id: crypto.randomUUID(),
      patient_id: input.patientId,
      kind: 'correction' as const,
      units: input.deltaUnits,
      occurred_at: ctx.now,
      recorded_by: ctx.actorId ?? '',
      recorded_at: ctx.now,
      corrects_id: input.correctsId,
      note: input.reason,
    };
    // The domain's reconciliation decides whether the correction is admissible (stays within the entry it
    // corrects, never adds units against a count, never takes on hand below zero).
    const rec = reconcile([...rows, asLedgerRow(entry)].map(toLedgerEntry));
    if (rec.kind === 'unreconciled') {
      const own = rec.problems.filter((p) => p.entryId === entry.id || p.entryId === input.correctsId || p.code === 'NEGATIVE_ON_HAND');
      if (own.length > 0) throw validationFailed(own.map((p) => ({ field: 'deltaUnits', message: p.message })));
    }
    const saved = await insertEntry(tx, entry);
    await writeAudit(tx, ctx, {
      action: 'ledger.correction',
      resourceType: 'ledger',
      resourceId: saved.id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { correctsId: input.correctsId, deltaUnits: input.deltaUnits },
    });
    return { entry: ledgerEntryView(saved), onHand: await onHandNow(tx, input.patientId) };
  });
}

export async function recordDisposal(
  { deps, ctx }: UseCase,
  input: { patientId: string; kind: 'returned' | 'disposed'; units: number; manner: string; occurredAt?: string | undefined },
) {
  return inTransaction(deps.database.db, async (tx) => {
    await lockPatientShared(tx, input.patientId);
    await lockLedgerBalance(tx, input.patientId);
    const occurredAt = input.occurredAt ? new Date(input.occurredAt) : ctx.now;
    // A few minutes' leeway for the recorder's clock (the same five minutes a visit's time is allowed).
    if (occurredAt.getTime() > ctx.now.getTime() + 5 * 60_000) throw validationFailed([{ field: 'occurredAt', message: 'cannot be in the future' }]);
    const rows = await ledgerRows(tx, input.patientId);
    const onHand = summarizeLedger(rows.map(toLedgerEntry)).onHand;
    if (input.units > onHand) throw validationFailed([{ field: 'units', message: `is more than the ${onHand} units on hand` }]);
    const row = {
      id: crypto.randomUUID(),
      patient_id: input.patientId,
      kind: input.kind,
      units: input.units,
      occurred_at: occurredAt,
      recorded_by: ctx.actorId ?? '',
      recorded_at: ctx.now,
      manner: input.manner,
    };
    // A count stands for what was in hand at its time: a disposal dated before the last one would contradict it.
    const lastCount = rows.filter((r) => r.kind === 'counted').reduce<Date | null>((latest, r) => (latest && latest >= r.occurred_at ? latest : r.occurred_at), null);
    if (lastCount && occurredAt < lastCount) {
      throw validationFailed([{ field: 'occurredAt', message: `is before the pill count of ${lastCount.toISOString()}, which stands for what was on hand then` }]);
    }
    // A disposal dated in the past must also have been covered then, and at every entry since: the units must have
    // been on hand at its time (not only now). The domain's running balance decides, as for a correction; a
    // ledger that already dips below zero somewhere is judged on what is on hand now only.
    const negativeAt = (r: ReturnType<typeof reconcile>) => (r.kind === 'unreconciled' ? r.problems.find((p) => p.code === 'NEGATIVE_ON_HAND') : undefined);
    const dip = negativeAt(reconcile([...rows, asLedgerRow(row)].map(toLedgerEntry)));
    if (dip && !negativeAt(reconcile(rows.map(toLedgerEntry)))) {
      const at = rows.find((r) => r.id === dip.entryId)?.occurred_at ?? occurredAt;
      throw validationFailed([{ field: 'occurredAt', message: `is too early: ${input.units} units removed then would leave on hand below zero on ${at.toISOString()}` }]);
    }
    const entry = await insertEntry(tx, row);
    await writeAudit(tx, ctx, {
      action: `ledger.${input.kind}`,
      resourceType: 'ledger',
      resourceId: entry.id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { units: input.units },
    });
    return { entry: ledgerEntryView(entry), onHand: onHand - input.units };
  });
}

function refillView(r: {
  id: string;
  requested_at: Date;
  outcome: 'granted' | 'held';
  eligible_from: Date | null;
  reasons: { code: string; message: string }[];
  doses_on_hand: number | null;
  note: string | null;
  answer: string | null;
  answered_at: Date | null;
  answerer_name?: string | null;
}) {
  return {
    id: r.id,
    requestedAt: iso(r.requested_at),
    outcome: r.outcome,
    eligibleFrom: isoOrNull(r.eligible_from),
    reasons: r.reasons,
    dosesOnHand: r.doses_on_hand,
    note: r.note,
    answer: r.answer !== null && r.answered_at !== null ? { text: r.answer, by: r.answerer_name ?? '', at: iso(r.answered_at) } : null,
  };
}

/** Refills used on the plan signed at `signedAt`: the granted requests since then, or the fills after the first. */
async function refillsOn(tx: Tx, patientId: string, planId: string, signedAt: Date): Promise<number> {
  const granted = await tx
    .selectFrom('refill_requests')
    .select(sql<string>`count(*)`.as('n'))
    .where('patient_id', '=', patientId)
    .where('outcome', '=', 'granted')
    .where('requested_at', '>=', signedAt)
    .executeTakeFirstOrThrow();
  const fills = await tx.selectFrom('dispenses').select(sql<string>`count(*)`.as('n')).where('plan_id', '=', planId).executeTakeFirstOrThrow();
  return Math.max(Number(granted.n), Number(fills.n) - 1);
}

/**
 * A refill is granted only from its eligible date (domain `refillEligibility`); a held one is stored with its
 * reasons: REFILL_TOO_EARLY is the evidence of the EARLY_REFILL_REQUEST warning sign.
 */
export async function requestRefill(uc: UseCase, input: { patientId: string; note?: string | undefined }) {
  const { deps, ctx } = uc;
  return inTransaction(deps.database.db, async (tx) => {
    await lockPatientShared(tx, input.patientId);
    const settings = await loadProgramSettings(tx);
    const plan = await activePlan(tx, input.patientId);
    const terms = plan ? planTerms(plan) : null;
    const entries = (await ledgerRows(tx, input.patientId)).map(toLedgerEntry);
    // Refills on the current prescription (the active plan), counted from its signature: its Schedule III window runs
    // from that date, not back from today, and once it has passed the domain holds every refill (a window counted
    // back from today let a prescription older than the window be refilled again). A refill is a request granted
    // since the signature or a fill after the first on the plan (a clinician may dispense one unasked), whichever is
    // more: the dispense's compliance check counts the fills, and must not refuse a refill this request granted.
    const signedAt = plan?.signed_at ? new Date(plan.signed_at) : null;
    const refills = plan && signedAt ? await refillsOn(tx, input.patientId, plan.id, signedAt) : 0;
    const decision = refillEligibility({
      entries,
      plan: terms,
      prescriptionSignedAt: signedAt ? signedAt.toISOString() : null,
      refillsInWindow: refills,
      unitsPerDose: await unitsPerDose(tx, input.patientId, terms?.currentDoseMg ?? null),
      now: ctx.now,
      settings: settings.dosing,
    });
    const reasons = decision.kind === 'held' ? decision.reasons.map((r) => ({ code: r.code, message: r.message })) : [];
    const row = await tx
      .insertInto('refill_requests')
      .values({
        id: crypto.randomUUID(),
        patient_id: input.patientId,
        requested_by: ctx.actorId ?? '',
        requested_at: ctx.now,
        eligible_from: decision.eligibleFrom,
        outcome: decision.kind,
        reasons: JSON.stringify(reasons),
        doses_on_hand: decision.kind === 'granted' ? decision.dosesOnHand : null,
        plan_id: plan?.id ?? null,
        note: input.note ?? null,
        answer: null,
        answered_by: null,
        answered_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await reevaluateWarningSigns(tx, uc, input.patientId, 'refill_request', settings);
    await writeAudit(tx, ctx, {
      action: 'refill.request',
      resourceType: 'refill',
      resourceId: row.id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { outcome: decision.kind, reasonCodes: reasons.map((r) => r.code) },
    });
    return refillView(row);
  });
}

export async function listRefillRequests({ deps }: UseCase, patientId: string) {
  const db = deps.database.db;
  const rows = await db
    .selectFrom('refill_requests as r')
    .leftJoin('users as u', 'u.id', 'r.answered_by')
    .selectAll('r')
    .select('u.name as answerer_name')
    .where('r.patient_id', '=', patientId)
    .orderBy('r.requested_at', 'desc')
    .execute();
  return rows.map(refillView);
}

/** "I need a higher dose" / "it stopped working": stored for the clinician and read by the warning-sign engine. */
export async function recordDoseRequest(uc: UseCase, input: { patientId: string; kind: 'increase' | 'tolerance'; note?: string | undefined }) {
  const { deps, ctx } = uc;
  return inTransaction(deps.database.db, async (tx) => {
    const id = crypto.randomUUID();
    await tx.insertInto('dose_requests').values({ id, patient_id: input.patientId, requested_at: ctx.now, kind: input.kind, note: input.note ?? null, answer: null, answered_by: null, answered_at: null }).execute();
    await reevaluateWarningSigns(tx, uc, input.patientId, 'dose_request');
    await writeAudit(tx, ctx, { action: 'dose_request.create', resourceType: 'refill', resourceId: id, patientId: input.patientId, outcome: 'success', detail: { kind: input.kind } });
    return {
      doseRequest: { id, requestedAt: iso(ctx.now), kind: input.kind },
      message: 'Your care team will review this. Keep taking only the dose in your plan; only your prescriber can change it.',
    };
  });
}

