import type { InstrumentSettings } from './instrument-settings.ts';

// Instruments are data: a definition (serialisable to JSON for GET /api/v1/instruments) plus a pure scoring
// function kept beside it. docs/clinical-basis.md §1: "a new instrument is a new file, not new control flow".

export type InstrumentCode = 'phq9' | 'gad7' | 'cssrs-screen' | 'audit' | 'audit-c' | 'dast10' | 'bladder' | 'craving';

/** An answer is the `value` of one of the item's options: a number for scales, a boolean for yes/no items. */
export type AnswerValue = number | boolean;

export interface InstrumentOption {
  readonly value: AnswerValue;
  readonly label: string;
  readonly points: number;
}

/**
 * When an item is shown. JSON-serialisable so the UI and the server evaluate the same skip logic
 * (see `isItemVisible`). `item`/`in`: shown when that item's answer is one of the listed values.
 */
export type ShowIf = { readonly item: string; readonly in: readonly AnswerValue[] } | { readonly anyOf: readonly ShowIf[] };

export interface InstrumentItem {
  readonly id: string;
  readonly text: string;
  readonly options: readonly InstrumentOption[];
  readonly showIf?: ShowIf;
  /** false: recorded but adds nothing to the total (PHQ-9 item 10). */
  readonly scored: boolean;
  /** true: may be left unanswered even when shown (PHQ-9 item 10 is asked only "if you checked off any problems"). */
  readonly optional?: boolean;
  readonly help?: string;
}

export interface InstrumentBand {
  readonly band: string;
  readonly label: string;
  /** Inclusive total range, for instruments banded by total. */
  readonly min?: number;
  readonly max?: number;
}

export interface InstrumentDefinition {
  readonly code: InstrumentCode;
  readonly name: string;
  readonly version: string;
  readonly instructions: string;
  readonly items: readonly InstrumentItem[];
  /** Possible totals; null for the C-SSRS screener, which has no total (risk = most severe answer). */
  readonly range: { readonly min: number; readonly max: number } | null;
  readonly bands: readonly InstrumentBand[];
  readonly scoring: string;
  readonly attribution: string;
}

export type CssrsRisk = 'none' | 'low' | 'moderate' | 'high';

export type InstrumentFlag =
  | 'PHQ9_ITEM9_POSITIVE'
  | 'GAD7_EVALUATE'
  | 'CSSRS_LOW'
  | 'CSSRS_MODERATE'
  | 'CSSRS_HIGH'
  | 'AUDIT_ZONE_II'
  | 'AUDIT_ZONE_III'
  | 'AUDIT_ZONE_IV'
  | 'AUDIT_ZONE_MOVED_UP'
  | 'AUDITC_POSITIVE'
  | 'DAST10_POSITIVE'
  | 'BLADDER_POSITIVE'
  | 'BLADDER_URGENT'
  | 'CRAVING_HIGH'
  | 'USE_OUTSIDE_SESSION';

export interface AnswerError {
  readonly item: string;
  readonly message: string;
}

export interface ScoredInstrument {
  readonly kind: 'scored';
  readonly code: InstrumentCode;
  readonly version: string;
  /** null only for the C-SSRS screener (no total). */
  readonly total: number | null;
  readonly band: string;
  readonly flags: InstrumentFlag[];
  readonly risk?: CssrsRisk;
  /** Every answered item, normalised: the option value (number for scales, boolean for yes/no). */
  readonly items: Record<string, number | boolean>;
}

export interface InvalidAnswers {
  readonly kind: 'invalid';
  readonly code: InstrumentCode;
  readonly errors: AnswerError[];
}

export interface UnknownInstrument {
  readonly kind: 'unknown_instrument';
  readonly code: string;
}

export type ScoreResult = ScoredInstrument | InvalidAnswers | UnknownInstrument;

export type SexAtBirth = 'female' | 'male';

/** What an instrument's own scoring function returns once the answers have been validated. */
export type InstrumentOutcome =
  | { readonly kind: 'ok'; readonly total: number | null; readonly band: string; readonly flags: InstrumentFlag[]; readonly risk?: CssrsRisk }
  | { readonly kind: 'invalid'; readonly errors: AnswerError[] };

export interface InstrumentScoringInput {
  /** Validated answers to the shown items only. */
  readonly answers: Readonly<Record<string, AnswerValue>>;
  readonly sexAtBirth: SexAtBirth | undefined;
  readonly settings: InstrumentSettings;
}

export interface InstrumentModule {
  readonly definition: InstrumentDefinition;
  readonly score: (input: InstrumentScoringInput) => InstrumentOutcome;
}
