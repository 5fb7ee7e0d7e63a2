import { describe, expect, it } from 'vitest';
import { toFhirBundle } from './fhir-export.ts';
import type { FhirProgram, FhirResource } from './fhir-types.ts';
import { sessionEncounterStatus } from './map-treatment.ts';
import type { FhirPatientRecord } from './patient-record.ts';

const program: FhirProgram = {
  fhirBase: 'https://keel.example.org/fhir/R4',
  mrnSystem: 'https://keel.example.org/fhir/sid/mrn',
  staffIdSystem: 'https://keel.example.org/fhir/sid/staff',
  organizationName: 'Keel example program',
};

const P = '11111111-1111-4111-8111-111111111111';
const C = '22222222-2222-4222-8222-222222222222';
const SITTER_USER = '33333333-3333-4333-8333-333333333333';

const record: FhirPatientRecord = {
  patient: { id: P, userId: 'u-p', name: 'Sam Q Patel', dateOfBirth: '1988-04-12', sexAtBirth: 'male', state: 'CA', address: '1 Road, Oakland, CA 94607', email: 'sam@example.org', status: 'active', createdAt: '2026-04-01T00:00:00.000Z' },
  staff: [{ id: C, name: 'Dr. Casey Morgan', role: 'clinician', deaRegistration: 'FM0000000', stateLicenses: ['CA'], active: true, updatedAt: '2026-03-01T00:00:00.000Z' }],
  careTeam: [{ userId: C, role: 'clinician', isPrimary: true, since: '2026-04-01T00:00:00.000Z' }],
  sitters: [{ id: 'sit1', userId: SITTER_USER, name: 'Riley Patel', relationship: 'partner', status: 'active', since: '2026-04-02T00:00:00.000Z', until: null }],
  diagnosis: { decisionId: 'dec1', decidedAt: '2026-04-03T00:00:00.000Z', decidedBy: C, diagnoses: ['major depressive disorder, recurrent'], adequateAntidepressantTrials: 2, note: 'Approved.', signatureId: 'sig-dec' },
  assessments: [
    { id: 'a1', instrument: 'phq9', version: '1.0', total: 17, band: 'moderately_severe', flags: ['PHQ9_ITEM9_POSITIVE'], submittedAt: '2026-04-02T10:00:00.000Z', submittedBy: 'u-p', answers: { q1: 2, q2: 2, q3: 2, q4: 2, q5: 2, q6: 2, q7: 2, q8: 2, q9: 1, q10: 3 } },
    { id: 'a2', instrument: 'cssrs-screen', version: '1.0', total: null, band: 'low', flags: ['CSSRS_LOW'], submittedAt: '2026-04-02T10:05:00.000Z', submittedBy: 'u-p', answers: { q1: true, q2: false, q6: false } },
  ],
  plans: [
    { id: 'plan1', version: 1, status: 'superseded', route: 'sublingual', phase: 'induction', currentDoseMg: 300, maximumDoseMg: 450, minHoursBetweenSessions: 72, maxSessionsPer7Days: 2, sessionsPlanned: 6, administrationNotes: '', createdAt: '2026-04-04T00:00:00.000Z', updatedAt: '2026-04-04T00:00:00.000Z', signedAt: '2026-04-04T00:00:00.000Z', signedBy: C, supersedesId: null, goals: ['PHQ-9 under 10'], firstFillUnits: 6, firstFillForm: 'sublingual_tablet' },
    { id: 'plan2', version: 2, status: 'active', route: 'sublingual', phase: 'maintenance', currentDoseMg: 350, maximumDoseMg: 450, minHoursBetweenSessions: 72, maxSessionsPer7Days: 2, sessionsPlanned: 4, administrationNotes: '', createdAt: '2026-05-01T00:00:00.000Z', updatedAt: '2026-05-01T00:00:00.000Z', signedAt: '2026-05-01T00:00:00.000Z', signedBy: C, supersedesId: 'plan1', goals: [], firstFillUnits: null, firstFillForm: null },
    { id: 'plan3', version: 3, status: 'draft', route: 'sublingual', phase: 'maintenance', currentDoseMg: 350, maximumDoseMg: 450, minHoursBetweenSessions: 72, maxSessionsPer7Days: 2, sessionsPlanned: 4, administrationNotes: '', createdAt: '2026-05-02T00:00:00.000Z', updatedAt: '2026-05-02T00:00:00.000Z', signedAt: null, signedBy: null, supersedesId: 'plan2', goals: [], firstFillUnits: null, firstFillForm: null },
  ],
  dispenses: [
    { id: 'd1', planId: 'plan1', units: 6, form: 'sublingual_tablet', strengthMg: 300, dispensedAt: '2026-04-05T00:00:00.000Z', dispenser: 'Pharmacy', prescriberId: C },
    { id: 'd2', planId: 'plan1', units: 4, form: 'sublingual_tablet', strengthMg: 300, dispensedAt: '2026-04-20T00:00:00.000Z', dispenser: 'Pharmacy', prescriberId: C },
  ],
  sessions: [
    { id: 's1', status: 'completed', scheduledFor: '2026-04-06T18:00:00.000Z', authorizedAt: '2026-04-06T18:00:00.000Z', startedAt: '2026-04-06T18:02:00.000Z', completedAt: '2026-04-06T19:42:00.000Z', abortedAt: null, abortReason: null, doseMg: 300, planId: 'plan1', createdAt: '2026-04-05T18:00:00.000Z' },
    { id: 's2', status: 'expired', scheduledFor: '2026-04-09T18:00:00.000Z', authorizedAt: '2026-04-09T18:00:00.000Z', startedAt: null, completedAt: null, abortedAt: null, abortReason: null, doseMg: 300, planId: 'plan1', createdAt: '2026-04-08T18:00:00.000Z' },
  ],
  vitals: [{ id: 'v1', sessionId: 's1', phase: 'pre', systolicMmHg: 122, diastolicMmHg: 78, heartRateBpm: 70, spo2Pct: 98, takenAt: '2026-04-06T17:55:00.000Z', recordedBy: SITTER_USER }],
  visits: [{ id: 'vis1', clinicianId: C, occurredAt: '2026-04-08T15:00:00.000Z', modality: 'audio_video', note: 'Doing well.' }],
  adverseEvents: [{ id: 'ae1', sessionId: 's1', kind: 'nausea', description: 'Vomited once', severity: 'mild', serious: false, reportedAt: '2026-04-06T19:00:00.000Z', reportedBy: SITTER_USER, resolvedAt: null }],
  alerts: [
    { id: 'al1', code: 'SUICIDE_RISK_PHQ9_ITEM9', severity: 'high', title: 'PHQ-9 item 9 positive', status: 'open', raisedAt: '2026-04-02T10:00:00.000Z', acknowledgedAt: null, resolvedAt: null, holdsDosing: true, evidence: [{ type: 'assessment', id: 'a1', summary: 'PHQ-9 item 9 answered 1' }, { type: 'message', id: 'm1', summary: 'Matched: self-harm' }], recommendedActions: ['Call the patient today'] },
  ],
  riskEvaluations: [{ id: 're1', evaluatedAt: '2026-04-07T00:00:00.000Z', tier: 'elevated', previousTier: 'low', signals: [{ code: 'CRAVING', severity: 'moderate', summary: 'Craving 7/10', evidence: [{ type: 'check_in', id: 'c1', summary: 'craving 7' }, { type: 'session', id: 's1', summary: 'session' }] }], explanation: ['One moderate signal'] }],
  consents: [{ id: 'k1', version: 1, title: 'Informed consent', signedAt: '2026-04-01T10:00:00.000Z', documentSha256: 'abc', signatureId: 'sig-k', pdfBase64: 'JVBERi0=' }],
  signatures: [
    { id: 'sig-k', signerId: 'u-p', printedName: 'Sam Q Patel', meaning: 'consented', signedAt: '2026-04-01T10:00:00.000Z', recordType: 'consent', recordId: 'k1', recordSha256: 'x' },
    { id: 'sig-p', signerId: C, printedName: 'Dr. Casey Morgan', meaning: 'prescribed', signedAt: '2026-04-04T00:00:00.000Z', recordType: 'plan', recordId: 'plan1', recordSha256: 'y' },
    { id: 'sig-dec', signerId: C, printedName: 'Dr. Casey Morgan', meaning: 'approved', signedAt: '2026-04-03T00:00:00.000Z', recordType: 'intake_decision', recordId: 'dec1', recordSha256: 'z' },
  ],
  programUpdatedAt: '2026-01-01T00:00:00.000Z',
  refillPolicy: { maxRefills: 5, windowMonths: 6 },
};

