/**
 * The client's view of the server's idle timeout. The server refreshes a session's last-seen time on each request,
 * but at most every 15 s, so its clock may lag the last contact by that much: the deadline is computed early by
 * the same amount and the client never believes in a session the server has already ended.
 */
export const serverTouchGranularityMs = 15_000;
export const warningLeadMs = 2 * 60_000;

export interface IdlePlan {
  /** When the server will end the session unless contacted again. */
  deadline: number;
  /** When to warn the person (two minutes before, or halfway for very short timeouts). */
  warnAt: number;
  /** While the person is active, contact the server after this long so the session stays alive. */
  keepAliveAfterMs: number;
}

export function idlePlan(lastContactAt: number, idleTimeoutMinutes: number): IdlePlan {
  const idleMs = Math.max(1, idleTimeoutMinutes) * 60_000;
  const deadline = lastContactAt + idleMs - serverTouchGranularityMs;
  const lead = Math.min(warningLeadMs, idleMs / 2);
  return { deadline, warnAt: deadline - lead, keepAliveAfterMs: Math.min(60_000, idleMs / 4) };
}

export type IdleAction = 'none' | 'keep-alive' | 'warn' | 'expire';

/** What to do now, given the last server contact and the last thing the person did. */
export function idleAction(now: number, lastContactAt: number, lastActivityAt: number, idleTimeoutMinutes: number): IdleAction {
  const plan = idlePlan(lastContactAt, idleTimeoutMinutes);
  if (now >= plan.deadline) return 'expire';
  const activeSinceContact = lastActivityAt > lastContactAt;
  if (activeSinceContact && now - lastContactAt >= plan.keepAliveAfterMs) return 'keep-alive';
  if (now >= plan.warnAt) return 'warn';
  return 'none';
}
