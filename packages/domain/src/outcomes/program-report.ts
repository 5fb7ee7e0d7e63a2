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
  quantiles,
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
  /** Figure key → how many patients are behind it. Keys are listed in docs/outcomes-report.md. */
  readonly figures: Readonly<Record<string, number>>;
  /** Figure key → the patients behind it (drill-down), each list made when first read. */
  readonly patientsBehind: Readonly<Record<string, readonly string[]>>;
}

// ---------------------------------------------------------------------------------------------------------------
// The report in two stages (docs/outcomes-report.md, "Performance"): each patient's record reduced to the few facts
// the figures read (`patientReportFacts`, independent of the period), and the period's events; `reportFromFacts`
// turns those into the figures. `programReport` runs both over the full record; the server can instead read facts
// it keeps up to date on write, so a program's report reads one narrow row per patient.

/** What the figures read of one instrument's scores. */
export interface InstrumentFacts {
  /** The last score before the first dose when it is above 0 (a baseline of 0 cannot fall by a percentage). */
  readonly baseline: number | null;
  /** Per checkpoint (the settings' order): the score nearest it within its window, whether or not the window has closed. */
  readonly checkpoints: readonly (number | null)[];
  /** The first score from the first dose on that meets response against the baseline (epoch ms). */
  readonly respondedMs: number | null;
  /** The last score from the first dose on (epoch ms). */
  readonly lastMs: number | null;
}

/** What the figures read of one patient's record, as of a time; nothing in it depends on the report's period. */
export interface PatientReportFacts {
  readonly patientId: string;
  /** The first dose (epoch ms); null when there was none by the time the facts were taken. */
  readonly firstDoseMs: number | null;
  readonly endedMs: number | null;
  /** Null for a patient with no dose. */
  readonly instruments: Readonly<Record<OutcomeInstrument, InstrumentFacts>> | null;
  /** The last contact: a score, a check-in, a dose or an attended integration session (epoch ms). */
  readonly lastContactMs: number | null;
  /** One character per check-in slot counted from the first dose: '1' when it holds a check-in (up to the last one). */
  readonly checkInSlots: string;
  /** Warning-sign onsets: a signal present in an evaluation and absent from the one before, [epoch ms, code]. */
  readonly onsets: readonly (readonly [number, string])[];
  /** The evaluations of tier high (epoch ms). */
  readonly highRiskMs: readonly number[];
  /** The doses taken (sessions started), epoch ms. */
  readonly doseMs: readonly number[];
  /**
   * The gate's refusals: [epoch ms, the refused session (its place among this patient's refused sessions, in the
   * order first refused), its reasons each once].
   */
  readonly gateBlocks: readonly (readonly [number, number, readonly string[]])[];
  /** Integration sessions held: [epoch ms, 1 attended or 0 missed]. */
  readonly integration: readonly (readonly [number, 0 | 1])[];
}

/**
 * The period's rare events of the cohort's patients (dated in [from, asOf]), one by one: adverse events and alerts.
 * The frequent ones (doses, gate refusals, integration sessions: millions a year in a large program) are read from
 * each patient's facts.
 */
export interface ReportPeriodEvents {
  readonly adverseEvents: readonly (ReportAdverseEvent & { readonly patientId: string })[];
  /** Alerts raised in the period. */
  readonly alerts: readonly (ReportAlert & { readonly patientId: string })[];
}

/** The frequent events of the period, counted from the facts, the patients behind each flagged in `behind`. */
interface PeriodActivity {
  readonly sessionsDosed: number;
  readonly gateBlocks: { readonly evaluations: number; readonly sessions: number; readonly byReason: readonly { readonly code: string; readonly count: number }[] };
  readonly integration: { readonly attended: number; readonly missed: number };
}

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

/** The patients behind one figure, each once, flagged by their place in the cohort. */
class Figure {
  readonly seen: Uint8Array;
  count = 0;
  constructor(private readonly indexOf: ReadonlyMap<string, number>) {
    this.seen = new Uint8Array(indexOf.size);
  }
  /** A patient by id (the period's events); an id outside the cohort is not behind any figure. */
  addId(patientId: string): void {
    const index = this.indexOf.get(patientId);
    if (index !== undefined) this.add(index);
  }
  add(index: number): void {
    if (this.seen[index] === 1) return;
    this.seen[index] = 1;
    this.count += 1;
  }
}

