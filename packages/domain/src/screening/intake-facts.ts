// Reads a (possibly partial, possibly malformed) intake into typed facts, recording every missing or invalid
// required answer. Fail closed: a value of the wrong type or outside plausible bounds is not used by any rule and
// is reported, so the screening can never be "likely eligible" on it.
import { scoreInstrument } from '../instruments/index.ts';
import type { ScoreResult, ScoredInstrument, SexAtBirth } from '../instruments/index.ts';
import { intakeInstrumentCodes } from './intake.ts';
import type { IntakeAnswers, IntakeInstrumentCode, LiverImpairment, MedicationClass } from './intake.ts';
import type { ScreeningSettings } from './screening-settings.ts';
import type { IntakeProblem } from './screening.types.ts';

export const usStateCodes: readonly string[] = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA',
  'ME', 'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR',
  'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY', 'PR', 'VI', 'GU', 'AS', 'MP',
];

const medicationClasses: readonly MedicationClass[] = ['benzodiazepine', 'lamotrigine', 'maoi', 'stimulant', 'opioid', 'other_sedative', 'other'];
const liverLevels: readonly LiverImpairment[] = ['none', 'mild', 'moderate', 'severe'];

export interface MedicationFact {
  readonly index: number;
  readonly name: string;
  readonly class: MedicationClass;
  readonly diazepamEquivalentMgPerDay?: number;
}

export interface IntakeFacts {
  dateOfBirth?: string;
  ageYears?: number;
  sexAtBirth?: SexAtBirth;
  state?: string;
  weightKg?: number;
  psychoticDisorder?: boolean;
  bipolarManiaOrMixed?: boolean;
  adequateAntidepressantTrials?: number;
  medical: {
    aneurysmalVascularDisease?: boolean;
    arteriovenousMalformation?: boolean;
    intracerebralHaemorrhage?: boolean;
    recentMyocardialInfarction?: boolean;
    recentStroke?: boolean;
    unstableAngina?: boolean;
    arrhythmia?: boolean;
    hypertension?: boolean;
    hypertensionUncontrolled?: boolean;
    restingBp?: { systolicMmHg: number; diastolicMmHg: number };
    liverImpairment?: LiverImpairment;
    bladderOrInterstitialCystitis?: boolean;
    seizureDisorder?: boolean;
    sleepApnoea?: boolean;
    respiratoryDisease?: boolean;
    pregnant?: boolean;
    breastfeeding?: boolean;
    raisedIntracranialPressure?: boolean;
    cardiologyClearance?: boolean;
  };
  /** Validated medications; [] when the patient takes none; undefined when unknown. */
  medications?: MedicationFact[];
  substance: {
    activeSud?: boolean;
    sudInRemission?: boolean;
    remissionMonths?: number;
    personalHistoryOfSud?: boolean;
    familyHistoryOfSud?: boolean;
    cageAidScore?: number;
  };
  instrumentResults: Partial<Record<IntakeInstrumentCode | 'audit-c', ScoreResult>>;
  scored: Partial<Record<IntakeInstrumentCode, ScoredInstrument>>;
  sitter: {
    hasSitter?: boolean;
    name?: string;
    relationship?: string;
    isAdult?: boolean;
    canAttendEverySession?: boolean;
  };
}

type Check<T> = { readonly test: (v: unknown) => v is T; readonly what: string };
const isBool: Check<boolean> = { test: (v): v is boolean => typeof v === 'boolean', what: 'true or false' };
const isText: Check<string> = { test: (v): v is string => typeof v === 'string' && v.trim().length > 0, what: 'a non-empty text' };
const isCount: Check<number> = { test: (v): v is number => Number.isInteger(v) && (v as number) >= 0, what: 'a whole number, 0 or more' };
const isNumber: Check<number> = { test: (v): v is number => typeof v === 'number' && Number.isFinite(v), what: 'a number' };
const oneOf = <T extends string>(values: readonly T[]): Check<T> => ({
  test: (v): v is T => typeof v === 'string' && (values as readonly string[]).includes(v),
  what: `one of ${values.join(', ')}`,
});

