import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { loadConfig } from '../../src/config.ts';
import { openConfiguredDatabase } from '../../src/runtime.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';
import { assignCareTeam, createPatient } from '../support/factories.ts';
import { currentOutcomeFacts } from '../../src/use-cases/outcomes/outcome-facts.ts';
import { reportSettings } from '../../src/use-cases/outcomes/outcomes-report.ts';
import { loadProgramSettings } from '../../src/use-cases/settings/program-settings.service.ts';
import { authorize, codes, prepare, readyWorld, schedule, type World } from '../treatment/treatment-world.ts';

// Reads that tolerate lag go to a streaming replica (DATABASE_READ_URL; docs/scaling.md): the panel, timelines,
// the outcomes report, FHIR reads and search. Decisions stay on the primary. `.ci/run` starts a primary and its
// replica (scripts/replica-pair.sh: initdb, pg_basebackup -R) and passes their URLs. The proof of routing is a
// replica whose replay is paused: what is read there is stale, so a route that reads it does not see a write the
// primary has, and a decision that saw the same staleness would let a dose through that the primary holds.
const primaryBase = process.env.KEEL_TEST_PRIMARY_URL;
const replicaBase = process.env.KEEL_TEST_REPLICA_URL;
const withDb = (base: string, name: string) => {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
};

