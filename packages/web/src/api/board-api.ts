import type {
  boardResponse,
  cancelOnCallShiftResponse,
  channelMessageSchema,
  createOnCallShiftRequest,
  createOnCallShiftResponse,
  onCallGapsResponse,
  onCallNowResponse,
  onCallShiftList,
  onCallShiftSchema,
} from '@keel/contract';
import type { z } from 'zod';
import { api } from './client.ts';

/**
 * The on-call rota, the live session board and the session channel (docs/live-board.md). Types come from the
 * contract's schemas; zod never enters the bundle.
 */

export type Shift = z.infer<typeof onCallShiftSchema>;
export type OnCallNow = z.infer<typeof onCallNowResponse>;
export type CoverageGap = z.infer<typeof onCallGapsResponse>['items'][number];
/** Local wall times "YYYY-MM-DDTHH:mm" in `timeZone`; `repeatWeeks` (0–12) more weekly shifts. */
export type NewShift = z.input<typeof createOnCallShiftRequest>;
export type Board = z.infer<typeof boardResponse>;
export type BoardRow = Board['items'][number];
export type BoardVitals = NonNullable<BoardRow['latestVitals']>;
export type HoldLimits = BoardRow['holdLimits'];
export type ChannelMessage = z.infer<typeof channelMessageSchema>;

const channel = (sessionId: string) => `/sessions/${encodeURIComponent(sessionId)}/channel`;

export const boardApi = {
  shifts: (from: string, to: string) => api.get<z.infer<typeof onCallShiftList>>(`/on-call/shifts?${new URLSearchParams({ from, to }).toString()}`),
  addShift: (body: NewShift) => api.post<z.infer<typeof createOnCallShiftResponse>>('/on-call/shifts', body),
  cancelShift: (shiftId: string) => api.delete<z.infer<typeof cancelOnCallShiftResponse>>(`/on-call/shifts/${encodeURIComponent(shiftId)}`),
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
