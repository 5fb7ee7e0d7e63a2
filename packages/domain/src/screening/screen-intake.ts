import { assessDependenceRisk } from './dependence-risk.ts';
import { eligibilityRules } from './eligibility.rules.ts';
import { readIntake } from './intake-facts.ts';
import { intakeSections, sectionOf } from './intake.ts';
import type { IntakeAnswers, IntakeSectionId } from './intake.ts';
import type { DependenceFactorCode, Eligibility, ScreeningOptions, ScreeningReason, ScreeningResult } from './screening.types.ts';

// The docs/clinical-basis.md §2 "raises dependence risk tier and → review" row. The other factors (active SUD, AUDIT zone IV, DAST-10 at
// the exclusion level) already have their own excluding rule, so they raise the tier without a second reason.
const reviewFactors: readonly DependenceFactorCode[] = [
  'PERSONAL_HISTORY_SUD',
  'FAMILY_HISTORY_SUD',
  'AUDIT_ZONE_II_III',
  'DAST10_MODERATE',
  'CAGE_AID_POSITIVE',
];

/**
 * Decision support for an intake (docs/clinical-basis.md §2): every rule that fired with the answers behind it, the
 * dependence-risk tier, the scored instruments and what is missing. The clinician decides; this never approves.
 * - any `exclude` → not_eligible;
 * - otherwise any `review`, including MISSING_ANSWERS → needs_review;
 * - otherwise likely_eligible, which therefore needs every required answer present and valid.
 */
export function screenIntake(answers: IntakeAnswers, options: ScreeningOptions): ScreeningResult {
  const { now, settings, prescriberStates } = options;
  const { facts, problems } = readIntake(answers, now, settings);

  const reasons: ScreeningReason[] = [];
  for (const rule of eligibilityRules) {
    const finding = rule.evaluate({ facts, settings, prescriberStates });
    if (finding) reasons.push({ rule: rule.id, ...finding });
  }

  const dependenceRisk = assessDependenceRisk(facts, settings);
  const riskFactors = dependenceRisk.factors.filter((f) => reviewFactors.includes(f.code));
  if (riskFactors.length > 0) {
    reasons.push({
      rule: 'SUBSTANCE_RISK_FACTORS',
      outcome: 'review',
      detail: `Dependence risk factors (tier ${dependenceRisk.tier}): ${riskFactors.map((f) => f.detail).join('; ')}.`,
      answers: { factors: riskFactors.map((f) => f.code), tier: dependenceRisk.tier },
    });
  }

  const missing = [...new Set(problems.map((p) => p.path))];
  const missingSections = [...new Set(missing.map(sectionOf).filter((s): s is IntakeSectionId => s !== undefined))];
  if (problems.length > 0) {
    reasons.push({
      rule: 'MISSING_ANSWERS',
      outcome: 'review',
      detail: `${missing.length} required answer(s) missing or invalid${missingSections.length > 0 ? ` in: ${missingSections.join(', ')}` : ''}.`,
      answers: { sections: missingSections, problems },
    });
  }

  const eligibility: Eligibility = reasons.some((r) => r.outcome === 'exclude')
    ? 'not_eligible'
    : reasons.length > 0
      ? 'needs_review'
      : 'likely_eligible';

  const cssrs = facts.scored['cssrs-screen'];
  const showCrisisResources =
    (cssrs?.risk !== undefined && cssrs.risk !== 'none') || facts.scored.phq9?.flags.includes('PHQ9_ITEM9_POSITIVE') === true;

  return {
    eligibility,
    reasons,
    dependenceRisk,
    instrumentResults: facts.instrumentResults,
    missing,
    missingSections,
    showCrisisResources,
  };
}

/** Progress of a draft intake, per section, for the UI and for reporting missing sections. */
export function intakeProgress(
  answers: IntakeAnswers,
  options: Pick<ScreeningOptions, 'now' | 'settings'>,
): { section: IntakeSectionId; complete: boolean; missing: string[] }[] {
  const { problems } = readIntake(answers, options.now, options.settings);
  return intakeSections.map(({ id: section }) => {
    const missing = [...new Set(problems.filter((p) => sectionOf(p.path) === section).map((p) => p.path))];
    return { section, complete: missing.length === 0, missing };
  });
}
