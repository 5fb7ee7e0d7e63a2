// Records for inspection (docs/compliance.md, "Records for inspection"): every prescription (plan signing) and
// every dispense, each with the prescribing pathway, the prescriber's state licence and DEA registration and the
// PDMP check in force at that moment, and whether the action met every condition — judged by the same domain rule
// that refuses a non-compliant action today (`evaluatePrescribingCompliance`), on the facts as they stood then.
import {
  credentialCovers,
  endOfLocalDate,
  evaluatePrescribingCompliance,
  wallClock,
  zonedTimeToUtc,
  type ComplianceCredential,
  type ComplianceInput,
  type DosingSettings,
  type PathwayKind,
} from '@keel/domain';
import type { Db } from '../../db/transaction.ts';
import { renderPdf, type PdfBlock } from '../continuity/pdf.ts';
import { iso } from '../treatment/treatment-common.ts';

export type ReportScope = { kind: 'patient'; patientId: string } | { kind: 'clinician'; clinicianId: string };

/** The period asked for: program-local calendar days, both inclusive; either end may be open. */
export interface ReportPeriod {
  from?: string | undefined;
  to?: string | undefined;
}

export interface ReportRow {
  /** When the action happened (ISO instant). */
  occurredAt: string;
  /** The program-local calendar day of `occurredAt`. */
  date: string;
  action: 'prescription_signed' | 'dispensed';
  recordId: string;
  /** What was prescribed or dispensed, in words. */
  what: string;
  patientId: string;
  patientName: string;
  patientState: string;
  prescriberId: string | null;
  prescriberName: string | null;
  pathway: { kind: PathwayKind; details: Record<string, unknown>; signedAt: string; signedBy: string } | null;
  licence: { number: string; state: string; expiresOn: string } | null;
  dea: { number: string; state: string; schedules: string[]; expiresOn: string } | null;
  pdmpCheck: { checkedAt: string; resultSummary: string | null; otherPrescriberFound: boolean } | null;
  compliant: boolean;
  reasonCodes: string[];
}

export interface ComplianceReport {
  scope: ReportScope;
  /** Who the report is about, in words ("Sam Patel", "Dr. Casey Morgan"). */
  subject: string;
  period: ReportPeriod;
  timeZone: string;
  generatedAt: string;
  rows: ReportRow[];
}

interface CredentialRow {
  id: string;
  clinician_id: string;
  kind: 'state_licence' | 'dea_registration';
  number: string;
  state: string;
  schedules: string[];
  expires_on: string;
  created_at: Date | string;
}

const ms = (d: Date | string): number => new Date(d).getTime();

/** The credential of `kind` in force for `state` at `at`: among those covering it, the one expiring first. */
function inForce(credentials: readonly CredentialRow[], kind: CredentialRow['kind'], state: string, at: Date, settings: DosingSettings): CredentialRow | null {
  const covering = credentials.filter((c) => credentialCovers(asComplianceCredential(c), kind, state, at, settings));
  covering.sort((a, b) => a.expires_on.localeCompare(b.expires_on) || a.number.localeCompare(b.number));
  return covering[0] ?? null;
}

const asComplianceCredential = (c: CredentialRow): ComplianceCredential => ({ kind: c.kind, state: c.state, schedules: c.schedules, expiresOn: c.expires_on });

/** The instants bounding the period in the program's time zone ([start, end)). */
function periodBounds(period: ReportPeriod, timeZone: string): { start: Date | null; end: Date | null } {
  return {
    start: period.from ? zonedTimeToUtc(period.from, 0, timeZone) : null,
    end: period.to ? endOfLocalDate(period.to, timeZone) : null,
  };
}

/**
 * Loads every plan signing and dispense in scope and period, oldest first, each judged on the facts as they stood
 * when it happened: the pathway signed before it and not yet superseded, the prescriber's credentials, the PDMP
 * checks made by then, the previous dispense and the fills already made on the prescription.
 */
