import { z } from 'zod';
import { isoDateTime, uuid } from './common.ts';

export const auditQuery = z.strictObject({
  patientId: uuid.optional(),
  actorId: uuid.optional(),
  /** Part of the person's name or email. */
  actor: z.string().trim().min(1).max(200).optional(),
  /** Part of the patient's name. */
  patient: z.string().trim().min(1).max(200).optional(),
  action: z.string().max(100).optional(),
  outcome: z.enum(['success', 'denied', 'failure']).optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
});

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: isoDateTime,
  actorId: uuid.nullable(),
  actorRole: z.string().nullable(),
  actorName: z.string().nullable(),
  patientName: z.string().nullable(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  patientId: uuid.nullable(),
  /** A list read (the clinician panel): how many patients it showed; patientId is then null. */
  patientsShown: z.number().int().nullable(),
  outcome: z.enum(['success', 'denied', 'failure']),
  requestId: z.string().nullable(),
  clientAddress: z.string().nullable(),
});
export const auditPage = z.object({ items: z.array(auditEntrySchema), nextBefore: z.number().int().nullable() });

export const accessLogEntrySchema = z.object({
  at: isoDateTime,
  who: z.string(),
  role: z.string().nullable(),
  action: z.string(),
  resourceType: z.string(),
  outcome: z.enum(['success', 'denied', 'failure']),
});
/** Newest first, a page at a time: `before` is the previous page's `nextBefore`. */
export const accessLogQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).optional(),
});
export const accessLog = z.object({ items: z.array(accessLogEntrySchema), nextBefore: z.number().int().nullable() });
