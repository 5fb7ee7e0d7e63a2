// Rules over a treatment plan's terms. docs/clinical-basis.md §3, §4.6) says a plan can only tighten the program's
// limits; `validatePlanTerms` rejects a plan that tries to loosen one, and `effectiveLimits` takes the stricter of
// plan and program for every limit, so that even a plan signed under older, looser settings is read safely.
import {
  ROUTES,
  type DosingSettings,
  type FieldError,
  type FollowUpCadence,
  type Route,
  type VitalsThresholds,
} from '../settings/program-settings.ts';
import { AFTER_DISSOLVE, PLAN_PHASES, type TreatmentPlanTerms } from './plan-terms.ts';

const VITAL_KEYS = ['systolicMmHg', 'diastolicMmHg', 'heartRateBpm'] as const;
const VITAL_NAMES: Record<(typeof VITAL_KEYS)[number], string> = {
  systolicMmHg: 'systolic blood pressure',
  diastolicMmHg: 'diastolic blood pressure',
  heartRateBpm: 'heart rate',
};

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
function isPositiveInteger(v: unknown): v is number {
  return isFiniteNumber(v) && Number.isInteger(v) && v >= 1;
}
function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}
function isRoute(v: unknown): v is Route {
  return typeof v === 'string' && (ROUTES as readonly string[]).includes(v);
}

/**
 * Errors in the plan's shape alone (types, signs, choices), independent of program settings. A plan with any of
 * these cannot be read safely at all, so the gate treats it as unreadable input.
 */
export function planShapeErrors(terms: TreatmentPlanTerms): FieldError[] {
  const errors: FieldError[] = [];
  const t = asRecord(terms);
  if (typeof terms !== 'object' || terms === null) {
    return [{ field: '', code: 'NOT_AN_OBJECT', message: 'The plan terms must be an object.' }];
  }
  if (typeof t.phase !== 'string' || !(PLAN_PHASES as readonly string[]).includes(t.phase)) {
    errors.push({ field: 'phase', code: 'INVALID_CHOICE', message: `phase must be one of ${PLAN_PHASES.join(', ')}.` });
  }
  if (!isRoute(t.route)) {
    errors.push({ field: 'route', code: 'INVALID_CHOICE', message: `route must be one of ${ROUTES.join(', ')}.` });
  }
  for (const field of ['startingDoseMg', 'currentDoseMg', 'maximumDoseMg', 'minHoursBetweenSessions'] as const) {
    const v = t[field];
    if (!isFiniteNumber(v) || v <= 0) errors.push({ field, code: 'NOT_POSITIVE', message: `${field} must be a positive number.` });
  }
  for (const field of ['titrationStepMg', 'fastingHours'] as const) {
    const v = t[field];
    if (!isFiniteNumber(v) || v < 0) errors.push({ field, code: 'NEGATIVE', message: `${field} must be zero or more.` });
  }
  for (const field of ['sessionsPlanned', 'maxSessionsPer7Days'] as const) {
    if (!isPositiveInteger(t[field]))
      errors.push({ field, code: 'NOT_POSITIVE_INTEGER', message: `${field} must be a whole number of at least 1.` });
  }
  const hold = asRecord(t.vitalsHold);
  for (const key of VITAL_KEYS) {
    const v = hold[key];
    if (!isFiniteNumber(v) || v <= 0)
      errors.push({ field: `vitalsHold.${key}`, code: 'NOT_POSITIVE', message: `vitalsHold.${key} must be a positive number.` });
  }
  const followUp = asRecord(t.followUp);
  if (typeof followUp.afterFirstSession !== 'boolean') {
    errors.push({ field: 'followUp.afterFirstSession', code: 'NOT_A_BOOLEAN', message: 'followUp.afterFirstSession must be true or false.' });
  }
  if (!isPositiveInteger(followUp.everySessions)) {
    errors.push({ field: 'followUp.everySessions', code: 'NOT_POSITIVE_INTEGER', message: 'followUp.everySessions must be a whole number of at least 1.' });
  }
  if (!Array.isArray(t.goals) || t.goals.length === 0) {
    errors.push({ field: 'goals', code: 'REQUIRED', message: 'A plan states at least one goal.' });
  } else {
    t.goals.forEach((g: unknown, i: number) => {
      if (typeof g !== 'string' || g.trim() === '')
        errors.push({ field: `goals.${i}`, code: 'REQUIRED', message: 'A goal cannot be empty.' });
    });
  }
  const admin = asRecord(t.administration);
  if (admin.route !== t.route) {
    errors.push({
      field: 'administration.route',
      code: 'ROUTE_MISMATCH',
      message: 'The administration instructions must be for the plan route.',
    });
  }
  if (admin.route === 'sublingual') {
    if (!isFiniteNumber(admin.holdMinutes) || admin.holdMinutes <= 0)
      errors.push({ field: 'administration.holdMinutes', code: 'NOT_POSITIVE', message: 'Say how many minutes to hold the tablet under the tongue.' });
    if (typeof admin.afterDissolve !== 'string' || !(AFTER_DISSOLVE as readonly string[]).includes(admin.afterDissolve))
      errors.push({ field: 'administration.afterDissolve', code: 'INVALID_CHOICE', message: `administration.afterDissolve must be one of ${AFTER_DISSOLVE.join(', ')}.` });
  }
  if (admin.notes !== undefined && typeof admin.notes !== 'string') {
    errors.push({ field: 'administration.notes', code: 'NOT_A_STRING', message: 'administration.notes must be text.' });
  }
  return errors;
}

