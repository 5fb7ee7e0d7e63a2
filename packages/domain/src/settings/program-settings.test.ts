import { describe, expect, it } from 'vitest';
import { defaultDosingSettings, validateDosingSettings, type DosingSettings } from './program-settings.ts';
import { parseInstant } from './time-units.ts';
import fc from 'fast-check';
import { propertyRuns } from '../../test/property-runs.ts';

const d = defaultDosingSettings;

describe('defaultDosingSettings', () => {
  it('carries docs/clinical-basis.md defaults', () => {
    expect(d).toMatchObject({
      minHoursBetweenSessions: 72,
      maxSessionsPer7Days: 2,
      fastingHours: 4,
      vitalsHold: { systolicMmHg: 160, diastolicMmHg: 100, heartRateBpm: 110 },
      sitterAttestationFreshnessMinutes: 30,
      vitalsFreshnessMinutes: 30,
      maxDaysWithoutClinicianVisit: 90,
      followUp: { afterFirstSession: true, everySessions: 6 },
      refill: { maxRefills: 5, windowMonths: 6 },
      retention: { dispensingRecordYears: 2, auditYears: 6 },
      authorizationValidMinutes: 30,
      minObservationMinutes: 60,
      compliance: {
        telemedicineFlexibilityUntil: '2026-12-31',
        timeZone: 'America/New_York',
        pdmp: { beforePlanSignDays: 30, beforeDispenseDays: 7, whileActiveEveryDays: 90 },
      },
    });
  });
  it('is valid', () => expect(validateDosingSettings(d)).toEqual([]));
});

describe('validateDosingSettings', () => {
  const table: [string, DosingSettings, string[]][] = [
    ['hold threshold above human range', { ...d, vitalsHold: { ...d.vitalsHold, systolicMmHg: 301 } }, ['vitalsHold.systolicMmHg']],
    ['hold threshold below human range', { ...d, vitalsHold: { ...d.vitalsHold, heartRateBpm: 19 } }, ['vitalsHold.heartRateBpm']],
    ['hold threshold at the human range edge, above the clinical ceiling', { ...d, vitalsHold: { ...d.vitalsHold, diastolicMmHg: 200 } }, ['vitalsHold.diastolicMmHg']],
    ['zero interval', { ...d, minHoursBetweenSessions: 0 }, ['minHoursBetweenSessions']],
    ['fractional weekly maximum', { ...d, maxSessionsPer7Days: 1.5 }, ['maxSessionsPer7Days']],
    ['NaN freshness', { ...d, vitalsFreshnessMinutes: Number.NaN }, ['vitalsFreshnessMinutes']],
    ['negative fasting', { ...d, fastingHours: -1 }, ['fastingHours']],
    ['fasting below the 2-hour floor', { ...d, fastingHours: 0 }, ['fastingHours']],
    ['fasting at the 2-hour floor', { ...d, fastingHours: 2 }, []],
    ['inverted human range', { ...d, vitalsHumanRange: { ...d.vitalsHumanRange, systolicMmHg: { min: 300, max: 50 } } }, ['vitalsHumanRange.systolicMmHg', 'vitalsHold.systolicMmHg']],
    ['SpO2 above 100', { ...d, vitalsHumanRange: { ...d.vitalsHumanRange, spo2Pct: { min: 50, max: 101 } } }, ['vitalsHumanRange.spo2Pct']],
    ['zero outer dose limit', { ...d, maxDoseMgByRoute: { sublingual: 0, oral: 600 } }, ['maxDoseMgByRoute.sublingual']],
    ['follow-up every 0 sessions', { ...d, followUp: { afterFirstSession: true, everySessions: 0 } }, ['followUp.everySessions']],
    ['more than 5 refills (Schedule III)', { ...d, refill: { ...d.refill, maxRefills: 6 } }, ['refill.maxRefills']],
    ['refill window over 6 months', { ...d, refill: { ...d.refill, windowMonths: 7 } }, ['refill.windowMonths']],
    ['negative lead days', { ...d, refill: { ...d.refill, leadDays: -1 } }, ['refill.leadDays']],
    ['dispensing records kept 1 year', { ...d, retention: { ...d.retention, dispensingRecordYears: 1 } }, ['retention.dispensingRecordYears']],
    ['audit kept 5 years', { ...d, retention: { ...d.retention, auditYears: 5 } }, ['retention.auditYears']],
    ['stricter state retention (5 years)', { ...d, retention: { dispensingRecordYears: 5, auditYears: 7 } }, []],
    // Hard clinical bounds (docs/safety/SETTINGS_BOUNDS.md).
    ['sublingual ceiling raised to 2000 mg', { ...d, maxDoseMgByRoute: { sublingual: 2000, oral: 600 } }, ['maxDoseMgByRoute.sublingual']],
    ['sublingual ceiling at 600 mg', { ...d, maxDoseMgByRoute: { sublingual: 600, oral: 600 } }, []],
    ['oral ceiling above 800 mg', { ...d, maxDoseMgByRoute: { sublingual: 450, oral: 801 } }, ['maxDoseMgByRoute.oral']],
    ['sessions closer than 24 hours', { ...d, minHoursBetweenSessions: 23 }, ['minHoursBetweenSessions']],
    ['sessions exactly 24 hours apart', { ...d, minHoursBetweenSessions: 24 }, []],
    ['eight sessions a week', { ...d, maxSessionsPer7Days: 8 }, ['maxSessionsPer7Days']],
    ['a six-day week', { ...d, rollingWindowDays: 6 }, ['rollingWindowDays']],
    ['systolic hold above 180', { ...d, vitalsHold: { ...d.vitalsHold, systolicMmHg: 181 } }, ['vitalsHold.systolicMmHg']],
    ['heart-rate hold at 120', { ...d, vitalsHold: { ...d.vitalsHold, heartRateBpm: 120 } }, []],
    ['attestation good for 61 minutes', { ...d, sitterAttestationFreshnessMinutes: 61 }, ['sitterAttestationFreshnessMinutes']],
    ['vitals good for 90 minutes', { ...d, vitalsFreshnessMinutes: 90 }, ['vitalsFreshnessMinutes']],
    ['checklist good for 121 minutes', { ...d, checklistFreshnessMinutes: 121 }, ['checklistFreshnessMinutes']],
    ['120 days without a visit', { ...d, maxDaysWithoutClinicianVisit: 120 }, ['maxDaysWithoutClinicianVisit']],
    ['follow-up every 13 sessions', { ...d, followUp: { afterFirstSession: true, everySessions: 13 } }, ['followUp.everySessions']],
    ['authorization good for 61 minutes', { ...d, authorizationValidMinutes: 61 }, ['authorizationValidMinutes']],
    ['authorization good for 60 minutes', { ...d, authorizationValidMinutes: 60 }, []],
    ['authorization good for 0 minutes', { ...d, authorizationValidMinutes: 0 }, ['authorizationValidMinutes']],
    ['observation shorter than 45 minutes', { ...d, minObservationMinutes: 44 }, ['minObservationMinutes']],
    ['observation of 45 minutes', { ...d, minObservationMinutes: 45 }, []],
    // Prescribing compliance (docs/compliance.md).
    ['flexibilities end on an impossible date', { ...d, compliance: { ...d.compliance, telemedicineFlexibilityUntil: '2026-02-30' } }, ['compliance.telemedicineFlexibilityUntil']],
    ['flexibilities extended to 2027-12-31', { ...d, compliance: { ...d.compliance, telemedicineFlexibilityUntil: '2027-12-31' } }, []],
    ['an unknown time zone', { ...d, compliance: { ...d.compliance, timeZone: 'Eastern' } }, ['compliance.timeZone']],
    ['Chicago time', { ...d, compliance: { ...d.compliance, timeZone: 'America/Chicago' } }, []],
    ['PDMP before a plan within 90 days', { ...d, compliance: { ...d.compliance, pdmp: { ...d.compliance.pdmp, beforePlanSignDays: 90 } } }, []],
    ['PDMP before a plan within 91 days', { ...d, compliance: { ...d.compliance, pdmp: { ...d.compliance.pdmp, beforePlanSignDays: 91 } } }, ['compliance.pdmp.beforePlanSignDays']],
    ['PDMP before a fill within 30 days', { ...d, compliance: { ...d.compliance, pdmp: { ...d.compliance.pdmp, beforeDispenseDays: 30 } } }, []],
    ['PDMP before a fill within 31 days', { ...d, compliance: { ...d.compliance, pdmp: { ...d.compliance.pdmp, beforeDispenseDays: 31 } } }, ['compliance.pdmp.beforeDispenseDays']],
    ['PDMP while active every 91 days', { ...d, compliance: { ...d.compliance, pdmp: { ...d.compliance.pdmp, whileActiveEveryDays: 91 } } }, ['compliance.pdmp.whileActiveEveryDays']],
    ['PDMP while active every 0 days', { ...d, compliance: { ...d.compliance, pdmp: { ...d.compliance.pdmp, whileActiveEveryDays: 0 } } }, ['compliance.pdmp.whileActiveEveryDays']],
  ];
  it.each(table)('%s', (_name, settings, fields) => {
    expect(validateDosingSettings(settings).map((e) => e.field)).toEqual(fields);
  });
  it('rejects a non-object', () => {
    expect(validateDosingSettings(null as unknown as DosingSettings)).toHaveLength(1);
  });
});