/**
 * Collects figure key → patients. Patients are flagged by their place in the cohort rather than hashed by id, and
 * a loop takes its figures' handles once: a program's report adds millions.
 */
class Behind {
  private readonly figures = new Map<string, Figure>();
  private readonly indexOf: Map<string, number>;
  constructor(private readonly ids: readonly string[]) {
    this.indexOf = new Map();
    for (let i = 0; i < ids.length; i++) this.indexOf.set(ids[i] as string, i);
  }
  figure(key: string): Figure {
    let figure = this.figures.get(key);
    if (!figure) {
      figure = new Figure(this.indexOf);
      this.figures.set(key, figure);
    }
    return figure;
  }
  add(key: string, index: number): void {
    this.figure(key).add(index);
  }
  /** A patient by id (the period's events). */
  addId(key: string, patientId: string): void {
    this.figure(key).addId(patientId);
  }
  /** The figures with a patient behind them (a handle taken for a loop that added nobody is not a figure). */
  private withPatients(): [string, Figure][] {
    return [...this.figures.entries()].filter(([, f]) => f.count > 0);
  }
  counts(): Record<string, number> {
    return Object.fromEntries(this.withPatients().map(([k, f]) => [k, f.count]));
  }
  /**
   * Figure key → patient ids in cohort order, each list made when it is first read (a report names the patients of
   * one figure at a time).
   */
  record(): Record<string, readonly string[]> {
    const record: Record<string, readonly string[]> = {};
    for (const [key, figure] of this.withPatients()) {
      let ids: string[] | null = null;
      const list = (): string[] => {
        if (ids) return ids;
        ids = [];
        for (let i = 0; i < figure.seen.length; i++) if (figure.seen[i] === 1) ids.push(this.ids[i] as string);
        return ids;
      };
      Object.defineProperty(record, key, { enumerable: true, get: list });
    }
    return record;
  }
}

