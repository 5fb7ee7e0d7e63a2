// The check-in's two-trip path (use-cases/monitoring/check-ins.ts, db/two-trip-transaction.ts): a check-in that
// changes nothing but the record is two messages to the database; one that raises an alert or moves the tier is
// taken through the full path and stored once; a failure in the closing message keeps nothing; values written into
// the SQL text arrive as they were sent.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit-log.ts';
import { assignCareTeam, bearer, createPatient, createUser, signIn, type TestUser } from '../support/factories.ts';
import { recordStatements } from '../support/statement-recorder.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { checkInBody } from './monitoring-fixtures.ts';

let t: TestContext;
let clinician: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  clinician = await createUser(t, 'clinician');
});
afterAll(async () => {
  await t.close();
});

async function enrolled() {
  const patient = await createPatient(t);
  await assignCareTeam(t, patient.patientId, clinician.id, 'clinician');
  return { ...patient, token: await signIn(t, patient) };
}

const post = (patientId: string, token: string, payload: object) =>
  t.app.inject({ method: 'POST', url: `/api/v1/patients/${patientId}/check-ins`, headers: bearer(token), payload });

const checkInsOf = (patientId: string) =>
  t.database.db.selectFrom('check_ins').select(['id', 'note']).where('patient_id', '=', patientId).execute();

const auditOf = (patientId: string) =>
  t.database.db.selectFrom('audit_log').select(['action', 'resource_id', 'seq']).where('chain_key', '=', patientId).orderBy('seq').execute();

describe('a check-in that changes nothing but the record', () => {
  it('is two messages: BEGIN with the check-in function, then the audit row with COMMIT', async () => {
    const p = await enrolled();
    // The first check-in sets the patient's first tier (a change: the full path); the session is then cached too.
    expect((await post(p.patientId, p.token, checkInBody())).statusCode).toBe(201);
    const recorder = recordStatements(t.database);
    recorder.start();
    const res = await post(p.patientId, p.token, checkInBody({ note: 'a quiet day' }));
    const texts = recorder.stop();
    expect(res.statusCode).toBe(201);
    const body = res.json<{ checkIn: { id: string }; risk: { tier: string; previousTier: string; changed: boolean }; alerts: unknown[] }>();
    expect(body.risk).toEqual({ tier: 'low', previousTier: 'low', changed: false });
    expect(body.alerts).toEqual([]);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^BEGIN;\nSELECT monitoring_check_in\(/);
    expect(texts[1]).toMatch(/^INSERT INTO audit_log SELECT \* FROM jsonb_populate_record\(NULL::audit_log, .*\);\nCOMMIT$/s);
    // Stored once, audited once, in the patient's chain after the first check-in's rows, and the chain verifies.
    expect((await checkInsOf(p.patientId)).map((c) => c.note ?? '(none)').sort()).toEqual(['(none)', 'a quiet day']);
    const audit = await auditOf(p.patientId);
    expect(audit.filter((a) => a.resource_id === body.checkIn.id).map((a) => a.action)).toEqual(['checkin.create']);
    expect(audit.at(-1)).toMatchObject({ action: 'checkin.create', resource_id: body.checkIn.id });
    expect((await verifyAuditChain(t.database.db)).breaks).toEqual([]);
  });

  it('writes a note with quotes, backslashes and SQL exactly as sent', async () => {
    const p = await enrolled();
    const notes = [
      "it's fine'); DELETE FROM check_ins; --",
      'a backslash \\ and a quote \\\' and E\'\\x41\'',
      '$fn$ dollar $$ quoting $1 ::jsonb',
      'line one\nline two\ttab "double" 😀 é',
    ];
    for (const note of notes) expect((await post(p.patientId, p.token, checkInBody({ note }))).statusCode).toBe(201);
    expect((await checkInsOf(p.patientId)).map((c) => c.note).sort()).toEqual([...notes].sort());
    expect((await verifyAuditChain(t.database.db)).breaks).toEqual([]);
  });
});

