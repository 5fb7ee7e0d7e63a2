// The outcomes report's per-patient facts, kept on write (migration 0024, docs/outcomes-report.md "Performance"):
// what the figures read of each patient's record, taken by the domain's `patientReportFacts` over the whole record.
// Triggers mark a patient stale when a row the facts come from changes; `refreshOutcomeFacts` takes them again
// from the rows. A report as of now reads the facts of the patients not marked, and refreshes the rest first.
import { nextRecordInstant, patientReportFacts, type InstrumentFacts, type PatientReportFacts, type ProgramReportSettings } from '@keel/domain';
import { sql } from 'kysely';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { loadCohortRecords } from './cohort-records.ts';

/** Changes whenever what `patientReportFacts` computes changes; facts taken under another version are retaken. */
const FACTS_VERSION = 2;
/** Patients refreshed per transaction (the embedded database runs one transaction at a time). */
export const REFRESH_BATCH = 200;

/**
 * The facts as stored: one JSON array, positions instead of names (a program's report reads a hundred thousand):
 * [firstDoseMs, endedMs, lastContactMs, checkInSlots, phq9, gad7, onsets, highRiskMs, doseMs, gateBlocks,
 * integration], each instrument [baseline, checkpoints, respondedMs, lastMs] or null for a patient with no dose.
 */
type PackedInstrument = [number | null, (number | null)[], number | null, number | null];
type PackedFacts = [
  number | null,
  number | null,
  number | null,
  string,
  PackedInstrument | null,
  PackedInstrument | null,
  [number, string][],
  number[],
  number[],
  [number, number, string[]][],
  [number, 0 | 1][],
];

export function packFacts(f: PatientReportFacts): PackedFacts {
  const instrument = (i: InstrumentFacts): PackedInstrument => [i.baseline, [...i.checkpoints], i.respondedMs, i.lastMs];
  return [
    f.firstDoseMs,
    f.endedMs,
    f.lastContactMs,
    f.checkInSlots,
    f.instruments ? instrument(f.instruments.phq9) : null,
    f.instruments ? instrument(f.instruments.gad7) : null,
    f.onsets.map(([ms, code]) => [ms, code]),
    [...f.highRiskMs],
    [...f.doseMs],
    f.gateBlocks.map(([ms, session, codes]) => [ms, session, [...codes]]),
    f.integration.map(([ms, attended]) => [ms, attended]),
  ];
}

export function unpackFacts(patientId: string, p: PackedFacts): PatientReportFacts {
  const instrument = ([baseline, checkpoints, respondedMs, lastMs]: PackedInstrument): InstrumentFacts => ({ baseline, checkpoints, respondedMs, lastMs });
  const [firstDoseMs, endedMs, lastContactMs, checkInSlots, phq9, gad7, onsets, highRiskMs, doseMs, gateBlocks, integration] = p;
  return {
    patientId,
    firstDoseMs,
    endedMs,
    instruments: phq9 && gad7 ? { phq9: instrument(phq9), gad7: instrument(gad7) } : null,
    lastContactMs,
    checkInSlots,
    onsets,
    highRiskMs,
    doseMs,
    gateBlocks,
    integration,
  };
}

/**
 * The settings the facts depend on: the response threshold, the checkpoints and the check-in slot. The remission
 * threshold, the retention milestones and the trajectory sample are read by the report itself.
 */
export function factsSettingsKey(settings: ProgramReportSettings): string {
  return JSON.stringify({
    v: FACTS_VERSION,
    response: settings.outcomes.responseMinReductionPct,
    checkpoints: settings.checkpoints.map((c) => [c.key, c.days, c.windowDays]),
    slotDays: settings.checkInEveryDays,
  });
}

/**
 * Takes the facts of `patientIds` from their rows as of `now` and stores them, one transaction on the primary per
 * batch. First the batch's marks are written and deleted: that locks them to this transaction's commit, waiting for
 * any writer or refresh that holds one. A writer that marks a patient meanwhile waits for this refresh to store and
 * keeps its mark; a second refresh waits and reads after this one. A row dated after `now` is left out and the facts
 * expire at its instant.
 */
