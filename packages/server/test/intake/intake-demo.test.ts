import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSteps, seedDemo } from '../../src/demo/seed-demo.ts';
import { intakeDemoSteps } from '../../src/demo/intake.demo.ts';
import type { DemoContext } from '../../src/demo/demo-context.ts';
import { bearer } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';

const password = 'demo-password-for-tests';
let t: TestContext;
let demo: DemoContext;
beforeAll(async () => {
  t = await createTestApp();
  // The foundation's accounts and care-team steps, then this area's steps.
  demo = await seedDemo(t.deps, { password, steps: [...demoSteps.slice(0, 2), ...intakeDemoSteps] });
});
afterAll(async () => {
  await t.close();
});

const login = async (email: string) => {
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ token: string }>().token;
};

describe('intake demo', () => {
  it('gives patient@ an approved, validly signed intake, the current consent and every module', async () => {
    const token = await login('patient@keel.demo');
    const id = demo.patients.patient;
    const decision = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${id}/intake/decision`, headers: bearer(token) });
    expect(decision.json()).toMatchObject({ decision: 'approve', signatureValid: true, decidedBy: { id: demo.users.clinician } });
    const consents = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${id}/consents`, headers: bearer(token) });
    expect(consents.json()).toMatchObject({ signedCurrent: true, items: [{ signatureValid: true }] });
    const education = await t.app.inject({ method: 'GET', url: '/api/v1/education', headers: bearer(token) });
    expect(education.json()).toMatchObject({ requiredRemaining: [] });
  });

  it("puts applicant@ and synthetic patients of every eligibility outcome in clinician@'s review queue", async () => {
    const token = await login('clinician@keel.demo');
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/review-queue', headers: bearer(token) });
    const items = response.json<{ items: { patientId: string; eligibility: string; riskTier: string; onCareTeam: boolean; flags: string[] }[] }>().items;
    const byId = new Map(items.map((i) => [i.patientId, i]));
    expect(byId.get(demo.patients.applicant)).toMatchObject({ eligibility: 'needs_review', riskTier: 'elevated', onCareTeam: true });
    expect(byId.get(demo.patients['eligibleApplicant']!)).toMatchObject({ eligibility: 'likely_eligible' });
    expect(byId.get(demo.patients['benzodiazepineApplicant']!)).toMatchObject({ eligibility: 'needs_review' });
    expect(byId.get(demo.patients['aneurysmApplicant']!)).toMatchObject({ eligibility: 'not_eligible', flags: expect.arrayContaining(['VASCULAR_ANEURYSM_AVM_ICH']) });
    expect(new Set(items.map((i) => i.eligibility))).toEqual(new Set(['likely_eligible', 'needs_review', 'not_eligible']));
    // Oldest first: the aneurysm applicant (5 days) before the benzodiazepine one (3 days).
    const order = items.map((i) => i.patientId);
    expect(order.indexOf(demo.patients['aneurysmApplicant']!)).toBeLessThan(order.indexOf(demo.patients['benzodiazepineApplicant']!));
    await login('taylor.demo@keel.demo');
  });
});