/** ISO calendar date YYYY-MM-DD that exists (no 2023-02-30). Returns [y, m, d] or undefined. */
export function parseIsoDate(value: string): [number, number, number] | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return [y, mo, d];
}

/**
 * Age in completed years on the UTC calendar date of `now`. A 29 February birthday counts as reached on
 * 1 March in common years.
 */
export function ageInYears(dateOfBirth: [number, number, number], now: Date): number {
  const [y, m, d] = dateOfBirth;
  const ny = now.getUTCFullYear();
  const nm = now.getUTCMonth() + 1;
  const nd = now.getUTCDate();
  const hadBirthday = nm > m || (nm === m && nd >= d);
  return ny - y - (hadBirthday ? 0 : 1);
}

class Reader {
  readonly problems: IntakeProblem[] = [];

  section(value: unknown, path: string): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.invalid(path, 'must be an object');
      return {};
    }
    return value as Record<string, unknown>;
  }

  required<T>(obj: Record<string, unknown>, key: string, path: string, check: Check<T>): T | undefined {
    const value = obj[key];
    if (value === undefined || value === null) {
      this.problems.push({ path, problem: 'missing', message: 'is required' });
      return undefined;
    }
    return this.checked(value, path, check);
  }

  optional<T>(obj: Record<string, unknown>, key: string, path: string, check: Check<T>): T | undefined {
    const value = obj[key];
    if (value === undefined || value === null) return undefined;
    return this.checked(value, path, check);
  }

  checked<T>(value: unknown, path: string, check: Check<T>): T | undefined {
    if (check.test(value)) return value;
    this.invalid(path, `must be ${check.what}`);
    return undefined;
  }

  invalid(path: string, message: string): void {
    this.problems.push({ path, problem: 'invalid', message });
  }

  missing(path: string, message = 'is required'): void {
    this.problems.push({ path, problem: 'missing', message });
  }

  inRange(value: number | undefined, path: string, range: { min: number; max: number }, unit: string): number | undefined {
    if (value === undefined) return undefined;
    if (value < range.min || value > range.max) {
      this.invalid(path, `${value} ${unit} is outside ${range.min}–${range.max} ${unit}: an input error, not a reading`);
      return undefined;
    }
    return value;
  }
}

export interface ReadIntakeResult {
  readonly facts: IntakeFacts;
  readonly problems: IntakeProblem[];
}

