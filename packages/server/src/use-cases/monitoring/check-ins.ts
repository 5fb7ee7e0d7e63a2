import type { CheckInRequest, CheckInResponse } from '@keel/contract';
import { sql } from 'kysely';
import { detectSignals, type RiskTier, type WarningSignal } from '@keel/domain';
import { activeAuditKeys } from '../../audit/audit-keys.ts';
import { auditInsertStatement, auditRow, sealAuditRow, writeAudit, type AuditEntry } from '../../audit/audit-log.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { literal, twoTripTransaction } from '../../db/two-trip-transaction.ts';
import type { RaisedAlert } from '../alerts/raise-alerts.ts';
import { validationFailed } from '../../http/problem.ts';
import { settingsFromStored } from '../settings/program-settings.service.ts';
import { rememberSettings, settingsSeen } from '../settings/settings-seen.ts';
import type { UseCase } from '../deps.ts';
import { assessRisk, evaluateAndRecordRisk } from './risk-evaluation.ts';
import { cravingParameters, loadPatientSignalData, signalDataFromDocument, signalWindows, type PatientSignalData } from './signal-input.ts';

export type CheckInRow = {
  id: string;
  patient_id: string;
  submitted_at: Date;
  mood_0_10: number;
  sleep_hours: number;
  craving_0_10: number | null;
  used_outside_session: boolean;
  bladder_symptoms: boolean;
  cognitive_complaint: boolean;
  side_effects: string[];
  note: string | null;
};

export const toCheckIn = (r: CheckInRow): CheckInResponse['checkIn'] => ({
  id: r.id,
  patientId: r.patient_id,
  submittedAt: new Date(r.submitted_at).toISOString(),
  mood0to10: r.mood_0_10,
  sleepHours: Number(r.sleep_hours),
  craving0to10: r.craving_0_10,
  usedOutsideSession: r.used_outside_session,
  bladderSymptoms: r.bladder_symptoms,
  cognitiveComplaint: r.cognitive_complaint,
  sideEffects: r.side_effects,
  note: r.note,
});

/** The row a check-in request becomes; the benchmark's bare-insert baseline writes exactly this row. */
export function checkInRow(patientId: string, submittedBy: string | null, body: CheckInRequest, now: Date): CheckInRow & { submitted_by: string | null } {
  // Sleep is stored to a tenth of an hour (numeric(4,1)); rounding here keeps the response equal to what is stored.
  const sleepHours = Math.round(body.sleepHours * 10) / 10;
  if (!Number.isFinite(sleepHours)) throw validationFailed([{ field: 'sleepHours', message: 'must be a number of hours' }]);
  return {
    id: crypto.randomUUID(),
    patient_id: patientId,
    submitted_at: now,
    submitted_by: submittedBy,
    mood_0_10: body.mood0to10,
    sleep_hours: sleepHours,
    craving_0_10: body.craving0to10,
    used_outside_session: body.usedOutsideSession,
    bladder_symptoms: body.bladderSymptoms,
    cognitive_complaint: body.cognitiveComplaint,
    side_effects: [...new Set(body.sideEffects)],
    note: body.note === undefined || body.note === '' ? null : body.note,
  };
}

/**
 * The daily check-in (I8): stored, the warning signs re-read from the patient's records, a change of risk tier
 * recorded (and a move to high raising the DEPENDENCE_RISK_BECAME_HIGH alert with its escalation job and notice),
 * and the audit row — one transaction, so nothing is acknowledged that an alert did not see.
 *
 * Most check-ins change nothing but the record: no new warning-sign evidence, the same tier. Those run in two round
 * trips (db/two-trip-transaction.ts): `BEGIN` with monitoring_check_in (the insert, the settings check, the
 * patient_risk lock with the signal read, the audit chain head locked and the covered evidence), the decision here,
 * then the sealed audit row with `COMMIT`. A check-in that raises an alert or changes the tier, or that meets
 * changed settings, is rolled back and taken through the full path below, in one transaction as before.
 */
export async function submitCheckIn(uc: UseCase, patientId: string, body: CheckInRequest): Promise<CheckInResponse> {
  const row = checkInRow(patientId, uc.ctx.actorId, body, uc.ctx.now);
  const quick = await submitInTwoTrips(uc, row);
  return quick ? quick.value : submitCheckInFully(uc, row);
}

type CheckInResult = { settings_version: number; input?: unknown; settings?: Record<string, unknown> | null };
type SealedResult = CheckInResult & { audit?: { id: number; seq: number; hash: string }; covered?: string[] };

const checkInAudit = (row: CheckInRow): AuditEntry => ({
  action: 'checkin.create',
  resourceType: 'checkin',
  resourceId: row.id,
  patientId: row.patient_id,
  outcome: 'success',
});