/** A patient's scores of one instrument up to asOf, in time order (ties by id), unreadable instants left out. */
function sortedScores(series: readonly ReportScore[] | undefined, asOfMs: number): { ms: number; point: ReportScore }[] {
  return (series ?? [])
    .map((point) => ({ ms: instant(point.at), point }))
    .filter((s): s is { ms: number; point: ReportScore } => s.ms !== null && s.ms <= asOfMs)
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

/** The first dose as the report reads it: none when it is unreadable or after asOf. */
function firstDoseOf(patient: ReportPatient, asOfMs: number): number | null {
  const ms = instant(patient.firstDoseAt);
  return ms === null || ms > asOfMs ? null : ms;
}

function instrumentFacts(series: readonly ReportScore[] | undefined, firstDoseMs: number, asOfMs: number, settings: ProgramReportSettings): InstrumentFacts {
  const scores = sortedScores(series, asOfMs);
  const onTreatment = scores.filter((s) => s.ms >= firstDoseMs);
  const before = scores.filter((s) => s.ms < firstDoseMs);
  const baselineTotal = before[before.length - 1]?.point.total;
  const baseline = baselineTotal !== undefined && baselineTotal > 0 ? baselineTotal : null;
  const points = onTreatment.map((s) => s.point);
  return {
    baseline,
    checkpoints: settings.checkpoints.map((cp) => nearestInWindow(points, firstDoseMs + cp.days * DAY, cp.windowDays * DAY)?.total ?? null),
    respondedMs: baseline === null ? null : (onTreatment.find((s) => isResponse(baseline, s.point.total, settings.outcomes) === true)?.ms ?? null),
    lastMs: onTreatment[onTreatment.length - 1]?.ms ?? null,
  };
}

/** The risk evaluations up to asOf in time order: onsets (a signal new since the previous one) and high tiers. */
function riskFacts(patient: ReportPatient, asOfMs: number): Pick<PatientReportFacts, 'onsets' | 'highRiskMs'> {
  const evaluations = patient.riskEvaluations
    .map((e) => ({ ms: instant(e.at), e }))
    .filter((x): x is { ms: number; e: ReportRiskEvaluation } => x.ms !== null && x.ms <= asOfMs)
    .sort((a, b) => a.ms - b.ms);
  const onsets: [number, string][] = [];
  const highRiskMs: number[] = [];
  let previous = new Set<string>();
  for (const { ms, e } of evaluations) {
    const present = new Set(e.signalCodes);
    for (const code of present) if (!previous.has(code)) onsets.push([ms, code]);
    if (e.tier === 'high') highRiskMs.push(ms);
    previous = present;
  }
  return { onsets, highRiskMs };
}

/** Any contact a patient made up to asOf: a score, a check-in, a dose, an attended integration session. */
function lastContact(patient: ReportPatient, asOfMs: number): number | null {
  let last: number | null = null;
  const see = (at: ReportInstant) => {
    const ms = instant(at);
    if (ms !== null && ms <= asOfMs && (last === null || ms > last)) last = ms;
  };
  for (const series of Object.values(patient.scores)) for (const s of series ?? []) see(s.at);
  for (const at of patient.checkIns) see(at);
  for (const s of patient.sessions) see(s.dosedAt);
  for (const s of patient.integrationSessions) if (s.attended) see(s.at);
  return last;
}

/** The check-in slots from the first dose: '1' for a slot holding a check-in dated up to asOf, '0' for one without. */
function checkInSlots(checkIns: readonly ReportInstant[], firstDoseMs: number, asOfMs: number, slotMs: number): string {
  const filled: number[] = [];
  for (const at of checkIns) {
    const ms = instant(at);
    if (ms === null || ms < firstDoseMs || ms > asOfMs) continue;
    filled.push(Math.floor((ms - firstDoseMs) / slotMs));
  }
  if (filled.length === 0) return '';
  const slots = new Array<string>(Math.max(...filled) + 1).fill('0');
  for (const k of filled) slots[k] = '1';
  return slots.join('');
}

/**
 * The facts of one patient's record as of `asOfMs` (rows dated after it are not read). The server keeps them per
 * patient, taken over the whole record (`asOfMs` = Infinity), for a report as of now.
 */
export function patientReportFacts(patient: ReportPatient, asOfMs: number, settings: ProgramReportSettings): PatientReportFacts {
  const firstDoseMs = firstDoseOf(patient, asOfMs);
  const endedMs = instant(patient.endedAt);
  const dosed = firstDoseMs !== null;
  return {
    patientId: patient.patientId,
    firstDoseMs,
    endedMs,
    instruments: dosed
      ? {
          phq9: instrumentFacts(patient.scores.phq9, firstDoseMs, asOfMs, settings),
          gad7: instrumentFacts(patient.scores.gad7, firstDoseMs, asOfMs, settings),
        }
      : null,
    lastContactMs: lastContact(patient, asOfMs),
    checkInSlots: dosed ? checkInSlots(patient.checkIns, firstDoseMs, asOfMs, settings.checkInEveryDays * DAY) : '',
    ...riskFacts(patient, asOfMs),
    ...activityFacts(patient, asOfMs),
  };
}

/** The doses, gate refusals and integration sessions dated up to asOf, in time order. */
function activityFacts(patient: ReportPatient, asOfMs: number): Pick<PatientReportFacts, 'doseMs' | 'gateBlocks' | 'integration'> {
  const upTo = <T>(rows: readonly T[], at: (row: T) => ReportInstant | null): { ms: number; row: T }[] =>
    rows
      .map((row) => ({ ms: instant(at(row)), row }))
      .filter((x): x is { ms: number; row: T } => x.ms !== null && x.ms <= asOfMs)
      .sort((a, b) => a.ms - b.ms);
  const sessionIndex = new Map<string, number>();
  return {
    doseMs: upTo(patient.sessions, (s) => s.dosedAt).map((x) => x.ms),
    gateBlocks: upTo(patient.gateBlocks, (b) => b.at).map(({ ms, row }) => {
      let index = sessionIndex.get(row.sessionId);
      if (index === undefined) {
        index = sessionIndex.size;
        sessionIndex.set(row.sessionId, index);
      }
      return [ms, index, [...new Set(row.reasonCodes)]] as const;
    }),
    integration: upTo(patient.integrationSessions, (s) => s.at).map(({ ms, row }) => [ms, row.attended ? 1 : 0] as const),
  };
}

/**
 * The earliest instant after `asOfMs` of a row the facts read (a score, check-in, dose, first dose, integration
 * session or risk evaluation), or null: facts taken as of `asOfMs` leave such a row out, so they hold only until then.
 */
export function nextRecordInstant(patient: ReportPatient, asOfMs: number): number | null {
  let next: number | null = null;
  const see = (at: ReportInstant | null) => {
    const ms = instant(at);
    if (ms !== null && ms > asOfMs && (next === null || ms < next)) next = ms;
  };
  see(patient.firstDoseAt);
  for (const series of Object.values(patient.scores)) for (const s of series ?? []) see(s.at);
  for (const at of patient.checkIns) see(at);
  for (const s of patient.sessions) see(s.dosedAt);
  for (const s of patient.integrationSessions) see(s.at);
  for (const b of patient.gateBlocks) see(b.at);
  for (const e of patient.riskEvaluations) see(e.at);
  return next;
}

/** The rare events (adverse events, alerts) of `patients` dated in [fromMs, asOfMs]. */
export function reportPeriodEvents(patients: readonly ReportPatient[], fromMs: number, asOfMs: number): ReportPeriodEvents {
  const inPeriod = (at: ReportInstant | null): boolean => {
    const ms = instant(at);
    return ms !== null && ms >= fromMs && ms <= asOfMs;
  };
  const adverseEvents: ReportPeriodEvents['adverseEvents'][number][] = [];
  const alerts: ReportPeriodEvents['alerts'][number][] = [];
  for (const p of patients) {
    const patientId = p.patientId;
    for (const e of p.adverseEvents) if (inPeriod(e.at)) adverseEvents.push({ ...e, patientId });
    for (const a of p.alerts) if (inPeriod(a.raisedAt)) alerts.push({ ...a, patientId });
  }
  return { adverseEvents, alerts };
}

/**
 * The period's doses, gate refusals and integration sessions of the cohort, from each patient's facts: counted, the
 * patients behind the refusals and the missed sessions flagged.
 */
function periodActivity(cohort: readonly PatientReportFacts[], fromMs: number, asOfMs: number, behind: Behind): PeriodActivity {
  // Plain loops and comparisons: a program's year is millions of these events.
  let sessionsDosed = 0;
  let evaluations = 0;
  let sessions = 0;
  let attended = 0;
  let missed = 0;
  const reasons = new Map<string, { count: number; figure: Figure }>();
  const blocked = behind.figure('safety.gateBlocks');
  const missedFigure = behind.figure('engagement.integration.missed');
  const refused = new Set<number>();
  for (let index = 0; index < cohort.length; index++) {
    const facts = cohort[index] as PatientReportFacts;
    const doses = facts.doseMs;
    for (let k = 0; k < doses.length; k++) {
      const ms = doses[k] as number;
      if (ms >= fromMs && ms <= asOfMs) sessionsDosed += 1;
    }
    if (facts.gateBlocks.length > 0) {
      refused.clear();
      for (const [ms, session, codes] of facts.gateBlocks) {
        if (ms < fromMs || ms > asOfMs) continue;
        evaluations += 1;
        refused.add(session);
        blocked.add(index);
        for (const code of codes) {
          let reason = reasons.get(code);
          if (!reason) {
            reason = { count: 0, figure: behind.figure(`safety.gateBlocks.${code}`) };
            reasons.set(code, reason);
          }
          reason.count += 1;
          reason.figure.add(index);
        }
      }
      sessions += refused.size;
    }
    for (const [ms, wasAttended] of facts.integration) {
      if (ms < fromMs || ms > asOfMs) continue;
      if (wasAttended === 1) attended += 1;
      else {
        missed += 1;
        missedFigure.add(index);
      }
    }
  }
  return {
    sessionsDosed,
    gateBlocks: { evaluations, sessions, byReason: [...reasons.entries()].map(([code, r]) => ({ code, count: r.count })) },
    integration: { attended, missed },
  };
}

/** A dosed patient's facts (first dose by asOf, the instruments read). */
interface Dosed {
  /** The patient's place in the cohort. */
  readonly index: number;
  readonly facts: PatientReportFacts;
  readonly firstDoseMs: number;
  readonly instruments: Readonly<Record<OutcomeInstrument, InstrumentFacts>>;
}

/** The patients whose lines the trajectory chart draws, per instrument: dosed with a baseline, evenly sampled. */
function trajectoryLines(dosed: readonly Dosed[], instrument: OutcomeInstrument, settings: ProgramReportSettings): Dosed[] {
  return evenSample(
    dosed.filter((d) => d.instruments[instrument].baseline !== null),
    settings.trajectoryLines,
  );
}

/** The scores of the patients whose lines are drawn, per instrument (the caller loads only these). */
export type TrajectoryScores = (patientId: string, instrument: OutcomeInstrument) => readonly ReportScore[];

function instrumentReport(
  instrument: OutcomeInstrument,
  dosed: readonly Dosed[],
  asOfMs: number,
  settings: ProgramReportSettings,
  scoresOf: TrajectoryScores,
  behind: Behind,
): InstrumentReport {
  const n = dosed.length;
  // One pass over the patients, written as plain loops over typed arrays: a program's report runs it over a hundred
  // thousand patients, and each patient's facts are read once for every checkpoint.
  const baselines: number[] = [];
  let baselineMissing = 0;
  const missingBaseline = behind.figure(`${instrument}.baseline.missing`);
  const responded = behind.figure(`${instrument}.responded`);
  const timeToEvent: { time: number; event: boolean }[] = [];
  let notFollowed = 0;
  const remissionBelow = settings.outcomes.remissionBelow[instrument];
  const points = settings.checkpoints.map((cp) => {
    const prefix = `${instrument}.${cp.key}`;
    const [missing, measured, response, remission] = ['missing', 'measured', 'response', 'remission'].map((key) => behind.figure(`${prefix}.${key}`)) as [Figure, Figure, Figure, Figure];
    return {
      // Counted only once the window has closed, so a published figure does not move as late scores arrive.
      closesAfterMs: (cp.days + cp.windowDays) * DAY,
      figures: { missing, measured, response, remission },
      eligible: 0,
      withBaseline: 0,
      measured: 0,
      responders: 0,
      remitters: 0,
      changes: new Float64Array(n),
      totals: new Float64Array(n),
    };
  });

  for (let i = 0; i < n; i++) {
    const d = dosed[i] as Dosed;
    const facts = d.instruments[instrument];
    const baseline = facts.baseline;
    for (let k = 0; k < points.length; k++) {
      const point = points[k] as (typeof points)[number];
      if (asOfMs < d.firstDoseMs + point.closesAfterMs) continue;
      point.eligible += 1;
      if (baseline === null) continue;
      point.withBaseline += 1;
      const total = facts.checkpoints[k] ?? null;
      if (total === null) {
        point.figures.missing.add(d.index);
        continue;
      }
      point.figures.measured.add(d.index);
      point.changes[point.measured] = total - baseline;
      point.totals[point.measured] = total;
      point.measured += 1;
      if (isResponse(baseline, total, settings.outcomes) === true) {
        point.responders += 1;
        point.figures.response.add(d.index);
      }
      if (total < remissionBelow) {
        point.remitters += 1;
        point.figures.remission.add(d.index);
      }
    }
    if (baseline === null) {
      baselineMissing += 1;
      missingBaseline.add(d.index);
      continue;
    }
    baselines.push(baseline);
    if (facts.lastMs === null) {
      notFollowed += 1;
      continue;
    }
    if (facts.respondedMs !== null) {
      timeToEvent.push({ time: tenthsOfDay(facts.respondedMs - d.firstDoseMs), event: true });
      responded.add(d.index);
    } else {
      timeToEvent.push({ time: tenthsOfDay(facts.lastMs - d.firstDoseMs), event: false });
    }
  }

  const checkpoints = settings.checkpoints.map((cp, k): CheckpointReport => {
    const { eligible, withBaseline, measured, responders, remitters, changes, totals } = points[k] as (typeof points)[number];
    const measuredChanges = changes.subarray(0, measured);
    const measuredTotals = totals.subarray(0, measured);
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
      meanChange: mean(measuredChanges),
      medianChange: quantiles(measuredChanges, [0.5])[0] ?? null,
      scores: quartiles(measuredTotals),
      response: wilsonInterval(responders, measured),
      remission: wilsonInterval(remitters, measured),
    };
  });

  // Each drawn line: the baseline score and every score from the first dose on, in days since the first dose.
  const trajectories = trajectoryLines(dosed, instrument, settings).map((d) => {
    const scores = sortedScores(scoresOf(d.facts.patientId, instrument), asOfMs);
    const before = scores.filter((s) => s.ms < d.firstDoseMs);
    const line = [...before.slice(-1), ...scores.filter((s) => s.ms >= d.firstDoseMs)];
    return { patientId: d.facts.patientId, points: line.map((s) => ({ day: tenthsOfDay(s.ms - d.firstDoseMs), total: s.point.total })) };
  });
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
  const [medianMinutes = null, p90Minutes = null] = quantiles(minutes, [0.5, 0.9]);
  return { n: minutes.length, medianMinutes, p90Minutes };
}

