// The intake questionnaire as data. Every field is optional because drafts are saved partially
// (PUT /api/v1/patients/:patientId/intake); completeness is judged by `findIntakeProblems`, and screening treats
// anything missing as a reason for clinician review (docs/clinical-basis.md §2: never "eligible" on missing answers).
import type { SexAtBirth } from '../instruments/index.ts';

export type LiverImpairment = 'none' | 'mild' | 'moderate' | 'severe';

/** Medication classes that interact with ketamine (docs/clinical-basis.md §2); `other` records a non-interacting drug. */
export type MedicationClass = 'benzodiazepine' | 'lamotrigine' | 'maoi' | 'stimulant' | 'opioid' | 'other_sedative' | 'other';

export const interactingMedicationClasses: readonly MedicationClass[] = [
  'benzodiazepine',
  'lamotrigine',
  'maoi',
  'stimulant',
  'opioid',
  'other_sedative',
];

export interface MedicationEntry {
  name?: string;
  class?: MedicationClass;
  /** Required for benzodiazepines: above a daily diazepam-equivalent dose, ketamine's response is blunted. */
  diazepamEquivalentMgPerDay?: number;
}

export interface AntidepressantTrial {
  drug?: string;
  /** Adequate dose for an adequate duration, in the current episode. */
  adequate?: boolean;
}

/** Instruments answered at intake, keyed by instrument code, each the raw item answers. */
export const intakeInstrumentCodes = ['phq9', 'gad7', 'cssrs-screen', 'audit', 'dast10', 'bladder'] as const;
export type IntakeInstrumentCode = (typeof intakeInstrumentCodes)[number];

export interface IntakeAnswers {
  demographics?: {
    /** ISO calendar date, YYYY-MM-DD. */
    dateOfBirth?: string;
    sexAtBirth?: SexAtBirth;
    /** US state or territory, two-letter postal code, where the patient is located. */
    state?: string;
    weightKg?: number;
  };
  psychiatricHistory?: {
    diagnoses?: string[];
    /** Trials in the current episode; either this list or `adequateAntidepressantTrialsThisEpisode`. */
    antidepressantTrials?: AntidepressantTrial[];
    adequateAntidepressantTrialsThisEpisode?: number;
    psychoticDisorder?: boolean;
    /** Bipolar disorder with a manic or mixed episode (current or with psychotic features). */
    bipolarManiaOrMixed?: boolean;
    suicideAttempts?: {
      lifetimeCount?: number;
      /** ISO date of the most recent attempt; required when lifetimeCount > 0. */
      mostRecentDate?: string;
    };
  };
  medicalHistory?: {
    aneurysmalVascularDisease?: boolean;
    arteriovenousMalformation?: boolean;
    intracerebralHaemorrhage?: boolean;
    recentMyocardialInfarction?: boolean;
    recentStroke?: boolean;
    unstableAngina?: boolean;
    arrhythmia?: boolean;
    hypertension?: boolean;
    /** Required when hypertension is true. */
    hypertensionUncontrolled?: boolean;
    restingBp?: { systolicMmHg?: number; diastolicMmHg?: number };
    liverImpairment?: LiverImpairment;
    bladderOrInterstitialCystitis?: boolean;
    seizureDisorder?: boolean;
    sleepApnoea?: boolean;
    respiratoryDisease?: boolean;
    /** Not asked when sex at birth is male. */
    pregnant?: boolean;
    breastfeeding?: boolean;
    raisedIntracranialPressure?: boolean;
    /** Documented cardiology clearance for the cardiac findings; required when any cardiac finding is true. */
    cardiologyClearance?: boolean;
  };
  /** `{ none: true }`, or `{ none: false, list: [...] }` with at least one entry. */
  medications?: { none?: boolean; list?: MedicationEntry[] };
  substanceUse?: {
    activeSud?: boolean;
    sudInRemission?: boolean;
    /** Months since remission began; required when sudInRemission is true. */
    remissionMonths?: number;
    personalHistoryOfSud?: boolean;
    familyHistoryOfSud?: boolean;
    /** CAGE-AID 0–4, optional. */
    cageAidScore?: number;
  };
  instruments?: Partial<Record<IntakeInstrumentCode, Record<string, unknown>>>;
  supportSystem?: {
    /** Whether an adult sitter is named; false means none yet. */
    hasSitter?: boolean;
    sitter?: { name?: string; relationship?: string; isAdult?: boolean; canAttendEverySession?: boolean };
  };
}

export type IntakeSectionId =
  | 'demographics'
  | 'psychiatricHistory'
  | 'medicalHistory'
  | 'medications'
  | 'substanceUse'
  | 'instruments'
  | 'supportSystem';

export interface IntakeField {
  readonly path: string;
  readonly label: string;
  /** Present when the field is required only in some cases (a human-readable condition). */
  readonly requiredWhen?: string;
}

export interface IntakeSection {
  readonly id: IntakeSectionId;
  readonly title: string;
  readonly fields: readonly IntakeField[];
}

const f = (path: string, label: string, requiredWhen?: string): IntakeField =>
  requiredWhen === undefined ? { path, label } : { path, label, requiredWhen };

