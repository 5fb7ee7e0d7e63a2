// The clinical terms of a treatment plan version (docs/clinical-basis.md §3). A version is what the prescriber signs:
// its canonical JSON (plan/canonical-json.ts) is hashed and the signature is bound to that hash.
import type { Route, VitalsThresholds, FollowUpCadence } from '../settings/program-settings.ts';

export const PLAN_PHASES = ['induction', 'maintenance', 'taper'] as const;
export type PlanPhase = (typeof PLAN_PHASES)[number];

export const AFTER_DISSOLVE = ['spit', 'swallow'] as const;

/** Sublingual tablet or troche: held under the tongue, then the saliva is spat out or swallowed. */
export interface SublingualAdministration {
  readonly route: 'sublingual';
  readonly holdMinutes: number;
  readonly afterDissolve: (typeof AFTER_DISSOLVE)[number];
  readonly notes?: string;
}

/** Oral solution or tablet, swallowed. */
export interface OralAdministration {
  readonly route: 'oral';
  readonly notes?: string;
}

export type AdministrationInstructions = SublingualAdministration | OralAdministration;

export interface TreatmentPlanTerms {
  readonly phase: PlanPhase;
  readonly route: Route;
  readonly startingDoseMg: number;
  readonly currentDoseMg: number;
  readonly maximumDoseMg: number;
  readonly titrationStepMg: number;
  readonly sessionsPlanned: number;
  readonly minHoursBetweenSessions: number;
  readonly maxSessionsPer7Days: number;
  readonly fastingHours: number;
  readonly vitalsHold: VitalsThresholds;
  readonly followUp: FollowUpCadence;
  readonly goals: readonly string[];
  /** Must match `route` (a sublingual plan carries hold time and what to do after the tablet dissolves). */
  readonly administration: AdministrationInstructions;
}
