import { api } from './client.ts';

/**
 * Prescribing compliance (docs/compliance.md): the patient's prescribing pathway, PDMP checks, the prescriber's
 * licences and DEA registrations, the compliance status and the telemedicine lapse list.
 */

export type PathwayKind = 'in_person_evaluation' | 'telemedicine_flexibility' | 'special_registration' | 'referral_from_in_person_clinician';
export const pathwayKinds: readonly PathwayKind[] = ['in_person_evaluation', 'telemedicine_flexibility', 'special_registration', 'referral_from_in_person_clinician'];

export interface Pathway {
  id: string;
  kind: PathwayKind;
  details: Record<string, unknown>;
  prescriberId: string;
  prescriberName: string;
  signedAt: string;
  supersededAt: string | null;
}

export interface PathwayRequest {
  kind: PathwayKind;
  evaluatedOn?: string;
  location?: string;
  attestation?: true;
  registrationNumber?: string;
  registrationType?: string;
  referringClinician?: string;
  referredOn?: string;
  documentReference?: string;
  signature: { password: string };
}

export interface OtherPrescription {
  drug: string;
  prescriber: string;
  filledOn: string;
}

export interface PdmpCheck {
  id: string;
  checkedAt: string;
  states: string[];
  resultSummary: string;
  otherControlledPrescriptions: OtherPrescription[];
  otherPrescriberFound: boolean;
  checkedBy?: string;
  checkedByName?: string;
  createdAt?: string;
}

export interface PdmpCheckRequest {
  checkedAt: string;
  states: string[];
  resultSummary: string;
  otherControlledPrescriptions: OtherPrescription[];
  otherPrescriberFound: boolean;
}

export type ComplianceStatus = 'compliant' | 'action_needed' | 'blocked';

export interface ComplianceReason {
  code: string;
  message: string;
}

export interface Compliance {
  status: ComplianceStatus;
  reasons: ComplianceReason[];
  pathway: Pathway | null;
  lastPdmpCheckAt: string | null;
  nextPdmpDueAt: string | null;
  lapsesOn: string | null;
}

export type CredentialKind = 'state_licence' | 'dea_registration';

export interface Credential {
  id: string;
  clinicianId: string;
  kind: CredentialKind;
  number: string;
  state: string;
  schedules: string[];
  expiresOn: string;
  documentName: string;
  createdAt: string;
  createdBy: string;
}

export type ExpiringCredential = Credential & { clinicianName: string; daysLeft: number };

export interface CredentialRequest {
  kind: CredentialKind;
  number: string;
  state: string;
  schedules?: string[];
  expiresOn: string;
  document: { filename: string; contentType: 'application/pdf' | 'image/png' | 'image/jpeg'; base64: string };
}

export interface LapseList {
  flexibilityUntil: string;
  patients: { patientId: string; name: string; clinicianId: string; clinicianName: string; pathwayKind: PathwayKind; lapsesOn: string }[];
}

const patient = (patientId: string) => `/patients/${encodeURIComponent(patientId)}`;
const clinician = (userId: string) => `/clinicians/${encodeURIComponent(userId)}`;

export const complianceApi = {
  compliance: (patientId: string) => api.get<Compliance>(`${patient(patientId)}/compliance`),
  pathway: (patientId: string) => api.get<{ pathway: Pathway | null }>(`${patient(patientId)}/prescribing-pathway`),
  recordPathway: (patientId: string, body: PathwayRequest) => api.post<{ pathway: Pathway }>(`${patient(patientId)}/prescribing-pathway`, body),
  pdmpChecks: (patientId: string) => api.get<{ checks: PdmpCheck[] }>(`${patient(patientId)}/pdmp-checks`),
  recordPdmpCheck: (patientId: string, body: PdmpCheckRequest) => api.post<{ check: PdmpCheck }>(`${patient(patientId)}/pdmp-checks`, body),
  credentials: (userId: string) => api.get<{ credentials: Credential[] }>(`${clinician(userId)}/credentials`),
  addCredential: (userId: string, body: CredentialRequest) => api.post<{ credential: Credential }>(`${clinician(userId)}/credentials`, body),
  expiring: (withinDays = 30) => api.get<{ credentials: ExpiringCredential[] }>(`/credentials/expiring?withinDays=${withinDays}`),
  lapseList: () => api.get<LapseList>('/compliance/lapse-list'),
};

/** The files an inspector asks for (opened by the browser, as downloads). */
export const complianceLinks = {
  patientReport: (patientId: string, format: 'csv' | 'pdf') => `/api/v1${patient(patientId)}/compliance-report.${format}`,
  clinicianReport: (userId: string, format: 'csv' | 'pdf') => `/api/v1${clinician(userId)}/compliance-report.${format}`,
  credentialDocument: (credentialId: string) => `/api/v1/credentials/${encodeURIComponent(credentialId)}/document`,
};

export const complianceKeys = {
  patient: (patientId: string) => ['clinician', 'patient', patientId, 'compliance'] as const,
  part: (patientId: string, part: string) => ['clinician', 'patient', patientId, 'compliance', part] as const,
  credentials: (userId: string) => ['compliance', 'credentials', userId] as const,
  expiring: ['compliance', 'credentials', 'expiring'] as const,
  lapseList: ['compliance', 'lapse-list'] as const,
};
