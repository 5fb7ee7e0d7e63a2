// What changed between two versions of a plan, for the plan's history and for the prescriber's sign-off screen.
import { canonicalJson } from './canonical-json.ts';
import type { TreatmentPlanTerms } from './plan-terms.ts';

export interface PlanFieldChange {
  /** Dotted path, e.g. `currentDoseMg`, `vitalsHold.systolicMmHg`, `administration.holdMinutes`. */
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

export type PlanVersionChange =
  | { readonly kind: 'initial'; readonly terms: TreatmentPlanTerms }
  | { readonly kind: 'unchanged' }
  | {
      readonly kind: 'changed';
      readonly changes: readonly PlanFieldChange[];
      /** True when the dose per session changes: only a prescriber may do that (docs/clinical-basis.md §3). */
      readonly doseChanged: boolean;
      /** True when any limit (maximum dose, interval, weekly maximum, fasting, vitals hold, follow-up) changes. */
      readonly limitsChanged: boolean;
    };

const DOSE_FIELDS = new Set(['currentDoseMg', 'startingDoseMg']);
const LIMIT_PREFIXES = ['maximumDoseMg', 'minHoursBetweenSessions', 'maxSessionsPer7Days', 'fastingHours', 'vitalsHold', 'followUp', 'route'];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}

// Objects are walked so a change names the leaf field; arrays (goals) are compared whole, because an edit in the
// middle of a list is clearer to a reader as "goals: before → after" than as shifted indexes.
function diff(prev: unknown, next: unknown, path: string, out: PlanFieldChange[]): void {
  if (isPlainObject(prev) && isPlainObject(next)) {
    const keys = [...new Set([...Object.keys(prev), ...Object.keys(next)])].sort();
    for (const k of keys) diff(prev[k], next[k], path === '' ? k : `${path}.${k}`, out);
    return;
  }
  if (!sameValue(prev, next)) out.push({ field: path, from: prev, to: next });
}

export function planVersionChange(prev: TreatmentPlanTerms | null, next: TreatmentPlanTerms): PlanVersionChange {
  if (prev === null) return { kind: 'initial', terms: next };
  const changes: PlanFieldChange[] = [];
  diff(prev, next, '', changes);
  if (changes.length === 0) return { kind: 'unchanged' };
  return {
    kind: 'changed',
    changes,
    doseChanged: changes.some((c) => DOSE_FIELDS.has(c.field)),
    limitsChanged: changes.some((c) => LIMIT_PREFIXES.some((p) => c.field === p || c.field.startsWith(`${p}.`))),
  };
}
