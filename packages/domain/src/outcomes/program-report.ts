// The program outcomes report (docs/outcomes-report.md): how a cohort is doing and whether the program is safe,
// computed from the record. Pure: the server loads each cohort patient's rows, this turns them into figures, and
// every figure keeps the patients behind it so a clinician can drill down to them.
//
// Two scopes, stated on the report: outcomes (PHQ-9, GAD-7, time to response, retention) follow each cohort
// patient from their first dose up to `asOf`; safety, dependence and engagement counts are the events dated in
// the period [from, asOf]. Missing data is counted and shown; nothing is imputed.

import { MS_PER_DAY } from '../settings/time-units.ts';
import type { OutcomeSettings } from '../monitoring/monitoring-settings.ts';
import type { OutcomeInstrument, RiskTier } from '../monitoring/monitoring-types.ts';
import { isResponse, nearestInWindow } from '../monitoring/outcomes.ts';
import { parseInstant } from '../monitoring/time-window.ts';
import { instantMs } from '../settings/time-units.ts';
import {
  kaplanMeier,
  kaplanMeierMedian,
  mean,
  median,
  quantile,
  ratePer,
  wilsonInterval,
  type KaplanMeierStep,
  type Proportion,
} from './statistics.ts';

export const REPORT_INSTRUMENTS: readonly OutcomeInstrument[] = ['phq9', 'gad7'];
export const ADVERSE_EVENT_SEVERITIES = ['mild', 'moderate', 'severe'] as const;
export type AdverseEventSeverity = (typeof ADVERSE_EVENT_SEVERITIES)[number];

/** Days in an average calendar month (365.25 / 12), the unit of patient-months. */
export const DAYS_PER_MONTH = 365.25 / 12;

export interface ReportCheckpoint {
  readonly key: string;
  readonly label: string;
  /** Days after the first dose. */
  readonly days: number;
  /** A score counts for the checkpoint when within ± this many days of it. */
  readonly windowDays: number;
}

export interface ProgramReportSettings {
  readonly outcomes: Pick<OutcomeSettings, 'responseMinReductionPct' | 'remissionBelow'>;
  readonly checkpoints: readonly ReportCheckpoint[];
  /** Retention read-outs, days after the first dose (8 weeks and 6 months by default). */
  readonly retention: readonly ReportCheckpoint[];
  /** A patient is retained at a milestone with any contact on or after (milestone − this many days). */
  readonly retentionGraceDays: number;
  /** The check-in cadence the adherence figure expects: one check-in every this many days. */
  readonly checkInEveryDays: number;
  /**
   * The most patients' lines the trajectory chart carries; past it, a sample spread evenly through the cohort
   * (its order is by random patient id). The figures themselves always use every patient.
   */
  readonly trajectoryLines: number;
}

/** The program's defaults (docs/outcomes-report.md gives the reasoning for each window). */
export const DEFAULT_REPORT_CHECKPOINTS: readonly ReportCheckpoint[] = [
  { key: 'w4', label: 'Week 4', days: 28, windowDays: 7 },
  { key: 'w8', label: 'Week 8', days: 56, windowDays: 7 },
  { key: 'w12', label: 'Week 12', days: 84, windowDays: 14 },
  { key: 'm6', label: 'Month 6', days: 182, windowDays: 30 },
  { key: 'm12', label: 'Month 12', days: 365, windowDays: 45 },
];
export const DEFAULT_RETENTION_MILESTONES: readonly ReportCheckpoint[] = [
  { key: 'w8', label: 'Week 8', days: 56, windowDays: 14 },
  { key: 'm6', label: 'Month 6', days: 182, windowDays: 14 },
];

/**
 * An instant in the record: ISO 8601 text, or epoch milliseconds (what the server's loader hands over, so that a
 * program's hundreds of thousands of instants are not turned into text and parsed back). The report's own output
 * always carries ISO 8601 text.
 */
export type ReportInstant = string | number;

export interface ReportScore {
  readonly id: string;
  readonly at: ReportInstant;
  readonly total: number;
}

export interface ReportSession {
  readonly id: string;
  /** When the dose was taken (session started); sessions never started are not in the report's denominator. */
  readonly dosedAt: ReportInstant;
}

export interface ReportGateBlock {
  readonly sessionId: string;
  readonly at: ReportInstant;
  readonly reasonCodes: readonly string[];
}

export interface ReportAdverseEvent {
  readonly id: string;
  readonly at: ReportInstant;
  readonly severity: AdverseEventSeverity;
  readonly serious: boolean;
  readonly kind: string;
  readonly description: string;
}

