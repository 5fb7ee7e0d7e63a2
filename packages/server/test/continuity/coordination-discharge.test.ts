import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createCareWorld, testPassword } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { testEngine } from '../support/test-database.ts';
import {
  darkPixelShare,
  pdfFirstPageToPng,
  pdfText,
  seedActivePlan,
  seedCompletedSession,
  seedIntake,
  seedScore,
  setOfficeHours,
  type CareWorld,
} from './continuity-helpers.ts';

let t: TestContext;
const base = new Date('2026-06-01T12:00:00.000Z');
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.clock.set(base);
});

const p = (w: CareWorld, rest: string) => `/api/v1/patients/${w.patient.patientId}${rest}`;

async function outsidePcp(w: CareWorld): Promise<string> {
  const r = await t.app.inject({
    method: 'POST',
    url: p(w, '/outside-clinicians'),
    headers: bearer(w.tokens.patient),
    payload: { kind: 'primary_care', name: 'Dr. Jamie Lee', organization: 'Oakland Family Practice', phone: '510-555-0100', fax: '510-555-0101' },
  });
  expect(r.statusCode).toBe(201);
  return r.json().items[0].id;
}

const intake = {
  medications: {
    none: false,
    list: [
      { name: 'Clonazepam', class: 'benzodiazepine', diazepamEquivalentMgPerDay: 10 },
      { name: 'Methylphenidate', class: 'stimulant' },
      { name: 'Vitamin D', class: 'other' },
    ],
  },
  substanceUse: { activeSud: false, sudInRemission: true, remissionMonths: 18, personalHistoryOfSud: true },
};

describe(`coordination of care on ${testEngine}`, () => {
  it('refuses a disclosure without consent (audited), makes one with consent (audited, in the access log), and stops after revocation', async () => {
    const w = await createCareWorld(t);
    await seedIntake(t, w.patient.patientId, intake);
    await seedActivePlan(t, w.patient.patientId, w.clinician.id, { phase: 'induction', route: 'sublingual', currentDoseMg: 300, maximumDoseMg: 450, sessionsPlanned: 6, minHoursBetweenSessions: 72, maxSessionsPer7Days: 2 });
    const pcp = await outsidePcp(w);
    const disclose = (who: keyof CareWorld['tokens'] = 'clinician') =>
      t.app.inject({ method: 'POST', url: p(w, '/disclosures'), headers: bearer(w.tokens[who]), payload: { outsideClinicianId: pcp, kind: 'start_of_treatment' } });

    const refused = await disclose();
    expect(refused.statusCode).toBe(409);
    const denied = await t.database.db.selectFrom('audit_log').selectAll().where('patient_id', '=', w.patient.patientId).where('action', '=', 'disclosure.start_of_treatment').execute();
    expect(denied.map((a) => a.outcome)).toEqual(['denied']);
    expect(await t.database.db.selectFrom('disclosures').select('id').where('patient_id', '=', w.patient.patientId).execute()).toHaveLength(0);

    // Only the patient can consent, with their password; a clinician cannot consent for them.
    const consentBody = { outsideClinicianId: pcp, purposes: ['start_of_treatment'], includeSubstanceUse: false, signature: { password: testPassword } };
    expect((await t.app.inject({ method: 'POST', url: p(w, '/disclosure-consents'), headers: bearer(w.tokens.clinician), payload: consentBody })).statusCode).toBe(404);
    const wrongPassword = await t.app.inject({ method: 'POST', url: p(w, '/disclosure-consents'), headers: bearer(w.tokens.patient), payload: { ...consentBody, signature: { password: 'not-my-password' } } });
    expect(wrongPassword.statusCode).toBe(422);
    const consent = await t.app.inject({ method: 'POST', url: p(w, '/disclosure-consents'), headers: bearer(w.tokens.patient), payload: consentBody });
    expect(consent.statusCode).toBe(201);
    expect(consent.json().items[0]).toMatchObject({ active: true, purposes: ['start_of_treatment'], includeSubstanceUse: false });

    expect((await disclose('patient')).statusCode).toBe(404);
    const made = await disclose();
    expect(made.statusCode).toBe(201);
    const disclosure = made.json().items[0];
    expect(disclosure).toMatchObject({ kind: 'start_of_treatment', includesSubstanceUse: false, outsideClinicianId: pcp });

    const letter = await t.app.inject({ method: 'GET', url: disclosure.documentUrl, headers: bearer(w.tokens.patient) });
    expect(letter.statusCode).toBe(200);
    expect(letter.headers['content-type']).toBe('application/pdf');
    const text = pdfText(letter.rawPayload);
    expect(text).toContain('Clonazepam (benzodiazepine, about 10 mg/day diazepam-equivalent)');
    expect(text).toContain('Methylphenidate (stimulant)');
    expect(text).not.toContain('Vitamin D');
    expect(text).toContain('300 mg per session');
    expect(text).toContain(w.clinician.name);
    expect(text).not.toMatch(/remission for 18 months/);
    expect(text).toMatch(/Substance-use information is not included/);

    const accessLog = await t.app.inject({ method: 'GET', url: p(w, '/access-log'), headers: bearer(w.tokens.patient) });
    const actions = accessLog.json().items.map((i: { action: string; outcome: string }) => `${i.action}:${i.outcome}`);
    expect(actions).toContain('disclosure.start_of_treatment:success');
    expect(actions).toContain('disclosure.start_of_treatment:denied');

    const consentId = consent.json().items[0].id;
    const revoked = await t.app.inject({ method: 'POST', url: p(w, `/disclosure-consents/${consentId}/revoke`), headers: bearer(w.tokens.patient) });
    expect(revoked.json().items[0]).toMatchObject({ active: false });
    expect((await disclose()).statusCode).toBe(409);
    expect(await t.database.db.selectFrom('disclosures').select('id').where('patient_id', '=', w.patient.patientId).execute()).toHaveLength(1);
  });

  it('includes substance-use history, marked 42 CFR Part 2, only under a consent that covers it', async () => {
    const w = await createCareWorld(t);
    await seedIntake(t, w.patient.patientId, intake);
    const pcp = await outsidePcp(w);
    await t.app.inject({ method: 'POST', url: p(w, '/disclosure-consents'), headers: bearer(w.tokens.patient), payload: { outsideClinicianId: pcp, purposes: ['start_of_treatment'], includeSubstanceUse: true, signature: { password: testPassword } } });
    const made = await t.app.inject({ method: 'POST', url: p(w, '/disclosures'), headers: bearer(w.tokens.clinician), payload: { outsideClinicianId: pcp, kind: 'start_of_treatment' } });
    expect(made.json().items[0].includesSubstanceUse).toBe(true);
    const letter = await t.app.inject({ method: 'GET', url: made.json().items[0].documentUrl, headers: bearer(w.tokens.clinician) });
    const text = pdfText(letter.rawPayload).replace(/\s+/g, ' ');
    expect(text).toContain('Substance use disorder in remission for 18 months');
    expect(text).toContain('42 CFR PART 2 NOTICE');
    // A discharge-summary disclosure needs its own purpose in the consent.
    const other = await t.app.inject({ method: 'POST', url: p(w, '/disclosures'), headers: bearer(w.tokens.clinician), payload: { outsideClinicianId: pcp, kind: 'discharge_summary' } });
    expect(other.statusCode).toBe(409);
  });
});

