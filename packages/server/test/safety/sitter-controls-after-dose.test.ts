// Attack tests: a dosed patient's sitter reports something; it must reach a clinician and never be refused
// (docs/safety/SESSION_EMERGENCY.md, docs/safety/SITTER_CONCERN.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { expectStatus, readyWorld, start } from '../treatment/treatment-world.ts';
import { authorizedSession, openAlerts, post } from './safety-helpers.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('the sitter’s reports during a dosed session', () => {
  it('the 15-minute check "Responsive, but I have a concern" reaches a clinician (alert or SITTER_CONCERN warning sign)', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    await start(w, id);
    t.clock.advanceMinutes(15);
    await w.refresh();
    // Exactly what the sitter screen sends for its "Responsive, but I have a concern" button.
    await expectStatus(
      post(w, 'sitter', `/api/v1/sessions/${id}/check-ins`, { responsive: true, breathingNormally: true, concern: true, note: 'Very pale, says the room is spinning and her chest feels tight' }),
      201,
    );
    const alerts = await openAlerts(w);
    expect(alerts.map((a) => a.code)).toContain('SITTER_CONCERN');
  });

  it('after the patient walks out 5 minutes after the dose, the sitter’s "Not responding to me" check still raises the emergency', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    await start(w, id);
    t.clock.advanceMinutes(5);
    await expectStatus(post(w, 'patient', `/api/v1/sessions/${id}/abort`, { reason: 'I feel fine' }), 200);
    t.clock.advanceMinutes(25); // the peak
    await w.refresh();
    // The sitter is still with them; the patient does not respond. What the sitter screen sends for that button:
    const r = await post(w, 'sitter', `/api/v1/sessions/${id}/check-ins`, { responsive: false, breathingNormally: true, concern: true });
    expect(r.statusCode, r.body).toBe(201);
    expect((await openAlerts(w)).filter((a) => a.code === 'SESSION_EMERGENCY').map((a) => a.severity)).toEqual(['critical']);
  });

  it('the patient cannot cut the sitter off mid-session: after a removal during the dose the sitter’s "Something is wrong" still works', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    await start(w, id);
    t.clock.advanceMinutes(20);
    await w.refresh();
    const sitters = (await expectStatus(w.call('patient', 'GET', `/api/v1/patients/${w.patient.patientId}/sitters`), 200)).json<{ items: { id: string; sitterUserId: string | null }[] }>().items;
    const assignment = sitters.find((s) => s.sitterUserId === w.sitter.id);
    // Either the removal is refused while a dose is being watched over...
    const removal = await w.call('patient', 'DELETE', `/api/v1/patients/${w.patient.patientId}/sitters/${assignment?.id ?? ''}`);
    if (removal.statusCode === 200) {
      // ...or the sitter keeps the controls for the session they are watching.
      const r = await post(w, 'sitter', `/api/v1/sessions/${id}/concerns`, { emergency: true, note: 'Lips turning blue' });
      expect(r.statusCode, r.body).toBe(201);
    } else {
      expect(removal.statusCode).toBe(409);
    }
  });

  it('a severe adverse event reported during the dose (not ticked "serious") reaches the clinician, not only the reporter', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    await start(w, id);
    t.clock.advanceMinutes(30);
    await w.refresh();
    const r = await expectStatus(
      post(w, 'sitter', `/api/v1/sessions/${id}/adverse-events`, { kind: 'chest pain', severity: 'severe', serious: false, description: 'Crushing chest pain at the peak' }),
      201,
    );
    // The reporter is told to call 911...
    expect(r.json<{ emergencyGuidance: string | null }>().emergencyGuidance).not.toBeNull();
    // ...and the patient's clinician must hear of it too.
    expect((await openAlerts(w)).length).toBeGreaterThan(0);
  });
});
