// Schemas of the care-continuity part of the API (docs/continuity.md): appointments and availability, clinician visits,
// integration coaching, the journal, secure messaging, the support network, coordination of care and discharge.
import { z } from 'zod';
import { eventDate, isoDateTime, longText, shortText, usState, uuid } from './common.ts';

const passwordSignature = z.strictObject({ password: z.string().min(1).max(256) });
const phone = z.string().trim().min(3).max(40);
const optionalEmail = z.email().max(254);

// ---------------------------------------------------------------------------------------------------------------
// Appointments and availability

export const appointmentKind = z.enum(['initial_evaluation', 'clinician_follow_up', 'integration', 'sitter_orientation']);
export const appointmentStatus = z.enum(['booked', 'completed', 'cancelled', 'missed']);
export const appointmentModality = z.enum(['audio_video', 'in_person']);

export const appointmentParams = z.strictObject({ appointmentId: uuid });
export const staffParams = z.strictObject({ staffId: uuid });

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM (24-hour), on a quarter hour');

export const weeklyHours = z.strictObject({
  /** 0 = Sunday … 6 = Saturday, in the staff member's time zone. */
  weekday: z.number().int().min(0).max(6),
  start: hhmm,
  end: hhmm,
});
export const availabilityException = z.strictObject({
  date: eventDate,
  kind: z.enum(['available', 'unavailable']),
  /** Absent start/end on an `unavailable` exception: the whole day. */
  start: hhmm.optional(),
  end: hhmm.optional(),
  reason: z.string().trim().max(200).optional(),
});
export const availabilityUpdateRequest = z.strictObject({
  /** IANA time zone, e.g. America/Los_Angeles; the weekly hours and exceptions are in it. */
  timeZone: z.string().min(1).max(64).optional(),
  weekly: z.array(weeklyHours).max(50),
  exceptions: z.array(availabilityException).max(200).default([]),
});
export const availabilityQuery = z.strictObject({
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  durationMinutes: z.coerce.number().int().min(15).max(240).multipleOf(15).optional(),
});
export const availabilityResponse = z.object({
  staffId: uuid,
  staffName: z.string(),
  timeZone: z.string(),
  weekly: z.array(z.object({ weekday: z.number().int(), start: z.string(), end: z.string() })),
  exceptions: z.array(
    z.object({ date: z.string(), kind: z.enum(['available', 'unavailable']), start: z.string().nullable(), end: z.string().nullable(), reason: z.string().nullable() }),
  ),
  /** Bookable starts in the queried window for the queried duration (15-minute grid, UTC). */
  openSlots: z.array(z.object({ startsAt: isoDateTime, endsAt: isoDateTime })),
});

export const appointmentRecurrence = z.strictObject({
  every: z.enum(['weekly', 'biweekly']),
  /** Number of sessions in the series, the first included. */
  count: z.number().int().min(2).max(26),
});

export const appointmentBookRequest = z.strictObject({
  staffId: uuid,
  kind: appointmentKind,
  startsAt: isoDateTime,
  durationMinutes: z.number().int().min(15).max(240).multipleOf(15).optional(),
  modality: appointmentModality.optional(),
  /** Sitter orientation: the sitter assignment whose sitter attends. */
  sitterAssignmentId: uuid.optional(),
  /** Integration sessions only: book a weekly or biweekly series in one go (all or none). */
  recurrence: appointmentRecurrence.optional(),
});
export const appointmentBookWithPatientRequest = appointmentBookRequest.extend({ patientId: uuid });

export const appointmentRescheduleRequest = z.strictObject({
  startsAt: isoDateTime,
  durationMinutes: z.number().int().min(15).max(240).multipleOf(15).optional(),
  reason: z.string().trim().min(1).max(500),
});
export const appointmentCancelRequest = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const appointmentStatusRequest = z.strictObject({ status: z.enum(['completed', 'missed']) });

export const appointmentSchema = z.object({
  id: uuid,
  patientId: uuid,
  patientName: z.string(),
  staffId: uuid,
  staffName: z.string(),
  staffRole: z.string(),
  kind: appointmentKind,
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  status: appointmentStatus,
  modality: appointmentModality,
  sitterUserId: uuid.nullable(),
  followUpId: uuid.nullable(),
  seriesId: uuid.nullable(),
  seriesIndex: z.number().int().nullable(),
  rescheduledFromId: uuid.nullable(),
  cancelReason: z.string().nullable(),
  bookedBy: uuid,
  createdAt: isoDateTime,
  icsUrl: z.string(),
});
export type Appointment = z.infer<typeof appointmentSchema>;

