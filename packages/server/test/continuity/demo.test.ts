import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakeDemoSteps } from '../../src/demo/intake.demo.ts';
import { monitoringDemoSteps } from '../../src/demo/monitoring.demo.ts';
import { demoSteps, seedDemo } from '../../src/demo/seed-demo.ts';
import { treatmentDemoSteps } from '../../src/demo/treatment.demo.ts';
import { bearer } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { testEngine } from '../support/test-database.ts';

let t: TestContext;
const password = 'demo-passphrase-for-tests';
beforeAll(async () => {
  t = await createTestApp();
  // The foundation's accounts and care team, then this area's steps (the other areas test their own).
  const others = new Set([...intakeDemoSteps, ...treatmentDemoSteps, ...monitoringDemoSteps]);
  await seedDemo(t.deps, { password, steps: demoSteps.filter((s) => !others.has(s)) });
});
afterAll(async () => {
  await t.close();
});

let address = 0;
async function signInDemo(email: string): Promise<string> {
  const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: `10.67.0.${++address}` });
  expect(r.statusCode).toBe(200);
  return r.json().token;
}

describe(`continuity demo on ${testEngine}`, () => {
  it('gives every role an appointment in the coming week, notes, journal entries and unread messages', async () => {
    const weekAhead = t.clock.now().getTime() + 8 * 86_400_000;
    const kinds: Record<string, string[]> = {};
    for (const who of ['patient', 'clinician', 'coach', 'sitter']) {
      const token = await signInDemo(`${who}@keel.demo`);
      const items = (await t.app.inject({ method: 'GET', url: '/api/v1/appointments', headers: bearer(token) })).json().items as { kind: string; startsAt: string }[];
      const soon = items.filter((a) => Date.parse(a.startsAt) < weekAhead);
      expect(soon.length, who).toBeGreaterThan(0);
      kinds[who] = [...new Set(soon.map((a) => a.kind))].sort();
    }
    expect(kinds['patient']).toEqual(['clinician_follow_up', 'integration', 'sitter_orientation']);
    expect(kinds['sitter']).toEqual(['sitter_orientation']);

    const patientToken = await signInDemo('patient@keel.demo');
    const me = (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(patientToken) })).json();
    const patientId = me.patientId ?? me.user?.patientId;
    const unreadFor = async (token: string) =>
      ((await t.app.inject({ method: 'GET', url: `/api/v1/patients/${patientId}/messages`, headers: bearer(token) })).json().threads as { unreadCount: number }[]).reduce((n, th) => n + th.unreadCount, 0);
    expect(await unreadFor(patientToken)).toBe(1);
    const clinicianToken = await signInDemo('clinician@keel.demo');
    expect(await unreadFor(clinicianToken)).toBe(1);

    const coachToken = await signInDemo('coach@keel.demo');
    const shared = (await t.app.inject({ method: 'GET', url: `/api/v1/patients/${patientId}/journal/shared`, headers: bearer(coachToken) })).json().items;
    expect(shared).toHaveLength(1);
    const own = (await t.app.inject({ method: 'GET', url: `/api/v1/patients/${patientId}/journal`, headers: bearer(patientToken) })).json().items;
    expect(own).toHaveLength(2);
    const notes = (await t.app.inject({ method: 'GET', url: `/api/v1/patients/${patientId}/coaching-notes`, headers: bearer(patientToken) })).json().items;
    expect(notes).toHaveLength(1);
  });
});
