import type { HoldLimits } from '../../api/board-api.ts';

/** A set of readings; any may be missing. */
export interface Readings {
  systolic: number | null;
  diastolic: number | null;
  heartRate: number | null;
  spo2: number | null;
}

export interface VitalReading {
  key: 'bloodPressure' | 'heartRate' | 'spo2';
  label: string;
  /** "172/104 mmHg", "—" when not taken. */
  value: string;
  /** The limit in words: "hold above 160/100", "hold below 92 %". */
  limit: string;
  /** The words shown beside an out-of-limit reading ("above the hold limit"); null when within. */
  overLimit: string | null;
}

/**
 * The latest vital signs beside the program's hold limits, each marked in words when beyond them: blood pressure
 * and heart rate above their maximum, oxygen saturation below its minimum.
 */
export function vitalReadings(v: Readings, limits: HoldLimits): VitalReading[] {
  const sysOver = v.systolic !== null && v.systolic > limits.systolicMax;
  const diaOver = v.diastolic !== null && v.diastolic > limits.diastolicMax;
  const bp = v.systolic === null && v.diastolic === null ? '—' : `${v.systolic ?? '—'}/${v.diastolic ?? '—'} mmHg`;
  const bpWhich = sysOver && diaOver ? 'systolic and diastolic' : sysOver ? 'systolic' : 'diastolic';
  return [
    {
      key: 'bloodPressure',
      label: 'Blood pressure',
      value: bp,
      limit: `hold above ${limits.systolicMax}/${limits.diastolicMax}`,
      overLimit: sysOver || diaOver ? `${bpWhich} above the hold limit` : null,
    },
    {
      key: 'heartRate',
      label: 'Heart rate',
      value: v.heartRate === null ? '—' : `${v.heartRate} bpm`,
      limit: `hold above ${limits.heartRateMax}`,
      overLimit: v.heartRate !== null && v.heartRate > limits.heartRateMax ? 'above the hold limit' : null,
    },
    {
      key: 'spo2',
      label: 'Oxygen saturation',
      value: v.spo2 === null ? '—' : `${v.spo2} %`,
      limit: limits.spo2Min === null ? 'no hold limit' : `hold below ${limits.spo2Min} %`,
      overLimit: v.spo2 !== null && limits.spo2Min !== null && v.spo2 < limits.spo2Min ? 'below the hold limit' : null,
    },
  ];
}
