// Vocabulary shared by the monitoring rules (schedule, outcomes, alerts, warning signs). Kept apart from the
// settings and the rules so that neither imports the other in a cycle.

export type TreatmentPhase = 'induction' | 'maintenance' | 'taper';

/** What a patient can be asked to complete; `checkin` is the daily check-in, the rest are instruments. */
export type ScheduledAssessmentCode = 'checkin' | 'phq9' | 'gad7' | 'audit-c' | 'dast10' | 'bladder' | 'cssrs-screen';
/** The codes that recur on a cadence; the C-SSRS screener is event-driven (intake, positive PHQ-9 item 9). */
export type RecurringAssessmentCode = Exclude<ScheduledAssessmentCode, 'cssrs-screen'>;

export type OutcomeInstrument = 'phq9' | 'gad7';

/** C-SSRS screener risk as scored by the instrument (docs/clinical-basis.md §1). */
export type CssrsRiskLevel = 'none' | 'low' | 'moderate' | 'high';

export type SignalSeverity = 'low' | 'moderate' | 'high';
export type AlertSeverity = 'low' | 'moderate' | 'high' | 'critical';
export type RiskTier = 'low' | 'elevated' | 'high';

/** Dependence and misuse warning signs, docs/clinical-basis.md §5 (one per table row). */
export const SIGNAL_CODES = [
  'EARLY_REFILL_REQUEST',
  'DOSE_ESCALATION_PRESSURE',
  'COUNT_MISMATCH',
  'LOST_OR_STOLEN',
  'USE_OUTSIDE_SESSIONS',
  'INTERVAL_PRESSURE',
  'CRAVING',
  'BLADDER_SYMPTOMS',
  'COGNITIVE_COMPLAINTS',
  'SITTER_CONCERN',
  'DISENGAGEMENT',
  'SUBSTANCE_SCREENS_WORSENING',
  'MULTIPLE_PRESCRIBERS',
] as const;
export type SignalCode = (typeof SIGNAL_CODES)[number];

/**
 * Safety alerts a submission (or the sitter-check sweep) can raise. Named apart from the instrument flags
 * (`PHQ9_ITEM9_POSITIVE`, `CSSRS_HIGH`) and the gate's reason codes: a flag is a scoring fact, an alert is the
 * work item a clinician must acknowledge.
 */
export const ALERT_CODES = [
  'SUICIDE_RISK_PHQ9_ITEM9',
  'SUICIDE_RISK_CSSRS_LOW',
  'SUICIDE_RISK_CSSRS_MODERATE',
  'SUICIDE_RISK_CSSRS_HIGH',
  'SESSION_EMERGENCY',
  'SERIOUS_ADVERSE_EVENT_REPORTED',
  'SESSION_ABORTED_AFTER_DOSE',
  'SESSION_VITALS_ABOVE_LIMITS',
  'SITTER_CHECK_OVERDUE',
  'URGENT_MESSAGE_LANGUAGE',
  'DEPENDENCE_RISK_BECAME_HIGH',
  // A new occurrence of a warning sign (docs/clinical-basis.md §5) raises an alert under the signal's own code, one per new evidence.
  ...SIGNAL_CODES,
  'MESSAGE_REPLY_OVERDUE',
] as const;
export type AlertCode = (typeof ALERT_CODES)[number];

const SIGNAL_SEVERITY_RANK: Record<SignalSeverity, number> = { low: 1, moderate: 2, high: 3 };
const TIER_RANK: Record<RiskTier, number> = { low: 0, elevated: 1, high: 2 };

export const signalSeverityRank = (s: SignalSeverity): number => SIGNAL_SEVERITY_RANK[s];
export const maxSignalSeverity = (a: SignalSeverity, b: SignalSeverity): SignalSeverity =>
  SIGNAL_SEVERITY_RANK[a] >= SIGNAL_SEVERITY_RANK[b] ? a : b;
export const riskTierRank = (t: RiskTier): number => TIER_RANK[t];
export const maxRiskTier = (a: RiskTier, b: RiskTier): RiskTier => (TIER_RANK[a] >= TIER_RANK[b] ? a : b);
