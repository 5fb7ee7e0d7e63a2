// Program-wide dosing and gate settings. Every clinical number the plan, ledger and gate rules use lives here, with
// the value of docs/clinical-basis.md docs/clinical-basis.md §3–§6) as its default, so that a
// clinic's medical director can change it without a code change. A treatment plan can only narrow these limits
// (see plan/plan-rules.ts), never loosen them.

import { isIsoDate, isValidTimeZone } from './zoned-time.ts';

export const ROUTES = ['sublingual', 'oral'] as const;
/** Routes used at home (docs/clinical-basis.md §3). */
export type Route = (typeof ROUTES)[number];

/** A validation failure that names the field a person has to fix (maps to the API's `errors: [{field, message}]`). */
export interface FieldError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export interface VitalsThresholds {
  readonly systolicMmHg: number;
  readonly diastolicMmHg: number;
  readonly heartRateBpm: number;
}

export interface InclusiveRange {
  readonly min: number;
  readonly max: number;
}

/** Values outside these ranges are input errors, not readings (docs/clinical-basis.md §4.6). */
export interface VitalsHumanRange {
  readonly systolicMmHg: InclusiveRange;
  readonly diastolicMmHg: InclusiveRange;
  readonly heartRateBpm: InclusiveRange;
  readonly spo2Pct: InclusiveRange;
}

export interface FollowUpCadence {
  /** A clinician follow-up visit is required after the first session. */
  readonly afterFirstSession: boolean;
  /** ...and after every this many sessions. */
  readonly everySessions: number;
}

export interface RefillSettings {
  /** Schedule III: at most 5 refills within 6 months of the prescription (21 USC 829(b); docs/clinical-basis.md §6). */
  readonly maxRefills: number;
  readonly windowMonths: number;
  /**
   * A refill becomes eligible this many days before the patient's on-hand doses are projected to run out at the
   * fastest pace the plan allows. Not in docs/clinical-basis.md: a program choice that leaves time to ship. The
   * default (3 days) equals one minimum interval, so a refill asked for on time arrives before it is needed.
   */
  readonly leadDays: number;
}

export interface RetentionSettings {
  /** Dispensing records, 21 CFR 1304.04: at least 2 years (some states 5). */
  readonly dispensingRecordYears: number;
  /** Audit logs, HIPAA documentation retention: at least 6 years. */
  readonly auditYears: number;
}

/** PDMP check windows (docs/compliance.md): how recent a prescription drug monitoring program check must be. */
export interface PdmpWindowSettings {
  /** A check within this many days before a plan is signed (default 30). */
  readonly beforePlanSignDays: number;
  /** A check within this many days before each dispense, and never older than the previous dispense (default 7). */
  readonly beforeDispenseDays: number;
  /** While a patient is dosing, a check at least this often (default 90). */
  readonly whileActiveEveryDays: number;
}

/**
 * Prescribing compliance (docs/compliance.md): the law's dates and the PDMP windows as configuration, so a clinic can
 * follow a change in the rules the day it happens, without a release.
 */
export interface ComplianceSettings {
  /**
   * The last day (YYYY-MM-DD, inclusive, in `timeZone`) a patient may be prescribed for under the DEA/HHS
   * telemedicine flexibilities without an in-person evaluation (default 2026-12-31, the fourth extension).
   */
  readonly telemedicineFlexibilityUntil: string;
  /** The IANA time zone the program's dates are read in: a date ends at local midnight there (default America/New_York). */
  readonly timeZone: string;
  readonly pdmp: PdmpWindowSettings;
}

