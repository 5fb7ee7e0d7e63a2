import {
  alertsForEvent,
  detectSignals,
  riskTierTransition,
  rollUpRiskTier,
  type MonitoringSettings,
  type RiskRollUp,
  type RiskTier,
  type WarningSignal,
} from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import type { Tx } from '../../db/transaction.ts';
import { alertOwner, raiseAlerts, type RaisedAlert } from '../alerts/raise-alerts.ts';
import { publicBaseUrl, type UseCase } from '../deps.ts';
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
 * Re-evaluates a patient's dependence risk from their records as of `ctx.now` and records a change of tier.
 *
 * Takes a `Tx` (not any Db) because it locks the patient's `patient_risk` row first: two check-ins of one patient
 * committing at once would otherwise both see the old tier and both "become high", raising two alerts. The row is
 * created on first use. A caller that already holds that lock and read the data in this transaction (the check-in,
 * through monitoring_check_in) passes it as `locked`.
 */
export async function evaluateAndRecordRisk(
  tx: Tx,
  uc: UseCase,
  patientId: string,
  trigger: string,
  settings: MonitoringSettings,
  locked?: PatientSignalData,
): Promise<RiskEvaluationOutcome> {
  const { ctx } = uc;
  // The lock and the read are one round trip: the loader locks the row first.
  const data = locked ?? (await loadPatientSignalData(tx, patientId, ctx.now, settings, { lockRiskRow: true }));
  const previousTier = data.storedTier;
  const signals = detectSignals(data.input, ctx.now, settings.warningSigns);
  const rollUp = rollUpRiskTier({ intakeRisk: data.intakeRisk, signals }, settings.riskTier);
  const tier = rollUp.tier;
  if (tier === previousTier) {
    return { tier, previousTier, changed: false, evaluationId: null, signals, rollUp, alerts: [] };
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
  const candidates = alertsForEvent(
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
  const alerts = await raiseAlerts(tx, uc, patientId, candidates);
  // A rise short of high raises no alert, but the owner still hears of it (the alert's own notice covers `high`).
  if (transition.kind === 'raised') await notifyOwnerOfRise(tx, uc, patientId, evaluationId, tier);
  return { tier, previousTier, changed: true, evaluationId, signals, rollUp, alerts };
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
