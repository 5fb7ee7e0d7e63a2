// Code systems, profiles and codes of the FHIR export. Every external code here is a published one (LOINC, SNOMED CT,
// ICD-10-CM, RxNorm, UCUM, HL7 terminology); the table in docs/fhir.md lists them with what they stand for. Keel's own
// codes (alert and warning-sign codes, instrument bands, instruments without a LOINC code) live under KEEL_CS.
import type { CodeableConcept, Coding } from './fhir-types.ts';

export const LOINC = 'http://loinc.org';
export const SNOMED = 'http://snomed.info/sct';
export const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const UCUM = 'http://unitsofmeasure.org';
export const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
export const V3_ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const V3_ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
export const V3_PARTICIPATION = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';
export const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
export const CONDITION_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
export const PROVENANCE_PARTICIPANT = 'http://terminology.hl7.org/CodeSystem/provenance-participant-type';
/** The US DEA registration number (HL7 OID registry). */
export const DEA_SYSTEM = 'urn:oid:2.16.840.1.113883.4.814';

/** Keel's own code systems: stable across deployments, so they are named under the project's domain. */
export const KEEL_CS = 'https://keel.health/fhir/CodeSystem';
export const KEEL_SD = 'https://keel.health/fhir/StructureDefinition';

const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';
/** US Core 6.1.0 profiles each exported resource declares (where US Core has one). */
export const profiles = {
  patient: `${US_CORE}/us-core-patient`,
  practitioner: `${US_CORE}/us-core-practitioner`,
  organization: `${US_CORE}/us-core-organization`,
  relatedPerson: `${US_CORE}/us-core-relatedperson`,
  careTeam: `${US_CORE}/us-core-careteam`,
  condition: `${US_CORE}/us-core-condition-problems-health-concerns`,
  vitalSigns: `${US_CORE}/us-core-vital-signs`,
  bloodPressure: `${US_CORE}/us-core-blood-pressure`,
  heartRate: `${US_CORE}/us-core-heart-rate`,
  pulseOximetry: `${US_CORE}/us-core-pulse-oximetry`,
  screeningAssessment: `${US_CORE}/us-core-observation-screening-assessment`,
  questionnaireResponse: `${US_CORE}/us-core-questionnaireresponse`,
  medicationRequest: `${US_CORE}/us-core-medicationrequest`,
  medicationDispense: `${US_CORE}/us-core-medicationdispense`,
  encounter: `${US_CORE}/us-core-encounter`,
  carePlan: `${US_CORE}/us-core-careplan`,
  goal: `${US_CORE}/us-core-goal`,
  provenance: `${US_CORE}/us-core-provenance`,
  /** The base FHIR vital-signs profiles, which the US Core ones derive from. */
  fhirVitalSigns: 'http://hl7.org/fhir/StructureDefinition/vitalsigns',
  fhirBp: 'http://hl7.org/fhir/StructureDefinition/bp',
  fhirHeartRate: 'http://hl7.org/fhir/StructureDefinition/heartrate',
  fhirOxygenSat: 'http://hl7.org/fhir/StructureDefinition/oxygensat',
  birthSex: `${US_CORE}/us-core-birthsex`,
} as const;

export const coding = (system: string, code: string, display?: string): Coding => ({ system, code, ...(display ? { display } : {}) });
export const concept = (codings: Coding[], text?: string): CodeableConcept => ({ coding: codings, ...(text ? { text } : {}) });
export const keelCoding = (codeSystem: string, code: string, display?: string): Coding => coding(`${KEEL_CS}/${codeSystem}`, code, display);

export const vitalSignsCategory = concept([coding(OBSERVATION_CATEGORY, 'vital-signs', 'Vital Signs')]);
export const surveyCategory = concept([coding(OBSERVATION_CATEGORY, 'survey', 'Survey')]);

/** Ketamine, the RxNorm ingredient: the program's product is compounded, which has no clinical-drug (SCD) code. */
export const ketamine: CodeableConcept = concept([coding(RXNORM, '6130', 'ketamine')], 'Ketamine (Schedule III)');

export const routeCodes: Record<string, Coding> = {
  sublingual: coding(SNOMED, '37839007', 'Sublingual route'),
  oral: coding(SNOMED, '26643006', 'Oral route'),
};

