// When may a patient's refill be released? Limited dispensing (docs/clinical-basis.md §5: "a few doses at a time,
// released after review") means a refill is due only when the doses on hand are about to run out at the fastest
// pace the plan allows. Asking earlier is a warning sign ("Early refill request", docs/clinical-basis.md §5), so the reason code
// REFILL_TOO_EARLY is what the server records as that signal's evidence.
import type { DosingSettings } from '../settings/program-settings.ts';
import { validateDosingSettings } from '../settings/program-settings.ts';
import { addMonthsMs } from '../compliance/prescribing-compliance.ts';
import { daysToMs, instantOf, parseInstant, toIso } from '../settings/time-units.ts';
import type { TreatmentPlanTerms } from '../plan/plan-terms.ts';
import { effectiveLimits, planShapeErrors } from '../plan/plan-rules.ts';
import { projectSessionTimes } from '../plan/session-pace.ts';
import { reconcile, type LedgerEntry } from './ledger.ts';

export interface RefillRequestInput {
  /** The patient's whole ledger. */
  readonly entries: readonly LedgerEntry[];
  /** Terms of the active signed plan, or null. */
  readonly plan: TreatmentPlanTerms | null;
  /**
   * When the active plan (the prescription) was signed, or null without one. A Schedule III prescription cannot be
   * refilled once `settings.refill.windowMonths` have passed since its date, whatever refills it has left.
   */
  readonly prescriptionSignedAt: string | null;
  /**
   * Refills already used on the current prescription since it was signed (the original fill is not a refill). The
   * server counts them; the limit comes from `settings.refill`, and the window from `prescriptionSignedAt`.
   */
  readonly refillsInWindow: number;
  /** Ledger units one session's dose uses (1 for unit-dose packs; e.g. 2 for a 300 mg dose of 150 mg tablets). */
  readonly unitsPerDose: number;
  readonly now: Date;
  readonly settings: DosingSettings;
}

export type RefillReasonCode =
  | 'NO_ACTIVE_PLAN'
  | 'REFILL_LIMIT_REACHED'
  | 'PRESCRIPTION_EXPIRED'
  | 'REFILL_TOO_EARLY'
  | 'LEDGER_UNRECONCILED'
  | 'REFILL_INPUT_INVALID';

export interface RefillReason {
  readonly code: RefillReasonCode;
  readonly message: string;
}

export type RefillDecision =
  | {
      readonly kind: 'granted';
      readonly eligibleFrom: string;
      /** When the first session that on-hand units cannot cover could take place, at the fastest allowed pace. */
      readonly projectedRunOutAt: string;
      readonly dosesOnHand: number;
    }
  | {
      readonly kind: 'held';
      /** null when no date can be computed (no plan, unreadable ledger). */
      readonly eligibleFrom: string | null;
      readonly reasons: readonly RefillReason[];
    };

export function refillEligibility(input: RefillRequestInput): RefillDecision {
  try {
    return decide(input);
  } catch {
    // Any failure while deciding holds the refill (fail closed); a person can review it.
    return {
      kind: 'held',
      eligibleFrom: null,
      reasons: [{ code: 'REFILL_INPUT_INVALID', message: 'We could not check your refill. Your care team will review it.' }],
    };
  }
}

function decide(input: RefillRequestInput): RefillDecision {
  const { entries, plan, refillsInWindow, unitsPerDose, settings } = input;
  const reasons: RefillReason[] = [];
  const nowMs = instantOf(input.now);
  const settingsOk = validateDosingSettings(settings).length === 0;
  // A plan without a readable signature date cannot be judged against its refill window.
  const signedMs = parseInstant(input.prescriptionSignedAt);
  const signedOk = plan === null || signedMs !== null;
  if (nowMs === null || !settingsOk || !signedOk || !Number.isInteger(unitsPerDose) || unitsPerDose < 1 || !Number.isInteger(refillsInWindow) || refillsInWindow < 0) {
    return {
      kind: 'held',
      eligibleFrom: null,
      reasons: [{ code: 'REFILL_INPUT_INVALID', message: 'We could not check your refill. Your care team will review it.' }],
    };
  }

  const planUsable = plan !== null && planShapeErrors(plan).length === 0;
  if (!planUsable) {
    reasons.push({
      code: 'NO_ACTIVE_PLAN',
      message: 'You do not have an active treatment plan, so no refill can be sent. Your clinician will be in touch.',
    });
  }
  if (refillsInWindow >= settings.refill.maxRefills) {
    reasons.push({
      code: 'REFILL_LIMIT_REACHED',
      message: `Your prescription has used all of its ${settings.refill.maxRefills} refills. Your clinician needs to write a new prescription.`,
    });
  }
  // 21 USC 829(b): no refill more than `windowMonths` after the prescription's date (its window ends at the same
  // instant of that later month, or its last day, as the dispense's compliance check counts it).
  if (planUsable && signedMs !== null && nowMs >= addMonthsMs(signedMs, settings.refill.windowMonths)) {
    reasons.push({
      code: 'PRESCRIPTION_EXPIRED',
      message: `Your prescription was signed more than ${settings.refill.windowMonths} months ago, so it cannot be refilled. Your clinician needs to write a new prescription.`,
    });
  }
  const rec = reconcile(entries);
  if (rec.kind === 'unreconciled') {
    reasons.push({
      code: 'LEDGER_UNRECONCILED',
      message: 'Your medication record needs checking by your care team before a refill can be sent.',
    });
  }
  if (!planUsable || rec.kind === 'unreconciled') return { kind: 'held', eligibleFrom: null, reasons };

  const limits = effectiveLimits(plan, settings);
  const sessionTimes = entries
    .filter((e) => e.kind === 'administered')
    .map((e) => parseInstant(e.occurredAt))
    .filter((t): t is number => t !== null);
  const dosesOnHand = Math.max(0, Math.floor(rec.summary.onHand / unitsPerDose));
  // The (dosesOnHand + 1)-th session from now is the first one the patient could not take without a refill.
  const projected = projectSessionTimes(sessionTimes, nowMs, dosesOnHand + 1, limits);
  const runOutMs = projected[projected.length - 1] ?? nowMs;
  const eligibleMs = runOutMs - daysToMs(settings.refill.leadDays);
  const eligibleFrom = toIso(eligibleMs);
  if (eligibleMs > nowMs) {
    reasons.push({
      code: 'REFILL_TOO_EARLY',
      message: `You still have enough medication for now. You can ask for a refill from ${eligibleFrom}.`,
    });
  }
  if (reasons.length > 0) return { kind: 'held', eligibleFrom, reasons };
  return { kind: 'granted', eligibleFrom, projectedRunOutAt: toIso(runOutMs), dosesOnHand };
}
