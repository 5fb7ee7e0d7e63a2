/**
 * Who may do what, as data. A decision depends only on the actor's role and their relationship to the patient
 * whose record it is; the server resolves the relationship from the database and asks `can`. Anything not
 * listed here is denied (fail closed), and a denial is reported to the client as "not found".
 */
export type Role = 'patient' | 'sitter' | 'clinician' | 'coach' | 'admin';

/**
 * How the actor stands to the patient whose record is touched. `reviewer` is a clinician outside the care team
 * who is licensed in the state of an applicant whose intake awaits review: the review queue lists that intake,
 * and the clinician must be able to read it before claiming it (docs/intake.md, "Who sees the review queue").
 * `on_call` is a clinician outside the care team who is on the on-call rota (primary or backup) at this moment: they
 * cover every patient's live session (docs/live-board.md), so they read the session and its channel, nothing more.
 */
export type Relation = 'self' | 'sitter' | 'clinician' | 'coach' | 'reviewer' | 'on_call' | 'none';

export type Action = 'read' | 'write' | 'sign' | 'decide' | 'authorize' | 'share';

export const patientResources = [
  'patient_profile',
  'intake',
  'screening',
  'assessment',
  'consent',
  'education',
  'plan',
  'ledger',
  'ledger_loss',
  'dispense',
  'refill',
  'session',
  'session_vitals',
  'session_checklist',
  'sitter_attestation',
  'sitter_check',
  'adverse_event',
  'checkin',
  'alert',
  'outcomes',
  'risk',
  'timeline',
  'care_team',
  'sitters',
  'journal',
  'coaching_note',
  'practice',
  'practice_completion',
  'shared_journal',
  'visit',
  'message',
  'appointment',
  'support_contact',
  'outside_clinician',
  'disclosure',
  'discharge',
  'access_log',
  'fhir_export',
  'prescribing_pathway',
  'pdmp_check',
  'compliance',
  'compliance_report',
  'session_channel',
] as const;
export type PatientResource = (typeof patientResources)[number];

/** Resources that are not one patient's record. */
export const programResources = [
  'account',
  'program_settings',
  'audit_log',
  'review_queue',
  'panel',
  'alert_queue',
  'program_outcomes',
  'resources_directory',
  'availability',
  'fhir_bulk_export',
  'message_inbox',
  'credentials',
  'compliance_lapse_list',
  'on_call_rota',
  'on_call_gaps',
  'live_board',
] as const;
export type ProgramResource = (typeof programResources)[number];

export type Resource = PatientResource | ProgramResource;

type Rules<R extends string> = Partial<Record<R, Partial<Record<Action, readonly Relation[]>>>>;

const care = ['clinician'] as const;
const careAndSelf = ['self', 'clinician'] as const;
const integration = ['self', 'clinician', 'coach'] as const;

/**
 * Per-patient rules. The sitter sees only what a session needs, and only while assigned; the coach sees
 * integration data and outcome summaries, never medication or screening details; the admin has no clinical access.
 */
export const patientPolicy: Rules<PatientResource> = {
  patient_profile: { read: ['self', 'clinician', 'coach', 'sitter'], write: careAndSelf },
  // A reviewer reads the intake and its screening in order to claim it; deciding needs the care team.
  intake: { read: ['self', 'clinician', 'reviewer'], write: ['self'], decide: care },
  screening: { read: ['self', 'clinician', 'reviewer'] },
  assessment: { read: careAndSelf, write: careAndSelf },
  consent: { read: careAndSelf, sign: ['self'] },
  education: { read: ['self', 'clinician', 'coach'], write: ['self'] },
  plan: { read: careAndSelf, write: care, sign: care },
  ledger: { read: careAndSelf, write: care },
  // Anyone who holds or prescribes the medication must be able to report a loss or theft promptly (21 CFR 1301.76).
  ledger_loss: { write: careAndSelf },
  dispense: { read: careAndSelf, write: care },
  refill: { read: careAndSelf, write: ['self'], decide: care },
  // The on-call clinician reads a live session of any patient while on call (docs/live-board.md).
  session: { read: ['self', 'clinician', 'sitter', 'on_call'], write: ['self', 'clinician', 'sitter'], authorize: ['self'] },
  session_vitals: { read: ['self', 'clinician', 'sitter'], write: ['self', 'sitter'] },
  session_checklist: { read: ['self', 'clinician', 'sitter'], write: ['self'] },
  sitter_attestation: { read: ['self', 'clinician', 'sitter'], write: ['sitter'] },
  sitter_check: { read: ['self', 'clinician', 'sitter'], write: ['sitter'] },
  adverse_event: { read: ['self', 'clinician', 'sitter'], write: ['self', 'clinician', 'sitter'] },
  checkin: { read: careAndSelf, write: ['self'] },
  alert: { read: ['clinician', 'coach'], write: care },
  outcomes: { read: integration },
  risk: { read: care },
  timeline: { read: careAndSelf },
  care_team: { read: ['self', 'clinician', 'coach'], write: care },
  // A sitter the patient invited is approved by a clinician on the care team.
  sitters: { read: careAndSelf, write: careAndSelf, decide: care },
  journal: { read: ['self'], write: ['self'], share: ['self'] },
  coaching_note: { read: ['self', 'clinician', 'coach'], write: ['coach'] },
  practice: { read: integration, write: ['coach', 'clinician'] },
  practice_completion: { write: ['self'] },
  // Journal entries the patient chose to share; which entries each role sees is filtered by the entry's sharing.
  shared_journal: { read: ['clinician', 'coach'] },
  // Clinician visits: the telehealth prescribing record.
  visit: { read: careAndSelf, write: care },
  message: { read: integration, write: integration },
  appointment: { read: integration, write: integration },
  support_contact: { read: ['self', 'clinician', 'coach'], write: ['self'] },
  outside_clinician: { read: careAndSelf, write: ['self'] },
  disclosure: { read: careAndSelf, write: careAndSelf },
  discharge: { read: careAndSelf, write: care, sign: care },
  access_log: { read: ['self'] },
  fhir_export: { read: careAndSelf },
  // Prescribing compliance (docs/compliance.md): the prescriber's records, kept by the care team's clinicians.
  prescribing_pathway: { read: care, write: care },
  pdmp_check: { read: care, write: care },
  // A session's channel: the patient, their sitter, the care team's clinicians and whoever is on call now.
  session_channel: { read: ['self', 'sitter', 'clinician', 'on_call'], write: ['self', 'sitter', 'clinician', 'on_call'] },
  compliance: { read: care },
  // Records for inspection (docs/compliance-report.md): the care team's clinicians; administrators by role (below).
  compliance_report: { read: care },
};

