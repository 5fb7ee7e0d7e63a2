import { label } from './labels.ts';

/**
 * What an audit-log row says happened, in words: "Signed in", "Viewed the treatment plan", "Signed the consent
 * form". Used by the admin's audit log and the patient's access log; never shows the action code itself.
 */
const actions: Record<string, string> = {
  'auth.login': 'Signed in',
  'auth.logout': 'Signed out',
  'auth.mfa': 'Checked a sign-in code',
  'auth.mfa_enroll': 'Started setting up an authenticator app',
  'auth.mfa_verify': 'Confirmed an authenticator app',
  'account.create': 'Invited a new account',
  'account.invitation_accepted': 'Accepted an invitation',
  'account.list': 'Looked at the accounts',
  'account.password_reset': 'Reset a password',
  'account.password_reset_requested': 'Asked for a password reset',
  'account.signup': 'Signed up',
  'account.signup_requested': 'Asked for a sign-up link',
  'account.deactivate': 'Deactivated an account',
  'account.reactivate': 'Reactivated an account',
  'alert.acknowledge': 'Acknowledged an alert',
  'alert.escalate': 'Escalated an alert',
  'alert.list': 'Looked at the alert queue',
  'alert.raise': 'Raised an alert',
  'alert.resolve': 'Resolved an alert',
  'audit_log.search': 'Searched the audit log',
  'care_team.assign': 'Added someone to a care team',
  'care_team.unassign': 'Removed someone from a care team',
  'caseload.read': 'Looked at the coaching caseload',
  'consent.sign': 'Signed the consent form',
  'discharge.create': 'Discharged a patient',
  'disclosure_consent.grant': 'Signed a release of information',
  'disclosure_consent.revoke': 'Took back a release of information',
  'intake.claim': 'Claimed an intake for review',
  'intake.decide': 'Decided on an intake',
  'intake.save': 'Saved intake answers',
  'intake.submit': 'Sent an intake for review',
  'ledger.dispense': 'Recorded a dispense',
  'ledger.count': 'Recorded a medication count',
  'ledger.loss': 'Reported a loss',
  'ledger.correction': 'Corrected the medication record',
  'ledger.disposed': 'Recorded a disposal',
  'ledger.returned': 'Recorded a return',
  'message.read': 'Read messages',
  'message.send': 'Sent a message',
  'message_inbox.read': 'Opened the staff inbox',
  'message_thread.assign': 'Assigned a conversation',
  'panel.read': 'Looked at the patient panel',
  'pdmp.check': 'Recorded a PDMP check',
  'plan.draft': 'Drafted a treatment plan',
  'plan.edit': 'Edited a treatment plan',
  'plan.sign': 'Signed a treatment plan',
  'refill.request': 'Asked for a refill',
  'refill.answer': 'Answered a refill request',
  'dose_request.create': 'Asked about the dose',
  'dose_request.answer': 'Answered a dose request',
  'review_queue.read': 'Looked at the review queue',
  'session.authorize': 'Asked for a dose authorization',
  'session.schedule': 'Scheduled a session',
  'session.start': 'Started a session',
  'session.complete': 'Completed a session',
  'session.abort': 'Stopped a session',
  'session.missed': 'Marked a session missed',
  'session.adverse_event': 'Reported an adverse event',
  'settings.read': 'Looked at the program settings',
  'settings.update': 'Changed the program settings',
  'signature.sign': 'Signed electronically',
  'sitter.invite': 'Invited a sitter',
  'sitter.accept': 'Accepted a sitter invitation',
  'sitter.remove': 'Removed a sitter',
  'visit.record': 'Recorded a visit',
  'account.update': 'Changed their account details',
  'live_board.read': 'Looked at the live session board',
  'live_board.stream': 'Followed the live session board',
  'on_call.create': 'Added an on-call shift',
  'on_call.cancel': 'Cancelled an on-call shift',
  'session_channel.post': 'Wrote in a session channel',
  'outcomes_report.read': 'Looked at the program outcomes report',
  'outcomes_report.drill_down': 'Looked at the patients behind an outcomes figure',
  'outcomes_report.export_csv': 'Downloaded the de-identified outcomes data',
  'outcomes_report.export_pdf': 'Downloaded the program outcomes report',
};

/** The part of a record, in words, for "Viewed …" and "Changed …". */
const parts: Record<string, string> = {
  patient_profile: 'the profile',
  intake: 'the intake',
  screening: 'the screening result',
  assessment: 'questionnaires',
  consent: 'the consent form',
  education: 'lessons',
  plan: 'the treatment plan',
  ledger: 'the medication record',
  dispense: 'dispensing records',
  refill: 'medication requests',
  session: 'sessions',
  session_vitals: 'session vital signs',
  session_checklist: 'the session checklist',
  sitter_attestation: 'the sitter’s confirmation',
  sitter_check: 'sitter checks',
  adverse_event: 'adverse events',
  checkin: 'check-ins',
  alert: 'alerts',
  outcomes: 'progress scores',
  risk: 'the risk summary',
  timeline: 'the timeline',
  care_team: 'the care team',
  sitters: 'sitters',
  journal: 'the journal',
  coaching_note: 'coaching notes',
  practice: 'practices',
  shared_journal: 'shared journal entries',
  visit: 'visits',
  message: 'messages',
  appointment: 'appointments',
  support_contact: 'support contacts',
  outside_clinician: 'outside clinicians',
  disclosure: 'releases of information',
  discharge: 'the discharge summary',
  access_log: 'the access log',
  fhir_export: 'a record export',
  program_settings: 'the program settings',
  audit_log: 'the audit log',
  review_queue: 'the review queue',
  panel: 'the patient panel',
  alert_queue: 'the alert queue',
  account: 'accounts',
  availability: 'office hours',
  resources_directory: 'the resources directory',
  program_outcomes: 'program outcomes',
  message_inbox: 'the staff inbox',
};

export function recordPartWords(resourceType: string): string {
  return parts[resourceType] ?? label(resourceType).toLowerCase();
}

export function auditActionWords(action: string, resourceType: string): string {
  const known = actions[action];
  if (known) return known;
  const verb = action.split('.').at(-1) ?? '';
  const what = recordPartWords(resourceType);
  // A list read (`caseload.list`, `appointments.list` …) shows records; it changes nothing.
  if (verb === 'read' || verb === 'list' || verb === 'history' || verb === 'download') return `Viewed ${what}`;
  if (verb === 'sign') return `Signed ${what}`;
  if (verb === 'decide' || verb === 'authorize') return `Decided on ${what}`;
  if (verb === 'share') return `Shared ${what}`;
  return `Changed ${what}`;
}

export const outcomeWords: Record<'success' | 'denied' | 'failure', string> = { success: 'Done', denied: 'Refused', failure: 'Failed' };

const roleWords: Record<string, string> = { patient: 'patient', sitter: 'sitter', clinician: 'clinician', coach: 'coach', admin: 'administrator' };
export function roleWord(role: string | null | undefined): string {
  return role ? (roleWords[role] ?? 'staff') : '';
}
