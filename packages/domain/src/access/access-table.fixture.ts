import type { Action, PatientResource, ProgramResource, Relation, Role } from './access-policy.ts';

/**
 * The access rules written out by hand, as a table a reviewer can read line by line: the expectation that the
 * access policy (access-policy.ts) and every route guarded by it are tested against. It is deliberately NOT derived
 * from the policy: a change to the policy that is not also made here fails the tests, and a change made here must
 * be argued for on its own (docs/security.md describes who may see what).
 *
 * Patient table columns: the actor's role and relationship to the patient whose record it is.
 *   pat = patient, their own record        sit = sitter assigned to the patient
 *   cli = clinician on the care team       rev = clinician licensed in the state of an applicant awaiting review
 *   coa = coach on the care team           adm = administrator (no relationship needed, none honoured)
 *   onc = clinician off the care team who is on the on-call rota (primary or backup) at this moment
 * Every (resource, action) pair not listed is denied to everyone; every actor with no relationship to the patient,
 * or with a relationship that belongs to another role, is denied everything (the administrator's column excepted).
 */
const patientTable = `
resource             action      pat sit cli rev onc coa adm
patient_profile      read        Y   Y   Y   .   .   Y   .
patient_profile      write       Y   .   Y   .   .   .   .
intake               read        Y   .   Y   Y   .   .   .
intake               write       Y   .   .   .   .   .   .
intake               decide      .   .   Y   .   .   .   .
screening            read        Y   .   Y   Y   .   .   .
assessment           read        Y   .   Y   .   .   .   .
assessment           write       Y   .   Y   .   .   .   .
consent              read        Y   .   Y   .   .   .   .
consent              sign        Y   .   .   .   .   .   .
education            read        Y   .   Y   .   .   Y   .
education            write       Y   .   .   .   .   .   .
plan                 read        Y   .   Y   .   .   .   .
plan                 write       .   .   Y   .   .   .   .
plan                 sign        .   .   Y   .   .   .   .
ledger               read        Y   .   Y   .   .   .   .
ledger               write       .   .   Y   .   .   .   .
ledger_loss          write       Y   .   Y   .   .   .   .
dispense             read        Y   .   Y   .   .   .   .
dispense             write       .   .   Y   .   .   .   .
refill               read        Y   .   Y   .   .   .   .
refill               write       Y   .   .   .   .   .   .
refill               decide      .   .   Y   .   .   .   .
session              read        Y   Y   Y   .   Y   .   .
session              write       Y   Y   Y   .   .   .   .
session              authorize   Y   .   .   .   .   .   .
session_vitals       read        Y   Y   Y   .   .   .   .
session_vitals       write       Y   Y   .   .   .   .   .
session_checklist    read        Y   Y   Y   .   .   .   .
session_checklist    write       Y   .   .   .   .   .   .
sitter_attestation   read        Y   Y   Y   .   .   .   .
sitter_attestation   write       .   Y   .   .   .   .   .
sitter_check         read        Y   Y   Y   .   .   .   .
sitter_check         write       .   Y   .   .   .   .   .
adverse_event        read        Y   Y   Y   .   .   .   .
adverse_event        write       Y   Y   Y   .   .   .   .
checkin              read        Y   .   Y   .   .   .   .
checkin              write       Y   .   .   .   .   .   .
alert                read        .   .   Y   .   .   Y   .
alert                write       .   .   Y   .   .   .   .
outcomes             read        Y   .   Y   .   .   Y   .
risk                 read        .   .   Y   .   .   .   .
timeline             read        Y   .   Y   .   .   .   .
care_team            read        Y   .   Y   .   .   Y   Y
care_team            write       .   .   Y   .   .   .   Y
sitters              read        Y   .   Y   .   .   .   .
sitters              write       Y   .   Y   .   .   .   .
sitters              decide      .   .   Y   .   .   .   .
journal              read        Y   .   .   .   .   .   .
journal              write       Y   .   .   .   .   .   .
journal              share       Y   .   .   .   .   .   .
coaching_note        read        Y   .   Y   .   .   Y   .
coaching_note        write       .   .   .   .   .   Y   .
practice             read        Y   .   Y   .   .   Y   .
practice             write       .   .   Y   .   .   Y   .
practice_completion  write       Y   .   .   .   .   .   .
shared_journal       read        .   .   Y   .   .   Y   .
visit                read        Y   .   Y   .   .   .   .
visit                write       .   .   Y   .   .   .   .
message              read        Y   .   Y   .   .   Y   .
message              write       Y   .   Y   .   .   Y   .
appointment          read        Y   .   Y   .   .   Y   .
appointment          write       Y   .   Y   .   .   Y   .
support_contact      read        Y   .   Y   .   .   Y   .
support_contact      write       Y   .   .   .   .   .   .
outside_clinician    read        Y   .   Y   .   .   .   .
outside_clinician    write       Y   .   .   .   .   .   .
disclosure           read        Y   .   Y   .   .   .   .
disclosure           write       Y   .   Y   .   .   .   .
discharge            read        Y   .   Y   .   .   .   .
discharge            write       .   .   Y   .   .   .   .
discharge            sign        .   .   Y   .   .   .   .
access_log           read        Y   .   .   .   .   .   .
fhir_export          read        Y   .   Y   .   .   .   .
prescribing_pathway  read        .   .   Y   .   .   .   .
prescribing_pathway  write       .   .   Y   .   .   .   .
pdmp_check           read        .   .   Y   .   .   .   .
pdmp_check           write       .   .   Y   .   .   .   .
compliance           read        .   .   Y   .   .   .   .
compliance_report    read        .   .   Y   .   .   .   Y
session_channel      read        Y   Y   Y   .   Y   .   .
session_channel      write       Y   Y   Y   .   Y   .   .
`;

