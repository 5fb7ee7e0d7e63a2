// The program outcomes report (docs/outcomes-report.md): severity, safety, dependence watch and engagement for a
// cohort over a period, the patients behind each figure, and its exports.
import { z } from 'zod';
import { ROUTES } from '@keel/domain';
import { eventDate, usState, uuid } from './common.ts';


/** The period (program calendar days, both inclusive) and the cohort filter; all optional. */
export const outcomesReportQuery = z
  .strictObject({
    from: eventDate.optional(),
    to: eventDate.optional(),
    /** Month of the first dose, YYYY-MM. */
    startMonth: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM')
      .optional(),
    state: usState.optional(),
    /** The patient's primary clinician. */
    clinicianId: uuid.optional(),
    /** The route of the patient's current plan. */
    route: z.enum(ROUTES).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['to'] });
export type OutcomesReportQuery = z.infer<typeof outcomesReportQuery>;

export const outcomesDrillQuery = z.strictObject({
  ...outcomesReportQuery.shape,
  /** A figure key from `figures` (docs/outcomes-report.md lists them). */
  figure: z.string().regex(/^[a-zA-Z0-9_.]{1,80}$/),
});
export type OutcomesDrillQuery = z.infer<typeof outcomesDrillQuery>;

const proportion = z.object({
  numerator: z.number().int(),
  denominator: z.number().int(),
  estimate: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
});
const duration = z.object({ n: z.number().int(), medianMinutes: z.number().nullable(), p90Minutes: z.number().nullable() });

const checkpoint = z.object({
  key: z.string(),
  label: z.string(),
  days: z.number().int(),
  windowDays: z.number().int(),
  eligible: z.number().int(),
  withBaseline: z.number().int(),
  measured: z.number().int(),
  missing: z.number().int(),
  followUp: proportion,
  meanChange: z.number().nullable(),
  medianChange: z.number().nullable(),
  scores: z.object({ p25: z.number().nullable(), median: z.number().nullable(), p75: z.number().nullable() }),
  response: proportion,
  remission: proportion,
});

const instrumentReport = z.object({
  instrument: z.enum(['phq9', 'gad7']),
  baseline: z.object({ n: z.number().int(), missing: z.number().int(), mean: z.number().nullable(), median: z.number().nullable() }),
  checkpoints: z.array(checkpoint),
  /** One line per patient; `key` is a per-report pseudonym (P1, P2 …), never the patient's id. */
  trajectories: z.array(z.object({ key: z.string(), points: z.array(z.object({ day: z.number(), total: z.number() })) })),
  timeToResponse: z.object({
    n: z.number().int(),
    notFollowed: z.number().int(),
    responders: z.number().int(),
    censored: z.number().int(),
    steps: z.array(
      z.object({
        time: z.number(),
        atRisk: z.number().int(),
        events: z.number().int(),
        censored: z.number().int(),
        survival: z.number(),
        standardError: z.number().nullable(),
      }),
    ),
    medianDays: z.number().nullable(),
  }),
});

export const outcomesReportResponse = z.object({
  asOf: z.string(),
  period: z.object({ from: z.string(), to: z.string() }),
  filters: z.object({
    startMonth: z.string().nullable(),
    state: z.string().nullable(),
    clinicianId: z.string().nullable(),
    route: z.string().nullable(),
  }),
  /** `program` for an admin; `my_patients` for a clinician (their care-team patients only). */
  scope: z.enum(['program', 'my_patients']),
  cohort: z.object({ patients: z.number().int(), dosed: z.number().int(), notDosed: z.number().int() }),
  severity: z.object({ phq9: instrumentReport, gad7: instrumentReport }),
  safety: z.object({
    sessions: z.number().int(),
    adverseEvents: z.array(z.object({ severity: z.enum(['mild', 'moderate', 'severe']), count: z.number().int(), per100Sessions: z.number().nullable() })),
    seriousAdverseEvents: z.array(
      z.object({ at: z.string(), severity: z.string(), kind: z.string(), description: z.string(), patientKey: z.string() }),
    ),
    gateBlocks: z.object({
      evaluations: z.number().int(),
      sessions: z.number().int(),
      byReason: z.array(z.object({ code: z.string(), count: z.number().int() })),
    }),
    alerts: z.array(z.object({ code: z.string(), count: z.number().int(), unacknowledged: z.number().int(), timeToAcknowledge: duration })),
    alertsOverall: z.object({ count: z.number().int(), unacknowledged: z.number().int(), timeToAcknowledge: duration }),
    escalations: z.number().int(),
  }),
  dependence: z.object({
    patientMonths: z.number(),
    signals: z.array(z.object({ code: z.string(), onsets: z.number().int(), patients: z.number().int(), per100PatientMonths: z.number().nullable() })),
    patientsReachingHighRisk: z.number().int(),
    holds: z.object({ count: z.number().int(), byOutcome: z.array(z.object({ outcome: z.string(), count: z.number().int() })) }),
  }),
  engagement: z.object({
    retention: z.array(z.object({ key: z.string(), label: z.string(), days: z.number().int(), retained: proportion })),
    checkIns: z.object({
      patients: z.number().int(),
      expected: z.number().int(),
      received: z.number().int(),
      adherence: proportion,
      medianPatientAdherence: z.number().nullable(),
    }),
    integration: z.object({ scheduled: z.number().int(), attended: proportion }),
  }),
  /** Figure key → how many patients are behind it; the patients themselves come from the drill-down. */
  figures: z.record(z.string(), z.number().int()),
});
export type OutcomesReportResponse = z.infer<typeof outcomesReportResponse>;

export const outcomesDrillResponse = z.object({
  figure: z.string(),
  items: z.array(z.object({ patientId: uuid, name: z.string(), state: z.string() })),
});
export type OutcomesDrillResponse = z.infer<typeof outcomesDrillResponse>;

/** Issue the report as a signed PDF: the filter, and the issuer's password for the electronic signature. */
export const signedOutcomesReportRequest = z.strictObject({
  query: outcomesReportQuery,
  signature: z.strictObject({ password: z.string().min(1).max(1024) }),
});
export type SignedOutcomesReportRequest = z.infer<typeof signedOutcomesReportRequest>;
