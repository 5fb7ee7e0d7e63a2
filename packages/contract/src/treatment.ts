// Schemas of the treatment part of the API: program settings, treatment plans, dispenses and the medication ledger,
// refill and dose requests, and at-home dosing sessions with their gate decisions.
import { z } from 'zod';
import { AFTER_DISSOLVE, BOOKING_REASON_CODES, COMPLETION_REASON_CODES, GATE_REASON_CODES, PLAN_PHASES, ROUTES } from '@keel/domain';
import { isoDateTime, longText, shortText, uuid } from './common.ts';

const mg = z.number().finite().positive().max(10_000);
const nonNegativeMg = z.number().finite().min(0).max(10_000);
const hours = z.number().finite().positive().max(24 * 365);
const count = z.number().int().min(0).max(100_000);
const positiveCount = z.number().int().min(1).max(100_000);
const score0to10 = z.number().int().min(0).max(10);

/** An alert a write raised, as the writer sees it. */
export const raisedAlertRef = z.object({ id: uuid, code: z.string(), severity: z.string(), holdsDosing: z.boolean() });

// ---------- program settings ----------

/** The settings document; every section is validated by the server against the rules of @keel/domain. */
export const programSettingsDocument = z.object({
  dosing: z.record(z.string(), z.unknown()),
  screening: z.record(z.string(), z.unknown()),
  monitoring: z.record(z.string(), z.unknown()),
  instruments: z.record(z.string(), z.unknown()),
});
export const programSettingsResponse = z.object({
  version: z.number().int(),
  settings: programSettingsDocument,
  updatedAt: isoDateTime.nullable(),
  updatedBy: uuid.nullable(),
});
/**
 * A whole or partial document; sections left out keep their stored values. A change that loosens a clinical limit
 * needs a `reason` and becomes a proposal a prescriber must sign (202); a change that only tightens applies at once.
 */
export const programSettingsUpdate = z.strictObject({
  settings: z.strictObject({
    dosing: z.record(z.string(), z.unknown()).optional(),
    screening: z.record(z.string(), z.unknown()).optional(),
    monitoring: z.record(z.string(), z.unknown()).optional(),
    instruments: z.record(z.string(), z.unknown()).optional(),
  }),
  reason: z.string().trim().min(1).max(2000).optional(),
});
export const settingChangeSchema = z.object({
  path: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  direction: z.enum(['tightens', 'loosens', 'unclassified']),
});
export const settingsProposalSchema = z.object({
  id: uuid,
  status: z.enum(['pending', 'applied', 'rejected', 'superseded']),
  baseVersion: z.number().int(),
  changes: z.array(settingChangeSchema),
  reason: z.string(),
  proposedBy: z.object({ id: uuid, name: z.string() }),
  proposedAt: isoDateTime,
  decidedBy: z.object({ id: uuid, name: z.string() }).nullable(),
  decidedAt: isoDateTime.nullable(),
  decisionNote: z.string().nullable(),
  appliedVersion: z.number().int().nullable(),
});
export const settingsProposalResponse = z.object({ proposal: settingsProposalSchema });
export const settingsProposalList = z.object({ items: z.array(settingsProposalSchema) });
export const settingsProposalParams = z.strictObject({ proposalId: uuid });
export const signSettingsProposalRequest = z.strictObject({
  signature: z.strictObject({ password: z.string().min(1).max(1024) }),
  note: z.string().trim().max(2000).optional(),
});
export const rejectSettingsProposalRequest = z.strictObject({ note: z.string().trim().min(1).max(2000) });

// ---------- plans ----------

const vitalsThresholds = z.strictObject({
  systolicMmHg: z.number().finite().positive().max(400),
  diastolicMmHg: z.number().finite().positive().max(400),
  heartRateBpm: z.number().finite().positive().max(400),
});
const administration = z.discriminatedUnion('route', [
  z.strictObject({
    route: z.literal('sublingual'),
    holdMinutes: z.number().finite().positive().max(120),
    afterDissolve: z.enum(AFTER_DISSOLVE),
    notes: z.string().max(2000).optional(),
  }),
  z.strictObject({ route: z.literal('oral'), notes: z.string().max(2000).optional() }),
]);