export interface ReportAlert {
  readonly id: string;
  readonly code: string;
  readonly raisedAt: ReportInstant;
  readonly acknowledgedAt: ReportInstant | null;
  readonly escalatedAt: ReportInstant | null;
  readonly holdsDosing: boolean;
  readonly resolvedAt: ReportInstant | null;
  readonly resolutionAction: string | null;
}

export interface ReportRiskEvaluation {
  readonly at: ReportInstant;
  readonly tier: RiskTier;
  readonly signalCodes: readonly string[];
}

export interface ReportIntegrationSession {
  readonly at: ReportInstant;
  readonly attended: boolean;
}

export interface ReportPatient {
  readonly patientId: string;
  readonly firstDoseAt: ReportInstant | null;
  /** Discharge or withdrawal; null while in the program. */
  readonly endedAt: ReportInstant | null;
  readonly scores: Readonly<Partial<Record<OutcomeInstrument, readonly ReportScore[]>>>;
  readonly sessions: readonly ReportSession[];
  readonly gateBlocks: readonly ReportGateBlock[];
  readonly adverseEvents: readonly ReportAdverseEvent[];
  readonly alerts: readonly ReportAlert[];
  readonly riskEvaluations: readonly ReportRiskEvaluation[];
  readonly checkIns: readonly ReportInstant[];
  readonly integrationSessions: readonly ReportIntegrationSession[];
}

export interface ReportPeriod {
  readonly from: string;
  readonly to: string;
}

export interface ScoreBand {
  readonly p25: number | null;
  readonly median: number | null;
  readonly p75: number | null;
}

export interface CheckpointReport {
  readonly key: string;
  readonly label: string;
  readonly days: number;
  readonly windowDays: number;
  /** Dosed patients whose checkpoint window has closed by asOf. */
  readonly eligible: number;
  /** Of those, with a pre-dose baseline above 0. */
  readonly withBaseline: number;
  /** Of those, with a score in the window: the denominator of every rate below. */
  readonly measured: number;
  /** withBaseline − measured: no score in the window (not counted as non-responders). */
  readonly missing: number;
  /** measured of withBaseline. */
  readonly followUp: Proportion;
  readonly meanChange: number | null;
  readonly medianChange: number | null;
  /** The checkpoint scores' quartiles, for the median line and its band. */
  readonly scores: ScoreBand;
  readonly response: Proportion;
  readonly remission: Proportion;
}

export interface TrajectoryPoint {
  /** Days since the first dose (negative before it). */
  readonly day: number;
  readonly total: number;
}

export interface InstrumentReport {
  readonly instrument: OutcomeInstrument;
  readonly baseline: { readonly n: number; readonly missing: number; readonly mean: number | null; readonly median: number | null };
  readonly checkpoints: readonly CheckpointReport[];
  /**
   * One line per dosed patient with a baseline, from the baseline on (the spaghetti plot); at most
   * `trajectoryLines` of them, evenly sampled, so `baseline.n` lines stand behind what is drawn.
   */
  readonly trajectories: readonly { readonly patientId: string; readonly points: readonly TrajectoryPoint[] }[];
  readonly timeToResponse: {
    /** Patients with a baseline and at least one score after the first dose. */
    readonly n: number;
    /** Patients with a baseline but no score after the first dose: not in the curve. */
    readonly notFollowed: number;
    readonly responders: number;
    readonly censored: number;
    /** Kaplan–Meier steps of "not yet responded"; the share responded by day t is 1 − survival. */
    readonly steps: readonly KaplanMeierStep[];
    readonly medianDays: number | null;
  };
}

export interface DurationSummary {
  readonly n: number;
  readonly medianMinutes: number | null;
  readonly p90Minutes: number | null;
}

export interface SafetyReport {
  /** Sessions with a dose taken in the period. */
  readonly sessions: number;
  readonly adverseEvents: readonly { readonly severity: AdverseEventSeverity; readonly count: number; readonly per100Sessions: number | null }[];
  readonly seriousAdverseEvents: readonly (Omit<ReportAdverseEvent, 'at'> & { readonly at: string; readonly patientId: string })[];
  readonly gateBlocks: {
    /** Gate evaluations that refused a session in the period. */
    readonly evaluations: number;
    readonly sessions: number;
    readonly byReason: readonly { readonly code: string; readonly count: number }[];
  };
  readonly alerts: readonly ({ readonly code: string; readonly count: number; readonly unacknowledged: number } & { readonly timeToAcknowledge: DurationSummary })[];
  readonly alertsOverall: { readonly count: number; readonly unacknowledged: number; readonly timeToAcknowledge: DurationSummary };
  readonly escalations: number;
}