export const appointmentFollowUpSchema = z.object({
  id: uuid,
  reason: z.string(),
  dueAt: isoDateTime,
  status: z.enum(['due', 'completed', 'cancelled']),
  overdue: z.boolean(),
  appointmentId: uuid.nullable(),
});

export const appointmentBookResponse = z.object({ appointments: z.array(appointmentSchema) });
export const appointmentResponse = z.object({ appointment: appointmentSchema });
export const appointmentListQuery = z.strictObject({
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  includeCancelled: z.enum(['true', 'false']).optional(),
});
export const appointmentList = z.object({ items: z.array(appointmentSchema) });
export const patientAppointmentList = z.object({ items: z.array(appointmentSchema), followUps: z.array(appointmentFollowUpSchema) });

// ---------------------------------------------------------------------------------------------------------------
// Clinician visits (telehealth prescribing record)

export const clinicianVisitCreateRequest = z.strictObject({
  occurredAt: isoDateTime,
  modality: appointmentModality,
  /** Where the patient was located during the visit. */
  patientState: usState,
  prescriberLicenseState: usState,
  inPersonEvaluationOn: eventDate.optional(),
  appointmentId: uuid.optional(),
  note: longText.optional(),
});
export const clinicianVisitSchema = z.object({
  id: uuid,
  patientId: uuid,
  clinicianId: uuid,
  clinicianName: z.string(),
  occurredAt: isoDateTime,
  modality: appointmentModality,
  patientState: z.string(),
  prescriberLicenseState: z.string(),
  prescriberDeaRegistration: z.string().nullable(),
  inPersonEvaluationOn: z.string().nullable(),
  appointmentId: uuid.nullable(),
  note: z.string().nullable(),
});
export const clinicianVisitCreateResponse = z.object({ visit: clinicianVisitSchema, completedFollowUps: z.array(uuid) });
export const clinicianVisitList = z.object({ items: z.array(clinicianVisitSchema) });

// ---------------------------------------------------------------------------------------------------------------
// Integration coaching

export const practiceCategory = z.enum(['journaling', 'breathing', 'mindfulness', 'movement']);
export const practiceSchema = z.object({
  id: uuid,
  slug: z.string(),
  category: practiceCategory,
  title: z.string(),
  summary: z.string(),
  instructions: z.string(),
  minutes: z.number().int(),
});
export const practiceLibrary = z.object({ items: z.array(practiceSchema) });

export const practiceAssignRequest = z.strictObject({
  practiceSlug: z.string().min(1).max(80),
  frequency: z.string().trim().max(200).optional(),
});
export const practiceDoneRequest = z.strictObject({ note: z.string().max(2000).optional() });
export const practiceAssignmentSchema = z.object({
  id: uuid,
  practice: practiceSchema,
  assignedBy: uuid,
  assignedAt: isoDateTime,
  frequency: z.string().nullable(),
  status: z.enum(['assigned', 'completed', 'withdrawn']),
  completedAt: isoDateTime.nullable(),
  completionNote: z.string().nullable(),
});
export const practiceAssignmentList = z.object({ items: z.array(practiceAssignmentSchema) });
export const practiceAssignmentParams = z.strictObject({ patientId: uuid, assignmentId: uuid });

export const coachingNoteCreateRequest = z.strictObject({
  sessionOn: eventDate,
  appointmentId: uuid.optional(),
  themes: z.array(z.string().trim().min(1).max(100)).max(20),
  insights: z.string().trim().min(1).max(10_000),
  /** Practice slugs from the library; each becomes an assignment. */
  practicesAssigned: z.array(z.string().min(1).max(80)).max(10).default([]),
  nextSteps: z.string().trim().min(1).max(5_000),
});
export const coachingNoteSchema = z.object({
  id: uuid,
  patientId: uuid,
  coachId: uuid,
  coachName: z.string(),
  appointmentId: uuid.nullable(),
  sessionOn: z.string(),
  themes: z.array(z.string()),
  insights: z.string(),
  practicesAssigned: z.array(z.string()),
  nextSteps: z.string(),
  createdAt: isoDateTime,
});
export const coachingNoteList = z.object({ items: z.array(coachingNoteSchema) });