export interface DosingSettings {
  /** Minimum hours between two authorized sessions (docs/clinical-basis.md §3, default 72). */
  readonly minHoursBetweenSessions: number;
  /** Maximum sessions in any rolling window of `rollingWindowDays` (docs/clinical-basis.md §3, default 2 per 7 days). */
  readonly maxSessionsPer7Days: number;
  /** Length of the rolling window the weekly maximum counts over. Kept at 7 unless the program redefines "week". */
  readonly rollingWindowDays: number;
  /** Hours fasted before a dose (docs/clinical-basis.md §3, default 4). */
  readonly fastingHours: number;
  /** Hold dosing when a pre-dose reading is ABOVE any of these (docs/clinical-basis.md §4.6, default 160/100, HR 110). */
  readonly vitalsHold: VitalsThresholds;
  readonly vitalsHumanRange: VitalsHumanRange;
  /** The sitter's attestation counts for this long (docs/clinical-basis.md §4.5, 30 min). */
  readonly sitterAttestationFreshnessMinutes: number;
  /** Pre-dose vitals count for this long (docs/clinical-basis.md §4.6, 30 min). */
  readonly vitalsFreshnessMinutes: number;
  /** The pre-dose checklist counts for this long. Not in docs/clinical-basis.md; a program choice (60 min). */
  readonly checklistFreshnessMinutes: number;
  /** After more than this many days without a session, a clinician visit is required (docs/clinical-basis.md §3, 90). */
  readonly maxDaysWithoutClinicianVisit: number;
  /** Default follow-up cadence (docs/clinical-basis.md §3: after the first session and every 6 sessions). */
  readonly followUp: FollowUpCadence;
  /**
   * Program outer limit on the dose per session, per route. docs/clinical-basis.md has no single maximum; these
   * defaults are the top of the published at-home ranges (sublingual 300–450 mg; oral ≈ sublingual × 30/22.5
   * bioavailability = 600 mg). A plan's maximum may not exceed them.
   */
  readonly maxDoseMgByRoute: Readonly<Record<Route, number>>;
  readonly refill: RefillSettings;
  readonly retention: RetentionSettings;
  /**
   * An authorization is a go-ahead for a dose now, not a voucher: it lapses this many minutes after it was given
   * (default 30: the freshness of the sitter's attestation and the pre-dose vitals it was decided on; never more
   * than 60, see CLINICAL_BOUNDS).
   */
  readonly authorizationValidMinutes: number;
  /**
   * A session cannot be completed sooner than this after the dose was taken (default 60: the effect peaks at 30–45
   * minutes and most people are back to baseline within 1–2 hours), and never without the sitter's own
   * back-to-baseline confirmation.
   */
  readonly minObservationMinutes: number;
  /** Prescribing compliance: pathway dates and PDMP windows (docs/compliance.md). */
  readonly compliance: ComplianceSettings;
}

export const defaultDosingSettings: DosingSettings = Object.freeze({
  minHoursBetweenSessions: 72,
  maxSessionsPer7Days: 2,
  rollingWindowDays: 7,
  fastingHours: 4,
  vitalsHold: Object.freeze({ systolicMmHg: 160, diastolicMmHg: 100, heartRateBpm: 110 }),
  vitalsHumanRange: Object.freeze({
    systolicMmHg: Object.freeze({ min: 50, max: 300 }),
    diastolicMmHg: Object.freeze({ min: 20, max: 200 }),
    heartRateBpm: Object.freeze({ min: 20, max: 250 }),
    spo2Pct: Object.freeze({ min: 50, max: 100 }),
  }),
  sitterAttestationFreshnessMinutes: 30,
  vitalsFreshnessMinutes: 30,
  checklistFreshnessMinutes: 60,
  maxDaysWithoutClinicianVisit: 90,
  followUp: Object.freeze({ afterFirstSession: true, everySessions: 6 }),
  maxDoseMgByRoute: Object.freeze({ sublingual: 450, oral: 600 }),
  refill: Object.freeze({ maxRefills: 5, windowMonths: 6, leadDays: 3 }),
  retention: Object.freeze({ dispensingRecordYears: 2, auditYears: 6 }),
  authorizationValidMinutes: 30,
  minObservationMinutes: 60,
  compliance: Object.freeze({
    telemedicineFlexibilityUntil: '2026-12-31',
    timeZone: 'America/New_York',
    pdmp: Object.freeze({ beforePlanSignDays: 30, beforeDispenseDays: 7, whileActiveEveryDays: 90 }),
  }),
});

/**
 * Limits set by law rather than by clinical judgement: a medical director may be stricter, never looser.
 * Schedule III refills (21 USC 829(b)), dispensing records (21 CFR 1304.04), HIPAA documentation (45 CFR 164.316).
 */