describe(`discharge on ${testEngine}`, () => {
  it('signs the discharge, summarises the course, and renders a PDF whose first page is not blank', async () => {
    const w = await createCareWorld(t);
    await setOfficeHours(t, w.tokens.coach, w.coach.id);
    const future = await t.app.inject({ method: 'POST', url: p(w, '/appointments'), headers: bearer(w.tokens.coach), payload: { staffId: w.coach.id, kind: 'integration', startsAt: '2026-06-03T15:00:00Z' } });
    expect(future.statusCode).toBe(201);
    await seedScore(t, w.patient.patientId, w.patient.id, 'phq9', 20, new Date('2026-04-01T12:00:00Z'));
    await seedScore(t, w.patient.patientId, w.patient.id, 'gad7', 14, new Date('2026-04-01T12:00:00Z'));
    const s1 = new Date('2026-04-05T18:00:00Z');
    await seedCompletedSession(t, w.patient.patientId, w.patient.id, s1, 300);
    await seedCompletedSession(t, w.patient.patientId, w.patient.id, new Date('2026-04-12T18:00:00Z'), 350);
    await seedScore(t, w.patient.patientId, w.patient.id, 'phq9', 4, new Date('2026-05-20T12:00:00Z'));
    await seedScore(t, w.patient.patientId, w.patient.id, 'gad7', 9, new Date('2026-05-20T12:00:00Z'));

    const request = { reason: 'Completed induction and maintenance; sustained remission.', recommendations: ['Continue psychotherapy', 'PCP to repeat PHQ-9 in 3 months'], signature: { password: testPassword } };
    expect((await t.app.inject({ method: 'POST', url: p(w, '/discharge'), headers: bearer(w.tokens.coach), payload: request })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: p(w, '/discharge'), headers: bearer(w.tokens.patient), payload: request })).statusCode).toBe(404);
    const discharged = await t.app.inject({ method: 'POST', url: p(w, '/discharge'), headers: bearer(w.tokens.clinician), payload: request });
    expect(discharged.statusCode).toBe(201);
    const d = discharged.json();
    expect(d.signature).toMatchObject({ meaning: 'discharged', printedName: w.clinician.name });
    expect(d.summary.course).toMatchObject({ sessionsCompleted: 2, dosesMg: [300, 350], firstSessionAt: s1.toISOString() });
    expect(d.summary.outcomes).toEqual([
      expect.objectContaining({ instrument: 'phq9', baseline: 20, latest: 4, changePct: -80, response: true, remission: true }),
      expect.objectContaining({ instrument: 'gad7', baseline: 14, latest: 9, response: false, remission: false }),
    ]);
    const patient = await t.database.db.selectFrom('patients').select('status').where('id', '=', w.patient.patientId).executeTakeFirstOrThrow();
    expect(patient.status).toBe('discharged');
    const appointment = await t.database.db.selectFrom('appointments').select(['status', 'cancel_reason']).where('id', '=', future.json().appointments[0].id).executeTakeFirstOrThrow();
    expect(appointment).toEqual({ status: 'cancelled', cancel_reason: 'Patient discharged' });
    expect((await t.app.inject({ method: 'POST', url: p(w, '/discharge'), headers: bearer(w.tokens.clinician), payload: request })).statusCode).toBe(409);

    const pdf = await t.app.inject({ method: 'GET', url: p(w, '/discharge/summary.pdf'), headers: bearer(w.tokens.patient) });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const png = pdfFirstPageToPng(pdf.rawPayload);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const share = darkPixelShare(png);
    expect(share).toBeGreaterThan(0.005);
    expect(share).toBeLessThan(0.5);
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('Discharge summary');
    expect(text).toContain('baseline 20');
    expect(text).toContain('Continue psychotherapy');

    for (const who of ['coach', 'sitter', 'otherPatient'] as const) {
      expect((await t.app.inject({ method: 'GET', url: p(w, '/discharge/summary.pdf'), headers: bearer(w.tokens[who]) })).statusCode).toBe(404);
    }
  });

  it('proves the blank-page check can fail: a PDF with no content is all white', async () => {
    const { renderPdf } = await import('../../src/use-cases/continuity/pdf.ts');
    const blank = await renderPdf({ title: 'blank', createdAt: base }, []);
    expect(darkPixelShare(pdfFirstPageToPng(blank))).toBe(0);
  });
});

