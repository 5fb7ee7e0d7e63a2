export {
  CLINICAL_BOUNDS,
  ROUTES,
  REGULATORY_LIMITS,
  defaultDosingSettings,
  validateDosingSettings,
} from './program-settings.ts';
export type {
  ComplianceSettings,
  DosingSettings,
  PdmpWindowSettings,
  FieldError,
  FollowUpCadence,
  InclusiveRange,
  RefillSettings,
  RetentionSettings,
  Route,
  VitalsHumanRange,
  VitalsThresholds,
} from './program-settings.ts';
export {
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  daysToMs,
  hoursToMs,
  instantOf,
  minutesToMs,
  parseInstant,
  toIso,
} from './time-units.ts';
export { changeDirection, changesAreTightening, diffSettings } from './settings-change.ts';
export type { ChangeDirection, SettingChange } from './settings-change.ts';
export { validateInstrumentSettings, validateMonitoringSettings } from './clinical-settings-validation.ts';
export { addDays, daysBetween, endOfLocalDate, isIsoDate, isValidTimeZone, wallClock, zonedTimeToUtc } from './zoned-time.ts';
export type { WallClock } from './zoned-time.ts';
