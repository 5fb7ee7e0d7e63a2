// The on-call rota, the live session board and its event stream, and the session channel (docs/live-board.md).
import { z } from 'zod';
import { isoDateTime, roleSchema, uuid } from './common.ts';

/** A local wall time, minute precision, with no offset: it is read in the request's `timeZone`. */
export const localDateTime = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time YYYY-MM-DDTHH:mm');

/** E.164: a plus, the country code and the number, no spaces (+15105550123). */
export const phoneNumber = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an international number such as +15105550123');

export const onCallShiftSchema = z.object({
  id: uuid,
  clinicianId: uuid,
  clinicianName: z.string(),
  backupClinicianId: uuid.nullable(),
  backupClinicianName: z.string().nullable(),
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  timeZone: z.string(),
});
export type OnCallShift = z.infer<typeof onCallShiftSchema>;

export const onCallShiftsQuery = z.strictObject({ from: isoDateTime.optional(), to: isoDateTime.optional() });
export const onCallShiftList = z.object({ items: z.array(onCallShiftSchema) });

export const createOnCallShiftRequest = z.strictObject({
  clinicianId: uuid,
  backupClinicianId: uuid.nullish(),
  startsLocal: localDateTime,
  endsLocal: localDateTime,
  /** IANA zone the wall times are in (America/New_York); checked by the server. */
  timeZone: z.string().min(1).max(64),
  /** 0–12 more shifts at the same local times one week apart (a weekly series). */
  repeatWeeks: z.number().int().min(0).max(12).optional(),
});
export type CreateOnCallShiftRequest = z.infer<typeof createOnCallShiftRequest>;
export const createOnCallShiftResponse = z.object({ items: z.array(onCallShiftSchema) });

export const shiftParams = z.strictObject({ shiftId: uuid });
export const cancelOnCallShiftResponse = z.object({ shift: onCallShiftSchema, cancelledAt: isoDateTime });

const personRef = z.object({ id: uuid, name: z.string() });
export const onCallNowResponse = z.object({ shift: onCallShiftSchema.nullable(), primary: personRef.nullable(), backup: personRef.nullable() });

export const onCallGapsQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(90).default(14) });
export const onCallGapsResponse = z.object({ items: z.array(z.object({ startsAt: isoDateTime, endsAt: isoDateTime })) });

export const liveSessionStatus = z.enum(['authorized', 'in_progress']);

export const boardRowSchema = z.object({
  sessionId: uuid,
  patientId: uuid,
  patientName: z.string(),
  patientPhone: z.string().nullable(),
  sitterName: z.string().nullable(),
  sitterPhone: z.string().nullable(),
  status: liveSessionStatus,
  authorizedAt: isoDateTime.nullable(),
  dosedAt: isoDateTime.nullable(),
  minutesSinceDose: z.number().int().nullable(),
  lastCheckAt: isoDateTime.nullable(),
  nextCheckDueAt: isoDateTime.nullable(),
  checkOverdue: z.boolean(),
  latestVitals: z
    .object({ at: isoDateTime, systolic: z.number(), diastolic: z.number(), heartRate: z.number(), spo2: z.number().nullable() })
    .nullable(),
  holdLimits: z.object({ systolicMax: z.number(), diastolicMax: z.number(), heartRateMax: z.number(), spo2Min: z.number().nullable() }),
  vitalsOverLimit: z.boolean(),
  concerns: z.array(z.object({ at: isoDateTime, text: z.string() })),
  adverseEvents: z.array(z.object({ at: isoDateTime, severity: z.enum(['mild', 'moderate', 'severe']), description: z.string() })),
  riskTier: z.enum(['low', 'elevated', 'high']).nullable(),
  openAlerts: z.array(z.object({ id: uuid, severity: z.enum(['low', 'moderate', 'high', 'critical']), kind: z.string() })),
  /** Lower is more urgent; the board is sorted by it (docs/live-board.md, "Urgency"). */
  urgency: z.number().int(),
  /** Why the row is where it is: the urgency reasons that hold, most urgent first. */
  urgencyReasons: z.array(z.enum(['check_overdue', 'concern', 'vitals_over_limit', 'urgent_alert', 'high_risk'])),
  /** How the viewer covers the patient: on the care team, or on call. */
  coverage: z.enum(['care_team', 'on_call']),
});
export type BoardRow = z.infer<typeof boardRowSchema>;
export const boardResponse = z.object({ now: isoDateTime, items: z.array(boardRowSchema) });

/** What each server-sent event's `data:` line carries (its `id:` is the event's number, its `event:` the kind). */
export const liveEventKinds = [
  'session.authorized',
  'session.started',
  'session.completed',
  'session.aborted',
  'sitter.check',
  'vitals.recorded',
  'sitter.concern',
  'adverse_event.reported',
  'channel.message',
  'alert.raised',
  'alert.acknowledged',
  'check.overdue',
] as const;
export const liveEventKind = z.enum(liveEventKinds);
export const liveEventData = z.object({ sessionId: uuid.nullable(), patientId: uuid, kind: liveEventKind, at: isoDateTime });
export type LiveEventData = z.infer<typeof liveEventData>;

export const channelMessageSchema = z.object({
  id: uuid,
  authorId: uuid,
  authorName: z.string(),
  authorRole: roleSchema,
  body: z.string(),
  urgent: z.boolean(),
  at: isoDateTime,
});
export type ChannelMessage = z.infer<typeof channelMessageSchema>;
export const channelMessageList = z.object({ items: z.array(channelMessageSchema) });
export const channelPostRequest = z.strictObject({ body: z.string().trim().min(1).max(2000) });

export const updateMeRequest = z.strictObject({ phone: phoneNumber.nullable() });
