// The compliance status of a patient (the chart), of a page of patients (the panel, in a handful of batched queries)
// and the list of patients whose telemedicine pathway lapses (docs/compliance.md).
import {
  EXPIRY_NOTICE_DAYS,
  addDays,
  credentialCovers,
  daysUntil,
  evaluatePrescribingCompliance,
  nextPdmpDueAt,
  programDate,
  type ComplianceAction,
  type ComplianceCredential,
  type ComplianceInput,
  type DosingSettings,
} from '@keel/domain';
import { writeAuditEntries } from '../../audit/audit-log.ts';
import type { Db } from '../../db/transaction.ts';
import type { UseCase } from '../deps.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import { iso } from '../treatment/treatment-common.ts';
import { pathwayView } from './compliance-records.ts';
import { primaryClinicianOf } from '../identity/care-team.ts';
import { currentPathwayRow, loadComplianceInput } from './compliance-input.ts';

export type ComplianceStatus = 'compliant' | 'action_needed' | 'blocked';

interface PatientFacts {
  hasActivePlan: boolean;
  input: ComplianceInput;
}

/**
 * The status a chart shows: the rules for a dose when a plan is active (for signing a plan otherwise), and
 * `action_needed` when everything holds today but the pathway or a credential it rests on ends within 30 days.
 */
export function statusOf(facts: PatientFacts, settings: DosingSettings, now: Date) {
  const decision = evaluatePrescribingCompliance(facts.input, settings, now);
  const lapsesOn = facts.input.pathway?.kind === 'telemedicine_flexibility' ? addDays(settings.compliance.telemedicineFlexibilityUntil, 1) : null;
  let status: ComplianceStatus = decision.ok ? 'compliant' : 'blocked';
  if (status === 'compliant') {
    const soon = (date: string) => daysUntil(date, now, settings) < EXPIRY_NOTICE_DAYS;
    const state = facts.input.patientState ?? '';
    const creds = facts.input.prescriber?.credentials ?? [];
    // The latest-expiring credential that covers today, per kind: action is needed only when that one ends soon.
    const coverEnd = (kind: 'state_licence' | 'dea_registration') =>
      creds
        .filter((c) => credentialCovers(c, kind, state, now, settings))
        .map((c) => c.expiresOn)
        .sort()
        .at(-1);
    const ends = [coverEnd('state_licence'), coverEnd('dea_registration'), lapsesOn ? settings.compliance.telemedicineFlexibilityUntil : undefined];
    if (ends.some((d) => d !== undefined && soon(d))) status = 'action_needed';
  }
  return { status, reasons: decision.reasons.map((r) => ({ code: r.code, message: r.message })), lapsesOn };
}

export async function patientCompliance(uc: UseCase, patientId: string) {
  const db = uc.deps.database.db;
  const settings = (await loadProgramSettings(db)).dosing;
  const plan = await db.selectFrom('treatment_plans').select(['signed_by']).where('patient_id', '=', patientId).where('status', '=', 'active').executeTakeFirst();
  const action: ComplianceAction = plan ? 'dose' : 'sign_plan';
  const prescriberId = plan?.signed_by ?? (await primaryClinicianOf(db, patientId));
  const input = await loadComplianceInput(db, { patientId, action, prescriberId });
  const { status, reasons, lapsesOn } = statusOf({ hasActivePlan: plan !== undefined, input }, settings, uc.ctx.now);
  const pathway = await currentPathwayRow(db, patientId);
  const last = input.pdmpCheckedAt[0] ?? null;
  return {
    status,
    reasons,
    pathway: pathway ? pathwayView(pathway) : null,
    lastPdmpCheckAt: last,
    nextPdmpDueAt: nextPdmpDueAt(input.pdmpCheckedAt, settings),
    lapsesOn,
  };
}

/**
 * The panel's compliance column for a page of patients: five queries whatever the page size, then the domain rule
 * per row in memory.
 */
