import type { z } from 'zod';
import type {
  concernResponse,
  sessionDetailResponse,
  sessionList,
  sitterAttestationResponse,
  sitterCheckResponse,
} from '@keel/contract';
import { api } from './client.ts';

/** The sitter app's calls: the patients they sit for, those patients' sessions, and what a sitter records. */

export interface SitterPatient {
  patientId: string;
  name: string;
  since: string;
}
export type SitterSessionSummary = z.infer<typeof sessionList>['items'][number];
export type SitterSession = z.infer<typeof sessionDetailResponse>['session'];
export type SitterCheckResult = z.infer<typeof sitterCheckResponse>;
export type ConcernResult = z.infer<typeof concernResponse>;

const s = (sessionId: string) => `/sessions/${encodeURIComponent(sessionId)}`;

export const sitterApi = {
  patients: () => api.get<{ items: SitterPatient[] }>('/sitter/patients'),
  sessions: (patientId: string) => api.get<{ items: SitterSessionSummary[] }>(`/patients/${encodeURIComponent(patientId)}/sessions`),
  session: (sessionId: string) => api.get<{ session: SitterSession }>(s(sessionId)),
  attest: (sessionId: string) =>
    api.post<z.infer<typeof sitterAttestationResponse>>(`${s(sessionId)}/sitter-attestation`, { present: true, sober: true }),
  check: (sessionId: string, input: { responsive: boolean; breathingNormally: boolean; concern: boolean; note?: string }) =>
    api.post<SitterCheckResult>(`${s(sessionId)}/check-ins`, input),
  concern: (sessionId: string, input: { emergency: boolean; note?: string }) => api.post<ConcernResult>(`${s(sessionId)}/concerns`, input),
  baseline: (sessionId: string, backToBaseline: boolean) =>
    api.post<{ baseline: NonNullable<SitterSession['sitterBaseline']> }>(`${s(sessionId)}/baseline`, { backToBaseline }),
};

export const sitterKeys = {
  patients: ['sitter', 'patients'] as const,
  sessions: (patientId: string) => ['sitter', 'sessions', patientId] as const,
  session: (sessionId: string) => ['session', sessionId] as const,
};
