// FHIR search over one patient's resources (FHIR R4 §3.1.1 Search): token, reference and date parameters with
// the common modifiers and prefixes Keel supports. Pure: the server hands over the resources and the query.
import type { FhirResource } from './fhir-types.ts';

export type SearchParams = Readonly<Record<string, readonly string[]>>;

type Json = Record<string, unknown>;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});

/** The element each type's `date` parameter searches (R4 search parameters of the same meaning). */
const datePaths: Record<string, readonly string[]> = {
  Observation: ['effectiveDateTime', 'effectivePeriod', 'effectiveInstant'],
  Encounter: ['period'],
  Condition: ['recordedDate', 'onsetDateTime'],
  CarePlan: ['period'],
  Flag: ['period'],
  DetectedIssue: ['identifiedDateTime'],
  AdverseEvent: ['date'],
  Consent: ['dateTime'],
  QuestionnaireResponse: ['authored'],
  MedicationRequest: ['authoredOn'],
  MedicationDispense: ['whenHandedOver'],
  MedicationAdministration: ['effectiveDateTime', 'effectivePeriod'],
  Provenance: ['recorded'],
  Goal: ['startDate'],
  CareTeam: ['period'],
  RelatedPerson: ['period'],
  Patient: ['birthDate'],
};

/** Names R4 gives the same date search on some types. */
const dateAliases: Record<string, string> = {
  authored: 'date',
  authoredon: 'date',
  whenhandedover: 'date',
  'effective-time': 'date',
  recorded: 'date',
  'recorded-date': 'date',
  identified: 'date',
  birthdate: 'date',
};

/** The element each type's `code` parameter searches. */
const codePaths: Record<string, readonly string[]> = {
  Observation: ['code', 'component.code'],
  Condition: ['code'],
  MedicationRequest: ['medicationCodeableConcept'],
  MedicationDispense: ['medicationCodeableConcept'],
  MedicationAdministration: ['medicationCodeableConcept'],
  Flag: ['code'],
  DetectedIssue: ['code'],
  AdverseEvent: ['event'],
  Encounter: ['type'],
  Questionnaire: ['code'],
};
const categoryPaths: Record<string, readonly string[]> = {
  Observation: ['category'],
  Condition: ['category'],
  Flag: ['category'],
  CarePlan: ['category'],
  MedicationRequest: ['category'],
  Consent: ['category'],
};
/** The reference to the patient on each type (the patient compartment). */
export const patientPaths: Record<string, readonly string[]> = {
  Observation: ['subject'],
  Condition: ['subject'],
  Encounter: ['subject'],
  CarePlan: ['subject'],
  CareTeam: ['subject'],
  Goal: ['subject'],
  MedicationRequest: ['subject'],
  MedicationDispense: ['subject'],
  MedicationAdministration: ['subject'],
  QuestionnaireResponse: ['subject'],
  Flag: ['subject'],
  DetectedIssue: ['patient'],
  AdverseEvent: ['subject'],
  Consent: ['patient'],
  RelatedPerson: ['patient'],
  // A Provenance names the records it is about, not the patient: within one patient's record, all of it matches.
  Provenance: [],
  Patient: [],
};

/** The search parameters each type supports, beyond `_id`, `_lastUpdated` and the result parameters. */
export function supportedSearchParams(type: string): string[] {
  const params = ['_id', '_lastUpdated'];
  if (type !== 'Patient' && patientPaths[type]) params.push('patient');
  if (['Observation', 'Condition', 'Encounter', 'CarePlan', 'CareTeam', 'Goal', 'MedicationRequest', 'MedicationDispense', 'MedicationAdministration', 'QuestionnaireResponse', 'Flag', 'AdverseEvent'].includes(type)) params.push('subject');
  if (codePaths[type]) params.push('code');
  if (categoryPaths[type]) params.push('category');
  if (datePaths[type]) params.push(type === 'Patient' ? 'birthdate' : 'date');
  if (type !== 'Provenance' && type !== 'Patient') params.push('status');
  if (type === 'Patient') params.push('identifier', 'name', 'gender');
  return params;
}

/** Values at a dotted path, flattening arrays on the way. */
function valuesAt(resource: unknown, path: string): unknown[] {
  let current: unknown[] = [resource];
  for (const step of path.split('.')) current = current.flatMap((c) => arr(obj(c)[step]));
  return current;
}

