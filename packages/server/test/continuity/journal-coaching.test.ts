import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createCareWorld, signIn } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { testEngine } from '../support/test-database.ts';
import { seedCompletedSession, setOfficeHours, type CareWorld } from './continuity-helpers.ts';

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

const journalUrl = (w: CareWorld) => `/api/v1/patients/${w.patient.patientId}/journal`;
const write = (w: CareWorld, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: journalUrl(w), headers: bearer(w.tokens.patient), payload });

describe(`journal on ${testEngine}`, () => {
  it('keeps entries private by default; the coach sees only what was shared with the coach, never a private entry', async () => {
    const w = await createCareWorld(t);
    const privateEntry = (await write(w, { body: 'Private: a memory about my father came up.' })).json().entry;
    expect(privateEntry).toMatchObject({ sharedWithCoach: false, sharedWithClinician: false });
    const forCoach = (await write(w, { body: 'For my coach: I felt calm in the garden.', sharedWithCoach: true })).json().entry;
    const forClinician = (await write(w, { body: 'For the doctor: slept badly after the session.', sharedWithClinician: true })).json().entry;

    const coachView = await t.app.inject({ method: 'GET', url: `${journalUrl(w)}/shared`, headers: bearer(w.tokens.coach) });
    expect(coachView.statusCode).toBe(200);
    expect(coachView.json().items.map((e: { id: string }) => e.id)).toEqual([forCoach.id]);
    expect(coachView.body).not.toContain('memory about my father');
    const clinicianView = await t.app.inject({ method: 'GET', url: `${journalUrl(w)}/shared`, headers: bearer(w.tokens.clinician) });
    expect(clinicianView.json().items.map((e: { id: string }) => e.id)).toEqual([forClinician.id]);

    // Denials: the whole journal is the patient's alone; the sitter and other patients see nothing.
    expect((await t.app.inject({ method: 'GET', url: journalUrl(w), headers: bearer(w.tokens.coach) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: journalUrl(w), headers: bearer(w.tokens.clinician) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `${journalUrl(w)}/shared`, headers: bearer(w.tokens.sitter) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `${journalUrl(w)}/shared`, headers: bearer(w.tokens.otherPatient) })).statusCode).toBe(404);
    const coachWrites = await t.app.inject({ method: 'PUT', url: `${journalUrl(w)}/${privateEntry.id}/sharing`, headers: bearer(w.tokens.coach), payload: { sharedWithCoach: true, sharedWithClinician: false } });
    expect(coachWrites.statusCode).toBe(404);

    // Unsharing takes effect at once.
    const unshare = await t.app.inject({ method: 'PUT', url: `${journalUrl(w)}/${forCoach.id}/sharing`, headers: bearer(w.tokens.patient), payload: { sharedWithCoach: false, sharedWithClinician: false } });
    expect(unshare.statusCode).toBe(200);
    const after = await t.app.inject({ method: 'GET', url: `${journalUrl(w)}/shared`, headers: bearer(w.tokens.coach) });
    expect(after.json().items).toEqual([]);
  });

  it('searches by text and date range', async () => {
    const w = await createCareWorld(t);
    await write(w, { body: 'Walked by the ocean and felt lighter.' });
    t.clock.set('2026-06-03T12:00:00Z');
    w.tokens.patient = await signIn(t, w.patient);
    await write(w, { body: 'Ocean again; 100% calmer.', prompt: 'What stood out?' });
    await write(w, { body: 'Rainy day, stayed inside.' });
    const search = (q: string) => t.app.inject({ method: 'GET', url: `${journalUrl(w)}?${q}`, headers: bearer(w.tokens.patient) });
    expect((await search('q=OCEAN')).json().items).toHaveLength(2);
    expect((await search('q=100%25')).json().items).toHaveLength(1);
    expect((await search('q=%25')).json().items).toHaveLength(1);
    expect((await search('q=stood%20out')).json().items).toHaveLength(1);
    const range = (await search('from=2026-06-02T00:00:00Z&to=2026-06-04T00:00:00Z')).json().items;
    expect(range).toHaveLength(2);
    expect((await search('q=ocean&to=2026-06-02T00:00:00Z')).json().items.map((e: { body: string }) => e.body)).toEqual(['Walked by the ocean and felt lighter.']);
  });

  it('offers a post-session prompt after each completed session until the patient writes about it', async () => {
    const w = await createCareWorld(t);
    const s1 = await seedCompletedSession(t, w.patient.patientId, w.patient.id, new Date('2026-05-28T18:00:00Z'));
    const s2 = await seedCompletedSession(t, w.patient.patientId, w.patient.id, new Date('2026-05-31T18:00:00Z'));
    const prompts = await t.app.inject({ method: 'GET', url: `${journalUrl(w)}/prompts`, headers: bearer(w.tokens.patient) });
    expect(prompts.statusCode).toBe(200);
    expect(prompts.json().postSession.map((p: { sessionId: string }) => p.sessionId)).toEqual([s2, s1]);
    const entry = await write(w, { body: 'The colours were vivid.', sessionId: s1 });
    expect(entry.statusCode).toBe(201);
    expect(entry.json().entry.prompt).toMatch(/session/);
    const again = await t.app.inject({ method: 'GET', url: `${journalUrl(w)}/prompts`, headers: bearer(w.tokens.patient) });
    expect(again.json().postSession.map((p: { sessionId: string }) => p.sessionId)).toEqual([s2]);
    const notMine = await write(w, { body: 'x', sessionId: crypto.randomUUID() });
    expect(notMine.statusCode).toBe(422);
  });
});

