import type {
  Alert,
  Appointment,
  PanelRow,
  PatientOutcomesResponse,
  PlanTermsInput,
  ResolveAlertRequest,
  RiskResponse,
  TimelineItem,
  alertListResponse,
  clinicianVisitCreateRequest,
  clinicianVisitCreateResponse,
  clinicianVisitList,
  countResponse,
  decisionResponse,
  dispenseRequest,
  dispenseResponse,
  intakeFormSchema,
  intakeSchema,
  ledgerEntryResponse,
  ledgerResponse,
  lossRequest,
  panelQuery,
  panelResponse,
  patientAppointmentList,
  planHistoryResponse,
  planResponse,
  reviewQueue,
  claimResponse,
  sessionDetailResponse,
  sessionList,
  timelineResponse,
  careTeamResponse,
  sitterList,
} from '@keel/contract';
import type { z } from 'zod';
import type { ProgramSettings } from './admin-api.ts';
import { api } from './client.ts';

/** The clinician app's calls to /api/v1. Types come from the contract's schemas; zod never enters the bundle. */

export type { Alert, Appointment, PanelRow, PatientOutcomesResponse, PlanTermsInput, RiskResponse, TimelineItem };
export type PanelQuery = Partial<z.infer<typeof panelQuery>>;
export type PanelResponse = z.infer<typeof panelResponse>;
export type AlertList = z.infer<typeof alertListResponse>;
export type ReviewQueue = z.infer<typeof reviewQueue>;
export type ReviewQueueItem = ReviewQueue['items'][number];
export type Intake = z.infer<typeof intakeSchema>;
export type Screening = NonNullable<Intake['screening']>;
export type IntakeForm = z.infer<typeof intakeFormSchema>;
export type DecisionResponse = z.infer<typeof decisionResponse>;
export type DecisionKind = DecisionResponse['decision'];
export type ClaimResponse = z.infer<typeof claimResponse>;
export type PlanHistory = z.infer<typeof planHistoryResponse>;
export type PlanVersion = PlanHistory['items'][number];
export type Plan = z.infer<typeof planResponse>['plan'];
export type Ledger = z.infer<typeof ledgerResponse>;
export type LedgerEntry = Ledger['entries'][number];
export type CountResponse = z.infer<typeof countResponse>;
export type LossRequest = z.infer<typeof lossRequest>;
export type DispenseRequest = z.input<typeof dispenseRequest>;
export type DispenseResponse = z.infer<typeof dispenseResponse>;
export type LedgerEntryResponse = z.infer<typeof ledgerEntryResponse>;
export type SessionList = z.infer<typeof sessionList>;
export type Session = SessionList['items'][number];
export type SessionDetail = z.infer<typeof sessionDetailResponse>['session'];
export type TimelinePage = z.infer<typeof timelineResponse>;
export type VisitList = z.infer<typeof clinicianVisitList>;
export type Visit = VisitList['items'][number];
export type VisitRequest = z.input<typeof clinicianVisitCreateRequest>;
export type VisitResponse = z.infer<typeof clinicianVisitCreateResponse>;
export type PatientAppointments = z.infer<typeof patientAppointmentList>;
export type FollowUp = PatientAppointments['followUps'][number];
export type CareTeam = z.infer<typeof careTeamResponse>;
export type SitterList = z.infer<typeof sitterList>;
export type AlertStatusFilter = 'open' | 'acknowledged' | 'resolved' | 'all';

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

const patient = (patientId: string) => `/patients/${encodeURIComponent(patientId)}`;