/** The intake's sections and required fields, for progress in the UI and for reporting missing sections. */
export const intakeSections: readonly IntakeSection[] = [
  {
    id: 'demographics',
    title: 'About you',
    fields: [
      f('demographics.dateOfBirth', 'Date of birth'),
      f('demographics.sexAtBirth', 'Sex at birth'),
      f('demographics.state', 'State where you are located'),
      f('demographics.weightKg', 'Weight (kg)'),
    ],
  },
  {
    id: 'psychiatricHistory',
    title: 'Mental health history',
    fields: [
      f('psychiatricHistory.diagnoses', 'Diagnoses (may be an empty list)'),
      f('psychiatricHistory.antidepressantTrials', 'Antidepressant trials this episode (list, or adequateAntidepressantTrialsThisEpisode)'),
      f('psychiatricHistory.psychoticDisorder', 'Psychotic disorder'),
      f('psychiatricHistory.bipolarManiaOrMixed', 'Bipolar disorder with manic or mixed episode'),
      f('psychiatricHistory.suicideAttempts.lifetimeCount', 'Suicide attempts in your lifetime'),
      f('psychiatricHistory.suicideAttempts.mostRecentDate', 'Date of the most recent attempt', 'lifetimeCount > 0'),
    ],
  },
  {
    id: 'medicalHistory',
    title: 'Physical health',
    fields: [
      f('medicalHistory.aneurysmalVascularDisease', 'Aneurysm (brain, chest, abdominal aorta, arms or legs)'),
      f('medicalHistory.arteriovenousMalformation', 'Arteriovenous malformation'),
      f('medicalHistory.intracerebralHaemorrhage', 'Bleeding in the brain, ever'),
      f('medicalHistory.recentMyocardialInfarction', 'Heart attack recently'),
      f('medicalHistory.recentStroke', 'Stroke recently'),
      f('medicalHistory.unstableAngina', 'Unstable angina'),
      f('medicalHistory.arrhythmia', 'Irregular heart rhythm'),
      f('medicalHistory.hypertension', 'High blood pressure'),
      f('medicalHistory.hypertensionUncontrolled', 'High blood pressure not controlled', 'hypertension = true'),
      f('medicalHistory.restingBp.systolicMmHg', 'Resting blood pressure, systolic (mmHg)'),
      f('medicalHistory.restingBp.diastolicMmHg', 'Resting blood pressure, diastolic (mmHg)'),
      f('medicalHistory.liverImpairment', 'Liver impairment (none, mild, moderate, severe)'),
      f('medicalHistory.bladderOrInterstitialCystitis', 'Bladder problems or interstitial cystitis'),
      f('medicalHistory.seizureDisorder', 'Seizures or epilepsy'),
      f('medicalHistory.sleepApnoea', 'Sleep apnoea'),
      f('medicalHistory.respiratoryDisease', 'Lung or breathing disease'),
      f('medicalHistory.pregnant', 'Pregnant', 'sexAtBirth is not male'),
      f('medicalHistory.breastfeeding', 'Breastfeeding', 'sexAtBirth is not male'),
      f('medicalHistory.raisedIntracranialPressure', 'Raised pressure inside the skull'),
      f('medicalHistory.cardiologyClearance', 'Cardiology clearance documented', 'any recent heart attack, recent stroke, unstable angina, arrhythmia or uncontrolled hypertension'),
    ],
  },
  {
    id: 'medications',
    title: 'Medications',
    fields: [
      f('medications.none', 'Taking no medications'),
      f('medications.list', 'Medications (name and class)', 'none = false'),
      f('medications.list[].diazepamEquivalentMgPerDay', 'Daily diazepam-equivalent dose (mg)', 'class = benzodiazepine'),
    ],
  },
  {
    id: 'substanceUse',
    title: 'Alcohol and drugs',
    fields: [
      f('substanceUse.activeSud', 'Current substance use disorder'),
      f('substanceUse.sudInRemission', 'Substance use disorder in remission'),
      f('substanceUse.remissionMonths', 'Months in remission', 'sudInRemission = true'),
      f('substanceUse.personalHistoryOfSud', 'Personal history of substance use disorder'),
      f('substanceUse.familyHistoryOfSud', 'Family history of substance use disorder'),
    ],
  },
  {
    id: 'instruments',
    title: 'Questionnaires',
    fields: intakeInstrumentCodes.map((code) => f(`instruments.${code}`, `Questionnaire ${code}`)),
  },
  {
    id: 'supportSystem',
    title: 'Your sitter',
    fields: [
      f('supportSystem.hasSitter', 'An adult who can sit with you at every session'),
      f('supportSystem.sitter.name', 'Sitter name', 'hasSitter = true'),
      f('supportSystem.sitter.relationship', 'Relationship to you', 'hasSitter = true'),
      f('supportSystem.sitter.isAdult', 'Sitter is 18 or older', 'hasSitter = true'),
      f('supportSystem.sitter.canAttendEverySession', 'Sitter can attend every session', 'hasSitter = true'),
    ],
  },
];

/** The section a field path belongs to. */
export function sectionOf(path: string): IntakeSectionId | undefined {
  const head = path.split(/[.[]/)[0];
  return intakeSections.find((s) => s.id === head)?.id;
}