describe(`integration coaching on ${testEngine}`, () => {
  it('records structured notes, assigns practices, and the patient marks them done', async () => {
    const w = await createCareWorld(t);
    const library = await t.app.inject({ method: 'GET', url: '/api/v1/practices', headers: bearer(w.tokens.patient) });
    const categories = new Set(library.json().items.map((p: { category: string }) => p.category));
    expect(categories).toEqual(new Set(['journaling', 'breathing', 'mindfulness', 'movement']));

    const url = `/api/v1/patients/${w.patient.patientId}/coaching-notes`;
    const note = {
      sessionOn: '2026-06-01',
      themes: ['grief', 'self-compassion'],
      insights: 'Noticed a softer inner voice.',
      practicesAssigned: ['box-breathing', 'post-session-journaling'],
      nextSteps: 'Practise box breathing before bed.',
    };
    expect((await t.app.inject({ method: 'POST', url, headers: bearer(w.tokens.clinician), payload: note })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url, headers: bearer(w.tokens.coach), payload: { ...note, practicesAssigned: ['no-such-practice'] } })).statusCode).toBe(422);
    const created = await t.app.inject({ method: 'POST', url, headers: bearer(w.tokens.coach), payload: note });
    expect(created.statusCode).toBe(201);
    expect(created.json().items[0]).toMatchObject({ themes: ['grief', 'self-compassion'], practicesAssigned: ['box-breathing', 'post-session-journaling'] });
    for (const who of ['patient', 'clinician'] as const) {
      const read = await t.app.inject({ method: 'GET', url, headers: bearer(w.tokens[who]) });
      expect(read.json().items).toHaveLength(1);
    }
    expect((await t.app.inject({ method: 'GET', url, headers: bearer(w.tokens.sitter) })).statusCode).toBe(404);

    const practicesUrl = `/api/v1/patients/${w.patient.patientId}/practices`;
    const assigned = await t.app.inject({ method: 'POST', url: practicesUrl, headers: bearer(w.tokens.clinician), payload: { practiceSlug: 'daily-walk', frequency: 'most days' } });
    expect(assigned.statusCode).toBe(201);
    const list = (await t.app.inject({ method: 'GET', url: practicesUrl, headers: bearer(w.tokens.patient) })).json().items;
    expect(list).toHaveLength(3);
    const walk = list.find((a: { practice: { slug: string } }) => a.practice.slug === 'daily-walk');
    expect((await t.app.inject({ method: 'POST', url: `${practicesUrl}/${walk.id}/done`, headers: bearer(w.tokens.coach), payload: {} })).statusCode).toBe(404);
    const done = await t.app.inject({ method: 'POST', url: `${practicesUrl}/${walk.id}/done`, headers: bearer(w.tokens.patient), payload: { note: 'Twenty minutes by the river' } });
    expect(done.statusCode).toBe(200);
    expect(done.json().items[0]).toMatchObject({ status: 'completed', completedAt: base.toISOString() });
    expect((await t.app.inject({ method: 'POST', url: `${practicesUrl}/${walk.id}/done`, headers: bearer(w.tokens.patient), payload: {} })).statusCode).toBe(409);
  });

  it("shows the coach's caseload with the next session, last note and shared journal count", async () => {
    const w = await createCareWorld(t);
    await setOfficeHours(t, w.tokens.coach, w.coach.id);
    await t.app.inject({ method: 'POST', url: `/api/v1/patients/${w.patient.patientId}/appointments`, headers: bearer(w.tokens.coach), payload: { staffId: w.coach.id, kind: 'integration', startsAt: '2026-06-03T15:00:00Z' } });
    await t.app.inject({ method: 'POST', url: `/api/v1/patients/${w.patient.patientId}/coaching-notes`, headers: bearer(w.tokens.coach), payload: { sessionOn: '2026-05-30', themes: ['sleep'], insights: 'i', nextSteps: 'n' } });
    await write(w, { body: 'shared', sharedWithCoach: true });
    await write(w, { body: 'private' });
    const caseload = await t.app.inject({ method: 'GET', url: '/api/v1/coach/caseload', headers: bearer(w.tokens.coach) });
    expect(caseload.statusCode).toBe(200);
    expect(caseload.json().items).toEqual([
      expect.objectContaining({ patientId: w.patient.patientId, nextIntegrationSession: '2026-06-03T15:00:00.000Z', sharedJournalCount: 1, lastNote: expect.objectContaining({ sessionOn: '2026-05-30' }) }),
    ]);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/coach/caseload', headers: bearer(w.tokens.clinician) })).statusCode).toBe(404);
  });
});
