// A gate input that is authorized at `now` under the default settings, for tests to break one condition at a time.
// Every time in it is relative to `now`, so a test can pick any clock.
import { samplePlanTerms } from '../plan/fixtures.ts';
import { MS_PER_DAY, MS_PER_MINUTE, toIso } from '../settings/time-units.ts';
import type { GateInput } from './session-gate.ts';

/** Stand-in for SHA-256(canonicalJson(terms)); the gate only compares it with the signature's hash. */
export const FIXTURE_TERMS_SHA256 = 'a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778';

export function authorizedGateInput(now: Date): GateInput {
  const at = (offsetMs: number): string => toIso(now.getTime() + offsetMs);
  return {
    intakeStatus: 'approved',
    consent: { signedVersion: '2', currentVersion: '2' },
    education: { requiredSlugs: ['what-to-expect', 'sitter-role'], completedSlugs: ['sitter-role', 'what-to-expect'] },
    activePlan: {
      planId: 'plan-1',
      version: 1,
      status: 'active',
      terms: samplePlanTerms(),
      termsSha256: FIXTURE_TERMS_SHA256,
      signature: { signedBy: 'clinician-1', signedAt: at(-20 * MS_PER_DAY), termsSha256: FIXTURE_TERMS_SHA256 },
    },
    requestedDoseMg: null,
    previousDoseTimes: [at(-4 * MS_PER_DAY)],
    ledger: { onHandUnits: 3, unitsPerDose: 1 },
    sitterAttestation: {
      sitterUserId: 'sitter-1',
      assignedSitterIds: ['sitter-1'],
      attestedAt: at(-5 * MS_PER_MINUTE),
      present: true,
      sober: true,
      attestedInOwnSession: true,
    },
    preDoseVitals: { takenAt: at(-5 * MS_PER_MINUTE), systolicMmHg: 124, diastolicMmHg: 78, heartRateBpm: 72, spo2Pct: 98 },
    checklist: {
      attestedAt: at(-5 * MS_PER_MINUTE),
      fastedHours: 6,
      alcohol24h: false,
      sedatives24h: false,
      cannabis24h: false,
      newMedication: false,
      safeSetting: true,
    },
    openAlerts: [],
    followUpDue: null,
    lastClinicianVisitAt: at(-10 * MS_PER_DAY),
    lastSessionAt: at(-4 * MS_PER_DAY),
    prescribing: {
      patientState: 'CA',
      pathway: { kind: 'in_person_evaluation', details: { evaluatedOn: '2026-01-05', location: 'Keel clinic, Oakland CA', attestation: true } },
      prescriber: {
        id: 'clinician-1',
        credentials: [
          { kind: 'state_licence', state: 'CA', schedules: [], expiresOn: '2099-12-31' },
          { kind: 'dea_registration', state: 'CA', schedules: ['II', 'IIN', 'III', 'IIIN', 'IV', 'V'], expiresOn: '2099-12-31' },
        ],
      },
      pdmpCheckedAt: [at(-10 * MS_PER_DAY)],
    },
  };
}