// -- tokens -----------------------------------------------------------------------------------------------------

function tokenMatches(value: string, concept: unknown): boolean {
  const pipe = value.indexOf('|');
  const system = pipe >= 0 ? value.slice(0, pipe) : undefined;
  const code = pipe >= 0 ? value.slice(pipe + 1) : value;
  const c = obj(concept);
  // A CodeableConcept, a Coding, or a plain code (status, gender).
  const codings = typeof concept === 'string' ? [{ code: concept }] : 'coding' in c ? arr(c['coding']).map(obj) : 'code' in c ? [c] : [];
  return codings.some((coding) => {
    if (system !== undefined && system !== '' && coding['system'] !== system) return false;
    if (system === '' && coding['system'] !== undefined) return false;
    return code === '' ? true : coding['code'] === code;
  });
}

function tokenSearch(resource: FhirResource, paths: readonly string[], values: string): boolean {
  const wanted = values.split(',');
  return paths.some((p) => valuesAt(resource, p).some((v) => wanted.some((w) => tokenMatches(w, v))));
}

// -- dates ------------------------------------------------------------------------------------------------------

/** The instant range a date or dateTime covers at its precision: `2026-05` is all of May. */
export function dateRange(value: string): [number, number] | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  if (mo !== undefined && (Number(mo) < 1 || Number(mo) > 12)) return null;
  if (d !== undefined && (Number(d) < 1 || Number(d) > new Date(Date.UTC(year, Number(mo), 0)).getUTCDate())) return null;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59)) return null;
  if (mo === undefined) return [Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1) - 1];
  const month = Number(mo) - 1;
  if (d === undefined) return [Date.UTC(year, month, 1), Date.UTC(year, month + 1, 1) - 1];
  if (h === undefined) return [Date.UTC(year, month, Number(d)), Date.UTC(year, month, Number(d) + 1) - 1];
  const zone = tz && tz !== 'Z' ? tz : 'Z';
  const base = `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${frac ?? ''}${zone}`;
  const start = Date.parse(base);
  if (Number.isNaN(start)) return null;
  const width = s === undefined ? 60_000 : frac === undefined ? 1000 : 1;
  return [start, start + width - 1];
}

function resourceDateRanges(resource: FhirResource, paths: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  for (const p of paths) {
    for (const v of valuesAt(resource, p)) {
      if (typeof v === 'string') {
        const r = dateRange(v);
        if (r) out.push(r);
      } else if (v && typeof v === 'object') {
        const period = v as { start?: string; end?: string };
        const start = period.start ? dateRange(period.start)?.[0] : -Infinity;
        const end = period.end ? dateRange(period.end)?.[1] : Infinity;
        if (start !== undefined && end !== undefined) out.push([start, end]);
      }
    }
  }
  return out;
}

/** One `date` value with its prefix (eq when none) against a resource's ranges (FHIR R4 §3.1.1.4.2). */
function dateMatches(search: string, ranges: [number, number][]): boolean | null {
  const m = /^(eq|ne|lt|gt|le|ge|sa|eb|ap)?(.+)$/.exec(search);
  const prefix = m?.[1] ?? 'eq';
  const target = m?.[2] ? dateRange(m[2]) : null;
  if (!target) return null;
  const [ts, te] = target;
  return ranges.some(([rs, re]) => {
    switch (prefix) {
      case 'eq':
      case 'ap':
        return rs >= ts && re <= te;
      case 'ne':
        return !(rs >= ts && re <= te);
      case 'lt':
        return rs < ts;
      case 'le':
        return rs <= te;
      case 'gt':
        return re > te;
      case 'ge':
        return re >= ts;
      case 'sa':
        return rs > te;
      case 'eb':
        return re < ts;
      default:
        return false;
    }
  });
}

// -- the search -------------------------------------------------------------------------------------------------

export interface SearchOutcome {
  matches: FhirResource[];
  /** Parameters given that this search does not support (ignored unless the client asked for strict handling). */
  unsupported: string[];
  /** Values that could not be read (e.g. a malformed date): always an error. */
  invalid: string[];
  /** The parameters that were applied, for the self link. */
  applied: Record<string, string[]>;
}

