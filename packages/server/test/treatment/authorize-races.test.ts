// Concurrency of the gate (I1–I3): real races, so PostgreSQL only (PGlite runs one transaction at a time).
//
// Mutation proof (run once when these tests were written; how to repeat it): in src/use-cases/treatment/authorize-session.ts, replace
//     const patient = await lockPatient(tx, input.patientId);
// with the same query without the lock:
//     const patient = await tx.selectFrom('patients').select(['id', 'status']).where('id', '=', input.patientId).executeTakeFirstOrThrow();
// and run `KEEL_TEST_ENGINE=postgres KEEL_TEST_DATABASE_URL=… npx vitest run --project server
// packages/server/test/treatment/authorize-races.test.ts`. The 50-race test then fails: several requests read
// "1 unit on hand, no session in the last 72 h" at once and the gate authorizes each of them; the database's
// on-hand guard (ledger_balances CHECK >= 0) stops all but one at the ledger insert, so they come back as
// GATE_INPUT_INVALID denials instead of gate decisions, and the assertion "every other request was blocked by the
// gate for NO_DOSES_ON_HAND and MIN_INTERVAL_NOT_MET, none by an error" goes red (observed: `expected
// ['GATE_INPUT_INVALID'] to deeply equal ArrayContaining [...]`). The interval race goes red too (observed: 2
// authorized — with doses to spare no constraint catches it), and so does the vitals race (observed: the high
// reading's seq 259 was below the authorizing evaluation's 260, i.e. the authorization committed on a reading a
// newer, high one had superseded). With the lock restored, all three pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';
import { codes, expectStatus, goodVitals, prepare, readyWorld, schedule, type AuthorizeResult, type World } from './treatment-world.ts';

let t: TestContext;
beforeAll(async () => {
  if (onPostgres) t = await createTestApp();
});
afterAll(async () => {
  if (onPostgres) await t.close();
});

async function preparedSessions(w: World, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = await schedule(w);
    await prepare(w, id);
    ids.push(id);
  }
  return ids;
}

const authorizeRaw = async (w: World, sessionId: string): Promise<AuthorizeResult> => {
  const r = await w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/authorize`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json<AuthorizeResult>();
};

describe('authorization races (PostgreSQL)', () => {
  it.runIf(onPostgres)('50 concurrent authorizations with one dose on hand: exactly one authorized', async () => {
    const w = await readyWorld(t, 1);
    const sessions = await preparedSessions(w, 50);
    const results = await Promise.all(sessions.map((id) => authorizeRaw(w, id)));

    const authorized = results.filter((r) => r.outcome === 'authorized');
    expect(authorized).toHaveLength(1);
    // Every other one was decided by the gate under the lock, seeing the winner's dose: not refused by an error.
    for (const r of results.filter((x) => x.outcome === 'blocked')) {
      expect(codes(r)).toEqual(expect.arrayContaining(['MIN_INTERVAL_NOT_MET', 'NO_DOSES_ON_HAND']));
      expect(codes(r)).not.toContain('GATE_INPUT_INVALID');
    }
    const db = t.database.db;
    const administered = await db.selectFrom('ledger_entries').select('units').where('patient_id', '=', w.patient.patientId).where('kind', '=', 'administered').execute();
    expect(administered).toEqual([{ units: 1 }]);
    const balance = await db.selectFrom('ledger_balances').select('on_hand_units').where('patient_id', '=', w.patient.patientId).executeTakeFirstOrThrow();
    expect(balance.on_hand_units).toBe(0);
    expect(await db.selectFrom('gate_evaluations').select('id').where('patient_id', '=', w.patient.patientId).execute()).toHaveLength(50);
    const ledger = await expectStatus(w.call('clinician', 'GET', `/api/v1/patients/${w.patient.patientId}/ledger`), 200);
    expect(ledger.json()).toMatchObject({ onHand: 0, reconciliation: { status: 'reconciled' } });
  });

  it.runIf(onPostgres)('two authorizations racing inside the minimum interval: one authorized, one blocked by the interval', async () => {
    for (let round = 0; round < 5; round++) {
      const w = await readyWorld(t, 3);
      const [a, b] = await preparedSessions(w, 2);
      const results = await Promise.all([authorizeRaw(w, a ?? ''), authorizeRaw(w, b ?? '')]);
      expect(results.filter((r) => r.outcome === 'authorized')).toHaveLength(1);
      const blocked = results.find((r) => r.outcome === 'blocked');
      expect(codes(blocked ?? { outcome: 'blocked', evaluationId: null })).toEqual(['MIN_INTERVAL_NOT_MET']);
    }
  });

  it.runIf(onPostgres)('an authorization racing a new out-of-range BP reading never uses the superseded reading', async () => {
    let sawAuthorized = 0;
    let sawBlocked = 0;
    for (let round = 0; round < 12; round++) {
      const w = await readyWorld(t, 3);
      const [sessionId = ''] = await preparedSessions(w, 1);
      const [vitals, result] = await Promise.all([
        w.call('sitter', 'POST', `/api/v1/sessions/${sessionId}/vitals`, { ...goodVitals, systolicMmHg: 178 }),
        authorizeRaw(w, sessionId),
      ]);
      // The reading is refused only if the session was already authorized (pre-dose vitals need a scheduled session).
      const highId = vitals.statusCode === 201 ? vitals.json<{ vitals: { id: string } }>().vitals.id : null;
      const db = t.database.db;
      const evaluation = await db.selectFrom('gate_evaluations').select(['seq', 'outcome', 'inputs']).where('session_id', '=', sessionId).executeTakeFirstOrThrow();
      if (result.outcome === 'authorized') {
        sawAuthorized++;
        // The high reading, if it was stored at all, was stored after the authorization committed.
        if (highId !== null) {
          const high = await db.selectFrom('session_vitals').select('seq').where('id', '=', highId).executeTakeFirstOrThrow();
          expect(high.seq).toBeGreaterThan(evaluation.seq);
        } else {
          expect(vitals.statusCode).toBe(409);
        }
        expect(evaluation.inputs['vitalsId']).not.toBe(highId);
      } else {
        sawBlocked++;
        expect(codes(result)).toEqual(['VITALS_ABOVE_HOLD']);
        expect(evaluation.inputs['vitalsId']).toBe(highId);
      }
    }
    expect(sawAuthorized + sawBlocked).toBe(12);
  });
});
