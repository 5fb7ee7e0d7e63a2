// Schemas of the monitoring part of the API: check-ins, the assessment schedule, outcomes, safety alerts, crisis
// resources, the dependence risk tier, the clinician panel and the patient timeline.
import { z } from 'zod';
import { isoDateTime, uuid } from './common.ts';
import { panelComplianceSchema } from './compliance.ts';

export const dependenceRiskTierSchema = z.enum(['low', 'elevated', 'high']);
export const alertSeveritySchema = z.enum(['low', 'moderate', 'high', 'critical']);
export const alertStatusSchema = z.enum(['open', 'acknowledged', 'resolved']);
export const signalSeveritySchema = z.enum(['low', 'moderate', 'high']);

// ---------------------------------------------------------------------------------------------------------------
// Check-ins

/** Side effects a patient can report at a check-in; a closed list keeps the data countable. */
export const checkInSideEffects = [
  'nausea',
  'vomiting',
  'headache',
  'dizziness',
  'drowsiness',
  'lingering_dissociation',
  'anxiety',
  'low_mood_after_session',
  'blurred_vision',
  'palpitations',
  'other',
] as const;
export const checkInSideEffectSchema = z.enum(checkInSideEffects);

export const checkInRequest = z.strictObject({
  mood0to10: z.number().int().min(0).max(10),
  /** Hours slept last night, to one decimal. */
  sleepHours: z.number().min(0).max(24),
  /** Urge to use ketamine outside a session, 0–10. */
  craving0to10: z.number().int().min(0).max(10),
  usedOutsideSession: z.boolean(),
  bladderSymptoms: z.boolean(),
  cognitiveComplaint: z.boolean(),
  sideEffects: z.array(checkInSideEffectSchema).max(checkInSideEffects.length),
  note: z.string().trim().max(2000).optional(),
});
export type CheckInRequest = z.infer<typeof checkInRequest>;

export const checkInSchema = z.object({
  id: uuid,
  patientId: uuid,
  submittedAt: isoDateTime,
  mood0to10: z.number().int(),
  sleepHours: z.number(),
  craving0to10: z.number().int().nullable(),
  usedOutsideSession: z.boolean(),
  bladderSymptoms: z.boolean(),
  cognitiveComplaint: z.boolean(),
  sideEffects: z.array(z.string()),
  note: z.string().nullable(),
});

export const raisedAlertSchema = z.object({
  id: uuid,
  code: z.string(),
  severity: alertSeveritySchema,
  holdsDosing: z.boolean(),
  /** Shown to the patient (crisis resources where suicide risk is involved). */
  patientMessage: z.string().nullable(),
});

export const checkInResponse = z.object({
  checkIn: checkInSchema,
  risk: z.object({
    tier: dependenceRiskTierSchema,
    previousTier: dependenceRiskTierSchema.nullable(),
    changed: z.boolean(),
  }),
  /** The warning signs present after this check-in (codes and severity; the care team sees the evidence). */
  signals: z.array(z.object({ code: z.string(), severity: signalSeveritySchema })),
  alerts: z.array(raisedAlertSchema),
});
export type CheckInResponse = z.infer<typeof checkInResponse>;

export const checkInListResponse = z.object({ items: z.array(checkInSchema) });

// ---------------------------------------------------------------------------------------------------------------
// Assessment schedule

export const dueAssessmentSchema = z.object({
  code: z.enum(['checkin', 'phq9', 'gad7', 'audit-c', 'dast10', 'bladder', 'cssrs-screen']),
  dueAt: isoDateTime,
  status: z.enum(['due', 'overdue', 'upcoming']),
  reason: z.string(),
});
export const assessmentScheduleResponse = z.object({
  patientId: uuid,
  phase: z.enum(['induction', 'maintenance', 'taper']).nullable(),
  asOf: isoDateTime,
  items: z.array(dueAssessmentSchema),
  dueCount: z.number().int(),
  overdueCount: z.number().int(),
});
export type AssessmentScheduleResponse = z.infer<typeof assessmentScheduleResponse>;

// ---------------------------------------------------------------------------------------------------------------
// Outcomes

