import type { AppDeps } from '../app.ts';
import type { Tx } from '../db/transaction.ts';

/**
 * The demo program: clearly marked (`is_demo`), seeded only into an empty database in demo mode. It is built from
 * steps that each add one part of the program; later features add their steps to `demoSteps`.
 */
export interface DemoContext {
  deps: Pick<AppDeps, 'config' | 'database' | 'clock' | 'notifier' | 'jobs'>;
  tx: Tx;
  now: Date;
  passwordHash: string;
  users: Record<DemoAccount, string>;
  patients: { patient: string; applicant: string } & Record<string, string>;
}

export type DemoAccount = 'admin' | 'clinician' | 'coach' | 'patient' | 'sitter' | 'applicant';

export type DemoStep = (ctx: DemoContext) => Promise<void>;
