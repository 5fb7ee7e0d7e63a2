import { describe, expect, it } from 'vitest';
import { toFhirBundle } from './fhir-export.ts';
import type { FhirPatientRecord } from './patient-record.ts';

const record: FhirPatientRecord = {
  patient: { id: 'p1', name: 'Sam Q Patel', dateOfBirth: '1988-04-12', sexAtBirth: 'male', state: 'CA', address: '1 Road, Oakland, CA', status: 'active' },
  assessments: [
    { id: 'a1', instrument: 'phq9', version: '1', total: 17, band: 'moderately_severe', flags: ['PHQ9_ITEM9_POSITIVE'], submittedAt: '2026-05-01T10:00:00.000Z', answers: { q1: 2, q9: 1 } },
    { id: 'a2', instrument: 'cssrs-screen', version: '1', total: null, band: 'low', flags: [], submittedAt: '2026-05-01T10:05:00.000Z', answers: { q1: true, q2: false } },
  ],
  plans: [{ id: 'plan1', version: 2, status: 'active', route: 'sublingual', phase: 'induction', currentDoseMg: 300, maximumDoseMg: 450, minHoursBetweenSessions: 72, maxSessionsPer7Days: 2, signedAt: '2026-05-02T09:00:00.000Z', signedBy: { id: 'c1', name: 'Dr. Casey' }, goals: ['PHQ-9 under 10'] }],
  dispenses: [{ id: 'd1', units: 6, form: 'tablet', strengthMg: 300, dispensedAt: '2026-05-03T09:00:00.000Z', dispenser: 'Pharmacy', prescriberId: 'c1' }],
  administrations: [{ sessionId: 's1', doseMg: 300, authorizedAt: '2026-05-04T18:00:00.000Z', completedAt: '2026-05-04T20:00:00.000Z', status: 'completed', planId: 'plan1' }],
  alerts: [{ id: 'al1', code: 'SUICIDE_RISK_PHQ9_ITEM9', severity: 'high', title: 'PHQ-9 item 9 positive', status: 'open', raisedAt: '2026-05-01T10:00:00.000Z', resolvedAt: null, holdsDosing: true }],
  consents: [{ id: 'k1', version: 1, signedAt: '2026-04-30T10:00:00.000Z', documentSha256: 'abc' }],
};

describe('toFhirBundle', () => {
  const bundle = toFhirBundle(record, '2026-06-01T00:00:00.000Z');
  const ofType = (type: string) => bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === type);

  it('is a FHIR collection bundle with one entry per resource, each with a urn:uuid fullUrl', () => {
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: '2026-06-01T00:00:00.000Z' });
    expect(bundle.entry.every((e) => e.fullUrl === `urn:uuid:${e.resource.id}`)).toBe(true);
    expect(new Set(bundle.entry.map((e) => `${e.resource.resourceType}/${e.resource.id}`)).size).toBe(bundle.entry.length);
  });

  it('maps the patient with name parts, birth date, sex at birth and state', () => {
    expect(ofType('Patient')[0]).toMatchObject({ id: 'p1', birthDate: '1988-04-12', gender: 'male', name: [{ text: 'Sam Q Patel', family: 'Patel', given: ['Sam', 'Q'] }], address: [{ state: 'CA' }] });
  });

  it('maps a PHQ-9 to a LOINC-coded Observation with its score, flags and answers', () => {
    const obs = ofType('Observation').find((o) => o.id === 'a1');
    expect(obs).toMatchObject({ status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }, { code: 'phq9' }] }, valueQuantity: { value: 17 } });
    expect(JSON.stringify(obs)).toContain('PHQ9_ITEM9_POSITIVE');
    const qr = ofType('QuestionnaireResponse').find((q) => q.id === 'a1-qr');
    expect(qr).toMatchObject({ status: 'completed', item: [{ linkId: 'q1', answer: [{ valueInteger: 2 }] }, { linkId: 'q9', answer: [{ valueInteger: 1 }] }] });
  });

  it('keeps an instrument without a total as a coded observation with its risk band', () => {
    expect(ofType('Observation').find((o) => o.id === 'a2')).toMatchObject({ valueString: 'low' });
    expect(ofType('QuestionnaireResponse').find((q) => q.id === 'a2-qr')).toMatchObject({ item: [{ answer: [{ valueBoolean: true }] }, { answer: [{ valueBoolean: false }] }] });
  });

  it('maps the plan, dispenses and sessions to medication resources with units in mg', () => {
    expect(ofType('MedicationRequest')[0]).toMatchObject({ status: 'active', intent: 'order', requester: { reference: 'Practitioner/c1' }, dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 300, unit: 'mg' } }], maxDosePerAdministration: { value: 450 }, route: { coding: [{ code: '37839007' }] } }] });
    expect(ofType('MedicationDispense')[0]).toMatchObject({ status: 'completed', quantity: { value: 6 } });
    expect(ofType('MedicationAdministration')[0]).toMatchObject({ status: 'completed', request: { reference: 'MedicationRequest/plan1' }, dosage: { dose: { value: 300, unit: 'mg' } } });
  });

  it('maps open alerts to active safety Flags and consents to Consent', () => {
    expect(ofType('Flag')[0]).toMatchObject({ status: 'active', code: { coding: [{ code: 'SUICIDE_RISK_PHQ9_ITEM9' }] } });
    expect(ofType('Consent')[0]).toMatchObject({ status: 'active', dateTime: '2026-04-30T10:00:00.000Z' });
  });
});