/**
 * Every problem with a plan version, each naming its field: its shape, its internal consistency (doses within
 * its own maximum), and every relation to the program: a plan may tighten a program limit, never loosen it.
 */
export function validatePlanTerms(terms: TreatmentPlanTerms, settings: DosingSettings): FieldError[] {
  const errors = planShapeErrors(terms);
  if (typeof terms !== 'object' || terms === null) return errors;
  const t = terms;

  if (isFiniteNumber(t.maximumDoseMg)) {
    for (const field of ['startingDoseMg', 'currentDoseMg', 'titrationStepMg'] as const) {
      const v = t[field];
      if (isFiniteNumber(v) && v > t.maximumDoseMg)
        errors.push({ field, code: 'ABOVE_PLAN_MAXIMUM', message: `${field} (${v} mg) is above the plan maximum (${t.maximumDoseMg} mg).` });
    }
    if (isRoute(t.route)) {
      const outer = settings.maxDoseMgByRoute[t.route];
      if (t.maximumDoseMg > outer)
        errors.push({
          field: 'maximumDoseMg',
          code: 'ABOVE_PROGRAM_LIMIT',
          message: `The maximum dose (${t.maximumDoseMg} mg) is above the program limit for ${t.route} (${outer} mg).`,
        });
    }
  }
  if (isFiniteNumber(t.minHoursBetweenSessions) && t.minHoursBetweenSessions < settings.minHoursBetweenSessions)
    errors.push({
      field: 'minHoursBetweenSessions',
      code: 'LOOSER_THAN_PROGRAM',
      message: `Sessions must be at least ${settings.minHoursBetweenSessions} hours apart under the program.`,
    });
  if (isFiniteNumber(t.maxSessionsPer7Days) && t.maxSessionsPer7Days > settings.maxSessionsPer7Days)
    errors.push({
      field: 'maxSessionsPer7Days',
      code: 'LOOSER_THAN_PROGRAM',
      message: `The program allows at most ${settings.maxSessionsPer7Days} sessions in ${settings.rollingWindowDays} days.`,
    });
  if (isFiniteNumber(t.fastingHours) && t.fastingHours < settings.fastingHours)
    errors.push({
      field: 'fastingHours',
      code: 'LOOSER_THAN_PROGRAM',
      message: `The program requires at least ${settings.fastingHours} hours of fasting.`,
    });
  const hold = asRecord(t.vitalsHold);
  for (const key of VITAL_KEYS) {
    const v = hold[key];
    if (!isFiniteNumber(v)) continue;
    const field = `vitalsHold.${key}`;
    if (v > settings.vitalsHold[key]) {
      errors.push({
        field,
        code: 'LOOSER_THAN_PROGRAM',
        message: `The ${VITAL_NAMES[key]} hold (${v}) cannot be above the program's (${settings.vitalsHold[key]}).`,
      });
    } else if (v < settings.vitalsHumanRange[key].min) {
      // Tighter, but below any human reading: every session would be held. Almost certainly a typo.
      errors.push({
        field,
        code: 'OUTSIDE_HUMAN_RANGE',
        message: `The ${VITAL_NAMES[key]} hold (${v}) is below the human range (${settings.vitalsHumanRange[key].min}).`,
      });
    }
  }
  const followUp = asRecord(t.followUp);
  if (settings.followUp.afterFirstSession && followUp.afterFirstSession === false)
    errors.push({
      field: 'followUp.afterFirstSession',
      code: 'LOOSER_THAN_PROGRAM',
      message: 'The program requires a follow-up visit after the first session.',
    });
  if (isPositiveInteger(followUp.everySessions) && followUp.everySessions > settings.followUp.everySessions)
    errors.push({
      field: 'followUp.everySessions',
      code: 'LOOSER_THAN_PROGRAM',
      message: `The program requires a follow-up at least every ${settings.followUp.everySessions} sessions.`,
    });
  return errors;
}

