import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { ContinuityTables } from './tables/continuity.tables.ts';
import type { FhirTables } from './tables/fhir.tables.ts';
import type { IntakeTables } from './tables/intake.tables.ts';
import type { MonitoringTables } from './tables/monitoring.tables.ts';
import type { TreatmentTables } from './tables/treatment.tables.ts';

/**
 * Kysely's view of the tables the migrations create. Timestamps are read as `Date` and may be written as `Date`
 * or ISO strings; JSON columns hold plain objects.
 */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
// JSON is written as text: node-postgres would turn a top-level array into a Postgres array, not JSON.
export type Json<T extends object | null = Record<string, unknown>> = JSONColumnType<T, string, string>;
/** A timestamp the database fills by default. */
export type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type Role = 'patient' | 'sitter' | 'clinician' | 'coach' | 'admin';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: Generated<'invited' | 'active' | 'deactivated'>;
  password_hash: string | null;
  mfa_secret: string | null;
  mfa_enabled: Generated<boolean>;
  mfa_last_step: number | null;
  state_licenses: Generated<string[]>;
  dea_registration: string | null;
  time_zone: Generated<string>;
  is_demo: Generated<boolean>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  deactivated_at: Timestamp | null;
  /** E.164 (+15105550123), set by the user on their account. */
  phone: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface MfaRecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: Timestamp | null;
}

export type PatientStatus = 'intake' | 'submitted' | 'approved' | 'declined' | 'active' | 'discharged';

export interface PatientsTable {
  id: string;
  user_id: string;
  name: string;
  date_of_birth: ColumnType<string, string, string>;
  state: string;
  sex_at_birth: 'female' | 'male' | null;
  address: string | null;
  status: Generated<PatientStatus>;
  is_demo: Generated<boolean>;
  created_at: GeneratedTimestamp;
}

export interface AuthSessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  idle_timeout_minutes: number;
  expires_at: Timestamp;
  mfa_verified: Generated<boolean>;
  revoked_at: Timestamp | null;
  client_address: string | null;
}

export interface AccountTokensTable {
  id: string;
  user_id: string;
  purpose: 'invitation' | 'password_reset';
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_by: string | null;
}

