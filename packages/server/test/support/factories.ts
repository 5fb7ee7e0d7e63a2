import { expect } from 'vitest';
import type { Role } from '../../src/db/schema.ts';
import { hashPassword } from '../../src/auth/passwords.ts';
import type { TestContext } from './test-app.ts';

export const testPassword = 'a-long-test-passphrase-2026';
let cachedHash: Promise<string> | undefined;
const passwordHash = () => (cachedHash ??= hashPassword(testPassword));

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  patientId?: string;
}

export async function createUser(t: TestContext, role: Role, overrides: Partial<{ name: string; email: string; mfaSecret: string; stateLicenses: string[] }> = {}): Promise<TestUser> {
  const id = crypto.randomUUID();
  const email = overrides.email ?? `${unique(role)}@example.test`;
  const name = overrides.name ?? `Test ${role} ${counter}`;
  await t.database.db
    .insertInto('users')
    .values({
      id,
      email,
      name,
      role,
      password_hash: await passwordHash(),
      mfa_secret: overrides.mfaSecret ?? null,
      mfa_enabled: overrides.mfaSecret !== undefined,
      mfa_last_step: null,
      dea_registration: role === 'clinician' ? 'FT1234563' : null,
      state_licenses: overrides.stateLicenses ?? (role === 'clinician' ? ['CA', 'NY'] : []),
      deactivated_at: null,
    })
    .execute();
  // A prescriber is compliant by default (docs/compliance.md): a licence and a DEA registration covering Schedule III
  // in each state they are licensed in. Tests of the compliance rules take them away or add their own.
  if (role === 'clinician') await addPrescriberCredentials(t, id, overrides.stateLicenses ?? ['CA', 'NY']);
  return { id, email, name, role };
}

/** A current state licence and DEA registration (Schedules II–V) per state for the clinician. */
export async function addPrescriberCredentials(t: TestContext, clinicianId: string, states: readonly string[], expiresOn = '2099-12-31'): Promise<void> {
  if (states.length === 0) return;
  const document = Buffer.from('%PDF-1.4 test credential\n');
  await t.database.db
    .insertInto('prescriber_credentials')
    .values(
      states.flatMap((state) => [
        { id: crypto.randomUUID(), clinician_id: clinicianId, kind: 'state_licence' as const, number: `LIC-${state}-1`, state, schedules: [], expires_on: expiresOn, document_name: 'licence.pdf', document_content_type: 'application/pdf', document, created_at: t.clock.now(), created_by: null },
        { id: crypto.randomUUID(), clinician_id: clinicianId, kind: 'dea_registration' as const, number: 'FT1234563', state, schedules: ['II', 'IIN', 'III', 'IIIN', 'IV', 'V'], expires_on: expiresOn, document_name: 'dea.pdf', document_content_type: 'application/pdf', document, created_at: t.clock.now(), created_by: null },
      ]),
    )
    .execute();
}

/** A PDMP check recorded now (or at `at`) by `clinicianId`, with nothing found. */
export async function recordTestPdmpCheck(t: TestContext, patientId: string, clinicianId: string, at: Date = t.clock.now()): Promise<void> {
  await t.database.db
    .insertInto('pdmp_checks')
    .values({ id: crypto.randomUUID(), patient_id: patientId, checked_at: at, checked_by: clinicianId, other_controlled_prescriptions: false, note: null, states: ['CA'], result_summary: 'No other controlled prescriptions.', other_prescriptions: '[]', recorded_at: at })
    .execute();
}

export async function createPatient(t: TestContext, overrides: Partial<{ state: string; dateOfBirth: string; name: string }> = {}): Promise<TestUser & { patientId: string }> {
  const user = await createUser(t, 'patient', overrides.name ? { name: overrides.name } : {});
  const patientId = crypto.randomUUID();
  await t.database.db
    .insertInto('patients')
    .values({ id: patientId, user_id: user.id, name: user.name, date_of_birth: overrides.dateOfBirth ?? '1990-01-15', state: overrides.state ?? 'CA', sex_at_birth: 'female', address: '1 Test Road, Oakland, CA 94607' })
    .execute();
  return { ...user, patientId };
}

export async function assignCareTeam(t: TestContext, patientId: string, userId: string, role: 'clinician' | 'coach'): Promise<void> {
  await t.database.db
    .insertInto('care_team_members')
    .values({ id: crypto.randomUUID(), patient_id: patientId, user_id: userId, member_role: role, is_primary: true, assigned_at: t.clock.now(), assigned_by: null, unassigned_at: null })
    .execute();
  // The first clinician on the team makes the patient compliant by default (docs/compliance.md): an in-person
  // evaluation on record and a PDMP check today.
  if (role === 'clinician') await makeCompliant(t, patientId, userId);
}

