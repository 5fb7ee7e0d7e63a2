// The program outcomes report over the demo program (docs/outcomes-report.md): every section has figures, a
// clinician sees their own patients only, drill-downs are audited, the CSV is de-identified and the PDF signed.
import { describe, expect, it } from 'vitest';
import type { OutcomesReportResponse } from '@keel/contract';
import { programReport } from '@keel/domain';
import { loadCohortRecords } from '../../src/use-cases/outcomes/cohort-records.ts';
import { OUTCOMES_CSV_COLUMNS, outcomesCsv } from '../../src/use-cases/outcomes/outcomes-export.ts';
import { cohortMembers, loadOutcomesReport, reportSettings } from '../../src/use-cases/outcomes/outcomes-report.ts';
import { loadProgramSettings } from '../../src/use-cases/settings/program-settings.service.ts';
import { bearer } from '../support/factories.ts';
import { demoTestPassword, useDemoApp } from '../support/demo-app.ts';
import { pdfText } from '../continuity/continuity-helpers.ts';

const app = useDemoApp();
const get = async (token: string, url: string) => app.t.app.inject({ method: 'GET', url, headers: bearer(token) });
const report = async (token: string, query = ''): Promise<OutcomesReportResponse> => {
  const res = await get(token, `/api/v1/reports/outcomes${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<OutcomesReportResponse>();
};
const alumniClinicianId = async () =>
  (await app.t.deps.database.db.selectFrom('users').select('id').where('email', '=', 'alumni.clinician@keel.demo').executeTakeFirstOrThrow()).id;

describe('the outcomes report on the demo program', () => {
  it('has figures in every section for the program (admin)', async () => {
    const r = await report(await app.login('admin@keel.demo'));
    expect(r.scope).toBe('program');
    // Six patients of the live program plus the thirty of the earlier cohort.
    expect(r.cohort.patients).toBe(36);
    const w8 = r.severity.phq9.checkpoints.find((c) => c.key === 'w8');
    expect(w8?.measured).toBeGreaterThan(10);
    expect(w8?.missing).toBeGreaterThan(0);
    expect(w8?.response.numerator).toBeGreaterThan(0);
    expect(w8?.response.lower).toBeLessThan(w8?.response.estimate ?? 0);
    expect(r.severity.gad7.checkpoints.find((c) => c.key === 'w8')?.remission.numerator).toBeGreaterThan(0);
    expect(r.severity.phq9.trajectories.length).toBeGreaterThan(20);
    expect(r.severity.phq9.trajectories.every((t) => /^P\d+$/.test(t.key))).toBe(true);
    expect(r.severity.phq9.timeToResponse.responders).toBeGreaterThan(0);
    expect(r.severity.phq9.timeToResponse.censored).toBeGreaterThan(0);
    expect(r.safety.sessions).toBeGreaterThan(100);
    expect(r.safety.adverseEvents.find((a) => a.severity === 'mild')?.count).toBeGreaterThan(0);
    expect(r.safety.seriousAdverseEvents).toHaveLength(1);
    expect(r.safety.seriousAdverseEvents[0]).toMatchObject({ kind: 'syncope', severity: 'severe', patientKey: expect.stringMatching(/^P\d+$/) });
    expect(r.safety.gateBlocks.evaluations).toBeGreaterThan(0);
    expect(r.safety.alertsOverall.timeToAcknowledge.medianMinutes).not.toBeNull();
    expect(r.safety.escalations).toBeGreaterThan(0);
    expect(r.dependence.signals.map((s) => s.code)).toContain('CRAVING');
    expect(r.dependence.patientsReachingHighRisk).toBeGreaterThanOrEqual(1);
    expect(r.dependence.holds.byOutcome).toContainEqual({ outcome: 'cleared_to_dose', count: 1 });
    expect(r.engagement.retention.every((m) => m.retained.denominator > 0)).toBe(true);
    expect(r.engagement.checkIns.adherence.denominator).toBeGreaterThan(0);
    expect(r.engagement.integration.scheduled).toBeGreaterThan(0);
    expect(r.engagement.integration.attended.numerator).toBeLessThan(r.engagement.integration.scheduled);
    // The aggregate names no patient and carries no patient id.
    expect(JSON.stringify(r)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(JSON.stringify(r)).not.toContain('Harper Novak');
  });

  it('gives a clinician their own care-team patients only; an admin can filter by clinician', async () => {
    const mine = await report(await app.login('clinician@keel.demo'));
    expect(mine.scope).toBe('my_patients');
    expect(mine.cohort.patients).toBe(6);
    expect(mine.safety.seriousAdverseEvents).toEqual([]);
    const admin = await app.login('admin@keel.demo');
    const alumni = await report(admin, `?clinicianId=${await alumniClinicianId()}`);
    expect(alumni.cohort.patients).toBe(30);
    expect(alumni.filters.clinicianId).toBe(await alumniClinicianId());
  });

  it('filters by state and start month, and refuses (422) a reversed period or a malformed month', async () => {
    const admin = await app.login('admin@keel.demo');
    const all = await report(admin);
    const ca = await report(admin, '?state=CA');
    expect(ca.cohort.patients).toBeGreaterThan(0);
    expect(ca.cohort.patients).toBeLessThan(all.cohort.patients);
    const month = await report(admin, '?startMonth=2026-04');
    expect(month.cohort.patients).toBeGreaterThan(0);
    expect(month.cohort.patients).toBeLessThan(all.cohort.patients);
    expect((await get(admin, '/api/v1/reports/outcomes?from=2026-05-01&to=2026-04-01')).statusCode).toBe(422);
    expect((await get(admin, '/api/v1/reports/outcomes?startMonth=2026-13')).statusCode).toBe(422);
    // A start after today with no end: the default end is today, so the period is reversed (found by the fuzz test).
    expect((await get(admin, '/api/v1/reports/outcomes?from=2050-07-16&route=sublingual')).statusCode).toBe(422);
    expect((await get(admin, '/api/v1/reports/outcomes.csv?from=2050-07-16')).statusCode).toBe(422);
  });

  it('is not there for a coach or a patient', async () => {
    for (const email of ['coach@keel.demo', 'patient@keel.demo']) {
      expect((await get(await app.login(email), '/api/v1/reports/outcomes')).statusCode).toBe(404);
      expect((await get(await app.login(email), '/api/v1/reports/outcomes.csv')).statusCode).toBe(404);
    }
  });
});

describe('the report as of now, read from the kept facts', () => {
  it('is the report computed from every row of the cohort, figure for figure, for every filter', async () => {
    const { deps, clock } = app.t;
    const admin = await deps.database.db.selectFrom('users').select('id').where('email', '=', 'admin@keel.demo').executeTakeFirstOrThrow();
    const uc = { deps, ctx: { actorId: admin.id, actorRole: 'admin', requestId: null, clientAddress: null, now: clock.now() } };
    const settings = reportSettings(await loadProgramSettings(deps.database.db));
    const queries = [{}, { state: 'CA' }, { startMonth: '2026-04' }, { from: '2026-03-15' }, { clinicianId: await alumniClinicianId() }];
    for (const query of queries) {
      const loaded = await loadOutcomesReport(uc, query);
      const ids = loaded.patientIds;
      const fromRows = programReport(
        await loadCohortRecords(deps.database.db, ids),
        { from: loaded.report.period.from, to: loaded.report.period.to },
        clock.now(),
        settings,
      );
      // Behind each figure: the same patients (their order follows each path's own walk).
      const sorted = (r: typeof fromRows) => Object.fromEntries(Object.entries(r.patientsBehind).map(([k, v]) => [k, [...v].sort()]));
      expect(sorted(loaded.report), JSON.stringify(query)).toEqual(sorted(fromRows));
      expect({ ...loaded.report, patientsBehind: {} }, JSON.stringify(query)).toEqual({ ...fromRows, patientsBehind: {} });
    }
    // By the end every cohort patient's facts are kept and current; only patients in no cohort (not enrolled) are left.
    const cohort = new Set((await loadOutcomesReport(uc, {})).patientIds);
    const stale = (await deps.database.db.selectFrom('outcome_facts_stale').select('patient_id').execute()).map((r) => r.patient_id);
    expect(stale.filter((id) => cohort.has(id))).toEqual([]);
    expect(await deps.database.db.selectFrom('outcome_facts').select('patient_id').where('patient_id', 'in', [...cohort]).execute()).toHaveLength(cohort.size);
  });
});

describe('drilling down to the patients behind a figure', () => {
  it('names them and writes a row in each one’s audit chain', async () => {
    const admin = await app.login('admin@keel.demo');
    const res = await get(admin, '/api/v1/reports/outcomes/patients?figure=safety.seriousAdverseEvents');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ items: { patientId: string; name: string }[] }>().items;
    expect(items.map((i) => i.name)).toEqual(['Harper Novak']);
    const audit = await app.t.deps.database.db
      .selectFrom('audit_log')
      .select(['action', 'patient_id'])
      .where('action', '=', 'outcomes_report.drill_down')
      .where('patient_id', '=', items[0]?.patientId ?? '')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('never reaches past the clinician’s own patients, and an unknown figure has nobody', async () => {
    const clinician = await app.login('clinician@keel.demo');
    const res = await get(clinician, '/api/v1/reports/outcomes/patients?figure=safety.seriousAdverseEvents');
    expect(res.json<{ items: unknown[] }>().items).toEqual([]);
    const unknown = await get(clinician, '/api/v1/reports/outcomes/patients?figure=no.such.figure');
    expect(unknown.json<{ items: unknown[] }>().items).toEqual([]);
    expect((await get(clinician, '/api/v1/reports/outcomes/patients?figure=drop%20table')).statusCode).toBe(422);
    // A key every object has is not a figure of the report.
    for (const key of ['constructor', '__proto__', 'toString']) {
      const res = await get(clinician, `/api/v1/reports/outcomes/patients?figure=${key}`);
      expect(res.statusCode, key).toBe(200);
      expect(res.json<{ items: unknown[] }>().items).toEqual([]);
    }
  });
});

describe('the de-identified CSV', () => {
  it('has one row per patient with no name, id, date of birth or contact, ages in bands and dates shifted', async () => {
    const admin = await app.login('admin@keel.demo');
    const res = await get(admin, '/api/v1/reports/outcomes.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toBe(OUTCOMES_CSV_COLUMNS.join(','));
    expect(lines[0]).toContain('phq9_w8');
    expect(lines).toHaveLength(1 + 36);
    const db = app.t.deps.database.db;
    const patients = await db.selectFrom('patients').select(['id', 'name', 'date_of_birth']).execute();
    const users = await db.selectFrom('users').select(['email']).execute();
    for (const p of patients) {
      expect(res.body).not.toContain(p.id);
      expect(res.body).not.toContain(p.name);
    }
    for (const u of users) expect(res.body).not.toContain(u.email);
    const column = (name: string) => OUTCOMES_CSV_COLUMNS.indexOf(name);
    const rows = lines.slice(1).map((l) => l.split(','));
    const bands = new Set(rows.map((r) => r[column('age_band')]));
    for (const band of bands) expect(['18-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75-89', '90+']).toContain(band);
    // Dates of birth never appear; first-dose dates are moved per patient (all 36 unmoved has odds of 361^-36).
    for (const p of patients) expect(res.body).not.toContain(String(p.date_of_birth).slice(0, 10));
    const realFirstDoses = new Set(
      (
        await db
          .selectFrom('dosing_sessions')
          .select((eb) => eb.fn.min('authorized_at').as('first'))
          .where('status', 'in', ['authorized', 'in_progress', 'completed'])
          .groupBy('patient_id')
          .execute()
      ).map((r) => new Date(r.first as Date).toISOString().slice(0, 10)),
    );
    const shifted = rows.map((r) => r[column('first_dose_date_shifted')]);
    expect(shifted.filter((d) => d && !realFirstDoses.has(d)).length).toBeGreaterThan(0);
    const audit = await db.selectFrom('audit_log').select('detail').where('action', '=', 'outcomes_report.export_csv').execute();
    expect(audit).toHaveLength(1);
  });

  it("gives each row its own patient's state, even when one patient cannot be named", async () => {
    const { deps, clock } = app.t;
    const admin = await deps.database.db.selectFrom('users').select('id').where('email', '=', 'admin@keel.demo').executeTakeFirstOrThrow();
    const uc = { deps, ctx: { actorId: admin.id, actorRole: 'admin', requestId: null, clientAddress: null, now: clock.now() } };
    const loaded = await loadOutcomesReport(uc, {});
    const ids = loaded.patientIds;
    const members = await cohortMembers(deps.database.db, ids);
    // Three patients; the middle one left out of the names (enrolled a moment ago, not yet on a lagging replica).
    const three = ids.slice(0, 3);
    const records = await loadCohortRecords(deps.database.db, three);
    const named = members.filter((m) => m.id === three[0] || m.id === three[2]);
    const csv = outcomesCsv({ ...loaded, patientIds: three }, records, named, await loadProgramSettings(deps.database.db));
    const state = OUTCOMES_CSV_COLUMNS.indexOf('state');
    const states = csv.trim().split('\r\n').slice(1).map((l) => l.split(',')[state]).sort();
    expect(states).toEqual([...named.map((m) => m.state), ''].sort());
  });
});

describe('the PDF', () => {
  it('a draft says it is unsigned and ends with the definitions', async () => {
    const admin = await app.login('admin@keel.demo');
    const res = await get(admin, '/api/v1/reports/outcomes.pdf');
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(res.rawPayload);
    expect(text).toContain('Unsigned draft');
    expect(text).toContain('Time to response (Kaplan');
    expect(text).toContain('95% Wilson interval');
    const pages = text.split('\f').filter((p) => p.trim().length > 0);
    expect(pages[pages.length - 1]).toContain('Definitions');
    expect(pages[pages.length - 1]).toContain('Wilson score interval');
  });

  it('is signed with the issuer’s password, bound to the SHA-256 of its figures', async () => {
    const admin = await app.login('admin@keel.demo');
    const url = '/api/v1/reports/outcomes/signed.pdf';
    const wrong = await app.t.app.inject({ method: 'POST', url, headers: bearer(admin), payload: { query: {}, signature: { password: 'not it' } } });
    expect(wrong.statusCode).toBe(422);
    const res = await app.t.app.inject({ method: 'POST', url, headers: bearer(admin), payload: { query: { state: 'CA' }, signature: { password: demoTestPassword } } });
    expect(res.statusCode, res.body).toBe(200);
    const signature = await app.t.deps.database.db
      .selectFrom('signatures')
      .select(['id', 'printed_name', 'record_sha256', 'meaning'])
      .where('record_type', '=', 'outcomes_report')
      .executeTakeFirstOrThrow();
    expect(signature).toMatchObject({ printed_name: 'Avery Admin', meaning: 'approved' });
    const text = pdfText(res.rawPayload);
    expect(text).toContain('Avery Admin');
    expect(text).toContain(signature.record_sha256);
    expect(text).toContain('filter: state CA');
    expect(text).not.toContain('Unsigned draft');
  });
});
