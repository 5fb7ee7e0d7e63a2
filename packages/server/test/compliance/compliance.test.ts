// Prescribing compliance through the HTTP API (docs/compliance.md): the records (pathway, credentials, PDMP checks),
// who may touch them, the refusals of plan signing, dispensing and the session gate with every reason, the lapse list,
// the expiry list and the notices. The end of the telemedicine flexibilities is in flexibility-boundary.test.ts (it
// sets the clock and a program setting, so it has a database of its own).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendComplianceNotices } from '../../src/use-cases/compliance/compliance-notices.ts';
import { assignCareTeam, bearer, createUser, recordTestPdmpCheck, signIn, testPassword } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import {
  DAY,
  HOUR,
  authorize,
  codes,
  createWorld,
  dispense,
  dispenseCall,
  expectStatus,
  pathwayUrl,
  prepare,
  schedule,
  signedPlan,
  terms,
  type World,
} from '../treatment/treatment-world.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const reasonCodes = (body: { reasons?: { code: string }[] }) => (body.reasons ?? []).map((r) => r.code);
const pdmpUrl = (w: World) => `/api/v1/patients/${w.patient.patientId}/pdmp-checks`;
const pdmpBody = (at: Date, over: Record<string, unknown> = {}) => ({
  checkedAt: at.toISOString(),
  states: ['CA'],
  resultSummary: 'CURES searched; nothing else on file.',
  otherControlledPrescriptions: [],
  otherPrescriberFound: false,
  ...over,
});
const document = { filename: 'licence.pdf', contentType: 'application/pdf', base64: Buffer.from('%PDF-1.4 a licence').toString('base64') };

async function draftPlan(w: World): Promise<string> {
  const draft = await expectStatus(w.call('clinician', 'POST', `/api/v1/patients/${w.patient.patientId}/plans`, { terms: terms() }), 201);
  return draft.json<{ plan: { id: string } }>().plan.id;
}
const sign = (w: World, planId: string) => w.call('clinician', 'POST', `/api/v1/plans/${planId}/sign`, { signature: { password: testPassword } });

describe('the prescribing pathway', () => {
  it('a prescriber on the care team records one with their e-signature; it supersedes the last and is audited', async () => {
    const w = await createWorld(t);
    const before = (await expectStatus(w.call('clinician', 'GET', pathwayUrl(w)), 200)).json<{ pathway: { id: string; kind: string } }>().pathway;
    expect(before.kind).toBe('in_person_evaluation');
    const created = await expectStatus(
      w.call('clinician', 'POST', pathwayUrl(w), {
        kind: 'referral_from_in_person_clinician',
        referringClinician: 'Dr A. Reyes, MD',
        referredOn: '2026-05-20',
        documentReference: 'referral-2026-05-20.pdf',
        signature: { password: testPassword },
      }),
      201,
    );
    expect(created.json()).toMatchObject({
      pathway: {
        kind: 'referral_from_in_person_clinician',
        details: { referringClinician: 'Dr A. Reyes, MD', referredOn: '2026-05-20', documentReference: 'referral-2026-05-20.pdf' },
        prescriberId: w.clinician.id,
        prescriberName: w.clinician.name,
        signedAt: '2026-06-01T12:00:00.000Z',
        supersededAt: null,
      },
    });
    const rows = await t.database.db.selectFrom('prescribing_pathways').select(['id', 'superseded_at', 'superseded_by', 'signature_id']).where('patient_id', '=', w.patient.patientId).orderBy('signed_at').execute();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ id: before.id, superseded_by: created.json<{ pathway: { id: string } }>().pathway.id });
    expect(rows[1]?.signature_id).not.toBeNull();
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('patient_id', '=', w.patient.patientId).where('action', 'in', ['prescribing_pathway.record', 'signature.sign', 'prescribing_pathway.read']).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['prescribing_pathway.read', 'prescribing_pathway.record', 'signature.sign']);
  });

  it('refuses a wrong password, a field missing for the kind and one of another kind (422 naming them)', async () => {
    const w = await createWorld(t);
    await expectStatus(w.call('clinician', 'POST', pathwayUrl(w), { kind: 'telemedicine_flexibility', signature: { password: 'not it' } }), 422);
    const missing = await expectStatus(w.call('clinician', 'POST', pathwayUrl(w), { kind: 'in_person_evaluation', evaluatedOn: '2026-05-01', signature: { password: testPassword } }), 422);
    expect(missing.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['location', 'attestation']);
    const extra = await expectStatus(w.call('clinician', 'POST', pathwayUrl(w), { kind: 'telemedicine_flexibility', registrationNumber: 'X1', signature: { password: testPassword } }), 422);
    expect(extra.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['registrationNumber']);
  });

  it('the patient, the sitter, a coach and the admin cannot write it; only the care team clinician reads it', async () => {
    const w = await createWorld(t);
    const coach = await createUser(t, 'coach');
    await assignCareTeam(t, w.patient.patientId, coach.id, 'coach');
    const coachToken = await signIn(t, coach);
    const body = { kind: 'telemedicine_flexibility', signature: { password: testPassword } };
    for (const who of ['patient', 'sitter', 'admin'] as const) await expectStatus(w.call(who, 'POST', pathwayUrl(w), body), 404);
    await expectStatus(t.app.inject({ method: 'POST', url: pathwayUrl(w), headers: bearer(coachToken), payload: body }), 404);
    for (const who of ['patient', 'sitter', 'admin'] as const) await expectStatus(w.call(who, 'GET', pathwayUrl(w)), 404);
    await expectStatus(t.app.inject({ method: 'GET', url: pathwayUrl(w), headers: bearer(coachToken) }), 404);
  });
});