export const planTermsSchema = z.strictObject({
  phase: z.enum(PLAN_PHASES),
  route: z.enum(ROUTES),
  startingDoseMg: mg,
  currentDoseMg: mg,
  maximumDoseMg: mg,
  titrationStepMg: nonNegativeMg,
  sessionsPlanned: positiveCount,
  minHoursBetweenSessions: hours,
  maxSessionsPer7Days: positiveCount,
  fastingHours: z.number().finite().min(0).max(72),
  vitalsHold: vitalsThresholds,
  followUp: z.strictObject({ afterFirstSession: z.boolean(), everySessions: positiveCount }),
  goals: z.array(z.string().trim().min(1).max(500)).min(1).max(20).readonly(),
  administration,
});
export type PlanTermsInput = z.infer<typeof planTermsSchema>;

export const createPlanRequest = z.strictObject({
  terms: planTermsSchema,
  /** The version this draft changes; omitted for a first plan. */
  basedOn: uuid.optional(),
});
export const updatePlanRequest = z.strictObject({ terms: planTermsSchema });
export const signPlanRequest = z.strictObject({ signature: z.strictObject({ password: z.string().min(1).max(256) }) });
export const planParams = z.strictObject({ planId: uuid });

export const planSignatureSchema = z.object({
  id: uuid,
  signerId: uuid,
  printedName: z.string(),
  meaning: z.string(),
  signedAt: isoDateTime,
  recordSha256: z.string(),
  /** True when the signature's hash matches the terms as stored now. */
  verified: z.boolean(),
});

export const planSchema = z.object({
  id: uuid,
  patientId: uuid,
  version: z.number().int(),
  /** Optimistic-concurrency revision of a draft: send it back in If-Match to edit. */
  revision: z.number().int(),
  status: z.enum(['draft', 'active', 'superseded']),
  terms: planTermsSchema,
  termsSha256: z.string(),
  createdBy: uuid,
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  basedOnId: uuid.nullable(),
  supersedesId: uuid.nullable(),
  signedBy: uuid.nullable(),
  signedAt: isoDateTime.nullable(),
  signature: planSignatureSchema.nullable(),
});
export const planResponse = z.object({ plan: planSchema });
export const planChangeSchema = z.union([
  z.object({ kind: z.literal('initial') }),
  z.object({ kind: z.literal('unchanged') }),
  z.object({
    kind: z.literal('changed'),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })).readonly(),
    doseChanged: z.boolean(),
    limitsChanged: z.boolean(),
  }),
]);
export const planHistoryResponse = z.object({
  items: z.array(planSchema.extend({ change: planChangeSchema })),
});

// ---------- dispenses and the ledger ----------

export const dispenseRequest = z.strictObject({
  units: positiveCount,
  form: z.enum(['sublingual_tablet', 'troche', 'oral_tablet', 'oral_solution']),
  strengthMg: mg,
  dispensedAt: isoDateTime,
  /** Who dispensed (the pharmacy or person), as the DEA record names them. */
  dispenser: shortText,
  shipTo: z.string().trim().min(5).max(500),
});
export const dispenseSchema = z.object({
  id: uuid,
  patientId: uuid,
  substance: z.literal('ketamine'),
  form: z.string(),
  strengthMg: z.number(),
  units: z.number().int(),
  dispensedAt: isoDateTime,
  patientName: z.string(),
  shipTo: z.string(),
  prescriberId: uuid,
  prescriberName: z.string(),
  prescriberDeaRegistration: z.string(),
  dispenser: z.string(),
  recordedBy: uuid,
  createdAt: isoDateTime,
});