export function readIntake(answers: IntakeAnswers, now: Date, settings: ScreeningSettings): ReadIntakeResult {
  if (Number.isNaN(now.getTime())) throw new TypeError('screening needs a valid `now`'); // a caller bug, not an outcome
  const r = new Reader();
  const root = r.section(answers, '(intake)');

  // Demographics
  const demo = r.section(root['demographics'], 'demographics');
  const facts: IntakeFacts = { medical: {}, substance: {}, instrumentResults: {}, scored: {}, sitter: {} };
  const dob = r.required(demo, 'dateOfBirth', 'demographics.dateOfBirth', isText);
  if (dob !== undefined) {
    const parsed = parseIsoDate(dob);
    const age = parsed ? ageInYears(parsed, now) : undefined;
    if (age === undefined) r.invalid('demographics.dateOfBirth', 'must be a calendar date YYYY-MM-DD');
    else if (age < 0 || age > settings.maximumPlausibleAgeYears) r.invalid('demographics.dateOfBirth', `gives an implausible age (${age})`);
    else {
      facts.dateOfBirth = dob;
      facts.ageYears = age;
    }
  }
  facts.sexAtBirth = r.required(demo, 'sexAtBirth', 'demographics.sexAtBirth', oneOf<SexAtBirth>(['female', 'male']));
  const state = r.required(demo, 'state', 'demographics.state', isText);
  if (state !== undefined) {
    const code = state.trim().toUpperCase();
    if (usStateCodes.includes(code)) facts.state = code;
    else r.invalid('demographics.state', 'must be a US state or territory two-letter code');
  }
  facts.weightKg = r.inRange(r.required(demo, 'weightKg', 'demographics.weightKg', isNumber), 'demographics.weightKg', settings.plausibleWeightKg, 'kg');

  // Psychiatric history
  const psych = r.section(root['psychiatricHistory'], 'psychiatricHistory');
  const diagnoses = psych['diagnoses'];
  if (diagnoses === undefined || diagnoses === null) r.missing('psychiatricHistory.diagnoses');
  else if (!Array.isArray(diagnoses) || !diagnoses.every((d) => typeof d === 'string')) r.invalid('psychiatricHistory.diagnoses', 'must be a list of texts');
  facts.adequateAntidepressantTrials = readTrials(r, psych);
  facts.psychoticDisorder = r.required(psych, 'psychoticDisorder', 'psychiatricHistory.psychoticDisorder', isBool);
  facts.bipolarManiaOrMixed = r.required(psych, 'bipolarManiaOrMixed', 'psychiatricHistory.bipolarManiaOrMixed', isBool);
  const attempts = r.section(psych['suicideAttempts'], 'psychiatricHistory.suicideAttempts');
  const attemptCount = r.required(attempts, 'lifetimeCount', 'psychiatricHistory.suicideAttempts.lifetimeCount', isCount);
  if (attemptCount !== undefined && attemptCount > 0) {
    const last = r.required(attempts, 'mostRecentDate', 'psychiatricHistory.suicideAttempts.mostRecentDate', isText);
    if (last !== undefined && !parseIsoDate(last)) r.invalid('psychiatricHistory.suicideAttempts.mostRecentDate', 'must be a calendar date YYYY-MM-DD');
  }

  // Medical history
  const med = r.section(root['medicalHistory'], 'medicalHistory');
  const m = facts.medical;
  const bool = (key: keyof IntakeFacts['medical']): boolean | undefined => r.required(med, key, `medicalHistory.${key}`, isBool);
  m.aneurysmalVascularDisease = bool('aneurysmalVascularDisease');
  m.arteriovenousMalformation = bool('arteriovenousMalformation');
  m.intracerebralHaemorrhage = bool('intracerebralHaemorrhage');
  m.recentMyocardialInfarction = bool('recentMyocardialInfarction');
  m.recentStroke = bool('recentStroke');
  m.unstableAngina = bool('unstableAngina');
  m.arrhythmia = bool('arrhythmia');
  m.hypertension = bool('hypertension');
  if (m.hypertension === true) m.hypertensionUncontrolled = bool('hypertensionUncontrolled');
  else if (m.hypertension === false) m.hypertensionUncontrolled = false;
  const bp = r.section(med['restingBp'], 'medicalHistory.restingBp');
  const sys = r.inRange(r.required(bp, 'systolicMmHg', 'medicalHistory.restingBp.systolicMmHg', isNumber), 'medicalHistory.restingBp.systolicMmHg', settings.plausibleBp.systolicMmHg, 'mmHg');
  const dia = r.inRange(r.required(bp, 'diastolicMmHg', 'medicalHistory.restingBp.diastolicMmHg', isNumber), 'medicalHistory.restingBp.diastolicMmHg', settings.plausibleBp.diastolicMmHg, 'mmHg');
  if (sys !== undefined && dia !== undefined) {
    if (dia >= sys) r.invalid('medicalHistory.restingBp', `diastolic ${dia} mmHg is not below systolic ${sys} mmHg: an input error`);
    else m.restingBp = { systolicMmHg: sys, diastolicMmHg: dia };
  }
  m.liverImpairment = r.required(med, 'liverImpairment', 'medicalHistory.liverImpairment', oneOf(liverLevels));
  m.bladderOrInterstitialCystitis = bool('bladderOrInterstitialCystitis');
  m.seizureDisorder = bool('seizureDisorder');
  m.sleepApnoea = bool('sleepApnoea');
  m.respiratoryDisease = bool('respiratoryDisease');
  // Pregnancy questions are asked unless sex at birth is recorded as male; an unknown sex keeps them required.
  if (facts.sexAtBirth !== 'male') {
    m.pregnant = bool('pregnant');
    m.breastfeeding = bool('breastfeeding');
  } else {
    m.pregnant = r.optional(med, 'pregnant', 'medicalHistory.pregnant', isBool);
    m.breastfeeding = r.optional(med, 'breastfeeding', 'medicalHistory.breastfeeding', isBool);
  }
  m.raisedIntracranialPressure = bool('raisedIntracranialPressure');
  const cardiac = [m.recentMyocardialInfarction, m.recentStroke, m.unstableAngina, m.arrhythmia, m.hypertensionUncontrolled];
  m.cardiologyClearance = cardiac.some((v) => v === true)
    ? bool('cardiologyClearance')
    : r.optional(med, 'cardiologyClearance', 'medicalHistory.cardiologyClearance', isBool);

  // Medications
  facts.medications = readMedications(r, r.section(root['medications'], 'medications'));

  // Substance use
  const sub = r.section(root['substanceUse'], 'substanceUse');
  const s = facts.substance;
  s.activeSud = r.required(sub, 'activeSud', 'substanceUse.activeSud', isBool);
  s.sudInRemission = r.required(sub, 'sudInRemission', 'substanceUse.sudInRemission', isBool);
  if (s.sudInRemission === true) s.remissionMonths = r.required(sub, 'remissionMonths', 'substanceUse.remissionMonths', isNumber);
  if (s.remissionMonths !== undefined && s.remissionMonths < 0) {
    r.invalid('substanceUse.remissionMonths', 'must be 0 or more');
    s.remissionMonths = undefined;
  }
  s.personalHistoryOfSud = r.required(sub, 'personalHistoryOfSud', 'substanceUse.personalHistoryOfSud', isBool);
  s.familyHistoryOfSud = r.required(sub, 'familyHistoryOfSud', 'substanceUse.familyHistoryOfSud', isBool);
  const cage = r.optional(sub, 'cageAidScore', 'substanceUse.cageAidScore', isCount);
  // CAGE-AID has four yes/no questions.
  if (cage !== undefined && cage > 4) r.invalid('substanceUse.cageAidScore', 'must be 0–4');
  else s.cageAidScore = cage;

  // Instruments
  const inst = r.section(root['instruments'], 'instruments');
  for (const code of intakeInstrumentCodes) {
    const raw = inst[code];
    if (raw === undefined || raw === null) {
      r.missing(`instruments.${code}`, 'questionnaire not answered');
      continue;
    }
    const result = scoreInstrument(code, raw as Record<string, unknown>, { settings: settings.instruments });
    facts.instrumentResults[code] = result;
    if (result.kind === 'scored') facts.scored[code] = result;
    else if (result.kind === 'invalid') {
      for (const e of result.errors) {
        r.problems.push({ path: `instruments.${code}.${e.item}`, problem: e.message === 'is required' ? 'missing' : 'invalid', message: e.message });
      }
    }
  }
  // AUDIT-C from AUDIT Q1–Q3: the intake baseline for "substance screens worsening" (docs/clinical-basis.md §5).
  const audit = facts.scored.audit;
  if (audit && facts.sexAtBirth) {
    const { q1, q2, q3 } = audit.items;
    facts.instrumentResults['audit-c'] = scoreInstrument('audit-c', { q1, q2, q3 }, { sexAtBirth: facts.sexAtBirth, settings: settings.instruments });
  }

  // Support system
  const support = r.section(root['supportSystem'], 'supportSystem');
  const t = facts.sitter;
  t.hasSitter = r.required(support, 'hasSitter', 'supportSystem.hasSitter', isBool);
  if (t.hasSitter === true) {
    const sitter = r.section(support['sitter'], 'supportSystem.sitter');
    t.name = r.required(sitter, 'name', 'supportSystem.sitter.name', isText);
    t.relationship = r.required(sitter, 'relationship', 'supportSystem.sitter.relationship', isText);
    t.isAdult = r.required(sitter, 'isAdult', 'supportSystem.sitter.isAdult', isBool);
    t.canAttendEverySession = r.required(sitter, 'canAttendEverySession', 'supportSystem.sitter.canAttendEverySession', isBool);
  }

  return { facts, problems: r.problems };
}

