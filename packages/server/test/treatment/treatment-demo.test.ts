import { describe, expect, it } from 'vitest';
import { demoSteps } from '../../src/demo/seed-demo.ts';
import { complianceDemoSteps } from '../../src/demo/compliance.demo.ts';
import { intakeDemoSteps } from '../../src/demo/intake.demo.ts';
import { treatmentDemoSteps } from '../../src/demo/treatment.demo.ts';
import { bearer } from '../support/factories.ts';
import { useDemoApp } from '../support/demo-app.ts';

// The foundation's accounts and care-team steps, the intake steps (they approve patient@), the prescribing
// records the gate checks (credentials, pathway, PDMP), then treatment.
const app = useDemoApp([...demoSteps.slice(0, 2), ...intakeDemoSteps, ...complianceDemoSteps, ...treatmentDemoSteps]);
const login = app.login;
const get = async (token: string, url: string) => {
  const response = await app.t.app.inject({ method: 'GET', url, headers: bearer(token) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Record<string, unknown>>();
};

describe('treatment demo', () => {
  it('puts patient@ mid-induction: signed plan, doses on hand, reconciled ledger, three completed sessions, one today', async () => {
    const token = await login('patient@keel.demo');
    const id = app.demo.patients.patient;
    expect(await get(token, `/api/v1/patients/${id}/plan`)).toMatchObject({
      plan: { status: 'active', terms: { phase: 'induction', route: 'sublingual', currentDoseMg: 300, maximumDoseMg: 450 }, signature: { verified: true, meaning: 'prescribed' } },
    });
    expect(await get(token, `/api/v1/patients/${id}/ledger`)).toMatchObject({ onHand: 3, recordedOnHand: 3, reconciliation: { status: 'reconciled' } });
    const sessions = (await get(token, `/api/v1/patients/${id}/sessions`)) as { items: { status: string; scheduledFor: string; gateEvaluations: { outcome: string }[] }[] };
    expect(sessions.items.filter((s) => s.status === 'completed')).toHaveLength(3);
    for (const s of sessions.items.filter((x) => x.status === 'completed')) expect(s.gateEvaluations.map((e) => e.outcome)).toEqual(['authorized']);
    const next = sessions.items.find((s) => s.status === 'scheduled');
    expect(new Date(next?.scheduledFor ?? 0).toDateString()).toBe(app.t.clock.now().toDateString());
  });

  it('gives the synthetic patients blocked attempts (blood pressure, interval) and a loss report', async () => {
    const token = await login('clinician@keel.demo');
    const bp = (await get(token, `/api/v1/patients/${app.demo.patients['bpHold'] ?? ''}/sessions`)) as { items: { gateEvaluations: { outcome: string; reasons: { code: string }[] }[] }[] };
    const bpBlocked = bp.items.flatMap((s) => s.gateEvaluations).filter((e) => e.outcome === 'blocked');
    expect(bpBlocked.map((e) => e.reasons.map((r) => r.code))).toEqual([['VITALS_ABOVE_HOLD'], ['VITALS_ABOVE_HOLD']]);
    const elliot = app.demo.patients['intervalLoss'] ?? '';
    const interval = (await get(token, `/api/v1/patients/${elliot}/sessions`)) as { items: { gateEvaluations: { outcome: string; reasons: { code: string }[] }[] }[] };
    const intervalBlocked = interval.items.flatMap((s) => s.gateEvaluations).filter((e) => e.outcome === 'blocked');
    expect(intervalBlocked.map((e) => e.reasons.map((r) => r.code))).toEqual([['MIN_INTERVAL_NOT_MET'], ['MIN_INTERVAL_NOT_MET']]);
    const ledger = (await get(token, `/api/v1/patients/${elliot}/ledger`)) as { entries: { kind: string; lossKind: string | null }[]; reconciliation: { status: string } };
    expect(ledger.entries.filter((e) => e.kind === 'lost')).toEqual([expect.objectContaining({ lossKind: 'stolen' })]);
    expect(ledger.reconciliation.status).toBe('reconciled');
    await login('dana.demo@keel.demo');
    await login('chris.demo@keel.demo');
  });
});
