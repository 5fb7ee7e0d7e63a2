// Public surface of intake screening: the intake model, the rules, and the settings they read.
export type {
  AntidepressantTrial,
  IntakeAnswers,
  IntakeField,
  IntakeInstrumentCode,
  IntakeSection,
  IntakeSectionId,
  LiverImpairment,
  MedicationClass,
  MedicationEntry,
} from './intake.ts';
export { intakeInstrumentCodes, intakeSections, interactingMedicationClasses, sectionOf } from './intake.ts';
export type { AuditZone, ScreeningSettings } from './screening-settings.ts';
export { defaultScreeningSettings } from './screening-settings.ts';
export type {
  DependenceFactorCode,
  DependenceRisk,
  DependenceRiskTier,
  Eligibility,
  IntakeProblem,
  RuleOutcome,
  ScreeningOptions,
  ScreeningReason,
  ScreeningResult,
  ScreeningRuleId,
} from './screening.types.ts';
export { screeningRuleIds } from './screening.types.ts';
export { intakeProgress, screenIntake } from './screen-intake.ts';
export { eligibilityRules } from './eligibility.rules.ts';
export type { EligibilityRule, RuleContext } from './eligibility.rules.ts';
export { assessDependenceRisk, dependenceRiskFactors, dependenceRiskTier } from './dependence-risk.ts';
export { ageInYears, parseIsoDate, readIntake, usStateCodes } from './intake-facts.ts';
export type { IntakeFacts, ReadIntakeResult } from './intake-facts.ts';
export { completeEligibleIntake, fixturePrescriberStates, screeningFixtureNow } from './fixtures.ts';
