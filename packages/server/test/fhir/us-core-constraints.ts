import { validateAgainst } from './fhir-validator.ts';

/**
 * The key constraints of the US Core 6.1.0 profiles the export declares, written out by hand from the published
 * profiles (hl7.org/fhir/us/core/STU6.1, each profile's "Key Elements" and invariants), because US Core 6.1's
 * StructureDefinitions are not available on npm for a validator to load. The vital-signs profiles are, in addition,
 * validated against the base FHIR vital-signs profiles they derive from (which Medplum ships). Returns the
 * violations, and counts the checks made so a test can tell that the checks ran.
 */
type R = Record<string, unknown>;
const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition/';
const arr = (v: unknown): R[] => (Array.isArray(v) ? (v as R[]) : v === undefined ? [] : [v as R]);
const codings = (cc: unknown): R[] => arr((cc as R | undefined)?.['coding']);
const hasCoding = (cc: unknown, system: string, code: string) => codings(cc).some((c) => c['system'] === system && c['code'] === code);
const isRef = (v: unknown, ...types: string[]) => typeof (v as R | undefined)?.['reference'] === 'string' && types.some((t) => String((v as R)['reference']).startsWith(`${t}/`));
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const OBS_CAT = 'http://terminology.hl7.org/CodeSystem/observation-category';

export interface ConstraintReport {
  violations: string[];
  checks: number;
}