export interface DependenceReport {
  /** Dosed time under observation in the period, in months of 365.25/12 days. */
  readonly patientMonths: number;
  readonly signals: readonly { readonly code: string; readonly onsets: number; readonly patients: number; readonly per100PatientMonths: number | null }[];
  readonly patientsReachingHighRisk: number;
  readonly holds: { readonly count: number; readonly byOutcome: readonly { readonly outcome: string; readonly count: number }[] };
}

export interface EngagementReport {
  readonly retention: readonly { readonly key: string; readonly label: string; readonly days: number; readonly retained: Proportion }[];
  readonly checkIns: {
    /** Patients with observed time in the period. */
    readonly patients: number;
    readonly expected: number;
    readonly received: number;
    /** received (at most one per expected slot) of expected, over the program. */
    readonly adherence: Proportion;
    /** The median of each patient's own adherence. */
    readonly medianPatientAdherence: number | null;
  };
  readonly integration: { readonly scheduled: number; readonly attended: Proportion };
}

export interface ProgramReport {
  readonly asOf: string;
  readonly period: ReportPeriod;
  readonly cohort: { readonly patients: number; readonly dosed: number; readonly notDosed: number };
  readonly severity: Readonly<Record<OutcomeInstrument, InstrumentReport>>;
  readonly safety: SafetyReport;
  readonly dependence: DependenceReport;
  readonly engagement: EngagementReport;
  /** Figure key → the patients behind it (drill-down). Keys are listed in docs/outcomes-report.md. */
  readonly patientsBehind: Readonly<Record<string, readonly string[]>>;
}

// ---------------------------------------------------------------------------------------------------------------

const DAY = MS_PER_DAY;
const MINUTE = 60_000;

function instant(at: ReportInstant | null | undefined): number | null {
  return at === null || at === undefined ? null : instantMs(at);
}

/** An instant as ISO 8601 text for the report's output (null when it cannot be read). */
function isoText(at: ReportInstant | null): string | null {
  const ms = instant(at);
  return ms === null ? null : new Date(ms).toISOString();
}

/** Collects figure key → patient ids, each patient once per key, in the order first seen. */
class Behind {
  private readonly map = new Map<string, Set<string>>();
  add(key: string, patientId: string): void {
    let set = this.map.get(key);
    if (!set) {
      set = new Set();
      this.map.set(key, set);
    }
    set.add(patientId);
  }
  record(): Record<string, string[]> {
    return Object.fromEntries([...this.map.entries()].map(([k, v]) => [k, [...v]]));
  }
}

interface Dosed {
  readonly patient: ReportPatient;
  readonly firstDoseMs: number;
}

function sortedScores(patient: ReportPatient, instrument: OutcomeInstrument): { ms: number; point: ReportScore }[] {
  return (patient.scores[instrument] ?? [])
    .map((point) => ({ ms: instant(point.at), point }))
    .filter((s): s is { ms: number; point: ReportScore } => s.ms !== null)
    .sort((a, b) => a.ms - b.ms || a.point.id.localeCompare(b.point.id));
}

/**
 * Days to a tenth, as the trajectories are drawn: the time-to-response curve steps at most ten times a day, so a
 * program of thousands has a curve of at most a few thousand steps (one per patient otherwise), and patients
 * responding within the same 2.4 hours are tied, events before censorings as usual.
 */
function tenthsOfDay(ms: number): number {
  return Math.round((ms / DAY) * 10) / 10;
}