export const outcomeScorePointSchema = z.object({ id: z.string(), at: isoDateTime, total: z.number() });
export const outcomeBaselineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pre_dose'), score: outcomeScorePointSchema }),
  z.object({ kind: z.literal('provisional'), score: outcomeScorePointSchema }),
  z.object({ kind: z.literal('missing') }),
]);
export const instrumentOutcomeSchema = z.object({
  instrument: z.enum(['phq9', 'gad7']),
  series: z.array(outcomeScorePointSchema),
  baseline: outcomeBaselineSchema,
  latest: outcomeScorePointSchema.nullable(),
  latestOnTreatment: outcomeScorePointSchema.nullable(),
  change: z.number().nullable(),
  changePct: z.number().nullable(),
  response: z.boolean().nullable(),
  remission: z.boolean().nullable(),
  meaningfulChange: z.enum(['improvement', 'deterioration', 'none']).nullable(),
  trajectory: z.enum(['improving', 'stable', 'worsening', 'insufficient_data']),
});
export const patientOutcomesResponse = z.object({
  patientId: uuid,
  firstDoseAt: isoDateTime.nullable(),
  phq9: instrumentOutcomeSchema,
  gad7: instrumentOutcomeSchema,
});
export type PatientOutcomesResponse = z.infer<typeof patientOutcomesResponse>;

const checkpointSchema = z.object({
  weeksAfterFirstDose: z.number(),
  eligible: z.number().int(),
  noBaseline: z.number().int(),
  noScoreInWindow: z.number().int(),
  measured: z.number().int(),
  responders: z.number().int(),
  remitters: z.number().int(),
  responseRate: z.number().nullable(),
  remissionRate: z.number().nullable(),
});
const cohortSchema = z.object({
  cohort: z.string(),
  n: z.number().int(),
  instruments: z.object({ phq9: z.array(checkpointSchema), gad7: z.array(checkpointSchema) }),
});
export const programOutcomesResponse = z.object({
  asOf: isoDateTime,
  cohorts: z.array(cohortSchema),
  overall: cohortSchema,
  notDosed: z.number().int(),
});
export type ProgramOutcomesResponse = z.infer<typeof programOutcomesResponse>;

// ---------------------------------------------------------------------------------------------------------------
// Alerts

export const alertEvidenceSchema = z.object({
  type: z.string(),
  id: z.string(),
  summary: z.string(),
  at: z.string().optional(),
});
const personRef = z.object({ id: uuid, name: z.string() });

export const alertSchema = z.object({
  id: uuid,
  patientId: uuid,
  patientName: z.string(),
  code: z.string(),
  severity: alertSeveritySchema,
  holdsDosing: z.boolean(),
  title: z.string(),
  status: alertStatusSchema,
  /** null for coaches: the rows behind an alert are medication and screening details (see docs/monitoring.md). */
  evidence: z.array(alertEvidenceSchema).nullable(),
  recommendedActions: z.array(z.string()),
  owner: personRef.nullable(),
  raisedAt: isoDateTime,
  escalateAt: isoDateTime.nullable(),
  escalatedAt: isoDateTime.nullable(),
  escalatedTo: personRef.nullable(),
  acknowledgedAt: isoDateTime.nullable(),
  acknowledgedBy: personRef.nullable(),
  resolvedAt: isoDateTime.nullable(),
  resolvedBy: personRef.nullable(),
  resolutionAction: z.string().nullable(),
  /** null for coaches. */
  resolutionNote: z.string().nullable(),
});
export type Alert = z.infer<typeof alertSchema>;