export const clinicianApi = {
  panel: (q: PanelQuery) => api.get<PanelResponse>(`/patients${query({ ...q })}`),
  alerts: (q: { status: AlertStatusFilter; patientId?: string; cursor?: string; limit?: number }) => api.get<AlertList>(`/alerts${query(q)}`),
  acknowledgeAlert: (alertId: string) => api.post<Alert>(`/alerts/${encodeURIComponent(alertId)}/acknowledge`),
  resolveAlert: (alertId: string, body: ResolveAlertRequest) => api.post<Alert>(`/alerts/${encodeURIComponent(alertId)}/resolve`, body),

  reviewQueue: () => api.get<ReviewQueue>('/review-queue'),
  intake: (patientId: string) => api.get<Intake>(`${patient(patientId)}/intake`),
  intakeForm: () => api.get<IntakeForm>('/intake/form'),
  claimIntake: (patientId: string) => api.post<ClaimResponse>(`${patient(patientId)}/intake/claim`),
  decideIntake: (patientId: string, body: { decision: DecisionKind; note: string; noteVisibleToPatient: boolean; signature: { password: string } }) =>
    api.post<DecisionResponse>(`${patient(patientId)}/intake/decision`, body),

  careTeam: (patientId: string) => api.get<CareTeam>(`${patient(patientId)}/care-team`),
  sitters: (patientId: string) => api.get<SitterList>(`${patient(patientId)}/sitters`),
  approveSitter: (patientId: string, assignmentId: string) =>
    api.post<SitterList>(`${patient(patientId)}/sitters/${encodeURIComponent(assignmentId)}/approve`),
  timeline: (patientId: string, cursor?: string) => api.get<TimelinePage>(`${patient(patientId)}/timeline${query({ limit: 30, cursor })}`),
  outcomes: (patientId: string) => api.get<PatientOutcomesResponse>(`${patient(patientId)}/outcomes`),
  risk: (patientId: string) => api.get<RiskResponse>(`${patient(patientId)}/risk`),

  programSettings: () => api.get<ProgramSettings>('/settings'),
  plans: (patientId: string) => api.get<PlanHistory>(`${patient(patientId)}/plans`),
  createPlan: (patientId: string, body: { terms: PlanTermsInput; basedOn?: string }) => api.post<{ plan: Plan }>(`${patient(patientId)}/plans`, body),
  updatePlan: (planId: string, revision: number, terms: PlanTermsInput) =>
    api.put<{ plan: Plan }>(`/plans/${encodeURIComponent(planId)}`, { terms }, { headers: { 'if-match': `"${revision}"` } }),
  signPlan: (planId: string, password: string) => api.post<{ plan: Plan }>(`/plans/${encodeURIComponent(planId)}/sign`, { signature: { password } }),

  ledger: (patientId: string) => api.get<Ledger>(`${patient(patientId)}/ledger`),
  recordCount: (patientId: string, body: { countedUnits: number; note?: string }) => api.post<CountResponse>(`${patient(patientId)}/ledger/counts`, body),
  recordLoss: (patientId: string, body: LossRequest) => api.post<LedgerEntryResponse>(`${patient(patientId)}/ledger/losses`, body),
  recordDisposal: (patientId: string, body: { kind: 'returned' | 'disposed'; units: number; manner: string }) => api.post<LedgerEntryResponse>(`${patient(patientId)}/ledger/disposals`, body),
  dispense: (patientId: string, body: DispenseRequest) => api.post<DispenseResponse>(`${patient(patientId)}/dispenses`, body),

  sessions: (patientId: string) => api.get<SessionList>(`${patient(patientId)}/sessions`),
  session: (sessionId: string) => api.get<{ session: SessionDetail }>(`/sessions/${encodeURIComponent(sessionId)}`),

  visits: (patientId: string) => api.get<VisitList>(`${patient(patientId)}/visits`),
  recordVisit: (patientId: string, body: VisitRequest) => api.post<VisitResponse>(`${patient(patientId)}/visits`, body),
  appointments: (patientId: string) => api.get<PatientAppointments>(`${patient(patientId)}/appointments`),
};

/** Query keys, so a mutation can refresh exactly what it changed. */
export const clinicianKeys = {
  all: ['clinician'] as const,
  panel: (q: PanelQuery) => ['clinician', 'panel', q] as const,
  alerts: (status: AlertStatusFilter, patientId?: string) => ['clinician', 'alerts', status, patientId ?? null] as const,
  reviewQueue: ['clinician', 'review-queue'] as const,
  patient: (patientId: string) => ['clinician', 'patient', patientId] as const,
  patientPart: (patientId: string, part: string) => ['clinician', 'patient', patientId, part] as const,
};
