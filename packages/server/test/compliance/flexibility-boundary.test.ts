// The end of the telemedicine flexibilities through the API, with the injected clock (docs/compliance.md): a patient
// on a telemedicine_flexibility pathway is compliant through the last instant of the last day in the program's time
// zone and blocked — with what is needed — from local midnight. Its own database: it moves the clock to fixed
// instants and changes a program setting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTestPdmpCheck, testPassword } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { authorize, changeSettings, codes, createWorld, dispense, dispenseCall, expectStatus, pathwayUrl, prepare, schedule, signedPlan } from '../treatment/treatment-world.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const reasonCodes = (body: { reasons?: { code: string }[] }) => (body.reasons ?? []).map((r) => r.code);

describe('the end of the telemedicine flexibilities, through the API with the injected clock', () => {
  it('a telemedicine patient is compliant at 23:59:59.999 New York time on the last day and blocked from midnight, with what is needed', async () => {
    const w = await createWorld(t);
    await expectStatus(w.call('clinician', 'POST', pathwayUrl(w), { kind: 'telemedicine_flexibility', signature: { password: testPassword } }), 201);
    await signedPlan(w);
    await dispense(w, 3);
    // The flexibilities end with 2026-06-20 in New York (EDT, UTC−4): the last instant is 2026-06-21T03:59:59.999Z.
    await changeSettings(w, { dosing: { compliance: { telemedicineFlexibilityUntil: '2026-06-20' } } });
    const statusUrl = `/api/v1/patients/${w.patient.patientId}/compliance`;

    t.clock.set('2026-06-21T03:59:59.999Z');
    await w.refresh();
    await recordTestPdmpCheck(t, w.patient.patientId, w.clinician.id);
    const before = (await expectStatus(w.call('clinician', 'GET', statusUrl), 200)).json<{ status: string; reasons: unknown[]; lapsesOn: string; pathway: { kind: string } }>();
    expect(before).toMatchObject({ status: 'action_needed', reasons: [], lapsesOn: '2026-06-21', pathway: { kind: 'telemedicine_flexibility' } });
    const sessionId = await schedule(w);
    await prepare(w, sessionId);
    expect(codes(await authorize(w, sessionId))).toEqual([]);

    t.clock.set('2026-06-21T04:00:00.000Z');
    const after = (await expectStatus(w.call('clinician', 'GET', statusUrl), 200)).json<{ status: string; reasons: { code: string; message: string }[] }>();
    expect(after.status).toBe('blocked');
    expect(after.reasons.map((r) => r.code)).toEqual(['TELEMEDICINE_FLEXIBILITY_ENDED']);
    expect(after.reasons[0]?.message).toMatch(/in-person medical evaluation.*special telemedicine registration/);
    const refused = await expectStatus(dispenseCall(w), 422);
    expect(reasonCodes(refused.json())).toContain('TELEMEDICINE_FLEXIBILITY_ENDED');

    // An in-person evaluation recorded by the prescriber lifts it.
    await expectStatus(
      w.call('clinician', 'POST', pathwayUrl(w), { kind: 'in_person_evaluation', evaluatedOn: '2026-06-20', location: 'Clinic, Oakland CA', attestation: true, signature: { password: testPassword } }),
      201,
    );
    expect((await expectStatus(w.call('clinician', 'GET', statusUrl), 200)).json<{ status: string }>().status).toBe('compliant');
  });
});