function response(row: CheckInRow, risk: { tier: RiskTier; previousTier: RiskTier | null; changed: boolean; signals: readonly WarningSignal[]; alerts: RaisedAlert[] }): CheckInResponse {
  return {
    checkIn: toCheckIn(row),
    risk: { tier: risk.tier, previousTier: risk.previousTier, changed: risk.changed },
    signals: risk.signals.map((s) => ({ code: s.code, severity: s.severity })),
    alerts: risk.alerts.map((a) => ({
      id: a.id,
      code: a.code,
      severity: a.severity as CheckInResponse['alerts'][number]['severity'],
      holdsDosing: a.holdsDosing,
      patientMessage: a.patientMessage,
    })),
  };
}

/**
 * What monitoring_check_in is called with besides the row: the settings this process last saw (the function checks
 * their version, settings-seen.ts) and the windows and craving thresholds computed from them.
 */
function checkInParameters({ deps, ctx }: UseCase) {
  const seen = settingsSeen(deps.database);
  return { seen, windows: signalWindows(ctx.now, seen.settings.monitoring), craving: cravingParameters(seen.settings) };
}

/** The common case in two round trips; null (nothing kept) when the check-in needs the full path. */
function submitInTwoTrips(uc: UseCase, row: CheckInRow & { submitted_by: string | null }): Promise<{ value: CheckInResponse } | null> {
  const { deps, ctx } = uc;
  const { seen, windows, craving } = checkInParameters(uc);
  const open = `SELECT monitoring_check_in(${literal(JSON.stringify(row))}::jsonb, ${literal(seen.version)}::integer,
    ${literal(windows.from.toISOString())}::timestamptz, ${literal(windows.ledgerFrom.toISOString())}::timestamptz,
    ${literal(craving.high)}::integer, ${literal(craving.rising)}::integer, true) AS r`;
  return twoTripTransaction<{ r: SealedResult }, CheckInResponse>(deps.database, open, ({ r: stored }) => {
    if (stored.input === undefined || stored.audit === undefined || stored.covered === undefined) return null;
    const data = signalDataFromDocument(stored.input);
    const settings = seen.settings;
    const signals = detectSignals(data.input, ctx.now, settings.monitoring.warningSigns, { cravingHighAtOrAbove: settings.instruments.cravingHighAtOrAbove });
    const { previousTier, candidates, tier } = assessRisk(data, signals, new Set(stored.covered), settings);
    if (candidates.length > 0 || tier !== previousTier) return null;
    const sealed = sealAuditRow(activeAuditKeys(), auditRow(ctx, checkInAudit(row)), { id: Number(stored.audit.id), seq: Number(stored.audit.seq), hash: stored.audit.hash });
    return { close: auditInsertStatement(sealed), value: response(row, { tier, previousTier, changed: false, signals, alerts: [] }) };
  });
}

/** The full path: every write an evaluation can make, in one transaction. */
function submitCheckInFully(uc: UseCase, row: CheckInRow & { submitted_by: string | null }): Promise<CheckInResponse> {
  const { deps, ctx } = uc;
  return inTransaction(deps.database.db, async (tx) => {
    const { seen, windows, craving } = checkInParameters(uc);
    const result = await sql<{ r: CheckInResult }>`
      SELECT monitoring_check_in(${JSON.stringify(row)}::jsonb,
        ${seen.version}::integer, ${windows.from}::timestamptz, ${windows.ledgerFrom}::timestamptz,
        ${craving.high}::integer, ${craving.rising}::integer) AS r`.execute(tx);
    const stored = result.rows[0]?.r;
    if (!stored) throw new Error('monitoring_check_in returned nothing');

    let settings = seen.settings;
    let locked: PatientSignalData;
    if (stored.input !== undefined) {
      locked = signalDataFromDocument(stored.input);
    } else {
      // The settings changed since this process last saw them: the function stored the check-in and stopped.
      settings = settingsFromStored(stored.settings);
      rememberSettings(deps.database, stored.settings_version, settings);
      locked = await loadPatientSignalData(tx, row.patient_id, ctx.now, settings, { lockRiskRow: true });
    }
    // After the patient_risk lock, as every writer orders them; the row is sealed here, where the audit key is.
    await writeAudit(tx, ctx, checkInAudit(row));
    const risk = await evaluateAndRecordRisk(tx, uc, row.patient_id, 'check_in', settings, locked);
    return response(row, risk);
  });
}

/** The patient's recent check-ins, newest first. */
export async function listCheckIns(db: Db, patientId: string, limit: number): Promise<CheckInResponse['checkIn'][]> {
  const rows = await db
    .selectFrom('check_ins')
    .selectAll()
    .where('patient_id', '=', patientId)
    .orderBy('submitted_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toCheckIn);
}