export const REGULATORY_LIMITS = Object.freeze({
  maxRefillsCeiling: 5,
  refillWindowMonthsCeiling: 6,
  dispensingRecordYearsFloor: 2,
  auditYearsFloor: 6,
});

/**
 * Hard bounds on the clinical limits: a medical director may set any value inside them (loosening one still needs a
 * prescriber's co-signature, see settings-change.ts), never one outside. Each bound and its source is listed in
 * docs/safety/SETTINGS_BOUNDS.md. `max` bounds a limit that is looser when higher, `min` one that is looser when lower.
 */
export const CLINICAL_BOUNDS = Object.freeze({
  /** Daily low-dose programs are the fastest published pace: never closer than 24 hours. */
  minHoursBetweenSessions: { min: 24 },
  /** One session a day at most, consistent with the 24-hour floor. */
  maxSessionsPer7Days: { max: 7 },
  /** A shorter window would let more sessions into a "week". */
  rollingWindowDays: { min: 7 },
  /** Pre-procedural fasting for light food is at least 2 hours in every published protocol Keel follows. */
  fastingHours: { min: 2 },
  /** Grade 3 (severe) hypertension starts at 180/110 mmHg (ESC/ESH 2018); 120/min is marked resting tachycardia. */
  vitalsHold: { systolicMmHg: { max: 180 }, diastolicMmHg: { max: 110 }, heartRateBpm: { max: 120 } },
  sitterAttestationFreshnessMinutes: { max: 60 },
  vitalsFreshnessMinutes: { max: 60 },
  checklistFreshnessMinutes: { max: 120 },
  /** More than 90 days without a session needs a clinician visit first; a clinic may only shorten that. */
  maxDaysWithoutClinicianVisit: { max: 90 },
  followUp: { everySessions: { max: 12 } },
  /** A third above the top of the published at-home ranges (sublingual 300–450 mg, oral ≈ 600 mg). */
  maxDoseMgByRoute: { sublingual: { max: 600 }, oral: { max: 800 } },
  authorizationValidMinutes: { max: 60 },
  /** The effect peaks at 30–45 minutes: no session is closed before the peak has passed. */
  minObservationMinutes: { min: 45 },
  /**
   * PDMP windows (docs/compliance.md): a check older than a quarter describes another prescribing picture (state
   * laws that require re-checks ask for one at least every 90 days); before a fill, never older than 30 days.
   */
  compliance: { pdmp: { beforePlanSignDays: { max: 90 }, beforeDispenseDays: { max: 30 }, whileActiveEveryDays: { max: 90 } } },
});

type Bound = { readonly min?: number; readonly max?: number };

/** Errors for values outside CLINICAL_BOUNDS (only for values that are numbers: their type is checked elsewhere). */
function boundErrors(settings: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const walk = (bounds: Record<string, unknown>, values: Record<string, unknown>, prefix: string): void => {
    for (const [key, bound] of Object.entries(bounds)) {
      const field = `${prefix}${key}`;
      const b = bound as Bound & Record<string, unknown>;
      if (typeof b.min === 'number' || typeof b.max === 'number') {
        const v = values[key];
        if (!isFiniteNumber(v)) continue;
        if (b.min !== undefined && v < b.min)
          errors.push({ field, code: 'BELOW_CLINICAL_FLOOR', message: `${field} cannot be below ${b.min}: it is a hard clinical bound.` });
        if (b.max !== undefined && v > b.max)
          errors.push({ field, code: 'ABOVE_CLINICAL_CEILING', message: `${field} cannot be above ${b.max}: it is a hard clinical bound.` });
      } else {
        walk(b, asRecord(values[key]), `${field}.`);
      }
    }
  };
  walk(CLINICAL_BOUNDS, settings, '');
  return errors;
}

type Check = (errors: FieldError[]) => void;

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function positive(field: string, v: unknown): Check {
  return (errors) => {
    if (!isFiniteNumber(v) || v <= 0) errors.push({ field, code: 'NOT_POSITIVE', message: `${field} must be a positive number.` });
  };
}

