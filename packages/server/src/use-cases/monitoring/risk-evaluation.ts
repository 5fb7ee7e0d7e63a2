import {
  alertsForEvent,
  detectSignals,
  riskTierTransition,
  rollUpRiskTier,
  signalAlertCandidates,
  type AlertCandidate,
  type RiskRollUp,
  type RiskTier,
  type WarningSignal,
} from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import type { Tx } from '../../db/transaction.ts';
import { alertOwner, raiseAlerts, type RaisedAlert } from '../alerts/raise-alerts.ts';
import { publicBaseUrl, type UseCase } from '../deps.ts';
import { loadProgramSettings, type ProgramSettings } from '../settings/program-settings.service.ts';
import { loadPatientSignalData, type PatientSignalData } from './signal-input.ts';

export interface RiskEvaluationOutcome {
  tier: RiskTier;
  previousTier: RiskTier | null;
  changed: boolean;
  /** The stored evaluation when the tier changed; null when it stayed the same (nothing is written). */
  evaluationId: string | null;
  signals: readonly WarningSignal[];
  rollUp: RiskRollUp;
  alerts: RaisedAlert[];
}

/**
 * Every warning sign, every time: called in the transaction of each write that feeds a signal (loss reports,
 * counts, refill and dose requests, PDMP entries, assessments, sitter concerns, check-ins, blocked authorizations),
 * so a new occurrence reaches a clinician — and holds dosing where its setting says — before the write is
 * acknowledged. Call it before the write's own audit row: it locks `patient_risk`, and every writer takes that lock
 * before the patient's audit chain head (the check-in's order), so two writers never wait on each other in a cycle.
 */
export async function reevaluateWarningSigns(tx: Tx, uc: UseCase, patientId: string, trigger: string, settings?: ProgramSettings): Promise<RiskEvaluationOutcome> {
  return evaluateAndRecordRisk(tx, uc, patientId, trigger, settings ?? (await loadProgramSettings(tx)));
}

/**
 * Re-evaluates a patient's warning signs and dependence risk from their records as of `ctx.now`: raises an alert
 * for each warning sign with evidence no earlier alert covered, and records a change of tier (a move into high
 * raising its own alert).
 *
 * Takes a `Tx` (not any Db) because it locks the patient's `patient_risk` row first: two check-ins of one patient
 * committing at once would otherwise both see the old tier and both "become high", or both raise an alert for the
 * same new evidence. The row is created on first use. A caller that already holds that lock and read the data in
 * this transaction (the check-in, through monitoring_check_in) passes it as `locked`.
 */
export async function evaluateAndRecordRisk(
  tx: Tx,
  uc: UseCase,
  patientId: string,
  trigger: string,
  program: Pick<ProgramSettings, 'monitoring' | 'instruments'>,
  locked?: PatientSignalData,
): Promise<RiskEvaluationOutcome> {
  const { ctx } = uc;
  const settings = program.monitoring;
  // The lock and the read are one round trip: the loader locks the row first.
  const data = locked ?? (await loadPatientSignalData(tx, patientId, ctx.now, program, { lockRiskRow: true }));
  const signals = detectSignals(data.input, ctx.now, settings.warningSigns, { cravingHighAtOrAbove: program.instruments.cravingHighAtOrAbove });
  const { previousTier, candidates, rollUp, tier } = assessRisk(data, signals, await coveredEvidence(tx, patientId, signals), program);
  const signalAlerts = await raiseSignalAlerts(tx, uc, patientId, candidates);
  if (tier === previousTier) {
    return { tier, previousTier, changed: false, evaluationId: null, signals, rollUp, alerts: signalAlerts };
  }

  const evaluationId = crypto.randomUUID();
  await tx
    .insertInto('risk_evaluations')
    .values({
      id: evaluationId,
      patient_id: patientId,
      evaluated_at: ctx.now,
      tier,
      previous_tier: previousTier,
      trigger,
      signal_codes: signals.map((s) => s.code),
      signals: JSON.stringify(signals),
      factors: JSON.stringify(rollUp.factors),
      explanation: JSON.stringify(rollUp.explanation),
    })
    .execute();
  await tx
    .updateTable('patient_risk')
    .set({ tier, evaluation_id: evaluationId, evaluated_at: ctx.now })
    .where('patient_id', '=', patientId)
    .execute();
  const transition = riskTierTransition(previousTier, tier);
  await writeAudit(tx, ctx, {
    action: 'risk.evaluate',
    resourceType: 'risk_evaluation',
    resourceId: evaluationId,
    patientId,
    outcome: 'success',
    detail: { from: previousTier, to: tier, transition: transition.kind, trigger, signals: signals.map((s) => s.code) },
  });
  const tierAlerts = alertsForEvent(
    {
      kind: 'risk_tier_evaluated',
      evaluationId,
      at: ctx.now.toISOString(),
      previousTier,
      tier,
      reasons: rollUp.explanation.map((e) => e.detail),
    },
    ctx.now,
    settings.alerts,
  );
  const alerts = await raiseAlerts(tx, uc, patientId, tierAlerts);
  // A rise short of high raises no alert, but the owner still hears of it (the alert's own notice covers `high`).
  if (transition.kind === 'raised') await notifyOwnerOfRise(tx, uc, patientId, evaluationId, tier);
  return { tier, previousTier, changed: true, evaluationId, signals, rollUp, alerts: [...signalAlerts, ...alerts] };
}

