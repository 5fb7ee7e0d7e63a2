// Measurement-based care read-outs for PHQ-9 and GAD-7 (docs/clinical-basis.md §1, "Outcomes"): per patient and
// for the program. Rates are fractions (0–1) with their n, so a screen can show "62% (n = 40)" and never a
// percentage of nobody.

import { daysToMs, instantMs } from '../settings/time-units.ts';
import type { OutcomeSettings } from './monitoring-settings.ts';
import type { OutcomeInstrument } from './monitoring-types.ts';
import { byTime, parseInstant } from './time-window.ts';

export interface ScorePoint {
  readonly id: string;
  readonly at: string;
  readonly total: number;
}

/**
 * - `pre_dose`: the last score before the first dose (the clinical basis's definition).
 * - `provisional`: no dose yet, so the latest score stands in; it becomes `pre_dose` once dosing starts, and no
 *   response or remission is claimed against it.
 * - `missing`: dosing started but no score was taken before it; change and response cannot be computed.
 */
export type Baseline =
  | { readonly kind: 'pre_dose'; readonly score: ScorePoint }
  | { readonly kind: 'provisional'; readonly score: ScorePoint }
  | { readonly kind: 'missing' };

export type Trajectory = 'improving' | 'stable' | 'worsening' | 'insufficient_data';
export type MeaningfulChange = 'improvement' | 'deterioration' | 'none';

export interface InstrumentOutcomeSummary {
  readonly instrument: OutcomeInstrument;
  /** Every score, oldest first. */
  readonly series: readonly ScorePoint[];
  readonly baseline: Baseline;
  readonly latest: ScorePoint | null;
  /** The latest score after the first dose, the one response and remission are read from. */
  readonly latestOnTreatment: ScorePoint | null;
  /** latestOnTreatment − baseline (negative = fewer symptoms); null when either is missing. */
  readonly change: number | null;
  /** change as a percentage of baseline; null when baseline is 0 or change is null. */
  readonly changePct: number | null;
  readonly response: boolean | null;
  readonly remission: boolean | null;
  /** null when the instrument has no configured meaningful-change threshold or change is null. */
  readonly meaningfulChange: MeaningfulChange | null;
  readonly trajectory: Trajectory;
}

export interface InstrumentOutcomeInput {
  readonly instrument: OutcomeInstrument;
  readonly scores: readonly ScorePoint[];
  /** The first dosing session's time; undefined while the patient has not dosed. */
  readonly firstDoseAt?: string | undefined;
}

/** Response: the fall from baseline is at least the configured share. Integer-safe, so exactly 50% responds. */
export function isResponse(baseline: number, latest: number, settings: Pick<OutcomeSettings, 'responseMinReductionPct'>): boolean | null {
  if (baseline <= 0) return null;
  return (baseline - latest) * 100 >= settings.responseMinReductionPct * baseline;
}

/**
 * Direction over the last N scores (default 3): the net change from the first to the last of them. At least the
 * configured number of points down is `improving`, up is `worsening`, anything between is `stable`; fewer than
 * N scores is `insufficient_data`. The net change of the window is also the least-squares slope over equally
 * spaced scores times (N − 1) for N = 3, so this is the slope rule in its simplest honest form, and one odd
 * middle score neither makes nor breaks a trend.
 */
export function trajectoryOf(
  series: readonly ScorePoint[],
  instrument: OutcomeInstrument,
  settings: OutcomeSettings,
): Trajectory {
  const n = settings.trajectory.scores;
  if (n < 2 || series.length < n) return 'insufficient_data';
  const window = series.slice(-n);
  const first = window[0];
  const last = window[window.length - 1];
  if (!first || !last) return 'insufficient_data';
  const net = last.total - first.total;
  const min = settings.trajectory.minNetChangePoints[instrument];
  if (net <= -min) return 'improving';
  if (net >= min) return 'worsening';
  return 'stable';
}

