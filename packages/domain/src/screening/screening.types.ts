import type { ScoreResult } from '../instruments/index.ts';
import type { ScreeningSettings } from './screening-settings.ts';
import type { IntakeInstrumentCode, IntakeSectionId } from './intake.ts';

/** Closed set of screening rule ids; each is documented in docs/safety/<RULE_ID>.md. */
export const screeningRuleIds = [
  'AGE_UNDER_18',
  'VASCULAR_ANEURYSM_AVM_ICH',
  'PSYCHOSIS_OR_MANIA',
  'PREGNANT_OR_BREASTFEEDING',
  'LIVER_SEVERE',
  'LIVER_MODERATE',
  'CARDIAC_OR_ICP',
  'BP_ABOVE_INTAKE_LIMIT',
  'ACTIVE_SUD',
  'AUDIT_ZONE_IV',
  'DAST10_SEVERE',
  'SUD_REMISSION_RECENT',
  'SUBSTANCE_RISK_FACTORS',
  'CSSRS_HIGH',
  'CSSRS_POSITIVE',
  'PHQ9_ITEM9_POSITIVE',
  'BLADDER_SYMPTOMS_AT_INTAKE',
  'COMORBIDITY_REVIEW',
  'INTERACTING_MEDICATION',
  'NO_SITTER',
  'TREATMENT_RESISTANCE_NOT_SHOWN',
  'STATE_NOT_LICENSED',
  'MISSING_ANSWERS',
] as const;

export type ScreeningRuleId = (typeof screeningRuleIds)[number];

export type RuleOutcome = 'exclude' | 'review';

export interface ScreeningReason {
  readonly rule: ScreeningRuleId;
  readonly outcome: RuleOutcome;
  readonly detail: string;
  /** The answers (by intake path) and derived values behind the finding. */
  readonly answers: Record<string, unknown>;
}

export type Eligibility = 'likely_eligible' | 'needs_review' | 'not_eligible';

export type DependenceFactorCode =
  | 'PERSONAL_HISTORY_SUD'
  | 'FAMILY_HISTORY_SUD'
  | 'AUDIT_ZONE_II_III'
  | 'DAST10_MODERATE'
  | 'CAGE_AID_POSITIVE'
  | 'ACTIVE_SUD'
  | 'AUDIT_ZONE_IV'
  | 'DAST10_SUBSTANTIAL_OR_SEVERE';

export type DependenceRiskTier = 'low' | 'elevated' | 'high';

export interface DependenceRisk {
  readonly tier: DependenceRiskTier;
  readonly factors: { readonly code: DependenceFactorCode; readonly detail: string }[];
}

export interface IntakeProblem {
  readonly path: string;
  readonly problem: 'missing' | 'invalid';
  readonly message: string;
}

export interface ScreeningResult {
  readonly eligibility: Eligibility;
  /** Every rule that fired, in rule order (exclusions are not short-circuited). */
  readonly reasons: ScreeningReason[];
  readonly dependenceRisk: DependenceRisk;
  /** Intake instruments as scored (or invalid), plus AUDIT-C derived from AUDIT Q1–Q3 as a baseline. */
  readonly instrumentResults: Partial<Record<IntakeInstrumentCode | 'audit-c', ScoreResult>>;
  /** Paths of required answers that are missing or invalid. */
  readonly missing: string[];
  /** Sections with at least one missing or invalid answer. */
  readonly missingSections: IntakeSectionId[];
  /** A positive suicide-risk screen: show the crisis resources of docs/clinical-basis.md §7 with this result. */
  readonly showCrisisResources: boolean;
}

export interface ScreeningOptions {
  readonly now: Date;
  readonly settings: ScreeningSettings;
  /** Two-letter codes of the states where the program's prescribers are licensed. */
  readonly prescriberStates: readonly string[];
}
