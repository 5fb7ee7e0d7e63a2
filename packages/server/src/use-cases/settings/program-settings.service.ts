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
import { StoredDocumentInvalid } from '../../db/stored-document.ts';
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

/**
 * Paths where a stored value's JSON type differs from its default's: a number stored as text, a section stored as a
 * list, a list of numbers holding a string. Keys the defaults do not know are ignored (mergeOverDefaults drops them).
 */
export function shapeMismatches(defaults: unknown, stored: unknown, at = ''): string[] {
  if (stored === undefined || defaults === null || defaults === undefined) return [];
  const here = at || '(root)';
  if (isRecord(defaults)) {
    if (!isRecord(stored)) return [here];
    return Object.keys(defaults).flatMap((key) => shapeMismatches(defaults[key], stored[key], at ? `${at}.${key}` : key));
  }
  if (Array.isArray(defaults)) {
    if (!Array.isArray(stored)) return [here];
    const sample: unknown = defaults[0];
    return sample === undefined ? [] : stored.flatMap((item, i) => shapeMismatches(sample, item, `${here}.${i}`));
  }
  if (typeof defaults === 'number') return typeof stored === 'number' && Number.isFinite(stored) ? [] : [here];
  return typeof stored === typeof defaults ? [] : [here];
}

/**
 * Merges a stored section over its defaults after checking every stored value has its default's type; a value of
 * the wrong type is a corrupted document (StoredDocumentInvalid: a logged 500), never a rule comparing a dose with
 * a string.
 */
export function storedSectionOverDefaults<T>(defaults: T, stored: unknown, section: string): T {
  const paths = shapeMismatches(defaults, stored).map((p) => (p === '(root)' ? section : `${section}.${p}`));
  if (paths.length > 0) throw new StoredDocumentInvalid('program_settings', 'settings', '1', paths.slice(0, 5));
  return mergeOverDefaults(defaults, stored);
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
  if (!isRecord(stored)) throw new StoredDocumentInvalid('program_settings', 'settings', '1', []);
  return {
    dosing: storedSectionOverDefaults(defaultProgramSettings.dosing, stored['dosing'], 'dosing'),
    screening: storedSectionOverDefaults(defaultProgramSettings.screening, stored['screening'], 'screening'),
    monitoring: storedSectionOverDefaults(defaultProgramSettings.monitoring, stored['monitoring'], 'monitoring'),
    instruments: storedSectionOverDefaults(defaultProgramSettings.instruments, stored['instruments'], 'instruments'),
  };
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