describe(`support network on ${testEngine}`, () => {
  it('keeps emergency contacts, shows sitters and the resources directory on the patient’s home', async () => {
    const w = await createCareWorld(t);
    const added = await t.app.inject({ method: 'POST', url: p(w, '/support-contacts'), headers: bearer(w.tokens.patient), payload: { name: 'Morgan Patel', relationship: 'sister', phone: '510-555-0199' } });
    expect(added.statusCode).toBe(201);
    expect((await t.app.inject({ method: 'POST', url: p(w, '/support-contacts'), headers: bearer(w.tokens.coach), payload: { name: 'x', phone: '1234' } })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: p(w, '/support-contacts'), headers: bearer(w.tokens.patient), payload: { name: 'No way to reach' } })).statusCode).toBe(422);
    const home = await t.app.inject({ method: 'GET', url: p(w, '/support'), headers: bearer(w.tokens.patient) });
    expect(home.statusCode).toBe(200);
    const body = home.json();
    expect(body.contacts.map((c: { name: string }) => c.name)).toEqual(['Morgan Patel']);
    expect(body.sitters).toEqual([expect.objectContaining({ name: 'Test Sitter', status: 'active' })]);
    const allContacts = JSON.stringify(body.resources);
    for (const needle of ['988', '741741', '911', '1-800-950-6264', 'DBSA', 'press 1']) expect(allContacts).toContain(needle);
    expect((await t.app.inject({ method: 'GET', url: p(w, '/support'), headers: bearer(w.tokens.sitter) })).statusCode).toBe(404);
  });

  it('lets the program edit the resources directory, but never drop 988 or 911', async () => {
    const w = await createCareWorld(t);
    const current = (await t.app.inject({ method: 'GET', url: '/api/v1/resources', headers: bearer(w.tokens.sitter) })).json();
    expect(current.version).toBe(0);
    const local = { id: 'local-warmline', name: 'Bay Area Warmline', category: 'peer_support', description: 'Peer support by phone.', contacts: [{ kind: 'call', value: '855-555-0100', href: 'tel:+18555550100', instruction: 'Call the warmline' }] };
    const items = [...current.items, local];
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/resources', headers: bearer(w.tokens.clinician), payload: { items } })).statusCode).toBe(404);
    const without988 = items.filter((i: { id: string }) => i.id !== 'lifeline-988');
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/resources', headers: bearer(w.tokens.admin), payload: { items: without988 } })).statusCode).toBe(422);
    const saved = await t.app.inject({ method: 'PUT', url: '/api/v1/resources', headers: bearer(w.tokens.admin), payload: { items } });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().version).toBe(1);
    const read = (await t.app.inject({ method: 'GET', url: '/api/v1/resources', headers: bearer(w.tokens.patient) })).json();
    expect(read.items.map((i: { id: string }) => i.id)).toContain('local-warmline');
  });
});
