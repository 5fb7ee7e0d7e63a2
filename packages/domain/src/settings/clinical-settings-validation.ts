// Validation of the monitoring and instrument settings: every number a safety rule reads must be a number a rule can
// work with, and the ones that decide whether a warning sign or an emergency reaches a clinician have hard bounds
// (docs/safety/SETTINGS_BOUNDS.md). Without them, one administrator could switch an alert off with an "extreme"
// value that reads as stricter (a negative escalation delay, a lookback of a billion days, a zero check interval).
import type { InstrumentSettings } from '../instruments/instrument-settings.ts';
import type { MonitoringSettings } from '../monitoring/monitoring-settings.ts';
import type { FieldError } from './program-settings.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Every numeric leaf must be a finite number ≥ 0: no rule reads a negative count, delay or threshold. */
function numericLeaves(value: unknown, path: string, errors: FieldError[]): void {
  if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) numericLeaves(v, path === '' ? k : `${path}.${k}`, errors);
    return;
  }
  if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) {
    errors.push({ field: path, code: 'NOT_A_COUNT', message: `${path} must be a number, zero or more.` });
  }
}

function within(errors: FieldError[], field: string, v: unknown, min: number, max: number, why: string): void {
  if (!isFiniteNumber(v) || v < min || v > max) {
    errors.push({ field, code: 'OUTSIDE_CLINICAL_BOUNDS', message: `${field} must be between ${min} and ${max}: ${why}.` });
  }
}

/**
 * Hard bounds on the monitoring settings that decide whether a sign reaches a clinician in time:
 * escalation of critical and high alerts within an hour (moderate and low within a day); the sitter's checks at
 * least every 15 minutes with at most 10 minutes' grace; warning signs read over 30 to 365 days; session vitals
 * alerts at or below the hold ceilings of the dosing settings (180/110 mmHg, 120/min).
 */
export function validateMonitoringSettings(settings: MonitoringSettings): FieldError[] {
  const errors: FieldError[] = [];
  if (!isRecord(settings)) return [{ field: '', code: 'NOT_AN_OBJECT', message: 'Monitoring settings must be an object.' }];
  numericLeaves(settings, '', errors);
  const s = settings as unknown as Record<string, Record<string, unknown>>;
  const alerts = isRecord(s.alerts) ? s.alerts : {};
  const escalate = isRecord(alerts.escalateAfterMinutes) ? alerts.escalateAfterMinutes : {};
  for (const severity of ['critical', 'high'] as const) within(errors, `alerts.escalateAfterMinutes.${severity}`, escalate[severity], 1, 60, 'an unacknowledged urgent alert goes to a backup within the hour');
  for (const severity of ['moderate', 'low'] as const) within(errors, `alerts.escalateAfterMinutes.${severity}`, escalate[severity], 1, 1440, 'every alert is escalated within a day');
  const checks = isRecord(alerts.sitterChecks) ? alerts.sitterChecks : {};
  within(errors, 'alerts.sitterChecks.intervalMinutes', checks.intervalMinutes, 5, 15, 'the sitter checks at least every 15 minutes');
  within(errors, 'alerts.sitterChecks.graceMinutes', checks.graceMinutes, 0, 10, 'a missed check is noticed within 10 minutes');
  const vitals = isRecord(alerts.sessionVitals) ? alerts.sessionVitals : {};
  within(errors, 'alerts.sessionVitals.maxSystolicMmHg', vitals.maxSystolicMmHg, 100, 180, 'grade 3 hypertension starts at 180 mmHg');
  within(errors, 'alerts.sessionVitals.maxDiastolicMmHg', vitals.maxDiastolicMmHg, 60, 110, 'grade 3 hypertension starts at 110 mmHg');
  within(errors, 'alerts.sessionVitals.maxHeartRateBpm', vitals.maxHeartRateBpm, 60, 120, 'a resting rate above 120/min is marked tachycardia');
  for (const [name, rule] of Object.entries(alerts)) {
    if (isRecord(rule) && 'holdsDosing' in rule && typeof rule.holdsDosing !== 'boolean') {
      errors.push({ field: `alerts.${name}.holdsDosing`, code: 'NOT_A_BOOLEAN', message: `alerts.${name}.holdsDosing must be true or false.` });
    }
  }
  const signs = isRecord(s.warningSigns) ? s.warningSigns : {};
  within(errors, 'warningSigns.lookbackDays', signs.lookbackDays, 30, 365, 'warning signs are read over one month to one year');
  // A run of rising craving scores: a whole number of scores, at least two (one score does not rise) and at most 11
  // (scores run from 0 to 10, so no longer strictly rising run exists and the sign could never be raised).
  const craving = isRecord(signs.craving) ? signs.craving : {};
  within(errors, 'warningSigns.craving.risingCheckIns', craving.risingCheckIns, 2, 11, 'a rise is read over 2 to 11 consecutive craving scores, which run from 0 to 10');
  if (isFiniteNumber(craving.risingCheckIns) && !Number.isInteger(craving.risingCheckIns)) {
    errors.push({ field: 'warningSigns.craving.risingCheckIns', code: 'NOT_A_WHOLE_NUMBER', message: 'warningSigns.craving.risingCheckIns must be a whole number of craving scores.' });
  }
  const cadence = isRecord(s.cadence) && isRecord(s.cadence.recurring) ? s.cadence.recurring : {};
  for (const [code, c] of Object.entries(cadence)) {
    if (isRecord(c)) within(errors, `cadence.recurring.${code}.everyDays`, c.everyDays, 1, 180, 'every questionnaire recurs at least twice a year');
  }
  return errors;
}

/**
 * Hard bounds on the instrument thresholds that are safety rules: PHQ-9 item 9 above 0 is a safety flag whatever
 * the total (it is never switched off), and the craving, GAD-7, DAST-10 and AUDIT-C thresholds can only be set at or
 * below the published cut-offs (more sensitive), never above.
 */
export function validateInstrumentSettings(settings: InstrumentSettings): FieldError[] {
  const errors: FieldError[] = [];
  if (!isRecord(settings)) return [{ field: '', code: 'NOT_AN_OBJECT', message: 'Instrument settings must be an object.' }];
  numericLeaves(settings, '', errors);
  within(errors, 'phq9Item9FlagAbove', settings.phq9Item9FlagAbove, 0, 0, 'any answer above "not at all" to item 9 is a safety flag');
  within(errors, 'cravingHighAtOrAbove', settings.cravingHighAtOrAbove, 1, 6, 'a craving of 6 or more is a warning sign');
  within(errors, 'gad7EvaluateAtOrAbove', settings.gad7EvaluateAtOrAbove, 1, 10, 'a GAD-7 of 10 or more warrants evaluation');
  within(errors, 'dast10PositiveAtOrAbove', settings.dast10PositiveAtOrAbove, 1, 3, 'a DAST-10 of 3 or more is a positive screen');
  const auditC: Record<string, unknown> = isRecord(settings.auditCPositiveAtOrAbove) ? settings.auditCPositiveAtOrAbove : {};
  within(errors, 'auditCPositiveAtOrAbove.male', auditC['male'], 1, 4, 'the published AUDIT-C cut-off for men is 4');
  within(errors, 'auditCPositiveAtOrAbove.female', auditC['female'], 1, 3, 'the published AUDIT-C cut-off for women is 3');
  return errors;
}
