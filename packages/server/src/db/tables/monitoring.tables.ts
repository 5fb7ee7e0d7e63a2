/** Kysely types of the monitoring tables (see migrations/0005-monitoring.ts). */
import type { ColumnType } from 'kysely';

// Same shape as schema.ts's Timestamp, declared here so the table file does not import schema.ts (a cycle).
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type RiskTierValue = 'low' | 'elevated' | 'high';

export interface CheckInsTable {
  id: string;
  patient_id: string;
  submitted_at: Timestamp;
  submitted_by: string | null;
  mood_0_10: number;
  /** numeric(4,1): read back as a number (see db/database.ts type parsers). */
  sleep_hours: number;
  craving_0_10: number | null;
  used_outside_session: boolean;
  bladder_symptoms: boolean;
  cognitive_complaint: boolean;
  side_effects: ColumnType<string[], string[] | undefined, string[]>;
  note: string | null;
}

export interface RiskEvaluationsTable {
  id: string;
  patient_id: string;
  evaluated_at: Timestamp;
  tier: RiskTierValue;
  previous_tier: RiskTierValue | null;
  /** What asked for the evaluation: `check_in`, `nightly`, … */
  trigger: string;
  signal_codes: ColumnType<string[], string[] | undefined, string[]>;
  signals: ColumnType<unknown[], string | undefined, string>;
  factors: ColumnType<unknown[], string | undefined, string>;
  explanation: ColumnType<unknown[], string | undefined, string>;
}

/** The current tier, one row per patient (null tier: never evaluated). */
export interface PatientRiskTable {
  patient_id: string;
  tier: RiskTierValue | null;
  evaluation_id: string | null;
  evaluated_at: Timestamp | null;
}

/**
 * The clinician panel's facts per patient, maintained on write by deferred triggers (migrations/0008-panel-summary.ts).
 * Written only by the database; the application reads it.
 */
export interface PatientPanelSummaryTable {
  patient_id: string;
  evaluated_tier: RiskTierValue | null;
  intake_tier: RiskTierValue | null;
  alerts_critical: number;
  alerts_high: number;
  alerts_moderate: number;
  alerts_low: number;
  phq9_latest: number | null;
  phq9_latest_at: Timestamp | null;
  phq9_baseline: number | null;
  /** The earliest session still `scheduled`, whatever its time (a passed one is looked past by the panel). */
  next_scheduled_at: Timestamp | null;
  last_phq9: Timestamp | null;
  last_gad7: Timestamp | null;
  last_audit_c: Timestamp | null;
  last_dast10: Timestamp | null;
  last_bladder: Timestamp | null;
  last_cssrs: Timestamp | null;
  last_item9_positive: Timestamp | null;
  phase: string | null;
  refreshed_at: Timestamp;
}

/**
 * Each patient's craving scores (check-ins and craving checks) in the CRAVING rule's order, with the length of the
 * strictly rising streak ending at each; maintained by triggers (migrations/0022-craving-series.ts), read by the
 * warning-sign input. Written only by the database.
 */
export interface CravingSeriesTable {
  patient_id: string;
  at: Timestamp;
  /** 0 a check-in, 1 a craving check: their order at one instant. */
  src: number;
  id: string;
  score: number;
  streak: number;
}

export interface MonitoringTables {
  check_ins: CheckInsTable;
  risk_evaluations: RiskEvaluationsTable;
  patient_risk: PatientRiskTable;
  patient_panel_summary: PatientPanelSummaryTable;
  craving_series: CravingSeriesTable;
}
