import type { FhirResource } from './fhir-types.ts';
import { ref, resource, type MapContext } from './map-context.ts';
import type { FhirVitals } from './patient-record.ts';
import { LOINC, coding, concept, mmHg, perMinute, percent, profiles, vitalSignsCategory } from './terminology.ts';

export const vitalsIds = {
  bloodPressure: (v: { id: string }) => `${v.id}-bp`,
  heartRate: (v: { id: string }) => `${v.id}-hr`,
  spo2: (v: { id: string }) => `${v.id}-spo2`,
};

const phaseText: Record<string, string> = { pre: 'before the dose', during: 'during the session', post: 'after the session' };

/**
 * One set of session vitals as the FHIR vital-signs Observations (US Core blood pressure, heart rate and pulse
 * oximetry): LOINC codes, UCUM units, the session as encounter.
 */
export function vitalsResources(ctx: MapContext, v: FhirVitals): FhirResource[] {
  const performer = ctx.actorRef(v.recordedBy);
  const common = {
    status: 'final',
    category: [vitalSignsCategory],
    subject: ctx.patientRef,
    encounter: ctx.has('Encounter', v.sessionId) ? ref('Encounter', v.sessionId) : undefined,
    effectiveDateTime: v.takenAt,
    performer: performer ? [performer] : undefined,
    note: [{ text: `Supervised dosing session vitals, taken ${phaseText[v.phase] ?? `in phase ${v.phase}`}.` }],
  };
  const lastUpdated = v.takenAt;
  const out: FhirResource[] = [
    resource('Observation', vitalsIds.bloodPressure(v), { profiles: [profiles.bloodPressure], lastUpdated }, {
      ...common,
      code: concept([coding(LOINC, '85354-9', 'Blood pressure panel with all children optional')], 'Blood pressure'),
      component: [
        { code: concept([coding(LOINC, '8480-6', 'Systolic blood pressure')]), valueQuantity: mmHg(v.systolicMmHg) },
        { code: concept([coding(LOINC, '8462-4', 'Diastolic blood pressure')]), valueQuantity: mmHg(v.diastolicMmHg) },
      ],
    }),
    resource('Observation', vitalsIds.heartRate(v), { profiles: [profiles.heartRate], lastUpdated }, {
      ...common,
      code: concept([coding(LOINC, '8867-4', 'Heart rate')], 'Heart rate'),
      valueQuantity: perMinute(v.heartRateBpm),
    }),
  ];
  if (v.spo2Pct !== null) {
    out.push(
      resource('Observation', vitalsIds.spo2(v), { profiles: [profiles.pulseOximetry], lastUpdated }, {
        ...common,
        code: concept(
          [coding(LOINC, '2708-6', 'Oxygen saturation in Arterial blood'), coding(LOINC, '59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry')],
          'Oxygen saturation (pulse oximetry)',
        ),
        valueQuantity: percent(v.spo2Pct),
        }),
    );
  }
  return out;
}