/**
 * Adequate trials this episode. When both the list and the count are given and disagree, the smaller is used:
 * the larger would be the one to hide a "not shown" review.
 */
function readTrials(r: Reader, psych: Record<string, unknown>): number | undefined {
  const count = r.optional(psych, 'adequateAntidepressantTrialsThisEpisode', 'psychiatricHistory.adequateAntidepressantTrialsThisEpisode', isCount);
  const list = psych['antidepressantTrials'];
  let fromList: number | undefined;
  if (list !== undefined && list !== null) {
    if (!Array.isArray(list)) r.invalid('psychiatricHistory.antidepressantTrials', 'must be a list');
    else {
      let ok = true;
      list.forEach((trial: unknown, i) => {
        const t = r.section(trial, `psychiatricHistory.antidepressantTrials[${i}]`);
        const drug = r.required(t, 'drug', `psychiatricHistory.antidepressantTrials[${i}].drug`, isText);
        const adequate = r.required(t, 'adequate', `psychiatricHistory.antidepressantTrials[${i}].adequate`, isBool);
        if (drug === undefined || adequate === undefined) ok = false;
      });
      if (ok) fromList = list.filter((t: { adequate?: unknown }) => t.adequate === true).length;
    }
  }
  if (count === undefined && fromList === undefined) {
    if ((list === undefined || list === null) && (psych['adequateAntidepressantTrialsThisEpisode'] ?? null) === null) {
      r.missing('psychiatricHistory.antidepressantTrials');
    }
    return undefined;
  }
  if (count === undefined) return fromList;
  if (fromList === undefined) return count;
  return Math.min(count, fromList);
}

