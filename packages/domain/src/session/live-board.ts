// The live session board's rules (docs/live-board.md): when the sitter's next check is due and when it is overdue
// (the same rule as the SITTER_CHECK_OVERDUE alert), whether the latest vitals are over the hold limits, and the
// board's urgency order. Pure: facts and `now` in, a decision out.

export const BOARD_URGENCY_REASONS = ['check_overdue', 'concern', 'vitals_over_limit', 'urgent_alert', 'high_risk'] as const;
export type BoardUrgencyReason = (typeof BOARD_URGENCY_REASONS)[number];

export interface CheckRule {
  readonly intervalMinutes: number;
  readonly graceMinutes: number;
}

/**
 * The next sitter check is due one interval after the last check (or the dose, before the first); it is overdue
 * once more than the interval and the grace have passed since then — exactly when the sweep raises
 * SITTER_CHECK_OVERDUE. Before the dose (an authorized session) no check is due.
 */
export function sitterCheckDue(startedAt: string | null, lastCheckAt: string | null, now: Date, rule: CheckRule): { nextCheckDueAt: string | null; overdue: boolean } {
  if (startedAt === null) return { nextCheckDueAt: null, overdue: false };
  const reference = Date.parse(lastCheckAt ?? startedAt);
  if (Number.isNaN(reference)) return { nextCheckDueAt: null, overdue: true };
  const next = reference + rule.intervalMinutes * 60_000;
  return { nextCheckDueAt: new Date(next).toISOString(), overdue: now.getTime() - reference > (rule.intervalMinutes + rule.graceMinutes) * 60_000 };
}

export interface HoldLimits {
  readonly systolicMax: number;
  readonly diastolicMax: number;
  readonly heartRateMax: number;
  readonly spo2Min: number | null;
}

/** Over the limits: any reading above its maximum (or an oxygen saturation below its minimum, when one is set). */
export function vitalsOverLimit(v: { systolic: number; diastolic: number; heartRate: number; spo2: number | null } | null, limits: HoldLimits): boolean {
  if (v === null) return false;
  if (v.systolic > limits.systolicMax || v.diastolic > limits.diastolicMax || v.heartRate > limits.heartRateMax) return true;
  return limits.spo2Min !== null && v.spo2 !== null && v.spo2 < limits.spo2Min;
}

export interface UrgencyFacts {
  readonly checkOverdue: boolean;
  readonly concerns: number;
  readonly vitalsOverLimit: boolean;
  /** Open (unresolved) alerts of high or critical severity. */
  readonly urgentAlerts: number;
  readonly riskTier: 'low' | 'elevated' | 'high' | null;
}

/**
 * The reasons a row is urgent, most urgent first, and its urgency: the position of its most urgent reason in
 * BOARD_URGENCY_REASONS (0 = an overdue check), or BOARD_URGENCY_REASONS.length when none holds.
 */
export function boardUrgency(f: UrgencyFacts): { urgency: number; reasons: BoardUrgencyReason[] } {
  const holds: Record<BoardUrgencyReason, boolean> = {
    check_overdue: f.checkOverdue,
    concern: f.concerns > 0,
    vitals_over_limit: f.vitalsOverLimit,
    urgent_alert: f.urgentAlerts > 0,
    high_risk: f.riskTier === 'high',
  };
  const reasons = BOARD_URGENCY_REASONS.filter((r) => holds[r]);
  return { urgency: reasons.length > 0 ? BOARD_URGENCY_REASONS.indexOf(reasons[0] as BoardUrgencyReason) : BOARD_URGENCY_REASONS.length, reasons };
}

export interface BoardSortKey {
  readonly urgency: number;
  readonly urgencyReasons: readonly string[];
  readonly status: 'authorized' | 'in_progress';
  readonly minutesSinceDose: number | null;
  readonly patientName: string;
  readonly sessionId: string;
}

/**
 * The board's order: urgency (lowest first); then more reasons first; then dosed sessions before ones only
 * authorized; then the longest since the dose; then by name and session id, so the order is total.
 */
export function compareBoardRows(a: BoardSortKey, b: BoardSortKey): number {
  return (
    a.urgency - b.urgency ||
    b.urgencyReasons.length - a.urgencyReasons.length ||
    (a.status === b.status ? 0 : a.status === 'in_progress' ? -1 : 1) ||
    (b.minutesSinceDose ?? -1) - (a.minutesSinceDose ?? -1) ||
    a.patientName.localeCompare(b.patientName) ||
    (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0)
  );
}
