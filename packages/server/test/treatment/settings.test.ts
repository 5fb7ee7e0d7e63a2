// Program settings (admin): GET/PUT /api/v1/settings with optimistic concurrency. Its own file: the settings are
// one program-wide document, so these tests must not share a database with tests that read them.
import { samplePlanTerms, type DosingSettings } from '@keel/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { changeSettings, createWorld, expectStatus } from './treatment-world.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface SettingsBody {
  version: number;
  settings: { dosing: DosingSettings };
}

describe('program settings', () => {
  it('reads the defaults of docs/clinical-basis.md before anything is stored (admin and clinician)', async () => {
    const w = await createWorld(t);
    const response = await expectStatus(w.call('admin', 'GET', '/api/v1/settings'), 200);
    expect(response.json<SettingsBody>()).toMatchObject({ version: 0, settings: { dosing: { minHoursBetweenSessions: 72, vitalsHold: { systolicMmHg: 160 } } } });
    expect(response.headers.etag).toBe('"0"');
    await expectStatus(w.call('clinician', 'GET', '/api/v1/settings'), 200);
    await expectStatus(w.call('patient', 'GET', '/api/v1/settings'), 404);
  });

  it('changes settings with If-Match, audited; stale → 412, missing → 428, not an admin → 404', async () => {
    const w = await createWorld(t);
    const current = (await expectStatus(w.call('admin', 'GET', '/api/v1/settings'), 200)).json<SettingsBody>().version;
    const body = { settings: { dosing: { minHoursBetweenSessions: 96 } } };
    await expectStatus(w.call('admin', 'PUT', '/api/v1/settings', body), 428);
    await expectStatus(w.call('clinician', 'PUT', '/api/v1/settings', body, { 'if-match': `"${current}"` }), 404);
    const saved = await expectStatus(w.call('admin', 'PUT', '/api/v1/settings', body, { 'if-match': `"${current}"` }), 200);
    expect(saved.json<SettingsBody>()).toMatchObject({ version: current + 1, settings: { dosing: { minHoursBetweenSessions: 96, maxSessionsPer7Days: 2 } } });
    const stale = await expectStatus(w.call('admin', 'PUT', '/api/v1/settings', { settings: { dosing: { minHoursBetweenSessions: 120 } } }, { 'if-match': `"${current}"` }), 412);
    expect(stale.json()).toMatchObject({ code: 'PRECONDITION_FAILED', currentVersion: current + 1 });
    const audit = await t.database.db.selectFrom('audit_log').select(['detail', 'actor_id']).where('action', '=', 'settings.update').execute();
    expect(audit.at(-1)).toMatchObject({ actor_id: w.admin.id, detail: { version: current + 1, sections: ['dosing'] } });
    // Put the default back for the other tests in this file: shortening the interval loosens it, so the admin's
    // change is a proposal until a prescriber signs it.
    const back = await expectStatus(
      w.call('admin', 'PUT', '/api/v1/settings', { settings: { dosing: { minHoursBetweenSessions: 72 } }, reason: 'Back to the default' }, { 'if-match': `"${current + 1}"` }),
      202,
    );
    expect(back.json()).toMatchObject({ proposal: { status: 'pending', changes: [{ path: 'dosing.minHoursBetweenSessions', before: 96, after: 72, direction: 'loosens' }] } });
    expect((await expectStatus(w.call('admin', 'GET', '/api/v1/settings'), 200)).json<SettingsBody>().version).toBe(current + 1);
    await changeSettings(w, { dosing: { minHoursBetweenSessions: 72 } });
  });

  it('refuses invalid values with 422 naming each field, and stores nothing', async () => {
    const w = await createWorld(t);
    const current = (await expectStatus(w.call('admin', 'GET', '/api/v1/settings'), 200)).json<SettingsBody>().version;
    const response = await expectStatus(
      w.call('admin', 'PUT', '/api/v1/settings', { settings: { dosing: { refill: { maxRefills: 9 }, retention: { dispensingRecordYears: 1 }, minHoursBetweenSessions: -1 } } }, { 'if-match': `"${current}"` }),
      422,
    );
    const fields = response.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['settings.dosing.refill.maxRefills', 'settings.dosing.retention.dispensingRecordYears', 'settings.dosing.minHoursBetweenSessions']));
    expect((await expectStatus(w.call('admin', 'GET', '/api/v1/settings'), 200)).json<SettingsBody>().version).toBe(current);
  });

  it('a plan is validated against the settings in force: tightening the program makes a looser plan a 422', async () => {
    const w = await createWorld(t);
    const current = (await expectStatus(w.call('admin', 'GET', '/api/v1/settings'), 200)).json<SettingsBody>().version;
    await expectStatus(w.call('admin', 'PUT', '/api/v1/settings', { settings: { dosing: { fastingHours: 6 } } }, { 'if-match': `"${current}"` }), 200);
    try {
      const response = await expectStatus(w.call('clinician', 'POST', `/api/v1/patients/${w.patient.patientId}/plans`, { terms: samplePlanTerms() }), 422);
      expect(response.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['terms.fastingHours']);
    } finally {
      await changeSettings(w, { dosing: { fastingHours: 4 } });
    }
  });

  it('a check-in decides on the settings in force, even when this process last saw older ones', async () => {
    const w = await createWorld(t);
    const checkIn = async (craving: number) => {
      const response = await expectStatus(
        w.call('patient', 'POST', `/api/v1/patients/${w.patient.patientId}/check-ins`, { mood0to10: 6, sleepHours: 7, craving0to10: craving, usedOutsideSession: false, bladderSymptoms: false, cognitiveComplaint: false, sideEffects: [] }),
        201,
      );
      return response.json<{ signals: { code: string }[] }>().signals.map((s) => s.code);
    };
    // Two check-ins under the defaults (craving ≥ 6): the second takes the one-round-trip path with cached settings.
    expect(await checkIn(5)).not.toContain('CRAVING');
    expect(await checkIn(5)).not.toContain('CRAVING');
    const current = (await expectStatus(w.call('admin', 'GET', '/api/v1/settings'), 200)).json<SettingsBody>().version;
    // The craving threshold is one setting, the instrument's: lowering it makes the rule stricter, so it applies at once.
    await expectStatus(w.call('admin', 'PUT', '/api/v1/settings', { settings: { instruments: { cravingHighAtOrAbove: 4 } } }, { 'if-match': `"${current}"` }), 200);
    try {
      expect(await checkIn(5)).toContain('CRAVING');
      expect(await checkIn(5)).toContain('CRAVING');
      const audits = await t.database.db.selectFrom('audit_log').select('action').where('patient_id', '=', w.patient.patientId).where('action', '=', 'checkin.create').execute();
      expect(audits).toHaveLength(4);
    } finally {
      await changeSettings(w, { instruments: { cravingHighAtOrAbove: 6 } });
    }
  });

  it('the panel counts overdue assessments with the settings in force, and audits each read once', async () => {
    const w = await createWorld(t);
    await t.database.db.updateTable('patients').set({ created_at: new Date(t.clock.now().getTime() - 40 * 86_400_000) }).where('id', '=', w.patient.patientId).execute();
    const overdue = async () => {
      const response = await expectStatus(w.call('clinician', 'GET', '/api/v1/patients?sort=name'), 200);
      const rows = response.json<{ items: { patientId: string; overdueAssessments: number }[] }>().items;
      return rows.find((r) => r.patientId === w.patient.patientId)?.overdueAssessments;
    };
    const before = await overdue();
    expect(await overdue()).toBe(before);
    // Enrolled 40 days ago with nothing completed: the PHQ-9 fell due at enrolment and is overdue after 3 days; with
    // 60 days' grace it is only due.
    await changeSettings(w, { monitoring: { cadence: { recurring: { phq9: { overdueAfterDays: 60 } } } } });
    try {
      expect(before).toBeGreaterThan(0);
      expect(await overdue()).toBe((before ?? 0) - 1);
      const reads = await t.database.db.selectFrom('audit_log').select(['action', 'detail']).where('actor_id', '=', w.clinician.id).where(sql<boolean>`patient_ids @> ARRAY[${w.patient.patientId}]::uuid[]`).where('action', '=', 'panel.read').execute();
      expect(reads).toHaveLength(3);
      expect(reads[0]?.detail).toMatchObject({ sort: 'name', offset: 0 });
    } finally {
      await changeSettings(w, { monitoring: { cadence: { recurring: { phq9: { overdueAfterDays: 3 } } } } });
    }
  });
});
