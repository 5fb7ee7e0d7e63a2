import type { SitterSessionSummary } from '../../api/sitter-api.ts';
import { isSameLocalDay } from '../patient/format.ts';

/** The session a sitter should see now: one under way, then one ready, then today's (or the next) booked one. */
export function todaysSession(sessions: readonly SitterSessionSummary[], now: Date): SitterSessionSummary | null {
  const byTime = [...sessions].sort((a, b) => a.scheduledFor.localeCompare(b.scheduledFor));
  return (
    byTime.find((s) => s.status === 'in_progress') ??
    byTime.find((s) => s.status === 'authorized') ??
    byTime.find((s) => s.status === 'scheduled' && (isSameLocalDay(new Date(s.scheduledFor), now) || new Date(s.scheduledFor) < now)) ??
    byTime.find((s) => s.status === 'scheduled') ??
    [...byTime].reverse().find((s) => s.status === 'completed' && isSameLocalDay(new Date(s.completedAt ?? s.scheduledFor), now)) ??
    null
  );
}
