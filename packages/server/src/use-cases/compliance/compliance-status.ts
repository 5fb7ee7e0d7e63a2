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
import { sql } from 'kysely';
import { writeAuditEntries } from '../../audit/audit-log.ts';
import type { ReadHandle } from '../../db/database.ts';
import { executePrepared } from '../../db/prepared.ts';
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
 * The panel's compliance column for a page of patients: two queries whatever the page size (each patient's facts in
 * one named prepared statement over the page's ids as one array parameter, then the prescribers' credentials), then
 * the domain rule per row in memory. Five statements with the 500 ids as 500 parameters each, parsed and planned on
 * every call, cost more than the lookups themselves (docs/perf.md).
 */
export async function complianceSummaries(database: ReadHandle, patientIds: readonly string[], settings: DosingSettings, now: Date): Promise<Map<string, { status: ComplianceStatus; reasonCodes: string[] }>> {
  const out = new Map<string, { status: ComplianceStatus; reasonCodes: string[] }>();
  if (patientIds.length === 0) return out;
  const ids = [...patientIds];
  const db = database.db;
  // At most one active plan and one current pathway per patient (unique partial indexes); the prescriber without a
  // signed plan is the primary clinician, else the earliest assigned one. Each lookup is one pass over the page's
  // rows (not a subquery per patient), through an index searched for each id of the page.
  const inPage = (column: string) => sql<boolean>`${sql.ref(column)} = ANY(${ids}::uuid[])`;
  const facts = await executePrepared(
    database,
    db
      .selectFrom('patients as p')
      .leftJoin('treatment_plans as tp', (j) => j.onRef('tp.patient_id', '=', 'p.id').on('tp.status', '=', 'active'))
      .leftJoin('prescribing_pathways as pw', (j) => j.onRef('pw.patient_id', '=', 'p.id').on('pw.superseded_at', 'is', null))
      .leftJoin(
        (eb) =>
          eb
            .selectFrom('care_team_members as c')
            .distinctOn('c.patient_id')
            .select(['c.patient_id', 'c.user_id'])
            .where(inPage('c.patient_id'))
            .where('c.member_role', '=', 'clinician')
            .where('c.unassigned_at', 'is', null)
            .orderBy('c.patient_id')
            .orderBy('c.is_primary', 'desc')
            .orderBy('c.assigned_at')
            .as('c'),
        (j) => j.onRef('c.patient_id', '=', 'p.id'),
      )
      .leftJoin(
        (eb) =>
          eb
            .selectFrom('pdmp_checks as k')
            .select(['k.patient_id', (k) => k.fn.max('k.checked_at').as('latest')])
            .where(inPage('k.patient_id'))
            .where('k.checked_at', '<=', now)
            .groupBy('k.patient_id')
            .as('k'),
        (j) => j.onRef('k.patient_id', '=', 'p.id'),
      )
      .select(['p.id', 'p.state', 'tp.id as plan_id', 'tp.signed_by', 'pw.kind', 'pw.details', 'c.user_id as clinician_id', 'k.latest as latest_check'])
      // Driven by the page's ids (a semi-join), not `p.id = ANY(ids)`: with the ids a bind parameter, that filter is
      // a linear search of the 500-element array for every patient of the program (8 of the 9 ms this statement
      // took at 1,000 patients; docs/perf.md).
      .where('p.id', 'in', sql<string>`(SELECT unnest(${ids}::uuid[]))`)
      .compile(),
  );
  const prescriberOf = new Map(facts.map((f) => [f.id, f.signed_by ?? f.clinician_id ?? null]));
  const prescriberIds = [...new Set([...prescriberOf.values()].filter((x): x is string => x !== null))];
  const creds =
    prescriberIds.length === 0
      ? []
      : await db.selectFrom('prescriber_credentials').select(['clinician_id', 'kind', 'state', 'schedules', 'expires_on']).where(sql<boolean>`clinician_id = ANY(${prescriberIds}::uuid[])`).execute();
  const credsOf = new Map<string, ComplianceCredential[]>();
  for (const c of creds) credsOf.set(c.clinician_id, [...(credsOf.get(c.clinician_id) ?? []), { kind: c.kind, state: c.state, schedules: c.schedules, expiresOn: c.expires_on }]);
  for (const f of facts) {
    const prescriberId = prescriberOf.get(f.id) ?? null;
    const latest = f.latest_check === null ? null : iso(f.latest_check);
    const hasActivePlan = f.plan_id !== null;
    const input: ComplianceInput = {
      action: hasActivePlan ? 'dose' : 'sign_plan',
      patientState: f.state,
      pathway: f.kind === null ? null : { kind: f.kind, details: f.details ?? {} },
      prescriber: prescriberId ? { id: prescriberId, credentials: credsOf.get(prescriberId) ?? [] } : null,
      pdmpCheckedAt: latest ? [latest] : [],
    };
    const { status, reasons } = statusOf({ hasActivePlan, input }, settings, now);
    out.set(f.id, { status, reasonCodes: reasons.map((r) => r.code) });
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
