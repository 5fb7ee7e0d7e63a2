// The dosing session around the gate: what counts as a dose for pacing, how long an authorization lasts, when a
// session may be started and when it may be closed. The gate (gate/session-gate.ts) decides whether a dose may be
// taken; these rules make sure nothing reaches "dose taken" or "session over" without that decision being fresh,
// and that no session is closed against the sitter.
//
// Lifecycle: scheduled → authorized → in_progress (the dose is taken at start) → completed, or
//   authorized → expired (the go-ahead lapsed unused), or any open state → aborted.
import { evaluateGate, type GateDecision, type GateInput, type GateReason } from '../gate/session-gate.ts';
import type { DosingSettings } from '../settings/program-settings.ts';
import { CLINICAL_BOUNDS } from '../settings/program-settings.ts';
import { minutesToMs, parseInstant, toIso } from '../settings/time-units.ts';

export type SessionStatus = 'scheduled' | 'authorized' | 'in_progress' | 'completed' | 'aborted' | 'missed' | 'expired';

/** What pacing needs to know of one session. */
export interface SessionPacingRecord {
  readonly id: string;
  readonly status: SessionStatus;
  readonly authorizedAt: string | null;
  readonly authorizationExpiresAt: string | null;
  /** When the dose was taken (the session was started); null if it never was. */
  readonly startedAt: string | null;
}

/**
 * The instants that count as doses for the minimum interval and the weekly maximum: every dose actually taken (the
 * session's start, whatever became of the session afterwards), and every other authorization still open — it may
 * be taken any minute, so a second one cannot be issued beside it. An expired or never-started authorization is
 * not a dose.
 */
export function doseTimesForPacing(sessions: readonly SessionPacingRecord[], now: Date, excludeSessionId?: string): string[] {
  const nowMs = now.getTime();
  const out: string[] = [];
  for (const s of sessions) {
    if (s.id === excludeSessionId) continue;
    if (s.startedAt !== null) {
      out.push(s.startedAt);
    } else if (s.status === 'authorized' && s.authorizedAt !== null) {
      const expires = parseInstant(s.authorizationExpiresAt);
      // An unreadable expiry is treated as still open (fail closed: it keeps blocking).
      if (expires === null || expires > nowMs) out.push(s.authorizedAt);
    }
  }
  return out;
}

/** The latest dose actually taken, for the visit-gap rule (null: never dosed). */
export function lastDoseAt(sessions: readonly SessionPacingRecord[]): string | null {
  let latest: number | null = null;
  for (const s of sessions) {
    const t = parseInstant(s.startedAt);
    if (t !== null && (latest === null || t > latest)) latest = t;
  }
  return latest === null ? null : toIso(latest);
}

/** When an authorization given at `authorizedAt` lapses: the program's window, never beyond the hard bound. */
export function authorizationExpiresAt(authorizedAt: Date, settings: Pick<DosingSettings, 'authorizationValidMinutes'>): Date {
  const minutes = Math.min(settings.authorizationValidMinutes, CLINICAL_BOUNDS.authorizationValidMinutes.max);
  const safe = Number.isFinite(minutes) && minutes > 0 ? minutes : 0;
  return new Date(authorizedAt.getTime() + minutesToMs(safe));
}

/** Expired once `now` has reached the expiry (an unreadable expiry counts as expired: fail closed). */
export function authorizationExpired(expiresAt: string | null, now: Date): boolean {
  const t = parseInstant(expiresAt);
  return t === null || now.getTime() >= t;
}

const EXPIRED_MESSAGE =
  'The go-ahead for this session has expired: too much time passed between the safety check and the start. Start a new session so the checks can be done again.';

/**
 * Starting is taking the dose, so the gate runs again on the data as it stands now (sitter attestation, vitals and
 * checklist freshness, holds, interval, on hand), and the authorization must still be open. Every failing reason
 * is reported; `input` is assembled for this session with its own reserved units counted as on hand.
 */
export function evaluateStart(
  input: GateInput,
  authorization: { readonly expiresAt: string | null },
  now: Date,
  settings: DosingSettings,
): GateDecision {
  const gate = evaluateGate(input, now, settings);
  if (!authorizationExpired(authorization.expiresAt, now)) return gate;
  const expired: GateReason = { code: 'AUTHORIZATION_EXPIRED', message: EXPIRED_MESSAGE, detail: { expiresAt: authorization.expiresAt } };
  return { kind: 'blocked', reasons: [expired, ...(gate.kind === 'blocked' ? gate.reasons : [])] };
}

