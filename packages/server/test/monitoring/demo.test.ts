import { describe, expect, it } from 'vitest';
import { bearer } from '../support/factories.ts';
import { useDemoApp } from '../support/demo-app.ts';

const app = useDemoApp();
const login = app.login;

describe('the monitoring demo', () => {
  it('puts open alerts of every severity in clinician@’s queue', async () => {
    const token = await login('clinician@keel.demo');
    const res = await app.t.app.inject({ method: 'GET', url: '/api/v1/alerts?limit=200', headers: bearer(token) });
    const severities = new Set(res.json<{ items: { severity: string }[] }>().items.map((a) => a.severity));
    expect([...severities].sort()).toEqual(['critical', 'high', 'low', 'moderate']);
  });

  it('has a high-risk patient whose signals explain the tier, and outcome histories with response and remission', async () => {
    const token = await login('clinician@keel.demo');
    const panel = await app.t.app.inject({ method: 'GET', url: '/api/v1/patients?sort=risk&limit=100', headers: bearer(token) });
    const rows = panel.json<{ items: { patientId: string; name: string; riskTier: string | null }[] }>().items;
    const drew = rows.find((r) => r.name === 'Drew Alvarez');
    expect(drew?.riskTier).toBe('high');
    const risk = await app.t.app.inject({ method: 'GET', url: `/api/v1/patients/${drew?.patientId}/risk`, headers: bearer(token) });
    expect(risk.json<{ signals: { code: string }[] }>().signals.map((s) => s.code).sort()).toEqual(['COUNT_MISMATCH', 'CRAVING', 'EARLY_REFILL_REQUEST']);
    const outcome = async (name: string) => {
      const id = rows.find((r) => r.name === name)?.patientId;
      const res = await app.t.app.inject({ method: 'GET', url: `/api/v1/patients/${id}/outcomes`, headers: bearer(token) });
      return res.json<{ phq9: { response: boolean; remission: boolean } }>().phq9;
    };
    expect(await outcome('Robin Ortiz')).toMatchObject({ response: true, remission: true });
    expect(await outcome('Kai Nguyen')).toMatchObject({ response: true, remission: false });
    expect(await outcome('Lee Park')).toMatchObject({ response: false, remission: false });
  });

  it('gives patient@ daily check-ins', async () => {
    const token = await login('patient@keel.demo');
    const me = await app.t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });
    const patientId = me.json<{ patientId: string }>().patientId;
    const res = await app.t.app.inject({ method: 'GET', url: `/api/v1/patients/${patientId}/check-ins`, headers: bearer(token) });
    expect(res.json<{ items: unknown[] }>().items.length).toBeGreaterThanOrEqual(14);
  });
});
