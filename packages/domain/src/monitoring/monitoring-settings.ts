// Every clinical number the monitoring rules use, with docs/clinical-basis.md's value as the default
// docs/clinical-basis.md §1, §4, §5, §7). Where docs/clinical-basis.md gives no number, the default is a
// program choice and says so; a clinic's medical director changes these, never the rule code.

import type {
  AlertSeverity,
  OutcomeInstrument,
  RecurringAssessmentCode,
  SignalCode,
  SignalSeverity,
  TreatmentPhase,
} from './monitoring-types.ts';

export interface RecurringCadence {
  /** Due this many days after the last completion (or at enrolment when never completed). */
  readonly everyDays: number;
  /** Overdue once this many days have passed since it fell due. */
  readonly overdueAfterDays: number;
  /** Phases in which it is asked at all; 'all' = whatever the phase, including before a plan exists. */
  readonly phases: readonly TreatmentPhase[] | 'all';
}

export interface AssessmentCadence {
  readonly recurring: Readonly<Record<RecurringAssessmentCode, RecurringCadence>>;
  readonly cssrs: {
    /** Ask the C-SSRS screener once at intake. */
    readonly atIntake: boolean;
    readonly intakeOverdueAfterHours: number;
    /** Ask it again whenever PHQ-9 item 9 is positive (docs/clinical-basis.md §1: "same-day clinician follow-up and a C-SSRS"). */
    readonly afterPositivePhq9Item9: boolean;
    readonly afterItem9OverdueAfterHours: number;
  };
}

export interface OutcomeSettings {
  /** Response = a fall of at least this percentage from baseline (docs/clinical-basis.md §1: 50). */
  readonly responseMinReductionPct: number;
  /** Remission = latest score strictly below this (docs/clinical-basis.md §1: PHQ-9 < 5, GAD-7 < 5). */
  readonly remissionBelow: Readonly<Record<OutcomeInstrument, number>>;
  /** A change of at least this many points is clinically meaningful (docs/clinical-basis.md §1: PHQ-9 5); null = not defined. */
  readonly meaningfulChangePoints: Readonly<Record<OutcomeInstrument, number | null>>;
  readonly trajectory: {
    /** How many of the most recent scores the trajectory reads (program choice: 3). */
    readonly scores: number;
    /** Net change over those scores that counts as a direction (program choice: 3 points). */
    readonly minNetChangePoints: Readonly<Record<OutcomeInstrument, number>>;
  };
  /** Program-level read-outs, weeks after the first dose (docs/monitoring.md: 4 and 8). */
  readonly checkpointWeeks: readonly number[];
  /** A score counts for a checkpoint when within ± this many days of it (program choice: 7). */
  readonly checkpointWindowDays: number;
}

export interface AlertRuleSetting {
  readonly severity: AlertSeverity;
  readonly holdsDosing: boolean;
}

/**
 * When a new occurrence of a warning sign raises an alert, and when that alert holds dosing, by the signal's
 * severity (`null`: never). The alert's severity is the signal's.
 */
export interface SignalAlertSetting {
  readonly alertAtOrAbove: SignalSeverity | null;
  readonly holdsDosingAtOrAbove: SignalSeverity | null;
}