export const alertListQuery = z.strictObject({
  status: z.enum(['open', 'acknowledged', 'resolved', 'all']).default('open'),
  patientId: uuid.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export const alertListResponse = z.object({ items: z.array(alertSchema), nextCursor: z.string().nullable() });
export const alertParams = z.strictObject({ alertId: uuid });

/** What the clinician did about the alert; the note says how. */
export const alertResolutionActions = [
  'contacted_patient',
  'safety_plan_reviewed',
  'emergency_services_contacted',
  'dosing_hold_continued',
  'cleared_to_dose',
  'plan_changed',
  'referred',
  'no_action_needed',
] as const;
export const resolveAlertRequest = z.strictObject({
  action: z.enum(alertResolutionActions),
  note: z.string().trim().min(1).max(2000),
});
export type ResolveAlertRequest = z.infer<typeof resolveAlertRequest>;

export const crisisResourceItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  instruction: z.string(),
  contact: z.object({ kind: z.enum(['call', 'text', 'chat']), value: z.string(), href: z.string() }),
});
export const crisisResponse = z.object({
  /** True while a safety alert about this patient is open or acknowledged: show the resources prominently. */
  safetyAlertOpen: z.boolean(),
  messages: z.array(z.string()),
  resources: z.array(crisisResourceItemSchema),
});
export type CrisisResponse = z.infer<typeof crisisResponse>;

// ---------------------------------------------------------------------------------------------------------------
// Dependence risk

export const signalEvidenceSchema = z.object({ type: z.string(), id: z.string(), at: z.string(), summary: z.string() });
export const warningSignalSchema = z.object({
  code: z.string(),
  severity: signalSeveritySchema,
  summary: z.string(),
  evidence: z.array(signalEvidenceSchema),
});
export const riskResponse = z.object({
  patientId: uuid,
  computedAt: isoDateTime,
  tier: dependenceRiskTierSchema,
  intake: z.object({
    tier: dependenceRiskTierSchema,
    factors: z.array(z.object({ code: z.string(), detail: z.string() })),
  }),
  signals: z.array(warningSignalSchema),
  explanation: z.array(z.object({ rule: z.string(), tier: dependenceRiskTierSchema, detail: z.string() })),
  /** The last stored evaluation (stored whenever the tier changes). */
  lastEvaluation: z.object({ id: uuid, tier: dependenceRiskTierSchema, evaluatedAt: isoDateTime }).nullable(),
});
export type RiskResponse = z.infer<typeof riskResponse>;

// ---------------------------------------------------------------------------------------------------------------
// Clinician panel

export const panelSorts = ['name', 'risk', 'alerts', 'phq9', 'nextSession'] as const;
export const panelQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  sort: z.enum(panelSorts).default('risk'),
  risk: dependenceRiskTierSchema.optional(),
  /** `any`: at least one open alert; a severity: at least one open alert of that severity; `none`: no open alert. */
  alert: z.enum(['any', 'none', 'critical', 'high', 'moderate', 'low']).optional(),
});
export const panelRowSchema = z.object({
  patientId: uuid,
  name: z.string(),
  status: z.string(),
  riskTier: dependenceRiskTierSchema.nullable(),
  riskSource: z.enum(['evaluation', 'intake', 'none']),
  openAlerts: z.object({
    critical: z.number().int(),
    high: z.number().int(),
    moderate: z.number().int(),
    low: z.number().int(),
    total: z.number().int(),
  }),
  phq9: z
    .object({
      latest: z.number(),
      latestAt: isoDateTime,
      baseline: z.number().nullable(),
      change: z.number().nullable(),
    })
    .nullable(),
  nextSessionAt: isoDateTime.nullable(),
  /** null for coaches, who do not see the assessment schedule. */
  overdueAssessments: z.number().int().nullable(),
  /** Prescribing compliance (docs/compliance.md); null for coaches, who do not see prescribing records. */
  compliance: panelComplianceSchema.nullable(),
});
export type PanelRow = z.infer<typeof panelRowSchema>;
export const panelResponse = z.object({ items: z.array(panelRowSchema), nextCursor: z.string().nullable() });

// ---------------------------------------------------------------------------------------------------------------
// Timeline

export const timelineTypes = [
  'assessment',
  'check_in',
  'session',
  'gate_evaluation',
  'ledger_entry',
  'alert',
  'appointment',
] as const;
export const timelineQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(300).optional(),
});
export const timelineItemSchema = z.object({
  type: z.enum(timelineTypes),
  id: z.string(),
  at: isoDateTime,
  summary: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export const timelineResponse = z.object({ items: z.array(timelineItemSchema), nextCursor: z.string().nullable() });
export type TimelineItem = z.infer<typeof timelineItemSchema>;