export async function loadComplianceReport(db: Db, scope: ReportScope, period: ReportPeriod, settings: DosingSettings, now: Date): Promise<ComplianceReport> {
  const timeZone = settings.compliance.timeZone;
  const { start, end } = periodBounds(period, timeZone);

  let plansQuery = db
    .selectFrom('treatment_plans')
    .select(['id', 'patient_id', 'version', 'signed_by', 'signed_at'])
    .where('signed_at', 'is not', null);
  let dispensesQuery = db
    .selectFrom('dispenses')
    .select(['id', 'patient_id', 'units', 'strength_mg', 'form', 'substance', 'dispensed_at', 'prescriber_id', 'plan_id']);
  if (scope.kind === 'patient') {
    plansQuery = plansQuery.where('patient_id', '=', scope.patientId);
    dispensesQuery = dispensesQuery.where('patient_id', '=', scope.patientId);
  } else {
    plansQuery = plansQuery.where('signed_by', '=', scope.clinicianId);
    dispensesQuery = dispensesQuery.where('prescriber_id', '=', scope.clinicianId);
  }
  const [plans, dispenses] = await Promise.all([plansQuery.execute(), dispensesQuery.execute()]);
  const inPeriod = (at: Date | string) => (start === null || ms(at) >= start.getTime()) && (end === null || ms(at) < end.getTime());
  const signings = plans.filter((p) => p.signed_at !== null && inPeriod(p.signed_at));
  const fills = dispenses.filter((d) => inPeriod(d.dispensed_at));

  const patientIds = [...new Set([...signings.map((p) => p.patient_id), ...fills.map((d) => d.patient_id)])];
  const prescriberIds = [...new Set([...signings.map((p) => p.signed_by), ...fills.map((d) => d.prescriber_id)].filter((x): x is string => x !== null))];
  const none = ['00000000-0000-0000-0000-000000000000'];
  const [patients, users, pathways, checks, allDispenses, credentials, planSignings] = await Promise.all([
    db.selectFrom('patients').select(['id', 'name', 'state']).where('id', 'in', patientIds.length ? patientIds : none).execute(),
    db.selectFrom('users').select(['id', 'name']).where('id', 'in', [...prescriberIds, ...none]).execute(),
    db
      .selectFrom('prescribing_pathways as pw')
      .innerJoin('users as u', 'u.id', 'pw.prescriber_id')
      .select(['pw.patient_id', 'pw.kind', 'pw.details', 'pw.signed_at', 'pw.superseded_at', 'u.name as prescriber_name'])
      .where('pw.patient_id', 'in', patientIds.length ? patientIds : none)
      .execute(),
    db
      .selectFrom('pdmp_checks')
      .select(['patient_id', 'checked_at', 'result_summary', 'other_controlled_prescriptions'])
      .where('patient_id', 'in', patientIds.length ? patientIds : none)
      .execute(),
    // Every dispense of these patients (not only the prescriber's): the previous fill and the fills on a prescription.
    db.selectFrom('dispenses').select(['id', 'patient_id', 'dispensed_at', 'plan_id']).where('patient_id', 'in', patientIds.length ? patientIds : none).execute(),
    db
      .selectFrom('prescriber_credentials')
      .select(['id', 'clinician_id', 'kind', 'number', 'state', 'schedules', 'expires_on', 'created_at'])
      .where('clinician_id', 'in', prescriberIds.length ? prescriberIds : none)
      .execute(),
    db.selectFrom('treatment_plans').select(['id', 'signed_at']).where('patient_id', 'in', patientIds.length ? patientIds : none).where('signed_at', 'is not', null).execute(),
  ]);
  const patientOf = new Map(patients.map((p) => [p.id, p]));
  const nameOf = new Map(users.map((u) => [u.id, u.name]));
  const planSignedAt = new Map(planSignings.map((p) => [p.id, p.signed_at]));

  const row = (args: { at: Date | string; action: ReportRow['action']; recordId: string; what: string; patientId: string; prescriberId: string | null; planId?: string | null; dispenseId?: string }): ReportRow => {
    const at = new Date(args.at);
    const patient = patientOf.get(args.patientId);
    const state = patient?.state ?? '';
    // The pathway in force: signed by then and not superseded by then.
    const pathway =
      pathways
        .filter((p) => p.patient_id === args.patientId && ms(p.signed_at) <= at.getTime() && (p.superseded_at === null || ms(p.superseded_at) > at.getTime()))
        .sort((a, b) => ms(b.signed_at) - ms(a.signed_at))[0] ?? null;
    const patientChecks = checks.filter((c) => c.patient_id === args.patientId && ms(c.checked_at) <= at.getTime()).sort((a, b) => ms(b.checked_at) - ms(a.checked_at));
    const mine = credentials.filter((c) => c.clinician_id === args.prescriberId);
    const licence = inForce(mine, 'state_licence', state, at, settings);
    const dea = inForce(mine, 'dea_registration', state, at, settings);
    const input: { -readonly [K in keyof ComplianceInput]: ComplianceInput[K] } = {
      action: args.action === 'prescription_signed' ? 'sign_plan' : 'dispense',
      patientState: patient?.state ?? null,
      pathway: pathway ? { kind: pathway.kind, details: pathway.details } : null,
      prescriber: args.prescriberId ? { id: args.prescriberId, credentials: mine.map(asComplianceCredential) } : null,
      pdmpCheckedAt: patientChecks.map((c) => iso(c.checked_at)),
    };
    if (args.action === 'dispensed') {
      const earlier = allDispenses.filter((d) => d.patient_id === args.patientId && d.id !== args.dispenseId && ms(d.dispensed_at) < at.getTime());
      const previous = earlier.sort((a, b) => ms(b.dispensed_at) - ms(a.dispensed_at))[0];
      input.previousDispenseAt = previous ? iso(previous.dispensed_at) : null;
      const signedAt = args.planId ? planSignedAt.get(args.planId) : undefined;
      input.prescription = signedAt ? { signedAt: iso(signedAt), fillsSoFar: earlier.filter((d) => d.plan_id === args.planId).length } : null;
    }
    const decision = evaluatePrescribingCompliance(input, settings, at);
    const check = patientChecks[0];
    return {
      occurredAt: iso(at),
      date: wallClock(at, timeZone).date,
      action: args.action,
      recordId: args.recordId,
      what: args.what,
      patientId: args.patientId,
      patientName: patient?.name ?? '',
      patientState: state,
      prescriberId: args.prescriberId,
      prescriberName: args.prescriberId ? (nameOf.get(args.prescriberId) ?? null) : null,
      pathway: pathway ? { kind: pathway.kind, details: pathway.details, signedAt: iso(pathway.signed_at), signedBy: pathway.prescriber_name } : null,
      licence: licence ? { number: licence.number, state: licence.state, expiresOn: licence.expires_on } : null,
      dea: dea ? { number: dea.number, state: dea.state, schedules: dea.schedules, expiresOn: dea.expires_on } : null,
      pdmpCheck: check ? { checkedAt: iso(check.checked_at), resultSummary: check.result_summary, otherPrescriberFound: check.other_controlled_prescriptions } : null,
      compliant: decision.ok,
      reasonCodes: decision.reasons.map((r) => r.code),
    };
  };

  const rows = [
    ...signings.map((p) =>
      row({ at: p.signed_at as Date | string, action: 'prescription_signed', recordId: p.id, what: `Treatment plan version ${p.version} (ketamine)`, patientId: p.patient_id, prescriberId: p.signed_by }),
    ),
    ...fills.map((d) =>
      row({
        at: d.dispensed_at,
        action: 'dispensed',
        recordId: d.id,
        what: `${d.units} × ${d.strength_mg} mg ${d.substance} ${d.form.replace(/_/g, ' ')}`,
        patientId: d.patient_id,
        prescriberId: d.prescriber_id,
        planId: d.plan_id,
        dispenseId: d.id,
      }),
    ),
  ].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.action.localeCompare(b.action));

  const subject =
    scope.kind === 'patient'
      ? ((await db.selectFrom('patients').select('name').where('id', '=', scope.patientId).executeTakeFirst())?.name ?? '')
      : ((await db.selectFrom('users').select('name').where('id', '=', scope.clinicianId).executeTakeFirst())?.name ?? '');
  return { scope, subject, period, timeZone, generatedAt: iso(now), rows };
}

