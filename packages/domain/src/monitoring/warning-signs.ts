// The dependence warning-sign engine (docs/clinical-basis.md §5). Pure: the server assembles the patient's records
// as plain data, this computes every signal with the rows that produced it, and `rollUpRiskTier` (risk-tier.ts)
// turns signals and intake risk into the tier. A signal routes to a clinician; it never diagnoses.
//
// One signal per code: evidence from every qualifying row is gathered under it and the severity is the highest
// any of them earns, so a tier rule that counts signals counts problems, not rows.

import { daysToMs, minutesToMs } from '../settings/time-units.ts';
import type { RepeatingSignalSetting, WarningSignSettings } from './monitoring-settings.ts';
import type { SignalCode, SignalSeverity } from './monitoring-types.ts';
import { SIGNAL_CODES, maxSignalSeverity, signalSeverityRank } from './monitoring-types.ts';
import { byTime, inWindow, monthsBefore, parseInstant } from './time-window.ts';

// ---------------------------------------------------------------------------------------------------------------
// Input: plain records assembled by the server

export interface RefillRequestRecord {
  readonly id: string;
  readonly requestedAt: string;
  readonly eligibleFrom: string;
  readonly outcome: 'granted' | 'held' | 'denied' | 'pending';
}

export interface DoseChangeRequestRecord {
  readonly id: string;
  readonly at: string;
  /** `tolerance_report`: the patient says the dose "stopped working". */
  readonly kind: 'increase_request' | 'tolerance_report' | 'decrease_request';
  readonly note?: string | undefined;
}

/**
 * A medication ledger row. Kinds and fields follow the ledger (ledger/ledger.ts), so the server can pass its
 * entries straight through; only the fields read here are required.
 */
export interface LedgerEntryRecord {
  readonly id: string;
  readonly kind: 'dispensed' | 'administered' | 'counted' | 'lost' | 'returned' | 'disposed' | 'correction';
  readonly units?: number | undefined;
  readonly occurredAt: string;
  readonly sessionId?: string | undefined;
  /** For `counted`: what the patient (on video) counted, and what the ledger expected. */
  readonly countedUnits?: number | undefined;
  readonly expectedUnits?: number | undefined;
  /** For `lost`: lost or stolen. */
  readonly circumstance?: 'lost' | 'stolen' | undefined;
}

export interface SessionRecord {
  readonly id: string;
  /** `expired`: authorized, never started (its reserved units were returned); `cancelled`: never happened. */
  readonly status: 'scheduled' | 'authorized' | 'in_progress' | 'completed' | 'aborted' | 'expired' | 'cancelled';
  readonly authorizedAt?: string | undefined;
  /** When the dose was taken. */
  readonly startedAt?: string | undefined;
  readonly completedAt?: string | undefined;
}

export interface GateEvaluationRecord {
  readonly id: string;
  readonly at: string;
  readonly outcome: 'authorized' | 'blocked';
  readonly reasonCodes: readonly string[];
}

export interface CheckInRecord {
  readonly id: string;
  readonly at: string;
  /** Urge to use ketamine outside a session, 0–10; null when not answered. */
  readonly craving0to10: number | null;
  readonly usedOutsideSession: boolean;
  readonly bladderPositive: boolean;
  readonly cognitiveComplaint: boolean;
}

export interface SitterConcernRecord {
  readonly id: string;
  readonly at: string;
  readonly note?: string | undefined;
}

export interface IntegrationAppointmentRecord {
  readonly id: string;
  readonly at: string;
  readonly status: 'attended' | 'missed' | 'cancelled' | 'scheduled';
}

export interface AssessmentRecord {
  readonly id: string;
  /** Instrument code (`audit-c`, `dast10`, `bladder`, `craving`, …). */
  readonly code: string;
  readonly at: string;
  readonly total: number | null;
  readonly context: 'intake' | 'followup';
  /** The instrument's flags (`BLADDER_URGENT`, `USE_OUTSIDE_SESSION`, …); absent when not stored. */
  readonly flags?: readonly string[] | undefined;
}

export interface PdmpCheckRecord {
  readonly id: string;
  readonly at: string;
  readonly otherControlledPrescriptions: boolean;
}

