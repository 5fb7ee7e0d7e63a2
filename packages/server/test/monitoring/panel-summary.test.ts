// The panel summary (migrations/0008-panel-summary.ts) is maintained by deferred triggers. These tests hold it to
// its definition: after any sequence of writes, every patient's summary row equals what the patient_panel_facts
// view computes from the source tables — on both engines, and under concurrent writers on PostgreSQL.
//
// Mutation proof (run when this was written): making the refresh one statement (INSERT … SELECT FROM the view
// ON CONFLICT DO UPDATE, whose snapshot is taken before the row lock is granted) turns the race test red on
// PostgreSQL — a writer that waited for the row lock overwrote it with facts that missed the transaction it waited
// for. Dropping the assessments trigger turns the random-sequence test red (observed: at step 33, an assessment).
import { defaultInstrumentSettings, defaultMonitoringSettings } from '@keel/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/transaction.ts';
import { systemContext } from '../../src/use-cases/alerts/escalate-alerts.ts';
import { evaluateAndRecordRisk } from '../../src/use-cases/monitoring/risk-evaluation.ts';
import { assignCareTeam, bearer, createPatient, createUser, signIn } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';
import { daysAgo, insertActivePlan, insertAssessment, insertCheckIn, insertIntake, insertSession, raiseFor } from './monitoring-fixtures.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Patients whose summary row differs from the view (or is missing), with both sides. */
async function drift(patientIds: readonly string[]) {
  const rows = await sql<{ patient_id: string; summary: unknown; facts: unknown }>`
    SELECT f.patient_id,
           to_jsonb(s) - 'refreshed_at' AS summary,
           to_jsonb(f) AS facts
    FROM patient_panel_facts f
    LEFT JOIN patient_panel_summary s ON s.patient_id = f.patient_id
    WHERE f.patient_id = ANY(${[...patientIds]}::uuid[])`.execute(t.database.db);
  return rows.rows.filter((r) => JSON.stringify(r.summary) !== JSON.stringify(r.facts));
}