function instrumentReport(
  instrument: OutcomeInstrument,
  dosed: readonly Dosed[],
  asOfMs: number,
  settings: ProgramReportSettings,
  behind: Behind,
): InstrumentReport {
  const baselines: number[] = [];
  let baselineMissing = 0;
  const lines: { dose: Dosed; scores: { ms: number; point: ReportScore }[] }[] = [];
  const timeToEvent: { time: number; event: boolean }[] = [];
  let notFollowed = 0;
  const perPatient: { dose: Dosed; baseline: number | null; onTreatment: ReportScore[] }[] = [];

  for (const d of dosed) {
    const scores = sortedScores(d.patient, instrument).filter((s) => s.ms <= asOfMs);
    const before = scores.filter((s) => s.ms < d.firstDoseMs);
    const baselineScore = before[before.length - 1];
    const onTreatment = scores.filter((s) => s.ms >= d.firstDoseMs);
    const baseline = baselineScore && baselineScore.point.total > 0 ? baselineScore.point.total : null;
    perPatient.push({ dose: d, baseline, onTreatment: onTreatment.map((s) => s.point) });
    if (baseline === null || !baselineScore) {
      baselineMissing += 1;
      behind.add(`${instrument}.baseline.missing`, d.patient.patientId);
      continue;
    }
    baselines.push(baseline);
    lines.push({ dose: d, scores: [baselineScore, ...onTreatment] });
    if (onTreatment.length === 0) {
      notFollowed += 1;
      continue;
    }
    const first = onTreatment.find((s) => isResponse(baseline, s.point.total, settings.outcomes) === true);
    const last = onTreatment[onTreatment.length - 1] as { ms: number };
    if (first) {
      timeToEvent.push({ time: tenthsOfDay(first.ms - d.firstDoseMs), event: true });
      behind.add(`${instrument}.responded`, d.patient.patientId);
    } else {
      timeToEvent.push({ time: tenthsOfDay(last.ms - d.firstDoseMs), event: false });
    }
  }

  const checkpoints = settings.checkpoints.map((cp): CheckpointReport => {
    let eligible = 0;
    let withBaseline = 0;
    let responders = 0;
    let remitters = 0;
    const changes: number[] = [];
    const totals: number[] = [];
    const prefix = `${instrument}.${cp.key}`;
    for (const { dose, baseline, onTreatment } of perPatient) {
      const targetMs = dose.firstDoseMs + cp.days * DAY;
      const windowMs = cp.windowDays * DAY;
      // Counted only once the window has closed, so a published figure does not move as late scores arrive.
      if (asOfMs < targetMs + windowMs) continue;
      eligible += 1;
      if (baseline === null) continue;
      withBaseline += 1;
      const point = nearestInWindow(onTreatment, targetMs, windowMs);
      const id = dose.patient.patientId;
      if (!point) {
        behind.add(`${prefix}.missing`, id);
        continue;
      }
      behind.add(`${prefix}.measured`, id);
      changes.push(point.total - baseline);
      totals.push(point.total);
      if (isResponse(baseline, point.total, settings.outcomes) === true) {
        responders += 1;
        behind.add(`${prefix}.response`, id);
      }
      if (point.total < settings.outcomes.remissionBelow[instrument]) {
        remitters += 1;
        behind.add(`${prefix}.remission`, id);
      }
    }
    const measured = totals.length;
    return {
      key: cp.key,
      label: cp.label,
      days: cp.days,
      windowDays: cp.windowDays,
      eligible,
      withBaseline,
      measured,
      missing: withBaseline - measured,
      followUp: wilsonInterval(measured, withBaseline),
      meanChange: mean(changes),
      medianChange: median(changes),
      scores: { p25: totals.length ? quantile(totals, 0.25) : null, median: median(totals), p75: totals.length ? quantile(totals, 0.75) : null },
      response: wilsonInterval(responders, measured),
      remission: wilsonInterval(remitters, measured),
    };
  });

  const trajectories = evenSample(lines, settings.trajectoryLines).map(({ dose, scores }) => ({
    patientId: dose.patient.patientId,
    points: scores.map((s) => ({ day: tenthsOfDay(s.ms - dose.firstDoseMs), total: s.point.total })),
  }));
  const steps = kaplanMeier(timeToEvent);
  return {
    instrument,
    baseline: { n: baselines.length, missing: baselineMissing, mean: mean(baselines), median: median(baselines) },
    checkpoints,
    trajectories,
    timeToResponse: {
      n: timeToEvent.length,
      notFollowed,
      responders: timeToEvent.filter((t) => t.event).length,
      censored: timeToEvent.filter((t) => !t.event).length,
      steps,
      medianDays: kaplanMeierMedian(steps),
    },
  };
}

/** At most `limit` of `items`, spread evenly from the first (all of them when they fit), in their order. */
export function evenSample<T>(items: readonly T[], limit: number): T[] {
  if (items.length <= limit) return [...items];
  const picked: T[] = [];
  for (let i = 0; i < limit; i++) picked.push(items[Math.floor((i * items.length) / limit)] as T);
  return picked;
}

function durationSummary(minutes: readonly number[]): DurationSummary {
  return { n: minutes.length, medianMinutes: median(minutes), p90Minutes: quantile(minutes, 0.9) };
}

