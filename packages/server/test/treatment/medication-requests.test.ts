import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { testEngine } from '../support/test-database.ts';
import { createWorld, dispense, expectStatus, signedPlan } from './treatment-world.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe(`refill and dose requests answered by the clinician, PDMP checks listed, on ${testEngine}`, () => {
  it('the patient asks, the clinician answers once, the patient reads the answer; others cannot answer', async () => {
    const w = await createWorld(t);
    await signedPlan(w);
    await dispense(w, 4);
    const base = `/api/v1/patients/${w.patient.patientId}`;
    await expectStatus(w.call('patient', 'POST', `${base}/dose-requests`, { kind: 'tolerance', note: 'It does less than before.' }), 201);
    const doses = (await expectStatus(w.call('clinician', 'GET', `${base}/dose-requests`), 200)).json<{ items: { id: string; kind: string; note: string; answer: unknown }[] }>();
    expect(doses.items).toEqual([expect.objectContaining({ kind: 'tolerance', note: 'It does less than before.', answer: null })]);
    const doseId = doses.items[0]?.id ?? '';

    // The patient, the sitter and an empty answer are refused; nothing is stored.
    await expectStatus(w.call('patient', 'POST', `${base}/dose-requests/${doseId}/answer`, { answer: 'I approve myself' }), 404);
    await expectStatus(w.call('sitter', 'POST', `${base}/dose-requests/${doseId}/answer`, { answer: 'ok' }), 404);
    const empty = await expectStatus(w.call('clinician', 'POST', `${base}/dose-requests/${doseId}/answer`, { answer: '  ' }), 422);
    expect(empty.json<{ errors: { field: string; message: string }[] }>().errors).toEqual([expect.objectContaining({ field: 'answer' })]);

    const answered = await expectStatus(w.call('clinician', 'POST', `${base}/dose-requests/${doseId}/answer`, { answer: 'Let us talk at your visit on Friday before changing anything.' }), 200);
    expect(answered.json<{ items: { answer: unknown }[] }>().items[0]?.answer).toEqual({ text: 'Let us talk at your visit on Friday before changing anything.', by: w.clinician.name, at: t.clock.now().toISOString() });
    await expectStatus(w.call('clinician', 'POST', `${base}/dose-requests/${doseId}/answer`, { answer: 'Changed my mind' }), 409);
    const patientView = (await expectStatus(w.call('patient', 'GET', `${base}/dose-requests`), 200)).json<{ items: { answer: { text: string } | null }[] }>();
    expect(patientView.items[0]?.answer?.text).toBe('Let us talk at your visit on Friday before changing anything.');

    const refill = (await expectStatus(w.call('patient', 'POST', `${base}/refill-requests`, { note: 'Travelling next week' }), 201)).json<{ refillRequest: { id: string; note: string; answer: unknown } }>();
    expect(refill.refillRequest).toMatchObject({ note: 'Travelling next week', answer: null });
    await expectStatus(w.call('clinician', 'POST', `${base}/refill-requests/${refill.refillRequest.id}/answer`, { answer: 'Held until your count on the 12th.' }), 200);
    const refills = (await expectStatus(w.call('patient', 'GET', `${base}/refill-requests`), 200)).json<{ items: { answer: { text: string; by: string } | null }[] }>();
    expect(refills.items[0]?.answer).toMatchObject({ text: 'Held until your count on the 12th.', by: w.clinician.name });
    // A request id of another patient is not found through this patient.
    await expectStatus(w.call('clinician', 'POST', `/api/v1/patients/${w.otherPatient.patientId}/refill-requests/${refill.refillRequest.id}/answer`, { answer: 'x' }), 404);

    const audit = (await t.database.db.selectFrom('audit_log').select('action').where('patient_id', '=', w.patient.patientId).execute()).map((a) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['dose_request.answer', 'refill.answer']));
  });

  it('lists PDMP checks with who checked, newest first', async () => {
    const w = await createWorld(t);
    const base = `/api/v1/patients/${w.patient.patientId}`;
    const check = (otherPrescriberFound: boolean, resultSummary: string) => ({ checkedAt: t.clock.now().toISOString(), states: ['CA'], resultSummary, otherControlledPrescriptions: [], otherPrescriberFound });
    t.clock.advanceMinutes(5);
    await expectStatus(w.call('clinician', 'POST', `${base}/pdmp-checks`, check(false, 'CURES checked')), 201);
    t.clock.advanceMinutes(5);
    await expectStatus(w.call('clinician', 'POST', `${base}/pdmp-checks`, check(true, 'Another prescriber')), 201);
    const list = (await expectStatus(w.call('clinician', 'GET', `${base}/pdmp-checks`), 200)).json<{ checks: { otherPrescriberFound: boolean; checkedByName: string; resultSummary: string }[] }>();
    expect(list.checks.slice(0, 2).map((i) => [i.otherPrescriberFound, i.checkedByName, i.resultSummary])).toEqual([
      [true, w.clinician.name, 'Another prescriber'],
      [false, w.clinician.name, 'CURES checked'],
    ]);
    await expectStatus(w.call('sitter', 'GET', `${base}/pdmp-checks`), 404);
  });
});
