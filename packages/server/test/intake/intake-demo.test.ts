import { describe, expect, it } from 'vitest';
import { demoSteps } from '../../src/demo/seed-demo.ts';
import { intakeDemoSteps } from '../../src/demo/intake.demo.ts';
import { bearer } from '../support/factories.ts';
import { useDemoApp } from '../support/demo-app.ts';

// The foundation's accounts and care-team steps, then this area's steps.
const app = useDemoApp([...demoSteps.slice(0, 2), ...intakeDemoSteps]);
const login = app.login;

describe('intake demo', () => {
  it('gives patient@ an approved, validly signed intake, the current consent and every module', async () => {
    const token = await login('patient@keel.demo');
    const id = app.demo.patients.patient;
    const decision = await app.t.app.inject({ method: 'GET', url: `/api/v1/patients/${id}/intake/decision`, headers: bearer(token) });
    expect(decision.json()).toMatchObject({ decision: 'approve', signatureValid: true, decidedBy: { id: app.demo.users.clinician } });
    const consents = await app.t.app.inject({ method: 'GET', url: `/api/v1/patients/${id}/consents`, headers: bearer(token) });
    expect(consents.json()).toMatchObject({ signedCurrent: true, items: [{ signatureValid: true }] });
    const education = await app.t.app.inject({ method: 'GET', url: '/api/v1/education', headers: bearer(token) });
    expect(education.json()).toMatchObject({ requiredRemaining: [] });
  });

  it("puts applicant@ and synthetic patients of every eligibility outcome in clinician@'s review queue", async () => {
    const token = await login('clinician@keel.demo');
    const response = await app.t.app.inject({ method: 'GET', url: '/api/v1/review-queue', headers: bearer(token) });
    const items = response.json<{ items: { patientId: string; eligibility: string; riskTier: string; onCareTeam: boolean; flags: string[] }[] }>().items;
    const byId = new Map(items.map((i) => [i.patientId, i]));
    expect(byId.get(app.demo.patients.applicant)).toMatchObject({ eligibility: 'needs_review', riskTier: 'elevated', onCareTeam: true });
    expect(byId.get(app.demo.patients['eligibleApplicant']!)).toMatchObject({ eligibility: 'likely_eligible' });
    expect(byId.get(app.demo.patients['benzodiazepineApplicant']!)).toMatchObject({ eligibility: 'needs_review' });
    expect(byId.get(app.demo.patients['aneurysmApplicant']!)).toMatchObject({ eligibility: 'not_eligible', flags: expect.arrayContaining(['VASCULAR_ANEURYSM_AVM_ICH']) });
    expect(new Set(items.map((i) => i.eligibility))).toEqual(new Set(['likely_eligible', 'needs_review', 'not_eligible']));
    // Oldest first: the aneurysm applicant (5 days) before the benzodiazepine one (3 days).
    const order = items.map((i) => i.patientId);
    expect(order.indexOf(app.demo.patients['aneurysmApplicant']!)).toBeLessThan(order.indexOf(app.demo.patients['benzodiazepineApplicant']!));
    await login('taylor.demo@keel.demo');
  });
});