describe('toFhirBundle', () => {
  const bundle = toFhirBundle(program, record, '2026-06-01T00:00:00.000Z');
  const resources = bundle.entry.map((e) => e.resource);
  const get = (type: string, id: string): FhirResource => {
    const r = resources.find((x) => x.resourceType === type && x.id === id);
    if (!r) throw new Error(`no ${type}/${id}`);
    return r;
  };

  it('is a collection whose fullUrls are the server URLs of its resources, each once', () => {
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: '2026-06-01T00:00:00.000Z' });
    for (const e of bundle.entry) expect(e.fullUrl).toBe(`https://keel.example.org/fhir/R4/${e.resource.resourceType}/${e.resource.id}`);
    expect(new Set(bundle.entry.map((e) => e.fullUrl)).size).toBe(bundle.entry.length);
  });

  it('refers only to resources inside the bundle', () => {
    const keys = new Set(resources.map((r) => `${r.resourceType}/${r.id}`));
    const refs = [...JSON.stringify(resources).matchAll(/"reference":"([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(40);
    expect(refs.filter((r) => !keys.has(r!))).toEqual([]);
  });

  it('gives the patient an MRN, the birth date, sex at birth in the US Core extension and an unrecorded gender', () => {
    expect(get('Patient', P)).toMatchObject({
      identifier: [{ system: 'https://keel.example.org/fhir/sid/mrn', value: P, type: { coding: [{ code: 'MR' }] } }],
      birthDate: '1988-04-12',
      gender: 'unknown',
      extension: [{ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex', valueCode: 'M' }],
      name: [{ family: 'Patel', given: ['Sam', 'Q'] }],
      address: [{ line: ['1 Road'], city: 'Oakland', state: 'CA', postalCode: '94607' }],
    });
  });

  it('codes the diagnosis in SNOMED CT and ICD-10-CM', () => {
    expect(get('Condition', 'dec1')).toMatchObject({
      code: { coding: [{ system: 'http://snomed.info/sct', code: '268621008' }, { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F33.9' }] },
      category: [{ coding: [{ code: 'problem-list-item' }] }],
    });
  });

  it('exports the PHQ-9 as a LOINC panel with its total and item Observations coded with LOINC answers', () => {
    const panel = get('Observation', 'a1');
    expect(panel).toMatchObject({ code: { coding: [{ system: 'http://loinc.org', code: '44249-1' }, { code: 'phq9' }] }, category: [{ coding: [{ code: 'survey' }] }] });
    expect((panel['hasMember'] as unknown[]).length).toBe(11);
    expect(get('Observation', 'a1-total')).toMatchObject({ code: { coding: [{ code: '44261-6' }] }, valueQuantity: { value: 17, system: 'http://unitsofmeasure.org', code: '{score}' } });
    expect(get('Observation', 'a1-q9')).toMatchObject({ code: { coding: [{ code: '44260-8' }] }, valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA6569-3' }] } });
    expect(get('Observation', 'a1-q10')).toMatchObject({ code: { coding: [{ code: '69722-7' }] }, valueCodeableConcept: { coding: [{ code: 'LA6574-3' }] } });
    expect(get('QuestionnaireResponse', 'a1')).toMatchObject({ questionnaire: 'https://keel.example.org/fhir/R4/Questionnaire/phq9|1.0', status: 'completed' });
    expect(get('Questionnaire', 'phq9')).toMatchObject({ url: 'https://keel.example.org/fhir/R4/Questionnaire/phq9', code: [{ code: '44249-1' }] });
  });

  it('exports session vitals as LOINC/UCUM vital signs', () => {
    expect(get('Observation', 'v1-bp')).toMatchObject({
      category: [{ coding: [{ code: 'vital-signs' }] }],
      code: { coding: [{ code: '85354-9' }] },
      component: [{ code: { coding: [{ code: '8480-6' }] }, valueQuantity: { value: 122, code: 'mm[Hg]' } }, { code: { coding: [{ code: '8462-4' }] }, valueQuantity: { value: 78, code: 'mm[Hg]' } }],
      encounter: { reference: 'Encounter/s1' },
      performer: [{ reference: 'RelatedPerson/sit1' }],
    });
    expect(get('Observation', 'v1-hr')).toMatchObject({ code: { coding: [{ code: '8867-4' }] }, valueQuantity: { value: 70, code: '/min' } });
    expect(get('Observation', 'v1-spo2')).toMatchObject({ code: { coding: [{ code: '2708-6' }, { code: '59408-5' }] }, valueQuantity: { value: 98, code: '%' } });
  });

  it('writes the weekly limit as a maximum per period and the fill with its refills', () => {
    expect(get('MedicationRequest', 'plan1')).toMatchObject({
      status: 'stopped',
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '6130' }] },
      requester: { reference: `Practitioner/${C}` },
      dosageInstruction: [{ maxDosePerPeriod: { numerator: { value: 900, code: 'mg' }, denominator: { value: 7, code: 'd' } }, maxDosePerAdministration: { value: 450 }, doseAndRate: [{ doseQuantity: { value: 300, code: 'mg' } }], timing: { repeat: { count: 6 } } }],
      dispenseRequest: { numberOfRepeatsAllowed: 5, quantity: { value: 6, code: '{sublingual_tablet}' }, validityPeriod: { start: '2026-04-04T00:00:00.000Z', end: '2026-10-04T00:00:00.000Z' } },
    });
    expect(get('MedicationRequest', 'plan2')).toMatchObject({ status: 'active', priorPrescription: { reference: 'MedicationRequest/plan1' } });
    expect(resources.some((r) => r.id === 'plan3')).toBe(false);
  });

  it('links each dispense to its prescription and counts first fill and refill', () => {
    expect(get('MedicationDispense', 'd1')).toMatchObject({ authorizingPrescription: [{ reference: 'MedicationRequest/plan1' }], type: { coding: [{ code: 'FF' }] }, quantity: { value: 6, system: 'http://unitsofmeasure.org' } });
    expect(get('MedicationDispense', 'd2')).toMatchObject({ type: { coding: [{ code: 'RF' }] } });
  });

  it('administers only what was started, from its real start, and keeps every session as an Encounter', () => {
    expect(get('MedicationAdministration', 's1')).toMatchObject({ status: 'completed', effectivePeriod: { start: '2026-04-06T18:02:00.000Z', end: '2026-04-06T19:42:00.000Z' }, context: { reference: 'Encounter/s1' } });
    expect(resources.some((r) => r.resourceType === 'MedicationAdministration' && r.id === 's2')).toBe(false);
    expect(get('Encounter', 's1')).toMatchObject({ status: 'finished', class: { code: 'HH' } });
    expect(get('Encounter', 's2')).toMatchObject({ status: 'cancelled' });
    expect(get('Encounter', 'vis1')).toMatchObject({ status: 'finished', class: { code: 'VR' } });
  });

  it('maps every session status explicitly and an unknown one to "unknown"', () => {
    const cases: [string, string | null, string][] = [
      ['scheduled', null, 'planned'],
      ['authorized', null, 'arrived'],
      ['in_progress', 'x', 'in-progress'],
      ['completed', 'x', 'finished'],
      ['aborted', 'x', 'finished'],
      ['aborted', null, 'cancelled'],
      ['missed', null, 'cancelled'],
      ['expired', null, 'cancelled'],
      ['something_new', null, 'unknown'],
    ];
    for (const [status, startedAt, expected] of cases) expect(sessionEncounterStatus({ status, startedAt })).toBe(expected);
  });

  it('exports an alert as a safety Flag pointing at a DetectedIssue with its evidence', () => {
    expect(get('Flag', 'al1')).toMatchObject({ status: 'active', category: [{ coding: [{ code: 'safety' }] }], extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/flag-detail', valueReference: { reference: 'DetectedIssue/al1' } }, { valueCodeableConcept: { coding: [{ code: 'PH' }] } }] });
    expect(get('DetectedIssue', 'al1')).toMatchObject({ severity: 'high', evidence: [{ detail: [{ reference: 'Observation/a1' }] }, { code: [{ text: 'Matched: self-harm' }] }] });
    expect(get('DetectedIssue', 're1')).toMatchObject({ severity: 'moderate', evidence: [{ detail: [{ reference: 'Encounter/s1' }] }] });
  });

  it('attaches the consent PDF and records who signed what', () => {
    expect(get('Consent', 'k1')).toMatchObject({ sourceAttachment: { contentType: 'application/pdf', data: 'JVBERi0=' }, patient: { reference: `Patient/${P}` } });
    expect(get('Provenance', 'sig-p')).toMatchObject({ target: [{ reference: 'MedicationRequest/plan1' }, { reference: 'CarePlan/plan1' }], agent: [{ who: { reference: `Practitioner/${C}` }, onBehalfOf: { reference: 'Organization/keel-program' } }] });
    expect(get('Provenance', 'sig-k')).toMatchObject({ target: [{ reference: 'Consent/k1' }], signature: [{ type: [{ code: '1.2.840.10065.1.12.1.7' }] }] });
  });
});