export const ledgerKinds = ['dispensed', 'administered', 'counted', 'lost', 'returned', 'disposed', 'correction'] as const;
export const ledgerEntrySchema = z.object({
  id: uuid,
  kind: z.enum(ledgerKinds),
  /** Units moved (a correction's signed delta; 0 for a count). */
  units: z.number().int(),
  occurredAt: isoDateTime,
  recordedBy: uuid,
  recordedAt: isoDateTime,
  sessionId: uuid.nullable(),
  dispenseId: uuid.nullable(),
  correctsId: uuid.nullable(),
  countedUnits: z.number().int().nullable(),
  expectedUnits: z.number().int().nullable(),
  lossKind: z.enum(['lost', 'stolen']).nullable(),
  circumstances: z.string().nullable(),
  manner: z.string().nullable(),
  note: z.string().nullable(),
});
export const ledgerProblemSchema = z.object({ code: z.string(), entryId: z.string().optional(), message: z.string() });
export const ledgerResponse = z.object({
  entries: z.array(ledgerEntrySchema),
  onHand: z.number().int(),
  summary: z.object({
    dispensed: z.number().int(),
    administered: z.number().int(),
    lost: z.number().int(),
    returned: z.number().int(),
    disposed: z.number().int(),
    corrected: z.number().int(),
    lastCount: z
      .object({ entryId: z.string(), countedAt: z.string(), expected: z.number(), counted: z.number(), discrepancy: z.number() })
      .optional(),
  }),
  /** On hand as the database's guard keeps it (ledger_balances); must equal `onHand`. */
  recordedOnHand: z.number().int(),
  reconciliation: z.object({ status: z.enum(['reconciled', 'unreconciled']), problems: z.array(ledgerProblemSchema) }),
  dispenses: z.array(dispenseSchema),
});
export const dispenseResponse = z.object({ dispense: dispenseSchema, entry: ledgerEntrySchema, onHand: z.number().int() });

export const countRequest = z.strictObject({ countedUnits: count, note: z.string().max(2000).optional() });
export const countResponse = z.object({
  entry: ledgerEntrySchema,
  expectedUnits: z.number().int(),
  countedUnits: z.number().int(),
  /** counted − expected: negative means units are missing. */
  discrepancy: z.number().int(),
  onHand: z.number().int(),
  /** Warning-sign alerts this count raised (a new shortfall reaches the clinician). */
  alerts: z.array(raisedAlertRef).optional(),
});
export const lossRequest = z.strictObject({
  units: positiveCount,
  kind: z.enum(['lost', 'stolen']),
  circumstances: z.string().trim().min(1).max(4000),
});
export const correctionRequest = z.strictObject({
  correctsId: uuid,
  /** Signed change to on hand: negative removes units, positive restores them. */
  deltaUnits: z.number().int().min(-100_000).max(100_000).refine((v) => v !== 0, 'must not be 0'),
  reason: z.string().trim().min(1).max(2000),
});
export const disposalRequest = z.strictObject({
  kind: z.enum(['returned', 'disposed']),
  units: positiveCount,
  /** How it was destroyed or returned (21 CFR 1304.22: date, manner, quantity). */
  manner: z.string().trim().min(1).max(500),
  occurredAt: isoDateTime.optional(),
});
export const ledgerEntryResponse = z.object({ entry: ledgerEntrySchema, onHand: z.number().int(), alerts: z.array(raisedAlertRef).optional() });

export const refillReasonSchema = z.object({ code: z.string(), message: z.string() });
export const refillRequestBody = z.strictObject({ note: z.string().max(2000).optional() });
/** A clinician's answer to a refill or dose request, in words the patient reads. */
export const medicationAnswerSchema = z.object({ text: z.string(), by: z.string(), at: isoDateTime });
export const refillRequestSchema = z.object({
  id: uuid,
  requestedAt: isoDateTime,
  outcome: z.enum(['granted', 'held']),
  eligibleFrom: isoDateTime.nullable(),
  reasons: z.array(refillReasonSchema),
  dosesOnHand: z.number().int().nullable(),
  /** What the patient wrote with the request. */
  note: z.string().nullable(),
  answer: medicationAnswerSchema.nullable(),
});
export const refillRequestResponse = z.object({ refillRequest: refillRequestSchema });
export const refillRequestList = z.object({ items: z.array(refillRequestSchema) });