export interface AlertSettings {
  /** Escalate an unacknowledged alert after this many minutes (30 for high/critical, 240 otherwise). */
  readonly escalateAfterMinutes: Readonly<Record<AlertSeverity, number>>;
  /** Positive is the instrument's flag (instruments.phq9Item9FlagAbove): one setting for the rule. */
  readonly phq9Item9: AlertRuleSetting;
  /** docs/clinical-basis.md §7: low → follow-up within a week; moderate → same day, dosing held; high → immediate, dosing held. */
  readonly cssrs: Readonly<Record<'low' | 'moderate' | 'high', AlertRuleSetting>>;
  readonly seriousAdverseEvent: AlertRuleSetting;
  /**
   * The sitter finds the patient not responsive or not breathing normally, or reports an emergency: the clinician is
   * paged at once and dosing holds until they have looked.
   */
  readonly sessionEmergency: AlertRuleSetting;
  /** The patient ended a session after the dose, before the sitter confirmed they were back to baseline. */
  readonly abortedAfterDose: AlertRuleSetting;
  readonly warningSigns: Readonly<Record<SignalCode, SignalAlertSetting>>;
  readonly sessionVitals: AlertRuleSetting & {
    /** docs/clinical-basis.md §4 hold limits: alert when strictly above. */
    readonly maxSystolicMmHg: number;
    readonly maxDiastolicMmHg: number;
    readonly maxHeartRateBpm: number;
    /** Readings outside these are input errors, not readings (docs/clinical-basis.md §4: systolic < 50 or > 300). */
    readonly plausible: {
      readonly systolicMmHg: readonly [number, number];
      readonly diastolicMmHg: readonly [number, number];
      readonly heartRateBpm: readonly [number, number];
    };
    /** Pre-dose readings are the gate's job (it blocks); the alert covers readings taken after the dose. */
    readonly phases: readonly ('pre' | 'during' | 'post')[];
  };
  readonly sitterChecks: AlertRuleSetting & {
    /** docs/clinical-basis.md §4: the sitter records a check every 15 minutes. */
    readonly intervalMinutes: number;
    /** Slack before a late check counts as missed (program choice: 5). */
    readonly graceMinutes: number;
  };
  readonly urgentMessage: AlertRuleSetting;
  readonly dependenceRiskHigh: AlertRuleSetting;
  /** A patient message not answered within the program's reply time (continuity settings). */
  readonly messageReplyOverdue: AlertRuleSetting;
}

/** Severity of a signal that escalates when it repeats within the window. */
export interface RepeatingSignalSetting {
  readonly severity: SignalSeverity;
  readonly repeatCount: number;
  readonly repeatSeverity: SignalSeverity;
}

export interface WarningSignSettings {
  /** Signals read evidence from the last this-many days (docs/monitoring.md: 90), except LOST_OR_STOLEN. */
  readonly lookbackDays: number;
  readonly earlyRefillRequest: RepeatingSignalSetting;
  readonly doseEscalationPressure: RepeatingSignalSetting;
  readonly countMismatch: {
    /** Fewer units than the ledger expects: possible use outside sessions or diversion. */
    readonly shortfallSeverity: SignalSeverity;
    /** More units than expected: doses not taken as planned, or stockpiling. */
    readonly surplusSeverity: SignalSeverity;
    readonly minDifferenceUnits: number;
  };
  /** docs/clinical-basis.md §5: "any report; two within 6 months is high". */
  readonly lostOrStolen: RepeatingSignalSetting & { readonly windowMonths: number };
  readonly useOutsideSessions: {
    readonly selfReportSeverity: SignalSeverity;
    readonly unmatchedLedgerSeverity: SignalSeverity;
  };
  readonly intervalPressure: {
    /** Gate reason codes that count as an attempt to dose too soon. */
    readonly reasonCodes: readonly string[];
    readonly minAttempts: number;
    readonly windowDays: number;
    /** Blocked attempts closer together than this are one attempt (a retry, a double tap). */
    readonly distinctAfterMinutes: number;
    readonly severity: SignalSeverity;
  };
  readonly craving: {
    /** Severity at or above the craving threshold (the one setting instruments.cravingHighAtOrAbove, docs/clinical-basis.md §5: ≥ 6). */
    readonly thresholdSeverity: SignalSeverity;
    /** docs/clinical-basis.md §5: rising over three check-ins (strictly increasing scores on consecutive scored check-ins). */
    readonly risingCheckIns: number;
    readonly risingSeverity: SignalSeverity;
  };
  /** Any symptom routes to a clinician; pain or blood in the urine is urgent (docs/clinical-basis.md §1), stopping ketamine the treatment. */
  readonly bladderSymptoms: { readonly severity: SignalSeverity; readonly urgentSeverity: SignalSeverity };
  readonly cognitiveComplaints: { readonly severity: SignalSeverity };
  readonly sitterConcern: { readonly severity: SignalSeverity };
  readonly disengagement: {
    /** Missed integration appointments, each followed by dosing, before the signal fires. */
    readonly minMissed: number;
    readonly severity: SignalSeverity;
  };
  readonly substanceScreensWorsening: {
    readonly instruments: readonly string[];
    /** Points above the intake total that count as worse. */
    readonly minIncrease: number;
    readonly severity: SignalSeverity;
  };
  readonly multiplePrescribers: { readonly severity: SignalSeverity };
}

