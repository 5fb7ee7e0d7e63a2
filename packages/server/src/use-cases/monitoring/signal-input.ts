import { sql } from 'kysely';
import { parseInstant } from '@keel/domain';
import type {
  AssessmentRecord,
  DoseChangeRequestRecord,
  IntakeRisk,
  IntegrationAppointmentRecord,
  LedgerEntryRecord,
  MonitoringSettings,
  RefillRequestRecord,
  RiskTier,
  SessionRecord,
  WarningSignInput,
} from '@keel/domain';
import type { Db } from '../../db/transaction.ts';
import type { ProgramSettings } from '../settings/program-settings.service.ts';

// The warning-sign engine's view of one patient, read in ONE round trip: the SQL function monitoring_signal_input
// (migrations/0005-monitoring.ts) returns one jsonb document of arrays, each read from an index on (patient_id,
// time). It is a function so that its plan is cached per connection: this is the check-in's hot path
// (docs/perf.md). It reads only the lookback window the rules look at (and the intake-context substance screens,
// which the rules compare against); the shapes below are that document's.

const DAY_MS = 86_400_000;

/**
 * Instants inside the document come as epoch milliseconds (`epoch_ms`, migrations/0021-signal-input-epoch-ms.ts);
 * the rules and the API want ISO 8601 in UTC. Text (`2026-06-01T12:00:00.123+00:00`, as json of a timestamptz
 * prints) is read with the domain's strict (and remembering) parser; a value that cannot be read is passed on as it
 * came, for the rules to treat as unreadable (they fail closed).
 */
const isoOf = (value: unknown): string => {
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value).toISOString() : String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') return '';
  const ms = parseInstant(value);
  return ms === null ? value : new Date(ms).toISOString();
};
const isoOrUndefined = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : isoOf(value);
const numOrUndefined = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value);

const riskTiers: readonly RiskTier[] = ['low', 'elevated', 'high'];
const asRiskTier = (value: unknown): RiskTier | null =>
  typeof value === 'string' && (riskTiers as readonly string[]).includes(value) ? (value as RiskTier) : null;

const substanceCodes = ['audit-c', 'dast10'] as const;

interface ScreeningJson {
  dependenceRisk?: { tier?: unknown; factors?: { code?: unknown; detail?: unknown }[] };
  instrumentResults?: Record<string, { kind?: unknown; total?: unknown } | undefined>;
}

/** An instant: epoch milliseconds (or, from an older document, timestamptz text). */
type Ts = number | string;
interface SignalInputJson {
  intake: { id: string; risk_tier: string | null; screening: unknown; submitted_at: Ts | null } | null;
  stored_tier: string | null;
  refills: { id: string; requested_at: Ts; eligible_from: Ts | null; outcome: 'granted' | 'held' }[];
  dose_requests: { id: string; requested_at: Ts; kind: string }[];
  ledger: {
    id: string;
    kind: LedgerEntryRecord['kind'];
    units: number | null;
    occurred_at: Ts;
    session_id: string | null;
    counted_units: number | null;
    expected_units: number | null;
    loss_kind: 'lost' | 'stolen' | null;
  }[];
  sessions: { id: string; status: string; authorized_at: Ts | null; started_at?: Ts | null; completed_at: Ts | null }[];
  gate: { id: string; evaluated_at: Ts; outcome: 'authorized' | 'blocked'; reason_codes: string[] }[];
  /** The latest rising run of craving scores, found over every score of the window (null: none). */
  craving_run?: { type: 'check_in' | 'assessment'; id: string; at: Ts; score: number | string }[] | null;
  /** Only the check-ins that are evidence (a flag, or craving at or above the threshold). */
  check_ins: {
    id: string;
    submitted_at: Ts;
    craving_0_10: number | null;
    used_outside_session: boolean;
    bladder_symptoms: boolean;
    cognitive_complaint: boolean;
  }[];
  sitter_concerns: { id: string; raised_at: Ts }[];
  appointments: { id: string; starts_at: Ts; status: string }[];
  assessments: { id: string; instrument: string; total: number | null; submitted_at: Ts; context: string; flags?: string[] | null }[];
  pdmp: { id: string; checked_at: Ts; other_controlled_prescriptions: boolean }[];
}

