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
  overdue: boolean;
  /** "next check due in 4:05", "check overdue by 1:10", or "no check scheduled". */
  words: string;
}

/**
 * The next sitter check from the server's due time, at the corrected `nowMs`. Overdue once the due time has
 * passed, or whenever the server already says so.
 */
export function nextCheck(dueIso: string | null, nowMs: number, serverSaysOverdue: boolean): NextCheck {
  const due = dueIso === null ? Number.NaN : Date.parse(dueIso);
  if (Number.isNaN(due)) return serverSaysOverdue ? { overdue: true, words: 'check overdue' } : { overdue: false, words: 'no check scheduled' };
  const left = due - nowMs;
  if (left <= 0 || serverSaysOverdue) return { overdue: true, words: `check overdue by ${minutesSeconds(-left)}` };
  return { overdue: false, words: `next check due in ${minutesSeconds(left)}` };
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
