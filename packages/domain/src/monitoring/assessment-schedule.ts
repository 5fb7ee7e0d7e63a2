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
 * Every assessment that applies to the patient now, with when it falls due and its status; most pressing first.
 *
 * - A recurring code is due `everyDays` after its last completion, or at enrolment when never completed; it is
 *   overdue `overdueAfterDays` after that. A last completion whose time cannot be read counts as never completed
 *   (fail closed: the patient is asked again rather than silently skipped).
 * - The daily check-in (and any code limited to phases) is listed only in those phases.
 * - The C-SSRS screener is listed when the intake screening was never done, and whenever PHQ-9 item 9 was
 *   positive with no C-SSRS completed since; it is due at once from the positive answer.
 */
export function computeDueAssessments(input: DueAssessmentsInput): DueAssessment[] {
  const { phase, cadence } = input;
  const nowMs = input.now.getTime();
  const enrolledMs = parseInstant(input.enrolledAt) ?? nowMs;
  const out: DueAssessment[] = [];

  for (const code of RECURRING_ORDER) {
    const rule = cadence.recurring[code];
    if (rule.phases !== 'all' && (phase === null || !rule.phases.includes(phase))) continue;
    const lastMs = parseInstant(input.lastCompleted[code]);
    const dueMs = lastMs === null ? enrolledMs : lastMs + daysToMs(rule.everyDays);
    const status = statusAt(dueMs, dueMs + daysToMs(rule.overdueAfterDays), nowMs);
    const reason =
      lastMs === null
        ? `${LABEL[code]} not completed yet; asked every ${rule.everyDays} day(s)`
        : `${LABEL[code]} every ${rule.everyDays} day(s); last completed ${toIso(lastMs)}`;
    out.push({ code, dueAt: toIso(dueMs), status, reason });
  }

  const lastCssrsMs = parseInstant(input.lastCompleted['cssrs-screen']);
  const positive = input.lastPhq9Item9Positive;
  const positiveMs = positive ? parseInstant(positive.at) : null;
  const cssrsAfterMs = positive ? parseInstant(positive.cssrsAfter) : null;
  // A positive item 9 whose time cannot be read still demands a C-SSRS; it is dated `now` so it shows as due.
  const item9Ms = positive ? (positiveMs ?? nowMs) : null;
  const answeredSincePositive =
    item9Ms !== null &&
    ((cssrsAfterMs !== null && cssrsAfterMs >= item9Ms) || (lastCssrsMs !== null && lastCssrsMs >= item9Ms));

  if (cadence.cssrs.afterPositivePhq9Item9 && item9Ms !== null && !answeredSincePositive) {
    out.push({
      code: 'cssrs-screen',
      dueAt: toIso(item9Ms),
      status: statusAt(item9Ms, item9Ms + hoursToMs(cadence.cssrs.afterItem9OverdueAfterHours), nowMs),
      reason: `PHQ-9 item 9 positive at ${toIso(item9Ms)}; a C-SSRS screener follows the same day`,
    });
  } else if (cadence.cssrs.atIntake && lastCssrsMs === null) {
    out.push({
      code: 'cssrs-screen',
      dueAt: toIso(enrolledMs),
      status: statusAt(enrolledMs, enrolledMs + hoursToMs(cadence.cssrs.intakeOverdueAfterHours), nowMs),
      reason: 'C-SSRS screener at intake not completed yet',
    });
  }

  return out.sort(
    (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || (parseInstant(a.dueAt) ?? 0) - (parseInstant(b.dueAt) ?? 0),
  );
}