/** The limits that actually apply: for every one, the stricter of plan and program. */
export interface EffectiveLimits {
  /** null without a plan: no dose may be given. 0 when the plan's maximum or route is unreadable. */
  readonly maximumDoseMg: number | null;
  readonly minHoursBetweenSessions: number;
  readonly maxSessionsPer7Days: number;
  readonly rollingWindowDays: number;
  readonly fastingHours: number;
  readonly vitalsHold: VitalsThresholds;
  readonly followUp: FollowUpCadence;
}

// A malformed plan value can never make a limit looser than the program's: it simply does not narrow it.
const atLeast = (planValue: unknown, programValue: number): number =>
  isFiniteNumber(planValue) ? Math.max(planValue, programValue) : programValue;
const atMost = (planValue: unknown, programValue: number): number =>
  isFiniteNumber(planValue) ? Math.min(planValue, programValue) : programValue;

export function effectiveLimits(plan: TreatmentPlanTerms | null, settings: DosingSettings): EffectiveLimits {
  if (plan === null || typeof plan !== 'object') {
    return {
      maximumDoseMg: null,
      minHoursBetweenSessions: settings.minHoursBetweenSessions,
      maxSessionsPer7Days: settings.maxSessionsPer7Days,
      rollingWindowDays: settings.rollingWindowDays,
      fastingHours: settings.fastingHours,
      vitalsHold: { ...settings.vitalsHold },
      followUp: { ...settings.followUp },
    };
  }
  const hold = asRecord(plan.vitalsHold);
  const followUp = asRecord(plan.followUp);
  const outer = isRoute(plan.route) ? settings.maxDoseMgByRoute[plan.route] : 0;
  // Unlike the pacing limits, an unreadable maximum dose has no safe program stand-in: it allows nothing.
  const maximumDoseMg = isFiniteNumber(plan.maximumDoseMg) && plan.maximumDoseMg > 0 ? Math.min(plan.maximumDoseMg, outer) : 0;
  return {
    maximumDoseMg,
    minHoursBetweenSessions: atLeast(plan.minHoursBetweenSessions, settings.minHoursBetweenSessions),
    maxSessionsPer7Days: isPositiveInteger(plan.maxSessionsPer7Days)
      ? Math.min(plan.maxSessionsPer7Days, settings.maxSessionsPer7Days)
      : settings.maxSessionsPer7Days,
    rollingWindowDays: settings.rollingWindowDays,
    fastingHours: atLeast(plan.fastingHours, settings.fastingHours),
    vitalsHold: {
      systolicMmHg: atMost(hold.systolicMmHg, settings.vitalsHold.systolicMmHg),
      diastolicMmHg: atMost(hold.diastolicMmHg, settings.vitalsHold.diastolicMmHg),
      heartRateBpm: atMost(hold.heartRateBpm, settings.vitalsHold.heartRateBpm),
    },
    followUp: {
      afterFirstSession: followUp.afterFirstSession === true || settings.followUp.afterFirstSession,
      everySessions: isPositiveInteger(followUp.everySessions)
        ? Math.min(followUp.everySessions, settings.followUp.everySessions)
        : settings.followUp.everySessions,
    },
  };
}

/**
 * Whether completing session number `completedSessions` (1-based, counted over the course) calls for a clinician
 * follow-up before the next session, under the cadence (docs/clinical-basis.md §3: after the first, then every N).
 * The server uses it to create the follow-up whose due date the gate then checks.
 */
export function followUpDueAfterSession(completedSessions: number, cadence: FollowUpCadence): boolean {
  if (!isPositiveInteger(completedSessions)) return false;
  if (cadence.afterFirstSession && completedSessions === 1) return true;
  // An unreadable cadence asks for a visit rather than silently skipping one.
  if (!isPositiveInteger(cadence.everySessions)) return true;
  return completedSessions % cadence.everySessions === 0;
}