// ---------- CSV ----------

export const reportColumns = [
  'date',
  'occurred_at',
  'action',
  'record_id',
  'what',
  'patient',
  'patient_state',
  'prescriber',
  'pathway',
  'pathway_details',
  'pathway_signed',
  'licence_number',
  'licence_state',
  'licence_expires',
  'dea_number',
  'dea_state',
  'dea_schedules',
  'dea_expires',
  'pdmp_checked_at',
  'pdmp_result',
  'pdmp_other_prescriber_found',
  'compliant',
  'reasons',
] as const;

const detailWords: Record<string, string> = {
  evaluatedOn: 'evaluated on',
  location: 'at',
  attestation: 'attested',
  registrationNumber: 'registration',
  registrationType: 'type',
  referringClinician: 'referred by',
  referredOn: 'referred on',
  documentReference: 'document',
};

/** A pathway's fields in one line, in a fixed order ("evaluated on 2026-05-20; at Keel Clinic, Portland; attested"). */
export function pathwayDetailsText(details: Record<string, unknown>): string {
  const known = Object.keys(detailWords);
  const keys = [...known.filter((k) => k in details), ...Object.keys(details).filter((k) => !known.includes(k)).sort()];
  return keys
    .map((k) => [k, details[k]] as const)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => (v === true ? (detailWords[k] ?? k) : `${detailWords[k] ?? k} ${typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v)}`))
    .join('; ');
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A field a spreadsheet would run as a
 * formula (starting with =, +, - or @) is prefixed with an apostrophe, so an opened report never executes anything.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportRowFields(r: ReportRow): string[] {
  return [
    r.date,
    r.occurredAt,
    r.action,
    r.recordId,
    r.what,
    r.patientName,
    r.patientState,
    r.prescriberName ?? '',
    r.pathway?.kind ?? '',
    r.pathway ? pathwayDetailsText(r.pathway.details) : '',
    r.pathway ? `${r.pathway.signedAt} by ${r.pathway.signedBy}` : '',
    r.licence?.number ?? '',
    r.licence?.state ?? '',
    r.licence?.expiresOn ?? '',
    r.dea?.number ?? '',
    r.dea?.state ?? '',
    r.dea?.schedules.join(' ') ?? '',
    r.dea?.expiresOn ?? '',
    r.pdmpCheck?.checkedAt ?? '',
    r.pdmpCheck?.resultSummary ?? '',
    r.pdmpCheck ? (r.pdmpCheck.otherPrescriberFound ? 'yes' : 'no') : '',
    r.compliant ? 'yes' : 'no',
    r.reasonCodes.join(' '),
  ];
}

