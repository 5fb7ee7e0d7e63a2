import {
  defaultDosingSettings,
  defaultInstrumentSettings,
  defaultMonitoringSettings,
  defaultScreeningSettings,
  validateDosingSettings,
  validateInstrumentSettings,
  validateMonitoringSettings,
  type DosingSettings,
  type InstrumentSettings,
  type MonitoringSettings,
  type ScreeningSettings,
} from '@keel/domain';
import type { Db } from '../../db/transaction.ts';

/**
 * The clinic's program settings: every clinical number Keel uses, with docs/clinical-basis.md's values as
 * defaults. Stored as one versioned JSON document (`program_settings`, id 1); sections not stored fall back to the
 * defaults, so a new setting never leaves a rule without a value.
 */
export interface ProgramSettings {
  dosing: DosingSettings;
  screening: ScreeningSettings;
  monitoring: MonitoringSettings;
  instruments: InstrumentSettings;
}

export const defaultProgramSettings: ProgramSettings = {
  dosing: defaultDosingSettings,
  screening: defaultScreeningSettings,
  monitoring: defaultMonitoringSettings,
  instruments: defaultInstrumentSettings,
};

type Section = keyof ProgramSettings;
const sections: readonly Section[] = ['dosing', 'screening', 'monitoring', 'instruments'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep-merges stored values over defaults; arrays and scalars replace, objects merge. */
export function mergeOverDefaults<T>(defaults: T, stored: unknown): T {
  if (!isRecord(defaults) || !isRecord(stored)) return (stored === undefined ? defaults : (stored as T));
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(stored)) {
    if (!(key in defaults)) continue;
    out[key] = mergeOverDefaults((defaults as Record<string, unknown>)[key], value);
  }
  return out as T;
}

export interface StoredProgramSettings {
  version: number;
  settings: ProgramSettings;
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** The effective settings from the stored document (or none): every section merged over its defaults. */
export function settingsFromStored(stored: Record<string, unknown> | null | undefined): ProgramSettings {
  if (!stored) return defaultProgramSettings;
  return Object.fromEntries(sections.map((s) => [s, mergeOverDefaults(defaultProgramSettings[s], stored[s])])) as unknown as ProgramSettings;
}

export async function loadStoredProgramSettings(db: Db): Promise<StoredProgramSettings> {
  const row = await db.selectFrom('program_settings').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!row) return { version: 0, settings: defaultProgramSettings, updatedAt: null, updatedBy: null };
  return { version: row.version, settings: settingsFromStored(row.settings), updatedAt: new Date(row.updated_at), updatedBy: row.updated_by };
}

/** The settings every rule reads, loaded inside the caller's transaction so a decision sees one version. */
export async function loadProgramSettings(db: Db): Promise<ProgramSettings> {
  return (await loadStoredProgramSettings(db)).settings;
}

/** Field errors in a settings document; the dosing section carries the program's outer limits. */
export function programSettingsErrors(settings: ProgramSettings): { field: string; message: string }[] {
  return [
    ...validateDosingSettings(settings.dosing).map((e) => ({ field: `dosing.${e.field}`, message: e.message })),
    ...validateMonitoringSettings(settings.monitoring).map((e) => ({ field: `monitoring.${e.field}`, message: e.message })),
    ...validateInstrumentSettings(settings.instruments).map((e) => ({ field: `instruments.${e.field}`, message: e.message })),
  ];
}