/** An in-person evaluation pathway (unless one exists) and a PDMP check now. */
export async function makeCompliant(t: TestContext, patientId: string, clinicianId: string): Promise<void> {
  const db = t.database.db;
  const existing = await db.selectFrom('prescribing_pathways').select('id').where('patient_id', '=', patientId).where('superseded_at', 'is', null).executeTakeFirst();
  if (!existing) {
    await db
      .insertInto('prescribing_pathways')
      .values({
        id: crypto.randomUUID(),
        patient_id: patientId,
        kind: 'in_person_evaluation',
        details: JSON.stringify({ evaluatedOn: t.clock.now().toISOString().slice(0, 10), location: 'Keel test clinic', attestation: true }),
        prescriber_id: clinicianId,
        signature_id: null,
        signed_at: t.clock.now(),
        superseded_at: null,
        superseded_by: null,
      })
      .execute();
  }
  await recordTestPdmpCheck(t, patientId, clinicianId);
}

export async function assignSitter(t: TestContext, patientId: string, sitterUserId: string, invitedBy: string): Promise<string> {
  const id = crypto.randomUUID();
  await t.database.db
    .insertInto('sitter_assignments')
    .values({ id, patient_id: patientId, invite_email: `${unique('sitter')}@example.test`, invite_name: 'Test Sitter', relationship: 'friend', sitter_user_id: sitterUserId, status: 'active', invite_token_hash: null, invite_expires_at: null, invited_by: invitedBy, created_at: t.clock.now(), accepted_at: t.clock.now(), removed_at: null, removed_by: null })
    .execute();
  return id;
}

let signInAddress = 0;
/**
 * Signs in through the API and returns the bearer token. Each sign-in comes from an address of its own, so the
 * per-address login limit never stops a long test file (tests of that limit choose their addresses themselves).
 */
export async function signIn(t: TestContext, user: { email: string }, extra: { totp?: string } = {}): Promise<string> {
  signInAddress++;
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: user.email, password: testPassword, ...extra },
    remoteAddress: `10.66.${Math.floor(signInAddress / 250) % 250}.${(signInAddress % 250) + 1}`,
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  return response.json<{ token: string }>().token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * A small world most tests need: a patient with a clinician and a coach on their care team and an assigned sitter,
 * plus another patient nobody here is related to.
 */
export async function createCareWorld(t: TestContext) {
  const clinician = await createUser(t, 'clinician');
  const coach = await createUser(t, 'coach');
  const sitter = await createUser(t, 'sitter');
  const admin = await createUser(t, 'admin');
  const patient = await createPatient(t);
  const otherPatient = await createPatient(t);
  await assignCareTeam(t, patient.patientId, clinician.id, 'clinician');
  await assignCareTeam(t, patient.patientId, coach.id, 'coach');
  await assignSitter(t, patient.patientId, sitter.id, patient.id);
  const tokens = {
    patient: await signIn(t, patient),
    clinician: await signIn(t, clinician),
    coach: await signIn(t, coach),
    sitter: await signIn(t, sitter),
    admin: await signIn(t, admin),
    otherPatient: await signIn(t, otherPatient),
  };
  return { clinician, coach, sitter, admin, patient, otherPatient, tokens };
}

/**
 * Self-signup as a person does it: the form (202, a link by email), the link from the outbox, the confirmation
 * (201 with a session). Returns the confirmation's response.
 */
export async function signUpByEmail(
  t: TestContext,
  payload: { email: string; password: string; name: string; dateOfBirth: string; state: string },
  headers: Record<string, string> = {},
) {
  const requested = await t.app.inject({ method: 'POST', url: '/api/v1/auth/signup', headers, payload });
  expect(requested.statusCode, requested.body).toBe(202);
  await t.deps.notifier.deliverPending(t.database.db, t.clock.now());
  const mail = t.mail.sent.filter((m) => m.recipient.toLowerCase() === payload.email.toLowerCase()).at(-1);
  const token = /signup\/confirm#token=([A-Za-z0-9_-]+)/.exec(mail?.body ?? '')?.[1];
  expect(token, 'a confirmation link was emailed').toBeDefined();
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/signup/confirm', headers, payload: { token } });
}
