import { detectSignals, rollUpRiskTier } from '@keel/domain';
import type { RiskResponse } from '@keel/contract';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import type { UseCase } from '../deps.ts';
import { loadPatientSignalData } from './signal-input.ts';

/**
 * Explains the patient's dependence risk tier as of now: computed from the records (not read back from the last
 * stored evaluation), so the clinician sees every signal that stands today with the rows behind it, the intake
 * factors, and every roll-up rule that fired. The last stored evaluation is shown beside it.
 */
export async function explainRisk({ deps, ctx }: UseCase, patientId: string): Promise<RiskResponse> {
  const db = deps.database.db;
  const settings = await loadProgramSettings(db);
  const data = await loadPatientSignalData(db, patientId, ctx.now, settings);
  const signals = detectSignals(data.input, ctx.now, settings.monitoring.warningSigns, { cravingHighAtOrAbove: settings.instruments.cravingHighAtOrAbove });
  const rollUp = rollUpRiskTier({ intakeRisk: data.intakeRisk, signals }, settings.monitoring.riskTier);
  const last = await db
    .selectFrom('patient_risk as r')
    .innerJoin('risk_evaluations as e', 'e.id', 'r.evaluation_id')
    .select(['e.id', 'e.tier', 'e.evaluated_at'])
    .where('r.patient_id', '=', patientId)
    .executeTakeFirst();
  return {
    patientId,
    computedAt: ctx.now.toISOString(),
    tier: rollUp.tier,
    intake: { tier: data.intakeRisk.tier, factors: [...data.intakeRisk.factors] },
    signals: signals.map((s) => ({ code: s.code, severity: s.severity, summary: s.summary, evidence: [...s.evidence] })),
    explanation: rollUp.explanation.map((e) => ({ rule: e.rule, tier: e.tier, detail: e.detail })),
    lastEvaluation: last ? { id: last.id, tier: last.tier, evaluatedAt: new Date(last.evaluated_at).toISOString() } : null,
  };
}
