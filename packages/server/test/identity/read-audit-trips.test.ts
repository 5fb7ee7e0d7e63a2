// A read of a patient's record is on the record before the data leaves: its audit row is written in a transaction
// of its own, in two messages to the database (audit-log.ts, writeAuditAlone): BEGIN with the chain head locked and
// the row's id drawn, then the sealed row with COMMIT. The row continues the patient's chain and verifies.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit-log.ts';
import { bearer, createPatient, signIn } from '../support/factories.ts';
import { recordStatements } from '../support/statement-recorder.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';

let t: TestContext;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

it('writes the read of a record in two messages, then reads the record', async () => {
  const p = await createPatient(t);
  const token = await signIn(t, p);
  const read = () => t.app.inject({ method: 'GET', url: `/api/v1/patients/${p.patientId}/check-ins`, headers: bearer(token) });
  expect((await read()).statusCode).toBe(200);
  const recorder = recordStatements(t.database);
  recorder.start();
  const res = await read();
  const texts = recorder.stop();
  expect(res.statusCode).toBe(200);
  expect(texts).toHaveLength(3);
  expect(texts[0]).toMatch(/^BEGIN;\nSELECT nextval\('audit_log_id_seq'\) AS id, h\.last_seq AS seq, h\.last_hash AS hash\s+FROM audit_chain_lock\(ARRAY\['[0-9a-f-]{36}'\]\) h$/);
  expect(texts[1]).toMatch(/^INSERT INTO audit_log SELECT \* FROM jsonb_populate_record\(NULL::audit_log, .*\);\nCOMMIT$/s);
  expect(texts[2]).toMatch(/from "check_ins"/);

  const rows = await t.database.db
    .selectFrom('audit_log')
    .select(['chain_key', 'seq', 'actor_id', 'actor_role', 'action', 'resource_type', 'patient_id', 'patient_ids', 'outcome', 'detail'])
    .where('chain_key', '=', p.patientId)
    .where('action', '=', 'checkin.read')
    .orderBy('seq')
    .execute();
  expect(rows).toHaveLength(2);
  expect(rows[1]).toEqual({
    chain_key: p.patientId,
    seq: (rows[0]?.seq ?? 0) + 1,
    actor_id: p.id,
    actor_role: 'patient',
    action: 'checkin.read',
    resource_type: 'checkin',
    patient_id: p.patientId,
    patient_ids: null,
    outcome: 'success',
    detail: { route: '/api/v1/patients/:patientId/check-ins' },
  });
  expect((await verifyAuditChain(t.database.db)).breaks).toEqual([]);
});