/** Program-level resources: the role alone decides. Columns: patient, sitter, clinician, coach, admin. */
const programTable = `
resource             action      pat sit cli coa adm
account              read         .   .   .   .   Y
account              write        .   .   .   .   Y
program_settings     read         .   .   Y   .   Y
program_settings     write        .   .   .   .   Y
program_settings     sign         .   .   Y   .   .
program_settings     decide       .   .   Y   .   Y
audit_log            read         .   .   .   .   Y
review_queue         read         .   .   Y   .   .
review_queue         write        .   .   Y   .   .
panel                read         .   .   Y   Y   .
alert_queue          read         .   .   Y   Y   .
program_outcomes     read         .   .   Y   .   Y
resources_directory  read         Y   Y   Y   Y   Y
resources_directory  write        .   .   .   .   Y
availability         read         Y   .   Y   Y   Y
availability         write        .   .   Y   Y   Y
fhir_bulk_export     read         .   .   .   .   Y
fhir_bulk_export     write        .   .   .   .   Y
message_inbox        read         .   .   Y   Y   .
credentials          read         .   .   .   .   Y
credentials          write        .   .   .   .   Y
compliance_lapse_list read        .   .   Y   .   Y
on_call_rota         read         .   .   Y   .   Y
on_call_rota         write        .   .   .   .   Y
on_call_gaps         read         .   .   .   .   Y
live_board           read         .   .   Y   .   .
`;

type Column = 'pat' | 'sit' | 'cli' | 'rev' | 'onc' | 'coa' | 'adm';

function parse(table: string): Map<string, Set<Column>> {
  const [header, ...rows] = table.trim().split('\n').map((l) => l.trim().split(/\s+/));
  const columns = header!.slice(2) as Column[];
  const out = new Map<string, Set<Column>>();
  for (const row of rows) {
    const [resource, action, ...cells] = row;
    if (cells.length !== columns.length || cells.some((c) => c !== 'Y' && c !== '.')) throw new Error(`Malformed access table row: ${row.join(' ')}`);
    const key = `${resource} ${action}`;
    if (out.has(key)) throw new Error(`Access table lists ${key} twice`);
    out.set(key, new Set(columns.filter((_, i) => cells[i] === 'Y')));
  }
  return out;
}

const patientRows = parse(patientTable);
const programRows = parse(programTable);

/** The (resource, action) pairs the patient table lists, for tests that need to know the table covers the policy. */
export const tabledPatientPairs: readonly string[] = [...patientRows.keys()];
export const tabledProgramPairs: readonly string[] = [...programRows.keys()];

const roleColumn: Record<Role, Column> = { patient: 'pat', sitter: 'sit', clinician: 'cli', coach: 'coa', admin: 'adm' };
const relationColumn: Record<Exclude<Relation, 'none'>, { column: Column; role: Role }> = {
  self: { column: 'pat', role: 'patient' },
  sitter: { column: 'sit', role: 'sitter' },
  clinician: { column: 'cli', role: 'clinician' },
  reviewer: { column: 'rev', role: 'clinician' },
  on_call: { column: 'onc', role: 'clinician' },
  coach: { column: 'coa', role: 'coach' },
};

/** Whether the hand-written table allows this actor this action on one patient's record. */
export function tableAllowsPatient(role: Role, relation: Relation, action: Action, resource: PatientResource): boolean {
  const allowed = patientRows.get(`${resource} ${action}`);
  if (!allowed) return false;
  if (role === 'admin') return allowed.has('adm');
  if (relation === 'none') return false;
  const { column, role: owner } = relationColumn[relation];
  return owner === role && allowed.has(column);
}

/** Whether the hand-written table allows this role this action on a program-level resource. */
export function tableAllowsProgram(role: Role, action: Action, resource: ProgramResource): boolean {
  return programRows.get(`${resource} ${action}`)?.has(roleColumn[role]) ?? false;
}