export const caseloadResponse = z.object({
  items: z.array(
    z.object({
      patientId: uuid,
      name: z.string(),
      status: z.string(),
      nextIntegrationSession: isoDateTime.nullable(),
      lastNote: z.object({ id: uuid, sessionOn: z.string(), createdAt: isoDateTime }).nullable(),
      sharedJournalCount: z.number().int(),
      openPractices: z.number().int(),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------------------------
// Journal

export const journalCreateRequest = z.strictObject({
  body: z.string().trim().min(1).max(20_000),
  prompt: z.string().trim().max(500).optional(),
  /** The completed session a post-session prompt refers to. */
  sessionId: uuid.optional(),
  sharedWithCoach: z.boolean().default(false),
  sharedWithClinician: z.boolean().default(false),
});
export const journalSharingRequest = z.strictObject({ sharedWithCoach: z.boolean(), sharedWithClinician: z.boolean() });
export const journalQuery = z.strictObject({
  q: z.string().trim().min(1).max(200).optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
});
export const journalEntryParams = z.strictObject({ patientId: uuid, entryId: uuid });
export const journalEntrySchema = z.object({
  id: uuid,
  body: z.string(),
  prompt: z.string().nullable(),
  sessionId: uuid.nullable(),
  sharedWithCoach: z.boolean(),
  sharedWithClinician: z.boolean(),
  writtenAt: isoDateTime,
  updatedAt: isoDateTime,
});
export const journalEntryResponse = z.object({ entry: journalEntrySchema });
export const journalList = z.object({ items: z.array(journalEntrySchema) });
export const journalPrompts = z.object({
  postSession: z.array(z.object({ sessionId: uuid, completedAt: isoDateTime, prompt: z.string() })),
  general: z.array(z.string()),
});

// ---------------------------------------------------------------------------------------------------------------
// Secure messaging

export const messageCrisisResource = z.object({
  id: z.string(),
  name: z.string(),
  instruction: z.string(),
  contact: z.object({ kind: z.string(), value: z.string(), href: z.string() }),
});
export const replyExpectationSchema = z.object({
  businessHours: z.number(),
  text: z.string(),
});
export const messageRecipient = z.enum(['care_team', 'coach']);
export const messageSendRequest = z.strictObject({
  /** Absent: a new thread with `subject`. */
  threadId: uuid.optional(),
  subject: z.string().trim().min(1).max(200).optional(),
  /** A new thread's addressee (default: the whole care team). */
  recipient: messageRecipient.optional(),
  body: z.string().trim().min(1).max(10_000),
});
export const messageSchema = z.object({
  id: uuid,
  threadId: uuid,
  senderId: uuid,
  senderName: z.string(),
  senderRole: z.enum(['patient', 'clinician', 'coach']),
  body: z.string(),
  urgent: z.boolean(),
  sentAt: isoDateTime,
  responseMinutes: z.number().nullable(),
  readBy: z.array(z.object({ userId: uuid, name: z.string(), readAt: isoDateTime })),
});
export const messageThreadSchema = z.object({
  id: uuid,
  subject: z.string(),
  recipient: messageRecipient,
  createdAt: isoDateTime,
  lastMessageAt: isoDateTime,
  /** The oldest patient message the care team has not answered; null when nothing waits. */
  awaitingReplySince: isoDateTime.nullable(),
  /** When the answer is due: the program's reply time in business hours from `awaitingReplySince`. */
  replyDueAt: isoDateTime.nullable(),
  overdue: z.boolean(),
  /** A patient message with urgent language is waiting for an answer. */
  urgent: z.boolean(),
  assignedTo: z.object({ id: uuid, name: z.string() }).nullable(),
  unreadCount: z.number().int(),
});
export const messageSendResponse = z.object({
  message: messageSchema,
  thread: messageThreadSchema,
  replyExpectation: replyExpectationSchema,
  urgent: z.boolean(),
  /** Present when the message used language that may mean the patient is at risk. */
  crisis: z.object({ message: z.string(), resources: z.array(messageCrisisResource) }).nullable(),
  alertIds: z.array(uuid),
});
export const threadList = z.object({
  threads: z.array(messageThreadSchema),
  replyExpectation: replyExpectationSchema,
  responseTime: z.object({ replies: z.number().int(), medianMinutes: z.number().nullable(), lastMinutes: z.number().nullable() }),
});
export const threadParams = z.strictObject({ patientId: uuid, threadId: uuid });
export const threadResponse = z.object({ thread: messageThreadSchema, messages: z.array(messageSchema), replyExpectation: replyExpectationSchema });
export const threadReadResponse = z.object({ marked: z.number().int(), thread: messageThreadSchema });
export const threadAssignRequest = z.strictObject({ assigneeId: uuid.nullable() });
export const threadAssignResponse = z.object({ thread: messageThreadSchema });
export const inboxQuery = z.strictObject({
  /** Only threads assigned to the caller. */
  mine: z.enum(['true', 'false']).optional(),
  /** Only threads waiting for a care-team answer. */
  waiting: z.enum(['true', 'false']).optional(),
});
export const inboxResponse = z.object({
  items: z.array(
    z.object({
      patientId: uuid,
      patientName: z.string(),
      thread: messageThreadSchema,
      lastMessage: z.object({ senderName: z.string(), senderRole: z.enum(['patient', 'clinician', 'coach']), preview: z.string() }).nullable(),
    }),
  ),
  counts: z.object({ unread: z.number().int(), waiting: z.number().int(), overdue: z.number().int(), urgent: z.number().int() }),
  replyExpectation: replyExpectationSchema,
});

// ---------------------------------------------------------------------------------------------------------------
// Support network and resources directory

export const supportContactCreateRequest = z.strictObject({
  name: shortText,
  relationship: z.string().trim().max(100).optional(),
  phone: phone.optional(),
  email: optionalEmail.optional(),
  isEmergencyContact: z.boolean().default(true),
  note: z.string().max(1000).optional(),
});
export const supportContactSchema = z.object({
  id: uuid,
  name: z.string(),
  relationship: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  isEmergencyContact: z.boolean(),
  note: z.string().nullable(),
  createdAt: isoDateTime,
});
export const supportContactList = z.object({ items: z.array(supportContactSchema) });
export const supportContactParams = z.strictObject({ patientId: uuid, contactId: uuid });

export const resourceContact = z.strictObject({
  kind: z.enum(['call', 'text', 'chat', 'web']),
  value: z.string().trim().min(1).max(200),
  href: z.string().trim().min(1).max(500).regex(/^(tel:|sms:|https:\/\/)/, 'must start with tel:, sms: or https://'),
  instruction: z.string().trim().min(1).max(300),
});
export const resourceItem = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{2,60}$/, 'lower-case letters, digits and dashes'),
  name: shortText,
  category: z.enum(['crisis', 'emergency', 'peer_support', 'other']),
  description: z.string().trim().max(1000),
  contacts: z.array(resourceContact).min(1).max(10),
});
export const resourcesUpdateRequest = z.strictObject({ items: z.array(resourceItem).min(1).max(100) });
export const resourcesResponse = z.object({
  version: z.number().int(),
  updatedAt: isoDateTime.nullable(),
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      category: z.string(),
      description: z.string(),
      contacts: z.array(z.object({ kind: z.string(), value: z.string(), href: z.string(), instruction: z.string() })),
    }),
  ),
});