export const doseRequestBody = z.strictObject({ kind: z.enum(['increase', 'tolerance']), note: z.string().max(2000).optional() });
export const doseRequestResponse = z.object({
  doseRequest: z.object({ id: uuid, requestedAt: isoDateTime, kind: z.enum(['increase', 'tolerance']) }),
  message: z.string(),
});
export const medicationAnswerRequest = z.strictObject({ answer: z.string().trim().min(1, 'Write an answer for the patient.').max(4000) });
export const doseRequestParams = z.strictObject({ patientId: uuid, doseRequestId: uuid });
export const refillRequestParams = z.strictObject({ patientId: uuid, refillRequestId: uuid });
export const doseRequestList = z.object({
  items: z.array(z.object({ id: uuid, requestedAt: isoDateTime, kind: z.enum(['increase', 'tolerance']), note: z.string().nullable(), answer: medicationAnswerSchema.nullable() })),
});
// ---------- sessions ----------

export const sessionParams = z.strictObject({ sessionId: uuid });
export const sessionStatuses = ['scheduled', 'authorized', 'in_progress', 'completed', 'aborted', 'missed', 'expired'] as const;
export const createSessionRequest = z.strictObject({ scheduledFor: isoDateTime });

export const gateReasonSchema = z.object({
  code: z.enum(GATE_REASON_CODES),
  message: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export const gateEvaluationSchema = z.object({
  id: uuid,
  /** `authorize`: the go-ahead; `start`: the gate again when the dose is taken. */
  stage: z.enum(['authorize', 'start']),
  evaluatedAt: isoDateTime,
  outcome: z.enum(['authorized', 'blocked']),
  reasons: z.array(gateReasonSchema),
  doseMg: z.number().nullable(),
});
export const sitterCheckSlotSchema = z.object({
  dueAt: isoDateTime,
  status: z.enum(['recorded', 'missed', 'due']),
  recordedAt: isoDateTime.nullable(),
});
export const sessionSchema = z.object({
  id: uuid,
  patientId: uuid,
  planId: uuid.nullable(),
  status: z.enum(sessionStatuses),
  scheduledFor: isoDateTime,
  authorizedAt: isoDateTime.nullable(),
  /** The go-ahead lapses at this time unless the session is started. */
  authorizationExpiresAt: isoDateTime.nullable(),
  expiredAt: isoDateTime.nullable(),
  doseMg: z.number().nullable(),
  /** When the dose was taken. */
  startedAt: isoDateTime.nullable(),
  completedAt: isoDateTime.nullable(),
  abortedAt: isoDateTime.nullable(),
  abortReason: z.string().nullable(),
  createdAt: isoDateTime,
  gateEvaluations: z.array(gateEvaluationSchema),
});
/** After the dose: how long observation lasts and what the session is waiting for before it may be closed. */
export const sessionRecoverySchema = z.object({
  observationEndsAt: isoDateTime.nullable(),
  minObservationMinutes: z.number(),
  sitterBaseline: z.enum(['confirmed', 'not_yet', 'pending']),
  canComplete: z.boolean(),
  waitingFor: z.array(z.object({ code: z.enum(COMPLETION_REASON_CODES), message: z.string() })),
});
export const sitterBaselineRequest = z.strictObject({ backToBaseline: z.boolean(), note: z.string().trim().max(2000).optional() });
export const sitterBaselineSchema = z.object({ confirmedAt: isoDateTime, backToBaseline: z.boolean(), sitterUserId: uuid });
export const sessionDetailSchema = sessionSchema.extend({
  sitterBaseline: sitterBaselineSchema.nullable(),
  /** Present while the session is in progress (the dose was taken): the observation and its conditions. */
  recovery: sessionRecoverySchema.nullable(),
  /** Open alerts raised from this session (an emergency, a missed check), newest first. */
  emergency: z.object({ alertId: uuid, raisedAt: isoDateTime, title: z.string() }).nullable(),
  sitterAttestations: z.array(
    z.object({ id: uuid, sitterUserId: uuid, attestedAt: isoDateTime, present: z.boolean(), sober: z.boolean() }),
  ),
  vitals: z.array(
    z.object({
      id: uuid,
      phase: z.enum(['pre', 'during', 'post']),
      takenAt: isoDateTime,
      systolicMmHg: z.number(),
      diastolicMmHg: z.number(),
      heartRateBpm: z.number(),
      spo2Pct: z.number().nullable(),
    }),
  ),
  checklists: z.array(
    z.object({
      id: uuid,
      attestedAt: isoDateTime,
      fastedHours: z.number(),
      alcohol24h: z.boolean(),
      sedatives24h: z.boolean(),
      cannabis24h: z.boolean(),
      newMedication: z.boolean(),
      safeSetting: z.boolean(),
    }),
  ),
  sitterChecks: z.object({
    intervalMinutes: z.number(),
    graceMinutes: z.number(),
    recorded: z.array(
      z.object({ id: uuid, checkedAt: isoDateTime, responsive: z.boolean(), breathingNormally: z.boolean(), concern: z.boolean() }),
    ),
    expected: z.array(sitterCheckSlotSchema),
    missedCount: z.number().int(),
  }),
  adverseEvents: z.array(
    z.object({
      id: uuid,
      reportedAt: isoDateTime,
      kind: z.string(),
      severity: z.enum(['mild', 'moderate', 'severe']),
      serious: z.boolean(),
      resolvedAt: isoDateTime.nullable(),
    }),
  ),
  assessment: z
    .object({
      sideEffects: z.array(z.string()),
      dissociation0to10: z.number(),
      nausea0to10: z.number(),
      mood0to10: z.number(),
      sitterConfirmsBaseline: z.boolean(),
      submittedAt: isoDateTime,
    })
    .nullable(),
});
export const sessionResponse = z.object({ session: sessionSchema });
export const sessionDetailResponse = z.object({ session: sessionDetailSchema });
export const sessionList = z.object({ items: z.array(sessionSchema) });

export const sitterAttestationRequest = z.strictObject({ present: z.boolean(), sober: z.boolean() });
export const sitterAttestationResponse = z.object({
  attestation: z.object({ id: uuid, sessionId: uuid, sitterUserId: uuid, attestedAt: isoDateTime, present: z.boolean(), sober: z.boolean() }),
});

/** Plausibility is checked by the server against the program's human ranges (422 naming the field). */
export const vitalsRequest = z.strictObject({
  phase: z.enum(['pre', 'during', 'post']),
  systolicMmHg: z.number().finite(),
  diastolicMmHg: z.number().finite(),
  heartRateBpm: z.number().finite(),
  spo2Pct: z.number().finite().optional(),
});
export const vitalsResponse = z.object({
  vitals: z.object({ id: uuid, phase: z.enum(['pre', 'during', 'post']), takenAt: isoDateTime }),
  /** True when the reading is above the hold thresholds that apply to this patient. */
  aboveHold: z.boolean(),
  alerts: z.array(z.object({ id: uuid, code: z.string(), severity: z.string() })),
});

export const checklistRequest = z.strictObject({
  fastedHours: z.number().finite().min(0).max(240),
  alcohol24h: z.boolean(),
  sedatives24h: z.boolean(),
  cannabis24h: z.boolean(),
  newMedication: z.boolean(),
  safeSetting: z.boolean(),
});
export const checklistResponse = z.object({ checklist: z.object({ id: uuid, attestedAt: isoDateTime }) });

/** An optional body: a dose other than the plan's is refused by the gate (DOSE_NOT_PLAN_DOSE). */
export const authorizeRequest = z.strictObject({ doseMg: mg.optional() }).nullish();
export const authorizeResponse = z.union([
  z.object({ outcome: z.literal('authorized'), doseMg: z.number(), evaluationId: uuid, sessionId: uuid, expiresAt: isoDateTime }),
  z.object({
    outcome: z.literal('blocked'),
    reasons: z.array(z.object({ code: z.enum(GATE_REASON_CODES), message: z.string() })),
    evaluationId: uuid.nullable(),
    sessionId: uuid,
  }),
]);

export const sitterCheckRequest = z.strictObject({
  responsive: z.boolean(),
  breathingNormally: z.boolean(),
  concern: z.boolean(),
  note: z.string().max(2000).optional(),
});
export const sitterCheckResponse = z.object({
  check: z.object({ id: uuid, checkedAt: isoDateTime }),
  /** Shown first when the patient is unresponsive or not breathing normally. */
  emergencyGuidance: z.string().nullable(),
  /** The alerts the check raised (an emergency pages the clinician). */
  alerts: z.array(z.object({ id: uuid, code: z.string(), severity: z.string() })),
});

/**
 * The post-session assessment. The session closes only on the assigned sitter's own back-to-baseline confirmation
 * (POST /sessions/:id/baseline) after the minimum observation time; `sitterConfirmsBaseline` is the patient's
 * account of it and is refused (409) when false, never taken in place of the sitter's.
 */
export const completeSessionRequest = z.strictObject({
  sideEffects: z.array(z.string().trim().min(1).max(200)).max(30),
  dissociation0to10: score0to10,
  nausea0to10: score0to10,
  mood0to10: score0to10,
  sitterConfirmsBaseline: z.boolean().optional(),
});
/** A refusal of a lifecycle move (start, complete, book) names every reason, like the gate. */
export const lifecycleReasonSchema = z.object({
  code: z.union([z.enum(GATE_REASON_CODES), z.enum(COMPLETION_REASON_CODES), z.enum(BOOKING_REASON_CODES)]),
  message: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export const abortSessionRequest = z.strictObject({ reason: z.string().trim().min(1).max(2000) });
export const adverseEventRequest = z.strictObject({
  kind: shortText,
  severity: z.enum(['mild', 'moderate', 'severe']),
  serious: z.boolean(),
  description: z.string().trim().min(1).max(10_000),
});
/** An adverse event reported outside a session (from the chart, or by the patient afterwards). */
export const patientAdverseEventRequest = adverseEventRequest.extend({ sessionId: uuid.optional() });
export const adverseEventList = z.object({
  items: z.array(
    z.object({
      id: uuid,
      sessionId: uuid.nullable(),
      reportedAt: isoDateTime,
      kind: z.string(),
      severity: z.enum(['mild', 'moderate', 'severe']),
      serious: z.boolean(),
      description: z.string(),
      resolvedAt: isoDateTime.nullable(),
      reportedBy: z.object({ name: z.string(), role: z.string() }),
    }),
  ),
});
export const adverseEventResponse = z.object({
  adverseEvent: z.object({ id: uuid, reportedAt: isoDateTime, serious: z.boolean() }),
  emergencyGuidance: z.string().nullable(),
  alerts: z.array(z.object({ id: uuid, code: z.string(), severity: z.string() })),
});
export const concernRequest = z.strictObject({ emergency: z.boolean(), note: longText.optional() });
export const concernResponse = z.object({
  /** First thing to show: what to do now. */
  emergencyGuidance: z.string().nullable(),
  concern: z.object({ id: uuid, raisedAt: isoDateTime, emergency: z.boolean() }),
  alerts: z.array(z.object({ id: uuid, code: z.string(), severity: z.string() })),
});
