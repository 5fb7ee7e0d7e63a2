export { AFTER_DISSOLVE, PLAN_PHASES } from './plan-terms.ts';
export type {
  AdministrationInstructions,
  OralAdministration,
  PlanPhase,
  SublingualAdministration,
  TreatmentPlanTerms,
} from './plan-terms.ts';
export { effectiveLimits, followUpDueAfterSession, planShapeErrors, validatePlanTerms } from './plan-rules.ts';
export type { EffectiveLimits } from './plan-rules.ts';
export { earliestNextSessionMs, projectSessionTimes } from './session-pace.ts';
export type { PaceLimits } from './session-pace.ts';
export { planVersionChange } from './plan-version.ts';
export type { PlanFieldChange, PlanVersionChange } from './plan-version.ts';
export { canonicalJson } from './canonical-json.ts';
export { samplePlanTerms } from './fixtures.ts';
