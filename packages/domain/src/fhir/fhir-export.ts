import type { Bundle, BundleEntry, CodeableConcept, FhirResource, Reference } from './fhir-types.ts';
import type { FhirPatientRecord } from './patient-record.ts';

/**
 * Maps a patient's record to a FHIR R4 `collection` Bundle: Patient, Observation (instrument totals, with LOINC
 * codes where one exists) and QuestionnaireResponse (item answers), MedicationRequest (each plan version),
 * MedicationDispense, MedicationAdministration (each authorized session), Flag (safety alerts) and Consent.
 * Pure: `exportedAt` and the record come from the caller.
 */
const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const KEEL = 'https://keel.health/fhir';
const UCUM = 'http://unitsofmeasure.org';

/** LOINC panel and total-score codes for the instruments that have them. */
export const instrumentLoinc: Record<string, { panel?: string; total?: string; display: string }> = {
  phq9: { panel: '44249-1', total: '44261-6', display: 'PHQ-9 quick depression assessment panel' },
  gad7: { panel: '69737-5', total: '70274-6', display: 'Generalized anxiety disorder 7 item (GAD-7)' },
  'audit-c': { panel: '72109-2', total: '75626-2', display: 'AUDIT-C' },
  audit: { panel: '72110-0', total: '75624-7', display: 'AUDIT' },
  dast10: { display: 'DAST-10' },
  'cssrs-screen': { display: 'Columbia Suicide Severity Rating Scale screener' },
  bladder: { display: 'Keel bladder symptom check' },
  craving: { display: 'Keel craving check' },
};

const ketamine: CodeableConcept = {
  coding: [{ system: RXNORM, code: '6130', display: 'ketamine' }],
  text: 'Ketamine (Schedule III)',
};

const routeCodes: Record<string, { code: string; display: string }> = {
  sublingual: { code: '37839007', display: 'Sublingual route' },
  oral: { code: '26643006', display: 'Oral route' },
};

const ref = (type: string, id: string, display?: string): Reference => ({ reference: `${type}/${id}`, ...(display ? { display } : {}) });
const entry = (resource: FhirResource): BundleEntry => ({ fullUrl: `urn:uuid:${resource.id}`, resource });

function observationFor(patientRef: Reference, a: FhirPatientRecord['assessments'][number]): FhirResource {
  const codes = instrumentLoinc[a.instrument];
  const code: CodeableConcept = {
    coding: [
      ...(codes?.total ? [{ system: LOINC, code: codes.total, display: `${codes.display} total score` }] : []),
      { system: `${KEEL}/instrument`, code: a.instrument, display: codes?.display ?? a.instrument },
    ],
    text: `${codes?.display ?? a.instrument} score`,
  };
  return {
    resourceType: 'Observation',
    id: a.id,
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey', display: 'Survey' }] }],
    code,
    subject: patientRef,
    effectiveDateTime: a.submittedAt,
    ...(a.total !== null ? { valueQuantity: { value: a.total, unit: '{score}', system: UCUM, code: '{score}' } } : { valueString: a.band ?? 'no total' }),
    ...(a.band ? { interpretation: [{ text: a.band }] } : {}),
    ...(a.flags.length ? { note: a.flags.map((f) => ({ text: `flag: ${f}` })) } : {}),
    derivedFrom: [ref('QuestionnaireResponse', `${a.id}-qr`)],
  };
}

function questionnaireResponseFor(patientRef: Reference, a: FhirPatientRecord['assessments'][number]): FhirResource {
  return {
    resourceType: 'QuestionnaireResponse',
    id: `${a.id}-qr`,
    questionnaire: `${KEEL}/Questionnaire/${a.instrument}|${a.version}`,
    status: 'completed',
    subject: patientRef,
    authored: a.submittedAt,
    item: Object.entries(a.answers).map(([linkId, value]) => ({
      linkId,
      answer: [typeof value === 'boolean' ? { valueBoolean: value } : typeof value === 'number' ? (Number.isInteger(value) ? { valueInteger: value } : { valueDecimal: value }) : { valueString: String(value) }],
    })),
  };
}

