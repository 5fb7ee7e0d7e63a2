import type { z } from 'zod';
import type {
  accessLog,
  adverseEventResponse,
  dischargeResponse,
  disclosureConsentList,
  disclosureList,
  doseRequestList,
  doseRequestResponse,
  outsideClinicianList,
  pdmpCheckCreatedResponse,
  pdmpCheckListResponse,
  recordPdmpCheckRequest,
  practiceAssignmentList,
  refillRequestList,
  refillRequestResponse,
} from '@keel/contract';
import { api } from './client.ts';

/**
 * Calls shared by the patient's and the clinician's screens for the record around treatment: medication requests,
 * PDMP checks, releases of information and disclosures, discharge, the FHIR export, practices and the access log.
 */

export type RefillRequests = z.infer<typeof refillRequestList>;
export type DoseRequests = z.infer<typeof doseRequestList>;
export type PdmpChecks = z.infer<typeof pdmpCheckListResponse>;
export type OutsideClinicians = z.infer<typeof outsideClinicianList>;
export type DisclosureConsents = z.infer<typeof disclosureConsentList>;
export type Disclosures = z.infer<typeof disclosureList>;
export type Discharge = z.infer<typeof dischargeResponse>;
export type Practices = z.infer<typeof practiceAssignmentList>;
export type AccessLog = z.infer<typeof accessLog>;
export type AdverseEventReported = z.infer<typeof adverseEventResponse>;
export type DisclosureKind = 'start_of_treatment' | 'discharge_summary';
export type OutsideClinicianKind = 'psychiatrist' | 'therapist' | 'primary_care' | 'other';

const p = (patientId: string) => `/patients/${encodeURIComponent(patientId)}`;

export const recordsApi = {
  refills: (patientId: string) => api.get<RefillRequests>(`${p(patientId)}/refill-requests`),
  requestRefill: (patientId: string, note?: string) => api.post<z.infer<typeof refillRequestResponse>>(`${p(patientId)}/refill-requests`, note ? { note } : {}),
  answerRefill: (patientId: string, requestId: string, answer: string) => api.post<RefillRequests>(`${p(patientId)}/refill-requests/${encodeURIComponent(requestId)}/answer`, { answer }),
  doseRequests: (patientId: string) => api.get<DoseRequests>(`${p(patientId)}/dose-requests`),
  requestDose: (patientId: string, kind: 'increase' | 'tolerance', note?: string) =>
    api.post<z.infer<typeof doseRequestResponse>>(`${p(patientId)}/dose-requests`, note ? { kind, note } : { kind }),
  answerDose: (patientId: string, requestId: string, answer: string) => api.post<DoseRequests>(`${p(patientId)}/dose-requests/${encodeURIComponent(requestId)}/answer`, { answer }),
  pdmpChecks: (patientId: string) => api.get<PdmpChecks>(`${p(patientId)}/pdmp-checks`),
  recordPdmp: (patientId: string, body: z.input<typeof recordPdmpCheckRequest>) => api.post<z.infer<typeof pdmpCheckCreatedResponse>>(`${p(patientId)}/pdmp-checks`, body),

  outsideClinicians: (patientId: string) => api.get<OutsideClinicians>(`${p(patientId)}/outside-clinicians`),
  addOutsideClinician: (patientId: string, body: { kind: OutsideClinicianKind; name: string; organization?: string; phone?: string; fax?: string; email?: string }) =>
    api.post<OutsideClinicians>(`${p(patientId)}/outside-clinicians`, body),
  disclosureConsents: (patientId: string) => api.get<DisclosureConsents>(`${p(patientId)}/disclosure-consents`),
  signDisclosureConsent: (patientId: string, body: { outsideClinicianId: string; purposes: DisclosureKind[]; includeSubstanceUse: boolean; signature: { password: string } }) =>
    api.post<DisclosureConsents>(`${p(patientId)}/disclosure-consents`, body),
  revokeDisclosureConsent: (patientId: string, consentId: string) => api.post<DisclosureConsents>(`${p(patientId)}/disclosure-consents/${encodeURIComponent(consentId)}/revoke`),
  disclosures: (patientId: string) => api.get<Disclosures>(`${p(patientId)}/disclosures`),
  disclose: (patientId: string, outsideClinicianId: string, kind: DisclosureKind) => api.post<Disclosures>(`${p(patientId)}/disclosures`, { outsideClinicianId, kind }),
  disclosureLetterUrl: (patientId: string, disclosureId: string) => `/api/v1${p(patientId)}/disclosures/${encodeURIComponent(disclosureId)}/letter.pdf`,

  discharge: (patientId: string) => api.get<Discharge>(`${p(patientId)}/discharge`),
  dischargePatient: (patientId: string, body: { reason: string; recommendations: string[]; signature: { password: string } }) => api.post<Discharge>(`${p(patientId)}/discharge`, body),
  dischargePdfUrl: (patientId: string) => `/api/v1${p(patientId)}/discharge/summary.pdf`,
  fhirUrl: (patientId: string) => `/api/v1${p(patientId)}/fhir`,

  practices: (patientId: string) => api.get<Practices>(`${p(patientId)}/practices`),
  practiceDone: (patientId: string, assignmentId: string, note?: string) =>
    api.post<Practices>(`${p(patientId)}/practices/${encodeURIComponent(assignmentId)}/done`, note ? { note } : {}),
  accessLog: (patientId: string) => api.get<AccessLog>(`${p(patientId)}/access-log`),

  reportAdverseEvent: (sessionId: string, body: { kind: string; severity: 'mild' | 'moderate' | 'severe'; serious: boolean; description: string }) =>
    api.post<AdverseEventReported>(`/sessions/${encodeURIComponent(sessionId)}/adverse-events`, body),
};

export const recordsKeys = {
  part: (patientId: string, part: string) => ['records', patientId, part] as const,
  all: (patientId: string) => ['records', patientId] as const,
};