function positiveInteger(field: string, v: unknown): Check {
  return (errors) => {
    if (!isFiniteNumber(v) || !Number.isInteger(v) || v < 1)
      errors.push({ field, code: 'NOT_POSITIVE_INTEGER', message: `${field} must be a whole number of at least 1.` });
  };
}

function nonNegative(field: string, v: unknown): Check {
  return (errors) => {
    if (!isFiniteNumber(v) || v < 0) errors.push({ field, code: 'NEGATIVE', message: `${field} must be zero or more.` });
  };
}

const VITAL_KEYS = ['systolicMmHg', 'diastolicMmHg', 'heartRateBpm'] as const;

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** Every problem with a settings object, each naming its field; an empty list means the settings may be used. */
export function validateDosingSettings(settings: DosingSettings): FieldError[] {
  const errors: FieldError[] = [];
  const s = asRecord(settings);
  if (typeof settings !== 'object' || settings === null) {
    return [{ field: '', code: 'NOT_AN_OBJECT', message: 'Settings must be an object.' }];
  }
  const checks: Check[] = [
    positive('minHoursBetweenSessions', s.minHoursBetweenSessions),
    positiveInteger('maxSessionsPer7Days', s.maxSessionsPer7Days),
    positive('rollingWindowDays', s.rollingWindowDays),
    nonNegative('fastingHours', s.fastingHours),
    positive('sitterAttestationFreshnessMinutes', s.sitterAttestationFreshnessMinutes),
    positive('vitalsFreshnessMinutes', s.vitalsFreshnessMinutes),
    positive('checklistFreshnessMinutes', s.checklistFreshnessMinutes),
    positive('maxDaysWithoutClinicianVisit', s.maxDaysWithoutClinicianVisit),
    positive('authorizationValidMinutes', s.authorizationValidMinutes),
    positive('minObservationMinutes', s.minObservationMinutes),
  ];
  for (const c of checks) c(errors);

  // Human ranges first: the hold thresholds are checked against them.
  const range = asRecord(s.vitalsHumanRange);
  for (const key of [...VITAL_KEYS, 'spo2Pct'] as const) {
    const r = asRecord(range[key]);
    const field = `vitalsHumanRange.${key}`;
    if (!isFiniteNumber(r.min) || !isFiniteNumber(r.max) || r.min < 0 || r.min >= r.max) {
      errors.push({ field, code: 'INVALID_RANGE', message: `${field} needs numbers with 0 ≤ min < max.` });
    }
  }
  // The plausible range may not hide a dangerous reading as "impossible": it must reach at least these values.
  const mustReach: Record<string, { maxAtLeast: number; minAtMost: number }> = {
    systolicMmHg: { maxAtLeast: 250, minAtMost: 70 },
    diastolicMmHg: { maxAtLeast: 150, minAtMost: 40 },
    heartRateBpm: { maxAtLeast: 200, minAtMost: 30 },
    spo2Pct: { maxAtLeast: 100, minAtMost: 70 },
  };
  for (const [key, reach] of Object.entries(mustReach)) {
    const r = asRecord(range[key]);
    const field = `vitalsHumanRange.${key}`;
    if (isFiniteNumber(r.min) && isFiniteNumber(r.max) && r.min < r.max && (r.max < reach.maxAtLeast || r.min > reach.minAtMost)) {
      errors.push({
        field,
        code: 'OUTSIDE_CLINICAL_BOUNDS',
        message: `${field} must accept readings from ${reach.minAtMost} to ${reach.maxAtLeast}: a narrower range would refuse a dangerous reading as impossible.`,
      });
    }
  }
  const spo2 = asRecord(range.spo2Pct);
  if (isFiniteNumber(spo2.max) && spo2.max > 100) {
    errors.push({ field: 'vitalsHumanRange.spo2Pct', code: 'INVALID_RANGE', message: 'Oxygen saturation cannot exceed 100%.' });
  }

  const hold = asRecord(s.vitalsHold);
  for (const key of VITAL_KEYS) {
    const field = `vitalsHold.${key}`;
    const v = hold[key];
    const r = asRecord(range[key]);
    if (!isFiniteNumber(v)) {
      errors.push({ field, code: 'NOT_A_NUMBER', message: `${field} must be a number.` });
    } else if (isFiniteNumber(r.min) && isFiniteNumber(r.max) && (v < r.min || v > r.max)) {
      // A threshold outside human range would either hold every reading or never hold any.
      errors.push({
        field,
        code: 'OUTSIDE_HUMAN_RANGE',
        message: `${field} must lie within the human range ${r.min}–${r.max}.`,
      });
    }
  }

  const followUp = asRecord(s.followUp);
  if (typeof followUp.afterFirstSession !== 'boolean') {
    errors.push({ field: 'followUp.afterFirstSession', code: 'NOT_A_BOOLEAN', message: 'followUp.afterFirstSession must be true or false.' });
  }
  positiveInteger('followUp.everySessions', followUp.everySessions)(errors);

  const maxDose = asRecord(s.maxDoseMgByRoute);
  for (const route of ROUTES) positive(`maxDoseMgByRoute.${route}`, maxDose[route])(errors);

  const refill = asRecord(s.refill);
  positiveInteger('refill.windowMonths', refill.windowMonths)(errors);
  nonNegative('refill.leadDays', refill.leadDays)(errors);
  if (!isFiniteNumber(refill.maxRefills) || !Number.isInteger(refill.maxRefills) || refill.maxRefills < 0) {
    errors.push({ field: 'refill.maxRefills', code: 'NOT_A_COUNT', message: 'refill.maxRefills must be a whole number, 0 or more.' });
  } else if (refill.maxRefills > REGULATORY_LIMITS.maxRefillsCeiling) {
    errors.push({
      field: 'refill.maxRefills',
      code: 'ABOVE_REGULATORY_LIMIT',
      message: `Schedule III allows at most ${REGULATORY_LIMITS.maxRefillsCeiling} refills.`,
    });
  }
  if (isFiniteNumber(refill.windowMonths) && refill.windowMonths > REGULATORY_LIMITS.refillWindowMonthsCeiling) {
    errors.push({
      field: 'refill.windowMonths',
      code: 'ABOVE_REGULATORY_LIMIT',
      message: `Schedule III refills must fall within ${REGULATORY_LIMITS.refillWindowMonthsCeiling} months.`,
    });
  }

  const compliance = asRecord(s.compliance);
  if (!isIsoDate(compliance.telemedicineFlexibilityUntil)) {
    errors.push({ field: 'compliance.telemedicineFlexibilityUntil', code: 'NOT_A_DATE', message: 'compliance.telemedicineFlexibilityUntil must be a date written YYYY-MM-DD.' });
  }
  if (!isValidTimeZone(compliance.timeZone)) {
    errors.push({ field: 'compliance.timeZone', code: 'NOT_A_TIME_ZONE', message: 'compliance.timeZone must be an IANA time zone such as America/New_York.' });
  }
  const pdmp = asRecord(compliance.pdmp);
  for (const key of ['beforePlanSignDays', 'beforeDispenseDays', 'whileActiveEveryDays'] as const) positiveInteger(`compliance.pdmp.${key}`, pdmp[key])(errors);

  const retention = asRecord(s.retention);
  if (!isFiniteNumber(retention.dispensingRecordYears) || retention.dispensingRecordYears < REGULATORY_LIMITS.dispensingRecordYearsFloor) {
    errors.push({
      field: 'retention.dispensingRecordYears',
      code: 'BELOW_REGULATORY_MINIMUM',
      message: `Dispensing records must be kept at least ${REGULATORY_LIMITS.dispensingRecordYearsFloor} years.`,
    });
  }
  if (!isFiniteNumber(retention.auditYears) || retention.auditYears < REGULATORY_LIMITS.auditYearsFloor) {
    errors.push({
      field: 'retention.auditYears',
      code: 'BELOW_REGULATORY_MINIMUM',
      message: `Audit logs must be kept at least ${REGULATORY_LIMITS.auditYearsFloor} years.`,
    });
  }
  const reported = new Set(errors.map((e) => e.field));
  for (const e of boundErrors(s)) if (!reported.has(e.field)) errors.push(e);
  return errors;
}
