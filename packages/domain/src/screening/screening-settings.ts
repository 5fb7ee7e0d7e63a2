// Every clinical number the screening rules use, with docs/clinical-basis.md §2 and §5 values as defaults. A medical
// director changes these in program settings; rule code reads them from here and holds no clinical literal.
import { defaultInstrumentSettings } from '../instruments/index.ts';
import type { CssrsRisk, InstrumentSettings } from '../instruments/index.ts';
import type { DependenceFactorCode } from './screening.types.ts';

export type AuditZone = 'zone_i' | 'zone_ii' | 'zone_iii' | 'zone_iv';

export interface ScreeningSettings {
  /** Below this age: exclude (docs/clinical-basis.md §2: age < 18). */
  readonly minimumAgeYears: number;
  /** Above this age the date of birth is taken as an input error (Keel plausibility check, not a clinical rule). */
  readonly maximumPlausibleAgeYears: number;
  /** Resting BP at intake strictly above either value → review (docs/clinical-basis.md §2: > 140/90). */
  readonly intakeBpReviewAbove: { readonly systolicMmHg: number; readonly diastolicMmHg: number };
  /** Readings outside these bounds are input errors, not readings (docs/clinical-basis.md §4: e.g. systolic < 50 or > 300). */
  readonly plausibleBp: {
    readonly systolicMmHg: { readonly min: number; readonly max: number };
    readonly diastolicMmHg: { readonly min: number; readonly max: number };
  };
  readonly plausibleWeightKg: { readonly min: number; readonly max: number };
  /** Outcome for raised ICP, recent MI/stroke, unstable angina, arrhythmia, uncontrolled hypertension (docs/clinical-basis.md §2). */
  readonly cardiacOrIcpOutcome: 'exclude' | 'review';
  /** Outcome for the cardiac findings once cardiology clearance is documented (docs/clinical-basis.md §2: clearance → review). */
  readonly cardiacClearedOutcome: 'exclude' | 'review';
  /** SUD in remission for fewer months than this → review (docs/clinical-basis.md §2: < 12 months). */
  readonly sudRemissionReviewUnderMonths: number;
  /** AUDIT zones (after the WHO move-up rule) that exclude (docs/clinical-basis.md §2: zone IV). */
  readonly auditExcludeZones: readonly AuditZone[];
  /** AUDIT zones that are a dependence-risk factor (docs/clinical-basis.md §2: zones II–III). */
  readonly auditRiskFactorZones: readonly AuditZone[];
  /** DAST-10 at or above this excludes (docs/clinical-basis.md §2: ≥ 6). */
  readonly dast10ExcludeAtOrAbove: number;
  /** DAST-10 at or above this (and below the exclusion) is a dependence-risk factor (docs/clinical-basis.md §2: 3–5). */
  readonly dast10RiskFactorAtOrAbove: number;
  /** CAGE-AID at or above this is a dependence-risk factor (docs/clinical-basis.md §2: ≥ 2). */
  readonly cageAidRiskFactorAtOrAbove: number;
  /** Diazepam-equivalent mg/day above which benzodiazepines blunt response (docs/clinical-basis.md §2: > 8 mg/day). */
  readonly benzodiazepineBluntingAboveMgPerDay: number;
  /** Adequate antidepressant trials in this episode that show treatment resistance (docs/clinical-basis.md §2: ≥ 2). */
  readonly minimumAdequateAntidepressantTrials: number;
  /** C-SSRS risks that stop the at-home program until evaluated (docs/clinical-basis.md §2: high). */
  readonly cssrsExcludeRisks: readonly CssrsRisk[];
  /** C-SSRS risks that need a clinician before a decision (docs/clinical-basis.md §7: low and moderate need clinician contact). */
  readonly cssrsReviewRisks: readonly CssrsRisk[];
  /** Roll-up of dependence-risk factors into a tier (docs/clinical-basis.md §5; thresholds are Keel's, see docs/safety). */
  readonly dependenceRisk: {
    /** Factor count at which the tier is at least "elevated". */
    readonly elevatedAtFactorCount: number;
    /** Factor count at which the tier is "high". */
    readonly highAtFactorCount: number;
    /** Factors that make the tier "high" on their own. */
    readonly strongFactors: readonly DependenceFactorCode[];
  };
  readonly instruments: InstrumentSettings;
}

export const defaultScreeningSettings: ScreeningSettings = {
  minimumAgeYears: 18,
  maximumPlausibleAgeYears: 120,
  intakeBpReviewAbove: { systolicMmHg: 140, diastolicMmHg: 90 },
  plausibleBp: { systolicMmHg: { min: 50, max: 300 }, diastolicMmHg: { min: 20, max: 200 } },
  plausibleWeightKg: { min: 20, max: 400 },
  cardiacOrIcpOutcome: 'exclude',
  cardiacClearedOutcome: 'review',
  sudRemissionReviewUnderMonths: 12,
  auditExcludeZones: ['zone_iv'],
  auditRiskFactorZones: ['zone_ii', 'zone_iii'],
  dast10ExcludeAtOrAbove: 6,
  dast10RiskFactorAtOrAbove: 3,
  cageAidRiskFactorAtOrAbove: 2,
  benzodiazepineBluntingAboveMgPerDay: 8,
  minimumAdequateAntidepressantTrials: 2,
  cssrsExcludeRisks: ['high'],
  cssrsReviewRisks: ['low', 'moderate'],
  dependenceRisk: {
    elevatedAtFactorCount: 1,
    highAtFactorCount: 2,
    strongFactors: ['ACTIVE_SUD', 'AUDIT_ZONE_IV', 'DAST10_SUBSTANTIAL_OR_SEVERE'],
  },
  instruments: defaultInstrumentSettings,
};