/**
 * What an evaluation would do, decided without writing: the warning signs' alerts not yet raised (evidence no
 * earlier alert covered, `covered` holding `code|key` of signal_alert_evidence) and the tier the signs roll up to.
 * The check-in's two-trip path (check-ins.ts) commits without a write only when this finds no alert and no change.
 */
export function assessRisk(
  data: PatientSignalData,
  signals: readonly WarningSignal[],
  covered: ReadonlySet<string>,
  program: Pick<ProgramSettings, 'monitoring'>,
): { previousTier: RiskTier | null; candidates: AlertCandidate[]; rollUp: RiskRollUp; tier: RiskTier } {
  const settings = program.monitoring;
  const candidates = signals.length === 0 ? [] : signalAlertCandidates(signals, (code, key) => covered.has(`${code}|${key}`), settings.alerts);
  const rollUp = rollUpRiskTier({ intakeRisk: data.intakeRisk, signals }, settings.riskTier);
  return { previousTier: data.storedTier, candidates, rollUp, tier: rollUp.tier };
}

/** The evidence of these signals that an alert already covered, as `code|key`. */
async function coveredEvidence(tx: Tx, patientId: string, signals: readonly WarningSignal[]): Promise<Set<string>> {
  if (signals.length === 0) return new Set();
  const covered = await tx
    .selectFrom('signal_alert_evidence')
    .select(['signal_code', 'evidence_key'])
    .where('patient_id', '=', patientId)
    .where(
      'signal_code',
      'in',
      signals.map((s) => s.code),
    )
    .execute();
  return new Set(covered.map((c) => `${c.signal_code}|${c.evidence_key}`));
}

/**
 * Alerts for warning-sign evidence no earlier alert covered, deduplicated per evidence (signal_alert_evidence):
 * the same evidence never raises twice, new evidence always raises, whatever the tier or earlier resolutions.
 */
async function raiseSignalAlerts(tx: Tx, uc: UseCase, patientId: string, candidates: readonly AlertCandidate[]): Promise<RaisedAlert[]> {
  if (candidates.length === 0) return [];
  const raised = await raiseAlerts(tx, uc, patientId, candidates);
  for (const [i, c] of candidates.entries()) {
    const alert = raised[i];
    if (!alert || !c.evidenceKeys || c.evidenceKeys.length === 0) continue;
    await tx
      .insertInto('signal_alert_evidence')
      .values(c.evidenceKeys.map((key) => ({ patient_id: patientId, signal_code: c.code, evidence_key: key, alert_id: alert.id })))
      .onConflict((oc) => oc.columns(['patient_id', 'signal_code', 'evidence_key']).doNothing())
      .execute();
  }
  return raised;
}

async function notifyOwnerOfRise(tx: Tx, { deps, ctx }: UseCase, patientId: string, evaluationId: string, tier: RiskTier): Promise<void> {
  const owner = await alertOwner(tx, patientId);
  if (!owner) return;
  const user = await tx.selectFrom('users').select('email').where('id', '=', owner).executeTakeFirst();
  if (!user) return;
  // No health details in the body: the tier word and a sign-in link, never the patient or the signals.
  await deps.notifier.enqueue(
    tx,
    {
      cause: `risk:${evaluationId}:owner`,
      channel: 'email',
      recipient: user.email,
      subject: 'Keel: a patient on your panel needs a review',
      body: `A patient's dependence risk tier rose to ${tier}. Sign in to Keel to review it:\n${publicBaseUrl(deps)}/clinician/panel\n`,
    },
    ctx.now,
  );
}
