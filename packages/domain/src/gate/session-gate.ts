// The session gate (docs/clinical-basis.md §4; invariants I1–I3). The server assembles this plain-data input inside
// the transaction that records the decision, under the patient's row lock, and commits the authorization only if
// this function says so — so every condition is judged on the data as it stands at commit.
//
// Two rules shape the code:
// - Fail closed. Anything missing, stale, in the future or unreadable blocks with the reason it belongs to. A
//   nullable field passed as `undefined` is treated as unreadable, not as "none": a server that forgot to load
//   the follow-up must not look like a patient with no follow-up due. A check that throws reports
//   GATE_INPUT_INVALID instead of crashing or passing.
// - Report every failing reason. Each check runs independently; the patient sees the whole list at once.
import type { DosingSettings } from '../settings/program-settings.ts';
import { validateDosingSettings } from '../settings/program-settings.ts';
import { daysToMs, hoursToMs, instantOf, minutesToMs, parseInstant, toIso } from '../settings/time-units.ts';
import type { TreatmentPlanTerms } from '../plan/plan-terms.ts';
import { effectiveLimits, planShapeErrors, type EffectiveLimits } from '../plan/plan-rules.ts';
import { earliestNextSessionMs } from '../plan/session-pace.ts';
import { GATE_REASON_CODES, type GateReasonCode } from './gate-reasons.ts';
import { evaluatePrescribingCompliance, type ComplianceInput } from '../compliance/prescribing-compliance.ts';
import { validateVitalsReading } from './vitals-reading.ts';

export interface GatePlanSignature {
  readonly signedBy: string;
  /** ISO instant. */
  readonly signedAt: string;
  /** The hash the signature is bound to (I9). */
  readonly termsSha256: string;
}

export interface GatePlan {
  readonly planId: string;
  readonly version: number;
  /** Only 'active' may dose; a draft or superseded version passed here blocks. */
  readonly status: 'active' | 'draft' | 'superseded';
  readonly terms: TreatmentPlanTerms;
  /** SHA-256 of canonicalJson(terms), computed by the server from the terms it loaded. */
  readonly termsSha256: string;
  readonly signature: GatePlanSignature | null;
}

export interface GateSitterAttestation {
  readonly sitterUserId: string;
  /** The patient's currently assigned sitters. */
  readonly assignedSitterIds: readonly string[];
  readonly attestedAt: string;
  readonly present: boolean;
  readonly sober: boolean;
  /** True only when the attestation was made by the sitter signed in to their own account. */
  readonly attestedInOwnSession: boolean;
}

export interface GateVitals {
  readonly takenAt: string;
  readonly systolicMmHg: number;
  readonly diastolicMmHg: number;
  readonly heartRateBpm: number;
  readonly spo2Pct?: number | null;
}

export interface GateChecklist {
  readonly attestedAt: string;
  readonly fastedHours: number;
  readonly alcohol24h: boolean;
  readonly sedatives24h: boolean;
  readonly cannabis24h: boolean;
  readonly newMedication: boolean;
  readonly safeSetting: boolean;
}

export interface GateAlert {
  readonly id: string;
  readonly holdsDosing: boolean;
  readonly severity: string;
}

export interface GateInput {
  readonly intakeStatus: string;
  readonly consent: { readonly signedVersion: string | null; readonly currentVersion: string };
  readonly education: { readonly requiredSlugs: readonly string[]; readonly completedSlugs: readonly string[] };
  readonly activePlan: GatePlan | null;
  /** Defaults to the plan's current dose. Any other value blocks: only a prescriber changes a dose. */
  readonly requestedDoseMg?: number | null;
  /**
   * Instants (ISO) of every earlier dose this patient took (a session's start), and of any other authorization still
   * open, in any order (session/session-lifecycle.ts `doseTimesForPacing`). The interval counts from the dose.
   */
  readonly previousDoseTimes: readonly string[];
  readonly ledger: {
    readonly onHandUnits: number;
    /** Ledger units one dose uses (1 for unit-dose packs). */
    readonly unitsPerDose: number;
  };
  readonly sitterAttestation: GateSitterAttestation | null;
  readonly preDoseVitals: GateVitals | null;
  readonly checklist: GateChecklist | null;
  /** Open alerts only. */
  readonly openAlerts: readonly GateAlert[];
  readonly followUpDue: { readonly dueAt: string } | null;
  readonly lastClinicianVisitAt: string | null;
  /** The latest dose taken (null: never dosed). */
  readonly lastSessionAt: string | null;
  /**
   * Prescribing compliance for the dose (docs/compliance.md): the pathway, the plan signer's credentials and the PDMP
   * checks. Judged by `evaluatePrescribingCompliance` with action 'dose'; missing blocks with every reason.
   */
  readonly prescribing: Omit<ComplianceInput, 'action'>;
}

