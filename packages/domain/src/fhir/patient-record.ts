/**
 * A patient's record as the FHIR export reads it: plain data the server assembles from its tables. Times are ISO
 * 8601 instants (UTC, `Z`); dates are `YYYY-MM-DD`. Statuses are plain strings on purpose: a status this module
 * does not know maps to an explicit default (see the mappers), so a new status never breaks an export.
 */
export interface FhirStaffMember {
  id: string;
  name: string;
  role: string;
  deaRegistration: string | null;
  stateLicenses: string[];
  active: boolean;
  updatedAt: string;
}

export interface FhirSitter {
  /** The sitter assignment. */
  id: string;
  userId: string | null;
  name: string;
  relationship: string | null;
  status: string;
  since: string;
  until: string | null;
}

export interface FhirAssessment {
  id: string;
  instrument: string;
  version: string;
  total: number | null;
  band: string | null;
  flags: string[];
  submittedAt: string;
  submittedBy: string | null;
  answers: Record<string, unknown>;
}

export interface FhirPlan {
  id: string;
  version: number;
  status: string;
  route: string;
  phase: string;
  currentDoseMg: number;
  maximumDoseMg: number;
  minHoursBetweenSessions: number;
  maxSessionsPer7Days: number;
  sessionsPlanned: number;
  administrationNotes: string;
  createdAt: string;
  updatedAt: string;
  signedAt: string | null;
  signedBy: string | null;
  supersedesId: string | null;
  goals: string[];
  /** Units of the plan's first dispense: the quantity of one fill. */
  firstFillUnits: number | null;
  firstFillForm: string | null;
}

export interface FhirSession {
  id: string;
  status: string;
  scheduledFor: string;
  authorizedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  abortedAt: string | null;
  abortReason: string | null;
  doseMg: number | null;
  planId: string | null;
  createdAt: string;
}

export interface FhirVitals {
  id: string;
  sessionId: string;
  phase: string;
  systolicMmHg: number;
  diastolicMmHg: number;
  heartRateBpm: number;
  spo2Pct: number | null;
  takenAt: string;
  recordedBy: string | null;
}

export interface FhirEvidence {
  type: string;
  id: string;
  summary: string;
}

export interface FhirPatientRecord {
  patient: {
    id: string;
    userId: string;
    name: string;
    dateOfBirth: string;
    sexAtBirth: 'female' | 'male' | null;
    state: string;
    address: string | null;
    email: string | null;
    status: string;
    createdAt: string;
  };
  /** Every staff member the record refers to (signers, prescribers, care team, visit clinicians, reporters). */
  staff: FhirStaffMember[];
  careTeam: { userId: string; role: string; isPrimary: boolean; since: string }[];
  sitters: FhirSitter[];
  /** The approved intake: the diagnosis the program treats. Absent until a clinician approves the intake. */
  diagnosis: {
    decisionId: string;
    decidedAt: string;
    decidedBy: string;
    diagnoses: string[];
    adequateAntidepressantTrials: number | null;
    note: string;
    signatureId: string | null;
  } | null;
  assessments: FhirAssessment[];
  plans: FhirPlan[];
  dispenses: { id: string; planId: string | null; units: number; form: string; strengthMg: number; dispensedAt: string; dispenser: string; prescriberId: string | null }[];
  sessions: FhirSession[];
  vitals: FhirVitals[];
  visits: { id: string; clinicianId: string; occurredAt: string; modality: string; note: string | null }[];
  adverseEvents: { id: string; sessionId: string | null; kind: string; description: string; severity: string; serious: boolean; reportedAt: string; reportedBy: string | null; resolvedAt: string | null }[];
  alerts: {
    id: string;
    code: string;
    severity: string;
    title: string;
    status: string;
    raisedAt: string;
    acknowledgedAt: string | null;
    resolvedAt: string | null;
    holdsDosing: boolean;
    evidence: FhirEvidence[];
    recommendedActions: string[];
  }[];
  riskEvaluations: {
    id: string;
    evaluatedAt: string;
    tier: string;
    previousTier: string | null;
    signals: { code: string; severity: string; summary: string; evidence: FhirEvidence[] }[];
    explanation: string[];
  }[];
  consents: { id: string; version: number; title: string; signedAt: string; documentSha256: string; signatureId: string; pdfBase64: string | null }[];
  /** Electronic signatures on the record's signed documents (plans, the intake decision, consents). */
  signatures: { id: string; signerId: string; printedName: string; meaning: string; signedAt: string; recordType: string; recordId: string; recordSha256: string }[];
  /** When the program's settings last changed: the Organization's lastUpdated. */
  programUpdatedAt: string;
  /** Schedule III refill limits in force (program settings). */
  refillPolicy: { maxRefills: number; windowMonths: number };
}
