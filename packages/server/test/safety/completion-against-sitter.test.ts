// Attack tests: ways a dosed session could be closed without the present sitter's say-so after the peak
// (docs/safety/SITTER_BASELINE_NOT_CONFIRMED.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { expectStatus, login, postSession, readyWorld, start } from '../treatment/treatment-world.ts';
import { authorizedSession, inviteAndAcceptSitter, post, sessionStatus } from './safety-helpers.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('completion on the sitter’s word', () => {
  it('a "back to baseline" given one minute after the dose (before onset, long before the peak) does not close the session an hour later', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    await start(w, id);
    t.clock.advanceMinutes(1);
    // Before onset (10–15 min) the patient is trivially "at baseline"; this says nothing about recovery.
    await expectStatus(post(w, 'sitter', `/api/v1/sessions/${id}/baseline`, { backToBaseline: true }), 201);
    t.clock.advanceMinutes(59);
    await w.refresh();
    // No sitter statement after the peak: the session must stay open.
    const r = await post(w, 'patient', `/api/v1/sessions/${id}/complete`, postSession);
    expect(r.statusCode, r.body).toBe(409);
    expect(await sessionStatus(w, id)).toBe('in_progress');
  });

  it('a second assigned sitter who was never there (no attestation for this session) overrides the present sitter’s "not yet"', async () => {
    const w = await readyWorld(t);
    const remoteEmail = `remote-sitter-${crypto.randomUUID()}@example.test`;
    await inviteAndAcceptSitter(w, remoteEmail);
    const id = await authorizedSession(w); // attested by the world's sitter, who is with the patient
    await start(w, id);
    t.clock.advanceMinutes(61);
    await w.refresh();
    await expectStatus(post(w, 'sitter', `/api/v1/sessions/${id}/baseline`, { backToBaseline: false, note: 'Still dissociated, cannot stand' }), 201);
    t.clock.advanceMinutes(1);
    // The other assigned sitter, who attested nothing for this session, taps "back to baseline" from elsewhere.
    const remote = { token: await login(t, { email: remoteEmail }) };
    await expectStatus(
      t.app.inject({ method: 'POST', url: `/api/v1/sessions/${id}/baseline`, headers: bearer(remote.token), payload: { backToBaseline: true } }),
      201,
    );
    const r = await post(w, 'patient', `/api/v1/sessions/${id}/complete`, postSession);
    expect(r.statusCode, r.body).toBe(409);
    expect(await sessionStatus(w, id)).toBe('in_progress');
  });
});
