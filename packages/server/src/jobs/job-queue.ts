import PgBoss from 'pg-boss';
import { CompiledQuery } from 'kysely';
import type pg from 'pg';
import type { Db } from '../db/transaction.ts';

/** Every queue Keel uses; a job of another name cannot be enqueued. */
export const queueNames = [
  'appointments.remind',
  'alerts.escalate',
  'risk.recompute',
  'assessments.remind',
  'sessions.detect-missed',
  'checkins.detect-missed',
  'sessions.sitter-check-sweep',
  'sessions.expire-authorizations',
  'fhir.bulk-export',
  'audit.checkpoint',
  'messages.reply-overdue',
  'compliance.notices',
  'on-call.gap-notices',
  'live-events.prune',
  'partitions.maintain',
  'outcomes.refresh-facts',
] as const;
export type QueueName = (typeof queueNames)[number];

export interface EnqueueOptions {
  startAfter?: Date;
  /** One live job per key: a second enqueue with the same key is dropped. */
  singletonKey?: string;
}

export interface JobQueue {
  /** Enqueues inside the caller's transaction: the job exists if and only if the change that caused it commits. */
  enqueue(tx: Db, name: QueueName, data: object, options?: EnqueueOptions): Promise<void>;
}

export type JobHandler = (data: Record<string, unknown>, jobId: string) => Promise<void>;

const executorFor = (db: Db): PgBoss.Db => ({
  executeSql: async (text, values) => {
    const result = await db.executeQuery(CompiledQuery.raw(text, values as unknown[]));
    return { rows: result.rows as never[] };
  },
});

/**
 * pg-boss on Keel's own database (PGlite or PostgreSQL) through Keel's pool. Workers fetch with SKIP LOCKED,
 * so any number of server processes can run them; handlers must be idempotent because delivery is at least once.
 */
export class PgBossJobQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly install: boolean;
  private started = false;

  /**
   * `install` (the default) creates pg-boss's schema and any missing queue on start; `keel serve` does that once,
   * as the owner and under the start-up lock (runtime.ts), and then starts its own queue with `install: false`,
   * which only checks that the schema is current.
   */
  constructor(pool: pg.Pool, options: { schedule?: boolean; install?: boolean; supervise?: boolean } = {}) {
    this.install = options.install ?? true;
    this.boss = new PgBoss({
      db: {
        executeSql: async (text: string, values: unknown[]) => {
          const result = await pool.query(text, values);
          return { rows: result.rows };
        },
      },
      schedule: options.schedule ?? false,
      supervise: options.supervise ?? true,
      migrate: this.install,
    });
    this.boss.on('error', () => {
      // pg-boss reports failed maintenance runs here; they are retried on its next cycle.
    });
  }

  /** Starts pg-boss (installing its schema and the missing queues when asked). Workers are added with `work`. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      await this.boss.start();
      if (this.install) {
        const existing = new Set((await this.boss.getQueues()).map((q) => q.name));
        for (const name of queueNames) {
          if (!existing.has(name)) await this.boss.createQueue(name, { name, retryLimit: 5, retryBackoff: true });
        }
      }
    } catch (error) {
      await this.stop({ quick: true });
      throw error;
    }
  }

  async enqueue(tx: Db, name: QueueName, data: object, options: EnqueueOptions = {}): Promise<void> {
    await this.boss.send(name, data, {
      db: executorFor(tx),
      ...(options.startAfter ? { startAfter: options.startAfter } : {}),
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
    });
  }

  async work(name: QueueName, handler: JobHandler, pollingIntervalSeconds = 2): Promise<void> {
    await this.boss.work<Record<string, unknown>>(name, { pollingIntervalSeconds, batchSize: 1 }, async (jobs) => {
      for (const job of jobs) await handler(job.data, job.id);
    });
  }

  async schedule(name: QueueName, cron: string): Promise<void> {
    await this.boss.schedule(name, cron, {}, { tz: 'UTC' });
  }

  /** Stops polling and timers; `quick` (a failed start-up) does not wait for jobs in flight. */
  async stop(options: { quick?: boolean } = {}): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop(options.quick ? { graceful: false, wait: true, timeout: 1000 } : { graceful: true, wait: true, timeout: 10_000 });
  }
}
