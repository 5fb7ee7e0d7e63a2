import type { z } from 'zod';
import type {
  appointmentList,
  appointmentResponse,
  appointmentBookResponse,
  assessmentCreated,
  assessmentList,
  assessmentScheduleResponse,
  availabilityResponse,
  careTeamResponse,
  checkInListResponse,
  checkInRequest,
  checkInResponse,
  checklistRequest,
  completeSessionRequest,
  consentDocumentSchema,
  consentList,
  consentSignatureSchema,
  crisisResponse,
  educationCompleteResponse,
  educationList,
  educationModuleDetail,
  instrumentList,
  intakeAnswersSchema,
  intakeFormSchema,
  intakeSchema,
  intakeSubmitResponse,
  journalEntryResponse,
  journalList,
  journalPrompts,
  messageSendResponse,
  patientAppointmentList,
  patientOutcomesResponse,
  planResponse,
  sessionDetailResponse,
  sessionList,
  sessionResponse,
  sitterList,
  supportContactList,
  supportHomeResponse,
  threadList,
  threadResponse,
  vitalsRequest,
  vitalsResponse,
  authorizeResponse,
} from '@keel/contract';
import { api } from './client.ts';

/**
 * The patient app's calls. Types come from the contract's schemas (types only: zod never enters the bundle).
 * Every path names the patient by id; no health data ever goes into a URL.
 */

export type Intake = z.infer<typeof intakeSchema>;
export type IntakeAnswers = z.infer<typeof intakeAnswersSchema>;
export type IntakeForm = z.infer<typeof intakeFormSchema>;
export type IntakeSubmitResult = z.infer<typeof intakeSubmitResponse>;
export type InstrumentList = z.infer<typeof instrumentList>;
export type Instrument = InstrumentList['items'][number];
export type InstrumentItem = Instrument['items'][number];
export type AnswerValue = number | boolean;
export type AnswerSet = Record<string, AnswerValue | null>;
export type AssessmentCreated = z.infer<typeof assessmentCreated>;
export type AssessmentList = z.infer<typeof assessmentList>;
export type CrisisEntry = NonNullable<AssessmentCreated['crisisResources']>[number];
export type ConsentDocument = z.infer<typeof consentDocumentSchema>;
export type ConsentList = z.infer<typeof consentList>;
export type ConsentSignature = z.infer<typeof consentSignatureSchema>;
export type EducationList = z.infer<typeof educationList>;
export type EducationModule = z.infer<typeof educationModuleDetail>;
export type EducationComplete = z.infer<typeof educationCompleteResponse>;
export type Plan = z.infer<typeof planResponse>['plan'];
export type SessionSummary = z.infer<typeof sessionList>['items'][number];
export type SessionDetail = z.infer<typeof sessionDetailResponse>['session'];
export type ChecklistInput = z.infer<typeof checklistRequest>;
export type VitalsInput = z.infer<typeof vitalsRequest>;
export type VitalsResult = z.infer<typeof vitalsResponse>;
export type AuthorizeResult = z.infer<typeof authorizeResponse>;
export type CompleteSessionInput = z.infer<typeof completeSessionRequest>;
export type AssessmentSchedule = z.infer<typeof assessmentScheduleResponse>;
export type CheckInInput = z.infer<typeof checkInRequest>;
export type CheckInResult = z.infer<typeof checkInResponse>;
export type CheckInList = z.infer<typeof checkInListResponse>;
export type Crisis = z.infer<typeof crisisResponse>;
export type Outcomes = z.infer<typeof patientOutcomesResponse>;
export type InstrumentOutcome = Outcomes['phq9'];
export type PatientAppointments = z.infer<typeof patientAppointmentList>;
export type Appointment = PatientAppointments['items'][number];
export type AppointmentKind = Appointment['kind'];
export type Availability = z.infer<typeof availabilityResponse>;
export type CareTeam = z.infer<typeof careTeamResponse>;
export type ThreadList = z.infer<typeof threadList>;
export type Thread = z.infer<typeof threadResponse>;
export type MessageSent = z.infer<typeof messageSendResponse>;
export type JournalList = z.infer<typeof journalList>;
export type JournalEntry = JournalList['items'][number];
export type JournalPrompts = z.infer<typeof journalPrompts>;
export type SupportHome = z.infer<typeof supportHomeResponse>;
export type SupportContacts = z.infer<typeof supportContactList>;
export type Sitters = z.infer<typeof sitterList>;