/** Program-level rules depend on the role alone. */
export const programPolicy: Record<ProgramResource, Partial<Record<Action, readonly Role[]>>> = {
  account: { read: ['admin'], write: ['admin'] },
  // Loosening a clinical limit takes two people: an administrator proposes, a prescriber signs (or declines).
  program_settings: { read: ['admin', 'clinician'], write: ['admin'], sign: ['clinician'], decide: ['clinician', 'admin'] },
  audit_log: { read: ['admin'] },
  review_queue: { read: ['clinician'], write: ['clinician'] },
  panel: { read: ['clinician', 'coach'] },
  alert_queue: { read: ['clinician', 'coach'] },
  program_outcomes: { read: ['clinician', 'admin'] },
  resources_directory: { read: ['patient', 'sitter', 'clinician', 'coach', 'admin'], write: ['admin'] },
  availability: { read: ['patient', 'clinician', 'coach', 'admin'], write: ['clinician', 'coach', 'admin'] },
  // FHIR Bulk Data export of every record, for registries and research: an administrator's act, audited.
  fhir_bulk_export: { read: ['admin'], write: ['admin'] },
  // The staff inbox lists only the caller's care-team patients' threads.
  message_inbox: { read: ['clinician', 'coach'] },
  // Prescriber credentials are entered and listed by administrators (a clinician reads their own, checked by the route).
  credentials: { read: ['admin'], write: ['admin'] },
  // A clinician sees their own patients on it, an administrator every patient.
  compliance_lapse_list: { read: ['clinician', 'admin'] },
  // The on-call rota (docs/live-board.md): administrators write it, clinicians and administrators read it; the
  // uncovered windows are the administrators' to fill.
  on_call_rota: { read: ['clinician', 'admin'], write: ['admin'] },
  on_call_gaps: { read: ['admin'] },
  // The live session board: the sessions of the patients the clinician covers at that moment.
  live_board: { read: ['clinician'] },
};

/**
 * Grants on a patient's record that follow from the role alone: an administrator manages care teams for every
 * patient without any clinical access.
 */
export const roleGrants: Partial<Record<PatientResource, Partial<Record<Action, readonly Role[]>>>> = {
  care_team: { read: ['admin'], write: ['admin'] },
  // A registrant answers an inspector's request for its prescribing records: the administrator produces them.
  compliance_report: { read: ['admin'] },
};

export interface PatientActor {
  role: Role;
  relation: Relation;
}

export type AccessDecision = { kind: 'allowed' } | { kind: 'denied'; reason: string };

const allowed: AccessDecision = { kind: 'allowed' };

/** Decides access to one patient's record from the actor's role and relationship. */
export function can(actor: PatientActor, action: Action, resource: PatientResource): AccessDecision {
  if (roleGrants[resource]?.[action]?.includes(actor.role)) return allowed;
  if (actor.relation === 'none') return { kind: 'denied', reason: 'no relationship to this patient' };
  if (!relationMatchesRole(actor)) return { kind: 'denied', reason: 'relationship does not match role' };
  const relations = patientPolicy[resource]?.[action];
  if (relations?.includes(actor.relation)) return allowed;
  return { kind: 'denied', reason: `${actor.relation} may not ${action} ${resource}` };
}

/** Decides access to a program-level resource from the role. */
export function canProgram(role: Role, action: Action, resource: ProgramResource): AccessDecision {
  return programPolicy[resource][action]?.includes(role)
    ? allowed
    : { kind: 'denied', reason: `${role} may not ${action} ${resource}` };
}

// A relationship is only honoured for the role it belongs to: a clinician row can never make a coach a prescriber.
function relationMatchesRole({ role, relation }: PatientActor): boolean {
  switch (relation) {
    case 'self':
      return role === 'patient';
    case 'sitter':
      return role === 'sitter';
    case 'clinician':
    case 'reviewer':
    case 'on_call':
      return role === 'clinician';
    case 'coach':
      return role === 'coach';
    case 'none':
      return false;
  }
}
