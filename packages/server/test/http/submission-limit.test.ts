import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubmissionLimiter } from '../../src/http/submission-limit.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { bearer, createCareWorld } from '../support/factories.ts';

// A patient's check-ins and messages are limited per patient: a burst, then so many a minute; over it, a 429
// problem document with Retry-After (docs/perf.md). Here a burst of 3, then 2 a minute (one every 30 s).
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({ config: { KEEL_PATIENT_SUBMIT_BURST: '3', KEEL_PATIENT_SUBMIT_PER_MINUTE: '2' } });
});
afterAll(async () => {
  await t.close();
});

const checkIn = { mood0to10: 6, sleepHours: 7, craving0to10: 1, usedOutsideSession: false, bladderSymptoms: false, cognitiveComplaint: false, sideEffects: [] };

describe('per-patient submission limit', () => {
  it('answers 429 with Retry-After past the burst, per patient and per kind, and lets the next one through once it refills', async () => {
    const w = await createCareWorld(t);
    const postCheckIn = (patientId: string, token: string) =>
      t.app.inject({ method: 'POST', url: `/api/v1/patients/${patientId}/check-ins`, headers: bearer(token), payload: checkIn });
    for (let i = 0; i < 3; i++) expect((await postCheckIn(w.patient.patientId, w.tokens.patient)).statusCode).toBe(201);
    const limited = await postCheckIn(w.patient.patientId, w.tokens.patient);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(limited.headers['retry-after']).toBe('30');
    expect(limited.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterSeconds: 30 });
    // The access check comes first: someone who may not submit for the patient is not told about the limit.
    expect((await postCheckIn(w.patient.patientId, w.tokens.otherPatient)).statusCode).toBe(404);
    // Another patient is not affected, and neither are this patient's messages.
    expect((await postCheckIn(w.otherPatient.patientId, w.tokens.otherPatient)).statusCode).toBe(201);
    const message = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${w.patient.patientId}/messages`, headers: bearer(w.tokens.patient), payload: { subject: 'Sleep', body: 'Slept well this week.' } });
    expect(message.statusCode).toBe(201);

    t.clock.advance(29_000);
    expect((await postCheckIn(w.patient.patientId, w.tokens.patient)).headers['retry-after']).toBe('1');
    t.clock.advance(1_000);
    expect((await postCheckIn(w.patient.patientId, w.tokens.patient)).statusCode).toBe(201);
    expect((await postCheckIn(w.patient.patientId, w.tokens.patient)).statusCode).toBe(429);
  });

  it('limits messages the same way', async () => {
    const w = await createCareWorld(t);
    const send = (n: number) =>
      t.app.inject({ method: 'POST', url: `/api/v1/patients/${w.patient.patientId}/messages`, headers: bearer(w.tokens.patient), payload: { subject: `Note ${n}`, body: 'A question about my next session.' } });
    for (let i = 0; i < 3; i++) expect((await send(i)).statusCode).toBe(201);
    const limited = await send(4);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('30');
  });

  it('refills a bucket continuously up to the burst', () => {
    const limiter = new SubmissionLimiter(2, 6);
    expect(limiter.take('k', 0)).toEqual({ allowed: true });
    expect(limiter.take('k', 0)).toEqual({ allowed: true });
    expect(limiter.take('k', 0)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take('k', 4_000)).toEqual({ allowed: false, retryAfterSeconds: 6 });
    expect(limiter.take('k', 10_000)).toEqual({ allowed: true });
    // An hour idle refills to the burst, not beyond it.
    expect(limiter.take('k', 3_610_000)).toEqual({ allowed: true });
    expect(limiter.take('k', 3_610_000)).toEqual({ allowed: true });
    expect(limiter.take('k', 3_610_000).allowed).toBe(false);
  });
});
