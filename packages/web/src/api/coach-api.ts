import type {
  Appointment,
  caseloadResponse,
  coachingNoteCreateRequest,
  coachingNoteList,
  journalList,
  practiceAssignmentList,
  practiceLibrary,
  PatientOutcomesResponse,
} from '@keel/contract';
import type { z } from 'zod';
import { api } from './client.ts';

export type Caseload = z.infer<typeof caseloadResponse>;
export type CaseloadItem = Caseload['items'][number];
export type CoachingNoteList = z.infer<typeof coachingNoteList>;
export type CoachingNote = CoachingNoteList['items'][number];
export type CoachingNoteInput = z.input<typeof coachingNoteCreateRequest>;
export type JournalList = z.infer<typeof journalList>;
export type JournalEntry = JournalList['items'][number];
export type PracticeLibrary = z.infer<typeof practiceLibrary>;
export type Practice = PracticeLibrary['items'][number];
export type PracticeAssignments = z.infer<typeof practiceAssignmentList>;
export type PracticeAssignment = PracticeAssignments['items'][number];
export type { Appointment, PatientOutcomesResponse };

const patient = (patientId: string) => `/patients/${encodeURIComponent(patientId)}`;

export const coachApi = {
  caseload: () => api.get<Caseload>('/coach/caseload'),
  /** The coach's own appointments from now on (integration sessions, sitter orientations). */
  upcoming: (fromIso: string) => api.get<{ items: Appointment[] }>(`/appointments?from=${encodeURIComponent(fromIso)}`),
  notes: (patientId: string) => api.get<CoachingNoteList>(`${patient(patientId)}/coaching-notes`),
  createNote: (patientId: string, body: CoachingNoteInput) => api.post<CoachingNoteList>(`${patient(patientId)}/coaching-notes`, body),
  sharedJournal: (patientId: string) => api.get<JournalList>(`${patient(patientId)}/journal/shared`),
  practices: (patientId: string) => api.get<PracticeAssignments>(`${patient(patientId)}/practices`),
  assignPractice: (patientId: string, body: { practiceSlug: string; frequency?: string }) =>
    api.post<PracticeAssignments>(`${patient(patientId)}/practices`, body),
  library: () => api.get<PracticeLibrary>('/practices'),
  outcomes: (patientId: string) => api.get<PatientOutcomesResponse>(`${patient(patientId)}/outcomes`),
};

export const coachKeys = {
  caseload: ['coach', 'caseload'] as const,
  library: ['coach', 'library'] as const,
  upcoming: ['coach', 'upcoming'] as const,
  patientPart: (patientId: string, part: string) => ['coach', 'patient', patientId, part] as const,
};
