// Prescribing compliance for a Schedule III controlled substance (docs/compliance.md). Three actions are checked:
// signing a plan (the prescription), recording a dispense (a fill) and authorizing a dose. Each is allowed only when
// - the patient has a prescribing pathway that is valid on that date (an in-person evaluation, the telemedicine
//   flexibilities while they last, a special registration, or a referral from a clinician who evaluated in person);
// - the prescriber holds an unexpired licence in the patient's state and an unexpired DEA registration for that
//   state that covers Schedule III;
// - a PDMP check lies within the action's window (and, for a fill, is no older than the previous fill);
// - for a fill, the prescription still has a fill left (21 CFR 1306.22: at most 5 refills within 6 months).
//
// Like the session gate: every failing reason is reported, and anything missing or unreadable fails closed.
import type { DosingSettings } from '../settings/program-settings.ts';
import { daysToMs, instantOf, parseInstant, toIso } from '../settings/time-units.ts';
import { addDays, daysBetween, endOfLocalDate, isIsoDate, isValidTimeZone, wallClock } from '../settings/zoned-time.ts';

export const PATHWAY_KINDS = ['in_person_evaluation', 'telemedicine_flexibility', 'special_registration', 'referral_from_in_person_clinician'] as const;
export type PathwayKind = (typeof PATHWAY_KINDS)[number];

