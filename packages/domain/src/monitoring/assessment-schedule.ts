// Which assessments a patient owes, when, and whether they are late. Pure: the server passes the phase, the
// last completion of each code and `now`; reminders and the patient's to-do list read the result.

import { daysToMs, hoursToMs, toIso } from '../settings/time-units.ts';
import type { AssessmentCadence } from './monitoring-settings.ts';
import type {
  RecurringAssessmentCode,
  ScheduledAssessmentCode,
  TreatmentPhase,
} from './monitoring-types.ts';
import { parseInstant } from './time-window.ts';

export type DueStatus = 'due' | 'overdue' | 'upcoming';

export interface DueAssessment {
  readonly code: ScheduledAssessmentCode;
  readonly dueAt: string;
  readonly status: DueStatus;
  readonly reason: string;
}

export interface DueAssessmentsInput {
  /** The active plan's phase; null before a plan exists (intake, awaiting the first plan). */
  readonly phase: TreatmentPhase | null;
  readonly enrolledAt: string;
  /** Last completion of each code; missing or undefined = never completed. */
  readonly lastCompleted: Partial<Record<ScheduledAssessmentCode, string | undefined>>;
  /** The most recent positive PHQ-9 item 9, and the C-SSRS completed after it, if any. */
  readonly lastPhq9Item9Positive?: { readonly at: string; readonly cssrsAfter?: string | undefined } | undefined;
  readonly now: Date;
  readonly cadence: AssessmentCadence;
}

const RECURRING_ORDER: readonly RecurringAssessmentCode[] = ['checkin', 'phq9', 'gad7', 'audit-c', 'dast10', 'bladder'];
const STATUS_ORDER: Record<DueStatus, number> = { overdue: 0, due: 1, upcoming: 2 };

const LABEL: Record<ScheduledAssessmentCode, string> = {
  checkin: 'Check-in',
  phq9: 'PHQ-9',
  gad7: 'GAD-7',
  'audit-c': 'AUDIT-C',
  dast10: 'DAST-10',
  bladder: 'Bladder check',
  'cssrs-screen': 'C-SSRS screener',
};

function statusAt(dueMs: number, overdueMs: number, nowMs: number): DueStatus {
  if (nowMs < dueMs) return 'upcoming';
  return nowMs >= overdueMs ? 'overdue' : 'due';
}

/**
 * The schedule's facts as epoch milliseconds: what `computeDueAssessments` works on after reading the ISO strings,
 * and what a caller holding numbers already (the clinician panel, 500 patients a read) passes straight in.
 * null = missing or unreadable.
 */
export interface DueScheduleInstants {
  readonly phase: TreatmentPhase | null;
  readonly enrolledMs: number | null;
  readonly lastCompletedMs: Partial<Record<ScheduledAssessmentCode, number | null | undefined>>;
  /** Present when PHQ-9 item 9 was ever positive: when (null = unreadable), and the C-SSRS completed after it. */
  readonly lastPhq9Item9Positive?: { readonly atMs: number | null; readonly cssrsAfterMs: number | null } | undefined;
  readonly nowMs: number;
  readonly cadence: AssessmentCadence;
}

interface DueItem {
  readonly code: ScheduledAssessmentCode;
  readonly dueMs: number;
  readonly status: DueStatus;
  /** Recurring codes: the last completion (null = never); the C-SSRS: why it is listed. */
  readonly lastMs: number | null;
  readonly kind: 'recurring' | 'after-item9' | 'at-intake';
}

/**
 * Every assessment that applies to the patient now, with when it falls due and its status (unsorted).
 *
 * - A recurring code is due `everyDays` after its last completion, or at enrolment when never completed; it is
 *   overdue `overdueAfterDays` after that. A last completion whose time cannot be read counts as never completed
 *   (fail closed: the patient is asked again rather than silently skipped).
 * - The daily check-in (and any code limited to phases) is listed only in those phases.
 * - The C-SSRS screener is listed when the intake screening was never done, and whenever PHQ-9 item 9 was
 *   positive with no C-SSRS completed since; it is due at once from the positive answer.
 */
