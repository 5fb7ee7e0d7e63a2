import type { z } from 'zod';
import type { careTeamResponse, inboxResponse, messageSendResponse, threadAssignResponse, threadReadResponse, threadResponse } from '@keel/contract';
import { api } from './client.ts';

/** The staff inbox's calls (clinicians and coaches): threads of the caller's care-team patients. */

export type Inbox = z.infer<typeof inboxResponse>;
export type InboxItem = Inbox['items'][number];
export type InboxThread = InboxItem['thread'];
export type ThreadDetail = z.infer<typeof threadResponse>;
export type StaffMessageSent = z.infer<typeof messageSendResponse>;
export type StaffCareTeam = z.infer<typeof careTeamResponse>;
export type InboxFilter = 'all' | 'waiting' | 'mine';

const patient = (patientId: string) => `/patients/${encodeURIComponent(patientId)}`;

export const inboxApi = {
  inbox: (filter: InboxFilter) => api.get<Inbox>(`/inbox${filter === 'waiting' ? '?waiting=true' : filter === 'mine' ? '?mine=true' : ''}`),
  thread: (patientId: string, threadId: string) => api.get<ThreadDetail>(`${patient(patientId)}/messages/${encodeURIComponent(threadId)}`),
  markRead: (patientId: string, threadId: string) => api.post<z.infer<typeof threadReadResponse>>(`${patient(patientId)}/messages/${encodeURIComponent(threadId)}/read`),
  reply: (patientId: string, threadId: string, body: string) => api.post<StaffMessageSent>(`${patient(patientId)}/messages`, { threadId, body }),
  assign: (patientId: string, threadId: string, assigneeId: string | null) =>
    api.put<z.infer<typeof threadAssignResponse>>(`${patient(patientId)}/messages/${encodeURIComponent(threadId)}/assignment`, { assigneeId }),
  careTeam: (patientId: string) => api.get<StaffCareTeam>(`${patient(patientId)}/care-team`),
};

export const inboxKeys = {
  all: ['inbox'] as const,
  list: (filter: InboxFilter) => ['inbox', 'list', filter] as const,
  thread: (patientId: string, threadId: string) => ['inbox', 'thread', patientId, threadId] as const,
  careTeam: (patientId: string) => ['inbox', 'care-team', patientId] as const,
};