export const supportHomeResponse = z.object({
  sitters: z.array(z.object({ id: uuid, name: z.string(), relationship: z.string().nullable(), status: z.string() })),
  contacts: z.array(supportContactSchema),
  resources: resourcesResponse.shape.items,
  replyExpectation: replyExpectationSchema,
});

// ---------------------------------------------------------------------------------------------------------------
// Coordination of care

export const outsideClinicianKind = z.enum(['psychiatrist', 'therapist', 'primary_care', 'other']);
export const outsideClinicianCreateRequest = z.strictObject({
  kind: outsideClinicianKind,
  name: shortText,
  organization: z.string().trim().max(200).optional(),
  phone: phone.optional(),
  fax: phone.optional(),
  email: optionalEmail.optional(),
  address: z.string().trim().max(500).optional(),
});
export const outsideClinicianSchema = z.object({
  id: uuid,
  kind: outsideClinicianKind,
  name: z.string(),
  organization: z.string().nullable(),
  phone: z.string().nullable(),
  fax: z.string().nullable(),
  email: z.string().nullable(),
  address: z.string().nullable(),
  createdAt: isoDateTime,
});
export const outsideClinicianList = z.object({ items: z.array(outsideClinicianSchema) });

export const disclosureKind = z.enum(['start_of_treatment', 'discharge_summary']);
export const disclosureConsentCreateRequest = z.strictObject({
  outsideClinicianId: uuid,
  purposes: z.array(disclosureKind).min(1).max(2),
  /** 42 CFR Part 2: substance-use information goes out only when the patient says so here. */
  includeSubstanceUse: z.boolean(),
  expiresOn: eventDate.optional(),
  signature: passwordSignature,
});
export const disclosureConsentSchema = z.object({
  id: uuid,
  outsideClinicianId: uuid,
  purposes: z.array(disclosureKind),
  includeSubstanceUse: z.boolean(),
  expiresOn: z.string().nullable(),
  grantedAt: isoDateTime,
  signatureId: uuid,
  revokedAt: isoDateTime.nullable(),
  active: z.boolean(),
});
export const disclosureConsentList = z.object({ items: z.array(disclosureConsentSchema) });
export const disclosureConsentParams = z.strictObject({ patientId: uuid, consentId: uuid });