export async function refreshOutcomeFacts(db: Db, patientIds: readonly string[], settings: ProgramReportSettings, now: Date): Promise<PatientReportFacts[]> {
  const key = factsSettingsKey(settings);
  const nowMs = now.getTime();
  const taken: PatientReportFacts[] = [];
  const sorted = [...new Set(patientIds)].sort();
  for (let i = 0; i < sorted.length; i += REFRESH_BATCH) {
    const batch = sorted.slice(i, i + REFRESH_BATCH);
    const facts = await inTransaction(db, async (tx) => {
      await sql`
        INSERT INTO outcome_facts_stale (patient_id, marked_at) SELECT b.id, ${now} FROM unnest(${batch}::uuid[]) AS b(id) ORDER BY b.id
        ON CONFLICT (patient_id) DO UPDATE SET marked_at = excluded.marked_at`.execute(tx);
      await sql`DELETE FROM outcome_facts_stale WHERE patient_id = any(${batch}::uuid[])`.execute(tx);
      // A patient deleted meanwhile has no rows and no facts to keep.
      const present = await tx.selectFrom('patients').select('id').where(sql<boolean>`id = any(${batch}::uuid[])`).execute();
      const records = await loadCohortRecords(tx, present.map((p) => p.id));
      const facts = records.map((r) => patientReportFacts(r, nowMs, settings));
      const expires = records.map((r) => {
        const next = nextRecordInstant(r, nowMs);
        return next === null ? null : new Date(next).toISOString();
      });
      if (facts.length > 0) {
        await sql`
          INSERT INTO outcome_facts (patient_id, settings_key, facts, taken_at, expires_at)
          SELECT f.patient_id, ${key}, f.facts, ${now}, f.expires_at
          FROM unnest(${facts.map((f) => f.patientId)}::uuid[], ${facts.map((f) => JSON.stringify(packFacts(f)))}::json[], ${expires}::timestamptz[])
            AS f(patient_id, facts, expires_at)
          ON CONFLICT (patient_id) DO UPDATE
          SET settings_key = excluded.settings_key, facts = excluded.facts, taken_at = excluded.taken_at, expires_at = excluded.expires_at
        `.execute(tx);
      }
      return facts;
    });
    taken.push(...facts);
  }
  return taken;
}

/** A patient's stored facts as this process last read them. */
interface KeptFacts {
  readonly facts: PatientReportFacts;
  /** Taken under the settings the report asks for. */
  readonly keyMatches: boolean;
  readonly expiresMs: number | null;
}

/**
 * The facts this process has read from one database, and the snapshot of that read: the next read asks only for the
 * rows written by a transaction that snapshot did not see, and the marks. Reads run one at a time, each applying
 * what the one before left. A database whose transaction ids went backwards (restored, or another cluster behind the
 * same address) is read whole again, and so is every database after a while, so nothing can stay wrong for long.
 */
class KeptOutcomeFacts {
  snapshot: string | null = null;
  xmin = 0n;
  readAtMs = 0;
  key = '';
  readonly byId = new Map<string, KeptFacts>();
  private queue: Promise<unknown> = Promise.resolve();

  serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** Kept per database handle (the primary and a replica are apart); forgotten with it. */
const kept = new WeakMap<Db, KeptOutcomeFacts>();
/** How long kept facts are trusted before a read takes every row again (wall-clock, not the report's time). */
const KEPT_FACTS_FULL_READ_MS = 10 * 60_000;

/**
 * One statement, so one snapshot: that snapshot, the marked patients, and the facts rows written since `since` (a
 * snapshot of an earlier read: by a transaction at or after its oldest) or of the patients in `missing`, each as [id, settings match, expires (epoch ms),
 * facts] joined into one JSON text (a hundred thousand patients cost one parse, not a row and a document each).
 */
async function readFactsRows(db: Db, key: string, since: string | null, missing: readonly string[]) {
  const changed =
    since === null
      ? sql`SELECT * FROM outcome_facts WHERE false`
      : // Every writer the earlier snapshot did not see has an id at or above its oldest (xmin); some it did see are
        // read again. Not `pg_visible_in_snapshot`: a standby's snapshot does not list the primary's transactions in
        // progress, so one running then would pass as seen there.
        sql`SELECT * FROM outcome_facts WHERE written_xid >= pg_snapshot_xmin(${since}::pg_snapshot)`;
  const { rows } = await sql<{ snapshot: string; stale: string; facts: string }>`
    SELECT pg_current_snapshot()::text AS snapshot,
           (SELECT coalesce(string_agg(s.patient_id::text, ','), '') FROM outcome_facts_stale s) AS stale,
           (SELECT '[' || coalesce(string_agg(format('["%s",%s,%s,%s]', f.patient_id, (f.settings_key = ${key})::text,
                                                     coalesce(epoch_ms(f.expires_at)::text, 'null'), f.facts), ','), '') || ']'
            FROM (${changed} UNION ALL SELECT * FROM outcome_facts WHERE patient_id = any(${missing}::uuid[])) f) AS facts
  `.execute(db);
  const row = rows[0];
  if (!row) throw new Error('outcome facts: the read returned no row');
  return {
    snapshot: row.snapshot,
    xmin: BigInt(row.snapshot.slice(0, row.snapshot.indexOf(':'))),
    stale: new Set(row.stale === '' ? [] : row.stale.split(',')),
    facts: JSON.parse(row.facts) as [string, boolean, number | null, PackedFacts][],
  };
}

/**
 * The facts of `patientIds` (in that order) under `settings`, as of `now`: read where they are current (not marked
 * stale, not expired, taken under these settings), taken from the rows and stored for the rest. What this process
 * read before is kept and brought up to date with what was written since; the marks and the new rows are read in
 * one snapshot, so a refresh committing between them cannot pass old facts as current. `reads` may be the replica;
 * the refresh writes on `primary`.
 */
export async function currentOutcomeFacts(
  reads: Db,
  primary: Db,
  patientIds: readonly string[],
  settings: ProgramReportSettings,
  now: Date,
): Promise<{ facts: PatientReportFacts[]; refreshed: number }> {
  if (patientIds.length === 0) return { facts: [], refreshed: 0 };
  const key = factsSettingsKey(settings);
  const memory = kept.get(reads) ?? new KeptOutcomeFacts();
  kept.set(reads, memory);
  const nowMs = now.getTime();
  const current = await memory.serial(async () => {
    const readWhole = (): void => {
      memory.snapshot = null;
      memory.byId.clear();
    };
    if (memory.key !== key || Date.now() - memory.readAtMs > KEPT_FACTS_FULL_READ_MS) readWhole();
    let read = await readFactsRows(reads, key, memory.snapshot, patientIds.filter((id) => !memory.byId.has(id)));
    if (memory.snapshot !== null && read.xmin < memory.xmin) {
      readWhole();
      read = await readFactsRows(reads, key, null, patientIds);
    }
    // Everything read is unpacked before any of it is kept: a read that fails leaves the memory as it was.
    const fresh = read.facts.map(([id, keyMatches, expiresMs, packed]) => [id, { facts: unpackFacts(id, packed), keyMatches, expiresMs }] as const);
    if (memory.snapshot === null) memory.readAtMs = Date.now();
    memory.snapshot = read.snapshot;
    memory.xmin = read.xmin;
    memory.key = key;
    for (const [id, entry] of fresh) memory.byId.set(id, entry);
    const found = new Map<string, PatientReportFacts>();
    for (const id of patientIds) {
      const k = memory.byId.get(id);
      if (k && k.keyMatches && (k.expiresMs === null || k.expiresMs > nowMs) && !read.stale.has(id)) found.set(id, k.facts);
    }
    return found;
  });
  const missing = patientIds.filter((id) => !current.has(id));
  for (const f of await refreshOutcomeFacts(primary, missing, settings, now)) current.set(f.patientId, f);
  return {
    facts: patientIds.flatMap((id) => {
      const f = current.get(id);
      return f ? [f] : [];
    }),
    refreshed: missing.length,
  };
}

/**
 * The refresh job's work, in batches until none is left or `budgetMs` has passed (the next run goes on): the
 * patients marked stale (oldest mark first), then those whose facts have expired or were taken under other settings
 * (a settings change retakes every patient's facts here, not in a report).
 */
export async function refreshStaleOutcomeFacts(db: Db, settings: ProgramReportSettings, now: Date, budgetMs = 45_000): Promise<{ refreshed: number }> {
  const started = Date.now();
  const key = factsSettingsKey(settings);
  let refreshed = 0;
  for (;;) {
    const marked = await sql<{ patient_id: string }>`
      SELECT patient_id FROM outcome_facts_stale ORDER BY marked_at, patient_id LIMIT ${REFRESH_BATCH}
    `.execute(db);
    let ids = marked.rows.map((r) => r.patient_id);
    if (ids.length === 0) {
      const outdated = await sql<{ patient_id: string }>`
        SELECT patient_id FROM outcome_facts WHERE expires_at <= ${now}
        UNION SELECT patient_id FROM outcome_facts WHERE settings_key <> ${key}
        LIMIT ${REFRESH_BATCH}
      `.execute(db);
      ids = outdated.rows.map((r) => r.patient_id);
    }
    if (ids.length === 0) break;
    await refreshOutcomeFacts(db, ids, settings, now);
    refreshed += ids.length;
    if (Date.now() - started > budgetMs) break;
  }
  return { refreshed };
}
