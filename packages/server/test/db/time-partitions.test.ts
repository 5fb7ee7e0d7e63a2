import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain, writeAudit } from '../../src/audit/audit-log.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { applyRetention, maintainTimePartitionsAt } from '../../src/db/time-partitions.ts';
import { createPatient } from '../support/factories.ts';
import { testAuditKeys as keys } from '../support/setup-audit-keys.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { testEngine } from '../support/test-database.ts';

// The check-ins, the assessments and the audit log are partitioned by calendar month (UTC), with a default
// partition for rows no month covers; maintenance creates months ahead, moves the default partition's rows into
// their month, and detaches months past retention (docs/scaling.md, "Time partitions").
let t: TestContext;
let db: DatabaseHandle['db'];

beforeAll(async () => {
  t = await createTestApp();
  db = t.database.db;
});
afterAll(async () => {
  await t.close();
});

/** The partition a row of `table` lives in. */
async function partitionOf(table: 'check_ins' | 'assessments' | 'audit_log', where: { column: string; value: string | number }): Promise<string> {
  const r = await sql<{ p: string }>`SELECT tableoid::regclass::text AS p FROM ${sql.table(table)} WHERE ${sql.ref(where.column)} = ${where.value}`.execute(db);
  expect(r.rows).toHaveLength(1);
  return r.rows[0]!.p;
}

async function checkIn(patientId: string, userId: string, at: string, craving: number): Promise<string> {
  const id = crypto.randomUUID();
  await sql`
    INSERT INTO check_ins (id, patient_id, submitted_at, submitted_by, mood_0_10, sleep_hours, craving_0_10, used_outside_session,
                           bladder_symptoms, cognitive_complaint, side_effects, note)
    VALUES (${id}, ${patientId}, ${at}::timestamptz, ${userId}, 5, 7, ${craving}, false, false, false, '{}', null)`.execute(db);
  return id;
}

async function assessment(patientId: string, userId: string, at: string): Promise<string> {
  const id = crypto.randomUUID();
  await sql`
    INSERT INTO assessments (id, patient_id, instrument, version, answers, total, band, context, submitted_by, submitted_at)
    VALUES (${id}, ${patientId}, 'craving', '1', '{"urge": 4}'::jsonb, 4, 'moderate', 'followup', ${userId}, ${at}::timestamptz)`.execute(db);
  return id;
}

const audit = (patientId: string, at: string, action: string) =>
  writeAudit(db, { actorId: null, actorRole: 'system', requestId: null, clientAddress: null, now: new Date(at) }, {
    action,
    resourceType: 'test',
    patientId,
    outcome: 'success',
  });