export interface GateReason {
  readonly code: GateReasonCode;
  readonly message: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export type GateDecision =
  | {
      readonly kind: 'authorized';
      readonly doseMg: number;
      readonly checkedAt: string;
      readonly planId: string;
      readonly planVersion: number;
      readonly limits: EffectiveLimits;
      readonly reasons: readonly [];
    }
  | { readonly kind: 'blocked'; readonly reasons: readonly GateReason[] };

type Push = (code: GateReasonCode, message: string, detail?: Record<string, unknown>) => void;

interface Ctx {
  readonly input: GateInput;
  readonly nowMs: number | null;
  readonly settings: DosingSettings;
  readonly limits: EffectiveLimits;
  readonly plan: GatePlan | null;
  readonly push: Push;
  readonly invalid: (problem: string) => void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Age of a recorded instant at `now`: null when either is unreadable or the record claims to be from the future. */
function ageMs(iso: unknown, nowMs: number | null): { ms: number } | { problem: 'unreadable' | 'in the future' } {
  const t = parseInstant(iso);
  if (t === null || nowMs === null) return { problem: 'unreadable' };
  if (t > nowMs) return { problem: 'in the future' };
  return { ms: nowMs - t };
}

function formatList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

// ---- checks, one per area of docs/clinical-basis.md §4; each may push several codes but each code at most once ----

function checkEnrolment({ input, push }: Ctx): void {
  if (input.intakeStatus !== 'approved') {
    push('INTAKE_NOT_APPROVED', 'Your intake has not been approved by a clinician yet. Finish and submit your intake, then wait for your clinician’s decision.', {
      intakeStatus: typeof input.intakeStatus === 'string' ? input.intakeStatus : null,
    });
  }
}

function checkConsent({ input, push }: Ctx): void {
  const c: unknown = input.consent;
  const ok = isObject(c) && isNonEmptyString(c.currentVersion) && c.signedVersion === c.currentVersion;
  if (!ok) {
    push('CONSENT_NOT_CURRENT', 'You need to sign the current consent form before a session. Open the consent form and sign the latest version.', {
      signedVersion: isObject(c) && typeof c.signedVersion === 'string' ? c.signedVersion : null,
      currentVersion: isObject(c) && typeof c.currentVersion === 'string' ? c.currentVersion : null,
    });
  }
}

function checkEducation({ input, push }: Ctx): void {
  const e: unknown = input.education;
  if (!isObject(e) || !Array.isArray(e.requiredSlugs) || !Array.isArray(e.completedSlugs)) {
    push('EDUCATION_INCOMPLETE', 'We could not confirm your required lessons are finished. Open your lessons and check they are all complete.', {
      problem: 'unreadable',
    });
    return;
  }
  const done = new Set<unknown>(e.completedSlugs);
  const missing = (e.requiredSlugs as unknown[]).filter((s) => !done.has(s)).map(String);
  if (missing.length > 0) {
    push('EDUCATION_INCOMPLETE', `Finish your required lessons first: ${formatList(missing)}.`, { missingSlugs: missing });
  }
}

function checkPlanAndDose({ input, nowMs, plan, limits, push, invalid }: Ctx): void {
  if (plan === null) {
    push('NO_ACTIVE_PLAN', 'You do not have an active treatment plan, so no dose can be given. Your clinician needs to set up and sign your plan.');
    return;
  }
  const shape = planShapeErrors(plan.terms);
  if (shape.length > 0) invalid(`plan terms: ${shape.map((e) => e.field).join(', ')}`);

  const sig: unknown = plan.signature;
  let signatureProblem: string | null = null;
  if (!isObject(sig)) signatureProblem = 'not signed';
  else if (!isNonEmptyString(plan.termsSha256) || sig.termsSha256 !== plan.termsSha256)
    signatureProblem = 'the plan changed after it was signed';
  else if (!isNonEmptyString(sig.signedBy)) signatureProblem = 'no signer';
  else if (!('ms' in ageMs(sig.signedAt, nowMs))) signatureProblem = 'signature time unreadable or in the future';
  if (signatureProblem !== null) {
    push('PLAN_NOT_SIGNED', 'Your treatment plan has not been signed by your prescriber in its current form. Ask your clinician to review and sign it.', {
      planId: plan.planId,
      problem: signatureProblem,
    });
  }

  const currentDoseMg: unknown = isObject(plan.terms) ? plan.terms.currentDoseMg : undefined;
  const requested: unknown = input.requestedDoseMg ?? currentDoseMg;
  const doseReadable = typeof requested === 'number' && Number.isFinite(requested) && requested > 0;
  if (!doseReadable || requested !== currentDoseMg) {
    push(
      'DOSE_NOT_PLAN_DOSE',
      `The dose asked for is not the dose in your plan${typeof currentDoseMg === 'number' ? ` (${currentDoseMg} mg)` : ''}. Take only your plan’s dose; only your prescriber can change it.`,
      { requestedDoseMg: doseReadable ? requested : null, planDoseMg: typeof currentDoseMg === 'number' ? currentDoseMg : null },
    );
  }
  const max = limits.maximumDoseMg;
  if (doseReadable && (max === null || !(requested <= max))) {
    push(
      'DOSE_ABOVE_MAXIMUM',
      `The dose (${requested} mg) is above the maximum allowed (${max ?? 0} mg). Do not take it; contact your clinician.`,
      { doseMg: requested, maximumDoseMg: max },
    );
  }
}

function checkPacing({ input, nowMs, limits, push }: Ctx): void {
  const raw: unknown = input.previousDoseTimes;
  const parsed = Array.isArray(raw) ? raw.map((t) => parseInstant(t)) : null;
  if (parsed === null || parsed.some((t) => t === null) || nowMs === null) {
    const detail = { problem: 'session history unreadable' };
    push('MIN_INTERVAL_NOT_MET', 'We could not check the time since your last session. Please contact your care team.', detail);
    push('WEEKLY_MAXIMUM_REACHED', 'We could not check how many sessions you have had this week. Please contact your care team.', detail);
    return;
  }
  const times = parsed as number[];
  const nextEligibleAt = toIso(earliestNextSessionMs(times, nowMs, limits));
  const latest = times.length > 0 ? Math.max(...times) : null;
  // A session exactly the minimum interval ago is allowed; a recorded session in the future blocks (fail closed).
  if (latest !== null && nowMs - latest < hoursToMs(limits.minHoursBetweenSessions)) {
    push(
      'MIN_INTERVAL_NOT_MET',
      `Sessions must be at least ${limits.minHoursBetweenSessions} hours apart. Your next session can start from ${nextEligibleAt}.`,
      { lastDoseAt: toIso(latest), minHoursBetweenSessions: limits.minHoursBetweenSessions, nextEligibleAt },
    );
  }
  // Rolling window: a session counts while it is less than `rollingWindowDays` old (future ones count too).
  const windowStart = nowMs - daysToMs(limits.rollingWindowDays);
  const inWindow = times.filter((t) => t > windowStart).length;
  if (inWindow >= limits.maxSessionsPer7Days) {
    push(
      'WEEKLY_MAXIMUM_REACHED',
      `You have had ${inWindow} sessions in the last ${limits.rollingWindowDays} days, the most allowed. Your next session can start from ${nextEligibleAt}.`,
      { sessionsInWindow: inWindow, maxSessions: limits.maxSessionsPer7Days, windowDays: limits.rollingWindowDays, nextEligibleAt },
    );
  }
}

function checkDosesOnHand({ input, push }: Ctx): void {
  const l: unknown = input.ledger;
  const onHand = isObject(l) ? l.onHandUnits : undefined;
  const perDose = isObject(l) ? l.unitsPerDose : undefined;
  const readable =
    typeof onHand === 'number' && Number.isInteger(onHand) && typeof perDose === 'number' && Number.isInteger(perDose) && perDose >= 1;
  if (!readable || onHand < perDose) {
    push(
      'NO_DOSES_ON_HAND',
      'Your medication record shows no dose at home. Ask your care team about a refill; if you do have medication the record does not show, tell them so they can correct it.',
      readable ? { onHandUnits: onHand, unitsPerDose: perDose } : { problem: 'ledger unreadable' },
    );
  }
}

function checkSitter({ input, nowMs, settings, push }: Ctx): void {
  const a: unknown = input.sitterAttestation;
  if (!isObject(a)) {
    push('SITTER_NOT_ATTESTED', 'Your sitter has not confirmed they are with you. Ask your sitter to confirm in their own Keel account that they are with you and sober.', {
      problem: 'no attestation',
    });
    return;
  }
  const problems: string[] = [];
  if (a.present !== true) problems.push('not present');
  if (a.sober !== true) problems.push('not sober');
  if (a.attestedInOwnSession !== true) problems.push('not made from the sitter’s own account');
  const age = ageMs(a.attestedAt, nowMs);
  if (!('ms' in age)) problems.push(`time ${age.problem}`);
  if (problems.length > 0) {
    push('SITTER_NOT_ATTESTED', 'Your sitter has not confirmed they are with you and sober. Ask your sitter to confirm in their own Keel account.', {
      problems,
    });
  }
  const fresh = settings.sitterAttestationFreshnessMinutes;
  if ('ms' in age && age.ms > minutesToMs(fresh)) {
    push('SITTER_ATTESTATION_STALE', `Your sitter confirmed more than ${fresh} minutes ago. Ask your sitter to confirm again that they are with you and sober.`, {
      attestedAt: a.attestedAt,
      freshnessMinutes: fresh,
    });
  }
  const assigned = Array.isArray(a.assignedSitterIds) && isNonEmptyString(a.sitterUserId) && a.assignedSitterIds.includes(a.sitterUserId);
  if (!assigned) {
    push('SITTER_NOT_ASSIGNED', 'The person who confirmed is not your assigned sitter. Ask your assigned sitter to confirm, or ask your care team to add this person as your sitter.', {
      sitterUserId: typeof a.sitterUserId === 'string' ? a.sitterUserId : null,
    });
  }
}

const VITAL_WORDS = {
  systolicMmHg: { name: 'upper (systolic) blood pressure', unit: 'mmHg' },
  diastolicMmHg: { name: 'lower (diastolic) blood pressure', unit: 'mmHg' },
  heartRateBpm: { name: 'heart rate', unit: 'beats per minute' },
} as const;

function checkVitals({ input, nowMs, settings, limits, push }: Ctx): void {
  const v: unknown = input.preDoseVitals;
  if (!isObject(v)) {
    push('VITALS_MISSING', 'We need your blood pressure and heart rate before the session. Measure them now and enter them.', { problem: 'no reading' });
    return;
  }
  const reading = v as unknown as GateVitals;
  const errors = validateVitalsReading(reading, settings);
  const age = ageMs(reading.takenAt, nowMs);
  if (errors.length > 0 || !('ms' in age)) {
    push('VITALS_MISSING', 'Your blood pressure and heart rate reading could not be used. Measure them again and enter them carefully.', {
      problems: [...errors.map((e) => `${e.field}: ${e.code}`), ...('ms' in age ? [] : [`takenAt ${age.problem}`])],
    });
  }
  const fresh = settings.vitalsFreshnessMinutes;
  if ('ms' in age && age.ms > minutesToMs(fresh)) {
    push('VITALS_STALE', `Your blood pressure and heart rate were taken more than ${fresh} minutes ago. Measure them again and enter them.`, {
      takenAt: reading.takenAt,
      freshnessMinutes: fresh,
    });
  }
  // A value outside human range is not a reading: it cannot also be "above the hold".
  const badFields = new Set(errors.map((e) => e.field));
  const exceeded = (['systolicMmHg', 'diastolicMmHg', 'heartRateBpm'] as const)
    .filter((k) => !badFields.has(k) && reading[k] > limits.vitalsHold[k])
    .map((k) => ({ measure: k, value: reading[k], limit: limits.vitalsHold[k] }));
  if (exceeded.length > 0) {
    const words = exceeded.map((e) => `${VITAL_WORDS[e.measure].name} is ${e.value} (limit ${e.limit} ${VITAL_WORDS[e.measure].unit})`);
    push(
      'VITALS_ABOVE_HOLD',
      `Your ${formatList(words)}. That is too high for a session right now. Sit quietly and rest, then measure again; if it is still high, do not dose today and contact your care team.`,
      { exceeded },
    );
  }
}

function checkChecklist({ input, nowMs, settings, limits, push }: Ctx): void {
  const c: unknown = input.checklist;
  if (!isObject(c)) {
    push('CHECKLIST_MISSING', 'Complete the pre-session safety checklist first.', { problem: 'no checklist' });
    return;
  }
  const age = ageMs(c.attestedAt, nowMs);
  if (!('ms' in age)) {
    push('CHECKLIST_MISSING', 'Your checklist could not be read. Complete the pre-session safety checklist again.', { problem: `time ${age.problem}` });
  } else if (age.ms > minutesToMs(settings.checklistFreshnessMinutes)) {
    push('CHECKLIST_STALE', `Your checklist was completed more than ${settings.checklistFreshnessMinutes} minutes ago. Complete it again.`, {
      attestedAt: c.attestedAt,
      freshnessMinutes: settings.checklistFreshnessMinutes,
    });
  }
  // Each item must be explicitly safe: a missing answer is a failed item.
  const failed: { item: string; words: string }[] = [];
  const fasted = c.fastedHours;
  if (typeof fasted !== 'number' || !Number.isFinite(fasted) || fasted < limits.fastingHours)
    failed.push({ item: 'fastedHours', words: `you need to have fasted for ${limits.fastingHours} hours` });
  if (c.alcohol24h !== false) failed.push({ item: 'alcohol24h', words: 'alcohol in the last 24 hours' });
  if (c.sedatives24h !== false) failed.push({ item: 'sedatives24h', words: 'sedatives or benzodiazepines in the last 24 hours' });
  if (c.cannabis24h !== false) failed.push({ item: 'cannabis24h', words: 'cannabis in the last 24 hours' });
  if (c.newMedication !== false) failed.push({ item: 'newMedication', words: 'a new medication (check it with your care team first)' });
  if (c.safeSetting !== true)
    failed.push({ item: 'safeSetting', words: 'a safe setting is needed (lying down, no bath, no driving until the next day after sleep)' });
  if (failed.length > 0) {
    push('CHECKLIST_FAILED', `It is not safe to dose right now: ${formatList(failed.map((f) => f.words))}.`, {
      failedItems: failed.map((f) => f.item),
      requiredFastingHours: limits.fastingHours,
    });
  }
}

function checkAlerts({ input, push }: Ctx): void {
  const alerts: unknown = input.openAlerts;
  const help = 'Your care team has paused your sessions while they follow up with you. Your clinician will contact you. If you are in crisis, call or text 988; in an emergency call 911.';
  if (!Array.isArray(alerts)) {
    push('ALERT_HOLDS_DOSING', help, { problem: 'alerts unreadable' });
    return;
  }
  // Only an explicit `holdsDosing: false` lets an open alert through.
  const holding = alerts.filter((a) => !isObject(a) || a.holdsDosing !== false);
  if (holding.length > 0) {
    push('ALERT_HOLDS_DOSING', help, { alertIds: holding.map((a) => (isObject(a) && typeof a.id === 'string' ? a.id : null)) });
  }
}

function checkFollowUp({ input, nowMs, push }: Ctx): void {
  const f: unknown = input.followUpDue;
  if (f === null) return;
  const dueAt = isObject(f) ? parseInstant(f.dueAt) : null;
  if (dueAt === null || nowMs === null || dueAt <= nowMs) {
    push('FOLLOW_UP_DUE', 'A follow-up visit with your clinician is due before your next session. Book or attend your follow-up visit.', {
      dueAt: isObject(f) && typeof f.dueAt === 'string' ? f.dueAt : null,
    });
  }
}

function checkVisitGap({ input, nowMs, settings, push }: Ctx): void {
  const days = settings.maxDaysWithoutClinicianVisit;
  const message = `It has been more than ${days} days since your last session, so your clinician needs to see you first. Book a visit with your clinician.`;
  const last: unknown = input.lastSessionAt;
  const visit: unknown = input.lastClinicianVisitAt;
  if (last === undefined || visit === undefined || nowMs === null) {
    push('VISIT_GAP_EXCEEDED', message, { problem: 'visit or session history unreadable' });
    return;
  }
  let lastMs: number | null;
  if (last === null) {
    // No dose taken yet: fall back to an open authorization, if any (a first session has no gap).
    const times = Array.isArray(input.previousDoseTimes)
      ? input.previousDoseTimes.map((t) => parseInstant(t)).filter((t): t is number => t !== null)
      : [];
    lastMs = times.length > 0 ? Math.max(...times) : null;
    if (lastMs === null) return;
  } else {
    lastMs = parseInstant(last);
    if (lastMs === null) {
      push('VISIT_GAP_EXCEEDED', message, { problem: 'last session time unreadable' });
      return;
    }
  }
  if (nowMs - lastMs <= daysToMs(days)) return;
  // The visit must come after the gap began (after the last session) and not claim to be in the future.
  const visitMs = visit === null ? null : parseInstant(visit);
  const visitedSince = visitMs !== null && visitMs > lastMs && visitMs <= nowMs;
  if (!visitedSince) {
    push('VISIT_GAP_EXCEEDED', message, {
      lastSessionAt: toIso(lastMs),
      lastClinicianVisitAt: visitMs === null ? null : toIso(visitMs),
      maxDaysWithoutClinicianVisit: days,
    });
  }
}

function checkPrescribing({ input, nowMs, settings, push }: Ctx): void {
  const p: unknown = input.prescribing;
  const compliance = { ...(isObject(p) ? p : {}), action: 'dose' } as unknown as ComplianceInput;
  const decision = evaluatePrescribingCompliance(compliance, settings, nowMs === null ? new Date(Number.NaN) : new Date(nowMs));
  for (const r of decision.reasons) {
    // Refills concern a fill, never a dose; the dose's reasons are the compliance codes the gate lists.
    if ((GATE_REASON_CODES as readonly string[]).includes(r.code)) push(r.code as GateReasonCode, r.message, r.detail);
  }
}

const CHECKS: readonly [string, (ctx: Ctx) => void][] = [
  ['enrolment', checkEnrolment],
  ['consent', checkConsent],
  ['education', checkEducation],
  ['plan', checkPlanAndDose],
  ['pacing', checkPacing],
  ['ledger', checkDosesOnHand],
  ['sitter', checkSitter],
  ['vitals', checkVitals],
  ['checklist', checkChecklist],
  ['alerts', checkAlerts],
  ['followUp', checkFollowUp],
  ['visitGap', checkVisitGap],
  ['prescribing', checkPrescribing],
];

const ORDER = new Map<GateReasonCode, number>(GATE_REASON_CODES.map((c, i) => [c, i]));

/**
 * Decide whether a dose may be taken now. Returns `authorized` only when every condition of docs/clinical-basis.md §4
 * holds; otherwise `blocked` with every failing reason, in the order of GATE_REASON_CODES.
 */
export function evaluateGate(input: GateInput, now: Date, settings: DosingSettings): GateDecision {
  const reasons: GateReason[] = [];
  const seen = new Set<GateReasonCode>();
  const invalidProblems: string[] = [];
  const push: Push = (code, message, detail) => {
    if (seen.has(code)) return;
    seen.add(code);
    reasons.push(detail === undefined ? { code, message } : { code, message, detail });
  };
  const invalid = (problem: string): void => {
    invalidProblems.push(problem);
  };

  const nowMs = instantOf(now);
  if (nowMs === null) invalid('now is not a valid time');
  let settingsErrors: string[];
  try {
    settingsErrors = validateDosingSettings(settings).map((e) => e.field);
  } catch {
    settingsErrors = ['settings'];
  }
  if (settingsErrors.length > 0) invalid(`settings: ${settingsErrors.join(', ')}`);

  let limits: EffectiveLimits | null = null;
  let plan: GatePlan | null = null;
  try {
    const raw: unknown = isObject(input) ? input.activePlan : undefined;
    plan = isObject(raw) && raw.status === 'active' ? (raw as unknown as GatePlan) : null;
    limits = effectiveLimits(plan === null ? null : plan.terms, settings);
  } catch {
    invalid('limits could not be computed');
  }

  if (limits !== null && isObject(input)) {
    const ctx: Ctx = { input, nowMs, settings, limits, plan, push, invalid };
    for (const [name, check] of CHECKS) {
      try {
        check(ctx);
      } catch {
        invalid(`${name} check failed`);
      }
    }
  } else if (!isObject(input)) {
    invalid('input is not an object');
  }

  if (invalidProblems.length > 0) {
    push('GATE_INPUT_INVALID', 'Something needed for the safety check could not be read, so the session cannot be allowed. Try again; if it keeps happening, contact your care team.', {
      problems: invalidProblems,
    });
  }

  if (reasons.length === 0 && plan !== null && limits !== null && nowMs !== null) {
    const doseMg = plan.terms.currentDoseMg;
    return {
      kind: 'authorized',
      doseMg,
      checkedAt: toIso(nowMs),
      planId: plan.planId,
      planVersion: plan.version,
      limits,
      reasons: [],
    };
  }
  if (reasons.length === 0) {
    // Unreachable by construction (no plan → NO_ACTIVE_PLAN); kept so that no path can fall through to authorized.
    push('GATE_INPUT_INVALID', 'Something needed for the safety check could not be read, so the session cannot be allowed.', {
      problems: ['no decision reached'],
    });
  }
  reasons.sort((a, b) => (ORDER.get(a.code) ?? 0) - (ORDER.get(b.code) ?? 0));
  return { kind: 'blocked', reasons };
}