describe.runIf(onPostgres && primaryBase !== undefined && replicaBase !== undefined)('reads on a streaming replica', () => {
  let handle: DatabaseHandle;
  let t: TestContext;
  let primary: pg.Client;
  let replica: pg.Client;

  /** Waits until the handle's reads go to the replica (`true`) or to the primary (`false`); it measures every second. */
  async function onReplica(h: DatabaseHandle, want: boolean): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if ((h.reads.pool !== h.pool) === want) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the reads did not move to the ${want ? 'replica' : 'primary'} within 5 s`);
  }

  /**
   * Waits until the replica has replayed everything the primary has written so far: up to the WAL inserted, not only
   * written (the test pair runs with synchronous_commit off, so a commit may still be in the WAL buffers).
   */
  async function caughtUp(): Promise<void> {
    const lsn = (await primary.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn')).rows[0]?.lsn;
    for (let i = 0; i < 200; i++) {
      const done = await replica.query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn]);
      if (done.rows[0]?.ok) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the replica did not catch up within 5 s');
  }

  beforeAll(async () => {
    const name = `keel_replica_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: String(primaryBase) });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    primary = new pg.Client({ connectionString: withDb(String(primaryBase), name) });
    replica = new pg.Client({ connectionString: withDb(String(replicaBase), name) });
    await primary.connect();
    // The new database reaches the replica by replication like everything else.
    for (let i = 0; i < 200; i++) {
      try {
        await replica.connect();
        break;
      } catch {
        replica = new pg.Client({ connectionString: withDb(String(replicaBase), name) });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    // A lag bound far above this test's pause, so that the paused replica keeps serving (its own test is below).
    handle = await openDatabase({ kind: 'postgres', url: withDb(String(primaryBase), name), readUrl: withDb(String(replicaBase), name), poolSize: 10, readMaxLagMs: 600_000 });
    await migrateToLatest(handle.db);
    t = await createTestApp({ database: handle });
    await onReplica(handle, true);
  }, 120_000);
  afterAll(async () => {
    await replica.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
    await t.close();
    await primary.end();
    await replica.end();
  });

  it('is a replica: read-only, in recovery', async () => {
    expect((await replica.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r')).rows[0]?.r).toBe(true);
    await expect(handle.reads.db.insertInto('patient_risk').values({ patient_id: crypto.randomUUID() }).execute()).rejects.toThrow(/read-only transaction/);
  });

  it('serves the timeline and the panel from the replica while the gate and FHIR read the primary', async () => {
    const w: World & { planId: string } = await readyWorld(t);
    const sessionId = await schedule(w);
    await prepare(w, sessionId);
    const timelineIds = async () =>
      (await w.call('clinician', 'GET', `/api/v1/patients/${w.patient.patientId}/timeline?limit=100`)).json<{ items: { id: string }[] }>().items.map((i) => i.id);
    const panelNames = async () => (await w.call('clinician', 'GET', '/api/v1/patients?sort=name&limit=100')).json<{ items: { name: string }[] }>().items.map((i) => i.name);
    const observationIds = async () =>
      (await w.call('patient', 'GET', `/fhir/R4/Observation?patient=Patient/${w.patient.patientId}`)).json<{ entry?: { resource: { id: string } }[] }>().entry?.map((e) => e.resource.id) ?? [];
    await caughtUp();
    const before = { timeline: await timelineIds(), panel: await panelNames(), observations: await observationIds() };

    // The replica stops replaying: from now on what it serves is the record as it was.
    await replica.query('SELECT pg_wal_replay_pause()');
    // On the primary: a check-in, a new patient on the clinician's panel, and an alert that holds dosing.
    const checkIn = await w.call('patient', 'POST', `/api/v1/patients/${w.patient.patientId}/check-ins`, {
      mood0to10: 6, sleepHours: 7, craving0to10: 1, usedOutsideSession: false, bladderSymptoms: false, cognitiveComplaint: false, sideEffects: [],
    });
    expect(checkIn.statusCode, checkIn.body).toBe(201);
    const checkInId = checkIn.json<{ checkIn: { id: string } }>().checkIn.id;
    const gad7 = await w.call('patient', 'POST', `/api/v1/patients/${w.patient.patientId}/assessments`, {
      instrument: 'gad7', answers: { q1: 1, q2: 1, q3: 1, q4: 0, q5: 0, q6: 1, q7: 0 }, context: 'followup',
    });
    expect(gad7.statusCode, gad7.body).toBe(201);
    const joined = await createPatient(t, { name: 'Replica Newcomer' });
    await assignCareTeam(t, joined.patientId, w.clinician.id, 'clinician');
    const hold = crypto.randomUUID();
    await handle.db
      .insertInto('alerts')
      .values({ id: hold, patient_id: w.patient.patientId, code: 'SERIOUS_ADVERSE_EVENT_REPORTED', severity: 'critical', holds_dosing: true, cause: `test:${hold}`, title: 'Held for review', patient_message: null, owner_id: null, raised_at: t.clock.now(), escalate_at: null, escalated_at: null, escalated_to: null, acknowledged_at: null, acknowledged_by: null, resolved_at: null, resolved_by: null, resolution_action: null, resolution_note: null })
      .execute();
    expect((await primary.query('SELECT 1 FROM check_ins WHERE id = $1', [checkInId])).rowCount).toBe(1);

    // The views read the replica: the check-in is not there yet.
    expect(await timelineIds()).toEqual(before.timeline);
    expect(await panelNames()).toEqual(before.panel);
    // FHIR reads the primary (a client syncing with _since must never miss a row): the assessment is there.
    expect((await observationIds()).length).toBeGreaterThan(before.observations.length);
    expect(before.panel).not.toContain('Replica Newcomer');
    // The decision reads the primary: the hold written a moment ago blocks the dose.
    const decided = await authorize(w, sessionId);
    expect(decided.outcome).toBe('blocked');
    expect(codes(decided)).toContain('ALERT_HOLDS_DOSING');

    // Replay resumes: the views catch up.
    await replica.query('SELECT pg_wal_replay_resume()');
    await caughtUp();
    expect(await timelineIds()).toContain(checkInId);
    expect(await panelNames()).toContain('Replica Newcomer');
  });

  it("keeps the outcomes report's facts it read there, and reads a writer running at its last read once it commits", async () => {
    // A standby's snapshot does not list the primary's transactions in progress: a writer running at a read must
    // still be read after it commits (docs/outcomes-report.md, "Performance").
    await replica.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
    const p = await createPatient(t);
    const settings = reportSettings(await loadProgramSettings(handle.db));
    const slots = async () => (await currentOutcomeFacts(handle.reads.db, handle.db, [p.patientId], settings, t.clock.now())).facts[0]?.checkInSlots;
    expect(await slots()).toBe('');
    await caughtUp();
    expect(await slots()).toBe('');
    await primary.query('BEGIN');
    try {
      await primary.query(
        `UPDATE outcome_facts SET facts = json_build_array(facts->0, facts->1, facts->2, '111'::text, facts->4, facts->5, facts->6, facts->7, facts->8, facts->9, facts->10)
         WHERE patient_id = $1`,
        [p.patientId],
      );
      // A later transaction commits, so the replica's snapshot is taken past the writer still running.
      await handle.pool.query('SELECT pg_current_xact_id()');
      await caughtUp();
      expect(await slots()).toBe('');
    } finally {
      await primary.query('COMMIT');
    }
    await caughtUp();
    expect(await slots()).toBe('111');
  });
});

