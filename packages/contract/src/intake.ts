// Schemas of the intake part of the API: instruments and scoring, assessments, the intake questionnaire and its
// screening, the clinician's review and signed decision, informed consent and education.
import { z } from 'zod';
import type { InstrumentCode, IntakeInstrumentCode } from '@keel/domain';
import { isoDate, isoDateTime, shortText, usState, uuid } from './common.ts';
import { signatureInput, signatureSchema } from './identity.ts';

// ── Instruments ──────────────────────────────────────────────────────────────────────────────────────────────

export const instrumentCodeValues = ['phq9', 'gad7', 'cssrs-screen', 'audit', 'audit-c', 'dast10', 'bladder', 'craving'] as const;
// Compile-time proof that the list above names every instrument of the domain library, and nothing else.
type MissingInstrument = Exclude<InstrumentCode, (typeof instrumentCodeValues)[number]>;
const everyInstrumentListed: [MissingInstrument] extends [never] ? true : false = true;
void everyInstrumentListed;
export const instrumentCodeSchema = z.enum(instrumentCodeValues);

export const answerValue = z.union([z.number(), z.boolean()]);
/** One instrument's answers, keyed by item id. Which items are required (skip logic) is the scorer's job. */
export const answerSet = z.record(z.string().min(1).max(40), answerValue.nullable());
export const sexAtBirthSchema = z.enum(['female', 'male']);

const showIfSchema: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.object({ item: z.string(), in: z.array(answerValue) }), z.object({ anyOf: z.array(showIfSchema) })]),
);
// Recursive, so the OpenAPI document refers to it by name (components.schemas.ShowIf) instead of inlining it.
z.globalRegistry.add(showIfSchema, { id: 'ShowIf' });

export const instrumentDefinitionSchema = z.object({
  code: instrumentCodeSchema,
  name: z.string(),
  version: z.string(),
  instructions: z.string(),
  items: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      options: z.array(z.object({ value: answerValue, label: z.string(), points: z.number() })).readonly(),
      showIf: showIfSchema.optional(),
      scored: z.boolean(),
      optional: z.boolean().optional(),
      help: z.string().optional(),
    }),
  ).readonly(),
  range: z.object({ min: z.number(), max: z.number() }).nullable(),
  bands: z.array(z.object({ band: z.string(), label: z.string(), min: z.number().optional(), max: z.number().optional() })).readonly(),
  scoring: z.string(),
  attribution: z.string(),
});
export const instrumentList = z.object({ items: z.array(instrumentDefinitionSchema) });

export const instrumentCodeParams = z.strictObject({ code: z.string().min(1).max(40) });
export const scoreRequest = z.strictObject({
  answers: answerSet,
  /** AUDIT-C only; when absent and the caller is a patient, the sex at birth on their record is used. */
  sexAtBirth: sexAtBirthSchema.optional(),
});
export const cssrsRiskSchema = z.enum(['none', 'low', 'moderate', 'high']);
export const scoreResponse = z.object({
  code: instrumentCodeSchema,
  version: z.string(),
  /** null only for the C-SSRS screener, which has no total. */
  total: z.number().int().nullable(),
  band: z.string(),
  flags: z.array(z.string()),
  risk: cssrsRiskSchema.optional(),
  items: z.record(z.string(), answerValue),
});

// ── Crisis resources and alerts raised by a submission ───────────────────────────────────────────────────────

export const crisisResourceEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  instruction: z.string(),
  contact: z.object({ kind: z.enum(['call', 'text', 'chat']), value: z.string(), href: z.string() }),
});
export const assessmentAlertSchema = z.object({
  id: uuid,
  code: z.string(),
  severity: z.string(),
  holdsDosing: z.boolean(),
  /** False when the same cause had already raised this alert. */
  created: z.boolean(),
  patientMessage: z.string().nullable(),
});

// ── Assessments ──────────────────────────────────────────────────────────────────────────────────────────────