export interface PatientSignalData {
  input: WarningSignInput;
  intakeRisk: IntakeRisk;
  /** The stored current tier (null: never evaluated). */
  storedTier: RiskTier | null;
}

function sessionStatus(status: string): SessionRecord['status'] {
  switch (status) {
    case 'scheduled':
    case 'authorized':
    case 'in_progress':
    case 'completed':
    case 'aborted':
    case 'expired':
      return status;
    default:
      // `missed` (and anything else): the session did not happen, so it counts like a cancelled one.
      return 'cancelled';
  }
}

function appointmentStatus(status: string): IntegrationAppointmentRecord['status'] {
  switch (status) {
    case 'completed':
      return 'attended';
    case 'missed':
      return 'missed';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'scheduled';
  }
}

function intakeRiskOf(intake: { risk_tier: unknown; screening: unknown } | null): IntakeRisk {
  if (!intake) return { tier: 'low', factors: [] };
  const screening = (intake.screening ?? {}) as ScreeningJson;
  const factors = (screening.dependenceRisk?.factors ?? [])
    .filter((f) => typeof f.code === 'string')
    .map((f) => ({ code: String(f.code), detail: typeof f.detail === 'string' ? f.detail : '' }));
  const tier = asRiskTier(intake.risk_tier) ?? asRiskTier(screening.dependenceRisk?.tier) ?? 'low';
  return { tier, factors };
}

/** The time windows the loader reads, from the warning-sign settings. */
export function signalWindows(now: Date, settings: MonitoringSettings): { from: Date; ledgerFrom: Date } {
  const ws = settings.warningSigns;
  const from = new Date(now.getTime() - ws.lookbackDays * DAY_MS);
  // LOST_OR_STOLEN reads its own month window, which may reach further back than the lookback.
  const lostFrom = new Date(Math.min(from.getTime(), now.getTime() - (ws.lostOrStolen.windowMonths * 31 + 1) * DAY_MS));
  return { from, ledgerFrom: lostFrom < from ? lostFrom : from };
}

/**
 * What the database needs to read only the check-ins that are evidence and to find the rising craving run itself
 * (migrations/0015-bounded-signal-input.ts): the CRAVING rule's threshold and run length. A threshold that is not
 * a whole number is rounded up, which selects the same integer scores.
 */
export function cravingParameters(program: Pick<ProgramSettings, 'monitoring' | 'instruments'>): { high: number; rising: number } {
  return { high: Math.ceil(program.instruments.cravingHighAtOrAbove), rising: Math.trunc(program.monitoring.warningSigns.craving.risingCheckIns) };
}

/**
 * Everything `detectSignals` and `rollUpRiskTier` read for one patient as of `now`, plus the stored tier. Pass
 * the transaction that will act on the result so the decision and the data are one snapshot; with `lockRiskRow`
 * (only inside a transaction) the patient's `patient_risk` row is locked first, in the same round trip.
 */
export async function loadPatientSignalData(
  db: Db,
  patientId: string,
  now: Date,
  program: Pick<ProgramSettings, 'monitoring' | 'instruments'>,
  options: { lockRiskRow?: boolean } = {},
): Promise<PatientSignalData> {
  const { from, ledgerFrom } = signalWindows(now, program.monitoring);
  const craving = cravingParameters(program);
  const result = await sql<{ data: SignalInputJson }>`
    SELECT monitoring_signal_input(${patientId}::uuid, ${from}::timestamptz, ${ledgerFrom}::timestamptz, ${options.lockRiskRow === true},
      ${now}::timestamptz, ${craving.high}::integer, ${craving.rising}::integer) AS data`.execute(db);
  const row = result.rows[0]?.data;
  if (!row) throw new Error('monitoring_signal_input returned nothing');
  return signalDataFromDocument(row);
}