describe.runIf(onPostgres && primaryBase !== undefined && replicaBase !== undefined)('a replica too far behind, or down', () => {
  it('sends the reads to the primary while the replica lags past the bound, and back once it catches up', async () => {
    const name = `keel_replica_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: String(primaryBase) });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    let replica: pg.Client | undefined;
    for (let i = 0; i < 200 && !replica; i++) {
      const c = new pg.Client({ connectionString: withDb(String(replicaBase), name) });
      try {
        await c.connect();
        replica = c;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    if (!replica) throw new Error('the new database did not reach the replica');
    const h = await openDatabase({ kind: 'postgres', url: withDb(String(primaryBase), name), readUrl: withDb(String(replicaBase), name), poolSize: 4, readMaxLagMs: 300 });
    const wait = async (want: boolean) => {
      for (let i = 0; i < 100; i++) {
        if ((h.reads.pool !== h.pool) === want) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return false;
    };
    try {
      await h.pool.query('CREATE TABLE lag_probe (n integer)');
      expect(await wait(true)).toBe(true);
      await replica.query('SELECT pg_wal_replay_pause()');
      await h.pool.query('INSERT INTO lag_probe VALUES (1)');
      // Over 300 ms behind: the next measurement sends the reads to the primary, which has the row.
      expect(await wait(false)).toBe(true);
      expect((await h.reads.pool.query('SELECT count(*)::int AS n FROM lag_probe')).rows[0]).toEqual({ n: 1 });
      await replica.query('SELECT pg_wal_replay_resume()');
      expect(await wait(true)).toBe(true);
      expect((await h.reads.pool.query('SELECT count(*)::int AS n FROM lag_probe')).rows[0]).toEqual({ n: 1 });
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
      await replica.end();
      await h.close();
    }
  });

  it('reads from the primary when the replica cannot be reached', async () => {
    const h = await openDatabase({ kind: 'postgres', url: String(primaryBase), readUrl: 'postgres://postgres@127.0.0.1:1/postgres', poolSize: 2, connectTimeoutMs: 500 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(h.reads.pool).toBe(h.pool);
      expect((await h.reads.pool.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
    } finally {
      await h.close();
    }
  });
});

describe('the read replica setting', () => {
  it('reads where it writes without DATABASE_READ_URL, and with it until the replica is measured fit', async () => {
    const urlOf = (pool: pg.Pool) => (pool as unknown as { options: { connectionString: string } }).options.connectionString;
    const split = await openConfiguredDatabase(loadConfig({ DATABASE_URL: 'postgres://app@primary:5432/keel', DATABASE_READ_URL: 'postgres://app@replica:5432/keel' }));
    const single = await openConfiguredDatabase(loadConfig({ DATABASE_URL: 'postgres://app@primary:5432/keel' }));
    try {
      // Until the replica is measured (it cannot be here: there is no such host) the reads go to the primary.
      expect(urlOf(split.reads.pool)).toBe('postgres://app@primary:5432/keel');
      expect(urlOf(split.pool)).toBe('postgres://app@primary:5432/keel');
      expect(urlOf(single.reads.pool)).toBe('postgres://app@primary:5432/keel');
    } finally {
      await split.close();
      await single.close();
    }
  });
});
