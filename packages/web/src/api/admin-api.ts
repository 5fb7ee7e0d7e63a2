import type {
  accountList,
  accountSchema,
  auditPage,
  careTeamResponse,
  createUserRequest,
  createUserResponse,
  programSettingsResponse,
  settingsProposalSchema,
} from '@keel/contract';
import type { z } from 'zod';
import { api, apiRequest } from './client.ts';

export type Account = z.infer<typeof accountSchema> & {
  /** Not in the contract today: a patient account's patient id, used for care teams when the server sends it. */
  patientId?: string;
};
export type AccountList = Omit<z.infer<typeof accountList>, 'items'> & { items: Account[] };
export type AccountRole = Account['role'];
export type CreateUserInput = z.input<typeof createUserRequest>;
export type CreateUserResponse = z.infer<typeof createUserResponse>;
export type CareTeam = z.infer<typeof careTeamResponse>;
export type CareTeamMember = CareTeam['members'][number];
export type ProgramSettings = z.infer<typeof programSettingsResponse>;
export type AuditPage = z.infer<typeof auditPage>;
export type AuditEntry = AuditPage['items'][number];
export interface AuditQuery {
  patientId?: string;
  patient?: string;
  actor?: string;
  actorId?: string;
  action?: string;
  outcome?: 'success' | 'denied' | 'failure';
  from?: string;
  to?: string;
  before?: number;
  limit?: number;
}

function query(params: object): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const patient = (patientId: string) => `/patients/${encodeURIComponent(patientId)}`;

export const adminApi = {
  accounts: (q: { role?: AccountRole; q?: string }) => api.get<AccountList>(`/users${query(q)}`),
  invite: (body: CreateUserInput) => api.post<CreateUserResponse>('/users', body),
  deactivate: (userId: string, reason: string) => api.post<Account>(`/users/${encodeURIComponent(userId)}/deactivate`, { reason }),
  reactivate: (userId: string) => api.post<Account>(`/users/${encodeURIComponent(userId)}/reactivate`),
  careTeam: (patientId: string) => api.get<CareTeam>(`${patient(patientId)}/care-team`),
  assign: (patientId: string, body: { userId: string; role: 'clinician' | 'coach'; primary?: boolean }) =>
    api.post<CareTeam>(`${patient(patientId)}/care-team`, body),
  unassign: (patientId: string, userId: string, reason: string) =>
    apiRequest<CareTeam>(`${patient(patientId)}/care-team/${encodeURIComponent(userId)}`, { method: 'DELETE', body: { reason } }),
  settings: () => api.get<ProgramSettings>('/settings'),
  /** 200: the new settings; 202: a proposal a prescriber must sign (the change loosens a clinical limit). */
  saveSettings: (version: number, settings: Partial<ProgramSettings['settings']>, reason?: string) =>
    api.put<ProgramSettings | { proposal: SettingsProposal }>('/settings', { settings, ...(reason ? { reason } : {}) }, { headers: { 'if-match': `"${version}"` } }),
  settingsProposals: (status: 'pending' | 'all' = 'pending') => api.get<{ items: SettingsProposal[] }>(`/settings/proposals?status=${status}`),
  withdrawProposal: (proposalId: string, note: string) => api.post<{ proposal: SettingsProposal }>(`/settings/proposals/${encodeURIComponent(proposalId)}/reject`, { note }),
  audit: (q: AuditQuery) => api.get<AuditPage>(`/audit${query(q)}`),
};

export type SettingsProposal = z.infer<typeof settingsProposalSchema>;

export const adminKeys = {
  proposals: ['settings', 'proposals'] as const,
  accounts: (q: object) => ['admin', 'accounts', q] as const,
  careTeam: (patientId: string) => ['admin', 'care-team', patientId] as const,
  settings: ['admin', 'settings'] as const,
  audit: (q: AuditQuery) => ['admin', 'audit', q] as const,
};
