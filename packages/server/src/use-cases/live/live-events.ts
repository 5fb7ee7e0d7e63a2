// The live board's event log (docs/live-board.md, "The stream"): one row per change to a live session, written in
// the transaction of the change, so an event exists exactly when its change committed. The insert trigger announces
// it with pg_notify('keel_live', id); every process also polls the table (live-hub.ts).
import type { LiveEventData } from '@keel/contract';
import { sql } from 'kysely';
import type { Db } from '../../db/transaction.ts';

export type LiveEventKind = LiveEventData['kind'];

/** Session statuses the board shows: authorized (not yet dosed) and in progress (dosed, in observation). */
export const liveStatuses = ['authorized', 'in_progress'] as const;

export async function recordLiveEvent(tx: Db, event: { patientId: string; sessionId: string | null; kind: LiveEventKind; at: Date; payload?: Record<string, unknown> }): Promise<void> {
  await tx
    .insertInto('live_events')
    .values({ patient_id: event.patientId, session_id: event.sessionId, kind: event.kind, at: event.at, payload: JSON.stringify(event.payload ?? {}) })
    .execute();
}

/** The patient's live session (authorized or in progress), if any: an alert about them is news for the board. */
export async function liveSessionOf(tx: Db, patientId: string): Promise<string | null> {
  const row = await tx
    .selectFrom('dosing_sessions')
    .select('id')
    .where('patient_id', '=', patientId)
    .where('status', 'in', [...liveStatuses])
    .orderBy('authorized_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Records an event for the patient's live session, when they have one. */
export async function recordLiveEventIfInSession(tx: Db, event: { patientId: string; kind: LiveEventKind; at: Date; payload?: Record<string, unknown> }): Promise<void> {
  const sessionId = await liveSessionOf(tx, event.patientId);
  if (sessionId) await recordLiveEvent(tx, { ...event, sessionId });
}

/** The `live-events.prune` job: events older than 24 hours go (the stream replays at most that far back). */
export async function pruneLiveEvents(db: Db, now: Date): Promise<{ pruned: number }> {
  const cutoff = new Date(now.getTime() - 24 * 3_600_000);
  const result = await db.deleteFrom('live_events').where('at', '<', cutoff).executeTakeFirst();
  return { pruned: Number(result.numDeletedRows) };
}

export const maxLiveEventId = async (db: Db): Promise<number> =>
  Number((await sql<{ n: number | null }>`SELECT max(id) AS n FROM live_events`.execute(db)).rows[0]?.n ?? 0);
