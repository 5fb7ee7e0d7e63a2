// An error while deciding is a denial (invariant I1, docs/clinical-basis.md §4): the failed attempt is answered as
// blocked, stored as a blocked evaluation and audited as a failure, with only the error's SQLSTATE on record. The
// faults are planted as database triggers that fire for one patient only, so the other tests are untouched.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { expectStatus, prepare, readyWorld, schedule, type World } from './treatment-world.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const failedCheck = {
  code: 'GATE_INPUT_INVALID',
  message: 'Something needed for the safety check could not be read, so the session cannot be allowed. Try again in a moment. If it keeps happening, contact your care team.',
};

/** A BEFORE INSERT trigger on `table` that raises `sqlstate` for rows of this patient only; dropped by the caller. */
async function plantFault(db: TestContext['database']['db'], table: 'ledger_entries' | 'gate_evaluations', patientId: string, sqlstate: string): Promise<() => Promise<void>> {
  const name = `test_fault_${table}`;
  await sql
    .raw(
      `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.patient_id = '${patientId}' THEN RAISE EXCEPTION 'planted fault' USING ERRCODE = '${sqlstate}'; END IF;
         RETURN NEW;
       END $$;
       CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}();`,
    )
    .execute(db);
  return async () => {
    await sql.raw(`DROP TRIGGER ${name} ON ${table}; DROP FUNCTION ${name}();`).execute(db);
  };
}

async function readyToAuthorize(): Promise<{ w: World; sessionId: string }> {
  const w = await readyWorld(t);
  const sessionId = await schedule(w);
  await prepare(w, sessionId);
  return { w, sessionId };
}

async function authorizationAudit(sessionId: string) {
  return t.database.db
    .selectFrom('audit_log')
    .select(['actor_id', 'resource_type', 'resource_id', 'patient_id', 'outcome', 'detail'])
    .where('action', '=', 'session.authorize')
    .where('resource_id', '=', sessionId)
    .execute();
}

describe('an error while authorizing is a denial', () => {
  it('a refusal the caller can act on stays a refusal (409), not a recorded denial', async () => {
    const { w, sessionId } = await readyToAuthorize();
    await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/authorize`), 200);
    const again = await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/authorize`), 409);
    expect(again.json()).not.toHaveProperty('outcome');
    const evaluations = await t.database.db.selectFrom('gate_evaluations').select('outcome').where('session_id', '=', sessionId).execute();
    expect(evaluations).toEqual([{ outcome: 'authorized' }]);
  });

  it('a failure with a SQLSTATE: blocked, the authorizing work undone, the failure stored and audited with the code only', async () => {
    const { w, sessionId } = await readyToAuthorize();
    const db = t.database.db;
    // The dose's ledger entry cannot be written (a serialization failure, 40001): the go-ahead must not stand.
    const drop = await plantFault(db, 'ledger_entries', w.patient.patientId, '40001');
    let body: unknown;
    try {
      body = (await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/authorize`), 200)).json();
    } finally {
      await drop();
    }
    const evaluations = await db
      .selectFrom('gate_evaluations')
      .select(['id', 'patient_id', 'stage', 'evaluated_at', 'outcome', 'reason_codes', 'reasons', 'dose_mg', 'actor_id', 'inputs'])
      .where('session_id', '=', sessionId)
      .execute();
    expect(evaluations).toHaveLength(1);
    const evaluationId = evaluations[0]!.id;
    expect(body).toEqual({ outcome: 'blocked', reasons: [failedCheck], evaluationId, sessionId });
    expect(evaluations[0]).toEqual({
      id: evaluationId,
      patient_id: w.patient.patientId,
      stage: 'authorize',
      evaluated_at: new Date('2026-06-01T12:00:00.000Z'),
      outcome: 'blocked',
      reason_codes: ['GATE_INPUT_INVALID'],
      reasons: [{ ...failedCheck, detail: { problems: ['the check could not complete'] } }],
      dose_mg: null,
      actor_id: w.patient.id,
      inputs: { error: '40001' },
    });
    expect(await authorizationAudit(sessionId)).toEqual([
      {
        actor_id: w.patient.id,
        resource_type: 'session',
        resource_id: sessionId,
        patient_id: w.patient.patientId,
        outcome: 'failure',
        detail: { outcome: 'blocked', reasonCodes: ['GATE_INPUT_INVALID'], evaluationId, error: '40001' },
      },
    ]);
    const session = await db.selectFrom('dosing_sessions').select(['status', 'authorized_at', 'dose_mg']).where('id', '=', sessionId).executeTakeFirstOrThrow();
    expect(session).toEqual({ status: 'scheduled', authorized_at: null, dose_mg: null });
    const kinds = await db.selectFrom('ledger_entries').select('kind').where('patient_id', '=', w.patient.patientId).execute();
    expect(kinds.map((k) => k.kind)).toEqual(['dispensed']);
  });

  it('a failure without a code is recorded as "unknown"', async () => {
    const own = await createTestApp();
    try {
      const w = await readyWorld(own);
      const sessionId = await schedule(w);
      await prepare(w, sessionId);
      // Program settings that do not parse: the loader throws an error of its own, with no SQLSTATE.
      await own.database.db.transaction().execute(async (tx) => {
        await sql`ALTER TABLE program_settings DISABLE TRIGGER USER`.execute(tx);
        await sql`INSERT INTO program_settings (id, version, settings, updated_at)
                  VALUES (1, 99, ${JSON.stringify({ dosing: { maxSessionsPer7Days: 'two' } })}::jsonb, now())
                  ON CONFLICT (id) DO UPDATE SET version = 99, settings = EXCLUDED.settings`.execute(tx);
        await sql`ALTER TABLE program_settings ENABLE TRIGGER USER`.execute(tx);
      });
      const body = (await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/authorize`), 200)).json<{ evaluationId: string }>();
      const evaluation = await own.database.db.selectFrom('gate_evaluations').select(['id', 'inputs']).where('session_id', '=', sessionId).executeTakeFirstOrThrow();
      expect(body).toEqual({ outcome: 'blocked', reasons: [failedCheck], evaluationId: evaluation.id, sessionId });
      expect(evaluation.inputs).toEqual({ error: 'unknown' });
      const audit = await own.database.db.selectFrom('audit_log').select(['outcome', 'detail']).where('action', '=', 'session.authorize').where('resource_id', '=', sessionId).execute();
      expect(audit).toEqual([{ outcome: 'failure', detail: { outcome: 'blocked', reasonCodes: ['GATE_INPUT_INVALID'], evaluationId: evaluation.id, error: 'unknown' } }]);
    } finally {
      await own.close();
    }
  });

  it('when even the record of the denial fails, the answer is still a denial, with no evaluation id', async () => {
    const { w, sessionId } = await readyToAuthorize();
    const db = t.database.db;
    const drop = await plantFault(db, 'gate_evaluations', w.patient.patientId, '53100');
    let body: unknown;
    try {
      body = (await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/authorize`), 200)).json();
    } finally {
      await drop();
    }
    expect(body).toEqual({ outcome: 'blocked', reasons: [failedCheck], evaluationId: null, sessionId });
    expect(await db.selectFrom('gate_evaluations').select('id').where('session_id', '=', sessionId).execute()).toEqual([]);
    expect(await authorizationAudit(sessionId)).toEqual([]);
    const session = await db.selectFrom('dosing_sessions').select('status').where('id', '=', sessionId).executeTakeFirstOrThrow();
    expect(session.status).toBe('scheduled');
  });
});