// ---------------------------------------------------------------------------------------------------------------
// Completion

export const COMPLETION_REASON_CODES = ['OBSERVATION_TIME_NOT_MET', 'SITTER_BASELINE_NOT_CONFIRMED', 'SITTER_SAYS_NOT_BASELINE'] as const;
export type CompletionReasonCode = (typeof COMPLETION_REASON_CODES)[number];

export interface CompletionReason {
  readonly code: CompletionReasonCode;
  readonly message: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface BaselineConfirmation {
  readonly sitterUserId: string;
  readonly confirmedAt: string;
  readonly backToBaseline: boolean;
}

export interface CompletionInput {
  /** When the dose was taken. */
  readonly startedAt: string | null;
  readonly assignedSitterIds: readonly string[];
  /** The sitters who attested, for this session, that they were present and sober: the ones actually there. */
  readonly presentSitterIds: readonly string[];
  /** This session's back-to-baseline statements, in any order. */
  readonly confirmations: readonly BaselineConfirmation[];
}

export type CompletionDecision =
  | { readonly kind: 'may_complete'; readonly confirmedBy: string; readonly confirmedAt: string }
  | { readonly kind: 'not_yet'; readonly reasons: readonly CompletionReason[]; readonly observationEndsAt: string | null };

/**
 * A session may be closed only when the minimum observation time since the dose has passed AND the sitter who is
 * there has said, from their own account, that the patient is back to their usual self — and has not said "not
 * yet" since. Only statements by a sitter who is assigned to the patient and attested presence for this session
 * count, made after the dose; the latest one decides. A "not yet" counts whenever it was said; a "yes" counts only
 * once the peak has passed (the observation floor after the dose): before it, a patient is trivially "at baseline".
 */
export function evaluateCompletion(input: CompletionInput, now: Date, settings: Pick<DosingSettings, 'minObservationMinutes'>): CompletionDecision {
  const reasons: CompletionReason[] = [];
  const nowMs = now.getTime();
  const started = parseInstant(input.startedAt);
  const minutes = Math.max(settings.minObservationMinutes, CLINICAL_BOUNDS.minObservationMinutes.min);
  const endsMs = started === null || !Number.isFinite(minutes) ? null : started + minutesToMs(minutes);
  if (endsMs === null || nowMs < endsMs) {
    reasons.push({
      code: 'OBSERVATION_TIME_NOT_MET',
      message:
        endsMs === null
          ? 'We cannot tell when the dose was taken, so the session stays open. Contact your care team.'
          : `Stay in observation, lying down with your sitter, until at least ${minutes} minutes after the dose.`,
      detail: { observationEndsAt: endsMs === null ? null : toIso(endsMs), minObservationMinutes: minutes },
    });
  }
  const assigned = new Set(input.assignedSitterIds);
  const present = new Set(input.presentSitterIds);
  const valid = input.confirmations
    .map((c) => ({ c, at: parseInstant(c.confirmedAt) }))
    .filter(
      (x): x is { c: BaselineConfirmation; at: number } =>
        x.at !== null && started !== null && x.at >= started && x.at <= nowMs && assigned.has(x.c.sitterUserId) && present.has(x.c.sitterUserId),
    )
    .sort((a, b) => b.at - a.at);
  const peakPassedMs = started === null ? null : started + minutesToMs(CLINICAL_BOUNDS.minObservationMinutes.min);
  const latest = valid[0];
  const tooEarly = latest !== undefined && latest.c.backToBaseline && (peakPassedMs === null || latest.at < peakPassedMs);
  if (latest === undefined || tooEarly) {
    reasons.push({
      code: 'SITTER_BASELINE_NOT_CONFIRMED',
      message: tooEarly
        ? 'Your sitter confirmed you were back to your usual self too soon after the dose to count. They confirm again once the effects have passed.'
        : 'Your sitter has not yet confirmed, from their own account, that you are back to your usual self.',
    });
  } else if (!latest.c.backToBaseline) {
    reasons.push({
      code: 'SITTER_SAYS_NOT_BASELINE',
      message: 'Your sitter says you are not back to your usual self yet. Stay lying down with your sitter; the session stays open until they confirm.',
      detail: { confirmedAt: latest.c.confirmedAt },
    });
  }
  if (reasons.length > 0 || latest === undefined || tooEarly) return { kind: 'not_yet', reasons, observationEndsAt: endsMs === null ? null : toIso(endsMs) };
  return { kind: 'may_complete', confirmedBy: latest.c.sitterUserId, confirmedAt: latest.c.confirmedAt };
}
