// A vitals reading outside human range is an input error, not a reading (docs/clinical-basis.md §4.6): the server
// rejects it with 422 naming the field, and the gate never treats it as a measurement.
import type { DosingSettings, FieldError, InclusiveRange } from '../settings/program-settings.ts';

export interface VitalsReading {
  readonly systolicMmHg: number;
  readonly diastolicMmHg: number;
  readonly heartRateBpm: number;
  readonly spo2Pct?: number | null;
}

const LABELS = {
  systolicMmHg: 'Systolic blood pressure (mmHg)',
  diastolicMmHg: 'Diastolic blood pressure (mmHg)',
  heartRateBpm: 'Heart rate (beats per minute)',
  spo2Pct: 'Oxygen saturation (%)',
} as const;

function checkRange(field: keyof typeof LABELS, value: unknown, range: InclusiveRange, errors: FieldError[]): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    errors.push({ field, code: 'NOT_A_NUMBER', message: `${LABELS[field]} must be a number.` });
    return false;
  }
  if (value < range.min || value > range.max) {
    errors.push({
      field,
      code: 'OUTSIDE_HUMAN_RANGE',
      message: `${LABELS[field]} of ${value} is not possible; it must be between ${range.min} and ${range.max}. Please check the reading.`,
    });
    return false;
  }
  return true;
}

export function validateVitalsReading(reading: VitalsReading, settings: DosingSettings): FieldError[] {
  if (typeof reading !== 'object' || reading === null) {
    return [{ field: '', code: 'NOT_AN_OBJECT', message: 'A vitals reading is required.' }];
  }
  const errors: FieldError[] = [];
  const range = settings.vitalsHumanRange;
  const sysOk = checkRange('systolicMmHg', reading.systolicMmHg, range.systolicMmHg, errors);
  const diaOk = checkRange('diastolicMmHg', reading.diastolicMmHg, range.diastolicMmHg, errors);
  checkRange('heartRateBpm', reading.heartRateBpm, range.heartRateBpm, errors);
  if (reading.spo2Pct !== undefined && reading.spo2Pct !== null) checkRange('spo2Pct', reading.spo2Pct, range.spo2Pct, errors);
  // Diastolic at or above systolic is a swapped or mistyped entry, not physiology.
  if (sysOk && diaOk && reading.diastolicMmHg >= reading.systolicMmHg) {
    errors.push({
      field: 'diastolicMmHg',
      code: 'NOT_BELOW_SYSTOLIC',
      message: 'The lower (diastolic) number must be smaller than the upper (systolic) number. Please check the reading.',
    });
  }
  return errors;
}