function quartiles(values: ArrayLike<number>): ScoreBand {
  const [p25 = null, median = null, p75 = null] = quantiles(values, [0.25, 0.5, 0.75]);
  return { p25, median, p75 };
}

function safetyReport(events: ReportPeriodEvents, activity: PeriodActivity, inPeriod: (ms: number | null) => boolean, behind: Behind): SafetyReport {
  const severityCounts = new Map<AdverseEventSeverity, number>(ADVERSE_EVENT_SEVERITIES.map((s) => [s, 0]));
  const serious: (Omit<ReportAdverseEvent, 'at'> & { at: string; patientId: string })[] = [];
  const alertsByCode = new Map<string, { count: number; unacknowledged: number; minutes: number[] }>();
  let escalations = 0;

  for (const { patientId, ...e } of events.adverseEvents) {
    severityCounts.set(e.severity, (severityCounts.get(e.severity) ?? 0) + 1);
    behind.addId(`safety.adverseEvents.${e.severity}`, patientId);
    if (e.serious) {
      serious.push({ ...e, at: isoText(e.at) ?? '', patientId });
      behind.addId('safety.seriousAdverseEvents', patientId);
    }
  }
  for (const a of events.alerts) {
    const raisedMs = instant(a.raisedAt);
    const entry = alertsByCode.get(a.code) ?? { count: 0, unacknowledged: 0, minutes: [] };
    entry.count += 1;
    behind.addId(`safety.alerts.${a.code}`, a.patientId);
    const ackMs = instant(a.acknowledgedAt);
    if (ackMs === null || raisedMs === null) {
      entry.unacknowledged += 1;
      behind.addId('safety.alerts.unacknowledged', a.patientId);
    } else {
      entry.minutes.push(Math.max(0, ackMs - raisedMs) / MINUTE);
    }
    alertsByCode.set(a.code, entry);
    if (inPeriod(instant(a.escalatedAt))) {
      escalations += 1;
      behind.addId('safety.escalations', a.patientId);
    }
  }

  const allMinutes = [...alertsByCode.values()].flatMap((a) => a.minutes);
  const sessions = activity.sessionsDosed;
  return {
    sessions,
    adverseEvents: ADVERSE_EVENT_SEVERITIES.map((severity) => {
      const count = severityCounts.get(severity) ?? 0;
      return { severity, count, per100Sessions: ratePer(count, sessions, 100) };
    }),
    seriousAdverseEvents: serious.sort((a, b) => (instant(a.at) ?? 0) - (instant(b.at) ?? 0) || a.id.localeCompare(b.id)),
    gateBlocks: {
      evaluations: activity.gateBlocks.evaluations,
      sessions: activity.gateBlocks.sessions,
      byReason: [...activity.gateBlocks.byReason].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
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

function endOf(facts: PatientReportFacts, asOfMs: number): number {
  return facts.endedMs === null ? asOfMs : Math.min(facts.endedMs, asOfMs);
}

function dependenceReport(
  dosed: readonly Dosed[],
  events: ReportPeriodEvents,
  fromMs: number,
  asOfMs: number,
  inPeriod: (ms: number | null) => boolean,
  behind: Behind,
): DependenceReport {
  let observedMs = 0;
  const onsets = new Map<string, { onsets: number; patients: Set<number> }>();
  const highRisk = new Set<number>();

  for (const { facts, firstDoseMs, index } of dosed) {
    const id = index;
    observedMs += overlapMs(firstDoseMs, endOf(facts, asOfMs), fromMs, asOfMs);
    for (const [ms, code] of facts.onsets) {
      if (!inPeriod(ms)) continue;
      const entry = onsets.get(code) ?? { onsets: 0, patients: new Set<number>() };
      entry.onsets += 1;
      entry.patients.add(id);
      onsets.set(code, entry);
      behind.add(`dependence.signals.${code}`, id);
    }
    if (facts.highRiskMs.some((ms) => inPeriod(ms))) {
      highRisk.add(id);
      behind.add('dependence.highRisk', id);
    }
  }
  // Holds: alerts that held dosing raised in the period, of dosed patients, by how they were resolved.
  const dosedIds = new Set(dosed.map((d) => d.facts.patientId));
  const holds = new Map<string, number>();
  let holdCount = 0;
  for (const a of events.alerts) {
    if (!a.holdsDosing || !dosedIds.has(a.patientId)) continue;
    holdCount += 1;
    const outcome = instant(a.resolvedAt) === null ? 'still_held' : (a.resolutionAction ?? 'resolved');
    holds.set(outcome, (holds.get(outcome) ?? 0) + 1);
    behind.addId('dependence.holds', a.patientId);
    behind.addId(`dependence.holds.${outcome}`, a.patientId);
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

function engagementReport(
  dosed: readonly Dosed[],
  activity: PeriodActivity,
  fromMs: number,
  asOfMs: number,
  settings: ProgramReportSettings,
  behind: Behind,
): EngagementReport {
  const retention = settings.retention.map((milestone) => {
    let eligible = 0;
    let retained = 0;
    const retainedFigure = behind.figure(`engagement.retention.${milestone.key}.retained`);
    const lostFigure = behind.figure(`engagement.retention.${milestone.key}.lost`);
    for (const { facts, firstDoseMs, index } of dosed) {
      const milestoneMs = firstDoseMs + milestone.days * DAY;
      if (asOfMs < milestoneMs) continue;
      eligible += 1;
      const kept = facts.lastContactMs !== null && facts.lastContactMs >= milestoneMs - settings.retentionGraceDays * DAY;
      (kept ? retainedFigure : lostFigure).add(index);
      if (kept) retained += 1;
    }
    return { key: milestone.key, label: milestone.label, days: milestone.days, retained: wilsonInterval(retained, eligible) };
  });

  // Weekly slots counted from the first dose; a slot is observed when it lies wholly in the period, before the end.
  let expected = 0;
  let received = 0;
  let patientsObserved = 0;
  const perPatient: number[] = [];
  const slotMs = settings.checkInEveryDays * DAY;
  const belowHalf = behind.figure('engagement.checkIns.belowHalf');
  for (const { facts, firstDoseMs, index } of dosed) {
    const first = Math.max(0, Math.ceil((fromMs - firstDoseMs) / slotMs));
    const end = Math.floor((endOf(facts, asOfMs) - firstDoseMs) / slotMs);
    const slots = end - first;
    if (slots <= 0) continue;
    patientsObserved += 1;
    let filled = 0;
    const upTo = Math.min(end, facts.checkInSlots.length);
    for (let k = first; k < upTo; k++) if (facts.checkInSlots.charCodeAt(k) === 49) filled += 1;
    expected += slots;
    received += filled;
    perPatient.push(filled / slots);
    if (filled / slots < 0.5) belowHalf.add(index);
  }
  const { attended, missed } = activity.integration;
  const scheduled = attended + missed;
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

/** The period's instants as epoch ms and the report's asOf (the earlier of the period's end and now). */
export function reportTimes(period: ReportPeriod, now: Date): { fromMs: number; toMs: number; asOfMs: number } {
  const fromMs = parseInstant(period.from);
  const toMs = parseInstant(period.to);
  if (fromMs === null || toMs === null || toMs < fromMs) throw new RangeError(`programReport: the period ${period.from} to ${period.to} cannot be read`);
  return { fromMs, toMs, asOfMs: Math.min(toMs, now.getTime()) };
}

/**
 * The report from the cohort's facts (in cohort order) and the period's events. Facts taken as of a later time
 * than the report's asOf are read as of asOf only where the figures allow it (a report as of now reads facts taken
 * over the whole record); `programReport` takes them as of asOf. `scoresOf` gives the scores of the patients whose
 * trajectory lines are drawn (`trajectoryPatients`).
 */
export function reportFromFacts(
  cohort: readonly PatientReportFacts[],
  events: ReportPeriodEvents,
  scoresOf: TrajectoryScores,
  period: ReportPeriod,
  now: Date,
  settings: ProgramReportSettings,
): ProgramReport {
  const { fromMs, asOfMs } = reportTimes(period, now);
  const inPeriod = (ms: number | null): boolean => ms !== null && ms >= fromMs && ms <= asOfMs;
  const behind = new Behind(cohort.map((f) => f.patientId));
  const dosed = dosedOf(cohort, asOfMs);
  const isDosed = new Uint8Array(cohort.length);
  for (const d of dosed) isDosed[d.index] = 1;
  const dosedFigure = behind.figure('cohort.dosed');
  const notDosedFigure = behind.figure('cohort.notDosed');
  for (let i = 0; i < cohort.length; i++) (isDosed[i] === 1 ? dosedFigure : notDosedFigure).add(i);
  const activity = periodActivity(cohort, fromMs, asOfMs, behind);

  return {
    asOf: new Date(asOfMs).toISOString(),
    period,
    cohort: { patients: cohort.length, dosed: dosed.length, notDosed: cohort.length - dosed.length },
    severity: {
      phq9: instrumentReport('phq9', dosed, asOfMs, settings, scoresOf, behind),
      gad7: instrumentReport('gad7', dosed, asOfMs, settings, scoresOf, behind),
    },
    safety: safetyReport(events, activity, inPeriod, behind),
    dependence: dependenceReport(dosed, events, fromMs, asOfMs, inPeriod, behind),
    engagement: engagementReport(dosed, activity, fromMs, asOfMs, settings, behind),
    figures: behind.counts(),
    patientsBehind: behind.record(),
  };
}

function dosedOf(cohort: readonly PatientReportFacts[], asOfMs: number): Dosed[] {
  const dosed: Dosed[] = [];
  cohort.forEach((facts, index) => {
    if (facts.firstDoseMs === null || facts.firstDoseMs > asOfMs || facts.instruments === null) return;
    dosed.push({ index, facts, firstDoseMs: facts.firstDoseMs, instruments: facts.instruments });
  });
  return dosed;
}

/** The patients whose trajectory lines the report draws, per instrument, so a caller loads only their scores. */
export function trajectoryPatients(cohort: readonly PatientReportFacts[], asOfMs: number, settings: ProgramReportSettings): Record<OutcomeInstrument, string[]> {
  const dosed = dosedOf(cohort, asOfMs);
  return {
    phq9: trajectoryLines(dosed, 'phq9', settings).map((d) => d.facts.patientId),
    gad7: trajectoryLines(dosed, 'gad7', settings).map((d) => d.facts.patientId),
  };
}

/**
 * The report for `patients` (the cohort the caller selected, every row of theirs) over `period`, as of
 * `min(period.to, now)`. Throws RangeError for an unreadable or reversed period; every other unreadable time in
 * the record is skipped (a score or event that cannot be placed in time cannot be counted at a checkpoint or in a
 * period).
 */
export function programReport(patients: readonly ReportPatient[], period: ReportPeriod, now: Date, settings: ProgramReportSettings): ProgramReport {
  const { fromMs, asOfMs } = reportTimes(period, now);
  const byId = new Map(patients.map((p) => [p.patientId, p]));
  return reportFromFacts(
    patients.map((p) => patientReportFacts(p, asOfMs, settings)),
    reportPeriodEvents(patients, fromMs, asOfMs),
    (patientId, instrument) => byId.get(patientId)?.scores[instrument] ?? [],
    period,
    now,
    settings,
  );
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
    const scores = sortedScores(patient.scores[instrument], asOfMs);
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