export interface SignupRequestsTable {
  id: string;
  email: string;
  name: string;
  date_of_birth: string;
  state: string;
  password_hash: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface CareTeamMembersTable {
  id: string;
  patient_id: string;
  user_id: string;
  member_role: 'clinician' | 'coach';
  is_primary: Generated<boolean>;
  assigned_at: Timestamp;
  assigned_by: string | null;
  unassigned_at: Timestamp | null;
}

export interface SitterAssignmentsTable {
  id: string;
  patient_id: string;
  invite_email: string;
  invite_name: string;
  relationship: string | null;
  sitter_user_id: string | null;
  status: 'invited' | 'pending_approval' | 'active' | 'removed';
  invite_token_hash: string | null;
  invite_expires_at: Timestamp | null;
  invited_by: string;
  created_at: Timestamp;
  accepted_at: Timestamp | null;
  removed_at: Timestamp | null;
  removed_by: string | null;
}

export interface RateLimitsTable {
  key: string;
  window_started_at: Timestamp;
  attempts: number;
  /** The latest attempt counted (progressive delays run from it). */
  last_at: Timestamp | null;
}

export interface IdempotencyKeysTable {
  actor_id: string;
  key: string;
  route: string;
  request_sha256: string;
  response_status: number;
  response_body: Json<object>;
  created_at: Timestamp;
}

export interface SignaturesTable {
  id: string;
  signer_id: string;
  printed_name: string;
  meaning: string;
  signed_at: Timestamp;
  record_type: string;
  record_id: string;
  record_sha256: string;
}

export interface NotificationOutboxTable {
  id: string;
  cause: string;
  channel: 'email' | 'webhook';
  recipient: string;
  subject: string;
  body: string;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export interface ProgramSettingsTable {
  id: number;
  version: number;
  settings: Json;
  updated_at: Timestamp;
  updated_by: string | null;
}

/** A change to the program settings that loosens a clinical limit: applied only when a prescriber signs it. */
export interface SettingsChangeProposalsTable {
  id: string;
  status: ColumnType<'pending' | 'applied' | 'rejected' | 'superseded', 'pending' | undefined, 'applied' | 'rejected' | 'superseded'>;
  base_version: number;
  patch: Json;
  changes: Json;
  reason: string;
  proposed_by: string;
  proposed_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
  signature_id: string | null;
  applied_version: number | null;
}

/** The evidence each warning-sign alert was raised for: the same evidence never raises a second alert. */
export interface SignalAlertEvidenceTable {
  patient_id: string;
  signal_code: string;
  evidence_key: string;
  alert_id: string;
}

export type AuditOutcome = 'success' | 'denied' | 'failure';

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  patient_id: string | null;
  /** A list read: every patient it showed, in the order shown (patient_id is then null, the chain the system's). */
  patient_ids: string[] | null;
  outcome: AuditOutcome;
  request_id: string | null;
  client_address: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
  // The chain, sealed by writeAudit (audit/audit-log.ts); the trigger checks it continues the head.
  chain_key: string;
  seq: number;
  prev_hash: string;
  hash: string;
  /** The HMAC key's id; null on rows written before the chain was keyed (unkeyed digest). */
  key_id: string | null;
}

export interface AuditChainHeadsTable {
  chain_key: string;
  last_seq: number;
  last_hash: string;
  /** The sequence last exported in a signed checkpoint (audit/audit-checkpoint.ts). */
  checkpointed_seq: Generated<number>;
}

/** Per chain, the last audit row in a month detached past retention (migration 0023); verification resumes there. */
export interface AuditArchivedHeadsTable {
  chain_key: string;
  seq: number;
  hash: string;
  archived_at: Date;
  archive: string;
}

/** Each patient's outcomes-report facts, taken by the server over the whole record (migration 0024). */
export interface OutcomeFactsTable {
  patient_id: string;
  settings_key: string;
  facts: Json<object>;
  taken_at: Date;
  expires_at: Date | null;
  /** The transaction that stored them (xid8 as text; migration 0025). */
  written_xid: Generated<string>;
}

/** Patients whose outcome facts a write has made stale (marked by triggers, migration 0024). */
export interface OutcomeFactsStaleTable {
  patient_id: string;
  marked_at: Date;
}

/** The monthly-partitioned tables and their retention (migration 0023, db/time-partitions.ts). */
export interface TimePartitionedTablesTable {
  table_name: string;
  partition_column: string;
  /** Months kept live; 0 keeps every month. */
  retain_months: Generated<number>;
}

export type AlertSeverity = 'low' | 'moderate' | 'high' | 'critical';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export interface AlertEvidence {
  type: string;
  id: string;
  summary: string;
  at?: string;
}

export interface AlertsTable {
  id: string;
  patient_id: string;
  code: string;
  severity: AlertSeverity;
  holds_dosing: boolean;
  cause: string;
  title: string;
  evidence: ColumnType<AlertEvidence[], string | undefined, string>;
  recommended_actions: ColumnType<string[], string | undefined, string>;
  patient_message: string | null;
  status: Generated<AlertStatus>;
  owner_id: string | null;
  raised_at: Timestamp;
  escalate_at: Timestamp | null;
  escalated_at: Timestamp | null;
  escalated_to: string | null;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  resolution_action: string | null;
  resolution_note: string | null;
  /** Who was on call when the alert was raised (`raised`) and escalated (`escalation`), and was told. */
  on_call_notified: ColumnType<OnCallNotified | null, string | null | undefined, string | null>;
}

export interface OnCallRecord {
  shiftId: string;
  primaryId: string;
  backupId: string | null;
  /** The clinicians a notice went to (the owner is told separately and never twice). */
  notified: string[];
}
export type OnCallNotified = Partial<Record<'raised' | 'escalation', OnCallRecord | null>>;

export interface OnCallShiftsTable {
  id: string;
  clinician_id: string;
  backup_clinician_id: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
  time_zone: string;
  created_by: string | null;
  created_at: Timestamp;
  cancelled_at: Timestamp | null;
  cancelled_by: string | null;
}

export interface LiveEventsTable {
  id: Generated<number>;
  patient_id: string;
  session_id: string | null;
  kind: string;
  at: Timestamp;
  payload: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface SessionChannelMessagesTable {
  id: string;
  patient_id: string;
  session_id: string;
  author_id: string;
  author_role: Role;
  body: string;
  urgent: Generated<boolean>;
  sent_at: Timestamp;
  /** Insertion order, for messages sent in the same millisecond. */
  seq: Generated<number>;
}

export interface FollowUpsTable {
  id: string;
  patient_id: string;
  reason: string;
  cause: string;
  due_at: Timestamp;
  status: Generated<'due' | 'completed' | 'cancelled'>;
  created_at: Timestamp;
  completed_at: Timestamp | null;
  completed_by: string | null;
  visit_id: string | null;
}

export interface ClinicianVisitsTable {
  id: string;
  patient_id: string;
  clinician_id: string;
  occurred_at: Timestamp;
  modality: 'audio_video' | 'in_person';
  patient_state: string;
  prescriber_license_state: string;
  prescriber_dea_registration: string | null;
  in_person_evaluation_on: ColumnType<string | null, string | null | undefined, string | null>;
  appointment_id: string | null;
  note: string | null;
  created_at: Timestamp;
}

export interface Database extends IntakeTables, TreatmentTables, MonitoringTables, ContinuityTables, FhirTables {
  alerts: AlertsTable;
  follow_ups: FollowUpsTable;
  clinician_visits: ClinicianVisitsTable;
  users: UsersTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  patients: PatientsTable;
  auth_sessions: AuthSessionsTable;
  account_tokens: AccountTokensTable;
  signup_requests: SignupRequestsTable;
  care_team_members: CareTeamMembersTable;
  sitter_assignments: SitterAssignmentsTable;
  rate_limits: RateLimitsTable;
  idempotency_keys: IdempotencyKeysTable;
  signatures: SignaturesTable;
  notification_outbox: NotificationOutboxTable;
  program_settings: ProgramSettingsTable;
  settings_change_proposals: SettingsChangeProposalsTable;
  signal_alert_evidence: SignalAlertEvidenceTable;
  audit_log: AuditLogTable;
  audit_chain_heads: AuditChainHeadsTable;
  audit_archived_heads: AuditArchivedHeadsTable;
  time_partitioned_tables: TimePartitionedTablesTable;
  outcome_facts: OutcomeFactsTable;
  outcome_facts_stale: OutcomeFactsStaleTable;
  on_call_shifts: OnCallShiftsTable;
  live_events: LiveEventsTable;
  session_channel_messages: SessionChannelMessagesTable;
}
