/**
 * The board's local clocks: every countdown and "time since dose" ticks on the viewer's device, but from the
 * server's instants, so the device's clock is corrected by the server's `now` (docs/live-board.md).
 */

/** How far the server's clock is ahead of this device's (negative when behind), from one answer. */
export function clockOffsetMs(serverNowIso: string, receivedAtLocalMs: number): number {
  const server = Date.parse(serverNowIso);
  return Number.isNaN(server) ? 0 : server - receivedAtLocalMs;
}

/** m:ss for a count of milliseconds (whole seconds, never negative). */
export function minutesSeconds(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

export interface NextCheck {
  /** upcoming: before the due time; due: past it but within the grace; overdue: past the grace (the alert's rule). */
  state: 'upcoming' | 'due' | 'overdue' | 'none';
  overdue: boolean;
  /** "next check due in 4:05", "check due 1:10 ago", "check overdue by 6:10", or "no check scheduled". */
  words: string;
}

/**
 * The next sitter check from the server's due time, at the corrected `nowMs`. A check is overdue once more than
 * the grace has passed since it fell due (the sitter-check alert's rule, docs/live-board.md), or whenever the
 * server already says so; before that, past the due time, it is "due". Without the grace (the settings could not
 * be read) only the server's word makes it overdue.
 */
export function nextCheck(dueIso: string | null, nowMs: number, serverSaysOverdue: boolean, graceMs: number | null): NextCheck {
  const due = dueIso === null ? Number.NaN : Date.parse(dueIso);
  if (Number.isNaN(due)) {
    return serverSaysOverdue ? { state: 'overdue', overdue: true, words: 'check overdue' } : { state: 'none', overdue: false, words: 'no check scheduled' };
  }
  const late = nowMs - due;
  if (serverSaysOverdue || (graceMs !== null && late > graceMs)) return { state: 'overdue', overdue: true, words: `check overdue by ${minutesSeconds(late)}` };
  if (late >= 0) return { state: 'due', overdue: false, words: `check due ${minutesSeconds(late)} ago` };
  return { state: 'upcoming', overdue: false, words: `next check due in ${minutesSeconds(-late)}` };
}

/** The sitter-check grace from the program settings (monitoring.alerts.sitterChecks.graceMinutes), in ms. */
export function sitterCheckGraceMs(monitoring: Record<string, unknown> | undefined): number | null {
  const alerts = monitoring?.['alerts'];
  const checks = typeof alerts === 'object' && alerts !== null ? (alerts as Record<string, unknown>)['sitterChecks'] : undefined;
  const grace = typeof checks === 'object' && checks !== null ? (checks as Record<string, unknown>)['graceMinutes'] : undefined;
  return typeof grace === 'number' && Number.isFinite(grace) && grace >= 0 ? grace * 60_000 : null;
}

/** Time since an instant in words: "45 s", "12 min 05 s", "1 h 02 min". */
export function elapsedWords(fromIso: string | null, nowMs: number): string {
  if (fromIso === null) return '—';
  const from = Date.parse(fromIso);
  if (Number.isNaN(from)) return '—';
  const seconds = Math.max(0, Math.floor((nowMs - from) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