function safetyReport(patients: readonly ReportPatient[], inPeriod: (ms: number | null) => boolean, behind: Behind): SafetyReport {
  let sessions = 0;
  const severityCounts = new Map<AdverseEventSeverity, number>(ADVERSE_EVENT_SEVERITIES.map((s) => [s, 0]));
  const serious: (Omit<ReportAdverseEvent, 'at'> & { at: string; patientId: string })[] = [];
  let blockEvaluations = 0;
  const blockedSessions = new Set<string>();
  const reasons = new Map<string, number>();
  const alertsByCode = new Map<string, { count: number; unacknowledged: number; minutes: number[] }>();
  let escalations = 0;

  for (const p of patients) {
    const id = p.patientId;
    for (const s of p.sessions) if (inPeriod(instant(s.dosedAt))) sessions += 1;
    for (const e of p.adverseEvents) {
      if (!inPeriod(instant(e.at))) continue;
      severityCounts.set(e.severity, (severityCounts.get(e.severity) ?? 0) + 1);
      behind.add(`safety.adverseEvents.${e.severity}`, id);
      if (e.serious) {
        serious.push({ ...e, at: isoText(e.at) ?? '', patientId: id });
        behind.add('safety.seriousAdverseEvents', id);
      }
    }
    for (const b of p.gateBlocks) {
      if (!inPeriod(instant(b.at))) continue;
      blockEvaluations += 1;
      blockedSessions.add(b.sessionId);
      behind.add('safety.gateBlocks', id);
      for (const code of new Set(b.reasonCodes)) {
        reasons.set(code, (reasons.get(code) ?? 0) + 1);
        behind.add(`safety.gateBlocks.${code}`, id);
      }
    }
    for (const a of p.alerts) {
      const raisedMs = instant(a.raisedAt);
      if (!inPeriod(raisedMs)) continue;
      const entry = alertsByCode.get(a.code) ?? { count: 0, unacknowledged: 0, minutes: [] };
      entry.count += 1;
      behind.add(`safety.alerts.${a.code}`, id);
      const ackMs = instant(a.acknowledgedAt);
      if (ackMs === null || raisedMs === null) {
        entry.unacknowledged += 1;
        behind.add('safety.alerts.unacknowledged', id);
      } else {
        entry.minutes.push(Math.max(0, ackMs - raisedMs) / MINUTE);
      }
      alertsByCode.set(a.code, entry);
      if (inPeriod(instant(a.escalatedAt))) {
        escalations += 1;
        behind.add('safety.escalations', id);
      }
    }
  }

  const allMinutes = [...alertsByCode.values()].flatMap((a) => a.minutes);
  return {
    sessions,
    adverseEvents: ADVERSE_EVENT_SEVERITIES.map((severity) => {
      const count = severityCounts.get(severity) ?? 0;
      return { severity, count, per100Sessions: ratePer(count, sessions, 100) };
    }),
    seriousAdverseEvents: serious.sort((a, b) => (instant(a.at) ?? 0) - (instant(b.at) ?? 0)),
    gateBlocks: {
      evaluations: blockEvaluations,
      sessions: blockedSessions.size,
      byReason: [...reasons.entries()].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    },
    alerts: [...alertsByCode.entries()]
      .map(([code, a]) => ({ code, count: a.count, unacknowledged: a.unacknowledged, timeToAcknowledge: durationSummary(a.minutes) }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    alertsOverall: {
      count: [...alertsByCode.values()].reduce((n, a) => n + a.count, 0),
      unacknowledged: [...alertsByCode.values()].reduce((n, a) => n + a.unacknowledged, 0),
      timeToAcknowledge: durationSummary(allMinutes),
    },
    escalations,
  };
}

/** Milliseconds of [start, end] that fall inside [from, to]. */
function overlapMs(start: number, end: number, from: number, to: number): number {
  return Math.max(0, Math.min(end, to) - Math.max(start, from));
}

function endOf(patient: ReportPatient, asOfMs: number): number {
  const ended = instant(patient.endedAt);
  return ended === null ? asOfMs : Math.min(ended, asOfMs);
}

function dependenceReport(dosed: readonly Dosed[], fromMs: number, asOfMs: number, inPeriod: (ms: number | null) => boolean, behind: Behind): DependenceReport {
  let observedMs = 0;
  const onsets = new Map<string, { onsets: number; patients: Set<string> }>();
  const highRisk = new Set<string>();
  const holds = new Map<string, number>();
  let holdCount = 0;

  for (const { patient, firstDoseMs } of dosed) {
    const id = patient.patientId;
    observedMs += overlapMs(firstDoseMs, endOf(patient, asOfMs), fromMs, asOfMs);
    // An onset is an evaluation in which a signal is present that the previous evaluation did not have.
    const evaluations = patient.riskEvaluations
      .map((e) => ({ ms: instant(e.at), e }))
      .filter((x): x is { ms: number; e: ReportRiskEvaluation } => x.ms !== null)
      .sort((a, b) => a.ms - b.ms);
    let previous = new Set<string>();
    for (const { ms, e } of evaluations) {
      const present = new Set(e.signalCodes);
      if (inPeriod(ms)) {
        for (const code of present) {
          if (previous.has(code)) continue;
          const entry = onsets.get(code) ?? { onsets: 0, patients: new Set<string>() };
          entry.onsets += 1;
          entry.patients.add(id);
          onsets.set(code, entry);
          behind.add(`dependence.signals.${code}`, id);
        }
        if (e.tier === 'high') {
          highRisk.add(id);
          behind.add('dependence.highRisk', id);
        }
      }
      previous = present;
    }
    for (const a of patient.alerts) {
      if (!a.holdsDosing || !inPeriod(instant(a.raisedAt))) continue;
      holdCount += 1;
      const outcome = instant(a.resolvedAt) === null ? 'still_held' : (a.resolutionAction ?? 'resolved');
      holds.set(outcome, (holds.get(outcome) ?? 0) + 1);
      behind.add('dependence.holds', id);
      behind.add(`dependence.holds.${outcome}`, id);
    }
  }

  const patientMonths = observedMs / DAY / DAYS_PER_MONTH;
  return {
    patientMonths,
    signals: [...onsets.entries()]
      .map(([code, s]) => ({ code, onsets: s.onsets, patients: s.patients.size, per100PatientMonths: ratePer(s.onsets, patientMonths, 100) }))
      .sort((a, b) => b.onsets - a.onsets || a.code.localeCompare(b.code)),
    patientsReachingHighRisk: highRisk.size,
    holds: {
      count: holdCount,
      byOutcome: [...holds.entries()].map(([outcome, count]) => ({ outcome, count })).sort((a, b) => b.count - a.count || a.outcome.localeCompare(b.outcome)),
    },
  };
}

/** Any contact a patient made: a score, a check-in, a dose, an attended integration session. */
function contactTimes(patient: ReportPatient): number[] {
  const times = [
    ...Object.values(patient.scores).flatMap((series) => (series ?? []).map((s) => s.at)),
    ...patient.checkIns,
    ...patient.sessions.map((s) => s.dosedAt),
    ...patient.integrationSessions.filter((s) => s.attended).map((s) => s.at),
  ];
  return times.map((t) => instant(t)).filter((ms): ms is number => ms !== null);
}

function engagementReport(
  dosed: readonly Dosed[],
  fromMs: number,
  asOfMs: number,
  inPeriod: (ms: number | null) => boolean,
  settings: ProgramReportSettings,
  behind: Behind,
): EngagementReport {
  // Each patient's contacts are gathered once, for every milestone (a program has tens of thousands of patients).
  const milestones = settings.retention.map(() => ({ eligible: 0, retained: 0 }));
  for (const { patient, firstDoseMs } of dosed) {
    let contacts: number[] | null = null;
    settings.retention.forEach((milestone, k) => {
      const milestoneMs = firstDoseMs + milestone.days * DAY;
      if (asOfMs < milestoneMs) return;
      const tally = milestones[k] as { eligible: number; retained: number };
      tally.eligible += 1;
      const since = milestoneMs - settings.retentionGraceDays * DAY;
      contacts ??= contactTimes(patient);
      const kept = contacts.some((ms) => ms >= since && ms <= asOfMs);
      behind.add(`engagement.retention.${milestone.key}.${kept ? 'retained' : 'lost'}`, patient.patientId);
      if (kept) tally.retained += 1;
    });
  }
  const retention = settings.retention.map((milestone, k) => {
    const { eligible, retained } = milestones[k] as { eligible: number; retained: number };
    return { key: milestone.key, label: milestone.label, days: milestone.days, retained: wilsonInterval(retained, eligible) };
  });

  let expected = 0;
  let received = 0;
  let patientsObserved = 0;
  const perPatient: number[] = [];
  const slotMs = settings.checkInEveryDays * DAY;
  let scheduled = 0;
  let attended = 0;
  for (const { patient, firstDoseMs } of dosed) {
    const start = Math.max(firstDoseMs, fromMs);
    const end = endOf(patient, asOfMs);
    const slots = end > start ? Math.floor((end - start) / slotMs) : 0;
    if (slots > 0) {
      patientsObserved += 1;
      const filled = new Set<number>();
      for (const at of patient.checkIns) {
        const ms = instant(at);
        if (ms === null || ms < start || ms >= start + slots * slotMs) continue;
        filled.add(Math.floor((ms - start) / slotMs));
      }
      expected += slots;
      received += filled.size;
      perPatient.push(filled.size / slots);
      if (filled.size / slots < 0.5) behind.add('engagement.checkIns.belowHalf', patient.patientId);
    }
    for (const s of patient.integrationSessions) {
      if (!inPeriod(instant(s.at))) continue;
      scheduled += 1;
      if (s.attended) attended += 1;
      else behind.add('engagement.integration.missed', patient.patientId);
    }
  }
  return {
    retention,
    checkIns: {
      patients: patientsObserved,
      expected,
      received,
      adherence: wilsonInterval(received, expected),
      medianPatientAdherence: median(perPatient),
    },
    integration: { scheduled, attended: wilsonInterval(attended, scheduled) },
  };
}

/**
 * The report for `patients` (the cohort the caller selected) over `period`, as of `min(period.to, now)`.
 * Throws RangeError for an unreadable or reversed period; every other unreadable time in the record is skipped
 * (a score or event that cannot be placed in time cannot be counted at a checkpoint or in a period).
 */
export function programReport(patients: readonly ReportPatient[], period: ReportPeriod, now: Date, settings: ProgramReportSettings): ProgramReport {
  const fromMs = parseInstant(period.from);
  const toMs = parseInstant(period.to);
  if (fromMs === null || toMs === null || toMs < fromMs) throw new RangeError(`programReport: the period ${period.from} to ${period.to} cannot be read`);
  const asOfMs = Math.min(toMs, now.getTime());
  const inPeriod = (ms: number | null): boolean => ms !== null && ms >= fromMs && ms <= asOfMs;
  const behind = new Behind();

  const dosed: Dosed[] = [];
  for (const patient of patients) {
    const firstDoseMs = instant(patient.firstDoseAt);
    if (firstDoseMs === null || firstDoseMs > asOfMs) {
      behind.add('cohort.notDosed', patient.patientId);
      continue;
    }
    dosed.push({ patient, firstDoseMs });
    behind.add('cohort.dosed', patient.patientId);
  }

  return {
    asOf: new Date(asOfMs).toISOString(),
    period,
    cohort: { patients: patients.length, dosed: dosed.length, notDosed: patients.length - dosed.length },
    severity: {
      phq9: instrumentReport('phq9', dosed, asOfMs, settings, behind),
      gad7: instrumentReport('gad7', dosed, asOfMs, settings, behind),
    },
    safety: safetyReport(patients, inPeriod, behind),
    dependence: dependenceReport(dosed, fromMs, asOfMs, inPeriod, behind),
    engagement: engagementReport(dosed, fromMs, asOfMs, inPeriod, settings, behind),
    patientsBehind: behind.record(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One row per patient, for the de-identified research export

export interface PatientOutcomeRow {
  readonly patientId: string;
  readonly firstDoseAt: string | null;
  readonly endedAt: string | null;
  /** Per instrument: the baseline and the score read at each checkpoint (null: none in the window or not yet due). */
  readonly scores: Readonly<
    Record<OutcomeInstrument, { readonly baseline: number | null; readonly checkpoints: Readonly<Record<string, number | null>>; readonly responseDay: number | null; readonly followedToDay: number | null }>
  >;
  readonly sessions: number;
  readonly adverseEvents: Readonly<Record<AdverseEventSeverity, number>>;
  readonly seriousAdverseEvents: number;
  readonly alerts: number;
  readonly warningSignOnsets: number;
  readonly reachedHighRisk: boolean;
  readonly checkIns: number;
  readonly integrationAttended: number;
  readonly integrationMissed: number;
}

/** The same definitions as `programReport`, one patient at a time and as of `asOf` (no period: the whole record). */
export function patientOutcomeRow(patient: ReportPatient, asOf: Date, settings: ProgramReportSettings): PatientOutcomeRow {
  const asOfMs = asOf.getTime();
  const firstDoseMs = instant(patient.firstDoseAt);
  const upTo = <T>(items: readonly T[], at: (item: T) => ReportInstant | null): T[] =>
    items.filter((item) => {
      const ms = instant(at(item));
      return ms !== null && ms <= asOfMs;
    });
  const instrumentRow = (instrument: OutcomeInstrument) => {
    const scores = sortedScores(patient, instrument).filter((s) => s.ms <= asOfMs);
    const checkpoints: Record<string, number | null> = {};
    if (firstDoseMs === null || firstDoseMs > asOfMs) {
      for (const cp of settings.checkpoints) checkpoints[cp.key] = null;
      return { baseline: null, checkpoints, responseDay: null, followedToDay: null };
    }
    const before = scores.filter((s) => s.ms < firstDoseMs);
    const baselineScore = before[before.length - 1]?.point.total;
    const baseline = baselineScore !== undefined && baselineScore > 0 ? baselineScore : null;
    const onTreatment = scores.filter((s) => s.ms >= firstDoseMs);
    for (const cp of settings.checkpoints) {
      const targetMs = firstDoseMs + cp.days * DAY;
      const windowMs = cp.windowDays * DAY;
      checkpoints[cp.key] =
        asOfMs < targetMs + windowMs ? null : (nearestInWindow(onTreatment.map((s) => s.point), targetMs, windowMs)?.total ?? null);
    }
    const responded = baseline === null ? undefined : onTreatment.find((s) => isResponse(baseline, s.point.total, settings.outcomes) === true);
    const last = onTreatment[onTreatment.length - 1];
    return {
      baseline: baselineScore ?? null,
      checkpoints,
      responseDay: responded ? (responded.ms - firstDoseMs) / DAY : null,
      followedToDay: last ? (last.ms - firstDoseMs) / DAY : null,
    };
  };
  const adverse = upTo(patient.adverseEvents, (e) => e.at);
  let onsets = 0;
  let previous = new Set<string>();
  let reachedHighRisk = false;
  for (const e of upTo(patient.riskEvaluations, (r) => r.at).sort((a, b) => (instant(a.at) ?? 0) - (instant(b.at) ?? 0))) {
    const present = new Set(e.signalCodes);
    for (const code of present) if (!previous.has(code)) onsets += 1;
    if (e.tier === 'high') reachedHighRisk = true;
    previous = present;
  }
  const integration = upTo(patient.integrationSessions, (s) => s.at);
  return {
    patientId: patient.patientId,
    firstDoseAt: isoText(patient.firstDoseAt),
    endedAt: isoText(patient.endedAt),
    scores: { phq9: instrumentRow('phq9'), gad7: instrumentRow('gad7') },
    sessions: upTo(patient.sessions, (s) => s.dosedAt).length,
    adverseEvents: {
      mild: adverse.filter((e) => e.severity === 'mild').length,
      moderate: adverse.filter((e) => e.severity === 'moderate').length,
      severe: adverse.filter((e) => e.severity === 'severe').length,
    },
    seriousAdverseEvents: adverse.filter((e) => e.serious).length,
    alerts: upTo(patient.alerts, (a) => a.raisedAt).length,
    warningSignOnsets: onsets,
    reachedHighRisk,
    checkIns: upTo(patient.checkIns, (c) => c).length,
    integrationAttended: integration.filter((s) => s.attended).length,
    integrationMissed: integration.filter((s) => !s.attended).length,
  };
}

/** Age bands for de-identified rows (no single years; 90 and over pooled, as HIPAA's safe harbour asks). */
export const AGE_BANDS = ['18-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75-89', '90+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number] | 'under-18' | 'unknown';

/** Whole years between a date of birth (YYYY-MM-DD) and an instant, as a band. */
export function ageBand(dateOfBirth: string, at: Date): AgeBand {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (!m) return 'unknown';
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const y = at.getUTCFullYear();
  const beforeBirthday = at.getUTCMonth() + 1 < month || (at.getUTCMonth() + 1 === month && at.getUTCDate() < day);
  const age = y - year - (beforeBirthday ? 1 : 0);
  if (age < 18) return 'under-18';
  if (age >= 90) return '90+';
  if (age >= 75) return '75-89';
  const band = AGE_BANDS.find((b) => {
    const [lo, hi] = b.split('-').map(Number);
    return lo !== undefined && hi !== undefined && age >= lo && age <= hi;
  });
  return band ?? 'unknown';
}