/**
 * How signals and intake risk roll up into the dependence risk tier. Every rule is "at least N signals of a
 * severity", so adding a signal can only raise the tier (a property test holds the code to it).
 */
export interface RiskTierSettings {
  readonly highSignalsForHigh: number;
  readonly moderateSignalsForHigh: number;
  /** Fewer moderate signals suffice when intake already put the patient at elevated risk. */
  readonly moderateSignalsForHighWhenIntakeElevated: number;
  readonly moderateSignalsForElevated: number;
  readonly lowSignalsForElevated: number;
}

export interface MonitoringSettings {
  readonly cadence: AssessmentCadence;
  readonly outcomes: OutcomeSettings;
  readonly alerts: AlertSettings;
  readonly warningSigns: WarningSignSettings;
  readonly riskTier: RiskTierSettings;
}

export const defaultAssessmentCadence: AssessmentCadence = {
  recurring: {
    // Daily check-in during induction, when sessions are closest together (docs/monitoring.md).
    checkin: { everyDays: 1, overdueAfterDays: 1, phases: ['induction'] },
    phq9: { everyDays: 7, overdueAfterDays: 3, phases: 'all' },
    gad7: { everyDays: 7, overdueAfterDays: 3, phases: 'all' },
    'audit-c': { everyDays: 30, overdueAfterDays: 7, phases: 'all' },
    dast10: { everyDays: 30, overdueAfterDays: 7, phases: 'all' },
    bladder: { everyDays: 30, overdueAfterDays: 7, phases: 'all' },
  },
  cssrs: {
    atIntake: true,
    intakeOverdueAfterHours: 72,
    afterPositivePhq9Item9: true,
    afterItem9OverdueAfterHours: 24,
  },
};