export const assessmentContextSchema = z.enum(['intake', 'followup', 'checkin', 'session']);
export const assessmentRequest = z.strictObject({
  instrument: instrumentCodeSchema,
  answers: answerSet,
  context: assessmentContextSchema,
});
export const assessmentSchema = z.object({
  id: uuid,
  patientId: uuid,
  instrument: z.string(),
  version: z.string(),
  answers: z.record(z.string(), answerValue),
  total: z.number().int().nullable(),
  band: z.string(),
  flags: z.array(z.string()),
  risk: cssrsRiskSchema.nullable(),
  context: assessmentContextSchema,
  intakeId: uuid.nullable(),
  submittedBy: uuid,
  submittedAt: isoDateTime,
});
export const assessmentCreated = assessmentSchema.extend({
  alerts: z.array(assessmentAlertSchema),
  /** Present when a safety item is positive (PHQ-9 item 9, C-SSRS): shown to the person at once. */
  crisisResources: z.array(crisisResourceEntrySchema).optional(),
});
export const assessmentListQuery = z.strictObject({
  instrument: instrumentCodeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const assessmentList = z.object({ items: z.array(assessmentSchema) });

// ── Intake questionnaire ─────────────────────────────────────────────────────────────────────────────────────

const medicationClassSchema = z.enum(['benzodiazepine', 'lamotrigine', 'maoi', 'stimulant', 'opioid', 'other_sedative', 'other']);
const count = z.number().int().min(0).max(1000);

export const intakeInstrumentCodeValues = ['phq9', 'gad7', 'cssrs-screen', 'audit', 'dast10', 'bladder'] as const;
type MissingIntakeInstrument = Exclude<IntakeInstrumentCode, (typeof intakeInstrumentCodeValues)[number]>;
const everyIntakeInstrumentListed: [MissingIntakeInstrument] extends [never] ? true : false = true;
void everyIntakeInstrumentListed;

/**
 * The intake answers, mirroring `IntakeAnswers` of @keel/domain field for field. Every field is optional (drafts
 * are partial); unknown fields are refused at every level. Completeness and clinical plausibility are judged by
 * the screening, which turns anything missing into a reason for clinician review.
 */
export const intakeAnswersSchema = z.strictObject({
  demographics: z
    .strictObject({
      dateOfBirth: isoDate.optional(),
      sexAtBirth: sexAtBirthSchema.optional(),
      state: usState.optional(),
      weightKg: z.number().positive().max(1000).optional(),
    })
    .optional(),
  psychiatricHistory: z
    .strictObject({
      diagnoses: z.array(shortText).max(30).optional(),
      antidepressantTrials: z
        .array(z.strictObject({ drug: shortText.optional(), adequate: z.boolean().optional() }))
        .max(30)
        .optional(),
      adequateAntidepressantTrialsThisEpisode: count.optional(),
      psychoticDisorder: z.boolean().optional(),
      bipolarManiaOrMixed: z.boolean().optional(),
      suicideAttempts: z.strictObject({ lifetimeCount: count.optional(), mostRecentDate: isoDate.optional() }).optional(),
    })
    .optional(),
  medicalHistory: z
    .strictObject({
      aneurysmalVascularDisease: z.boolean().optional(),
      arteriovenousMalformation: z.boolean().optional(),
      intracerebralHaemorrhage: z.boolean().optional(),
      recentMyocardialInfarction: z.boolean().optional(),
      recentStroke: z.boolean().optional(),
      unstableAngina: z.boolean().optional(),
      arrhythmia: z.boolean().optional(),
      hypertension: z.boolean().optional(),
      hypertensionUncontrolled: z.boolean().optional(),
      restingBp: z
        .strictObject({ systolicMmHg: z.number().int().min(0).max(400).optional(), diastolicMmHg: z.number().int().min(0).max(300).optional() })
        .optional(),
      liverImpairment: z.enum(['none', 'mild', 'moderate', 'severe']).optional(),
      bladderOrInterstitialCystitis: z.boolean().optional(),
      seizureDisorder: z.boolean().optional(),
      sleepApnoea: z.boolean().optional(),
      respiratoryDisease: z.boolean().optional(),
      pregnant: z.boolean().optional(),
      breastfeeding: z.boolean().optional(),
      raisedIntracranialPressure: z.boolean().optional(),
      cardiologyClearance: z.boolean().optional(),
    })
    .optional(),
  medications: z
    .strictObject({
      none: z.boolean().optional(),
      list: z
        .array(
          z.strictObject({
            name: shortText.optional(),
            class: medicationClassSchema.optional(),
            diazepamEquivalentMgPerDay: z.number().min(0).max(1000).optional(),
          }),
        )
        .max(50)
        .optional(),
    })
    .optional(),
  substanceUse: z
    .strictObject({
      activeSud: z.boolean().optional(),
      sudInRemission: z.boolean().optional(),
      remissionMonths: count.optional(),
      personalHistoryOfSud: z.boolean().optional(),
      familyHistoryOfSud: z.boolean().optional(),
      cageAidScore: z.number().int().min(0).max(4).optional(),
    })
    .optional(),
  instruments: z
    .strictObject({
      phq9: answerSet.optional(),
      gad7: answerSet.optional(),
      'cssrs-screen': answerSet.optional(),
      audit: answerSet.optional(),
      dast10: answerSet.optional(),
      bladder: answerSet.optional(),
    })
    .optional(),
  supportSystem: z
    .strictObject({
      hasSitter: z.boolean().optional(),
      sitter: z
        .strictObject({
          name: shortText.optional(),
          relationship: shortText.optional(),
          isAdult: z.boolean().optional(),
          canAttendEverySession: z.boolean().optional(),
        })
        .optional(),
    })
    .optional(),
});
export type IntakeAnswersInput = z.infer<typeof intakeAnswersSchema>;

export const intakeStatusSchema = z.enum(['draft', 'submitted', 'info_requested', 'approved', 'declined']);
export const eligibilitySchema = z.enum(['likely_eligible', 'needs_review', 'not_eligible']);
export const riskTierSchema = z.enum(['low', 'elevated', 'high']);
export const intakeSectionIdSchema = z.enum(['demographics', 'psychiatricHistory', 'medicalHistory', 'medications', 'substanceUse', 'instruments', 'supportSystem']);

export const intakeProgressSchema = z.array(z.object({ section: intakeSectionIdSchema, complete: z.boolean(), missing: z.array(z.string()) }));

export const screeningReasonSchema = z.object({
  rule: z.string(),
  outcome: z.enum(['exclude', 'review']),
  detail: z.string(),
  answers: z.record(z.string(), z.unknown()),
});
export const instrumentSummarySchema = z.object({
  code: z.string(),
  total: z.number().int().nullable(),
  band: z.string(),
  flags: z.array(z.string()),
  risk: cssrsRiskSchema.optional(),
});
export const screeningSchema = z.object({
  eligibility: eligibilitySchema,
  reasons: z.array(screeningReasonSchema),
  dependenceRisk: z.object({ tier: riskTierSchema, factors: z.array(z.object({ code: z.string(), detail: z.string() })) }),
  /** Intake instruments that scored (invalid ones appear under `missing`). */
  instruments: z.array(instrumentSummarySchema),
  flags: z.array(z.string()),
  missing: z.array(z.string()),
  missingSections: z.array(intakeSectionIdSchema),
  showCrisisResources: z.boolean(),
  screenedAt: isoDateTime,
});

export const decisionKindSchema = z.enum(['approve', 'decline', 'request_info']);
export const decisionSummarySchema = z.object({
  id: uuid,
  decision: decisionKindSchema,
  /** Null for the patient when the clinician kept the note for the care team. */
  note: z.string().nullable(),
  noteVisibleToPatient: z.boolean(),
  decidedAt: isoDateTime,
  decidedBy: z.object({ id: uuid, name: z.string() }),
});

export const intakeSchema = z.object({
  id: uuid,
  patientId: uuid,
  status: intakeStatusSchema,
  /** Whether the patient may edit and (re)submit now. */
  editable: z.boolean(),
  answers: z.record(z.string(), z.unknown()),
  progress: intakeProgressSchema,
  screening: screeningSchema.nullable(),
  submittedAt: isoDateTime.nullable(),
  decidedAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  latestDecision: decisionSummarySchema.nullable(),
  /** Present while the saved answers carry a positive suicide-risk screen. */
  crisisResources: z.array(crisisResourceEntrySchema).optional(),
});

export const intakeFormSchema = z.object({
  sections: z.array(
    z.object({
      id: intakeSectionIdSchema,
      title: z.string(),
      fields: z.array(z.object({ path: z.string(), label: z.string(), requiredWhen: z.string().optional() })),
    }),
  ),
  instruments: z.array(z.string()),
});

export const intakeSubmitResponse = z.object({
  status: z.literal('submitted'),
  intakeId: uuid,
  submittedAt: isoDateTime,
  screening: screeningSchema,
  progress: intakeProgressSchema,
  /** Intake instruments stored as assessments (context `intake`). */
  assessments: z.array(z.object({ id: uuid, instrument: z.string() })),
  alerts: z.array(assessmentAlertSchema),
  crisisResources: z.array(crisisResourceEntrySchema).optional(),
});

export const screeningResponse = z.object({ intakeId: uuid, status: intakeStatusSchema, screening: screeningSchema.nullable() });

// ── Review and decision ──────────────────────────────────────────────────────────────────────────────────────

export const reviewQueueItemSchema = z.object({
  patientId: uuid,
  intakeId: uuid,
  name: z.string(),
  state: z.string(),
  submittedAt: isoDateTime,
  eligibility: eligibilitySchema,
  riskTier: riskTierSchema,
  /** Instrument flags (e.g. PHQ9_ITEM9_POSITIVE) and excluding rule ids, most urgent first. */
  flags: z.array(z.string()),
  rules: z.array(z.object({ rule: z.string(), outcome: z.enum(['exclude', 'review']) })),
  openSafetyAlerts: z.number().int(),
  /** True when the caller is already on the patient's care team (may decide); otherwise claim first. */
  onCareTeam: z.boolean(),
});
export const reviewQueue = z.object({ items: z.array(reviewQueueItemSchema) });

export const claimResponse = z.object({ patientId: uuid, clinicianId: uuid, primary: z.boolean(), alreadyOnCareTeam: z.boolean() });

export const decisionRequest = z.strictObject({
  decision: decisionKindSchema,
  note: z.string().trim().min(1).max(5000),
  /** The patient reads the note (default), or it stays with the care team. */
  noteVisibleToPatient: z.boolean().optional(),
  signature: signatureInput,
});

export const decisionSchema = z.object({
  id: uuid,
  patientId: uuid,
  intakeId: uuid,
  decision: decisionKindSchema,
  note: z.string().nullable(),
  noteVisibleToPatient: z.boolean(),
  decidedBy: z.object({ id: uuid, name: z.string() }),
  decidedAt: isoDateTime,
  eligibility: eligibilitySchema,
  intakeAnswersSha256: z.string(),
  /** The exact record signed. */
  record: z.record(z.string(), z.unknown()),
  signature: signatureSchema,
  /** The stored decision still matches what was signed. */
  signatureValid: z.boolean(),
});
export const decisionResponse = decisionSchema.extend({ intakeStatus: intakeStatusSchema, patientStatus: z.string() });
export const decisionList = z.object({ items: z.array(decisionSchema) });

// ── Consent ──────────────────────────────────────────────────────────────────────────────────────────────────

export const consentDocumentSchema = z.object({ version: z.number().int(), sha256: z.string(), title: z.string(), body: z.string() });
export const consentSignRequest = z.strictObject({ version: z.number().int().positive(), signature: signatureInput });
export const consentSignatureSchema = z.object({
  id: uuid,
  patientId: uuid,
  version: z.number().int(),
  documentSha256: z.string(),
  signedAt: isoDateTime,
  /** Signed on the current consent version. */
  current: z.boolean(),
  signature: signatureSchema,
  signatureValid: z.boolean(),
});
export const consentList = z.object({
  currentVersion: z.number().int(),
  signedCurrent: z.boolean(),
  items: z.array(consentSignatureSchema),
});

// ── Education ────────────────────────────────────────────────────────────────────────────────────────────────

export const educationSlugParams = z.strictObject({ slug: z.string().regex(/^[a-z0-9-]{1,80}$/, 'must be a module slug') });
export const educationModuleSchema = z.object({
  slug: z.string(),
  title: z.string(),
  required: z.boolean(),
  order: z.number().int(),
  minutes: z.number().int(),
  /** The caller's completion (patients); null when not completed or not a patient. */
  completedAt: isoDateTime.nullable(),
});
export const educationList = z.object({
  items: z.array(educationModuleSchema),
  /** Required modules the patient has not completed (patients and their care team; empty for others). */
  requiredRemaining: z.array(z.string()),
});
export const educationModuleDetail = educationModuleSchema.extend({ body: z.string() });
export const educationCompleteResponse = z.object({ slug: z.string(), completedAt: isoDateTime, requiredRemaining: z.array(z.string()) });