export interface WarningSignInput {
  readonly refillRequests: readonly RefillRequestRecord[];
  readonly doseChangeRequests: readonly DoseChangeRequestRecord[];
  readonly ledgerEntries: readonly LedgerEntryRecord[];
  readonly sessions: readonly SessionRecord[];
  readonly gateEvaluations: readonly GateEvaluationRecord[];
  readonly checkIns: readonly CheckInRecord[];
  readonly sitterConcerns: readonly SitterConcernRecord[];
  readonly integrationAppointments: readonly IntegrationAppointmentRecord[];
  readonly assessments: readonly AssessmentRecord[];
  readonly pdmpChecks: readonly PdmpCheckRecord[];
  /**
   * The latest run of `craving.risingCheckIns` strictly rising craving scores over the window's check-ins and
   * craving checks in time order, when the caller found it over every row (`null`: there is none). Given, the
   * CRAVING rule takes it instead of looking for it, so the caller needs to pass only the check-ins that are
   * evidence (a flag, or craving at or above the threshold) rather than every check-in of the window. Absent, the
   * rule finds it in `checkIns` and `assessments`.
   */
  readonly cravingRisingRun?: readonly CravingScoreRecord[] | null | undefined;
}

/** A craving score from a daily check-in or a craving check. */
export interface CravingScoreRecord {
  readonly type: 'check_in' | 'assessment';
  readonly id: string;
  readonly at: string;
  readonly score: number;
}

/** An input with no records at all; tests and callers spread what they have over it. */
export const emptyWarningSignInput: WarningSignInput = {
  refillRequests: [],
  doseChangeRequests: [],
  ledgerEntries: [],
  sessions: [],
  gateEvaluations: [],
  checkIns: [],
  sitterConcerns: [],
  integrationAppointments: [],
  assessments: [],
  pdmpChecks: [],
};

// ---------------------------------------------------------------------------------------------------------------
// Output

export type EvidenceType =
  | 'refill_request'
  | 'dose_change_request'
  | 'ledger_entry'
  | 'session'
  | 'gate_evaluation'
  | 'check_in'
  | 'sitter_concern'
  | 'integration_appointment'
  | 'assessment'
  | 'pdmp_check';

export interface SignalEvidence {
  readonly type: EvidenceType;
  readonly id: string;
  readonly at: string;
  readonly summary: string;
}