function readMedications(r: Reader, meds: Record<string, unknown>): MedicationFact[] | undefined {
  const none = r.required(meds, 'none', 'medications.none', isBool);
  const list = meds['list'];
  if (none === undefined) return undefined;
  if (none === true) {
    if (Array.isArray(list) && list.length > 0) {
      r.invalid('medications', '"none" contradicts the medications listed');
      return undefined;
    }
    return [];
  }
  if (list === undefined || list === null || (Array.isArray(list) && list.length === 0)) {
    r.missing('medications.list', 'list at least one medication, or answer that you take none');
    return undefined;
  }
  if (!Array.isArray(list)) {
    r.invalid('medications.list', 'must be a list');
    return undefined;
  }
  const out: MedicationFact[] = [];
  let complete = true;
  list.forEach((entry: unknown, index) => {
    const path = `medications.list[${index}]`;
    const e = r.section(entry, path);
    const name = r.required(e, 'name', `${path}.name`, isText);
    const cls = r.required(e, 'class', `${path}.class`, oneOf(medicationClasses));
    let dze: number | undefined;
    if (cls === 'benzodiazepine') {
      dze = r.required(e, 'diazepamEquivalentMgPerDay', `${path}.diazepamEquivalentMgPerDay`, isNumber);
      if (dze !== undefined && dze <= 0) {
        r.invalid(`${path}.diazepamEquivalentMgPerDay`, 'must be above 0 mg');
        dze = undefined;
      }
      if (dze === undefined) complete = false;
    }
    if (name === undefined || cls === undefined) complete = false;
    else out.push(dze === undefined ? { index, name, class: cls } : { index, name, class: cls, diazepamEquivalentMgPerDay: dze });
  });
  // A partial list still feeds the interaction rule (what is known is reported); the gaps are reported as missing.
  return complete ? out : out.length > 0 ? out : undefined;
}