describe(`monthly time partitions (${testEngine})`, () => {
  it('partition the check-ins and assessments by submission and the audit log by its instant, with their retention', async () => {
    const keysOf = await sql<{ t: string; key: string }>`
      SELECT c.relname AS t, pg_get_partkeydef(c.oid) AS key FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'p' ORDER BY 1`.execute(db);
    expect(keysOf.rows).toEqual([
      { t: 'assessments', key: 'RANGE (submitted_at)' },
      { t: 'audit_log', key: 'RANGE (at)' },
      { t: 'check_ins', key: 'RANGE (submitted_at)' },
    ]);
    // The migration archives nothing: start-up writes the configured retention (84 months for the audit log).
    const policy = await db.selectFrom('time_partitioned_tables').selectAll().orderBy('table_name').execute();
    expect(policy).toEqual([
      { table_name: 'assessments', partition_column: 'submitted_at', retain_months: 0 },
      { table_name: 'audit_log', partition_column: 'at', retain_months: 0 },
      { table_name: 'check_ins', partition_column: 'submitted_at', retain_months: 0 },
    ]);
    await applyRetention(db, { KEEL_RETAIN_AUDIT_MONTHS: 84, KEEL_RETAIN_RECORD_MONTHS: 0 });
  });

  it('create the current month and the three after it, each holding exactly its UTC month, once', async () => {
    const { changes, failed } = await maintainTimePartitionsAt(db, new Date('2031-05-17T12:00:00Z'));
    expect(failed).toEqual([]);
    const created = changes.filter((c) => c.table === 'check_ins').map((c) => [c.partition, c.action]);
    expect(created).toEqual([
      ['check_ins_2031_05', 'created'],
      ['check_ins_2031_06', 'created'],
      ['check_ins_2031_07', 'created'],
      ['check_ins_2031_08', 'created'],
    ]);
    expect(changes.filter((c) => c.table === 'audit_log').map((c) => c.partition)).toEqual(['audit_log_2031_05', 'audit_log_2031_06', 'audit_log_2031_07', 'audit_log_2031_08']);
    expect(await maintainTimePartitionsAt(db, new Date('2031-05-17T12:00:00Z'))).toEqual({ changes: [], failed: [] });

    const p = await createPatient(t);
    const lastOfMay = await checkIn(p.patientId, p.id, '2031-05-31T23:59:59.999Z', 1);
    const firstOfJune = await checkIn(p.patientId, p.id, '2031-06-01T00:00:00Z', 2);
    // 23:30 on 31 August in New York is already September in UTC: no month covers it yet (and a clock far ahead
    // makes no month: the row waits in the default partition).
    const september = await checkIn(p.patientId, p.id, '2031-08-31T23:30:00-04:00', 3);
    expect(await partitionOf('check_ins', { column: 'id', value: lastOfMay })).toBe('check_ins_2031_05');
    expect(await partitionOf('check_ins', { column: 'id', value: firstOfJune })).toBe('check_ins_2031_06');
    expect(await partitionOf('check_ins', { column: 'id', value: september })).toBe('check_ins_default');
    const farAhead = await checkIn(p.patientId, p.id, '2400-01-01T00:00:00Z', 3);
    const again = await maintainTimePartitionsAt(db, new Date('2031-05-17T12:00:00Z'));
    expect(again).toEqual({ changes: [], failed: [] });
    expect(await partitionOf('check_ins', { column: 'id', value: farAhead })).toBe('check_ins_default');
  });

  it('take a row no month covers into the default partition, and move it into its month when the month is made', async () => {
    const p = await createPatient(t);
    const early = await checkIn(p.patientId, p.id, '2019-03-10T08:00:00Z', 2);
    const later = await checkIn(p.patientId, p.id, '2019-03-11T08:00:00Z', 5);
    const check = await assessment(p.patientId, p.id, '2019-03-12T08:00:00Z');
    await audit(p.patientId, '2019-03-12T09:00:00Z', 'test.early');
    expect(await partitionOf('check_ins', { column: 'id', value: early })).toBe('check_ins_default');
    expect(await partitionOf('assessments', { column: 'id', value: check })).toBe('assessments_default');
    const seriesBefore = await db.selectFrom('craving_series').select(['id', 'score', 'streak']).where('patient_id', '=', p.patientId).orderBy('at').execute();
    // Worked by hand: 2, then 5 (rising: a streak of 2), then the craving check's 4 (a new streak of 1).
    expect(seriesBefore).toEqual([
      { id: early, score: 2, streak: 1 },
      { id: later, score: 5, streak: 2 },
      { id: check, score: 4, streak: 1 },
    ]);

    // As of June 2019 (a later clock would archive the 2019 audit month: 84 months' retention).
    const { changes } = await maintainTimePartitionsAt(db, new Date('2019-06-15T12:00:00Z'));
    expect(changes).toEqual(
      expect.arrayContaining([
        { table: 'check_ins', partition: 'check_ins_2019_03', action: 'created' },
        { table: 'assessments', partition: 'assessments_2019_03', action: 'created' },
        { table: 'audit_log', partition: 'audit_log_2019_03', action: 'created' },
        { table: 'check_ins', partition: 'check_ins_2019_09', action: 'created' },
      ]),
    );
    expect(changes.filter((c) => c.action === 'detached')).toEqual([]);
    expect(await partitionOf('check_ins', { column: 'id', value: early })).toBe('check_ins_2019_03');
    expect(await partitionOf('check_ins', { column: 'id', value: later })).toBe('check_ins_2019_03');
    // The append-only assessments and audit log move too (their copies of the row triggers are not on the detached
    // default partition while its rows move).
    expect(await partitionOf('assessments', { column: 'id', value: check })).toBe('assessments_2019_03');
    expect(await partitionOf('audit_log', { column: 'action', value: 'test.early' })).toBe('audit_log_2019_03');
    const left = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM check_ins_default WHERE patient_id = ${p.patientId})
           + (SELECT count(*) FROM assessments_default WHERE patient_id = ${p.patientId})
           + (SELECT count(*) FROM audit_log_default WHERE chain_key = ${p.patientId}) AS n`.execute(db);
    expect(Number(left.rows[0]?.n)).toBe(0);
    // Moving is not a change to the record: the series is as it was, and the chain verifies.
    expect(await db.selectFrom('craving_series').select(['id', 'score', 'streak']).where('patient_id', '=', p.patientId).orderBy('at').execute()).toEqual(seriesBefore);
    expect((await verifyAuditChain(db, { keys })).breaks).toEqual([]);
    // The tables' rules hold in the new month: the assessment is still append-only.
    await expect(sql`UPDATE assessments SET total = 9 WHERE id = ${check}`.execute(db)).rejects.toThrow();
  });

  it('detach the months past retention as archives, and resume the audit chain after the archived rows', async () => {
    const p = await createPatient(t);
    await audit(p.patientId, '2012-03-10T10:00:00Z', 'test.archived-1');
    await audit(p.patientId, '2012-03-20T10:00:00Z', 'test.archived-2');
    await audit(p.patientId, '2012-05-02T10:00:00Z', 'test.kept');
    const keptCheckIn = await checkIn(p.patientId, p.id, '2012-02-10T10:00:00Z', 1);
    await maintainTimePartitionsAt(db, new Date('2012-05-15T00:00:00Z'), 0);

    await applyRetention(db, { KEEL_RETAIN_AUDIT_MONTHS: 72, KEEL_RETAIN_RECORD_MONTHS: 0 });
    // As of April 2018, 72 months back is April 2012: March 2012 (and every month before it) has passed.
    const { changes } = await maintainTimePartitionsAt(db, new Date('2018-04-15T00:00:00Z'), 0);
    const detached = changes.filter((c) => c.action === 'detached');
    expect(detached).toEqual([{ table: 'audit_log', partition: 'archived_audit_log_2012_03', action: 'detached' }]);
    // The check-ins are kept (retention 0): February 2012 is still in the live table.
    expect(await partitionOf('check_ins', { column: 'id', value: keptCheckIn })).toBe('check_ins_2012_02');

    const live = await db.selectFrom('audit_log').select(['action', 'seq']).where('chain_key', '=', p.patientId).execute();
    expect(live).toEqual([{ action: 'test.kept', seq: 3 }]);
    const archivedRows = await sql<{ action: string; seq: number }>`SELECT action, seq FROM archived_audit_log_2012_03 WHERE chain_key = ${p.patientId} ORDER BY seq`.execute(db);
    expect(archivedRows.rows.map((r) => [r.action, Number(r.seq)])).toEqual([
      ['test.archived-1', 1],
      ['test.archived-2', 2],
    ]);
    const head = await db.selectFrom('audit_archived_heads').select(['seq', 'hash', 'archive']).where('chain_key', '=', p.patientId).executeTakeFirstOrThrow();
    const second = await sql<{ hash: string }>`SELECT hash FROM archived_audit_log_2012_03 WHERE chain_key = ${p.patientId} AND seq = 2`.execute(db);
    expect(head).toEqual({ seq: 2, hash: second.rows[0]!.hash, archive: 'archived_audit_log_2012_03' });
    expect((await verifyAuditChain(db, { keys })).breaks).toEqual([]);

    // A row written now with an instant in the archived month (a clock far behind) is not given a month past
    // retention to be archived with: it waits in the default partition, and maintenance goes on.
    await audit(p.patientId, '2012-03-25T10:00:00Z', 'test.back-dated');
    expect(await maintainTimePartitionsAt(db, new Date('2018-04-15T00:00:00Z'), 0)).toEqual({ changes: [], failed: [] });
    expect(await partitionOf('audit_log', { column: 'action', value: 'test.back-dated' })).toBe('audit_log_default');
    expect((await verifyAuditChain(db, { keys })).breaks).toEqual([]);

    // A head written by hand to skip the chain's live rows (to hide a removed prefix) is not the archive's.
    await sql`UPDATE audit_archived_heads SET seq = 3, hash = (SELECT hash FROM audit_log WHERE chain_key = ${p.patientId} AND seq = 3) WHERE chain_key = ${p.patientId}`.execute(db);
    const forged = (await verifyAuditChain(db, { keys })).breaks.filter((b) => b.chainKey === p.patientId);
    expect(forged.map((b) => [b.seq, b.problem])).toEqual([
      [3, 'archived_head_mismatch'],
      [3, 'sequence_gap'],
      [3, 'prev_hash_mismatch'],
    ]);
    await sql`UPDATE audit_archived_heads SET seq = 2, hash = ${head.hash} WHERE chain_key = ${p.patientId}`.execute(db);
    expect((await verifyAuditChain(db, { keys })).breaks).toEqual([]);

    // Without the archived head the live chain starts at seq 3 and does not continue anything it can check.
    await sql`DELETE FROM audit_archived_heads WHERE chain_key = ${p.patientId}`.execute(db);
    const broken = (await verifyAuditChain(db, { keys })).breaks.filter((b) => b.chainKey === p.patientId);
    expect(broken.map((b) => [b.seq, b.problem])).toEqual([
      [3, 'sequence_gap'],
      [3, 'prev_hash_mismatch'],
    ]);
    await sql`INSERT INTO audit_archived_heads (chain_key, seq, hash, archived_at, archive) VALUES (${p.patientId}, 2, ${head.hash}, now(), ${head.archive})`.execute(db);
    expect((await verifyAuditChain(db, { keys })).breaks).toEqual([]);
    await applyRetention(db, { KEEL_RETAIN_AUDIT_MONTHS: 84, KEEL_RETAIN_RECORD_MONTHS: 0 });
  });

  it('hold an audit month past retention while a chain in it continues below its last row in a later month', async () => {
    const p = await createPatient(t);
    await audit(p.patientId, '2011-06-10T10:00:00Z', 'test.june'); // seq 1
    await audit(p.patientId, '2011-08-02T10:00:00Z', 'test.august'); // seq 2
    await audit(p.patientId, '2011-06-25T10:00:00Z', 'test.june-late'); // seq 3, its instant from a clock behind
    await applyRetention(db, { KEEL_RETAIN_AUDIT_MONTHS: 72, KEEL_RETAIN_RECORD_MONTHS: 0 });
    await maintainTimePartitionsAt(db, new Date('2011-09-15T00:00:00Z'), 0);
    expect(await partitionOf('audit_log', { column: 'action', value: 'test.june-late' })).toBe('audit_log_2011_06');
    // June 2011 holds seq 1 and 3, but seq 2 is in August: archiving June would archive a chain with a hole in it.
    const { changes } = await maintainTimePartitionsAt(db, new Date('2018-04-15T00:00:00Z'), 0);
    expect(changes.filter((c) => c.action !== 'created')).toEqual([{ table: 'audit_log', partition: 'audit_log_2011_06', action: 'held' }]);
    expect(await partitionOf('audit_log', { column: 'action', value: 'test.june' })).toBe('audit_log_2011_06');
    expect(await db.selectFrom('audit_archived_heads').select('seq').where('chain_key', '=', p.patientId).execute()).toEqual([]);
    expect((await verifyAuditChain(db, { keys })).breaks).toEqual([]);
    await applyRetention(db, { KEEL_RETAIN_AUDIT_MONTHS: 84, KEEL_RETAIN_RECORD_MONTHS: 0 });
  });

  it('mark every patient’s outcome facts stale when a check-in month is archived (its rows leave the record)', async () => {
    const p = await createPatient(t);
    await checkIn(p.patientId, p.id, '2010-03-10T10:00:00Z', 2);
    await maintainTimePartitionsAt(db, new Date('2010-03-15T00:00:00Z'), 0);
    expect(await partitionOf('check_ins', { column: 'patient_id', value: p.patientId })).toBe('check_ins_2010_03');
    await db.deleteFrom('outcome_facts_stale').execute();
    // Only audit months past retention: nothing leaves a patient's record.
    await applyRetention(db, { KEEL_RETAIN_AUDIT_MONTHS: 72, KEEL_RETAIN_RECORD_MONTHS: 0 });
    await maintainTimePartitionsAt(db, new Date('2017-01-15T00:00:00Z'), 0);
    expect(await db.selectFrom('outcome_facts_stale').select('patient_id').execute()).toEqual([]);
    // Check-ins kept 72 months: as of January 2017, March 2010 has passed.
    await applyRetention(db, { KEEL_RETAIN_AUDIT_MONTHS: 72, KEEL_RETAIN_RECORD_MONTHS: 72 });
    const { changes } = await maintainTimePartitionsAt(db, new Date('2017-01-15T00:00:00Z'), 0);
    expect(changes).toContainEqual({ table: 'check_ins', partition: 'archived_check_ins_2010_03', action: 'detached' });
    const patients = (await db.selectFrom('patients').select('id').execute()).map((r) => r.id).sort();
    const marked = (await db.selectFrom('outcome_facts_stale').select('patient_id').execute()).map((r) => r.patient_id).sort();
    expect(marked).toEqual(patients);
    expect(marked).toContain(p.patientId);
    await applyRetention(db, { KEEL_RETAIN_AUDIT_MONTHS: 84, KEEL_RETAIN_RECORD_MONTHS: 0 });
  });

  it('never keep the audit log under six years: the policy table and the configuration both refuse it', async () => {
    await expect(applyRetention(db, { KEEL_RETAIN_AUDIT_MONTHS: 71, KEEL_RETAIN_RECORD_MONTHS: 0 })).rejects.toThrow();
    await expect(applyRetention(db, { KEEL_RETAIN_AUDIT_MONTHS: 84, KEEL_RETAIN_RECORD_MONTHS: 60 })).rejects.toThrow();
    const policy = await db.selectFrom('time_partitioned_tables').select(['table_name', 'retain_months']).orderBy('table_name').execute();
    expect(policy).toEqual([
      { table_name: 'assessments', retain_months: 0 },
      { table_name: 'audit_log', retain_months: 84 },
      { table_name: 'check_ins', retain_months: 0 },
    ]);
    expect(() => loadConfig({ KEEL_RETAIN_AUDIT_MONTHS: '71' })).toThrow(ConfigError);
    expect(() => loadConfig({ KEEL_RETAIN_RECORD_MONTHS: '36' })).toThrow(ConfigError);
    expect(loadConfig({ KEEL_RETAIN_AUDIT_MONTHS: '72', KEEL_RETAIN_RECORD_MONTHS: '120' })).toMatchObject({ KEEL_RETAIN_AUDIT_MONTHS: 72, KEEL_RETAIN_RECORD_MONTHS: 120 });
    expect(loadConfig({})).toMatchObject({ KEEL_RETAIN_AUDIT_MONTHS: 84, KEEL_RETAIN_RECORD_MONTHS: 0 });
  });
});
