// The records for inspection (docs/compliance-report.md): the per-patient and per-prescriber compliance reports, as
// CSV and PDF, with rows written out by hand from the facts the test records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfText } from '../continuity/continuity-helpers.ts';
import { assignCareTeam, assignSitter, bearer, createPatient, createUser, testPassword, type TestUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { enrol, expectStatus, login, terms } from '../treatment/treatment-world.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const pdfDocument = { filename: 'licence.pdf', contentType: 'application/pdf', base64: Buffer.from('%PDF-1.4 licence scan').toString('base64') };

interface ReportWorld {
  admin: TestUser;
  clinician: TestUser;
  otherClinician: TestUser;
  coach: TestUser;
  sitter: TestUser;
  patient: TestUser & { patientId: string };
  otherPatient: TestUser & { patientId: string };
  planId: string;
  firstDispenseId: string;
  legacyDispenseId: string;
  otherLegacyDispenseId: string;
}

async function as(user: { email: string }, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const token = await login(t, user);
  return t.app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
}

/** A care-team membership alone, without the factory's default pathway and PDMP check. */
async function joinCareTeam(patientId: string, userId: string, role: 'clinician' | 'coach'): Promise<void> {
  await t.database.db
    .insertInto('care_team_members')
    .values({ id: crypto.randomUUID(), patient_id: patientId, user_id: userId, member_role: role, is_primary: true, assigned_at: t.clock.now(), assigned_by: null, unassigned_at: null })
    .execute();
}

/** A dispense written straight into the table: a record that predates the prescribing rules (no gate judged it). */
async function legacyDispense(args: { patientId: string; patientName: string; prescriberId: string; planId: string | null; at: string; units: number; dea: string }): Promise<string> {
  const id = crypto.randomUUID();
  await t.database.db
    .insertInto('dispenses')
    .values({
      id,
      patient_id: args.patientId,
      substance: 'ketamine',
      form: 'sublingual_tablet',
      strength_mg: 300,
      units: args.units,
      dispensed_at: new Date(args.at),
      patient_name: args.patientName,
      ship_to: '1 Test Road, Portland, OR 97201',
      prescriber_id: args.prescriberId,
      prescriber_dea_registration: args.dea,
      plan_id: args.planId,
      dispenser: 'Keel Test Pharmacy',
      recorded_by: args.prescriberId,
      created_at: new Date(args.at),
    })
    .execute();
  return id;
}

/**
 * 2026-06-01 (the test clock's 12:00 UTC is 08:00 in New York, the program's default zone): the admin records the
 * prescriber's Oregon licence (to 2027-03-31) and DEA registration (to 2026-06-10); the prescriber records an
 * in-person evaluation and a PDMP check at 11:30, signs the plan at 12:00 and dispenses 4 units at 13:00. On
 * 2026-06-12 a dispense of 2 units is on record that no gate judged: the DEA registration had expired and no PDMP
 * check followed the previous fill. Another prescriber's patient has one such dispense too.
 */
async function buildWorld(): Promise<ReportWorld> {
  t.clock.set(new Date('2026-06-01T12:00:00.000Z'));
  const admin = await createUser(t, 'admin');
  // No default credentials, pathway or PDMP check (the factories make a compliant setup by default): every fact in
  // the report is one this test records.
  const clinician = await createUser(t, 'clinician', { name: 'Dr. Ada Inspect', stateLicenses: [] });
  const otherClinician = await createUser(t, 'clinician', { name: 'Dr. Ben Other', stateLicenses: [] });
  // Licensed in Oregon on the account (plan signing checks it); the credential records come from the admin below.
  await t.database.db.updateTable('users').set({ state_licenses: ['OR'] }).where('id', 'in', [clinician.id, otherClinician.id]).execute();
  const coach = await createUser(t, 'coach');
  const sitter = await createUser(t, 'sitter');
  const patient = await createPatient(t, { name: 'Rita Report', state: 'OR' });
  const otherPatient = await createPatient(t, { name: 'Otto Elsewhere', state: 'OR' });
  await joinCareTeam(patient.patientId, clinician.id, 'clinician');
  await assignCareTeam(t, patient.patientId, coach.id, 'coach');
  await joinCareTeam(otherPatient.patientId, otherClinician.id, 'clinician');
  await assignSitter(t, patient.patientId, sitter.id, patient.id);
  await enrol(t, patient.patientId, patient.id);

  const base = `/api/v1/clinicians/${clinician.id}/credentials`;
  await expectStatus(as(admin, 'POST', base, { kind: 'state_licence', number: 'OR-MD-12345', state: 'OR', expiresOn: '2027-03-31', document: pdfDocument }), 201);
  await expectStatus(as(admin, 'POST', base, { kind: 'dea_registration', number: 'FA1234563', state: 'OR', schedules: ['III', 'IIIN', 'IV', 'V'], expiresOn: '2026-06-10', document: pdfDocument }), 201);
  const p = `/api/v1/patients/${patient.patientId}`;
  await expectStatus(
    as(clinician, 'POST', `${p}/prescribing-pathway`, { kind: 'in_person_evaluation', evaluatedOn: '2026-05-20', location: 'Keel Clinic, 1 Main St, Portland', attestation: true, signature: { password: testPassword } }),
    201,
  );
  await expectStatus(
    as(clinician, 'POST', `${p}/pdmp-checks`, { checkedAt: '2026-06-01T11:30:00.000Z', states: ['OR'], resultSummary: 'No other controlled prescriptions.', otherControlledPrescriptions: [], otherPrescriberFound: false }),
    201,
  );
  const draft = await expectStatus(as(clinician, 'POST', `${p}/plans`, { terms: terms() }), 201);
  const planId = draft.json<{ plan: { id: string } }>().plan.id;
  await expectStatus(as(clinician, 'POST', `/api/v1/plans/${planId}/sign`, { signature: { password: testPassword } }), 200);

  t.clock.set(new Date('2026-06-01T13:00:00.000Z'));
  const dispensed = await expectStatus(
    as(clinician, 'POST', `${p}/dispenses`, { units: 4, form: 'sublingual_tablet', strengthMg: 300, dispensedAt: '2026-06-01T13:00:00.000Z', dispenser: 'Keel Test Pharmacy', shipTo: '1 Test Road, Portland, OR 97201' }),
    201,
  );
  const firstDispenseId = dispensed.json<{ dispense: { id: string } }>().dispense.id;

  const legacyDispenseId = await legacyDispense({ patientId: patient.patientId, patientName: 'Rita Report', prescriberId: clinician.id, planId, at: '2026-06-12T14:00:00.000Z', units: 2, dea: 'FA1234563' });
  const otherLegacyDispenseId = await legacyDispense({ patientId: otherPatient.patientId, patientName: 'Otto Elsewhere', prescriberId: otherClinician.id, planId: null, at: '2026-06-05T15:00:00.000Z', units: 1, dea: 'FB7654321' });
  t.clock.set(new Date('2026-06-15T12:00:00.000Z'));
  return { admin, clinician, otherClinician, coach, sitter, patient, otherPatient, planId, firstDispenseId, legacyDispenseId, otherLegacyDispenseId };
}

const header =
  'date,occurred_at,action,record_id,what,patient,patient_state,prescriber,pathway,pathway_details,pathway_signed,licence_number,licence_state,licence_expires,dea_number,dea_state,dea_schedules,dea_expires,pdmp_checked_at,pdmp_result,pdmp_other_prescriber_found,compliant,reasons';

/** The three rows of Rita Report's record, written out by hand. */
function ritaRows(w: ReportWorld): string[] {
  const pathway = 'in_person_evaluation,"evaluated on 2026-05-20; at Keel Clinic, 1 Main St, Portland; attested",2026-06-01T12:00:00.000Z by Dr. Ada Inspect';
  return [
    `2026-06-01,2026-06-01T12:00:00.000Z,prescription_signed,${w.planId},Treatment plan version 1 (ketamine),Rita Report,OR,Dr. Ada Inspect,${pathway},OR-MD-12345,OR,2027-03-31,FA1234563,OR,III IIIN IV V,2026-06-10,2026-06-01T11:30:00.000Z,No other controlled prescriptions.,no,yes,`,
    `2026-06-01,2026-06-01T13:00:00.000Z,dispensed,${w.firstDispenseId},4 × 300 mg ketamine sublingual tablet,Rita Report,OR,Dr. Ada Inspect,${pathway},OR-MD-12345,OR,2027-03-31,FA1234563,OR,III IIIN IV V,2026-06-10,2026-06-01T11:30:00.000Z,No other controlled prescriptions.,no,yes,`,
    // The DEA registration ended with 2026-06-10 (New York time); the last PDMP check came before the previous fill.
    `2026-06-12,2026-06-12T14:00:00.000Z,dispensed,${w.legacyDispenseId},2 × 300 mg ketamine sublingual tablet,Rita Report,OR,Dr. Ada Inspect,${pathway},OR-MD-12345,OR,2027-03-31,,,,,2026-06-01T11:30:00.000Z,No other controlled prescriptions.,no,no,PRESCRIBER_DEA_MISSING PDMP_CHECK_MISSING`,
  ];
}

const csvLines = (body: string) => body.split('\r\n').filter((l) => l !== '');

let w: ReportWorld;

describe('the compliance report for inspection', () => {
  beforeAll(async () => {
    w = await buildWorld();
  });

  it('per patient (CSV): every prescription and dispense with the pathway, licence, DEA registration and PDMP check in force, and whether it was compliant', async () => {
    const r = await expectStatus(as(w.clinician, 'GET', `/api/v1/patients/${w.patient.patientId}/compliance-report.csv`), 200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="keel-compliance-report-patient-${w.patient.patientId}.csv"`);
    expect(r.body.endsWith('\r\n')).toBe(true);
    expect(csvLines(r.body)).toEqual([header, ...ritaRows(w)]);
  });

  it('per patient, for a period: only the records on those program-local days', async () => {
    const r = await expectStatus(as(w.clinician, 'GET', `/api/v1/patients/${w.patient.patientId}/compliance-report.csv?from=2026-06-02&to=2026-06-30`), 200);
    expect(csvLines(r.body)).toEqual([header, ritaRows(w)[2]]);
    const bad = await as(w.clinician, 'GET', `/api/v1/patients/${w.patient.patientId}/compliance-report.csv?from=2026-06-30&to=2026-06-01`);
    expect(bad.statusCode).toBe(422);
  });

  it('per prescriber (CSV): what they signed and dispensed, not another prescriber’s records', async () => {
    const mine = await expectStatus(as(w.clinician, 'GET', `/api/v1/clinicians/${w.clinician.id}/compliance-report.csv`), 200);
    expect(csvLines(mine.body)).toEqual([header, ...ritaRows(w)]);
    const other = await expectStatus(as(w.admin, 'GET', `/api/v1/clinicians/${w.otherClinician.id}/compliance-report.csv`), 200);
    expect(csvLines(other.body)).toEqual([
      header,
      `2026-06-05,2026-06-05T15:00:00.000Z,dispensed,${w.otherLegacyDispenseId},1 × 300 mg ketamine sublingual tablet,Otto Elsewhere,OR,Dr. Ben Other,,,,,,,,,,,,,,no,PRESCRIBING_PATHWAY_MISSING PRESCRIBER_LICENCE_MISSING PRESCRIBER_DEA_MISSING PDMP_CHECK_MISSING PRESCRIPTION_REFILLS_EXHAUSTED`,
    ]);
  });

  it('as PDF: a title naming the patient, the period, each record with its facts, and a signature line', async () => {
    const r = await expectStatus(as(w.admin, 'GET', `/api/v1/patients/${w.patient.patientId}/compliance-report.pdf`), 200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(r.rawPayload).replace(/\s+/g, ' ');
    expect(text).toContain('Prescribing compliance report — patient Rita Report');
    expect(text).toContain('Period: all records (2026-06-01 to 2026-06-12)');
    expect(text).toContain('3 record(s): 1 prescription(s) and 2 dispense(s); 2 met every prescribing condition, 1 did not.');
    expect(text).toContain('DEA registration: FA1234563, OR, schedules III IIIN IV V, expires 2026-06-10');
    expect(text).toContain('DEA registration: none in force for OR covering Schedule III');
    expect(text).toContain('no DEA registration for Schedule III in force (PRESCRIBER_DEA_MISSING)');
    expect(text).toContain('Signature: ____');

    const prescriber = await expectStatus(as(w.clinician, 'GET', `/api/v1/clinicians/${w.clinician.id}/compliance-report.pdf?from=2026-06-01&to=2026-06-01`), 200);
    const prescriberText = pdfText(prescriber.rawPayload).replace(/\s+/g, ' ');
    expect(prescriberText).toContain('Prescribing compliance report — prescriber Dr. Ada Inspect');
    expect(prescriberText).toContain('Period: 2026-06-01 to 2026-06-01');
    expect(prescriberText).toContain('2 record(s): 1 prescription(s) and 1 dispense(s); 2 met every prescribing condition, 0 did not.');
  });

  it('only the care team’s clinicians and admins read a patient’s report; only admins and the prescriber themself a prescriber’s', async () => {
    for (const who of [w.coach, w.sitter, w.patient, w.otherClinician]) {
      expect((await as(who, 'GET', `/api/v1/patients/${w.patient.patientId}/compliance-report.csv`)).statusCode).toBe(404);
    }
    for (const who of [w.coach, w.sitter, w.patient, w.otherClinician]) {
      expect((await as(who, 'GET', `/api/v1/clinicians/${w.clinician.id}/compliance-report.pdf`)).statusCode).toBe(404);
    }
    // An admin's or a patient's id is no prescriber's report.
    expect((await as(w.admin, 'GET', `/api/v1/clinicians/${w.admin.id}/compliance-report.csv`)).statusCode).toBe(404);
    expect((await as(w.admin, 'GET', `/api/v1/clinicians/${crypto.randomUUID()}/compliance-report.csv`)).statusCode).toBe(404);
  });

  it('audits every read: the patient report in the patient’s chain, the prescriber report once and in each listed patient’s chain', async () => {
    const rows = async () =>
      t.database.db.selectFrom('audit_log').select(['action', 'actor_id', 'patient_id', 'resource_id', 'outcome']).where('action', '=', 'compliance_report.read').orderBy('id').execute();
    const before = (await rows()).length;
    await expectStatus(as(w.admin, 'GET', `/api/v1/patients/${w.patient.patientId}/compliance-report.csv`), 200);
    await expectStatus(as(w.clinician, 'GET', `/api/v1/clinicians/${w.clinician.id}/compliance-report.csv`), 200);
    expect((await as(w.otherClinician, 'GET', `/api/v1/clinicians/${w.clinician.id}/compliance-report.csv`)).statusCode).toBe(404);
    expect((await rows()).slice(before)).toEqual([
      { action: 'compliance_report.read', actor_id: w.admin.id, patient_id: w.patient.patientId, resource_id: null, outcome: 'success' },
      { action: 'compliance_report.read', actor_id: w.clinician.id, patient_id: null, resource_id: w.clinician.id, outcome: 'success' },
      { action: 'compliance_report.read', actor_id: w.clinician.id, patient_id: w.patient.patientId, resource_id: w.clinician.id, outcome: 'success' },
      { action: 'compliance_report.read', actor_id: w.otherClinician.id, patient_id: null, resource_id: w.clinician.id, outcome: 'denied' },
    ]);
  });
});

describe('CSV fields', () => {
  it('quotes commas, quotes and line breaks, and defuses a spreadsheet formula', async () => {
    const { csvField } = await import('../../src/use-cases/compliance/compliance-report.ts');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "no"')).toBe('"say ""no"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('-2')).toBe("'-2");
  });
});