/** UCUM quantities. `{score}` and `{tablet}` are UCUM annotations (unit 1 with a label). */
export const mg = (value: number) => ({ value, unit: 'mg', system: UCUM, code: 'mg' });
export const score = (value: number) => ({ value, unit: '{score}', system: UCUM, code: '{score}' });
export const mmHg = (value: number) => ({ value, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' });
export const perMinute = (value: number) => ({ value, unit: 'beats/minute', system: UCUM, code: '/min' });
export const percent = (value: number) => ({ value, unit: '%', system: UCUM, code: '%' });

/** One item of an instrument with its LOINC question code. */
export interface LoincItem {
  readonly code: string;
  readonly display: string;
}

export interface InstrumentCoding {
  /** The LOINC panel of the whole instrument. */
  readonly panel?: LoincItem;
  /** The LOINC code of the total score. */
  readonly total?: LoincItem;
  /** LOINC question codes by Keel item id: item Observations are made for these. */
  readonly items?: Readonly<Record<string, LoincItem>>;
  /** LOINC answer codes by the item's option value, per answer list. */
  readonly answers?: (itemId: string) => Readonly<Record<string, LoincItem>> | undefined;
}

// PHQ-9 and GAD-7 share their frequency answer list (LOINC LL358-3); PHQ-9 item 10 has the difficulty list.
const frequencyAnswers: Record<string, LoincItem> = {
  '0': { code: 'LA6568-5', display: 'Not at all' },
  '1': { code: 'LA6569-3', display: 'Several days' },
  '2': { code: 'LA6570-1', display: 'More than half the days' },
  '3': { code: 'LA6571-9', display: 'Nearly every day' },
};
const difficultyAnswers: Record<string, LoincItem> = {
  '0': { code: 'LA6572-7', display: 'Not difficult at all' },
  '1': { code: 'LA6573-5', display: 'Somewhat difficult' },
  '2': { code: 'LA6575-0', display: 'Very difficult' },
  '3': { code: 'LA6574-3', display: 'Extremely difficult' },
};

/**
 * LOINC coding of the instruments, where LOINC has the instrument. The C-SSRS screener, the bladder check and the
 * craving check are exported under Keel codes only (see docs/fhir.md).
 */
export const instrumentCoding: Readonly<Record<string, InstrumentCoding>> = {
  phq9: {
    panel: { code: '44249-1', display: 'PHQ-9 quick depression assessment panel' },
    total: { code: '44261-6', display: 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]' },
    items: {
      q1: { code: '44250-9', display: 'Little interest or pleasure in doing things' },
      q2: { code: '44255-8', display: 'Feeling down, depressed, or hopeless' },
      q3: { code: '44259-0', display: 'Trouble falling or staying asleep, or sleeping too much' },
      q4: { code: '44254-1', display: 'Feeling tired or having little energy' },
      q5: { code: '44251-7', display: 'Poor appetite or overeating' },
      q6: { code: '44258-2', display: 'Feeling bad about yourself-or that you are a failure or have let yourself or your family down' },
      q7: { code: '44252-5', display: 'Trouble concentrating on things, such as reading the newspaper or watching television' },
      q8: { code: '44253-3', display: 'Moving or speaking so slowly that other people could have noticed. Or the opposite-being so fidgety or restless that you have been moving around a lot more than usual' },
      q9: { code: '44260-8', display: 'Thoughts that you would be better off dead, or of hurting yourself in some way' },
      q10: { code: '69722-7', display: 'How difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?' },
    },
    answers: (itemId) => (itemId === 'q10' ? difficultyAnswers : frequencyAnswers),
  },
  gad7: {
    panel: { code: '69737-5', display: 'Generalized anxiety disorder 7 item (GAD-7)' },
    total: { code: '70274-6', display: 'Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]' },
    items: {
      q1: { code: '69725-0', display: 'Feeling nervous, anxious or on edge' },
      q2: { code: '68509-9', display: 'Over the past 2 weeks have you not been able to stop or control worrying' },
      q3: { code: '69733-4', display: 'Worrying too much about different things' },
      q4: { code: '69734-2', display: 'Trouble relaxing' },
      q5: { code: '69735-9', display: 'Being so restless that it is hard to sit still' },
      q6: { code: '69689-8', display: 'Becoming easily annoyed or irritable' },
      q7: { code: '69736-7', display: 'Feeling afraid as if something awful might happen' },
    },
    answers: () => frequencyAnswers,
  },
  'audit-c': {
    panel: { code: '72109-2', display: 'Alcohol Use Disorder Identification Test - Consumption [AUDIT-C]' },
    total: { code: '75626-2', display: 'Total score [AUDIT-C]' },
  },
  audit: {
    panel: { code: '72110-0', display: 'Alcohol Use Disorder Identification Test [AUDIT]' },
    total: { code: '75624-7', display: 'Total score [AUDIT]' },
  },
  dast10: {
    panel: { code: '82666-9', display: 'Drug Abuse Screening Test-10 [DAST-10]' },
    total: { code: '82667-7', display: 'Total score [DAST-10]' },
  },
};

/**
 * The depressive disorder the program treats, coded from the intake's stated diagnoses. ICD-10-CM has no code for
 * treatment resistance, and no SNOMED CT concept for it could be confirmed from a published source, so the
 * resistance is stated in the Condition's text and evidence (the adequate antidepressant trials).
 */
export function depressionCodes(diagnoses: readonly string[]): { snomed: Coding; icd10cm: Coding } {
  const recurrent = diagnoses.some((d) => /recurren/i.test(d));
  return recurrent
    ? {
        snomed: coding(SNOMED, '268621008', 'Recurrent major depressive episodes'),
        icd10cm: coding(ICD10CM, 'F33.9', 'Major depressive disorder, recurrent, unspecified'),
      }
    : {
        snomed: coding(SNOMED, '370143000', 'Major depressive disorder'),
        icd10cm: coding(ICD10CM, 'F32.9', 'Major depressive disorder, single episode, unspecified'),
      };
}

/** The sitter's stated relationship, as a v3 RoleCode where one fits. */
export function relationshipCoding(relationship: string | null): Coding | undefined {
  const r = (relationship ?? '').trim().toLowerCase();
  const table: Record<string, [string, string]> = {
    spouse: ['SPS', 'spouse'],
    husband: ['HUSB', 'husband'],
    wife: ['WIFE', 'wife'],
    partner: ['DOMPART', 'domestic partner'],
    'domestic partner': ['DOMPART', 'domestic partner'],
    sibling: ['SIB', 'sibling'],
    brother: ['BRO', 'brother'],
    sister: ['SIS', 'sister'],
    parent: ['PRN', 'parent'],
    mother: ['MTH', 'mother'],
    father: ['FTH', 'father'],
    child: ['CHILD', 'child'],
    son: ['SON', 'natural son'],
    daughter: ['DAU', 'natural daughter'],
    friend: ['FRND', 'unrelated friend'],
    neighbor: ['NBOR', 'neighbor'],
    neighbour: ['NBOR', 'neighbor'],
    roommate: ['ROOM', 'Roommate'],
  };
  const hit = table[r];
  return hit ? coding(V3_ROLE_CODE, hit[0], hit[1]) : undefined;
}