export const defaultMonitoringSettings: MonitoringSettings = {
  cadence: defaultAssessmentCadence,
  outcomes: {
    responseMinReductionPct: 50,
    remissionBelow: { phq9: 5, gad7: 5 },
    // docs/clinical-basis.md gives a meaningful-change figure for PHQ-9 only; none is invented for GAD-7.
    meaningfulChangePoints: { phq9: 5, gad7: null },
    trajectory: { scores: 3, minNetChangePoints: { phq9: 3, gad7: 3 } },
    checkpointWeeks: [4, 8],
    checkpointWindowDays: 7,
  },
  alerts: {
    escalateAfterMinutes: { low: 240, moderate: 240, high: 30, critical: 30 },
    phq9Item9: { severity: 'high', holdsDosing: true },
    cssrs: {
      low: { severity: 'moderate', holdsDosing: false },
      moderate: { severity: 'high', holdsDosing: true },
      high: { severity: 'critical', holdsDosing: true },
    },
    seriousAdverseEvent: { severity: 'critical', holdsDosing: true },
    sessionEmergency: { severity: 'critical', holdsDosing: true },
    abortedAfterDose: { severity: 'high', holdsDosing: false },
    // Every warning sign reaches a clinician; the ones that bear directly on the next dose also hold it.
    warningSigns: {
      EARLY_REFILL_REQUEST: { alertAtOrAbove: 'low', holdsDosingAtOrAbove: null },
      DOSE_ESCALATION_PRESSURE: { alertAtOrAbove: 'low', holdsDosingAtOrAbove: null },
      COUNT_MISMATCH: { alertAtOrAbove: 'low', holdsDosingAtOrAbove: null },
      // docs/clinical-basis.md §5: any report; two within 6 months is high — and holds.
      LOST_OR_STOLEN: { alertAtOrAbove: 'low', holdsDosingAtOrAbove: 'high' },
      USE_OUTSIDE_SESSIONS: { alertAtOrAbove: 'low', holdsDosingAtOrAbove: 'low' },
      INTERVAL_PRESSURE: { alertAtOrAbove: 'low', holdsDosingAtOrAbove: null },
      // Strong craving for the drug about to be given: a clinician looks before the next dose.
      CRAVING: { alertAtOrAbove: 'low', holdsDosingAtOrAbove: 'moderate' },
      // Pain or blood in the urine (urgent): stopping ketamine is the treatment.
      BLADDER_SYMPTOMS: { alertAtOrAbove: 'low', holdsDosingAtOrAbove: 'high' },
      COGNITIVE_COMPLAINTS: { alertAtOrAbove: 'low', holdsDosingAtOrAbove: null },
      SITTER_CONCERN: { alertAtOrAbove: 'low', holdsDosingAtOrAbove: null },
      DISENGAGEMENT: { alertAtOrAbove: 'low', holdsDosingAtOrAbove: null },
      SUBSTANCE_SCREENS_WORSENING: { alertAtOrAbove: 'low', holdsDosingAtOrAbove: null },
      MULTIPLE_PRESCRIBERS: { alertAtOrAbove: 'low', holdsDosingAtOrAbove: null },
    },
    sessionVitals: {
      maxSystolicMmHg: 160,
      maxDiastolicMmHg: 100,
      maxHeartRateBpm: 110,
      plausible: { systolicMmHg: [50, 300], diastolicMmHg: [20, 200], heartRateBpm: [20, 250] },
      phases: ['during', 'post'],
      severity: 'high',
      // A transient rise at the 30–45 min peak is expected; the gate re-checks pre-dose vitals every session, so
      // the default asks for a clinician's eyes, not a hold. A clinic can make it hold.
      holdsDosing: false,
    },
    sitterChecks: { intervalMinutes: 15, graceMinutes: 5, severity: 'high', holdsDosing: false },
    urgentMessage: { severity: 'critical', holdsDosing: true },
    // "Recommends a dosing hold": the hold stands until a clinician reviews and clears it (fail closed).
    dependenceRiskHigh: { severity: 'high', holdsDosing: true },
    // A late answer is a service failure, not a clinical finding: someone must pick the thread up; no hold.
    messageReplyOverdue: { severity: 'moderate', holdsDosing: false },
  },
  warningSigns: {
    lookbackDays: 90,
    earlyRefillRequest: { severity: 'low', repeatCount: 2, repeatSeverity: 'moderate' },
    doseEscalationPressure: { severity: 'low', repeatCount: 2, repeatSeverity: 'moderate' },
    countMismatch: { shortfallSeverity: 'moderate', surplusSeverity: 'low', minDifferenceUnits: 1 },
    lostOrStolen: { windowMonths: 6, severity: 'moderate', repeatCount: 2, repeatSeverity: 'high' },
    useOutsideSessions: { selfReportSeverity: 'high', unmatchedLedgerSeverity: 'high' },
    intervalPressure: {
      reasonCodes: ['MIN_INTERVAL_NOT_MET'],
      minAttempts: 2,
      windowDays: 14,
      distinctAfterMinutes: 60,
      severity: 'moderate',
    },
    craving: { thresholdSeverity: 'moderate', risingCheckIns: 3, risingSeverity: 'low' },
    bladderSymptoms: { severity: 'moderate', urgentSeverity: 'high' },
    cognitiveComplaints: { severity: 'low' },
    sitterConcern: { severity: 'moderate' },
    disengagement: { minMissed: 2, severity: 'low' },
    substanceScreensWorsening: { instruments: ['audit-c', 'dast10'], minIncrease: 1, severity: 'moderate' },
    multiplePrescribers: { severity: 'moderate' },
  },
  riskTier: {
    highSignalsForHigh: 1,
    moderateSignalsForHigh: 3,
    moderateSignalsForHighWhenIntakeElevated: 2,
    moderateSignalsForElevated: 1,
    lowSignalsForElevated: 2,
  },
};