export function usCoreKeyConstraints(resource: R): ConstraintReport {
  const violations: string[] = [];
  let checks = 0;
  const label = `${String(resource['resourceType'])}/${String(resource['id'])}`;
  const must = (ok: boolean, what: string) => {
    checks++;
    if (!ok) violations.push(`${label}: ${what}`);
  };
  const profiles = arr((resource['meta'] as R | undefined)?.['profile']).map(String);
  for (const profile of profiles.filter((p) => p.startsWith(US_CORE)).map((p) => p.slice(US_CORE.length))) {
    switch (profile) {
      case 'us-core-patient':
        must(arr(resource['identifier']).length > 0 && arr(resource['identifier']).every((i) => typeof i['system'] === 'string' && typeof i['value'] === 'string'), 'identifier 1..* with system and value');
        must(arr(resource['name']).length > 0 && arr(resource['name']).every((n) => typeof n['family'] === 'string' || arr(n['given']).length > 0), 'us-core-6: name.given or name.family');
        must(['male', 'female', 'other', 'unknown'].includes(String(resource['gender'])), 'gender 1..1');
        break;
      case 'us-core-practitioner':
        must(arr(resource['identifier']).length > 0, 'identifier 1..*');
        must(arr(resource['name']).length > 0 && arr(resource['name']).every((n) => typeof n['family'] === 'string'), 'name 1..* with family');
        break;
      case 'us-core-organization':
        must(typeof resource['active'] === 'boolean', 'active 1..1');
        must(typeof resource['name'] === 'string', 'name 1..1');
        break;
      case 'us-core-relatedperson':
        must(typeof resource['active'] === 'boolean', 'active 1..1');
        must(isRef(resource['patient'], 'Patient'), 'patient 1..1');
        break;
      case 'us-core-careteam':
        must(isRef(resource['subject'], 'Patient'), 'subject 1..1 Reference(Patient)');
        must(arr(resource['participant']).length > 0 && arr(resource['participant']).every((p) => arr(p['role']).length > 0 && isRef(p['member'], 'Practitioner', 'PractitionerRole', 'Organization', 'Patient', 'RelatedPerson')), 'participant 1..* with role and member');
        break;
      case 'us-core-condition-problems-health-concerns':
        must(arr(resource['category']).some((c) => hasCoding(c, 'http://terminology.hl7.org/CodeSystem/condition-category', 'problem-list-item') || hasCoding(c, 'http://hl7.org/fhir/us/core/CodeSystem/condition-category', 'health-concern')), 'category problem-list-item or health-concern');
        must(codings(resource['code']).length > 0, 'code 1..1');
        must(isRef(resource['subject'], 'Patient'), 'subject 1..1');
        break;
      case 'us-core-blood-pressure':
      case 'us-core-heart-rate':
      case 'us-core-pulse-oximetry': {
        must(arr(resource['category']).some((c) => hasCoding(c, OBS_CAT, 'vital-signs')), 'category vital-signs');
        must(isRef(resource['subject'], 'Patient'), 'subject 1..1');
        must(typeof resource['effectiveDateTime'] === 'string' || resource['effectivePeriod'] !== undefined, 'effective[x] 1..1');
        const q = resource['valueQuantity'] as R | undefined;
        if (profile === 'us-core-blood-pressure') {
          must(hasCoding(resource['code'], LOINC, '85354-9'), 'code 85354-9');
          for (const code of ['8480-6', '8462-4']) {
            const c = arr(resource['component']).find((x) => hasCoding(x['code'], LOINC, code));
            const v = c?.['valueQuantity'] as R | undefined;
            must(v?.['system'] === UCUM && v['code'] === 'mm[Hg]' && typeof v['value'] === 'number', `component ${code} in mm[Hg]`);
          }
          for (const e of validateAgainst(resource as never, 'http://hl7.org/fhir/StructureDefinition/vitalsigns')) must(false, e);
        }
        if (profile === 'us-core-heart-rate') {
          must(hasCoding(resource['code'], LOINC, '8867-4'), 'code 8867-4');
          must(q?.['system'] === UCUM && q['code'] === '/min', 'valueQuantity /min');
          for (const e of validateAgainst(resource as never, 'http://hl7.org/fhir/StructureDefinition/heartrate')) must(false, e);
        }
        if (profile === 'us-core-pulse-oximetry') {
          must(hasCoding(resource['code'], LOINC, '59408-5') && hasCoding(resource['code'], LOINC, '2708-6'), 'code 59408-5 and 2708-6');
          must(q?.['system'] === UCUM && q['code'] === '%', 'valueQuantity %');
          for (const e of validateAgainst(resource as never, 'http://hl7.org/fhir/StructureDefinition/oxygensat')) must(false, e);
        }
        break;
      }
      case 'us-core-observation-screening-assessment':
        must(typeof resource['status'] === 'string', 'status 1..1');
        must(arr(resource['category']).some((c) => hasCoding(c, OBS_CAT, 'survey')), 'category survey');
        must(codings(resource['code']).length > 0, 'code 1..1');
        must(isRef(resource['subject'], 'Patient'), 'subject 1..1');
        must(
          arr(resource['hasMember']).length > 0 || arr(resource['component']).length > 0 || Object.keys(resource).some((k) => k.startsWith('value')) || resource['dataAbsentReason'] !== undefined,
          'us-core-2: value, member, component or data absent reason',
        );
        break;
      case 'us-core-questionnaireresponse':
        must(typeof resource['questionnaire'] === 'string', 'questionnaire 1..1');
        must(typeof resource['status'] === 'string' && isRef(resource['subject'], 'Patient') && typeof resource['authored'] === 'string', 'status, subject, authored');
        break;
      case 'us-core-medicationrequest':
        must(isRef(resource['requester'], 'Practitioner', 'Organization', 'Patient', 'PractitionerRole', 'RelatedPerson', 'Device'), 'requester 1..1');
        must(typeof resource['authoredOn'] === 'string', 'authoredOn');
        must(resource['medicationCodeableConcept'] !== undefined || resource['medicationReference'] !== undefined, 'medication[x]');
        break;
      case 'us-core-medicationdispense':
        must(typeof resource['status'] === 'string' && isRef(resource['subject'], 'Patient'), 'status and subject');
        must(resource['medicationCodeableConcept'] !== undefined || resource['medicationReference'] !== undefined, 'medication[x]');
        break;
      case 'us-core-encounter':
        must(typeof resource['status'] === 'string' && resource['class'] !== undefined, 'status and class');
        must(arr(resource['type']).length > 0, 'type 1..*');
        must(isRef(resource['subject'], 'Patient'), 'subject 1..1');
        break;
      case 'us-core-careplan': {
        const text = resource['text'] as R | undefined;
        must(typeof text?.['status'] === 'string' && String(text['div']).startsWith('<div xmlns="http://www.w3.org/1999/xhtml">'), 'text 1..1 with status and div');
        must(arr(resource['category']).some((c) => hasCoding(c, 'http://hl7.org/fhir/us/core/CodeSystem/careplan-category', 'assess-plan')), 'category assess-plan');
        must(isRef(resource['subject'], 'Patient'), 'subject 1..1');
        break;
      }
      case 'us-core-goal':
        must(typeof resource['lifecycleStatus'] === 'string' && resource['description'] !== undefined && isRef(resource['subject'], 'Patient'), 'lifecycleStatus, description, subject');
        must(typeof resource['startDate'] === 'string' || arr(resource['target']).some((t) => t['dueDate'] !== undefined), 'startDate or target.dueDate');
        break;
      case 'us-core-provenance':
        must(arr(resource['target']).length > 0 && typeof resource['recorded'] === 'string', 'target 1..* and recorded');
        must(
          arr(resource['agent']).some((a) => hasCoding(a['type'], 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', 'author')) &&
            arr(resource['agent']).every((a) => a['who'] !== undefined && (!isRef(a['who'], 'Practitioner', 'Device') || a['onBehalfOf'] !== undefined)),
          'an author agent; provenance-1: onBehalfOf when who is a Practitioner or Device',
        );
        break;
      default:
        must(false, `declares ${profile}, which this check does not know`);
    }
  }
  return { violations, checks };
}
