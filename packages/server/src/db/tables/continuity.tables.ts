import type { ColumnType, Generated } from 'kysely';
import type { Json, Timestamp } from '../schema.ts';

/** Kysely types of the continuity tables (see migrations/0006-continuity.ts). */

type DateColumn = ColumnType<string, string, string>;
type NullableDateColumn = ColumnType<string | null, string | null | undefined, string | null>;

export type AppointmentKind = 'initial_evaluation' | 'clinician_follow_up' | 'integration' | 'sitter_orientation';
export type AppointmentStatus = 'booked' | 'completed' | 'cancelled' | 'missed';
export type AppointmentModality = 'audio_video' | 'in_person';

export interface AvailabilityWeeklyTable {
  id: string;
  staff_id: string;
  /** 0 = Sunday … 6 = Saturday, in the staff member's time zone. */
  weekday: number;
  start_minute: number;
  end_minute: number;
}

export interface AvailabilityExceptionsTable {
  id: string;
  staff_id: string;
  on_date: DateColumn;
  kind: 'available' | 'unavailable';
  start_minute: number | null;
  end_minute: number | null;
  reason: string | null;
}

export interface AppointmentsTable {
  id: string;
  patient_id: string;
  staff_id: string;
  kind: AppointmentKind;
  starts_at: Timestamp;
  ends_at: Timestamp;
  status: Generated<AppointmentStatus>;
  modality: AppointmentModality;
  sitter_user_id: string | null;
  follow_up_id: string | null;
  series_id: string | null;
  series_index: number | null;
  rescheduled_from_id: string | null;
  booked_by: string;
  created_at: Timestamp;
  cancelled_at: Timestamp | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
  status_changed_at: Timestamp | null;
  status_changed_by: string | null;
}

export interface AppointmentSlotsTable {
  staff_id: string;
  slot_start: Timestamp;
  appointment_id: string;
  patient_id: string;
}

export interface AppointmentRemindersTable {
  id: string;
  appointment_id: string;
  patient_id: string;
  offset_kind: '24h' | '1h';
  due_at: Timestamp;
  status: Generated<'pending' | 'sent' | 'cancelled'>;
  processed_at: Timestamp | null;
}

export type PracticeCategory = 'journaling' | 'breathing' | 'mindfulness' | 'movement';

export interface PracticesTable {
  id: string;
  slug: string;
  category: PracticeCategory;
  title: string;
  summary: string;
  instructions: string;
  minutes: number;
  active: Generated<boolean>;
}

export interface PracticeAssignmentsTable {
  id: string;
  patient_id: string;
  practice_id: string;
  assigned_by: string;
  assigned_at: Timestamp;
  coaching_note_id: string | null;
  frequency: string | null;
  status: Generated<'assigned' | 'completed' | 'withdrawn'>;
  completed_at: Timestamp | null;
  completion_note: string | null;
}

export interface CoachingNotesTable {
  id: string;
  patient_id: string;
  coach_id: string;
  appointment_id: string | null;
  session_on: DateColumn;
  themes: string[];
  insights: string;
  practices_assigned: string[];
  next_steps: string;
  created_at: Timestamp;
}

export interface JournalEntriesTable {
  id: string;
  patient_id: string;
  author_id: string;
  body: string;
  prompt: string | null;
  session_id: string | null;
  shared_with_coach: Generated<boolean>;
  shared_with_clinician: Generated<boolean>;
  written_at: Timestamp;
  updated_at: Timestamp;
}

export interface MessageThreadsTable {
  id: string;
  patient_id: string;
  subject: string;
  created_by: string;
  created_at: Timestamp;
  last_message_at: Timestamp;
  awaiting_reply_since: Timestamp | null;
  recipient: Generated<MessageRecipient>;
  assigned_to: string | null;
  reply_due_at: Timestamp | null;
  overdue_alerted_at: Timestamp | null;
}

/** Who the patient wrote to: the whole care team, or their integration coach. */
export type MessageRecipient = 'care_team' | 'coach';

export interface MessagesTable {
  id: string;
  patient_id: string;
  thread_id: string;
  sender_id: string;
  sender_role: 'patient' | 'clinician' | 'coach';
  body: string;
  urgent: Generated<boolean>;
  urgent_categories: Generated<string[]>;
  sent_at: Timestamp;
  response_seconds: number | null;
}

export interface MessageReadsTable {
  message_id: string;
  user_id: string;
  patient_id: string;
  read_at: Timestamp;
}

export interface SupportContactsTable {
  id: string;
  patient_id: string;
  name: string;
  relationship: string | null;
  phone: string | null;
  email: string | null;
  is_emergency_contact: Generated<boolean>;
  note: string | null;
  created_at: Timestamp;
  removed_at: Timestamp | null;
}

export interface ResourceContactItem {
  kind: 'call' | 'text' | 'chat' | 'web';
  value: string;
  href: string;
  instruction: string;
}

export interface ResourceItem {
  id: string;
  name: string;
  category: 'crisis' | 'emergency' | 'peer_support' | 'other';
  description: string;
  contacts: ResourceContactItem[];
}

export interface ResourcesDirectoryTable {
  id: number;
  version: number;
  items: Json<ResourceItem[]>;
  updated_at: Timestamp;
  updated_by: string | null;
}

export type OutsideClinicianKind = 'psychiatrist' | 'therapist' | 'primary_care' | 'other';

export interface OutsideCliniciansTable {
  id: string;
  patient_id: string;
  kind: OutsideClinicianKind;
  name: string;
  organization: string | null;
  phone: string | null;
  fax: string | null;
  email: string | null;
  address: string | null;
  created_at: Timestamp;
  removed_at: Timestamp | null;
}

export type DisclosureKind = 'start_of_treatment' | 'discharge_summary';

export interface DisclosureConsentsTable {
  id: string;
  patient_id: string;
  outside_clinician_id: string;
  purposes: DisclosureKind[];
  includes_substance_use: boolean;
  expires_on: NullableDateColumn;
  granted_at: Timestamp;
  signature_id: string;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export interface DisclosuresTable {
  id: string;
  patient_id: string;
  outside_clinician_id: string;
  consent_id: string;
  kind: DisclosureKind;
  includes_substance_use: boolean;
  disclosed_by: string;
  disclosed_at: Timestamp;
  document: Buffer;
  document_sha256: string;
}

export interface DischargesTable {
  id: string;
  patient_id: string;
  clinician_id: string;
  discharged_at: Timestamp;
  reason: string;
  summary: Json<Record<string, unknown>>;
  record: Json<Record<string, unknown>>;
  signature_id: string;
}

export interface ContinuityTables {
  availability_weekly: AvailabilityWeeklyTable;
  availability_exceptions: AvailabilityExceptionsTable;
  appointments: AppointmentsTable;
  appointment_slots: AppointmentSlotsTable;
  appointment_reminders: AppointmentRemindersTable;
  practices: PracticesTable;
  practice_assignments: PracticeAssignmentsTable;
  coaching_notes: CoachingNotesTable;
  journal_entries: JournalEntriesTable;
  message_threads: MessageThreadsTable;
  messages: MessagesTable;
  message_reads: MessageReadsTable;
  support_contacts: SupportContactsTable;
  resources_directory: ResourcesDirectoryTable;
  outside_clinicians: OutsideCliniciansTable;
  disclosure_consents: DisclosureConsentsTable;
  disclosures: DisclosuresTable;
  discharges: DischargesTable;
}