describe('credentials', () => {
  it('an admin records a DEA registration with its document; the clinician reads their own, not another’s', async () => {
    const w = await createWorld(t);
    const other = await createUser(t, 'clinician');
    const url = `/api/v1/clinicians/${w.clinician.id}/credentials`;
    const created = await expectStatus(
      w.call('admin', 'POST', url, { kind: 'dea_registration', number: 'FM7654321', state: 'TX', schedules: ['III', 'IIIN', 'IV', 'V'], expiresOn: '2027-03-31', document }),
      201,
    );
    expect(created.json()).toMatchObject({
      credential: { clinicianId: w.clinician.id, kind: 'dea_registration', number: 'FM7654321', state: 'TX', schedules: ['III', 'IIIN', 'IV', 'V'], expiresOn: '2027-03-31', documentName: 'licence.pdf', createdBy: w.admin.id },
    });
    const id = created.json<{ credential: { id: string } }>().credential.id;
    const own = (await expectStatus(w.call('clinician', 'GET', url), 200)).json<{ credentials: { number: string; state: string }[] }>();
    expect(own.credentials.filter((c) => c.state === 'TX').map((c) => c.number)).toEqual(['FM7654321']);
    const doc = await expectStatus(w.call('clinician', 'GET', `/api/v1/credentials/${id}/document`), 200);
    expect(doc.headers['content-type']).toBe('application/pdf');
    expect(doc.rawPayload.toString()).toBe('%PDF-1.4 a licence');
    const otherToken = await signIn(t, other);
    await expectStatus(t.app.inject({ method: 'GET', url, headers: bearer(otherToken) }), 404);
    await expectStatus(t.app.inject({ method: 'GET', url: `/api/v1/credentials/${id}/document`, headers: bearer(otherToken) }), 404);
  });

  it('only an admin records one; a licence lists no schedules; a DEA registration lists some', async () => {
    const w = await createWorld(t);
    const url = `/api/v1/clinicians/${w.clinician.id}/credentials`;
    const licence = { kind: 'state_licence', number: 'A12345', state: 'CA', expiresOn: '2028-01-31', document };
    for (const who of ['clinician', 'patient', 'sitter'] as const) await expectStatus(w.call(who, 'POST', url, licence), 404);
    await expectStatus(w.call('patient', 'GET', url), 404);
    await expectStatus(w.call('admin', 'POST', url, { ...licence, schedules: ['III'] }), 422);
    await expectStatus(w.call('admin', 'POST', url, { ...licence, kind: 'dea_registration' }), 422);
    await expectStatus(w.call('admin', 'POST', url, licence), 201);
  });

  it('the expiry list (admin only) shows what expires within the window with the days left, in the program’s date', async () => {
    const w = await createWorld(t);
    const url = `/api/v1/clinicians/${w.clinician.id}/credentials`;
    // Today is 2026-06-01 in New York (12:00Z is 08:00 EDT).
    await expectStatus(w.call('admin', 'POST', url, { kind: 'state_licence', number: 'WA-1', state: 'WA', expiresOn: '2026-06-11', document }), 201);
    await expectStatus(w.call('admin', 'POST', url, { kind: 'state_licence', number: 'OR-1', state: 'OR', expiresOn: '2026-07-15', document }), 201);
    const list = (await expectStatus(w.call('admin', 'GET', '/api/v1/credentials/expiring?withinDays=30'), 200)).json<{ credentials: { number: string; daysLeft: number; clinicianName: string }[] }>();
    const mine = list.credentials.filter((c) => c.clinicianName === w.clinician.name);
    expect(mine.map((c) => [c.number, c.daysLeft])).toEqual([['WA-1', 10]]);
    const wider = (await expectStatus(w.call('admin', 'GET', '/api/v1/credentials/expiring?withinDays=60'), 200)).json<{ credentials: { number: string; daysLeft: number; clinicianName: string }[] }>();
    expect(wider.credentials.filter((c) => c.clinicianName === w.clinician.name).map((c) => [c.number, c.daysLeft])).toEqual([
      ['WA-1', 10],
      ['OR-1', 44],
    ]);
    await expectStatus(w.call('clinician', 'GET', '/api/v1/credentials/expiring'), 404);
  });
});