export const CREDENTIAL_KINDS = ['state_licence', 'dea_registration'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** DEA schedules a registration may list ("N" = non-narcotic). */
export const DEA_SCHEDULES = ['II', 'IIN', 'III', 'IIIN', 'IV', 'V'] as const;
/** Ketamine is a Schedule III non-narcotic: a registration covering III or IIIN covers it. */
export const SCHEDULE_III_CODES: readonly string[] = ['III', 'IIIN'];

export const COMPLIANCE_ACTIONS = ['sign_plan', 'dispense', 'dose'] as const;
export type ComplianceAction = (typeof COMPLIANCE_ACTIONS)[number];

/** Reasons in the order they are reported; each is documented in docs/safety/<CODE>.md. */
export const COMPLIANCE_REASON_CODES = [
  'PRESCRIBING_PATHWAY_MISSING',
  'TELEMEDICINE_FLEXIBILITY_ENDED',
  'PRESCRIBER_LICENCE_MISSING',
  'PRESCRIBER_DEA_MISSING',
  'PDMP_CHECK_MISSING',
  'PRESCRIPTION_REFILLS_EXHAUSTED',
] as const;
export type ComplianceReasonCode = (typeof COMPLIANCE_REASON_CODES)[number];

export interface CompliancePathway {
  readonly kind: PathwayKind;
  /** The kind's own fields (see `pathwayDetailErrors`). */
  readonly details: Readonly<Record<string, unknown>>;
}

export interface ComplianceCredential {
  readonly kind: CredentialKind;
  /** Two-letter US state. */
  readonly state: string;
  /** DEA schedules (empty for a licence). */
  readonly schedules: readonly string[];
  /** YYYY-MM-DD, valid through the end of that day in the program's time zone. */
  readonly expiresOn: string;
}

export interface ComplianceInput {
  readonly action: ComplianceAction;
  /** The patient's state of residence (where the prescription is issued to). */
  readonly patientState: string | null;
  /** The patient's current (not superseded) pathway, or null. */
  readonly pathway: CompliancePathway | null;
  /**
   * The prescriber whose authority the action rests on: the signer for `sign_plan`, the signer of the active plan for
   * `dispense` and `dose`. Null when there is none.
   */
  readonly prescriber: { readonly id: string; readonly credentials: readonly ComplianceCredential[] } | null;
  /** ISO instants of the patient's PDMP checks (when each was checked), any order. */
  readonly pdmpCheckedAt: readonly string[];
  /** `dispense` only: ISO instant of the previous dispense (null: the first fill). */
  readonly previousDispenseAt?: string | null;
  /**
   * `dispense` only: the prescription the fill is made on (the active signed plan) — when it was signed and how many
   * fills were already made on it. Null: no signed prescription.
   */
  readonly prescription?: { readonly signedAt: string; readonly fillsSoFar: number } | null;
}

export interface ComplianceReason {
  readonly code: ComplianceReasonCode;
  readonly message: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface ComplianceDecision {
  readonly ok: boolean;
  readonly reasons: readonly ComplianceReason[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

/** Which fields each pathway kind needs; a pathway missing one is no pathway (fail closed). */
export function pathwayDetailErrors(kind: unknown, details: unknown): string[] {
  const d = isObject(details) ? details : {};
  const errors: string[] = [];
  const need = (field: string, ok: boolean) => {
    if (!ok) errors.push(field);
  };
  switch (kind) {
    case 'in_person_evaluation':
      need('evaluatedOn', isIsoDate(d.evaluatedOn));
      need('location', nonEmpty(d.location));
      need('attestation', d.attestation === true);
      break;
    case 'telemedicine_flexibility':
      break;
    case 'special_registration':
      need('registrationNumber', nonEmpty(d.registrationNumber));
      need('registrationType', nonEmpty(d.registrationType));
      break;
    case 'referral_from_in_person_clinician':
      need('referringClinician', nonEmpty(d.referringClinician));
      need('referredOn', isIsoDate(d.referredOn));
      need('documentReference', nonEmpty(d.documentReference));
      break;
    default:
      errors.push('kind');
  }
  return errors;
}

/** The last day a pathway is valid (YYYY-MM-DD, inclusive), or null when it does not lapse by date. */
export function pathwayLapsesAfter(pathway: CompliancePathway, settings: DosingSettings): string | null {
  return pathway.kind === 'telemedicine_flexibility' ? settings.compliance.telemedicineFlexibilityUntil : null;
}

/** The program's local date at `now`. */
export function programDate(now: Date, settings: DosingSettings): string {
  return wallClock(now, settings.compliance.timeZone).date;
}

/**
 * A credential counts on `now` when it is for the state, unexpired (valid through the end of its expiry date in the
 * program's time zone) and — for a DEA registration — lists Schedule III.
 */
export function credentialCovers(c: ComplianceCredential, kind: CredentialKind, state: string, now: Date, settings: DosingSettings): boolean {
  if (!isObject(c) || c.kind !== kind || c.state !== state || !isIsoDate(c.expiresOn)) return false;
  if (now.getTime() >= endOfLocalDate(c.expiresOn, settings.compliance.timeZone).getTime()) return false;
  if (kind === 'dea_registration') return Array.isArray(c.schedules) && (c.schedules as unknown[]).some((s) => typeof s === 'string' && SCHEDULE_III_CODES.includes(s));
  return true;
}

function pdmpWindowDays(action: ComplianceAction, settings: DosingSettings): number {
  const p = settings.compliance.pdmp;
  return action === 'sign_plan' ? p.beforePlanSignDays : action === 'dispense' ? p.beforeDispenseDays : p.whileActiveEveryDays;
}

const ACTION_WORDS: Record<ComplianceAction, string> = { sign_plan: 'signing the plan', dispense: 'this dispense', dose: 'a dose' };

/**
 * Adds `months` calendar months to an instant (clamped to the month's last day, as a prescription's window runs). The
 * refill request (`refillEligibility`) ends a prescription's window by the same arithmetic as the dispense's check.
 */
export function addMonthsMs(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

function settingsReadable(settings: DosingSettings): boolean {
  const c: unknown = isObject(settings) ? settings.compliance : undefined;
  if (!isObject(c) || !isIsoDate(c.telemedicineFlexibilityUntil) || !isValidTimeZone(c.timeZone) || !isObject(c.pdmp)) return false;
  const p = c.pdmp;
  return [p.beforePlanSignDays, p.beforeDispenseDays, p.whileActiveEveryDays].every((n) => typeof n === 'number' && Number.isFinite(n) && n > 0);
}

/**
 * Decide whether `input.action` may go ahead now. `ok` only when no reason fails; otherwise every failing reason, in
 * the order of COMPLIANCE_REASON_CODES.
 */
export function evaluatePrescribingCompliance(input: ComplianceInput, settings: DosingSettings, now: Date): ComplianceDecision {
  const reasons: ComplianceReason[] = [];
  const seen = new Set<ComplianceReasonCode>();
  const push = (code: ComplianceReasonCode, message: string, detail?: Record<string, unknown>) => {
    if (seen.has(code)) return;
    seen.add(code);
    reasons.push(detail === undefined ? { code, message } : { code, message, detail });
  };
  const nowMs = instantOf(now);
  const action: ComplianceAction = isObject(input) && COMPLIANCE_ACTIONS.includes(input.action) ? input.action : 'dose';
  if (nowMs === null || !isObject(input) || !settingsReadable(settings)) {
    // Nothing can be judged: every condition is reported as unmet (fail closed).
    const detail = { problem: 'input or settings unreadable' };
    push('PRESCRIBING_PATHWAY_MISSING', 'The prescribing pathway could not be checked. Contact the care team.', detail);
    push('PRESCRIBER_LICENCE_MISSING', 'The prescriber’s licence could not be checked.', detail);
    push('PRESCRIBER_DEA_MISSING', 'The prescriber’s DEA registration could not be checked.', detail);
    push('PDMP_CHECK_MISSING', 'The PDMP checks could not be read.', detail);
    return { ok: false, reasons };
  }
  const checks: (() => void)[] = [
    () => checkPathway(input, settings, now, push),
    () => checkCredentials(input, settings, now, push),
    () => checkPdmp(input, action, settings, nowMs, push),
    () => {
      if (action === 'dispense') checkRefills(input, settings, nowMs, push);
    },
  ];
  const fallback: ComplianceReasonCode[] = ['PRESCRIBING_PATHWAY_MISSING', 'PRESCRIBER_LICENCE_MISSING', 'PDMP_CHECK_MISSING', 'PRESCRIPTION_REFILLS_EXHAUSTED'];
  checks.forEach((check, i) => {
    try {
      check();
    } catch {
      const code = fallback[i] ?? 'PRESCRIBING_PATHWAY_MISSING';
      push(code, 'This condition could not be checked, so the action is not allowed. Contact the care team.', { problem: 'check failed' });
    }
  });
  const order = new Map<ComplianceReasonCode, number>(COMPLIANCE_REASON_CODES.map((c, i) => [c, i]));
  reasons.sort((a, b) => (order.get(a.code) ?? 0) - (order.get(b.code) ?? 0));
  return { ok: reasons.length === 0, reasons };
}

type Push = (code: ComplianceReasonCode, message: string, detail?: Record<string, unknown>) => void;

function checkPathway(input: ComplianceInput, settings: DosingSettings, now: Date, push: Push): void {
  const p: unknown = input.pathway;
  if (!isObject(p) || !PATHWAY_KINDS.includes(p.kind as PathwayKind)) {
    push(
      'PRESCRIBING_PATHWAY_MISSING',
      'No prescribing pathway is on record for this patient. A prescriber must record one (an in-person evaluation, a referral from a clinician who evaluated the patient in person, or a special registration) before a controlled substance is prescribed, dispensed or taken.',
      { problem: 'none recorded' },
    );
    return;
  }
  const pathway = p as unknown as CompliancePathway;
  const missing = pathwayDetailErrors(pathway.kind, pathway.details);
  if (missing.length > 0) {
    push('PRESCRIBING_PATHWAY_MISSING', `The prescribing pathway on record is incomplete (${missing.join(', ')}). A prescriber must record it again in full.`, {
      kind: pathway.kind,
      missingFields: missing,
    });
    return;
  }
  if (pathway.kind === 'telemedicine_flexibility') {
    const until = settings.compliance.telemedicineFlexibilityUntil;
    const endsAt = endOfLocalDate(until, settings.compliance.timeZone);
    if (now.getTime() >= endsAt.getTime()) {
      push(
        'TELEMEDICINE_FLEXIBILITY_ENDED',
        `The telemedicine flexibilities this patient was prescribed under ended on ${until}. Before any further prescribing, dispensing or dosing, the patient needs an in-person medical evaluation by the prescriber (or a referral from a clinician who evaluated them in person), or the prescriber needs a special telemedicine registration.`,
        { flexibilityUntil: until, endedAt: toIso(endsAt.getTime()), timeZone: settings.compliance.timeZone },
      );
    }
  }
}

function checkCredentials(input: ComplianceInput, settings: DosingSettings, now: Date, push: Push): void {
  const state = input.patientState;
  const prescriber: unknown = input.prescriber;
  const credentials: unknown = isObject(prescriber) ? prescriber.credentials : undefined;
  const list = Array.isArray(credentials) ? (credentials as ComplianceCredential[]) : [];
  const today = programDate(now, settings);
  if (typeof state !== 'string' || state === '' || !isObject(prescriber) || !Array.isArray(credentials)) {
    const problem = !isObject(prescriber) ? 'no prescriber' : 'patient state or credentials unreadable';
    push('PRESCRIBER_LICENCE_MISSING', 'No prescriber with a current licence for the patient’s state is on record for this.', { problem });
    push('PRESCRIBER_DEA_MISSING', 'No prescriber with a current DEA registration covering Schedule III for the patient’s state is on record for this.', { problem });
    return;
  }
  if (!list.some((c) => credentialCovers(c, 'state_licence', state, now, settings))) {
    const onRecord = list.filter((c) => isObject(c) && c.kind === 'state_licence' && c.state === state);
    const expired = onRecord.map((c) => c.expiresOn).filter((d): d is string => typeof d === 'string' && d !== '');
    const which =
      expired.length > 0 ? ` (the one on record expired on ${expired.sort().at(-1) ?? ''})` : onRecord.length > 0 ? ' (the one on record has no readable expiry date)' : '';
    push(
      'PRESCRIBER_LICENCE_MISSING',
      `The prescriber has no current licence on record for ${state}, the patient’s state${which}. An administrator must record a current licence first.`,
      { state, today, expiredOn: expired },
    );
  }
  if (!list.some((c) => credentialCovers(c, 'dea_registration', state, now, settings))) {
    const forState = list.filter((c) => isObject(c) && c.kind === 'dea_registration' && c.state === state);
    const problem = forState.length === 0 ? 'none for the state' : forState.some((c) => isIsoDate(c.expiresOn) && c.expiresOn >= today) ? 'does not cover Schedule III' : 'expired';
    push(
      'PRESCRIBER_DEA_MISSING',
      `The prescriber has no current DEA registration covering Schedule III on record for ${state}, the patient’s state (${problem}). An administrator must record one first.`,
      { state, today, problem },
    );
  }
}

function checkPdmp(input: ComplianceInput, action: ComplianceAction, settings: DosingSettings, nowMs: number, push: Push): void {
  const raw: unknown = input.pdmpCheckedAt;
  const days = pdmpWindowDays(action, settings);
  const times = Array.isArray(raw) ? raw.map((t) => parseInstant(t)) : null;
  if (times === null || times.some((t) => t === null)) {
    push('PDMP_CHECK_MISSING', 'The PDMP checks on record could not be read. Record a new PDMP check.', { problem: 'unreadable', windowDays: days });
    return;
  }
  const from = nowMs - daysToMs(days);
  let floor = from;
  let previousDispenseAt: string | null = null;
  if (action === 'dispense') {
    const prev: unknown = input.previousDispenseAt;
    if (prev === undefined) {
      push('PDMP_CHECK_MISSING', 'The previous dispense could not be read, so the PDMP check for this fill cannot be confirmed.', { problem: 'previous dispense unreadable' });
      return;
    }
    if (prev !== null) {
      const prevMs = parseInstant(prev);
      if (prevMs === null) {
        push('PDMP_CHECK_MISSING', 'The previous dispense could not be read, so the PDMP check for this fill cannot be confirmed.', { problem: 'previous dispense unreadable' });
        return;
      }
      previousDispenseAt = toIso(prevMs);
      floor = Math.max(floor, prevMs);
    }
  }
  // A check counts from the start of its window through now; one dated in the future is not a check (fail closed).
  const valid = (times as number[]).filter((t) => t >= floor && t <= nowMs);
  if (valid.length === 0) {
    const latest = (times as number[]).filter((t) => t <= nowMs).sort((a, b) => b - a)[0];
    const sinceFill = previousDispenseAt !== null ? ' and after the previous dispense (a PDMP check at every fill)' : '';
    push('PDMP_CHECK_MISSING', `A PDMP check within the ${days} days before ${ACTION_WORDS[action]}${sinceFill} is required. Check the state PDMP and record the result.`, {
      action,
      windowDays: days,
      lastCheckedAt: latest === undefined ? null : toIso(latest),
      previousDispenseAt,
    });
  }
}

function checkRefills(input: ComplianceInput, settings: DosingSettings, nowMs: number, push: Push): void {
  const rx: unknown = input.prescription;
  const { maxRefills, windowMonths } = settings.refill;
  if (!isObject(rx)) {
    push('PRESCRIPTION_REFILLS_EXHAUSTED', 'There is no signed prescription (plan) to fill. The prescriber must sign a plan first.', { problem: 'no signed prescription' });
    return;
  }
  const signedMs = parseInstant(rx.signedAt);
  const fills = rx.fillsSoFar;
  if (signedMs === null || typeof fills !== 'number' || !Number.isInteger(fills) || fills < 0) {
    push('PRESCRIPTION_REFILLS_EXHAUSTED', 'The prescription’s fills could not be counted. The prescriber must review it.', { problem: 'unreadable' });
    return;
  }
  const windowEndsMs = addMonthsMs(signedMs, windowMonths);
  const maxFills = maxRefills + 1;
  if (fills >= maxFills) {
    push(
      'PRESCRIPTION_REFILLS_EXHAUSTED',
      `This prescription has been filled ${fills} times: the first fill and ${maxRefills} refills, the most a Schedule III prescription allows. The prescriber must sign a new plan before another dispense.`,
      { fillsSoFar: fills, maxRefills },
    );
  } else if (nowMs >= windowEndsMs) {
    push(
      'PRESCRIPTION_REFILLS_EXHAUSTED',
      `This prescription was signed more than ${windowMonths} months ago; a Schedule III prescription cannot be refilled after that. The prescriber must sign a new plan before another dispense.`,
      { signedAt: toIso(signedMs), windowEndsAt: toIso(windowEndsMs), windowMonths },
    );
  }
}

/** The next day a PDMP check for dosing falls due (the latest check + the while-active window), or null. */
export function nextPdmpDueAt(pdmpCheckedAt: readonly string[], settings: DosingSettings): string | null {
  const times = pdmpCheckedAt.map((t) => parseInstant(t)).filter((t): t is number => t !== null);
  if (times.length === 0) return null;
  return toIso(Math.max(...times) + daysToMs(settings.compliance.pdmp.whileActiveEveryDays));
}

/** Days from the program's local date at `now` to `date` (0 = today, negative = past). */
export function daysUntil(date: string, now: Date, settings: DosingSettings): number {
  return daysBetween(programDate(now, settings), date);
}

/** The dates of the lapse notices before the flexibilities end: 30 and 7 days before (docs/compliance.md). */
export const LAPSE_NOTICE_DAYS_BEFORE: readonly number[] = [30, 7];
/** A credential's expiry notice goes out this many days ahead; the compliance status says "action needed" then. */
export const EXPIRY_NOTICE_DAYS = 30;

/** The local dates on which a lapse notice is due for `until`. */
export function lapseNoticeDates(until: string): string[] {
  return LAPSE_NOTICE_DAYS_BEFORE.map((d) => addDays(until, -d));
}