export async function complianceSummaries(db: Db, patientIds: readonly string[], settings: DosingSettings, now: Date): Promise<Map<string, { status: ComplianceStatus; reasonCodes: string[] }>> {
  const out = new Map<string, { status: ComplianceStatus; reasonCodes: string[] }>();
  if (patientIds.length === 0) return out;
  const ids = [...patientIds];
  const patients = await db.selectFrom('patients').select(['id', 'state']).where('id', 'in', ids).execute();
  const plans = await db.selectFrom('treatment_plans').select(['patient_id', 'signed_by']).where('patient_id', 'in', ids).where('status', '=', 'active').execute();
  const teams = await db
    .selectFrom('care_team_members')
    .select(['patient_id', 'user_id', 'is_primary'])
    .where('patient_id', 'in', ids)
    .where('member_role', '=', 'clinician')
    .where('unassigned_at', 'is', null)
    .orderBy('is_primary', 'desc')
    .orderBy('assigned_at')
    .execute();
  const pathways = await db.selectFrom('prescribing_pathways').select(['patient_id', 'kind', 'details']).where('patient_id', 'in', ids).where('superseded_at', 'is', null).execute();
  const checks = await db
    .selectFrom('pdmp_checks')
    .select(['patient_id', (eb) => eb.fn.max('checked_at').as('latest')])
    .where('patient_id', 'in', ids)
    .where('checked_at', '<=', now)
    .groupBy('patient_id')
    .execute();
  const planOf = new Map(plans.map((p) => [p.patient_id, p.signed_by]));
  const clinicianOf = new Map<string, string>();
  for (const t of teams) if (!clinicianOf.has(t.patient_id)) clinicianOf.set(t.patient_id, t.user_id);
  const prescriberOf = new Map(ids.map((id) => [id, planOf.get(id) ?? clinicianOf.get(id) ?? null]));
  const prescriberIds = [...new Set([...prescriberOf.values()].filter((x): x is string => x !== null))];
  const creds =
    prescriberIds.length === 0
      ? []
      : await db.selectFrom('prescriber_credentials').select(['clinician_id', 'kind', 'state', 'schedules', 'expires_on']).where('clinician_id', 'in', prescriberIds).execute();
  const credsOf = new Map<string, ComplianceCredential[]>();
  for (const c of creds) credsOf.set(c.clinician_id, [...(credsOf.get(c.clinician_id) ?? []), { kind: c.kind, state: c.state, schedules: c.schedules, expiresOn: c.expires_on }]);
  const pathwayOf = new Map(pathways.map((p) => [p.patient_id, { kind: p.kind, details: p.details }]));
  const checkOf = new Map(checks.map((c) => [c.patient_id, c.latest === null ? null : iso(c.latest as Date | string)]));
  for (const p of patients) {
    const prescriberId = prescriberOf.get(p.id) ?? null;
    const latest = checkOf.get(p.id) ?? null;
    const input: ComplianceInput = {
      action: planOf.has(p.id) ? 'dose' : 'sign_plan',
      patientState: p.state,
      pathway: pathwayOf.get(p.id) ?? null,
      prescriber: prescriberId ? { id: prescriberId, credentials: credsOf.get(prescriberId) ?? [] } : null,
      pdmpCheckedAt: latest ? [latest] : [],
    };
    const { status, reasons } = statusOf({ hasActivePlan: planOf.has(p.id), input }, settings, now);
    out.set(p.id, { status, reasonCodes: reasons.map((r) => r.code) });
  }
  return out;
}

/**
 * Active patients (approved or in treatment) whose pathway is telemedicine_flexibility: a clinician's own care-team
 * patients, or every one for an administrator.
 */
export async function lapsingPatients(db: Db, settings: DosingSettings, clinicianId: string | null) {
  let q = db
    .selectFrom('prescribing_pathways as pw')
    .innerJoin('patients as p', 'p.id', 'pw.patient_id')
    .leftJoin('care_team_members as c', (join) =>
      join.onRef('c.patient_id', '=', 'p.id').on('c.member_role', '=', 'clinician').on('c.unassigned_at', 'is', null).on('c.is_primary', '=', true),
    )
    .leftJoin('users as u', 'u.id', 'c.user_id')
    .select(['p.id', 'p.name', 'c.user_id as clinician_id', 'u.name as clinician_name', 'pw.kind'])
    .where('pw.superseded_at', 'is', null)
    .where('pw.kind', '=', 'telemedicine_flexibility')
    .where('p.status', 'in', ['approved', 'active'])
    .orderBy('p.name')
    .orderBy('p.id');
  if (clinicianId !== null) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('care_team_members as m')
          .select('m.id')
          .whereRef('m.patient_id', '=', 'p.id')
          .where('m.user_id', '=', clinicianId)
          .where('m.unassigned_at', 'is', null),
      ),
    );
  }
  const rows = await q.execute();
  // One row per patient even if several primaries are on record.
  const seen = new Set<string>();
  const lapsesOn = addDays(settings.compliance.telemedicineFlexibilityUntil, 1);
  return rows
    .filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)))
    .map((r) => ({
      patientId: r.id,
      name: r.name,
      clinicianId: r.clinician_id ?? null,
      clinicianName: r.clinician_name ?? null,
      pathwayKind: r.kind,
      lapsesOn,
    }));
}

export async function lapseList(uc: UseCase) {
  const { deps, ctx } = uc;
  const db = deps.database.db;
  const settings = (await loadProgramSettings(db)).dosing;
  const patients = await lapsingPatients(db, settings, ctx.actorRole === 'admin' ? null : ctx.actorId);
  // Each patient listed is a read of that patient's data (their access log shows it).
  await writeAuditEntries(
    db,
    ctx,
    patients.length > 0
      ? patients.map((p) => ({ action: 'compliance_lapse_list.read', resourceType: 'compliance_lapse_list', patientId: p.patientId, outcome: 'success' as const }))
      : [{ action: 'compliance_lapse_list.read', resourceType: 'compliance_lapse_list', outcome: 'success' as const }],
  );
  return { flexibilityUntil: settings.compliance.telemedicineFlexibilityUntil, patients };
}

/** The program's date today and the last date of a look-ahead, for the expiring-credentials list. */
export async function expiryWindow(db: Db, now: Date, withinDays: number) {
  const settings = (await loadProgramSettings(db)).dosing;
  const today = programDate(now, settings);
  return { today, until: addDays(today, withinDays) };
}
