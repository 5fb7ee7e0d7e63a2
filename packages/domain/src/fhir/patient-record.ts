/**
 * A patient's record as the FHIR export reads it: plain data the server assembles from its tables. Times are ISO
 * 8601 with offset.
 */
export interface FhirPatientRecord {
  patient: { id: string; name: string; dateOfBirth: string; sexAtBirth: 'female' | 'male' | null; state: string; address: string | null; status: string };
  assessments: { id: string; instrument: string; version: string; total: number | null; band: string | null; flags: string[]; submittedAt: string; answers: Record<string, unknown> }[];
  plans: {
    id: string;
    version: number;
    status: 'draft' | 'active' | 'superseded';
    route: string;
    phase: string;
    currentDoseMg: number;
    maximumDoseMg: number;
    minHoursBetweenSessions: number;
    maxSessionsPer7Days: number;
    signedAt: string | null;
    signedBy: { id: string; name: string } | null;
    goals: string[];
  }[];
  dispenses: { id: string; units: number; form: string; strengthMg: number; dispensedAt: string; dispenser: string; prescriberId: string | null }[];
  administrations: { sessionId: string; doseMg: number; authorizedAt: string; completedAt: string | null; status: string; planId: string | null }[];
  alerts: { id: string; code: string; severity: string; title: string; status: string; raisedAt: string; resolvedAt: string | null; holdsDosing: boolean }[];
  consents: { id: string; version: number; signedAt: string; documentSha256: string }[];
}
