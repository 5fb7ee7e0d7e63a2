// Dependence risk tier: intake risk factors plus the warning signs, rolled up by rules a clinician can read
// (docs/clinical-basis.md §5). The tier is a prompt for review; a rise to high raises an alert that holds dosing
// until a clinician has looked.

import type { RiskTierSettings } from './monitoring-settings.ts';
import type { RiskTier } from './monitoring-types.ts';
import { maxRiskTier, riskTierRank } from './monitoring-types.ts';
import type { WarningSignal } from './warning-signs.ts';

export interface IntakeRiskFactor {
  readonly code: string;
  readonly detail: string;
}

export interface IntakeRisk {
  readonly tier: RiskTier;
  readonly factors: readonly IntakeRiskFactor[];
}

export type RiskRollUpRule =
  | 'INTAKE_TIER'
  | 'HIGH_SIGNALS'
  | 'MODERATE_SIGNALS_HIGH'
  | 'MODERATE_SIGNALS_HIGH_WITH_ELEVATED_INTAKE'
  | 'MODERATE_SIGNALS_ELEVATED'
  | 'LOW_SIGNALS_ELEVATED';

export interface RiskExplanation {
  readonly rule: RiskRollUpRule;
  /** The tier this rule sets as a floor. */
  readonly tier: RiskTier;
  readonly detail: string;
}

export interface RiskRollUp {
  readonly tier: RiskTier;
  /** Every rule that fired, so the clinician sees all the reasons, not only the one that decided. */
  readonly explanation: readonly RiskExplanation[];
  readonly signals: readonly WarningSignal[];
  readonly factors: readonly IntakeRiskFactor[];
}

/**
 * The tier is the highest floor any rule sets (defaults in parentheses):
 * - the intake tier is the starting floor: signals never talk a patient below their intake risk;
 * - `high` with at least `highSignalsForHigh` high signals (1);
 * - `high` with at least `moderateSignalsForHigh` moderate-or-worse signals (3), or
 *   `moderateSignalsForHighWhenIntakeElevated` (2) when intake was already elevated or high;
 * - `elevated` with at least `moderateSignalsForElevated` moderate-or-worse signals (1);
 * - `elevated` with at least `lowSignalsForElevated` signals of any severity (2).
 * Each rule is "at least N", so adding a signal can only keep or raise the tier (monotone).
 */
export function rollUpRiskTier(
  input: { readonly intakeRisk: IntakeRisk; readonly signals: readonly WarningSignal[] },
  settings: RiskTierSettings,
): RiskRollUp {
  const { intakeRisk, signals } = input;
  const high = signals.filter((s) => s.severity === 'high').length;
  const moderateOrWorse = signals.filter((s) => s.severity !== 'low').length;
  const any = signals.length;
  const explanation: RiskExplanation[] = [];
  const fire = (rule: RiskRollUpRule, tier: RiskTier, detail: string): void => {
    explanation.push({ rule, tier, detail });
  };

  if (intakeRisk.tier !== 'low') {
    fire('INTAKE_TIER', intakeRisk.tier, `Intake risk ${intakeRisk.tier} (${intakeRisk.factors.map((f) => f.code).join(', ') || 'no factors listed'})`);
  }
  if (high >= settings.highSignalsForHigh) {
    fire('HIGH_SIGNALS', 'high', `${high} high-severity signal(s)`);
  }
  if (moderateOrWorse >= settings.moderateSignalsForHigh) {
    fire('MODERATE_SIGNALS_HIGH', 'high', `${moderateOrWorse} moderate or high signals`);
  } else if (intakeRisk.tier !== 'low' && moderateOrWorse >= settings.moderateSignalsForHighWhenIntakeElevated) {
    fire(
      'MODERATE_SIGNALS_HIGH_WITH_ELEVATED_INTAKE',
      'high',
      `${moderateOrWorse} moderate or high signals on top of ${intakeRisk.tier} intake risk`,
    );
  }
  if (moderateOrWorse >= settings.moderateSignalsForElevated) {
    fire('MODERATE_SIGNALS_ELEVATED', 'elevated', `${moderateOrWorse} moderate or high signal(s)`);
  }
  if (any >= settings.lowSignalsForElevated) {
    fire('LOW_SIGNALS_ELEVATED', 'elevated', `${any} signals of any severity`);
  }

  const tier = explanation.reduce<RiskTier>((t, e) => maxRiskTier(t, e.tier), intakeRisk.tier);
  return { tier, explanation, signals, factors: intakeRisk.factors };
}

export type RiskTierTransition =
  | { readonly kind: 'became_high'; readonly from: RiskTier | null; readonly to: 'high'; readonly raiseAlert: true }
  | { readonly kind: 'raised' | 'lowered' | 'unchanged'; readonly from: RiskTier | null; readonly to: RiskTier; readonly raiseAlert: false };

/**
 * What a change of tier means. Only a move into `high` raises the DEPENDENCE_RISK_BECAME_HIGH alert; staying high
 * does not raise it again (the open alert already stands). A first evaluation (`prev` null) that is high counts as
 * becoming high: there is no earlier review to rely on.
 */
export function riskTierTransition(prev: RiskTier | null, next: RiskTier): RiskTierTransition {
  if (next === 'high' && prev !== 'high') return { kind: 'became_high', from: prev, to: 'high', raiseAlert: true };
  const delta = riskTierRank(next) - (prev === null ? 0 : riskTierRank(prev));
  return { kind: delta > 0 ? 'raised' : delta < 0 ? 'lowered' : 'unchanged', from: prev, to: next, raiseAlert: false };
}