export interface WarningSignal {
  readonly code: SignalCode;
  readonly severity: SignalSeverity;
  readonly evidence: readonly SignalEvidence[];
  readonly summary: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Rules

/** Thresholds the signals share with the instruments: one setting each, owned by the instrument settings. */
export interface SignalThresholds {
  /** Craving urge 0–10 at or above this is high (instruments.cravingHighAtOrAbove; docs/clinical-basis.md §5: ≥ 6). */
  readonly cravingHighAtOrAbove: number;
}

interface Ctx {
  readonly input: WarningSignInput;
  readonly nowMs: number;
  /** Start of the lookback window. */
  readonly fromMs: number;
  readonly settings: WarningSignSettings;
  readonly thresholds: SignalThresholds;
}

const recent = (ctx: Ctx, at: string): boolean => inWindow(at, ctx.fromMs, ctx.nowMs);

const signal = (
  code: SignalCode,
  severity: SignalSeverity,
  evidence: readonly SignalEvidence[],
  summary: string,
): WarningSignal => ({ code, severity, evidence, summary });

const repeating = (count: number, s: RepeatingSignalSetting): SignalSeverity =>
  count >= s.repeatCount ? maxSignalSeverity(s.severity, s.repeatSeverity) : s.severity;

/** A ledger dose against a session is accounted for once the session was authorized (the authorization reserves it). */
const wasAuthorized = (s: SessionRecord): boolean => s.authorizedAt !== undefined && s.status !== 'cancelled';

/** When a session's dose was taken: its start; for a record without one, an authorization that went ahead. */
const dosedAt = (s: SessionRecord): string | undefined =>
  s.startedAt ?? (s.status === 'in_progress' || s.status === 'completed' ? s.authorizedAt : undefined);

function earlyRefillRequest(ctx: Ctx): WarningSignal | null {
  // The ask itself is the sign, whatever the outcome: a held early refill is still pressure for medication.
  const early = ctx.input.refillRequests.filter((r) => {
    if (!recent(ctx, r.requestedAt)) return false;
    const asked = parseInstant(r.requestedAt);
    const eligible = parseInstant(r.eligibleFrom);
    return asked === null || eligible === null || asked < eligible;
  });
  if (early.length === 0) return null;
  return signal(
    'EARLY_REFILL_REQUEST',
    repeating(early.length, ctx.settings.earlyRefillRequest),
    early.map((r) => ({
      type: 'refill_request',
      id: r.id,
      at: r.requestedAt,
      summary: `Refill asked for at ${r.requestedAt}, eligible from ${r.eligibleFrom} (${r.outcome})`,
    })),
    `${early.length} refill request(s) before the eligible date`,
  );
}

function doseEscalationPressure(ctx: Ctx): WarningSignal | null {
  const asks = ctx.input.doseChangeRequests.filter(
    (r) => (r.kind === 'increase_request' || r.kind === 'tolerance_report') && recent(ctx, r.at),
  );
  if (asks.length === 0) return null;
  return signal(
    'DOSE_ESCALATION_PRESSURE',
    repeating(asks.length, ctx.settings.doseEscalationPressure),
    asks.map((r) => ({
      type: 'dose_change_request',
      id: r.id,
      at: r.at,
      summary: r.kind === 'tolerance_report' ? 'Reported the dose stopped working' : 'Asked for a higher dose',
    })),
    `${asks.length} request(s) for a higher dose or report(s) of tolerance`,
  );
}

function countMismatch(ctx: Ctx): WarningSignal | null {
  const s = ctx.settings.countMismatch;
  let severity: SignalSeverity | null = null;
  const evidence: SignalEvidence[] = [];
  for (const e of ctx.input.ledgerEntries) {
    if (e.kind !== 'counted' || !recent(ctx, e.occurredAt)) continue;
    // A count without both numbers cannot be reconciled: fail closed and surface it as a shortfall.
    const diff =
      e.countedUnits === undefined || e.expectedUnits === undefined ? null : e.countedUnits - e.expectedUnits;
    if (diff !== null && Math.abs(diff) < s.minDifferenceUnits) continue;
    const rowSeverity = diff !== null && diff > 0 ? s.surplusSeverity : s.shortfallSeverity;
    severity = severity === null ? rowSeverity : maxSignalSeverity(severity, rowSeverity);
    evidence.push({
      type: 'ledger_entry',
      id: e.id,
      at: e.occurredAt,
      summary:
        diff === null
          ? 'Pill count recorded without counted and expected units'
          : `Counted ${e.countedUnits} unit(s), ledger expected ${e.expectedUnits} (${diff > 0 ? '+' : ''}${diff})`,
    });
  }
  if (severity === null) return null;
  return signal('COUNT_MISMATCH', severity, evidence, `${evidence.length} pill count(s) differ from the ledger`);
}

function lostOrStolen(ctx: Ctx): WarningSignal | null {
  const s = ctx.settings.lostOrStolen;
  // Its own window (docs/clinical-basis.md §5: "two within 6 months is high"), not the general lookback.
  const fromMs = monthsBefore(ctx.nowMs, s.windowMonths);
  const reports = ctx.input.ledgerEntries.filter(
    (e) => e.kind === 'lost' && inWindow(e.occurredAt, fromMs, ctx.nowMs),
  );
  if (reports.length === 0) return null;
  return signal(
    'LOST_OR_STOLEN',
    repeating(reports.length, s),
    reports.map((e) => ({
      type: 'ledger_entry',
      id: e.id,
      at: e.occurredAt,
      summary: `${e.units ?? 'unknown'} unit(s) reported ${e.circumstance ?? 'lost'}`,
    })),
    `${reports.length} lost or stolen report(s) within ${s.windowMonths} months`,
  );
}

function useOutsideSessions(ctx: Ctx): WarningSignal | null {
  const s = ctx.settings.useOutsideSessions;
  const evidence: SignalEvidence[] = [];
  const severities: SignalSeverity[] = [];
  for (const c of ctx.input.checkIns) {
    if (!c.usedOutsideSession || !recent(ctx, c.at)) continue;
    severities.push(s.selfReportSeverity);
    evidence.push({ type: 'check_in', id: c.id, at: c.at, summary: 'Reported using ketamine outside a session' });
  }
  for (const a of ctx.input.assessments) {
    if (a.code !== 'craving' || !(a.flags ?? []).includes('USE_OUTSIDE_SESSION') || !recent(ctx, a.at)) continue;
    severities.push(s.selfReportSeverity);
    evidence.push({ type: 'assessment', id: a.id, at: a.at, summary: 'Craving check: used ketamine outside a session' });
  }
  const sessions = new Map(ctx.input.sessions.map((x) => [x.id, x]));
  for (const e of ctx.input.ledgerEntries) {
    if (e.kind !== 'administered' || !recent(ctx, e.occurredAt)) continue;
    const session = e.sessionId === undefined ? undefined : sessions.get(e.sessionId);
    if (session && wasAuthorized(session)) continue;
    severities.push(s.unmatchedLedgerSeverity);
    evidence.push({
      type: 'ledger_entry',
      id: e.id,
      at: e.occurredAt,
      summary:
        e.sessionId === undefined
          ? `${e.units ?? 'unknown'} unit(s) administered with no session`
          : `${e.units ?? 'unknown'} unit(s) administered against session ${e.sessionId}, which was not authorized`,
    });
  }
  const [first, ...rest] = severities;
  if (first === undefined) return null;
  return signal('USE_OUTSIDE_SESSIONS', rest.reduce(maxSignalSeverity, first), evidence, 'Ketamine used outside an authorized session');
}

function intervalPressure(ctx: Ctx): WarningSignal | null {
  const s = ctx.settings.intervalPressure;
  const blocked = ctx.input.gateEvaluations
    .filter(
      (g) =>
        g.outcome === 'blocked' &&
        g.reasonCodes.some((code) => s.reasonCodes.includes(code)) &&
        recent(ctx, g.at) &&
        parseInstant(g.at) !== null,
    )
    .sort(byTime((g) => g.at));
  // Collapse retries: an attempt within `distinctAfterMinutes` of the previous counted one is the same attempt.
  const attempts: GateEvaluationRecord[] = [];
  for (const g of blocked) {
    const prev = attempts[attempts.length - 1];
    if (prev && (parseInstant(g.at) ?? 0) - (parseInstant(prev.at) ?? 0) < minutesToMs(s.distinctAfterMinutes)) continue;
    attempts.push(g);
  }
  // The busiest run of attempts inside any `windowDays` window.
  let best: GateEvaluationRecord[] = [];
  for (let i = 0; i < attempts.length; i += 1) {
    const startMs = parseInstant(attempts[i]?.at) ?? 0;
    const run = attempts.slice(i).filter((a) => (parseInstant(a.at) ?? 0) - startMs <= daysToMs(s.windowDays));
    if (run.length > best.length) best = run;
  }
  if (best.length < s.minAttempts) return null;
  return signal(
    'INTERVAL_PRESSURE',
    s.severity,
    best.map((g) => ({
      type: 'gate_evaluation',
      id: g.id,
      at: g.at,
      summary: `Authorization blocked: ${g.reasonCodes.join(', ')}`,
    })),
    `${best.length} authorization attempts blocked by the minimum interval within ${s.windowDays} days`,
  );
}

type CravingScore = CravingScoreRecord;

function craving(ctx: Ctx): WarningSignal | null {
  const s = ctx.settings.craving;
  const threshold = ctx.thresholds.cravingHighAtOrAbove;
  const scored: CravingScore[] = [
    ...ctx.input.checkIns
      .filter((c) => c.craving0to10 !== null && recent(ctx, c.at))
      .map((c): CravingScore => ({ type: 'check_in', id: c.id, at: c.at, score: c.craving0to10 ?? 0 })),
    ...ctx.input.assessments
      .filter((a) => a.code === 'craving' && a.total !== null && recent(ctx, a.at))
      .map((a): CravingScore => ({ type: 'assessment', id: a.id, at: a.at, score: a.total ?? 0 })),
  ].sort(byTime((c) => c.at));
  const evidence: SignalEvidence[] = [];
  let severity: SignalSeverity | null = null;
  const cite = (c: CravingScore): SignalEvidence => ({ type: c.type, id: c.id, at: c.at, summary: `Craving ${c.score}/10` });

  const high = scored.filter((c) => c.score >= threshold);
  for (const c of high) evidence.push(cite(c));
  if (high.length > 0) severity = s.thresholdSeverity;

  // The most recent run of `risingCheckIns` consecutive scores, each strictly above the one before (found by the
  // caller when it passed one).
  let rising: readonly CravingScore[] | null = null;
  if (ctx.input.cravingRisingRun !== undefined) {
    rising = ctx.input.cravingRisingRun;
  } else {
    for (let end = scored.length; end >= s.risingCheckIns && s.risingCheckIns >= 2; end -= 1) {
      const run = scored.slice(end - s.risingCheckIns, end);
      if (run.every((c, i) => i === 0 || c.score > (run[i - 1]?.score ?? 0))) {
        rising = run;
        break;
      }
    }
  }
  if (rising) {
    severity = severity === null ? s.risingSeverity : maxSignalSeverity(severity, s.risingSeverity);
    const seen = new Set(evidence.map((e) => e.id));
    for (const c of rising) {
      if (seen.has(c.id)) continue;
      evidence.push(cite(c));
    }
  }
  if (severity === null) return null;
  const parts = [
    high.length > 0 ? `craving ≥ ${threshold} on ${high.length} report(s)` : null,
    rising ? `craving rising over ${s.risingCheckIns} reports (${rising.map((c) => c.score).join(' → ')})` : null,
  ].filter((p): p is string => p !== null);
  return signal('CRAVING', severity, evidence.sort(byTime((e) => e.at)), parts.join('; '));
}

function bladderSymptoms(ctx: Ctx): WarningSignal | null {
  const checks = ctx.input.assessments.filter((a) => a.code === 'bladder' && recent(ctx, a.at) && (a.total === null || a.total > 0));
  // Pain or blood in the urine (the instrument's BLADDER_URGENT flag) is urgent; a check without a total, unreadable.
  const urgent = checks.filter((a) => a.total === null || (a.flags ?? []).includes('BLADDER_URGENT'));
  const evidence: SignalEvidence[] = [
    ...ctx.input.checkIns
      .filter((c) => c.bladderPositive && recent(ctx, c.at))
      .map((c): SignalEvidence => ({ type: 'check_in', id: c.id, at: c.at, summary: 'Bladder symptom reported at check-in' })),
    ...checks.map(
      (a): SignalEvidence => ({
        type: 'assessment',
        id: a.id,
        at: a.at,
        summary:
          a.total === null
            ? 'Bladder check without a total'
            : `Bladder check positive (${a.total} symptom(s))${urgent.includes(a) ? ': pain or blood in the urine' : ''}`,
      }),
    ),
  ];
  if (evidence.length === 0) return null;
  const s = ctx.settings.bladderSymptoms;
  return signal(
    'BLADDER_SYMPTOMS',
    urgent.length > 0 ? maxSignalSeverity(s.severity, s.urgentSeverity) : s.severity,
    evidence.sort(byTime((e) => e.at)),
    urgent.length > 0
      ? 'Bladder symptoms with pain or blood in the urine (possible ketamine uropathy: urgent)'
      : 'Bladder symptoms reported (possible ketamine uropathy)',
  );
}

function cognitiveComplaints(ctx: Ctx): WarningSignal | null {
  const rows = ctx.input.checkIns.filter((c) => c.cognitiveComplaint && recent(ctx, c.at));
  if (rows.length === 0) return null;
  return signal(
    'COGNITIVE_COMPLAINTS',
    ctx.settings.cognitiveComplaints.severity,
    rows.map((c) => ({ type: 'check_in', id: c.id, at: c.at, summary: 'Memory or concentration problem reported' })),
    `${rows.length} check-in(s) reporting memory or concentration problems`,
  );
}

function sitterConcern(ctx: Ctx): WarningSignal | null {
  const rows = ctx.input.sitterConcerns.filter((c) => recent(ctx, c.at));
  if (rows.length === 0) return null;
  return signal(
    'SITTER_CONCERN',
    ctx.settings.sitterConcern.severity,
    // The note stays in the record; the evidence names the row, not the sitter's words.
    rows.map((c) => ({ type: 'sitter_concern', id: c.id, at: c.at, summary: 'Sitter reported a concern' })),
    `${rows.length} concern(s) reported by the sitter`,
  );
}

function disengagement(ctx: Ctx): WarningSignal | null {
  const s = ctx.settings.disengagement;
  const doses = ctx.input.sessions
    .map((x) => ({ session: x, at: dosedAt(x) }))
    .filter((x): x is { session: SessionRecord; at: string } => x.at !== undefined)
    .map((x) => ({ session: x.session, at: x.at, ms: parseInstant(x.at) }))
    .filter((x): x is { session: SessionRecord; at: string; ms: number } => x.ms !== null && x.ms <= ctx.nowMs);
  const evidence: SignalEvidence[] = [];
  let missed = 0;
  const sessionsCited = new Set<string>();
  for (const a of ctx.input.integrationAppointments) {
    if (a.status !== 'missed' || !recent(ctx, a.at)) continue;
    const apptMs = parseInstant(a.at);
    const after = doses.filter((d) => apptMs === null || d.ms > apptMs);
    // A missed appointment with no dosing after it is a pause in care, not "dosing while disengaged".
    if (after.length === 0) continue;
    missed += 1;
    evidence.push({ type: 'integration_appointment', id: a.id, at: a.at, summary: 'Integration session missed' });
    for (const d of after) {
      if (sessionsCited.has(d.session.id)) continue;
      sessionsCited.add(d.session.id);
      evidence.push({
        type: 'session',
        id: d.session.id,
        at: d.at,
        summary: 'Dose taken after a missed integration session',
      });
    }
  }
  if (missed < s.minMissed) return null;
  return signal(
    'DISENGAGEMENT',
    s.severity,
    evidence.sort(byTime((e) => e.at)),
    `${missed} integration session(s) missed while dosing continued`,
  );
}

function substanceScreensWorsening(ctx: Ctx): WarningSignal | null {
  const s = ctx.settings.substanceScreensWorsening;
  const evidence: SignalEvidence[] = [];
  const worse: string[] = [];
  for (const code of s.instruments) {
    const mine = ctx.input.assessments.filter((a) => a.code === code && a.total !== null).sort(byTime((a) => a.at));
    // The intake score is a fixed reference point however old it is; only the follow-up must be recent.
    const intake = mine.filter((a) => a.context === 'intake').pop();
    const intakeMs = intake ? parseInstant(intake.at) : null;
    const followup = mine
      .filter((a) => a.context === 'followup' && recent(ctx, a.at) && (intakeMs === null || (parseInstant(a.at) ?? Infinity) > intakeMs))
      .pop();
    if (!intake || !followup || intake.total === null || followup.total === null) continue;
    if (followup.total - intake.total < s.minIncrease) continue;
    worse.push(`${code} ${intake.total} → ${followup.total}`);
    evidence.push(
      { type: 'assessment', id: intake.id, at: intake.at, summary: `${code} at intake: ${intake.total}` },
      { type: 'assessment', id: followup.id, at: followup.at, summary: `${code} follow-up: ${followup.total}` },
    );
  }
  if (evidence.length === 0) return null;
  return signal(
    'SUBSTANCE_SCREENS_WORSENING',
    s.severity,
    evidence,
    `Substance screens higher than at intake: ${worse.join('; ')}`,
  );
}

function multiplePrescribers(ctx: Ctx): WarningSignal | null {
  const rows = ctx.input.pdmpChecks.filter((p) => p.otherControlledPrescriptions && recent(ctx, p.at));
  if (rows.length === 0) return null;
  return signal(
    'MULTIPLE_PRESCRIBERS',
    ctx.settings.multiplePrescribers.severity,
    rows.map((p) => ({
      type: 'pdmp_check',
      id: p.id,
      at: p.at,
      summary: 'PDMP check recorded other controlled-substance prescriptions',
    })),
    `${rows.length} PDMP check(s) recorded other controlled prescriptions`,
  );
}

const RULES: Readonly<Record<SignalCode, (ctx: Ctx) => WarningSignal | null>> = {
  EARLY_REFILL_REQUEST: earlyRefillRequest,
  DOSE_ESCALATION_PRESSURE: doseEscalationPressure,
  COUNT_MISMATCH: countMismatch,
  LOST_OR_STOLEN: lostOrStolen,
  USE_OUTSIDE_SESSIONS: useOutsideSessions,
  INTERVAL_PRESSURE: intervalPressure,
  CRAVING: craving,
  BLADDER_SYMPTOMS: bladderSymptoms,
  COGNITIVE_COMPLAINTS: cognitiveComplaints,
  SITTER_CONCERN: sitterConcern,
  DISENGAGEMENT: disengagement,
  SUBSTANCE_SCREENS_WORSENING: substanceScreensWorsening,
  MULTIPLE_PRESCRIBERS: multiplePrescribers,
};

/**
 * Every warning sign of docs/clinical-basis.md §5 present in the records as of `now`, most severe first (then in §5's order). Records
 * older than the lookback (or, for LOST_OR_STOLEN, its month window) or dated after `now` are not read.
 */
export function detectSignals(
  input: WarningSignInput,
  now: Date,
  settings: WarningSignSettings,
  thresholds: SignalThresholds,
): WarningSignal[] {
  const nowMs = now.getTime();
  const ctx: Ctx = { input, nowMs, fromMs: nowMs - daysToMs(settings.lookbackDays), settings, thresholds };
  const found: WarningSignal[] = [];
  for (const code of SIGNAL_CODES) {
    const s = RULES[code](ctx);
    if (s) found.push(s);
  }
  return found.sort((a, b) => signalSeverityRank(b.severity) - signalSeverityRank(a.severity));
}