export const disclosureCreateRequest = z.strictObject({ outsideClinicianId: uuid, kind: disclosureKind });
export const disclosureSchema = z.object({
  id: uuid,
  outsideClinicianId: uuid,
  consentId: uuid,
  kind: disclosureKind,
  includesSubstanceUse: z.boolean(),
  disclosedBy: uuid,
  disclosedAt: isoDateTime,
  documentSha256: z.string(),
  documentUrl: z.string(),
});
export const disclosureList = z.object({ items: z.array(disclosureSchema) });
export const disclosureParams = z.strictObject({ patientId: uuid, disclosureId: uuid });

// ---------------------------------------------------------------------------------------------------------------
// Discharge

export const dischargeRequest = z.strictObject({
  reason: z.string().trim().min(1).max(2000),
  recommendations: z.array(z.string().trim().min(1).max(1000)).min(1).max(20),
  signature: passwordSignature,
});
const outcomeLine = z.object({
  instrument: z.enum(['phq9', 'gad7']),
  baseline: z.number().nullable(),
  baselineAt: isoDateTime.nullable(),
  latest: z.number().nullable(),
  latestAt: isoDateTime.nullable(),
  changePct: z.number().nullable(),
  response: z.boolean().nullable(),
  remission: z.boolean().nullable(),
});
export const dischargeSummarySchema = z.object({
  patient: z.object({ name: z.string(), dateOfBirth: z.string(), state: z.string() }),
  enrolledAt: isoDateTime,
  course: z.object({
    sessionsCompleted: z.number().int(),
    firstSessionAt: isoDateTime.nullable(),
    lastSessionAt: isoDateTime.nullable(),
    sessionDates: z.array(isoDateTime),
    dosesMg: z.array(z.number()),
    planPhase: z.string().nullable(),
    integrationSessionsAttended: z.number().int(),
    clinicianVisits: z.number().int(),
  }),
  outcomes: z.array(outcomeLine),
  alerts: z.object({
    total: z.number().int(),
    open: z.number().int(),
    byCode: z.array(z.object({ code: z.string(), severity: z.string(), count: z.number().int() })),
  }),
  reason: z.string(),
  recommendations: z.array(z.string()),
});
export type DischargeSummary = z.infer<typeof dischargeSummarySchema>;
export const dischargeResponse = z.object({
  id: uuid,
  patientId: uuid,
  dischargedAt: isoDateTime,
  clinician: z.object({ id: uuid, name: z.string() }),
  signature: z.object({ id: uuid, printedName: z.string(), meaning: z.string(), signedAt: isoDateTime, recordSha256: z.string() }),
  summary: dischargeSummarySchema,
  summaryPdfUrl: z.string(),
});
