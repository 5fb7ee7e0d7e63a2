import { api } from './client.ts';

/**
 * The on-call rota, the live session board and the session channel (docs/live-board.md). The shapes are the
 * server's answers as documented there; the type parameters are this client's claim about them.
 */

export interface Shift {
  id: string;
  clinicianId: string;
  clinicianName: string;
  backupClinicianId: string | null;
  backupClinicianName: string | null;
  startsAt: string;
  endsAt: string;
  /** The IANA zone the admin entered the shift in. */
  timeZone: string;
}

export interface OnCallNow {
  shift: Shift | null;
  primary: { id: string; name: string } | null;
  backup: { id: string; name: string } | null;
}

export interface CoverageGap {
  startsAt: string;
  endsAt: string;
}

export interface NewShift {
  clinicianId: string;
  backupClinicianId?: string;
  /** Local wall time "YYYY-MM-DDTHH:mm" in `timeZone`. */
  startsLocal: string;
  endsLocal: string;
  timeZone: string;
  /** 0–12: how many more weeks the same shift repeats. */
  repeatWeeks?: number;
}

export interface BoardVitals {
  at: string;
  systolic: number | null;
  diastolic: number | null;
  heartRate: number | null;
  spo2: number | null;
}

export interface HoldLimits {
  systolicMax: number;
  diastolicMax: number;
  heartRateMax: number;
  /** null: the program holds on no oxygen-saturation reading. */
  spo2Min: number | null;
}

export interface BoardRow {
  sessionId: string;
  patientId: string;
  patientName: string;
  patientPhone: string | null;
  sitterName: string | null;
  sitterPhone: string | null;
  status: string;
  authorizedAt: string | null;
  dosedAt: string | null;
  minutesSinceDose: number | null;
  lastCheckAt: string | null;
  nextCheckDueAt: string | null;
  checkOverdue: boolean;
  latestVitals: BoardVitals | null;
  holdLimits: HoldLimits;
  vitalsOverLimit: boolean;
  concerns: { at: string; text: string }[];
  adverseEvents: { at: string; severity: string; description: string }[];
  riskTier: 'low' | 'elevated' | 'high' | null;
  openAlerts: { id: string; severity: 'critical' | 'high' | 'moderate' | 'low'; kind: string }[];
  /** Lower is more urgent; the server sorts by it. */
  urgency: number;
  /** The urgency signals that hold, most urgent first. */
  urgencyReasons: ('check_overdue' | 'concern' | 'vitals_over_limit' | 'urgent_alert' | 'high_risk')[];
  /** How the viewer covers the patient. */
  coverage: 'care_team' | 'on_call';
}

export interface Board {
  /** The server's clock when it answered: the countdowns correct the local clock with it. */
  now: string;
  items: BoardRow[];
}

export interface ChannelMessage {
  id: string;
  authorId: string;
  authorName: string;
  authorRole: string;
  body: string;
  urgent: boolean;
  at: string;
}

const channel = (sessionId: string) => `/sessions/${encodeURIComponent(sessionId)}/channel`;

export const boardApi = {
  shifts: (from: string, to: string) => api.get<{ items: Shift[] }>(`/on-call/shifts?${new URLSearchParams({ from, to }).toString()}`),
  addShift: (body: NewShift) => api.post<{ items: Shift[] }>('/on-call/shifts', body),
  cancelShift: (shiftId: string) => api.delete<{ shift: Shift; cancelledAt: string }>(`/on-call/shifts/${encodeURIComponent(shiftId)}`),
  onCallNow: () => api.get<OnCallNow>('/on-call/now'),
  gaps: (days: number) => api.get<{ items: CoverageGap[] }>(`/on-call/gaps?days=${days}`),
  board: () => api.get<Board>('/board'),
  channel: (sessionId: string) => api.get<{ items: ChannelMessage[] }>(channel(sessionId)),
  post: (sessionId: string, body: string) => api.post<ChannelMessage>(channel(sessionId), { body }),
};

/** The Server-Sent Events stream of session changes (same-origin: the session cookie goes with it). */
export const boardStreamUrl = '/api/v1/board/stream';

export const boardKeys = {
  board: ['board'] as const,
  onCallNow: ['on-call', 'now'] as const,
  shifts: (from: string, to: string) => ['on-call', 'shifts', from, to] as const,
  gaps: ['on-call', 'gaps'] as const,
  channel: (sessionId: string) => ['session-channel', sessionId] as const,
};