/** A small deterministic generator, so a failure names a reproducible sequence. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('the panel summary equals its definition', () => {
  it('after 120 random writes of every kind that feeds it, checked after each one', async () => {
    const clinician = await createUser(t, 'clinician');
    const patients = await Promise.all([1, 2, 3].map((n) => createPatient(t, { name: `Summary ${n}` })));
    const ids = patients.map((p) => p.patientId);
    const random = seeded(20261126);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const sessions: { id: string; patientId: string }[] = [];
    const alerts: { id: string; patientId: string }[] = [];
    const planVersions = new Map<string, number>();
    const withIntake = new Set<string>();
    const ctx = () => ({ deps: t.deps, ctx: systemContext(t.clock.now(), 'test') });

    const writes: Record<string, (p: (typeof patients)[number]) => Promise<unknown>> = {
      phq9: (p) =>
        insertAssessment(t, p.patientId, p.id, {
          instrument: 'phq9',
          total: Math.floor(random() * 28),
          at: daysAgo(t, Math.floor(random() * 60)),
          flags: random() < 0.2 ? ['PHQ9_ITEM9_POSITIVE'] : [],
        }),
      other: (p) =>
        insertAssessment(t, p.patientId, p.id, { instrument: pick(['gad7', 'audit-c', 'audit', 'dast10', 'bladder', 'cssrs-screen']), total: 3, at: daysAgo(t, Math.floor(random() * 60)) }),
      session: async (p) =>
        sessions.push({
          patientId: p.patientId,
          id: await insertSession(t, p.patientId, clinician.id, {
            status: pick(['scheduled', 'scheduled', 'completed', 'authorized', 'missed'] as const),
            at: new Date(t.clock.now().getTime() + (random() - 0.6) * 30 * 86_400_000),
          }),
        }),
      sessionChange: async () => {
        if (sessions.length === 0) return;
        const s = pick(sessions);
        const status = pick(['missed', 'aborted', 'authorized', 'completed'] as const);
        const dosed = status === 'authorized' || status === 'completed';
        await t.database.db
          .updateTable('dosing_sessions')
          .set({
            status,
            authorized_at: dosed ? sql<Date>`scheduled_for` : null,
            authorization_expires_at: dosed ? sql<Date>`scheduled_for + interval '30 minutes'` : null,
            dose_mg: dosed ? 300 : null,             started_at: status === 'completed' ? sql<Date>`scheduled_for` : null,
            completed_at: status === 'completed' ? sql<Date>`scheduled_for + interval '2 hours'` : null,
          })
          .where('id', '=', s.id)
          .execute();
      },
      alert: async (p) => {
        const raised = await raiseFor(t, p.patientId, {
          kind: 'cssrs_submitted',
          assessmentId: crypto.randomUUID(),
          at: t.clock.now().toISOString(),
          risk: pick(['low', 'moderate', 'high'] as const),
        });
        for (const a of raised) alerts.push({ id: a.id, patientId: p.patientId });
      },
      alertLifecycle: async () => {
        if (alerts.length === 0) return;
        const a = pick(alerts);
        await t.database.db
          .updateTable('alerts')
          .set(random() < 0.5 ? { status: 'acknowledged', acknowledged_at: t.clock.now() } : { status: 'resolved', resolved_at: t.clock.now(), resolution_action: 'test', resolution_note: 'test' })
          .where('id', '=', a.id)
          .where('status', '<>', 'resolved')
          .execute();
      },
      plan: async (p) => {
        // Supersede the active plan (if any); every other time, activate a new version in a random phase.
        await t.database.db.updateTable('treatment_plans').set({ status: 'superseded' }).where('patient_id', '=', p.patientId).where('status', '=', 'active').execute();
        const version = (planVersions.get(p.patientId) ?? 0) + 1;
        planVersions.set(p.patientId, version);
        if (version % 2 === 0) return;
        await insertActivePlan(t, p.patientId, clinician.id, pick(['induction', 'maintenance', 'taper'] as const), version);
      },
      intake: async (p) => {
        if (withIntake.has(p.patientId)) {
          await t.database.db.updateTable('intakes').set({ risk_tier: pick(['low', 'elevated', 'high'] as const) }).where('patient_id', '=', p.patientId).execute();
        } else {
          await insertIntake(t, p.patientId, { tier: pick(['low', 'elevated', 'high'] as const) });
          withIntake.add(p.patientId);
        }
      },
      risk: async (p) => {
        await insertCheckIn(t, p.patientId, { at: daysAgo(t, 1), bladder: random() < 0.5 });
        await inTransaction(t.database.db, (tx) => evaluateAndRecordRisk(tx, ctx(), p.patientId, 'test', { monitoring: defaultMonitoringSettings, instruments: defaultInstrumentSettings }));
      },
    };
    const kinds = Object.keys(writes);
    for (let step = 0; step < 120; step++) {
      const kind = pick(kinds);
      await writes[kind]?.(pick(patients));
      expect(await drift(ids), `after step ${step} (${kind})`).toEqual([]);
    }
    // The sequence reached every branch the summary has.
    const summaries = await t.database.db.selectFrom('patient_panel_summary').selectAll().where('patient_id', 'in', ids).execute();
    expect(summaries.some((s) => s.alerts_critical + s.alerts_high + s.alerts_moderate + s.alerts_low > 0)).toBe(true);
    expect(summaries.some((s) => s.phq9_baseline !== null)).toBe(true);
    expect(summaries.some((s) => s.evaluated_tier !== null)).toBe(true);
  });

  it('looks past a scheduled session whose time has passed, and reads the last check-in live in induction', async () => {
    const clinician = await createUser(t, 'clinician');
    const p = await createPatient(t, { name: 'Summary Clock' });
    await assignCareTeam(t, p.patientId, clinician.id, 'clinician');
    await insertActivePlan(t, p.patientId, clinician.id, 'induction');
    const passed = new Date(t.clock.now().getTime() - 3_600_000);
    const next = new Date(t.clock.now().getTime() + 2 * 86_400_000);
    await insertSession(t, p.patientId, clinician.id, { status: 'scheduled', at: passed });
    await insertSession(t, p.patientId, clinician.id, { status: 'scheduled', at: next });
    // Written after the summary's last refresh: check-ins do not touch the summary.
    await insertCheckIn(t, p.patientId, { at: t.clock.now() });
    const summary = await t.database.db.selectFrom('patient_panel_summary').selectAll().where('patient_id', '=', p.patientId).executeTakeFirstOrThrow();
    expect(new Date(summary.next_scheduled_at ?? 0).toISOString()).toBe(passed.toISOString());

    const token = await signIn(t, clinician);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/patients', headers: bearer(token) });
    const [row] = res.json<{ items: { nextSessionAt: string | null; overdueAssessments: number }[] }>().items;
    expect(row?.nextSessionAt).toBe(next.toISOString());
    const schedule = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${p.patientId}/assessment-schedule`, headers: bearer(token) });
    const due = schedule.json<{ items: { code: string; status: string }[] }>();
    // The panel's overdue count and the schedule route agree (the check-in, done today, is not overdue in either).
    expect(row?.overdueAssessments).toBe(due.items.filter((d) => d.status === 'overdue').length);
    expect(due.items.find((d) => d.code === 'checkin')?.status).not.toBe('overdue');
  });
});

describe('the panel summary under concurrent writers (PostgreSQL)', () => {
  it.runIf(onPostgres)('16 transactions raising alerts for one patient at once leave the counts equal to the facts', async () => {
    const db = t.database.db;
    // Widen the race: a test-only deferred trigger, fired after the summary's (triggers on one event fire in name
    // order), keeps each transaction open 20 ms after its refresh, holding the summary row lock while the others
    // reach theirs. A refresh that read the facts before waiting for that lock would write counts that miss the
    // transaction it waited for. Each transaction writes ONE row, so it refreshes once (a second refresh would start
    // after the wait and repair the first), and writes it directly: raiseAlerts' audit rows take the patient's
    // audit-chain lock, which serializes the transactions before they reach the summary.
    await sql`
      CREATE FUNCTION test_hold_commit() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN PERFORM pg_sleep(0.02); RETURN NULL; END; $fn$;
      CREATE CONSTRAINT TRIGGER zz_test_hold_commit AFTER INSERT ON alerts
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_hold_commit();`.execute(db);
    try {
      const clinician = await createUser(t, 'clinician');
      const p = await createPatient(t, { name: 'Summary Race' });
      const severities = ['low', 'moderate', 'high', 'critical'] as const;
      for (let round = 0; round < 3; round++) {
        await Promise.all(
          Array.from({ length: 16 }, (_, i) =>
            inTransaction(db, (tx) =>
              tx
                .insertInto('alerts')
                .values({ id: crypto.randomUUID(), patient_id: p.patientId, code: 'TEST_RACE', severity: severities[i % 4] ?? 'low', holds_dosing: false, cause: `race:${round}:${i}`, title: 'Race', owner_id: clinician.id, raised_at: t.clock.now(), escalate_at: null, escalated_at: null, escalated_to: null, acknowledged_at: null, acknowledged_by: null, resolved_at: null, resolved_by: null, resolution_action: null, resolution_note: null, patient_message: null })
                .execute(),
            ),
          ),
        );
        expect(await drift([p.patientId]), `after round ${round}`).toEqual([]);
      }
      const summary = await db.selectFrom('patient_panel_summary').selectAll().where('patient_id', '=', p.patientId).executeTakeFirstOrThrow();
      expect([summary.alerts_low, summary.alerts_moderate, summary.alerts_high, summary.alerts_critical]).toEqual([12, 12, 12, 12]);
    } finally {
      await sql`DROP TRIGGER zz_test_hold_commit ON alerts; DROP FUNCTION test_hold_commit();`.execute(db);
    }
  });
});