/** Result and format parameters: not filters. */
const resultParams = new Set(['_count', '_offset', '_sort', '_format', '_summary', '_elements', '_total', '_pretty']);

/**
 * The resources of `type` among one patient's record that match every parameter (AND across parameters and repeats, OR within a
 * comma-separated value). References to the patient are matched by id (`Patient/x` or `x`).
 */
export function searchResources(resources: readonly FhirResource[], type: string, params: SearchParams): SearchOutcome {
  const supported = new Set(supportedSearchParams(type));
  const unsupported: string[] = [];
  const invalid: string[] = [];
  const applied: Record<string, string[]> = {};
  let matches = resources.filter((r) => r.resourceType === type);
  for (const [rawName, values] of Object.entries(params)) {
    if (resultParams.has(rawName)) continue;
    const [base, modifier] = rawName.split(':') as [string, string | undefined];
    const name = dateAliases[base] && supported.has(type === 'Patient' ? 'birthdate' : 'date') ? (type === 'Patient' ? 'birthdate' : 'date') : base;
    if (!supported.has(name) || (modifier !== undefined && !(modifier === 'missing' || (name === 'identifier' && modifier === 'of-type') || modifier === 'exact' || modifier === 'contains'))) {
      unsupported.push(rawName);
      continue;
    }
    applied[rawName] = [...values];
    for (const value of values) {
      matches = matches.filter((r) => {
        switch (name) {
          case '_id':
            return value.split(',').includes(r.id);
          case '_lastUpdated': {
            const result = r.meta?.lastUpdated ? dateMatches(value, [dateRange(r.meta.lastUpdated) ?? [0, 0]]) : false;
            if (result === null) invalid.push(`${rawName}=${value}`);
            return result === true;
          }
          case 'patient':
          case 'subject': {
            const ids = value.split(',').map((v) => v.replace(/^.*Patient\//, ''));
            const paths = patientPaths[type] ?? [];
            if (paths.length === 0) return true;
            return paths.some((p) => valuesAt(r, p).some((ref) => ids.some((id) => obj(ref)['reference'] === `Patient/${id}`)));
          }
          case 'code':
            return tokenSearch(r, codePaths[type] ?? [], value);
          case 'category':
            return tokenSearch(r, categoryPaths[type] ?? [], value);
          case 'status':
            return value.split(',').includes(String(r['status']));
          case 'date':
          case 'birthdate': {
            const result = dateMatches(value, resourceDateRanges(r, datePaths[type] ?? []));
            if (result === null) invalid.push(`${rawName}=${value}`);
            return result === true;
          }
          case 'identifier':
            return value.split(',').some((w) => valuesAt(r, 'identifier').some((i) => tokenMatches(w, { coding: [{ system: obj(i)['system'], code: obj(i)['value'] }] })));
          case 'name': {
            const text = JSON.stringify(valuesAt(r, 'name')).toLowerCase();
            return value.split(',').some((v) => text.includes(v.toLowerCase()));
          }
          case 'gender':
            return value.split(',').includes(String(r['gender']));
          default:
            return true;
        }
      });
    }
  }
  return { matches, unsupported, invalid: [...new Set(invalid)], applied };
}

/** Sorts by `_sort` (`date`, `_lastUpdated`, `_id`; `-` for descending); other keys leave the order alone. */
export function sortResources(resources: readonly FhirResource[], sort: string | undefined): FhirResource[] {
  const out = [...resources];
  if (!sort) return out;
  for (const key of sort.split(',').reverse()) {
    const desc = key.startsWith('-');
    const k = desc ? key.slice(1) : key;
    const keyOf = (r: FhirResource): string | number =>
      k === '_id' ? r.id : k === '_lastUpdated' ? Date.parse(r.meta?.lastUpdated ?? '') || 0 : (resourceDateRanges(r, datePaths[r.resourceType] ?? [])[0]?.[0] ?? 0);
    if (!['_id', '_lastUpdated', 'date'].includes(k)) continue;
    out.sort((a, b) => {
      const x = keyOf(a);
      const y = keyOf(b);
      const c = x < y ? -1 : x > y ? 1 : 0;
      return desc ? -c : c;
    });
  }
  return out;
}
