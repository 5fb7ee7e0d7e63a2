// The demo program's prescribing-compliance records (docs/compliance.md): one patient in each pathway, one on the
// telemedicine flexibilities who lapses on 1 January 2027, the demo clinician's credentials with one expiring soon.
import { describe, expect, it } from 'vitest';
import { bearer } from '../support/factories.ts';
import { useDemoApp } from '../support/demo-app.ts';

const app = useDemoApp();
const login = app.login;

describe('the compliance demo', () => {
  it('has a patient in each pathway, and Lee Park on the telemedicine flexibilities lapsing on 1 January 2027', async () => {
    const token = await login('clinician@keel.demo');
    const panel = (await app.t.app.inject({ method: 'GET', url: '/api/v1/patients?sort=name&limit=200', headers: bearer(token) })).json<{
      items: { patientId: string; name: string; compliance: { status: string } | null }[];
    }>().items;
    const kinds = new Map<string, string>();
    for (const row of panel) {
      const res = await app.t.app.inject({ method: 'GET', url: `/api/v1/patients/${row.patientId}/prescribing-pathway`, headers: bearer(token) });
      const pathway = res.json<{ pathway: { kind: string } | null }>().pathway;
      if (pathway) kinds.set(row.name, pathway.kind);
    }
    expect(kinds.get('Sam Patel')).toBe('in_person_evaluation');
    expect(kinds.get('Robin Ortiz')).toBe('special_registration');
    expect(kinds.get('Kai Nguyen')).toBe('referral_from_in_person_clinician');
    expect(kinds.get('Lee Park')).toBe('telemedicine_flexibility');

    const lapse = (await app.t.app.inject({ method: 'GET', url: '/api/v1/compliance/lapse-list', headers: bearer(token) })).json<{
      flexibilityUntil: string;
      patients: { name: string; lapsesOn: string; clinicianName: string | null }[];
    }>();
    expect(lapse.flexibilityUntil).toBe('2026-12-31');
    expect(lapse.patients).toEqual([expect.objectContaining({ name: 'Lee Park', lapsesOn: '2027-01-01', clinicianName: 'Dr. Casey Morgan' })]);
    // Sam, mid-induction, is compliant; the lapse shows on Lee's chart.
    const sam = panel.find((r) => r.name === 'Sam Patel');
    expect(sam?.compliance?.status).toBe('compliant');
    const lee = panel.find((r) => r.name === 'Lee Park');
    const chart = (await app.t.app.inject({ method: 'GET', url: `/api/v1/patients/${lee?.patientId}/compliance`, headers: bearer(token) })).json<{ lapsesOn: string | null }>();
    expect(chart.lapsesOn).toBe('2027-01-01');
  });

  it('gives every panel row the status and reasons its chart gives (the panel batches the facts for the page)', async () => {
    const token = await login('clinician@keel.demo');
    const panel = (await app.t.app.inject({ method: 'GET', url: '/api/v1/patients?sort=name&limit=200', headers: bearer(token) })).json<{
      items: { patientId: string; name: string; compliance: { status: string; reasonCodes: string[] } | null }[];
    }>().items;
    // The demo holds compliant, action-needed and blocked patients; each row must agree with its chart.
    const statuses = new Set<string>();
    for (const row of panel) {
      const chart = (await app.t.app.inject({ method: 'GET', url: `/api/v1/patients/${row.patientId}/compliance`, headers: bearer(token) })).json<{
        status: string;
        reasons: { code: string }[];
      }>();
      expect({ name: row.name, ...row.compliance }).toEqual({ name: row.name, status: chart.status, reasonCodes: chart.reasons.map((r) => r.code) });
      statuses.add(chart.status);
    }
    expect(panel.length).toBeGreaterThan(3);
    expect(statuses.size).toBeGreaterThan(1);
  });

  it('gives the demo clinician a licence and a DEA registration in each demo state, Washington’s DEA expiring in 21 days', async () => {
    const admin = await login('admin@keel.demo');
    const expiring = (await app.t.app.inject({ method: 'GET', url: '/api/v1/credentials/expiring?withinDays=30', headers: bearer(admin) })).json<{
      credentials: { kind: string; state: string; daysLeft: number; clinicianName: string }[];
    }>().credentials;
    expect(expiring.map((c) => [c.clinicianName, c.kind, c.state, c.daysLeft])).toEqual([['Dr. Casey Morgan', 'dea_registration', 'WA', 21]]);
    const clinician = await app.t.database.db.selectFrom('users').select('id').where('email', '=', 'clinician@keel.demo').executeTakeFirstOrThrow();
    const own = (await app.t.app.inject({ method: 'GET', url: `/api/v1/clinicians/${clinician.id}/credentials`, headers: bearer(await login('clinician@keel.demo')) })).json<{
      credentials: { kind: string; state: string }[];
    }>().credentials;
    expect(own).toHaveLength(12);
  });
});
