// Builders for the treatment tests: an enrolled patient (approved intake, current consent, lessons done) with a
// clinician-prescriber and an assigned sitter, driven through the HTTP API. Each test builds its own world.
import type { LightMyRequestResponse } from 'fastify';
import { samplePlanTerms, type TreatmentPlanTerms } from '@keel/domain';
import { currentConsent } from '../../src/use-cases/intake/consent-document.ts';
import { requiredEducationSlugs } from '../../src/use-cases/intake/education-library.ts';
import { assignCareTeam, assignSitter, bearer, createPatient, createUser, recordTestPdmpCheck, testPassword, type TestUser } from '../support/factories.ts';
import type { TestContext } from '../support/test-app.ts';

let address = 0;
/** Signs in from a distinct client address, so the per-address login limit never couples tests. */
export async function login(t: TestContext, user: { email: string }): Promise<string> {
  address += 1;
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: user.email, password: testPassword },
    remoteAddress: `10.77.${Math.floor(address / 250) % 250}.${(address % 250) + 1}`,
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  return response.json<{ token: string }>().token;
}

export type Who = 'patient' | 'clinician' | 'sitter' | 'admin' | 'otherPatient' | 'otherSitter';

export interface World {
  t: TestContext;
  patient: TestUser & { patientId: string };
  clinician: TestUser;
  sitter: TestUser;
  admin: TestUser;
  otherPatient: TestUser & { patientId: string };
  otherSitter: TestUser;
  tokens: Record<Who, string>;
  /** Signs everyone in again: needed after the clock moves past the idle timeout. */
  refresh(): Promise<void>;
  call(who: Who, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export async function createWorld(t: TestContext, options: { enrol?: boolean; state?: string } = {}): Promise<World> {
  const clinician = await createUser(t, 'clinician');
  const sitter = await createUser(t, 'sitter');
  const otherSitter = await createUser(t, 'sitter');
  const admin = await createUser(t, 'admin');
  const patient = await createPatient(t, options.state ? { state: options.state } : {});
  const otherPatient = await createPatient(t);
  await assignCareTeam(t, patient.patientId, clinician.id, 'clinician');
  await assignCareTeam(t, otherPatient.patientId, clinician.id, 'clinician');
  await assignSitter(t, patient.patientId, sitter.id, patient.id);
  await assignSitter(t, otherPatient.patientId, otherSitter.id, otherPatient.id);
  if (options.enrol !== false) await enrol(t, patient.patientId, patient.id);
  const users = { patient, clinician, sitter, admin, otherPatient, otherSitter };
  const tokens = {} as Record<Who, string>;
  const refresh = async () => {
    for (const [k, u] of Object.entries(users)) tokens[k as Who] = await login(t, u);
  };
  await refresh();
  return {
    t,
    ...users,
    tokens,
    refresh,
    call: (who, method, url, payload, headers = {}) =>
      t.app.inject({ method, url, headers: { ...bearer(tokens[who]), ...headers }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) }),
  };
}

/** Approved intake, the current consent signed, required lessons completed (the intake engineer's tables). */
export async function enrol(t: TestContext, patientId: string, userId: string, parts: { consent?: boolean; education?: boolean } = {}): Promise<void> {
  const db = t.database.db;
  await db.updateTable('patients').set({ status: 'approved' }).where('id', '=', patientId).execute();
  if (parts.consent !== false) await signConsent(t, patientId, userId);
  if (parts.education === false) return;
  for (const slug of requiredEducationSlugs()) {
    await db.insertInto('education_completions').values({ patient_id: patientId, slug, completed_at: t.clock.now() }).execute();
  }
}

async function signConsent(t: TestContext, patientId: string, userId: string): Promise<void> {
  const db = t.database.db;
  const consent = currentConsent();
  const signatureId = crypto.randomUUID();
  await db
    .insertInto('signatures')
    .values({ id: signatureId, signer_id: userId, printed_name: 'Test Patient', meaning: 'consented', signed_at: t.clock.now(), record_type: 'consent', record_id: crypto.randomUUID(), record_sha256: consent.sha256 })
    .execute();
  await db
    .insertInto('consent_signatures')
    .values({ id: crypto.randomUUID(), patient_id: patientId, version: consent.version, document_sha256: consent.sha256, signature_id: signatureId, signed_at: t.clock.now() })
    .execute();
}

export const terms = (overrides: Partial<TreatmentPlanTerms> = {}): TreatmentPlanTerms => samplePlanTerms(overrides);

/** Drafts and signs a plan through the API; returns the plan id. */
export async function signedPlan(w: World, overrides: Partial<TreatmentPlanTerms> = {}, basedOn?: string): Promise<string> {
  const draft = await w.call('clinician', 'POST', `/api/v1/patients/${w.patient.patientId}/plans`, { terms: terms(overrides), ...(basedOn ? { basedOn } : {}) });
  if (draft.statusCode !== 201) throw new Error(`draft failed: ${draft.statusCode} ${draft.body}`);
  const planId = draft.json<{ plan: { id: string } }>().plan.id;
  // The PDMP check the plan's signing needs (docs/compliance.md), made just before it.
  await recordTestPdmpCheck(w.t, w.patient.patientId, w.clinician.id);
  const signed = await w.call('clinician', 'POST', `/api/v1/plans/${planId}/sign`, { signature: { password: testPassword } });
  if (signed.statusCode !== 200) throw new Error(`sign failed: ${signed.statusCode} ${signed.body}`);
  return planId;
}

export async function dispense(w: World, units: number, strengthMg = 300): Promise<void> {
  // A PDMP check at every fill (docs/compliance.md).
  await recordTestPdmpCheck(w.t, w.patient.patientId, w.clinician.id);
  const response = await w.call('clinician', 'POST', `/api/v1/patients/${w.patient.patientId}/dispenses`, {
    units,
    form: 'sublingual_tablet',
    strengthMg,
    dispensedAt: w.t.clock.now().toISOString(),
    dispenser: 'Keel Test Pharmacy',
    shipTo: '1 Test Road, Oakland, CA 94607',
  });
  if (response.statusCode !== 201) throw new Error(`dispense failed: ${response.statusCode} ${response.body}`);
}

export async function schedule(w: World): Promise<string> {
  const response = await w.call('patient', 'POST', `/api/v1/patients/${w.patient.patientId}/sessions`, { scheduledFor: w.t.clock.now().toISOString() });
  if (response.statusCode !== 201) throw new Error(`schedule failed: ${response.statusCode} ${response.body}`);
  return response.json<{ session: { id: string } }>().session.id;
}

export const goodVitals = { phase: 'pre', systolicMmHg: 124, diastolicMmHg: 78, heartRateBpm: 72, spo2Pct: 98 };
export const goodChecklist = { fastedHours: 6, alcohol24h: false, sedatives24h: false, cannabis24h: false, newMedication: false, safeSetting: true };

export async function expectStatus(response: Promise<LightMyRequestResponse> | LightMyRequestResponse, status: number): Promise<LightMyRequestResponse> {
  const r = await response;
  if (r.statusCode !== status) throw new Error(`expected ${status}, got ${r.statusCode}: ${r.body}`);
  return r;
}

/** The three per-session inputs, each fresh now. Pass `skip` to leave one out. */
export async function prepare(w: World, sessionId: string, skip: ('attestation' | 'vitals' | 'checklist')[] = []): Promise<void> {
  if (!skip.includes('attestation')) await expectStatus(w.call('sitter', 'POST', `/api/v1/sessions/${sessionId}/sitter-attestation`, { present: true, sober: true }), 201);
  if (!skip.includes('vitals')) await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/vitals`, goodVitals), 201);
  if (!skip.includes('checklist')) await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/checklist`, goodChecklist), 201);
}

