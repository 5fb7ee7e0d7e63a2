import type {
  Credential,
  Pathway,
  PdmpCheck,
  complianceResponse,
  createCredentialRequest,
  expiringCredentialList,
  lapseListResponse,
  pathwayKindSchema,
  recordPathwayRequest,
  recordPdmpCheckRequest,
} from '@keel/contract';
import type { z } from 'zod';
import { api } from './client.ts';

/**
 * Prescribing compliance (docs/compliance.md): the patient's prescribing pathway, PDMP checks, the prescriber's
 * licences and DEA registrations, the compliance status and the telemedicine lapse list. Types come from the
 * contract's schemas; zod never enters the bundle.
 */

export type PathwayKind = z.infer<typeof pathwayKindSchema>;
export const pathwayKinds: readonly PathwayKind[] = ['in_person_evaluation', 'telemedicine_flexibility', 'special_registration', 'referral_from_in_person_clinician'];
export type { Credential, Pathway, PdmpCheck };
export type PathwayRequest = z.input<typeof recordPathwayRequest>;
export type PdmpCheckRequest = z.input<typeof recordPdmpCheckRequest>;
export type OtherPrescription = PdmpCheckRequest['otherControlledPrescriptions'][number];
export type Compliance = z.infer<typeof complianceResponse>;
export type ComplianceStatus = Compliance['status'];
export type ComplianceReason = Compliance['reasons'][number];
export type CredentialKind = Credential['kind'];
export type ExpiringCredential = z.infer<typeof expiringCredentialList>['credentials'][number];
export type CredentialRequest = z.input<typeof createCredentialRequest>;
export type LapseList = z.infer<typeof lapseListResponse>;

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
