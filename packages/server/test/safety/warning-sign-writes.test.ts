// Attack tests: every write that feeds the warning-sign engine re-reads it, and a patient cannot move its reference
// point (docs/safety/WARNING_SIGN_ALERTS.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { insertAppointment, insertIntake } from '../monitoring/monitoring-fixtures.ts';
import { expectStatus, readyWorld, start } from '../treatment/treatment-world.ts';
import { authorizedSession, openAlerts, post } from './safety-helpers.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** DAST-10 answers scoring `total` (item 3, "always able to stop", scores on "no"). */
function dast10(total: number): Record<string, boolean> {
  const answers: Record<string, boolean> = { q3: true };
  const others = ['q1', 'q2', 'q4', 'q5', 'q6', 'q7', 'q8', 'q9', 'q10'];
  others.forEach((q, i) => (answers[q] = i < total));
  return answers;
}

describe('writes that feed a warning sign', () => {
  it('DISENGAGEMENT: integration sessions marked missed, then a dose taken — the clinician hears of it at once, not at 03:30', async () => {
    const w = await readyWorld(t);
    // Two integration sessions booked in the past (the scheduling area's rows), marked missed through the API.
    const a1 = await insertAppointment(t, w.patient.patientId, w.clinician.id, { kind: 'integration', status: 'booked', daysAgo: 10 });
    const a2 = await insertAppointment(t, w.patient.patientId, w.clinician.id, { kind: 'integration', status: 'booked', daysAgo: 5 });
    await expectStatus(post(w, 'clinician', `/api/v1/appointments/${a1}/outcome`, { status: 'missed' }), 200);
    await expectStatus(post(w, 'clinician', `/api/v1/appointments/${a2}/outcome`, { status: 'missed' }), 200);
    // Dosing continues: the dose is the write that makes the sign (doses after missed integration sessions).
    const id = await authorizedSession(w);
    await start(w, id);
    expect((await openAlerts(w)).map((a) => a.code)).toContain('DISENGAGEMENT');
  });

  it('SUBSTANCE_SCREENS_WORSENING: a patient cannot reset the intake baseline by submitting a screen marked "intake" months later', async () => {
    const w = await readyWorld(t);
    await insertIntake(t, w.patient.patientId, { tier: 'low', dast10: 1 }); // the real intake: DAST-10 = 1
    // Months later, through the ordinary assessment route, a DAST-10 labelled as an intake screen.
    const fake = await post(w, 'patient', `/api/v1/patients/${w.patient.patientId}/assessments`, { instrument: 'dast10', answers: dast10(8), context: 'intake' });
    t.clock.advance(86_400_000);
    await w.refresh();
    // The clinician's follow-up DAST-10 at a visit: 6, up from 1 at the real intake.
    await expectStatus(post(w, 'clinician', `/api/v1/patients/${w.patient.patientId}/assessments`, { instrument: 'dast10', answers: dast10(6), context: 'followup' }), 201);
    // Either the "intake" label is refused outside an intake, or the worsening still reaches the clinician.
    if (fake.statusCode === 201) expect((await openAlerts(w)).map((a) => a.code)).toContain('SUBSTANCE_SCREENS_WORSENING');
    else expect(fake.statusCode).toBe(422);
  });
});
