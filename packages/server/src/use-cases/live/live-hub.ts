// One per server process (docs/live-board.md, "What runs where"): reads new live_events and hands each to the
// process's stream subscribers. On PostgreSQL a dedicated connection LISTENs on `keel_live` and each notice wakes
// a read at once; a read every second runs anyway (the only mechanism on the embedded database, and the net for
// a notice missed while the listening connection was down).
//
// Ids come from a sequence, so a transaction that took a lower id may commit after one with a higher id: a missing
// id below the newest seen is kept as a gap and read again for `gapMs` (after which it was rolled back, or is too
// late to matter), and every id is delivered at most once.
import type { DatabaseHandle } from '../../db/database.ts';
import type { Db } from '../../db/transaction.ts';
import { maxLiveEventId, type LiveEventKind } from './live-events.ts';

export interface LiveEvent {
  id: number;
  patientId: string;
  sessionId: string | null;
  kind: LiveEventKind;
  at: string;
}

export type LiveSubscriber = (event: LiveEvent) => void;

export async function liveEventsAfter(db: Db, afterId: number, limit = 1000): Promise<LiveEvent[]> {
  const rows = await db.selectFrom('live_events').select(['id', 'patient_id', 'session_id', 'kind', 'at']).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), patientId: r.patient_id, sessionId: r.session_id, kind: r.kind as LiveEventKind, at: new Date(r.at).toISOString() }));
}

export class LiveHub {
  private readonly subscribers = new Set<LiveSubscriber>();
  private cursor: number | null = null;
  private readonly gaps = new Map<number, number>();
  private readonly delivered = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private relisten: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | null = null;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private starting: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly database: Pick<DatabaseHandle, 'db' | 'listen'>,
    private readonly options: { pollMs?: number; gapMs?: number } = {},
  ) {}

  /** Adds a subscriber (starting the hub on the first); returns its removal. */
  async subscribe(fn: LiveSubscriber): Promise<() => void> {
    this.subscribers.add(fn);
    await this.start();
    return () => {
      this.subscribers.delete(fn);
    };
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  private start(): Promise<void> {
    this.starting ??= (async () => {
      this.cursor = await maxLiveEventId(this.database.db);
      this.timer = setInterval(() => this.wake(), this.options.pollMs ?? 1000);
      this.timer.unref();
      await this.listen();
    })();
    return this.starting;
  }

  private async listen(): Promise<void> {
    if (!this.database.listen || this.stopped) return;
    try {
      this.unlisten = await this.database.listen('keel_live', () => this.wake(), () => {
        this.unlisten = null;
        this.scheduleRelisten();
      });
    } catch {
      this.scheduleRelisten();
    }
  }

  private scheduleRelisten(): void {
    if (this.stopped || this.relisten) return;
    this.relisten = setTimeout(() => {
      this.relisten = undefined;
      void this.listen();
    }, 5_000);
    this.relisten.unref();
  }

  /** Reads now (or, when a read is running, once more right after it). */
  wake(): void {
    if (this.stopped || this.cursor === null) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.read()
      .catch(() => undefined)
      .finally(() => {
        this.reading = null;
        if (this.readAgain) {
          this.readAgain = false;
          this.wake();
        }
      });
  }

  /** Resolves when the read in flight (if any) is done: tests use it instead of waiting for the timer. */
  async settle(): Promise<void> {
    this.wake();
    while (this.reading) await this.reading;
  }

  private async read(): Promise<void> {
    const cursor = this.cursor ?? 0;
    const lowestGap = Math.min(...this.gaps.keys());
    const low = Number.isFinite(lowestGap) ? Math.min(cursor, lowestGap - 1) : cursor;
    const events = await liveEventsAfter(this.database.db, low);
    let newest = cursor;
    const present = new Set<number>();
    for (const e of events) {
      present.add(e.id);
      this.gaps.delete(e.id);
      if (e.id > newest) newest = e.id;
      if (this.delivered.has(e.id)) continue;
      this.delivered.add(e.id);
      for (const fn of this.subscribers) {
        try {
          fn(e);
        } catch {
          // One broken subscriber (a closed socket) does not keep the event from the others.
        }
      }
    }
    const now = Date.now();
    if (newest - cursor < 10_000) for (let id = cursor + 1; id < newest; id++) if (!present.has(id) && !this.delivered.has(id)) this.gaps.set(id, now);
    this.cursor = newest;
    for (const [id, since] of this.gaps) if (now - since > (this.options.gapMs ?? 10_000)) this.gaps.delete(id);
    const floor = Math.min(this.cursor, ...this.gaps.keys());
    for (const id of this.delivered) if (id <= floor - 1) this.delivered.delete(id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.relisten) clearTimeout(this.relisten);
    this.subscribers.clear();
    await this.reading;
    await this.unlisten?.();
  }
}
