import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createCareWorld, createPatient, createUser, signIn, signUpByEmail } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';
import { eligibleAnswers, phq9, saveIntake, submitAnswers, testPassword } from './intake-helpers.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
  // The program's licensed states are its active clinicians' licences: CA (and NY) from this one.
  await createUser(t, 'clinician', { stateLicenses: ['CA', 'NY'] });
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await t.database.db.deleteFrom('rate_limits').execute();
});

const newApplicant = async (state = 'CA') => {
  const patient = await createPatient(t, { state });
  return { ...patient, token: await signIn(t, patient) };
};
const getIntake = (token: string, patientId: string) => t.app.inject({ method: 'GET', url: `/api/v1/patients/${patientId}/intake`, headers: bearer(token) });
const decide = (token: string, patientId: string, decision: string, password = testPassword, note = 'Reviewed the intake and the screening.') =>
  t.app.inject({ method: 'POST', url: `/api/v1/patients/${patientId}/intake/decision`, headers: bearer(token), payload: { decision, note, signature: { password } } });
const claim = (token: string, patientId: string) => t.app.inject({ method: 'POST', url: `/api/v1/patients/${patientId}/intake/claim`, headers: bearer(token) });
const queue = async (token: string) => {
  const response = await t.app.inject({ method: 'GET', url: '/api/v1/review-queue', headers: bearer(token) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: { patientId: string; eligibility: string; riskTier: string; flags: string[]; onCareTeam: boolean; submittedAt: string }[] }>().items;
};

describe('intake drafts', () => {
  it('creates the empty draft on first read, saves sections as the patient goes, and reports progress per section', async () => {
    const p = await newApplicant();
    const first = await getIntake(p.token, p.patientId);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'draft', editable: true, answers: {}, screening: null });

    const full = eligibleAnswers();
    const saved = await saveIntake(t, p.token, p.patientId, { demographics: full.demographics, instruments: { phq9: full.instruments?.phq9 } });
    expect(saved.statusCode, saved.body).toBe(200);
    const again = await saveIntake(t, p.token, p.patientId, { medications: { none: true }, instruments: { gad7: full.instruments?.gad7 } });
    const body = again.json<{ answers: Record<string, unknown>; progress: { section: string; complete: boolean; missing: string[] }[] }>();
    // Sections not sent are kept; inside `instruments`, each questionnaire is kept or replaced on its own.
    expect(body.answers).toMatchObject({ demographics: full.demographics, medications: { none: true }, instruments: { phq9: full.instruments?.phq9, gad7: full.instruments?.gad7 } });
    const progress = Object.fromEntries(body.progress.map((s) => [s.section, s]));
    expect(progress['demographics']?.complete).toBe(true);
    expect(progress['medications']?.complete).toBe(true);
    expect(progress['medicalHistory']?.complete).toBe(false);
    expect(progress['instruments']?.missing).toEqual(expect.arrayContaining(['instruments.cssrs-screen']));
  });

  it('refuses unknown fields at any depth with a 422 naming them, and saves nothing', async () => {
    const p = await newApplicant();
    const top = await saveIntake(t, p.token, p.patientId, { demographics: { state: 'CA' }, favouriteColour: 'blue' });
    expect(top.statusCode).toBe(422);
    expect(top.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain('favouriteColour');
    const nested = await saveIntake(t, p.token, p.patientId, { medicalHistory: { aneurysm: false } });
    expect(nested.statusCode).toBe(422);
    expect(nested.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain('medicalHistory.aneurysm');
    const row = await t.database.db.selectFrom('intakes').select('answers').where('patient_id', '=', p.patientId).executeTakeFirst();
    expect(row?.answers ?? {}).toEqual({});
  });
});

describe('screening through HTTP', () => {
  it('screens a complete intake as likely eligible and moves the patient to submitted; the intake is then read-only', async () => {
    const p = await newApplicant();
    const result = await submitAnswers(t, p.token, p.patientId, eligibleAnswers());
    expect(result.status).toBe('submitted');
    expect(result.screening).toMatchObject({ eligibility: 'likely_eligible', reasons: [], dependenceRisk: { tier: 'low', factors: [] } });
    expect(result.assessments.map((a) => a.instrument).sort()).toEqual(['audit', 'audit-c', 'bladder', 'cssrs-screen', 'dast10', 'gad7', 'phq9']);
    expect(result.alerts).toEqual([]);
    expect(result).not.toHaveProperty('crisisResources');
    const patient = await t.database.db.selectFrom('patients').select('status').where('id', '=', p.patientId).executeTakeFirstOrThrow();
    expect(patient.status).toBe('submitted');
    const edit = await saveIntake(t, p.token, p.patientId, { medications: { none: true } });
    expect(edit.statusCode).toBe(409);
    const resubmit = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${p.patientId}/intake/submit`, headers: bearer(p.token) });
    expect(resubmit.statusCode).toBe(409);
  });

  it('finds a history of aneurysm not eligible, naming VASCULAR_ANEURYSM_AVM_ICH and the answer behind it', async () => {
    const p = await newApplicant();
    const result = await submitAnswers(t, p.token, p.patientId, eligibleAnswers((a) => (a.medicalHistory = { ...a.medicalHistory, aneurysmalVascularDisease: true })));
    expect(result.screening.eligibility).toBe('not_eligible');
    const reason = result.screening.reasons.find((r) => r.rule === 'VASCULAR_ANEURYSM_AVM_ICH');
    expect(reason).toMatchObject({ outcome: 'exclude', answers: expect.objectContaining({ 'medicalHistory.aneurysmalVascularDisease': true }) });
  });

  it('sends an intake with the medication section missing to review, never likely eligible', async () => {
    const p = await newApplicant();
    const result = await submitAnswers(t, p.token, p.patientId, eligibleAnswers((a) => delete a.medications));
    expect(result.screening.eligibility).toBe('needs_review');
    expect(result.screening.missingSections).toEqual(['medications']);
    expect(result.screening.reasons.map((r) => r.rule)).toEqual(['MISSING_ANSWERS']);
  });

  it('submits an empty intake as needs review, with every section missing', async () => {
    const p = await newApplicant();
    const submitted = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${p.patientId}/intake/submit`, headers: bearer(p.token) });
    expect(submitted.statusCode).toBe(200);
    expect(submitted.json()).toMatchObject({ screening: { eligibility: 'needs_review' } });
    expect(submitted.json<{ screening: { missingSections: string[] } }>().screening.missingSections).toHaveLength(7);
  });

  it('raises the dependence risk tier for a family history of substance use', async () => {
    const p = await newApplicant();
    const result = await submitAnswers(t, p.token, p.patientId, eligibleAnswers((a) => (a.substanceUse = { ...a.substanceUse, familyHistoryOfSud: true })));
    expect(result.screening.dependenceRisk.tier).toBe('elevated');
    expect(result.screening.dependenceRisk.factors.map((f) => f.code)).toEqual(['FAMILY_HISTORY_SUD']);
    expect(result.screening.eligibility).toBe('needs_review');
    expect(result.screening.reasons.map((r) => r.rule)).toEqual(['SUBSTANCE_RISK_FACTORS']);
    const row = await t.database.db.selectFrom('intakes').select(['risk_tier', 'eligibility']).where('patient_id', '=', p.patientId).executeTakeFirstOrThrow();
    expect(row).toEqual({ risk_tier: 'elevated', eligibility: 'needs_review' });
  });

  it('excludes a patient located where no active clinician is licensed (the program licensed states)', async () => {
    const p = await newApplicant('WY');
    const result = await submitAnswers(t, p.token, p.patientId, eligibleAnswers(undefined, 'WY'));
    expect(result.screening.eligibility).toBe('not_eligible');
    expect(result.screening.reasons.find((r) => r.rule === 'STATE_NOT_LICENSED')).toMatchObject({ outcome: 'exclude' });
  });

  it('raises the safety alert at once when the intake PHQ-9 item 9 is positive, and shows crisis resources', async () => {
    const p = await newApplicant();
    const answers = eligibleAnswers((a) => {
      a.instruments = { ...a.instruments, phq9: phq9([2, 2, 2, 2, 2, 2, 2, 2, 2]) };
    });
    const draft = await saveIntake(t, p.token, p.patientId, answers);
    expect(draft.json()).toHaveProperty('crisisResources');
    const submitted = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${p.patientId}/intake/submit`, headers: bearer(p.token) });
    const result = submitted.json<{ alerts: { id: string; code: string }[]; assessments: { id: string; instrument: string }[]; crisisResources?: unknown[]; screening: { eligibility: string; flags: string[] } }>();
    expect(result.alerts.map((a) => a.code)).toEqual(['SUICIDE_RISK_PHQ9_ITEM9']);
    expect(result.crisisResources?.length).toBeGreaterThan(0);
    expect(result.screening.flags[0]).toBe('PHQ9_ITEM9_POSITIVE');
    const phq = result.assessments.find((a) => a.instrument === 'phq9');
    const alert = await t.database.db.selectFrom('alerts').selectAll().where('id', '=', result.alerts[0]!.id).executeTakeFirstOrThrow();
    expect(alert.evidence).toEqual([expect.objectContaining({ type: 'assessment', id: phq?.id })]);
    const stored = await t.database.db.selectFrom('assessments').selectAll().where('id', '=', phq!.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ context: 'intake', patient_id: p.patientId });
  });

  it('raises a critical alert for C-SSRS high in the intake', async () => {
    const p = await newApplicant();
    const result = await submitAnswers(t, p.token, p.patientId, eligibleAnswers((a) => {
      a.instruments = { ...a.instruments, 'cssrs-screen': { q1: true, q2: true, q3: true, q4: false, q5: true, q6: false } };
    }));
    expect(result.alerts).toEqual([expect.objectContaining({ code: 'SUICIDE_RISK_CSSRS_HIGH', severity: 'critical' })]);
    expect(result.screening.eligibility).toBe('not_eligible');
    expect(result.crisisResources).toBeDefined();
  });
});

describe('clinician review', () => {
  it('shows the queue oldest first, with eligibility, risk tier and flags, to clinicians licensed in the state', async () => {
    const reviewer = await createUser(t, 'clinician', { stateLicenses: ['OR'] });
    const elsewhere = await createUser(t, 'clinician', { stateLicenses: ['FL'] });
    const older = await newApplicant('OR');
    const newer = await newApplicant('OR');
    await submitAnswers(t, older.token, older.patientId, eligibleAnswers((a) => (a.substanceUse = { ...a.substanceUse, familyHistoryOfSud: true }), 'OR'));
    t.clock.advanceMinutes(5);
    await submitAnswers(t, newer.token, newer.patientId, eligibleAnswers((a) => {
      a.instruments = { ...a.instruments, phq9: phq9([1, 1, 1, 1, 1, 1, 1, 1, 1]) };
    }, 'OR'));

    const items = await queue(await signIn(t, reviewer));
    expect(items.map((i) => i.patientId)).toEqual([older.patientId, newer.patientId]);
    expect(items[0]).toMatchObject({ eligibility: 'needs_review', riskTier: 'elevated', onCareTeam: false });
    expect(items[1]).toMatchObject({ flags: expect.arrayContaining(['PHQ9_ITEM9_POSITIVE']), openSafetyAlerts: 1 });
    expect((await queue(await signIn(t, elsewhere))).map((i) => i.patientId)).not.toContain(older.patientId);
    const patientView = await t.app.inject({ method: 'GET', url: '/api/v1/review-queue', headers: bearer(older.token) });
    expect(patientView.statusCode).toBe(404);
  });

  it('lets a licensed clinician claim, then sign an approval; changing the stored decision breaks its signature', async () => {
    const reviewer = await createUser(t, 'clinician', { stateLicenses: ['CA'] });
    const unlicensed = await createUser(t, 'clinician', { stateLicenses: ['FL'] });
    const reviewerToken = await signIn(t, reviewer);
    const p = await newApplicant('CA');
    await submitAnswers(t, p.token, p.patientId, eligibleAnswers());

    // Not on the care team yet: the decision route does not know this patient.
    expect((await decide(reviewerToken, p.patientId, 'approve')).statusCode).toBe(404);
    expect((await claim(await signIn(t, unlicensed), p.patientId)).statusCode).toBe(404);
    const claimed = await claim(reviewerToken, p.patientId);
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(claimed.json()).toMatchObject({ primary: true, alreadyOnCareTeam: false });
    expect((await queue(reviewerToken)).find((i) => i.patientId === p.patientId)?.onCareTeam).toBe(true);

    const wrong = await decide(reviewerToken, p.patientId, 'approve', 'not-the-password');
    expect(wrong.statusCode).toBe(422);
    expect(await t.database.db.selectFrom('intake_decisions').select('id').where('patient_id', '=', p.patientId).execute()).toHaveLength(0);

    const approved = await decide(reviewerToken, p.patientId, 'approve', testPassword, 'Eligible; discussed risks; sitter named.');
    expect(approved.statusCode, approved.body).toBe(201);
    const decision = approved.json<{ id: string; signatureValid: boolean; signature: { meaning: string; printedName: string; recordId: string }; intakeStatus: string; patientStatus: string }>();
    expect(decision).toMatchObject({ signatureValid: true, intakeStatus: 'approved', patientStatus: 'approved', signature: { meaning: 'approved', printedName: reviewer.name, recordId: decision.id } });
    expect((await queue(reviewerToken)).map((i) => i.patientId)).not.toContain(p.patientId);
    expect((await decide(reviewerToken, p.patientId, 'decline')).statusCode).toBe(409);

    const read = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${p.patientId}/intake/decision`, headers: bearer(p.token) });
    expect(read.json()).toMatchObject({ id: decision.id, decision: 'approve', signatureValid: true });

    // The table refuses changes; a change made behind the trigger's back no longer verifies.
    await expect(sql`UPDATE intake_decisions SET decision = 'decline' WHERE id = ${decision.id}`.execute(t.database.db)).rejects.toThrow(/append-only/);
    await sql`ALTER TABLE intake_decisions DISABLE TRIGGER intake_decisions_append_only`.execute(t.database.db);
    try {
      await sql`UPDATE intake_decisions SET note = 'Declined.' WHERE id = ${decision.id}`.execute(t.database.db);
    } finally {
      await sql`ALTER TABLE intake_decisions ENABLE TRIGGER intake_decisions_append_only`.execute(t.database.db);
    }
    const tampered = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${p.patientId}/intake/decision`, headers: bearer(reviewerToken) });
    expect(tampered.json()).toMatchObject({ id: decision.id, note: 'Declined.', signatureValid: false });
  });

  it('lets a licensed clinician open, claim and approve the intake of an applicant who signed up on their own', async () => {
    // Through the public sign-up, as a new applicant does: no care team, no seeded rows.
    const email = `self-signup-${crypto.randomUUID()}@example.test`;
    const signup = await signUpByEmail(t, { email, password: testPassword, name: 'Sam Self-Signup', dateOfBirth: '1988-03-04', state: 'NY' }, { 'x-forwarded-for': '203.0.113.77' });
    expect(signup.statusCode, signup.body).toBe(201);
    const applicantToken = signup.json<{ token: string }>().token;
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(applicantToken) });
    const patientId = me.json<{ patientId: string }>().patientId;
    expect(patientId).toMatch(/^[0-9a-f-]{36}$/);
    await submitAnswers(t, applicantToken, patientId, eligibleAnswers(undefined, 'NY'));

    const reviewer = await createUser(t, 'clinician', { stateLicenses: ['NY'] });
    const reviewerToken = await signIn(t, reviewer);
    const stranger = await signIn(t, await createUser(t, 'clinician', { stateLicenses: ['FL'] }));
    expect((await queue(reviewerToken)).find((i) => i.patientId === patientId)).toMatchObject({ onCareTeam: false, eligibility: 'likely_eligible' });

    // "Claim and review": the reviewer reads what is in the queue before deciding to take it.
    const before = await getIntake(reviewerToken, patientId);
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toMatchObject({ status: 'submitted', screening: { eligibility: 'likely_eligible' } });
    // A clinician who cannot see the intake in their queue still learns nothing.
    expect((await getIntake(stranger, patientId)).statusCode).toBe(404);

    expect((await claim(reviewerToken, patientId)).statusCode).toBe(200);
    const after = await getIntake(reviewerToken, patientId);
    expect(after.statusCode, after.body).toBe(200);
    const approved = await decide(reviewerToken, patientId, 'approve', testPassword, 'Eligible after review.');
    expect(approved.statusCode, approved.body).toBe(201);
    expect(approved.json()).toMatchObject({ intakeStatus: 'approved', patientStatus: 'approved' });
    expect((await getIntake(applicantToken, patientId)).json()).toMatchObject({ status: 'approved' });
    // Once decided the intake leaves the queue: a licensed clinician outside the care team no longer reads it.
    const later = await signIn(t, await createUser(t, 'clinician', { stateLicenses: ['NY'] }));
    expect((await getIntake(later, patientId)).statusCode).toBe(404);
  });

  it('keeps an internal decision note from the patient; a note marked visible reaches them', async () => {
    const reviewer = await createUser(t, 'clinician', { stateLicenses: ['CA'] });
    const token = await signIn(t, reviewer);
    const p = await newApplicant('CA');
    await submitAnswers(t, p.token, p.patientId, eligibleAnswers());
    expect((await claim(token, p.patientId)).statusCode).toBe(200);
    const internal = await t.app.inject({
      method: 'POST',
      url: `/api/v1/patients/${p.patientId}/intake/decision`,
      headers: bearer(token),
      payload: { decision: 'request_info', note: 'Check the family history with the GP before approving.', noteVisibleToPatient: false, signature: { password: testPassword } },
    });
    expect(internal.statusCode, internal.body).toBe(201);
    expect(internal.json()).toMatchObject({ noteVisibleToPatient: false, signatureValid: true, record: { noteVisibleToPatient: false } });

    const asPatient = (await getIntake(p.token, p.patientId)).json<{ latestDecision: { note: string | null; noteVisibleToPatient: boolean } }>();
    expect(asPatient.latestDecision).toMatchObject({ note: null, noteVisibleToPatient: false });
    const decisionForPatient = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${p.patientId}/intake/decision`, headers: bearer(p.token) });
    expect(decisionForPatient.json()).toMatchObject({ note: null, signatureValid: true });
    expect(JSON.stringify(decisionForPatient.json())).not.toContain('family history with the GP');
    const asClinician = (await getIntake(token, p.patientId)).json<{ latestDecision: { note: string } }>();
    expect(asClinician.latestDecision.note).toBe('Check the family history with the GP before approving.');

    // Resubmitted, then approved with a note for the patient: they read it.
    await submitAnswers(t, p.token, p.patientId, {});
    t.clock.advanceMinutes(1);
    const approved = await decide(token, p.patientId, 'approve', testPassword, 'Welcome to the program.');
    expect(approved.json()).toMatchObject({ noteVisibleToPatient: true });
    expect((await getIntake(p.token, p.patientId)).json()).toMatchObject({ latestDecision: { note: 'Welcome to the program.', noteVisibleToPatient: true } });
  });

  it('reopens the intake when more information is requested; the patient edits and resubmits', async () => {
    const world = await createCareWorld(t);
    const id = world.patient.patientId;
    await submitAnswers(t, world.tokens.patient, id, eligibleAnswers((a) => delete a.medications));
    const requested = await decide(world.tokens.clinician, id, 'request_info', testPassword, 'Please list your current medications.');
    expect(requested.statusCode, requested.body).toBe(201);
    expect(requested.json()).toMatchObject({ intakeStatus: 'info_requested', patientStatus: 'intake', signature: { meaning: 'requested_information' } });

    const reopened = await getIntake(world.tokens.patient, id);
    expect(reopened.json()).toMatchObject({ status: 'info_requested', editable: true, latestDecision: { decision: 'request_info', note: 'Please list your current medications.' } });
    const resubmitted = await submitAnswers(t, world.tokens.patient, id, { medications: { none: true } });
    expect(resubmitted.screening.eligibility).toBe('likely_eligible');
    expect((await queue(world.tokens.clinician)).map((i) => i.patientId)).toContain(id);

    t.clock.advanceMinutes(1);
    const declined = await decide(world.tokens.clinician, id, 'decline', testPassword, 'Declined after discussion.');
    expect(declined.json()).toMatchObject({ intakeStatus: 'declined', patientStatus: 'declined' });
    const history = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${id}/intake/decisions`, headers: bearer(world.tokens.clinician) });
    expect(history.json<{ items: { decision: string; signatureValid: boolean }[] }>().items.map((d) => [d.decision, d.signatureValid])).toEqual([
      ['decline', true],
      ['request_info', true],
    ]);
  });

  it('hides the intake, screening and decision from the sitter, the coach and other patients, and changes nothing', async () => {
    const world = await createCareWorld(t);
    const id = world.patient.patientId;
    await saveIntake(t, world.tokens.patient, id, { demographics: { state: 'CA' } });
    const before = await t.database.db.selectFrom('intakes').selectAll().where('patient_id', '=', id).executeTakeFirstOrThrow();
    for (const token of [world.tokens.sitter, world.tokens.coach, world.tokens.otherPatient, world.tokens.admin]) {
      for (const path of ['intake', 'screening', 'intake/decision', 'intake/decisions', 'assessments']) {
        const response = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${id}/${path}`, headers: bearer(token) });
        expect(response.statusCode, `${path}`).toBe(404);
      }
      expect((await saveIntake(t, token, id, { demographics: { state: 'NY' } })).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'POST', url: `/api/v1/patients/${id}/intake/submit`, headers: bearer(token) })).statusCode).toBe(404);
      expect((await decide(token, id, 'approve')).statusCode).toBe(404);
    }
    // The care-team clinician reads but cannot write the patient's answers.
    expect((await getIntake(world.tokens.clinician, id)).statusCode).toBe(200);
    expect((await saveIntake(t, world.tokens.clinician, id, { demographics: { state: 'NY' } })).statusCode).toBe(404);
    const after = await t.database.db.selectFrom('intakes').selectAll().where('patient_id', '=', id).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    const denials = await t.database.db.selectFrom('audit_log').select('id').where('patient_id', '=', id).where('outcome', '=', 'denied').execute();
    expect(denials.length).toBeGreaterThan(0);
  });

  it.runIf(onPostgres)('records one decision when two are signed at once', async () => {
    const world = await createCareWorld(t);
    const id = world.patient.patientId;
    await submitAnswers(t, world.tokens.patient, id, eligibleAnswers());
    const results = await Promise.all([decide(world.tokens.clinician, id, 'approve'), decide(world.tokens.clinician, id, 'decline')]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(await t.database.db.selectFrom('intake_decisions').select('id').where('patient_id', '=', id).execute()).toHaveLength(1);
  });

  it('does not let a clinician claim an intake that is not awaiting review', async () => {
    const reviewer = await createUser(t, 'clinician', { stateLicenses: ['CA'] });
    const p = await newApplicant('CA');
    await saveIntake(t, p.token, p.patientId, { demographics: { state: 'CA' } });
    expect((await claim(await signIn(t, reviewer), p.patientId)).statusCode).toBe(404);
    const team = await t.database.db.selectFrom('care_team_members').select('id').where('patient_id', '=', p.patientId).execute();
    expect(team).toHaveLength(0);
  });
});
