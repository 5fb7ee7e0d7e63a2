import { describe, expect, it } from 'vitest';
import { changeDirection, changesAreTightening, diffSettings } from './settings-change.ts';

describe('changeDirection', () => {
  const table: [string, unknown, unknown, string][] = [
    ['dosing.maxDoseMgByRoute.sublingual', 450, 600, 'loosens'],
    ['dosing.maxDoseMgByRoute.sublingual', 450, 300, 'tightens'],
    ['dosing.minHoursBetweenSessions', 72, 48, 'loosens'],
    ['dosing.minHoursBetweenSessions', 72, 96, 'tightens'],
    ['dosing.maxSessionsPer7Days', 2, 3, 'loosens'],
    ['dosing.fastingHours', 4, 3, 'loosens'],
    ['dosing.vitalsHold.systolicMmHg', 160, 170, 'loosens'],
    ['dosing.vitalsHold.heartRateBpm', 110, 100, 'tightens'],
    ['dosing.followUp.afterFirstSession', true, false, 'loosens'],
    ['dosing.followUp.afterFirstSession', false, true, 'tightens'],
    ['dosing.authorizationValidMinutes', 30, 45, 'loosens'],
    ['dosing.minObservationMinutes', 60, 50, 'loosens'],
    ['dosing.minObservationMinutes', 60, 90, 'tightens'],
    ['dosing.retention.auditYears', 6, 7, 'tightens'],
    ['monitoring.alerts.sessionEmergency.holdsDosing', true, false, 'loosens'],
    ['monitoring.alerts.cssrs.moderate.holdsDosing', true, false, 'loosens'],
    ['monitoring.alerts.cssrs.high.severity', 'critical', 'high', 'loosens'],
    ['monitoring.alerts.urgentMessage.severity', 'high', 'critical', 'tightens'],
    ['monitoring.alerts.escalateAfterMinutes.critical', 30, 60, 'loosens'],
    ['monitoring.alerts.warningSigns.CRAVING.holdsDosingAtOrAbove', 'moderate', 'high', 'loosens'],
    ['monitoring.alerts.warningSigns.CRAVING.holdsDosingAtOrAbove', 'moderate', null, 'loosens'],
    ['monitoring.alerts.warningSigns.COUNT_MISMATCH.holdsDosingAtOrAbove', null, 'moderate', 'tightens'],
    ['monitoring.cadence.recurring.phq9.overdueAfterDays', 3, 60, 'loosens'],
    ['instruments.cravingHighAtOrAbove', 6, 4, 'tightens'],
    ['instruments.phq9Item9FlagAbove', 0, 1, 'loosens'],
    ['dosing.compliance.telemedicineFlexibilityUntil', '2026-12-31', '2027-12-31', 'loosens'],
    ['dosing.compliance.telemedicineFlexibilityUntil', '2026-12-31', '2026-10-01', 'tightens'],
    ['dosing.compliance.telemedicineFlexibilityUntil', '2026-12-31', 'never', 'unclassified'],
    ['dosing.compliance.pdmp.beforeDispenseDays', 7, 14, 'loosens'],
    ['dosing.compliance.pdmp.whileActiveEveryDays', 90, 30, 'tightens'],
    ['dosing.compliance.timeZone', 'America/New_York', 'America/Los_Angeles', 'unclassified'],
    // Nobody has written down which way these are safer: a co-signature is needed.
    ['screening.someNewRule', 1, 2, 'unclassified'],
    ['dosing.maxDoseMgByRoute.sublingual', 450, 'lots', 'unclassified'],
    ['monitoring.alerts.cssrs.high.severity', 'critical', 'urgent', 'unclassified'],
  ];
  it.each(table)('%s %j → %j: %s', (path, before, after, expected) => {
    expect(changeDirection(path, before, after)).toBe(expected);
  });
});

describe('diffSettings', () => {
  it('lists each changed leaf once with its path, values and direction; arrays compare whole', () => {
    const before = { dosing: { maxDoseMgByRoute: { sublingual: 450, oral: 600 }, minHoursBetweenSessions: 72 }, monitoring: { alerts: { phases: ['during', 'post'] } } };
    const after = { dosing: { maxDoseMgByRoute: { sublingual: 600, oral: 600 }, minHoursBetweenSessions: 96 }, monitoring: { alerts: { phases: ['post'] } } };
    expect(diffSettings(before, after)).toEqual([
      { path: 'dosing.maxDoseMgByRoute.sublingual', before: 450, after: 600, direction: 'loosens' },
      { path: 'dosing.minHoursBetweenSessions', before: 72, after: 96, direction: 'tightens' },
      { path: 'monitoring.alerts.phases', before: ['during', 'post'], after: ['post'], direction: 'unclassified' },
    ]);
  });
  it('finds nothing between equal documents', () => {
    expect(diffSettings({ a: { b: 1 } }, { a: { b: 1 } })).toEqual([]);
  });
  it('an admin alone may apply a set of changes only when every one tightens', () => {
    expect(changesAreTightening(diffSettings({ dosing: { fastingHours: 4 } }, { dosing: { fastingHours: 6 } }))).toBe(true);
    expect(changesAreTightening(diffSettings({ dosing: { fastingHours: 4, minHoursBetweenSessions: 72 } }, { dosing: { fastingHours: 6, minHoursBetweenSessions: 48 } }))).toBe(false);
    expect(changesAreTightening([])).toBe(true);
  });
});
