import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type AppDeps, type KeelApp } from '../../src/app.ts';
import { FixedClock } from '../../src/clock.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { PgBossJobQueue } from '../../src/jobs/job-queue.ts';
import { OutboxNotifier, type OutgoingMessage, type Transport } from '../../src/notifications/notifier.ts';
import { createTestDatabase } from './test-database.ts';

/** Captures what the server logs, so tests can prove no health data, email or token is ever written. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

/** The outbox's transport in tests: keeps what would be sent. */
export class MemoryTransport implements Transport {
  readonly sent: OutgoingMessage[] = [];
  send(message: OutgoingMessage): Promise<void> {
    this.sent.push(message);
    return Promise.resolve();
  }
}

export interface TestContext {
  app: KeelApp;
  deps: AppDeps;
  database: DatabaseHandle;
  clock: FixedClock;
  logs: LogCapture;
  mail: MemoryTransport;
  jobs: PgBossJobQueue;
  close(): Promise<void>;
}

const emailPattern = /[\w.+-]+@[\w-]+\.[\w.-]+/;
const secretWords = /"(authorization|cookie|set-cookie|password|token)"\s*:|Bearer\s/i;

/**
 * Every test file's server logs are checked when its app closes: no email address (every test identity has one)
 * and no credential header or password may appear, so the whole suite is a scan of what Keel logs.
 */
export function assertLogsArePrivate(logs: LogCapture): void {
  const leaks = logs.lines.filter((line) => emailPattern.test(line) || secretWords.test(line));
  if (leaks.length > 0) throw new Error(`The server logged private data:\n${leaks.slice(0, 5).join('\n')}`);
}

export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', KEEL_LOG_LEVEL: 'info', KEEL_DEMO: 'off', KEEL_STAFF_MFA: 'optional', KEEL_PUBLIC_URL: 'http://keel.test', ...overrides });
}

/** One app over one fresh database per test file. */
export async function createTestApp(options: { config?: Partial<Record<keyof Config, string>>; database?: DatabaseHandle } = {}): Promise<TestContext> {
  const database = options.database ?? (await createTestDatabase());
  const clock = new FixedClock(new Date('2026-06-01T12:00:00.000Z'));
  const logs = new LogCapture();
  const mail = new MemoryTransport();
  const jobs = new PgBossJobQueue(database.pool);
  await jobs.start();
  const deps: AppDeps = {
    config: testConfig(options.config),
    database,
    clock,
    notifier: new OutboxNotifier({ email: mail, webhook: mail }),
    jobs,
    logStream: logs,
  };
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    deps,
    database,
    clock,
    logs,
    mail,
    jobs,
    async close() {
      await app.close();
      await jobs.stop();
      await database.close();
      assertLogsArePrivate(logs);
    },
  };
}

export type Json = Record<string, unknown> & { [k: string]: unknown };

export const bodyOf = <T = Json>(response: LightMyRequestResponse): T => response.json<T>();
