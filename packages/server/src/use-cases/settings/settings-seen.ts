import { defaultProgramSettings, type ProgramSettings } from './program-settings.service.ts';

// The program settings each database last gave a hot path (the check-in, the panel), with their version. Those
// paths read the stored version in the same statement as their work and reload on a mismatch, so a stale entry
// costs one extra read, never a decision on old settings. Keyed by the database handle: a process (or a test run)
// may hold several databases.
const seen = new WeakMap<object, { version: number; settings: ProgramSettings }>();

/** What this process last saw for `database`; version -1 (never matches) before the first read. */
export const settingsSeen = (database: object): { version: number; settings: ProgramSettings } =>
  seen.get(database) ?? { version: -1, settings: defaultProgramSettings };

export function rememberSettings(database: object, version: number, settings: ProgramSettings): void {
  seen.set(database, { version, settings });
}
