import type { Database } from './schema.ts';
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-foundation.ts';
import * as m0002 from './migrations/0002-clinical-core.ts';
import * as m0003 from './migrations/0003-intake.ts';
import * as m0004 from './migrations/0004-treatment.ts';
import * as m0005 from './migrations/0005-monitoring.ts';
import * as m0006 from './migrations/0006-continuity.ts';
import * as m0007 from './migrations/0007-sitter-baseline.ts';
import * as m0008 from './migrations/0008-panel-summary.ts';
import * as m0009 from './migrations/0009-check-in-ingest.ts';
import * as m0010 from './migrations/0010-safety-lifecycle.ts';
import * as m0011 from './migrations/0011-hardening.ts';
import * as m0012 from './migrations/0012-fhir-bulk-export.ts';
import * as m0013 from './migrations/0013-staff-inbox.ts';
import * as m0013b from './migrations/0013b-medication-answers.ts';
import * as m0013c from './migrations/0013c-decision-note-visibility.ts';
import * as m0014 from './migrations/0014-signup-confirmation.ts';
import * as m0015 from './migrations/0015-bounded-signal-input.ts';
import * as m0016 from './migrations/0016-prescribing-compliance.ts';
import * as m0017 from './migrations/0017-on-call-and-live-board.ts';
import * as m0018 from './migrations/0018-audit-list-reads.ts';
import * as m0019 from './migrations/0019-check-in-two-trips.ts';
import * as m0020 from './migrations/0020-session-notices.ts';
import * as m0021 from './migrations/0021-signal-input-epoch-ms.ts';
import * as m0022 from './migrations/0022-craving-series.ts';
import * as m0023 from './migrations/0023-time-partitions.ts';
import * as m0024 from './migrations/0024-outcome-facts.ts';
import * as m0025 from './migrations/0025-outcome-facts-activity.ts';

/** Forward-only: migrations have no `down`; a mistake is corrected by a new migration. */
const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-clinical-core': m0002,
  '0003-intake': m0003,
  '0004-treatment': m0004,
  '0005-monitoring': m0005,
  '0006-continuity': m0006,
  '0007-sitter-baseline': m0007,
  '0008-panel-summary': m0008,
  '0009-check-in-ingest': m0009,
  '0010-safety-lifecycle': m0010,
  '0011-hardening': m0011,
  '0012-fhir-bulk-export': m0012,
  '0013-staff-inbox': m0013,
  '0013b-medication-answers': m0013b,
  '0013c-decision-note-visibility': m0013c,
  '0014-signup-confirmation': m0014,
  '0015-bounded-signal-input': m0015,
  '0016-prescribing-compliance': m0016,
  '0017-on-call-and-live-board': m0017,
  '0018-audit-list-reads': m0018,
  '0019-check-in-two-trips': m0019,
  '0020-session-notices': m0020,
  '0021-signal-input-epoch-ms': m0021,
  '0022-craving-series': m0022,
  '0023-time-partitions': m0023,
  '0024-outcome-facts': m0024,
  '0025-outcome-facts-activity': m0025,
};

class StaticMigrationProvider implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(migrations);
  }
}

export const latestMigration = Object.keys(migrations).sort().at(-1) ?? '';

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: new StaticMigrationProvider(),
    migrationTableName: 'keel_migrations',
    migrationLockTableName: 'keel_migrations_lock',
  });
}

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error('migration failed');
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has run: `/readyz` fails until then. */
export async function migrationsCurrent(db: Kysely<Database>): Promise<boolean> {
  const all = await migrator(db).getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}