describe('a check-in that needs the full path', () => {
  it('raising alerts: stored once, with its alerts and evidence, after the two-trip attempt was rolled back', async () => {
    const p = await enrolled();
    expect((await post(p.patientId, p.token, checkInBody())).statusCode).toBe(201);
    const recorder = recordStatements(t.database);
    recorder.start();
    const res = await post(p.patientId, p.token, checkInBody({ usedOutsideSession: true }));
    const texts = recorder.stop();
    expect(res.statusCode).toBe(201);
    const body = res.json<{ checkIn: { id: string }; alerts: { code: string }[] }>();
    // Use outside a session is a warning sign of its own and, on its own, makes the dependence risk high.
    expect(body.alerts.map((a) => a.code)).toEqual(['USE_OUTSIDE_SESSIONS', 'DEPENDENCE_RISK_BECAME_HIGH']);
    expect(texts[0]).toMatch(/^BEGIN;\nSELECT monitoring_check_in\(/);
    expect(texts[1]).toBe('ROLLBACK');
    expect(await checkInsOf(p.patientId)).toHaveLength(2);
    const alerts = await t.database.db.selectFrom('alerts').select(['code']).where('patient_id', '=', p.patientId).execute();
    expect(alerts.map((a) => a.code).sort()).toEqual(['DEPENDENCE_RISK_BECAME_HIGH', 'USE_OUTSIDE_SESSIONS']);
    const evidence = await t.database.db.selectFrom('signal_alert_evidence').select(['signal_code', 'evidence_key']).where('patient_id', '=', p.patientId).execute();
    expect(evidence).toEqual([{ signal_code: 'USE_OUTSIDE_SESSIONS', evidence_key: `check_in:${body.checkIn.id}` }]);
    expect((await auditOf(p.patientId)).filter((a) => a.resource_id === body.checkIn.id).map((a) => a.action)).toEqual(['checkin.create']);
    // The same evidence is covered now: the next quiet check-in is two messages again and raises nothing.
    recorder.start();
    const next = await post(p.patientId, p.token, checkInBody());
    expect(recorder.stop()).toHaveLength(2);
    expect(next.json<{ alerts: unknown[] }>().alerts).toEqual([]);
    expect((await verifyAuditChain(t.database.db)).breaks).toEqual([]);
  });

  it('a failure in the closing message keeps nothing, and the connection serves the next request', async () => {
    const p = await enrolled();
    expect((await post(p.patientId, p.token, checkInBody())).statusCode).toBe(201);
    await sql
      .raw(
        `CREATE FUNCTION test_refuse_check_in_audit() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF NEW.patient_id = '${p.patientId}' AND NEW.action = 'checkin.create' THEN RAISE EXCEPTION 'refused by the test'; END IF;
           RETURN NEW;
         END $$;
         CREATE TRIGGER test_refuse_check_in_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_refuse_check_in_audit();`,
      )
      .execute(t.database.db);
    try {
      const before = await checkInsOf(p.patientId);
      const res = await post(p.patientId, p.token, checkInBody({ note: 'never kept' }));
      expect(res.statusCode).toBe(500);
      expect(await checkInsOf(p.patientId)).toEqual(before);
    } finally {
      await sql.raw('DROP TRIGGER test_refuse_check_in_audit ON audit_log; DROP FUNCTION test_refuse_check_in_audit();').execute(t.database.db);
    }
    const other = await enrolled();
    for (let i = 0; i < 3; i++) expect((await post(other.patientId, other.token, checkInBody())).statusCode).toBe(201);
    expect((await post(p.patientId, p.token, checkInBody({ note: 'kept' }))).statusCode).toBe(201);
    expect((await checkInsOf(p.patientId)).map((c) => c.note)).toContain('kept');
    expect((await verifyAuditChain(t.database.db)).breaks).toEqual([]);
  });
});
