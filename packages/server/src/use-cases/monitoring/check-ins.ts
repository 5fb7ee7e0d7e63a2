import type { CheckInRequest, CheckInResponse } from '@keel/contract';
import { sql } from 'kysely';
import { writeAudit, type AuditEntry } from '../../audit/audit-log.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { validationFailed } from '../../http/problem.ts';
import { settingsFromStored } from '../settings/program-settings.service.ts';
import { rememberSettings, settingsSeen } from '../settings/settings-seen.ts';
import type { UseCase } from '../deps.ts';
import { evaluateAndRecordRisk } from './risk-evaluation.ts';
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
 * and the audit row — one transaction, so nothing is acknowledged that an alert did not see. The insert, the
 * settings check and the patient_risk lock with the signal read are one round trip (monitoring_check_in,
 * migrations/0011-hardening.ts); the audit row follows (its HMAC is computed here); a change of tier and its
 * alerts audit themselves.
 */
export async function submitCheckIn(uc: UseCase, patientId: string, body: CheckInRequest): Promise<CheckInResponse> {
  const { deps, ctx } = uc;
  return inTransaction(deps.database.db, async (tx) => {
    const row = checkInRow(patientId, ctx.actorId, body, ctx.now);
    const audit: AuditEntry = { action: 'checkin.create', resourceType: 'checkin', resourceId: row.id, patientId, outcome: 'success' };
    // monitoring_check_in checks the version of the settings the windows were computed from (settings-seen.ts).
    const seen = settingsSeen(deps.database);
    const windows = signalWindows(ctx.now, seen.settings.monitoring);
    const craving = cravingParameters(seen.settings);
    const result = await sql<{ r: { settings_version: number; input?: unknown; settings?: Record<string, unknown> | null } }>`
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
      locked = await loadPatientSignalData(tx, patientId, ctx.now, settings, { lockRiskRow: true });
    }
    // After the patient_risk lock, as every writer orders them; the row is sealed here, where the audit key is.
    await writeAudit(tx, ctx, audit);
    const risk = await evaluateAndRecordRisk(tx, uc, patientId, 'check_in', settings, locked);
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
