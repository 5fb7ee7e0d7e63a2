import { useEffect, useRef, useState } from 'react';
import type { LiveEventData } from '@keel/contract';
import { boardStreamUrl } from '../../api/board-api.ts';

/** One session change from the stream (docs/live-board.md: `data: {sessionId, patientId, kind, at}`). */
export interface LiveEvent {
  id: string;
  kind: string;
  sessionId: string | null;
  patientId: string | null;
  at: string | null;
}

export type StreamState = 'connecting' | 'live' | 'reconnecting';

/**
 * The event names the server sends (`event: <kind>`). EventSource only hands named events to listeners added for
 * that name, so every kind is listed (the record makes the compiler insist on all of the contract's kinds);
 * unnamed events arrive as `message`.
 */
const kinds = {
  'session.authorized': true,
  'session.started': true,
  'session.completed': true,
  'session.aborted': true,
  'sitter.check': true,
  'vitals.recorded': true,
  'sitter.concern': true,
  'adverse_event.reported': true,
  'channel.message': true,
  'alert.raised': true,
  'alert.acknowledged': true,
  'check.overdue': true,
} satisfies Record<LiveEventData['kind'], true>;
export const liveEventKinds: readonly string[] = ['message', ...Object.keys(kinds)];

function parse(kind: string, event: MessageEvent): LiveEvent {
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(typeof event.data === 'string' ? event.data : '{}');
    if (typeof parsed === 'object' && parsed !== null) data = parsed as Record<string, unknown>;
  } catch {
    // A malformed payload still says "something changed".
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return { id: event.lastEventId, kind: text(data['kind']) ?? kind, sessionId: text(data['sessionId']), patientId: text(data['patientId']), at: text(data['at']) };
}

/**
 * Listens to the board's Server-Sent Events. The browser reconnects by itself after a dropped connection (sending
 * Last-Event-ID, so the server replays what was missed); when the server refuses the stream outright the browser
 * gives up, so a fresh one is opened after a pause. `onEvent` is called for each change, `onReconnected` after a
 * connection comes back (to refetch anything the replay could not cover).
 */
export function useBoardStream(onEvent: (event: LiveEvent) => void, onReconnected: () => void): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handlers = useRef({ onEvent, onReconnected });
  useEffect(() => {
    handlers.current = { onEvent, onReconnected };
  });
  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let lostOnce = false;
    let stopped = false;
    const open = () => {
      const es = new EventSource(boardStreamUrl);
      source = es;
      es.onopen = () => {
        setState('live');
        if (lostOnce) handlers.current.onReconnected();
      };
      es.onerror = () => {
        lostOnce = true;
        setState('reconnecting');
        if (es.readyState === EventSource.CLOSED && !stopped) {
          retry = setTimeout(open, 5_000);
        }
      };
      for (const kind of liveEventKinds) es.addEventListener(kind, (event) => handlers.current.onEvent(parse(kind, event)));
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, []);
  return state;
}
