// Routes to "dose taken" at their edges, driven through the API: the start at the exact expiry instant, and a sitter
// removed between the go-ahead and the start (docs/safety/AUTHORIZATION_EXPIRED.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { expectStatus, MINUTE, readyWorld } from '../treatment/treatment-world.ts';
import { authorizedSession, post, sessionStatus } from './safety-helpers.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const reasonCodes = (r: { json: <T>() => T }) => r.json<{ reasons: { code: string }[] }>().reasons.map((x) => x.code);

describe('the start at its edges', () => {
  it('is refused at the exact instant the authorization lapses, and allowed one millisecond before', async () => {
    const w = await readyWorld(t);
    const late = await authorizedSession(w);
    t.clock.advance(30 * MINUTE);
    await w.refresh();
    const r = await expectStatus(post(w, 'patient', `/api/v1/sessions/${late}/start`), 409);
    expect(reasonCodes(r)).toContain('AUTHORIZATION_EXPIRED');
    expect(await sessionStatus(w, late)).toBe('expired');

    const w2 = await readyWorld(t);
    const onTime = await authorizedSession(w2);
    t.clock.advance(30 * MINUTE - 1);
    await w2.refresh();
    await expectStatus(post(w2, 'patient', `/api/v1/sessions/${onTime}/start`), 200);
  });

  it('is refused when the sitter who attested was removed after the go-ahead', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    const sitters = (await expectStatus(w.call('patient', 'GET', `/api/v1/patients/${w.patient.patientId}/sitters`), 200)).json<{ items: { id: string; sitterUserId: string | null }[] }>().items;
    const assignment = sitters.find((s) => s.sitterUserId === w.sitter.id);
    // The patient cannot remove the sitter while a go-ahead they attested for is open; the clinician can.
    await expectStatus(w.call('patient', 'DELETE', `/api/v1/patients/${w.patient.patientId}/sitters/${assignment?.id ?? ''}`), 409);
    await expectStatus(w.call('clinician', 'DELETE', `/api/v1/patients/${w.patient.patientId}/sitters/${assignment?.id ?? ''}`), 200);
    const r = await expectStatus(post(w, 'patient', `/api/v1/sessions/${id}/start`), 409);
    expect(reasonCodes(r)).toEqual(['SITTER_NOT_ASSIGNED']);
    expect(await sessionStatus(w, id)).toBe('authorized');
  });
});