function medicationRequestFor(patientRef: Reference, plan: FhirPatientRecord['plans'][number]): FhirResource {
  const route = routeCodes[plan.route];
  return {
    resourceType: 'MedicationRequest',
    id: plan.id,
    status: plan.status === 'active' ? 'active' : plan.status === 'draft' ? 'draft' : 'stopped',
    intent: 'order',
    medicationCodeableConcept: ketamine,
    subject: patientRef,
    ...(plan.signedAt ? { authoredOn: plan.signedAt } : {}),
    ...(plan.signedBy ? { requester: ref('Practitioner', plan.signedBy.id, plan.signedBy.name) } : {}),
    groupIdentifier: { system: `${KEEL}/plan-version`, value: `${plan.version}` },
    note: [{ text: `Phase: ${plan.phase}.` }, ...plan.goals.map((g) => ({ text: `Goal: ${g}` }))],
    dosageInstruction: [
      {
        text: `${plan.currentDoseMg} mg ${plan.route} per supervised session; at least ${plan.minHoursBetweenSessions} h apart; at most ${plan.maxSessionsPer7Days} sessions in any 7 days`,
        ...(route ? { route: { coding: [{ system: SNOMED, ...route }] } } : {}),
        doseAndRate: [{ doseQuantity: { value: plan.currentDoseMg, unit: 'mg', system: UCUM, code: 'mg' } }],
        maxDosePerAdministration: { value: plan.maximumDoseMg, unit: 'mg', system: UCUM, code: 'mg' },
        timing: { repeat: { frequency: plan.maxSessionsPer7Days, period: 7, periodUnit: 'd' } },
      },
    ],
  };
}

/** Builds the export. Resources keep Keel's ids so a re-export updates rather than duplicates. */
export function toFhirBundle(record: FhirPatientRecord, exportedAt: string): Bundle {
  const p = record.patient;
  const patientRef = ref('Patient', p.id, p.name);
  const parts = p.name.trim().split(/\s+/);
  const family = parts.length > 1 ? parts.at(-1) : undefined;
  const given = parts.length > 1 ? parts.slice(0, -1) : parts;
  const patient: FhirResource = {
    resourceType: 'Patient',
    id: p.id,
    active: p.status !== 'discharged',
    name: [{ text: p.name, ...(family ? { family } : {}), given }],
    birthDate: p.dateOfBirth,
    ...(p.sexAtBirth ? { gender: p.sexAtBirth } : {}),
    address: [{ ...(p.address ? { text: p.address } : {}), state: p.state, country: 'US' }],
  };
  const resources: FhirResource[] = [patient];
  for (const a of record.assessments) resources.push(observationFor(patientRef, a), questionnaireResponseFor(patientRef, a));
  for (const plan of record.plans) resources.push(medicationRequestFor(patientRef, plan));
  for (const d of record.dispenses) {
    resources.push({
      resourceType: 'MedicationDispense',
      id: d.id,
      status: 'completed',
      medicationCodeableConcept: ketamine,
      subject: patientRef,
      quantity: { value: d.units, unit: d.form },
      note: [{ text: `${d.strengthMg} mg per ${d.form}; dispensed by ${d.dispenser}` }],
      whenHandedOver: d.dispensedAt,
      ...(d.prescriberId ? { performer: [{ actor: ref('Practitioner', d.prescriberId) }] } : {}),
    });
  }
  for (const s of record.administrations) {
    resources.push({
      resourceType: 'MedicationAdministration',
      id: s.sessionId,
      status: s.status === 'completed' ? 'completed' : s.status === 'aborted' ? 'stopped' : 'in-progress',
      medicationCodeableConcept: ketamine,
      subject: patientRef,
      effectivePeriod: { start: s.authorizedAt, ...(s.completedAt ? { end: s.completedAt } : {}) },
      ...(s.planId ? { request: ref('MedicationRequest', s.planId) } : {}),
      dosage: { dose: { value: s.doseMg, unit: 'mg', system: UCUM, code: 'mg' }, text: 'At-home session with a sitter present, authorized by the session gate' },
    });
  }
  for (const al of record.alerts) {
    resources.push({
      resourceType: 'Flag',
      id: al.id,
      status: al.status === 'resolved' ? 'inactive' : 'active',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'safety', display: 'Safety' }] }],
      code: { coding: [{ system: `${KEEL}/alert`, code: al.code }], text: al.title },
      subject: patientRef,
      period: { start: al.raisedAt, ...(al.resolvedAt ? { end: al.resolvedAt } : {}) },
      extension: [
        { url: `${KEEL}/StructureDefinition/alert-severity`, valueCode: al.severity },
        { url: `${KEEL}/StructureDefinition/holds-dosing`, valueBoolean: al.holdsDosing },
      ],
    });
  }
  for (const c of record.consents) {
    resources.push({
      resourceType: 'Consent',
      id: c.id,
      status: 'active',
      scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment', display: 'Treatment' }] },
      category: [{ coding: [{ system: LOINC, code: '59284-0', display: 'Patient Consent' }] }],
      patient: patientRef,
      dateTime: c.signedAt,
      sourceReference: { reference: `${KEEL}/consent/v${c.version}`, display: `Keel informed consent v${c.version} (sha256 ${c.documentSha256})` },
      policy: [{ uri: `${KEEL}/consent/v${c.version}` }],
    });
  }
  return {
    resourceType: 'Bundle',
    id: `keel-export-${p.id}`,
    type: 'collection',
    timestamp: exportedAt,
    meta: { tag: [{ system: `${KEEL}/export`, code: 'patient-record' }] },
    entry: resources.map(entry),
  };
}
