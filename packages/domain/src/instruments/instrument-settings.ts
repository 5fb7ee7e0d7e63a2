// Thresholds that are clinic policy rather than part of an instrument's published scoring. Defaults are the values
// of docs/clinical-basis.md §1 and §5; a medical director may change them without a code change. Published band
// cut-offs (PHQ-9 severity, WHO AUDIT zones, DAST-10 levels) live in each instrument's versioned definition instead:
// changing those would make it a different instrument.

export interface InstrumentSettings {
  /** PHQ-9 item 9 above this value is a safety flag whatever the total (docs/clinical-basis.md §1: item 9 > 0). */
  readonly phq9Item9FlagAbove: number;
  /** GAD-7 total at or above this warrants evaluation (docs/clinical-basis.md §1: ≥ 10). */
  readonly gad7EvaluateAtOrAbove: number;
  /** WHO move-up rule: one zone up when any of these items reaches the threshold (docs/clinical-basis.md §1). */
  readonly auditMoveUp: {
    /** Q4–Q6 (dependence symptoms) at or above this value (reference: ≥ 2). */
    readonly dependenceItemsAtOrAbove: number;
    /** Q9–Q10 (alcohol-related harm) at or above this value (reference: = 4, i.e. "during the last year"). */
    readonly harmItemsAtOrAbove: number;
  };
  /** AUDIT-C positive at or above, by sex at birth as recorded (docs/clinical-basis.md §1: ≥ 4 men, ≥ 3 women). */
  readonly auditCPositiveAtOrAbove: { readonly male: number; readonly female: number };
  /** DAST-10 positive screen at or above (docs/clinical-basis.md §1: ≥ 3). */
  readonly dast10PositiveAtOrAbove: number;
  /** Craving urge (0–10) at or above this is a warning sign (docs/clinical-basis.md §5: ≥ 6). */
  readonly cravingHighAtOrAbove: number;
}

export const defaultInstrumentSettings: InstrumentSettings = {
  phq9Item9FlagAbove: 0,
  gad7EvaluateAtOrAbove: 10,
  auditMoveUp: { dependenceItemsAtOrAbove: 2, harmItemsAtOrAbove: 4 },
  auditCPositiveAtOrAbove: { male: 4, female: 3 },
  dast10PositiveAtOrAbove: 3,
  cravingHighAtOrAbove: 6,
};
