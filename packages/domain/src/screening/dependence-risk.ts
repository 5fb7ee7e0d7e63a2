// Intake dependence-risk factors (docs/clinical-basis.md §2, "raises the dependence risk tier") and their roll-up into
// a tier (docs/clinical-basis.md §5). The roll-up thresholds are Keel's choice, configurable in ScreeningSettings.dependenceRisk:
// no factor → low; `elevatedAtFactorCount` (1) → elevated; `highAtFactorCount` (2) or any strong factor → high.
import type { AuditZone, ScreeningSettings } from './screening-settings.ts';
import type { IntakeFacts } from './intake-facts.ts';
import type { DependenceFactorCode, DependenceRisk, DependenceRiskTier } from './screening.types.ts';

type Factor = DependenceRisk['factors'][number];

export function dependenceRiskFactors(facts: IntakeFacts, settings: ScreeningSettings): Factor[] {
  const factors: Factor[] = [];
  const add = (code: DependenceFactorCode, detail: string): void => {
    factors.push({ code, detail });
  };
  const s = facts.substance;
  if (s.activeSud === true) add('ACTIVE_SUD', 'Active substance use disorder');
  // Remission implies a personal history even when the history question was answered "no".
  if (s.personalHistoryOfSud === true || s.sudInRemission === true) add('PERSONAL_HISTORY_SUD', 'Personal history of substance use disorder');
  if (s.familyHistoryOfSud === true) add('FAMILY_HISTORY_SUD', 'Family history of substance use disorder');
  if (s.cageAidScore !== undefined && s.cageAidScore >= settings.cageAidRiskFactorAtOrAbove) {
    add('CAGE_AID_POSITIVE', `CAGE-AID ${s.cageAidScore} (at or above ${settings.cageAidRiskFactorAtOrAbove})`);
  }
  const audit = facts.scored.audit;
  if (audit) {
    const zone = audit.band as AuditZone;
    if (settings.auditExcludeZones.includes(zone)) add('AUDIT_ZONE_IV', `AUDIT total ${audit.total}, ${zone}`);
    else if (settings.auditRiskFactorZones.includes(zone)) add('AUDIT_ZONE_II_III', `AUDIT total ${audit.total}, ${zone}`);
  }
  const dast = facts.scored.dast10;
  if (dast && dast.total !== null) {
    if (dast.total >= settings.dast10ExcludeAtOrAbove) add('DAST10_SUBSTANTIAL_OR_SEVERE', `DAST-10 total ${dast.total} (${dast.band})`);
    else if (dast.total >= settings.dast10RiskFactorAtOrAbove) add('DAST10_MODERATE', `DAST-10 total ${dast.total} (${dast.band})`);
  }
  return factors;
}

export function dependenceRiskTier(factors: readonly Factor[], settings: ScreeningSettings): DependenceRiskTier {
  const { elevatedAtFactorCount, highAtFactorCount, strongFactors } = settings.dependenceRisk;
  if (factors.length >= highAtFactorCount || factors.some((f) => strongFactors.includes(f.code))) return 'high';
  if (factors.length >= elevatedAtFactorCount) return 'elevated';
  return 'low';
}

export function assessDependenceRisk(facts: IntakeFacts, settings: ScreeningSettings): DependenceRisk {
  const factors = dependenceRiskFactors(facts, settings);
  return { tier: dependenceRiskTier(factors, settings), factors };
}