describe('PDMP checks', () => {
  it('a clinician on the care team records one; "another prescriber found" raises MULTIPLE_PRESCRIBERS in the same write', async () => {
    const w = await createWorld(t);
    const created = await expectStatus(
      w.call('clinician', 'POST', pdmpUrl(w), pdmpBody(t.clock.now(), { otherPrescriberFound: true, otherControlledPrescriptions: [{ drug: 'alprazolam 1 mg', prescriber: 'Dr B. Other', filledOn: '2026-05-28' }] })),
      201,
    );
    expect(created.json()).toMatchObject({ check: { states: ['CA'], otherPrescriberFound: true, otherControlledPrescriptions: [{ drug: 'alprazolam 1 mg', prescriber: 'Dr B. Other', filledOn: '2026-05-28' }], checkedBy: w.clinician.id } });
    const risk = (await expectStatus(w.call('clinician', 'GET', `/api/v1/patients/${w.patient.patientId}/risk`), 200)).json<{ signals: { code: string }[] }>();
    expect(risk.signals.map((s) => s.code)).toContain('MULTIPLE_PRESCRIBERS');
    const list = (await expectStatus(w.call('clinician', 'GET', pdmpUrl(w)), 200)).json<{ checks: { otherPrescriberFound: boolean }[] }>();
    expect(list.checks[0]?.otherPrescriberFound).toBe(true);
  });

  it('refuses a check dated in the future; the patient, the sitter and the admin cannot record or read one', async () => {
    const w = await createWorld(t);
    await expectStatus(w.call('clinician', 'POST', pdmpUrl(w), pdmpBody(new Date(t.clock.now().getTime() + DAY))), 422);
    for (const who of ['patient', 'sitter', 'admin'] as const) {
      await expectStatus(w.call(who, 'POST', pdmpUrl(w), pdmpBody(t.clock.now())), 404);
      await expectStatus(w.call(who, 'GET', pdmpUrl(w)), 404);
    }
  });
});