describe('parseInstant', () => {
  it.each([
    ['2025-03-10T18:00:00.000Z', Date.UTC(2025, 2, 10, 18)],
    ['2025-03-10T18:00Z', Date.UTC(2025, 2, 10, 18)],
    ['2025-03-10T20:00:00+02:00', Date.UTC(2025, 2, 10, 18)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2025-03-10T18:00:00.123456Z', Date.UTC(2025, 2, 10, 18, 0, 0, 123)],
    ['2025-03-10T18:00:00.5Z', Date.UTC(2025, 2, 10, 18, 0, 0, 500)],
    ['2025-03-10T13:30:00-04:30', Date.UTC(2025, 2, 10, 18)],
    ['2026-06-01T12:00:00.123456+00:00', Date.UTC(2026, 5, 1, 12, 0, 0, 123)],
    ['2000-02-29T23:59:59.999+00:00', Date.UTC(2000, 1, 29, 23, 59, 59, 999)],
  ])('reads %s', (iso, ms) => expect(parseInstant(iso)).toBe(ms));
  it('agrees with Date.parse on every instant it accepts', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: -14 * 60, max: 14 * 60 }), (d, offset) => {
        const local = new Date(d.getTime() + offset * 60_000).toISOString().slice(0, 23);
        const sign = offset < 0 ? '-' : '+';
        const abs = Math.abs(offset);
        const text = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        expect(parseInstant(text)).toBe(Date.parse(text));
        expect(parseInstant(d.toISOString())).toBe(d.getTime());
      }),
      { numRuns: propertyRuns(2000) },
    );
  });
  it.each(['2025-02-29T00:00:00Z', '2025-02-30T00:00:00Z', '2025-03-10T24:00:00Z', '2025-03-10T18:00:00+24:00', '2025-03-10T18:60:00Z', '2025-13-01T00:00:00Z', '1900-02-29T00:00:00Z', '2025-03-10T18:00:00', '2025', 'March 10', '', null, 42])(
    'refuses %j',
    (v) => expect(parseInstant(v)).toBeNull(),
  );
});