/** The engine's input from the document monitoring_signal_input returns (also returned by monitoring_check_in). */
export function signalDataFromDocument(document: unknown): PatientSignalData {
  const row = document as SignalInputJson;
  const assessments: AssessmentRecord[] = row.assessments.map((a) => ({
    id: a.id,
    code: a.instrument,
    at: isoOf(a.submitted_at),
    total: a.total === null ? null : Number(a.total),
    context: a.context === 'intake' ? 'intake' : 'followup',
    flags: a.flags ?? [],
  }));
  // Intake scores the full AUDIT and derives AUDIT-C from it; when no intake-context AUDIT-C / DAST-10 row exists,
  // the intake screening's scored instrument is the baseline the "screens worsening" rule compares against.
  const intake = row.intake;
  if (intake) {
    const results = ((intake.screening ?? {}) as ScreeningJson).instrumentResults ?? {};
    for (const code of substanceCodes) {
      const scored = results[code];
      const hasIntakeRow = assessments.some((a) => a.code === code && a.context === 'intake');
      if (hasIntakeRow || !scored || scored.kind !== 'ok' || typeof scored.total !== 'number') continue;
      assessments.push({
        id: `intake:${intake.id}:${code}`,
        code,
        at: isoOf(intake.submitted_at ?? new Date(0)),
        total: scored.total,
        context: 'intake',
      });
    }
  }

  const input: WarningSignInput = {
    refillRequests: row.refills.map(
      (r): RefillRequestRecord => ({
        id: r.id,
        requestedAt: isoOf(r.requested_at),
        // No eligible date means the refill was held for another reason (no usable plan, an unreconciled ledger,
        // the refill limit), not because it came early: it is not an early request.
        eligibleFrom: r.eligible_from === null ? isoOf(r.requested_at) : isoOf(r.eligible_from),
        outcome: r.outcome,
      }),
    ),
    doseChangeRequests: row.dose_requests.map(
      (r): DoseChangeRequestRecord => ({
        id: r.id,
        at: isoOf(r.requested_at),
        kind: r.kind === 'tolerance' ? 'tolerance_report' : r.kind === 'increase' ? 'increase_request' : 'decrease_request',
      }),
    ),
    ledgerEntries: row.ledger.map(
      (e): LedgerEntryRecord => ({
        id: e.id,
        kind: e.kind,
        units: numOrUndefined(e.units),
        occurredAt: isoOf(e.occurred_at),
        sessionId: e.session_id ?? undefined,
        countedUnits: numOrUndefined(e.counted_units),
        expectedUnits: numOrUndefined(e.expected_units),
        circumstance: e.kind === 'lost' ? (e.loss_kind ?? 'lost') : undefined,
      }),
    ),
    sessions: row.sessions.map(
      (s): SessionRecord => ({
        id: s.id,
        status: sessionStatus(s.status),
        authorizedAt: isoOrUndefined(s.authorized_at),
        startedAt: isoOrUndefined(s.started_at),
        completedAt: isoOrUndefined(s.completed_at),
      }),
    ),
    gateEvaluations: row.gate.map((g) => ({
      id: g.id,
      at: isoOf(g.evaluated_at),
      outcome: g.outcome,
      reasonCodes: g.reason_codes,
    })),
    checkIns: row.check_ins.map((c) => ({
      id: c.id,
      at: isoOf(c.submitted_at),
      craving0to10: c.craving_0_10,
      usedOutsideSession: c.used_outside_session,
      bladderPositive: c.bladder_symptoms,
      cognitiveComplaint: c.cognitive_complaint,
    })),
    sitterConcerns: row.sitter_concerns.map((c) => ({ id: c.id, at: isoOf(c.raised_at) })),
    integrationAppointments: row.appointments.map((a) => ({
      id: a.id,
      at: isoOf(a.starts_at),
      status: appointmentStatus(a.status),
    })),
    assessments,
    // Always given by monitoring_signal_input, which sends only the check-ins that are evidence; the rule must not
    // look for the run in those.
    cravingRisingRun: (row.craving_run ?? null)?.map((c) => ({ type: c.type, id: c.id, at: isoOf(c.at), score: Number(c.score) })) ?? null,
    pdmpChecks: row.pdmp.map((p) => ({
      id: p.id,
      at: isoOf(p.checked_at),
      otherControlledPrescriptions: p.other_controlled_prescriptions,
    })),
  };
  return { input, intakeRisk: intakeRiskOf(intake), storedTier: asRiskTier(row.stored_tier) };
}