export function instrumentOutcome(input: InstrumentOutcomeInput, settings: OutcomeSettings): InstrumentOutcomeSummary {
  const series = [...input.scores].sort(byTime((s) => s.at));
  const latest = series[series.length - 1] ?? null;
  const firstDoseMs = parseInstant(input.firstDoseAt);

  let baseline: Baseline;
  let onTreatment: ScorePoint[];
  if (input.firstDoseAt === undefined) {
    baseline = latest ? { kind: 'provisional', score: latest } : { kind: 'missing' };
    onTreatment = [];
  } else {
    // An unreadable first-dose time is treated as "dosing started before any score": no baseline is claimed.
    const dose = firstDoseMs ?? -Infinity;
    const before = series.filter((s) => (parseInstant(s.at) ?? Infinity) < dose);
    const last = before[before.length - 1];
    baseline = last ? { kind: 'pre_dose', score: last } : { kind: 'missing' };
    onTreatment = series.filter((s) => (parseInstant(s.at) ?? -Infinity) >= dose);
  }

  const latestOnTreatment = onTreatment[onTreatment.length - 1] ?? null;
  const base = baseline.kind === 'pre_dose' ? baseline.score.total : null;
  const change = base !== null && latestOnTreatment ? latestOnTreatment.total - base : null;
  const changePct = change !== null && base !== null && base > 0 ? (change / base) * 100 : null;
  const response = base !== null && latestOnTreatment ? isResponse(base, latestOnTreatment.total, settings) : null;
  const remission = latestOnTreatment ? latestOnTreatment.total < settings.remissionBelow[input.instrument] : null;
  const threshold = settings.meaningfulChangePoints[input.instrument];
  const meaningfulChange: MeaningfulChange | null =
    threshold === null || change === null
      ? null
      : change <= -threshold
        ? 'improvement'
        : change >= threshold
          ? 'deterioration'
          : 'none';

  return {
    instrument: input.instrument,
    series,
    baseline,
    latest,
    latestOnTreatment,
    change,
    changePct,
    response,
    remission,
    meaningfulChange,
    trajectory: trajectoryOf(series, input.instrument, settings),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Program level

export interface ProgramPatient {
  readonly patientId: string;
  readonly firstDoseAt?: string | undefined;
  readonly scores: Readonly<Partial<Record<OutcomeInstrument, readonly ScorePoint[]>>>;
}

export interface CheckpointOutcome {
  readonly weeksAfterFirstDose: number;
  /** Dosed patients whose checkpoint window has closed by `now`. */
  readonly eligible: number;
  /** Of those, patients without a pre-dose baseline (left out of the rates). */
  readonly noBaseline: number;
  /** Of those with a baseline, patients with no score in the window (left out of the rates). */
  readonly noScoreInWindow: number;
  /** The denominator: baseline and a score in the window. */
  readonly measured: number;
  readonly responders: number;
  readonly remitters: number;
  readonly responseRate: number | null;
  readonly remissionRate: number | null;
}

export interface CohortOutcomes {
  /** Month of the first dose, `YYYY-MM` in UTC; `all` for the whole program. */
  readonly cohort: string;
  /** Patients whose first dose falls in the cohort. */
  readonly n: number;
  readonly instruments: Readonly<Record<OutcomeInstrument, readonly CheckpointOutcome[]>>;
}

export interface ProgramOutcomes {
  readonly asOf: string;
  readonly cohorts: readonly CohortOutcomes[];
  readonly overall: CohortOutcomes;
  /** Patients with no (readable) first dose: not yet in any cohort. */
  readonly notDosed: number;
}

/** Score nearest the target within ± window; ties go to the later score (more treatment behind it). */
export function nearestInWindow<P extends { readonly at: string | number }>(series: readonly P[], targetMs: number, windowMs: number): P | null {
  let best: { point: P; distance: number; ms: number } | null = null;
  for (const point of series) {
    const ms = instantMs(point.at);
    if (ms === null) continue;
    const distance = Math.abs(ms - targetMs);
    if (distance > windowMs) continue;
    if (!best || distance < best.distance || (distance === best.distance && ms > best.ms)) {
      best = { point, distance, ms };
    }
  }
  return best?.point ?? null;
}

interface Dosed {
  readonly patient: ProgramPatient;
  readonly firstDoseMs: number;
  readonly cohort: string;
}

function checkpoint(
  dosed: readonly Dosed[],
  instrument: OutcomeInstrument,
  weeks: number,
  nowMs: number,
  settings: OutcomeSettings,
): CheckpointOutcome {
  const windowMs = daysToMs(settings.checkpointWindowDays);
  let eligible = 0;
  let noBaseline = 0;
  let noScoreInWindow = 0;
  let responders = 0;
  let remitters = 0;
  for (const { patient, firstDoseMs } of dosed) {
    const targetMs = firstDoseMs + daysToMs(weeks * 7);
    // Counted only once the window has closed, so a published rate does not move as late scores arrive.
    if (nowMs < targetMs + windowMs) continue;
    eligible += 1;
    const outcome = instrumentOutcome(
      { instrument, scores: patient.scores[instrument] ?? [], firstDoseAt: new Date(firstDoseMs).toISOString() },
      settings,
    );
    if (outcome.baseline.kind !== 'pre_dose') {
      noBaseline += 1;
      continue;
    }
    const base = outcome.baseline.score.total;
    const onTreatment = outcome.series.filter((s) => (parseInstant(s.at) ?? -Infinity) >= firstDoseMs);
    const point = nearestInWindow(onTreatment, targetMs, windowMs);
    if (!point) {
      noScoreInWindow += 1;
      continue;
    }
    if (isResponse(base, point.total, settings) === true) responders += 1;
    if (point.total < settings.remissionBelow[instrument]) remitters += 1;
  }
  const measured = eligible - noBaseline - noScoreInWindow;
  return {
    weeksAfterFirstDose: weeks,
    eligible,
    noBaseline,
    noScoreInWindow,
    measured,
    responders,
    remitters,
    responseRate: measured > 0 ? responders / measured : null,
    remissionRate: measured > 0 ? remitters / measured : null,
  };
}

function cohortOutcomes(cohort: string, dosed: readonly Dosed[], nowMs: number, settings: OutcomeSettings): CohortOutcomes {
  const at = (instrument: OutcomeInstrument): CheckpointOutcome[] =>
    settings.checkpointWeeks.map((w) => checkpoint(dosed, instrument, w, nowMs, settings));
  return { cohort, n: dosed.length, instruments: { phq9: at('phq9'), gad7: at('gad7') } };
}

/**
 * Response and remission at each checkpoint (default 4 and 8 weeks after the first dose), by cohort month of the
 * first dose and overall. For each patient the score nearest the checkpoint within ± the window is read against
 * the pre-dose baseline. A patient counts toward a checkpoint only after its window has closed; patients
 * without a baseline or without a score in the window are counted separately, never as non-responders.
 */
export function programOutcomes(
  patients: readonly ProgramPatient[],
  now: Date,
  settings: OutcomeSettings,
): ProgramOutcomes {
  const nowMs = now.getTime();
  const dosed: Dosed[] = [];
  let notDosed = 0;
  for (const patient of patients) {
    const firstDoseMs = parseInstant(patient.firstDoseAt);
    if (firstDoseMs === null || firstDoseMs > nowMs) {
      notDosed += 1;
      continue;
    }
    dosed.push({ patient, firstDoseMs, cohort: new Date(firstDoseMs).toISOString().slice(0, 7) });
  }
  const byCohort = new Map<string, Dosed[]>();
  for (const d of dosed) byCohort.set(d.cohort, [...(byCohort.get(d.cohort) ?? []), d]);
  const cohorts = [...byCohort.keys()]
    .sort()
    .map((cohort) => cohortOutcomes(cohort, byCohort.get(cohort) ?? [], nowMs, settings));
  return {
    asOf: now.toISOString(),
    cohorts,
    overall: cohortOutcomes('all', dosed, nowMs, settings),
    notDosed,
  };
}
