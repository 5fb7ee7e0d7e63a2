// Which program-settings changes an administrator may make alone, and which need a prescriber's co-signature.
//
// A change that makes a clinical limit stricter (a longer interval, a lower dose ceiling, a hold that now holds)
// takes effect at once. A change that loosens one — or one this table cannot classify — is only a proposal until a
// prescriber signs it: two people, one of them clinically accountable (docs/safety/SETTINGS_CHANGE_COSIGNED.md).
// Unknown means loosening: a new setting is guarded until someone writes down which way is safer.

export type ChangeDirection = 'tightens' | 'loosens' | 'unclassified';

export interface SettingChange {
  /** Dotted path in the settings document, e.g. `dosing.maxDoseMgByRoute.sublingual`. */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly direction: ChangeDirection;
}

/**
 * Which way a value is looser: a higher number, a lower number, `false` (a hold that stops holding), a milder
 * severity, or a severity threshold set higher (`null` = never, the highest of all).
 */
type Looser = 'higher' | 'lower' | 'false' | 'milder' | 'higherThreshold' | 'laterDate';

const SEVERITY_ORDER = ['low', 'moderate', 'high', 'critical'] as const;

/** Patterns over dotted paths; `*` matches one segment. The first matching pattern decides. */
const LOOSER_WHEN: readonly (readonly [string, Looser])[] = [
  ['dosing.minHoursBetweenSessions', 'lower'],
  ['dosing.maxSessionsPer7Days', 'higher'],
  ['dosing.rollingWindowDays', 'lower'],
  ['dosing.fastingHours', 'lower'],
  ['dosing.vitalsHold.*', 'higher'],
  // The plausible range is neither stricter nor looser when moved: either way it changes which readings count, so
  // any change is a prescriber's (left out of this table on purpose: unclassified).
  ['dosing.sitterAttestationFreshnessMinutes', 'higher'],
  ['dosing.vitalsFreshnessMinutes', 'higher'],
  ['dosing.checklistFreshnessMinutes', 'higher'],
  ['dosing.maxDaysWithoutClinicianVisit', 'higher'],
  ['dosing.followUp.afterFirstSession', 'false'],
  ['dosing.followUp.everySessions', 'higher'],
  ['dosing.maxDoseMgByRoute.*', 'higher'],
  ['dosing.refill.maxRefills', 'higher'],
  ['dosing.refill.windowMonths', 'higher'],
  ['dosing.refill.leadDays', 'higher'],
  ['dosing.retention.*', 'lower'],
  ['dosing.authorizationValidMinutes', 'higher'],
  ['dosing.minObservationMinutes', 'lower'],
  // A later end of the telemedicine flexibilities lets more prescribing through without an in-person evaluation.
  ['dosing.compliance.telemedicineFlexibilityUntil', 'laterDate'],
  ['dosing.compliance.pdmp.*', 'higher'],
  ['monitoring.alerts.escalateAfterMinutes.*', 'higher'],
  ['monitoring.alerts.*.holdsDosing', 'false'],
  ['monitoring.alerts.cssrs.*.holdsDosing', 'false'],
  ['monitoring.alerts.*.severity', 'milder'],
  ['monitoring.alerts.cssrs.*.severity', 'milder'],
  ['monitoring.alerts.sessionVitals.maxSystolicMmHg', 'higher'],
  ['monitoring.alerts.sessionVitals.maxDiastolicMmHg', 'higher'],
  ['monitoring.alerts.sessionVitals.maxHeartRateBpm', 'higher'],
  ['monitoring.alerts.sitterChecks.intervalMinutes', 'higher'],
  ['monitoring.alerts.sitterChecks.graceMinutes', 'higher'],
  ['monitoring.alerts.warningSigns.*.alertAtOrAbove', 'higherThreshold'],
  ['monitoring.alerts.warningSigns.*.holdsDosingAtOrAbove', 'higherThreshold'],
  ['monitoring.warningSigns.lookbackDays', 'lower'],
  ['monitoring.cadence.recurring.*.everyDays', 'higher'],
  ['monitoring.cadence.recurring.*.overdueAfterDays', 'higher'],
  ['instruments.phq9Item9FlagAbove', 'higher'],
  ['instruments.cravingHighAtOrAbove', 'higher'],
  ['instruments.gad7EvaluateAtOrAbove', 'higher'],
  ['instruments.dast10PositiveAtOrAbove', 'higher'],
  ['instruments.auditCPositiveAtOrAbove.*', 'higher'],
];

function matches(pattern: string, path: string): boolean {
  const p = pattern.split('.');
  const s = path.split('.');
  return p.length === s.length && p.every((seg, i) => seg === '*' || seg === s[i]);
}

function severityRank(v: unknown, nullRank: number | null): number | null {
  if (v === null) return nullRank;
  const i = (SEVERITY_ORDER as readonly unknown[]).indexOf(v);
  return i < 0 ? null : i;
}

/** How one leaf change moves its limit. */
export function changeDirection(path: string, before: unknown, after: unknown): ChangeDirection {
  const rule = LOOSER_WHEN.find(([pattern]) => matches(pattern, path))?.[1];
  if (rule === undefined) return 'unclassified';
  switch (rule) {
    case 'higher':
    case 'lower': {
      if (typeof before !== 'number' || typeof after !== 'number' || !Number.isFinite(before) || !Number.isFinite(after)) return 'unclassified';
      const looser = rule === 'higher' ? after > before : after < before;
      return looser ? 'loosens' : 'tightens';
    }
    case 'false':
      if (typeof before !== 'boolean' || typeof after !== 'boolean') return 'unclassified';
      return after ? 'tightens' : 'loosens';
    case 'milder': {
      const b = severityRank(before, null);
      const a = severityRank(after, null);
      if (a === null || b === null) return 'unclassified';
      return a < b ? 'loosens' : 'tightens';
    }
    case 'laterDate': {
      const iso = /^\d{4}-\d{2}-\d{2}$/;
      if (typeof before !== 'string' || typeof after !== 'string' || !iso.test(before) || !iso.test(after)) return 'unclassified';
      return after > before ? 'loosens' : 'tightens';
    }
    case 'higherThreshold': {
      const b = severityRank(before, SEVERITY_ORDER.length);
      const a = severityRank(after, SEVERITY_ORDER.length);
      if (a === null || b === null) return 'unclassified';
      return a > b ? 'loosens' : 'tightens';
    }
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every leaf that differs between two settings documents (arrays compare as a whole), with its direction. */
export function diffSettings(before: unknown, after: unknown, prefix = ''): SettingChange[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffSettings(before[k], after[k], prefix === '' ? k : `${prefix}.${k}`));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: prefix, before: before ?? null, after: after ?? null, direction: changeDirection(prefix, before, after) }];
}

/** True when a set of changes may take effect on an administrator's word alone (every one makes a limit stricter). */
export function changesAreTightening(changes: readonly SettingChange[]): boolean {
  return changes.every((c) => c.direction === 'tightens');
}