export interface AuthorizeResult {
  outcome: 'authorized' | 'blocked';
  doseMg?: number;
  reasons?: { code: string; message: string }[];
  evaluationId: string | null;
}

export async function authorize(w: World, sessionId: string, body?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<AuthorizeResult> {
  const response = await w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/authorize`, body, headers);
  if (response.statusCode !== 200) throw new Error(`authorize: ${response.statusCode} ${response.body}`);
  return response.json<AuthorizeResult>();
}

export const codes = (r: AuthorizeResult): string[] => (r.reasons ?? []).map((x) => x.code);

/** A patient ready to dose: enrolled, signed plan (300 mg of 300 mg tablets), `units` dispensed. */
export async function readyWorld(t: TestContext, units = 3, planOverrides: Partial<TreatmentPlanTerms> = {}): Promise<World & { planId: string }> {
  const w = await createWorld(t);
  const planId = await signedPlan(w, planOverrides);
  await dispense(w, units);
  return Object.assign(w, { planId });
}

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const DAY = 24 * HOUR;

/** Starts an authorized session (the dose is taken); throws with the answer when the start is refused. */
export async function start(w: World, sessionId: string): Promise<void> {
  await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/start`), 200);
}

export const postSession = {
  sideEffects: ['nausea'],
  dissociation0to10: 5,
  nausea0to10: 2,
  mood0to10: 7,
};

/**
 * Closes a started session the only way it can be closed: the observation time passes, the assigned sitter
 * confirms from their own account that the patient is back to baseline, then the patient completes it.
 */
export async function finish(w: World, sessionId: string, observationMinutes = 60): Promise<void> {
  w.t.clock.advanceMinutes(observationMinutes);
  await w.refresh();
  await expectStatus(w.call('sitter', 'POST', `/api/v1/sessions/${sessionId}/baseline`, { backToBaseline: true }), 201);
  await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/complete`, postSession), 200);
}

/**
 * Changes the program settings as a clinic does: the admin puts the change; a change that loosens a clinical limit
 * comes back as a proposal, which the world's prescriber signs. Returns the new settings version.
 */
export async function changeSettings(w: World, settings: Record<string, unknown>, reason = 'Test change'): Promise<number> {
  const current = (await expectStatus(w.call('admin', 'GET', '/api/v1/settings'), 200)).json<{ version: number }>().version;
  const put = await w.call('admin', 'PUT', '/api/v1/settings', { settings, reason }, { 'if-match': `"${current}"` });
  if (put.statusCode === 200) return put.json<{ version: number }>().version;
  const proposal = (await expectStatus(put, 202)).json<{ proposal: { id: string } }>().proposal;
  const signed = await expectStatus(w.call('clinician', 'POST', `/api/v1/settings/proposals/${proposal.id}/sign`, { signature: { password: testPassword } }), 200);
  return signed.json<{ settings: { version: number } }>().settings.version;
}