describe('refusals with every reason', () => {
  it('plan signing: no pathway, no licence or DEA registration for the state, no PDMP check within 30 days', async () => {
    const w = await createWorld(t);
    const db = t.database.db;
    await db.deleteFrom('prescribing_pathways').where('patient_id', '=', w.patient.patientId).execute();
    await db.deleteFrom('prescriber_credentials').where('clinician_id', '=', w.clinician.id).where('state', '=', 'CA').execute();
    t.clock.advance(30 * DAY + 1);
    await w.refresh();
    const planId = await draftPlan(w);
    const refused = await expectStatus(sign(w, planId), 422);
    expect(refused.json()).toMatchObject({ code: 'PRESCRIBING_NOT_COMPLIANT', action: 'sign_plan' });
    expect(reasonCodes(refused.json())).toEqual(['PRESCRIBING_PATHWAY_MISSING', 'PRESCRIBER_LICENCE_MISSING', 'PRESCRIBER_DEA_MISSING', 'PDMP_CHECK_MISSING']);
    const plan = await db.selectFrom('treatment_plans').select('status').where('id', '=', planId).executeTakeFirstOrThrow();
    expect(plan.status).toBe('draft');
  });

  it('plan signing: a PDMP check exactly 30 days old still counts', async () => {
    const w = await createWorld(t);
    t.clock.advance(30 * DAY);
    await w.refresh();
    await expectStatus(sign(w, await draftPlan(w)), 200);
  });

  it('dispensing: a PDMP check at every fill — none since the previous fill refuses the next', async () => {
    const w = await createWorld(t);
    await signedPlan(w);
    // The first fill rests on a check made an hour before it.
    await t.database.db.deleteFrom('pdmp_checks').where('patient_id', '=', w.patient.patientId).execute();
    await recordTestPdmpCheck(t, w.patient.patientId, w.clinician.id, new Date(t.clock.now().getTime() - HOUR));
    await expectStatus(dispenseCall(w), 201);
    t.clock.advance(DAY);
    await w.refresh();
    const refused = await expectStatus(dispenseCall(w), 422);
    expect(reasonCodes(refused.json())).toEqual(['PDMP_CHECK_MISSING']);
    await expectStatus(w.call('clinician', 'POST', pdmpUrl(w), pdmpBody(t.clock.now())), 201);
    await expectStatus(dispenseCall(w), 201);
  });

  it('dispensing: the seventh fill of one prescription is refused (5 refills, 21 CFR 1306.22)', async () => {
    const w = await createWorld(t);
    await signedPlan(w);
    for (let fill = 1; fill <= 6; fill++) {
      await dispense(w, 1);
      t.clock.advance(DAY);
      await w.refresh();
    }
    await recordTestPdmpCheck(t, w.patient.patientId, w.clinician.id);
    const refused = await expectStatus(dispenseCall(w), 422);
    expect(reasonCodes(refused.json())).toEqual(['PRESCRIPTION_REFILLS_EXHAUSTED']);
  });

  it('the session gate: the dose is blocked with the compliance reasons, beside any other', async () => {
    const w = await createWorld(t);
    await signedPlan(w);
    await dispense(w, 3);
    await t.database.db.deleteFrom('prescriber_credentials').where('clinician_id', '=', w.clinician.id).where('kind', '=', 'dea_registration').execute();
    await t.database.db.deleteFrom('prescribing_pathways').where('patient_id', '=', w.patient.patientId).execute();
    const sessionId = await schedule(w);
    await prepare(w, sessionId);
    const result = await authorize(w, sessionId);
    expect(result.outcome).toBe('blocked');
    expect(codes(result)).toEqual(['PRESCRIBING_PATHWAY_MISSING', 'PRESCRIBER_DEA_MISSING']);
  });

  it('the start re-runs the check: a pathway withdrawn after the go-ahead refuses the start with its reason', async () => {
    const w = await createWorld(t);
    await signedPlan(w);
    await dispense(w, 3);
    const sessionId = await schedule(w);
    await prepare(w, sessionId);
    expect((await authorize(w, sessionId)).outcome).toBe('authorized');
    await t.database.db.deleteFrom('prescribing_pathways').where('patient_id', '=', w.patient.patientId).execute();
    const refused = await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/start`), 409);
    expect(refused.json()).toMatchObject({ code: 'SESSION_START_REFUSED' });
    expect(reasonCodes(refused.json())).toEqual(['PRESCRIBING_PATHWAY_MISSING']);
  });

  it('the session gate: no PDMP check within 90 days blocks the dose', async () => {
    const w = await createWorld(t);
    await signedPlan(w);
    await dispense(w, 3);
    await t.database.db.deleteFrom('pdmp_checks').where('patient_id', '=', w.patient.patientId).execute();
    await recordTestPdmpCheck(t, w.patient.patientId, w.clinician.id, new Date(t.clock.now().getTime() - 90 * DAY - 1));
    const sessionId = await schedule(w);
    await prepare(w, sessionId);
    expect(codes(await authorize(w, sessionId))).toEqual(['PDMP_CHECK_MISSING']);
  });
});

describe('the lapse list and the notices', () => {
  it('lists active telemedicine patients: a clinician their own, the admin everyone; the notices go 30 and 7 days before, once', async () => {
    const w = await createWorld(t);
    const other = await createWorld(t);
    await t.database.db.updateTable('patients').set({ status: 'active' }).where('id', 'in', [w.patient.patientId, other.patient.patientId]).execute();
    for (const x of [w, other]) await expectStatus(x.call('clinician', 'POST', pathwayUrl(x), { kind: 'telemedicine_flexibility', signature: { password: testPassword } }), 201);

    const mine = (await expectStatus(w.call('clinician', 'GET', '/api/v1/compliance/lapse-list'), 200)).json<{ flexibilityUntil: string; patients: { patientId: string; lapsesOn: string; clinicianId: string; pathwayKind: string }[] }>();
    expect(mine.patients).toEqual([{ patientId: w.patient.patientId, name: w.patient.name, clinicianId: w.clinician.id, clinicianName: w.clinician.name, pathwayKind: 'telemedicine_flexibility', lapsesOn: '2027-01-01' }]);
    const all = (await expectStatus(w.call('admin', 'GET', '/api/v1/compliance/lapse-list'), 200)).json<{ flexibilityUntil: string; patients: { patientId: string }[] }>();
    expect(all.flexibilityUntil).toBe('2026-12-31');
    expect(all.patients.map((p) => p.patientId)).toEqual(expect.arrayContaining([w.patient.patientId, other.patient.patientId]));
    for (const who of ['patient', 'sitter'] as const) await expectStatus(w.call(who, 'GET', '/api/v1/compliance/lapse-list'), 404);

    const outbox = async (prefix: string) =>
      (await t.database.db.selectFrom('notification_outbox').select(['cause', 'recipient', 'body']).where('cause', 'like', `${prefix}%`).execute()).filter((m) => m.recipient === w.clinician.email);
    // 32 days before: nothing yet.
    await sendComplianceNotices(t.deps, new Date('2026-11-29T14:00:00.000Z'));
    expect(await outbox('compliance-lapse:')).toEqual([]);
    // 30 days before (1 December in New York): the clinician's notice, once however often the job runs.
    await sendComplianceNotices(t.deps, new Date('2026-12-01T14:00:00.000Z'));
    await sendComplianceNotices(t.deps, new Date('2026-12-01T18:00:00.000Z'));
    const thirty = await outbox('compliance-lapse:2026-12-31:30:');
    expect(thirty).toHaveLength(1);
    expect(thirty[0]?.body).toContain('1 of your patients are prescribed under the telemedicine flexibilities, which end on 2026-12-31');
    // 7 days before (24 December): the second notice.
    await sendComplianceNotices(t.deps, new Date('2026-12-24T14:00:00.000Z'));
    expect(await outbox('compliance-lapse:2026-12-31:7:')).toHaveLength(1);
    const admins = await t.database.db.selectFrom('notification_outbox').select('cause').where('cause', '=', `compliance-lapse:2026-12-31:7:${w.admin.id}`).execute();
    expect(admins).toHaveLength(1);
  });

  it('a credential expiring within 30 days is notified to the clinician and the admins, once', async () => {
    const w = await createWorld(t);
    await expectStatus(w.call('admin', 'POST', `/api/v1/clinicians/${w.clinician.id}/credentials`, { kind: 'state_licence', number: 'CO-9', state: 'CO', expiresOn: '2026-07-01', document }), 201);
    // 26 days before it expires (5 June in New York), twice.
    await sendComplianceNotices(t.deps, new Date('2026-06-05T14:00:00.000Z'));
    await sendComplianceNotices(t.deps, new Date('2026-06-05T15:00:00.000Z'));
    const rows = await t.database.db.selectFrom('notification_outbox').select(['recipient', 'body']).where('cause', 'like', 'credential-expiry:%').where('body', 'like', '%CO licence expires on 2026-07-01%').execute();
    expect(rows.map((r) => r.recipient).sort()).toEqual(expect.arrayContaining([w.clinician.email, w.admin.email]));
    expect(rows.filter((r) => r.recipient === w.clinician.email)).toHaveLength(1);
  });
});

describe('the panel', () => {
  it('each row carries the compliance status and reason codes for a clinician', async () => {
    const w = await createWorld(t);
    await t.database.db.deleteFrom('prescribing_pathways').where('patient_id', '=', w.otherPatient.patientId).execute();
    const panel = (await expectStatus(w.call('clinician', 'GET', '/api/v1/patients?sort=name&limit=200'), 200)).json<{ items: { patientId: string; compliance: { status: string; reasonCodes: string[] } | null }[] }>();
    const row = (id: string) => panel.items.find((i) => i.patientId === id)?.compliance;
    expect(row(w.patient.patientId)).toEqual({ status: 'compliant', reasonCodes: [] });
    expect(row(w.otherPatient.patientId)).toEqual({ status: 'blocked', reasonCodes: ['PRESCRIBING_PATHWAY_MISSING'] });
  });
});
