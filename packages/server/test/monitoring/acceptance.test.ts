// Monitoring acceptance (docs/monitoring.md): a PHQ-9 with item 9 = 1 submitted by a patient is in the clinician's alert queue in the same
// transaction, blocks the next authorization, and if nobody acknowledges it in time escalates exactly once.
import { defaultDosingSettings, evaluateGate } from '@keel/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/transaction.ts';
import { escalateAlerts } from '../../src/use-cases/alerts/escalate-alerts.ts';
import { openDosingHolds } from '../../src/use-cases/alerts/raise-alerts.ts';
import { loadGateInput } from '../../src/use-cases/treatment/gate-input.ts';
import { assignCareTeam, bearer, createPatient, createUser, signIn } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { insertSession } from './monitoring-fixtures.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const answers = { q1: 2, q2: 2, q3: 1, q4: 1, q5: 1, q6: 1, q7: 1, q8: 0, q9: 1 };
/** The patient submits the PHQ-9 through the intake area's assessment route (scored, stored, alerts raised). */
async function submitPhq9(patientId: string, token: string): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/patients/${patientId}/assessments`,
    headers: bearer(token),
    payload: { instrument: 'phq9', answers, context: 'followup' },
  });
  expect(res.statusCode).toBe(201);
}

describe('PHQ-9 item 9 = 1', () => {
  it('reaches the clinician’s queue, holds dosing at the gate, and escalates exactly once when unacknowledged', async () => {
    const clinician = await createUser(t, 'clinician');
    const backup = await createUser(t, 'clinician');
    const patient = await createPatient(t);
    await assignCareTeam(t, patient.patientId, clinician.id, 'clinician');
    await t.database.db
      .insertInto('care_team_members')
      .values({ id: crypto.randomUUID(), patient_id: patient.patientId, user_id: backup.id, member_role: 'clinician', is_primary: false, assigned_at: t.clock.now(), assigned_by: null, unassigned_at: null })
      .execute();
    const patientToken = await signIn(t, patient);
    const clinicianToken = await signIn(t, clinician);

    await submitPhq9(patient.patientId, patientToken);

    // In the queue as soon as the submission committed.
    const queue = await t.app.inject({ method: 'GET', url: `/api/v1/alerts?patientId=${patient.patientId}`, headers: bearer(clinicianToken) });
    const items = queue.json<{ items: { id: string; code: string; severity: string; holdsDosing: boolean; status: string }[] }>().items;
    expect(items).toMatchObject([{ code: 'SUICIDE_RISK_PHQ9_ITEM9', severity: 'high', holdsDosing: true, status: 'open' }]);
    const alertId = items[0]?.id ?? '';

    // The next authorization is blocked by the hold (the gate's own loader reads it).
    const session = await insertSession(t, patient.patientId, clinician.id, { status: 'scheduled', at: t.clock.now() });
    const gate = await inTransaction(t.database.db, async (tx) => {
      const { input } = await loadGateInput(tx, { patientId: patient.patientId, patientStatus: 'active', sessionId: session, requestedDoseMg: 300, now: t.clock.now() });
      return evaluateGate(input, t.clock.now(), defaultDosingSettings);
    });
    expect(gate.kind).toBe('blocked');
    expect(gate.kind === 'blocked' ? gate.reasons.map((r) => r.code) : []).toContain('ALERT_HOLDS_DOSING');
    expect((await openDosingHolds(t.database.db, patient.patientId)).map((h) => h.id)).toEqual([alertId]);

    // The patient sees crisis resources while it is open.
    const crisis = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${patient.patientId}/crisis`, headers: bearer(patientToken) });
    expect(crisis.json<{ safetyAlertOpen: boolean }>().safetyAlertOpen).toBe(true);

    // Unacknowledged past its 30-minute deadline: escalated once, however often the job runs.
    t.clock.advanceMinutes(31);
    const runs = [await escalateAlerts(t.deps, { alertId }, t.clock.now()), await escalateAlerts(t.deps, { alertId }, t.clock.now()), await escalateAlerts(t.deps, {}, t.clock.now())];
    expect(runs.flatMap((r) => r.escalated).filter((id) => id === alertId)).toEqual([alertId]);
    const notices = await t.database.db.selectFrom('notification_outbox').select(['recipient']).where('cause', '=', `alert:${alertId}:escalation`).execute();
    expect(notices).toEqual([{ recipient: backup.email }]);
  });
});