function dueItems(f: DueScheduleInstants): DueItem[] {
  const { phase, cadence, nowMs } = f;
  const enrolledMs = f.enrolledMs ?? nowMs;
  const out: DueItem[] = [];

  for (const code of RECURRING_ORDER) {
    const rule = cadence.recurring[code];
    if (rule.phases !== 'all' && (phase === null || !rule.phases.includes(phase))) continue;
    const lastMs = f.lastCompletedMs[code] ?? null;
    const dueMs = lastMs === null ? enrolledMs : lastMs + daysToMs(rule.everyDays);
    out.push({ code, dueMs, status: statusAt(dueMs, dueMs + daysToMs(rule.overdueAfterDays), nowMs), lastMs, kind: 'recurring' });
  }

  const lastCssrsMs = f.lastCompletedMs['cssrs-screen'] ?? null;
  const positive = f.lastPhq9Item9Positive;
  // A positive item 9 whose time cannot be read still demands a C-SSRS; it is dated `now` so it shows as due.
  const item9Ms = positive ? (positive.atMs ?? nowMs) : null;
  const cssrsAfterMs = positive?.cssrsAfterMs ?? null;
  const answeredSincePositive =
    item9Ms !== null &&
    ((cssrsAfterMs !== null && cssrsAfterMs >= item9Ms) || (lastCssrsMs !== null && lastCssrsMs >= item9Ms));

  if (cadence.cssrs.afterPositivePhq9Item9 && item9Ms !== null && !answeredSincePositive) {
    const status = statusAt(item9Ms, item9Ms + hoursToMs(cadence.cssrs.afterItem9OverdueAfterHours), nowMs);
    out.push({ code: 'cssrs-screen', dueMs: item9Ms, status, lastMs: lastCssrsMs, kind: 'after-item9' });
  } else if (cadence.cssrs.atIntake && lastCssrsMs === null) {
    const status = statusAt(enrolledMs, enrolledMs + hoursToMs(cadence.cssrs.intakeOverdueAfterHours), nowMs);
    out.push({ code: 'cssrs-screen', dueMs: enrolledMs, status, lastMs: null, kind: 'at-intake' });
  }
  return out;
}

/** How many assessments are overdue (the panel's column), from the facts as epoch milliseconds. */
export function countOverdueAssessments(f: DueScheduleInstants): number {
  let n = 0;
  for (const item of dueItems(f)) if (item.status === 'overdue') n += 1;
  return n;
}

function reasonOf(item: DueItem, cadence: AssessmentCadence): string {
  switch (item.kind) {
    case 'recurring': {
      const every = cadence.recurring[item.code as RecurringAssessmentCode].everyDays;
      return item.lastMs === null
        ? `${LABEL[item.code]} not completed yet; asked every ${every} day(s)`
        : `${LABEL[item.code]} every ${every} day(s); last completed ${toIso(item.lastMs)}`;
    }
    case 'after-item9':
      return `PHQ-9 item 9 positive at ${toIso(item.dueMs)}; a C-SSRS screener follows the same day`;
    case 'at-intake':
      return 'C-SSRS screener at intake not completed yet';
  }
}

/** Every assessment that applies to the patient now (see `dueItems`), most pressing first. */
export function computeDueAssessments(input: DueAssessmentsInput): DueAssessment[] {
  const lastCompletedMs: Partial<Record<ScheduledAssessmentCode, number | null>> = {};
  for (const [code, at] of Object.entries(input.lastCompleted) as [ScheduledAssessmentCode, string | undefined][]) {
    lastCompletedMs[code] = parseInstant(at);
  }
  const positive = input.lastPhq9Item9Positive;
  const items = dueItems({
    phase: input.phase,
    enrolledMs: parseInstant(input.enrolledAt),
    lastCompletedMs,
    lastPhq9Item9Positive: positive ? { atMs: parseInstant(positive.at), cssrsAfterMs: parseInstant(positive.cssrsAfter) } : undefined,
    nowMs: input.now.getTime(),
    cadence: input.cadence,
  });
  return items
    .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.dueMs - b.dueMs)
    .map((item) => ({ code: item.code, dueAt: toIso(item.dueMs), status: item.status, reason: reasonOf(item, input.cadence) }));
}