const p = (patientId: string) => `/patients/${encodeURIComponent(patientId)}`;
const s = (sessionId: string) => `/sessions/${encodeURIComponent(sessionId)}`;

export const patientApi = {
  // intake
  intake: (patientId: string) => api.get<Intake>(`${p(patientId)}/intake`),
  intakeForm: () => api.get<IntakeForm>('/intake/form'),
  saveIntake: (patientId: string, answers: IntakeAnswers) => api.put<Intake>(`${p(patientId)}/intake`, answers),
  submitIntake: (patientId: string) => api.post<IntakeSubmitResult>(`${p(patientId)}/intake/submit`),
  instruments: () => api.get<InstrumentList>('/instruments'),
  submitAssessment: (patientId: string, instrument: string, answers: AnswerSet, context: 'followup' | 'checkin' | 'session') =>
    api.post<AssessmentCreated>(`${p(patientId)}/assessments`, { instrument, answers, context }),
  assessments: (patientId: string) => api.get<AssessmentList>(`${p(patientId)}/assessments`),

  // consent and education
  consentDocument: () => api.get<ConsentDocument>('/consent/current'),
  consents: (patientId: string) => api.get<ConsentList>(`${p(patientId)}/consents`),
  signConsent: (patientId: string, version: number, password: string) =>
    api.post<ConsentSignature>(`${p(patientId)}/consents`, { version, signature: { password } }),
  education: () => api.get<EducationList>('/education'),
  educationModule: (slug: string) => api.get<EducationModule>(`/education/${encodeURIComponent(slug)}`),
  completeModule: (slug: string) => api.post<EducationComplete>(`/education/${encodeURIComponent(slug)}/complete`),

  // plan and sessions
  plan: (patientId: string) => api.get<{ plan: Plan }>(`${p(patientId)}/plan`),
  sessions: (patientId: string) => api.get<{ items: SessionSummary[] }>(`${p(patientId)}/sessions`),
  scheduleSession: (patientId: string, scheduledFor: string) =>
    api.post<z.infer<typeof sessionResponse>>(`${p(patientId)}/sessions`, { scheduledFor }),
  session: (sessionId: string) => api.get<{ session: SessionDetail }>(s(sessionId)),
  checklist: (sessionId: string, input: ChecklistInput) => api.post<unknown>(`${s(sessionId)}/checklist`, input),
  vitals: (sessionId: string, input: VitalsInput) => api.post<VitalsResult>(`${s(sessionId)}/vitals`, input),
  authorize: (sessionId: string, idempotencyKey: string) =>
    api.post<AuthorizeResult>(`${s(sessionId)}/authorize`, {}, { headers: { 'idempotency-key': idempotencyKey } }),
  start: (sessionId: string) => api.post<{ session: SessionDetail }>(`${s(sessionId)}/start`),
  complete: (sessionId: string, input: CompleteSessionInput) => api.post<{ session: SessionDetail }>(`${s(sessionId)}/complete`, input),
  abort: (sessionId: string, reason: string) => api.post<{ session: SessionDetail }>(`${s(sessionId)}/abort`, { reason }),

  // monitoring
  schedule: (patientId: string) => api.get<AssessmentSchedule>(`${p(patientId)}/assessment-schedule`),
  checkIn: (patientId: string, input: CheckInInput) => api.post<CheckInResult>(`${p(patientId)}/check-ins`, input),
  checkIns: (patientId: string) => api.get<CheckInList>(`${p(patientId)}/check-ins`),
  crisis: (patientId: string) => api.get<Crisis>(`${p(patientId)}/crisis`),
  outcomes: (patientId: string) => api.get<Outcomes>(`${p(patientId)}/outcomes`),

  // appointments
  appointments: (patientId: string) => api.get<PatientAppointments>(`${p(patientId)}/appointments`),
  careTeam: (patientId: string) => api.get<CareTeam>(`${p(patientId)}/care-team`),
  availability: (staffId: string, from: string, to: string) =>
    api.get<Availability>(`/staff/${encodeURIComponent(staffId)}/availability?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
  book: (patientId: string, input: { staffId: string; kind: AppointmentKind; startsAt: string }) =>
    api.post<z.infer<typeof appointmentBookResponse>>(`${p(patientId)}/appointments`, input),
  cancelAppointment: (appointmentId: string, reason: string) =>
    api.post<z.infer<typeof appointmentResponse>>(`/appointments/${encodeURIComponent(appointmentId)}/cancel`, { reason }),
  myAppointments: () => api.get<z.infer<typeof appointmentList>>('/appointments'),

  // messages
  threads: (patientId: string) => api.get<ThreadList>(`${p(patientId)}/messages`),
  thread: (patientId: string, threadId: string) => api.get<Thread>(`${p(patientId)}/messages/${encodeURIComponent(threadId)}`),
  markRead: (patientId: string, threadId: string) => api.post<unknown>(`${p(patientId)}/messages/${encodeURIComponent(threadId)}/read`),
  send: (patientId: string, input: { threadId?: string; subject?: string; recipient?: 'care_team' | 'coach'; body: string }) =>
    api.post<MessageSent>(`${p(patientId)}/messages`, input),

  // journal
  journal: (patientId: string, q?: string) =>
    api.get<JournalList>(`${p(patientId)}/journal${q ? `?q=${encodeURIComponent(q)}` : ''}`),
  journalPrompts: (patientId: string) => api.get<JournalPrompts>(`${p(patientId)}/journal/prompts`),
  writeJournal: (
    patientId: string,
    input: { body: string; prompt?: string; sessionId?: string; sharedWithCoach: boolean; sharedWithClinician: boolean },
  ) => api.post<z.infer<typeof journalEntryResponse>>(`${p(patientId)}/journal`, input),
  shareJournal: (patientId: string, entryId: string, input: { sharedWithCoach: boolean; sharedWithClinician: boolean }) =>
    api.post<z.infer<typeof journalEntryResponse>>(`${p(patientId)}/journal/${encodeURIComponent(entryId)}/sharing`, input),

  // support network
  support: (patientId: string) => api.get<SupportHome>(`${p(patientId)}/support`),
  sitters: (patientId: string) => api.get<Sitters>(`${p(patientId)}/sitters`),
  inviteSitter: (patientId: string, input: { email: string; name: string; relationship?: string }) =>
    api.post<Sitters>(`${p(patientId)}/sitters`, { ...input, confirmsAdult: true }),
  addContact: (
    patientId: string,
    input: { name: string; relationship?: string; phone?: string; email?: string; isEmergencyContact: boolean },
  ) => api.post<SupportContacts>(`${p(patientId)}/support-contacts`, input),
  removeContact: (patientId: string, contactId: string) =>
    api.delete<SupportContacts>(`${p(patientId)}/support-contacts/${encodeURIComponent(contactId)}`),
};

/** Query keys, so a mutation can refresh exactly what it changed. */
export const patientKeys = {
  all: (patientId: string) => ['patient', patientId] as const,
  intake: (patientId: string) => ['patient', patientId, 'intake'] as const,
  consents: (patientId: string) => ['patient', patientId, 'consents'] as const,
  education: (patientId: string) => ['patient', patientId, 'education'] as const,
  plan: (patientId: string) => ['patient', patientId, 'plan'] as const,
  sessions: (patientId: string) => ['patient', patientId, 'sessions'] as const,
  session: (sessionId: string) => ['session', sessionId] as const,
  schedule: (patientId: string) => ['patient', patientId, 'schedule'] as const,
  crisis: (patientId: string) => ['patient', patientId, 'crisis'] as const,
  outcomes: (patientId: string) => ['patient', patientId, 'outcomes'] as const,
  checkIns: (patientId: string) => ['patient', patientId, 'check-ins'] as const,
  appointments: (patientId: string) => ['patient', patientId, 'appointments'] as const,
  careTeam: (patientId: string) => ['patient', patientId, 'care-team'] as const,
  threads: (patientId: string) => ['patient', patientId, 'threads'] as const,
  thread: (patientId: string, threadId: string) => ['patient', patientId, 'threads', threadId] as const,
  journal: (patientId: string, q: string) => ['patient', patientId, 'journal', q] as const,
  journalPrompts: (patientId: string) => ['patient', patientId, 'journal-prompts'] as const,
  support: (patientId: string) => ['patient', patientId, 'support'] as const,
  sitters: (patientId: string) => ['patient', patientId, 'sitters'] as const,
};