/** The report as CSV: a header row, then one row per action, CRLF line ends (RFC 4180). */
export function reportCsv(report: ComplianceReport): string {
  const lines = [reportColumns.join(','), ...report.rows.map((r) => reportRowFields(r).map(csvField).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

// ---------- PDF ----------

const actionWords: Record<ReportRow['action'], string> = { prescription_signed: 'Prescription (plan signed)', dispensed: 'Dispense' };
const kindWords: Record<PathwayKind, string> = {
  in_person_evaluation: 'In-person medical evaluation',
  telemedicine_flexibility: 'Telemedicine flexibility',
  special_registration: 'Special telemedicine registration',
  referral_from_in_person_clinician: 'Referral from an in-person clinician',
};

/** The refusal reasons in a few words each (the full meaning: docs/safety/<CODE>.md). */
const reasonWords: Record<string, string> = {
  PRESCRIBING_PATHWAY_MISSING: 'no prescribing pathway',
  TELEMEDICINE_FLEXIBILITY_ENDED: 'telemedicine flexibility had ended',
  PRESCRIBER_LICENCE_MISSING: 'no state licence in force',
  PRESCRIBER_DEA_MISSING: 'no DEA registration for Schedule III in force',
  PDMP_CHECK_MISSING: 'no PDMP check within the window',
  PRESCRIPTION_REFILLS_EXHAUSTED: 'refills exhausted',
};

export function periodWords(period: ReportPeriod, rows: readonly ReportRow[]): string {
  if (period.from && period.to) return `${period.from} to ${period.to}`;
  if (period.from) return `from ${period.from}`;
  if (period.to) return `through ${period.to}`;
  const first = rows[0]?.date;
  const last = rows.at(-1)?.date;
  return first && last ? `all records (${first} to ${last})` : 'all records (none yet)';
}

/** The report as a PDF for an inspector: title, period, each action with its facts, and a signature line. */
export function reportPdf(report: ComplianceReport): Promise<Buffer> {
  const compliant = report.rows.filter((r) => r.compliant).length;
  const title = report.scope.kind === 'patient' ? `Prescribing compliance report — patient ${report.subject}` : `Prescribing compliance report — prescriber ${report.subject}`;
  const blocks: PdfBlock[] = [
    { kind: 'title', text: title },
    {
      kind: 'subtitle',
      text: `Keel — medically supervised at-home ketamine (Schedule III). Period: ${periodWords(report.period, report.rows)}. Dates in ${report.timeZone}. Generated ${report.generatedAt}. Confidential health information.`,
    },
    {
      kind: 'paragraph',
      text: `${report.rows.length} record(s): ${report.rows.filter((r) => r.action === 'prescription_signed').length} prescription(s) and ${report.rows.filter((r) => r.action === 'dispensed').length} dispense(s); ${compliant} met every prescribing condition, ${report.rows.length - compliant} did not.`,
    },
  ];
  if (report.rows.length === 0) blocks.push({ kind: 'paragraph', text: 'No prescription was signed and nothing was dispensed in this period.' });
  for (const r of report.rows) {
    blocks.push({ kind: 'heading', text: `${r.date} — ${actionWords[r.action]} — ${r.patientName}` });
    blocks.push({
      kind: 'fields',
      rows: [
        ['What', r.what],
        ['When', r.occurredAt],
        ['Patient', `${r.patientName} (${r.patientState})`],
        ['Prescriber', r.prescriberName ?? 'none recorded'],
        ['Pathway in force', r.pathway ? `${kindWords[r.pathway.kind]}${pathwayDetailsText(r.pathway.details) ? ` (${pathwayDetailsText(r.pathway.details)})` : ''}; signed ${r.pathway.signedAt} by ${r.pathway.signedBy}` : 'none recorded'],
        ['State licence', r.licence ? `${r.licence.number}, ${r.licence.state}, expires ${r.licence.expiresOn}` : `none in force for ${r.patientState}`],
        ['DEA registration', r.dea ? `${r.dea.number}, ${r.dea.state}, schedules ${r.dea.schedules.join(' ')}, expires ${r.dea.expiresOn}` : `none in force for ${r.patientState} covering Schedule III`],
        ['PDMP check', r.pdmpCheck ? `${r.pdmpCheck.checkedAt}: ${r.pdmpCheck.resultSummary ?? 'no summary'}${r.pdmpCheck.otherPrescriberFound ? ' (another prescriber found)' : ''}` : 'none before this action'],
        ['Compliant', r.compliant ? 'Yes' : `No — ${r.reasonCodes.map((c) => `${reasonWords[c] ?? c} (${c})`).join('; ')}`],
      ],
    });
  }
  blocks.push({ kind: 'heading', text: 'Certification' });
  blocks.push({ kind: 'paragraph', text: 'I certify that this report is a true copy of the prescribing and dispensing records kept in Keel for the period above.' });
  blocks.push({ kind: 'paragraph', text: 'Signature: ____________________________________    Printed name: ______________________________    Date: ______________' });
  return renderPdf({ title, createdAt: new Date(report.generatedAt) }, blocks);
}
