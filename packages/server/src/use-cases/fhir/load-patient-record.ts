import { sql } from 'kysely';
import { readIntake, type FhirEvidence, type FhirPatientRecord, type IntakeAnswers, type TreatmentPlanTerms } from '@keel/domain';
import type { Db, Tx } from '../../db/transaction.ts';
import { planTerms } from '../treatment/treatment-common.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import { consentPdfBase64 } from './consent-pdf.ts';

const iso = (value: Date | string): string => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null | undefined): string | null => (value === null || value === undefined ? null : iso(value));
const asArray = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : typeof value === 'string' ? (JSON.parse(value) as T[]) : []);

function evidenceRows(value: unknown): FhirEvidence[] {
  return asArray<Record<string, unknown>>(value).flatMap((e) =>
    typeof e['type'] === 'string' && typeof e['id'] === 'string' ? [{ type: e['type'], id: e['id'], summary: typeof e['summary'] === 'string' ? e['summary'] : '' }] : [],
  );
}

export interface LoadOptions {
  /** Render each signed consent as the PDF the Consent attaches (the export and reads of Consent need it). */
  consentPdf?: boolean;
  /** `patient`: only what the Patient resource needs (demographics, care team), for searches over patients. */
  scope?: 'record' | 'patient';
}

/**
 * Everything the FHIR export of one patient needs, read in the caller's transaction (one consistent snapshot).
 * Returns null when there is no such patient.
 */
export async function loadPatientRecord(tx: Tx, patientId: string, options: LoadOptions = {}): Promise<FhirPatientRecord | null> {
  const patient = await tx
    .selectFrom('patients as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select(['p.id', 'p.user_id', 'p.name', 'p.sex_at_birth', 'p.state', 'p.address', 'p.status', 'p.created_at', 'u.email'])
    // A `date` column comes back from the driver as a local-midnight Date; format it in the database instead.
    .select(sql<string>`to_char(p.date_of_birth, 'YYYY-MM-DD')`.as('date_of_birth'))
    .where('p.id', '=', patientId)
    .executeTakeFirst();
  if (!patient) return null;
  const patientPart = {
    id: patient.id,
    userId: patient.user_id,
    name: patient.name,
    dateOfBirth: patient.date_of_birth,
    sexAtBirth: patient.sex_at_birth,
    state: patient.state,
    address: patient.address,
    email: patient.email,
    status: patient.status,
    createdAt: iso(patient.created_at),
  };
  if (options.scope === 'patient') return patientOnly(tx, patientPart);

  const [careTeam, sitters, decision, assessments, plans, dispenses, sessions, vitals, visits, adverseEvents, alerts, riskEvaluations, consents, settings] = await Promise.all([
    tx.selectFrom('care_team_members').selectAll().where('patient_id', '=', patientId).where('unassigned_at', 'is', null).orderBy('assigned_at').execute(),
    tx.selectFrom('sitter_assignments as s').leftJoin('users as u', 'u.id', 's.sitter_user_id').select(['s.id', 's.sitter_user_id', 's.invite_name', 's.relationship', 's.status', 's.created_at', 's.accepted_at', 's.removed_at', 'u.name as user_name']).where('s.patient_id', '=', patientId).where('s.sitter_user_id', 'is not', null).orderBy('s.created_at').execute(),
    tx
      .selectFrom('intake_decisions as d')
      .innerJoin('intakes as i', 'i.id', 'd.intake_id')
      .select(['d.id', 'd.decided_at', 'd.decided_by', 'd.note', 'd.signature_id', 'i.answers'])
      .where('d.patient_id', '=', patientId)
      .where('d.decision', '=', 'approve')
      .orderBy('d.decided_at', 'desc')
      .executeTakeFirst(),
    tx.selectFrom('assessments').selectAll().where('patient_id', '=', patientId).orderBy('submitted_at').orderBy('id').execute(),
    tx.selectFrom('treatment_plans').selectAll().where('patient_id', '=', patientId).orderBy('version').execute(),
    tx.selectFrom('dispenses').selectAll().where('patient_id', '=', patientId).orderBy('dispensed_at').orderBy('id').execute(),
    tx.selectFrom('dosing_sessions').selectAll().where('patient_id', '=', patientId).orderBy('scheduled_for').orderBy('id').execute(),
    tx.selectFrom('session_vitals').selectAll().where('patient_id', '=', patientId).orderBy('taken_at').orderBy('id').execute(),
    tx.selectFrom('clinician_visits').selectAll().where('patient_id', '=', patientId).orderBy('occurred_at').execute(),
    tx.selectFrom('adverse_events').selectAll().where('patient_id', '=', patientId).orderBy('reported_at').execute(),
    tx.selectFrom('alerts').selectAll().where('patient_id', '=', patientId).orderBy('raised_at').orderBy('id').execute(),
    tx.selectFrom('risk_evaluations').selectAll().where('patient_id', '=', patientId).orderBy('evaluated_at').execute(),
    tx.selectFrom('consent_signatures').selectAll().where('patient_id', '=', patientId).orderBy('signed_at').execute(),
    loadProgramSettings(tx),
  ]);

  const signatureIds = [...plans.map((p) => p.signature_id), ...consents.map((c) => c.signature_id), decision?.signature_id].filter((id): id is string => typeof id === 'string');
  const signatures = signatureIds.length ? await tx.selectFrom('signatures').selectAll().where('id', 'in', signatureIds).orderBy('signed_at').execute() : [];

  // Every staff member a row names, so each reference to a practitioner resolves inside the export.
  const staffIds = new Set<string>([
    ...careTeam.map((c) => c.user_id),
    ...plans.flatMap((p) => (p.signed_by ? [p.signed_by] : [])),
    ...dispenses.flatMap((d) => (d.prescriber_id ? [d.prescriber_id] : [])),
    ...visits.map((v) => v.clinician_id),
    ...adverseEvents.map((e) => e.reported_by),
    ...assessments.map((a) => a.submitted_by),
    ...signatures.map((s) => s.signer_id),
    ...(decision ? [decision.decided_by] : []),
  ]);
  const staff = await loadStaff(tx, staffIds);

  const firstFill = new Map<string, (typeof dispenses)[number]>();
  for (const d of dispenses) if (d.plan_id && !firstFill.has(d.plan_id)) firstFill.set(d.plan_id, d);
  const diagnoses = (answers: IntakeAnswers): string[] => (Array.isArray(answers.psychiatricHistory?.diagnoses) ? answers.psychiatricHistory.diagnoses.filter((d) => typeof d === 'string') : []);

  const consentRows = await Promise.all(
    consents.map(async (c) => {
      const pdf = options.consentPdf ? await consentPdfBase64(c.version, patient.name, new Date(c.signed_at)) : undefined;
      return { id: c.id, version: c.version, title: pdf?.title ?? `Informed consent, version ${c.version}`, signedAt: iso(c.signed_at), documentSha256: c.document_sha256, signatureId: c.signature_id, pdfBase64: pdf?.base64 ?? null };
    }),
  );

  return {
    patient: patientPart,
    staff,
    careTeam: careTeam.map(careTeamMember),
    sitters: sitters.flatMap((s) =>
      s.sitter_user_id
        ? [{ id: s.id, userId: s.sitter_user_id, name: s.user_name ?? s.invite_name, relationship: s.relationship, status: s.status, since: iso(s.accepted_at ?? s.created_at), until: isoOrNull(s.removed_at) }]
        : [],
    ),
    diagnosis: decision
      ? {
          decisionId: decision.id,
          decidedAt: iso(decision.decided_at),
          decidedBy: decision.decided_by,
          diagnoses: diagnoses(decision.answers),
          adequateAntidepressantTrials: readIntake(decision.answers, new Date(decision.decided_at), settings.screening).facts.adequateAntidepressantTrials ?? null,
          note: decision.note,
          signatureId: decision.signature_id,
        }
      : null,
    assessments: assessments.map((a) => ({ id: a.id, instrument: a.instrument, version: a.version, total: a.total, band: a.band, flags: [...a.flags], submittedAt: iso(a.submitted_at), submittedBy: a.submitted_by, answers: a.answers })),
    plans: plans.map((p) => {
      const terms = planTerms(p);
      const fill = firstFill.get(p.id);
      return {
        id: p.id,
        version: p.version,
        status: p.status,
        route: terms.route,
        phase: terms.phase,
        currentDoseMg: terms.currentDoseMg,
        maximumDoseMg: terms.maximumDoseMg,
        minHoursBetweenSessions: terms.minHoursBetweenSessions,
        maxSessionsPer7Days: terms.maxSessionsPer7Days,
        sessionsPlanned: terms.sessionsPlanned,
        administrationNotes: administrationText(terms),
        createdAt: iso(p.created_at),
        updatedAt: iso(p.updated_at),
        signedAt: isoOrNull(p.signed_at),
        signedBy: p.signed_by,
        supersedesId: p.supersedes_id,
        goals: [...terms.goals],
        firstFillUnits: fill?.units ?? null,
        firstFillForm: fill?.form ?? null,
      };
    }),
    dispenses: dispenses.map((d) => ({ id: d.id, planId: d.plan_id, units: d.units, form: d.form, strengthMg: d.strength_mg, dispensedAt: iso(d.dispensed_at), dispenser: d.dispenser, prescriberId: d.prescriber_id })),
    sessions: sessions.map((s) => ({
      id: s.id,
      status: s.status,
      scheduledFor: iso(s.scheduled_for),
      authorizedAt: isoOrNull(s.authorized_at),
      startedAt: isoOrNull(s.started_at),
      completedAt: isoOrNull(s.completed_at),
      abortedAt: isoOrNull(s.aborted_at),
      abortReason: s.abort_reason,
      doseMg: s.dose_mg,
      planId: s.plan_id,
      createdAt: iso(s.created_at),
    })),
    vitals: vitals.map((v) => ({ id: v.id, sessionId: v.session_id, phase: v.phase, systolicMmHg: v.systolic_mmhg, diastolicMmHg: v.diastolic_mmhg, heartRateBpm: v.heart_rate_bpm, spo2Pct: v.spo2_pct, takenAt: iso(v.taken_at), recordedBy: v.recorded_by })),
    visits: visits.map((v) => ({ id: v.id, clinicianId: v.clinician_id, occurredAt: iso(v.occurred_at), modality: v.modality, note: v.note })),
    adverseEvents: adverseEvents.map((e) => ({ id: e.id, sessionId: e.session_id, kind: e.kind, description: e.description, severity: e.severity, serious: e.serious, reportedAt: iso(e.reported_at), reportedBy: e.reported_by, resolvedAt: isoOrNull(e.resolved_at) })),
    alerts: alerts.map((a) => ({
      id: a.id,
      code: a.code,
      severity: a.severity,
      title: a.title,
      status: a.status,
      raisedAt: iso(a.raised_at),
      acknowledgedAt: isoOrNull(a.acknowledged_at),
      resolvedAt: isoOrNull(a.resolved_at),
      holdsDosing: a.holds_dosing,
      evidence: evidenceRows(a.evidence),
      recommendedActions: asArray<unknown>(a.recommended_actions).filter((x): x is string => typeof x === 'string'),
    })),
    riskEvaluations: riskEvaluations.map((r) => ({
      id: r.id,
      evaluatedAt: iso(r.evaluated_at),
      tier: r.tier,
      previousTier: r.previous_tier,
      signals: asArray<Record<string, unknown>>(r.signals).map((s) => ({
        code: String(s['code']),
        severity: String(s['severity']),
        summary: typeof s['summary'] === 'string' ? s['summary'] : '',
        evidence: evidenceRows(s['evidence']),
      })),
      explanation: asArray<Record<string, unknown>>(r.explanation).flatMap((e) => (typeof e['detail'] === 'string' ? [e['detail']] : [])),
    })),
    consents: consentRows,
    signatures: signatures.map((s) => ({ id: s.id, signerId: s.signer_id, printedName: s.printed_name, meaning: s.meaning, signedAt: iso(s.signed_at), recordType: s.record_type, recordId: s.record_id, recordSha256: s.record_sha256 })),
    programUpdatedAt: await programUpdatedAt(tx),
    refillPolicy: { maxRefills: settings.dosing.refill.maxRefills, windowMonths: settings.dosing.refill.windowMonths },
  };
}

/** When the program settings last changed (the start of time when they were never changed). */
export async function programUpdatedAt(db: Db): Promise<string> {
  const row = await db.selectFrom('program_settings').select('updated_at').orderBy('version', 'desc').executeTakeFirst();
  return iso(row?.updated_at ?? new Date(0));
}

async function loadStaff(tx: Tx, ids: ReadonlySet<string>): Promise<FhirPatientRecord['staff']> {
  if (ids.size === 0) return [];
  const rows = await tx.selectFrom('users').select(['id', 'name', 'role', 'dea_registration', 'state_licenses', 'status', 'updated_at']).where('id', 'in', [...ids]).where('role', 'in', ['clinician', 'coach', 'admin']).orderBy('id').execute();
  return rows.map((s) => ({ id: s.id, name: s.name, role: s.role, deaRegistration: s.dea_registration, stateLicenses: [...s.state_licenses], active: s.status === 'active', updatedAt: iso(s.updated_at) }));
}

const careTeamMember = (c: { user_id: string; member_role: string; is_primary: boolean; assigned_at: Date }) => ({ userId: c.user_id, role: c.member_role, isPrimary: c.is_primary, since: iso(c.assigned_at) });

/** The patient and their care team only: what the Patient resource needs. */
async function patientOnly(tx: Tx, patient: FhirPatientRecord['patient']): Promise<FhirPatientRecord> {
  const careTeam = await tx.selectFrom('care_team_members').selectAll().where('patient_id', '=', patient.id).where('unassigned_at', 'is', null).orderBy('assigned_at').execute();
  return {
    patient,
    staff: await loadStaff(tx, new Set(careTeam.map((c) => c.user_id))),
    careTeam: careTeam.map(careTeamMember),
    sitters: [],
    diagnosis: null,
    assessments: [],
    plans: [],
    dispenses: [],
    sessions: [],
    vitals: [],
    visits: [],
    adverseEvents: [],
    alerts: [],
    riskEvaluations: [],
    consents: [],
    signatures: [],
    programUpdatedAt: await programUpdatedAt(tx),
    refillPolicy: { maxRefills: 0, windowMonths: 0 },
  };
}

function administrationText(terms: TreatmentPlanTerms): string {
  const a = terms.administration as TreatmentPlanTerms['administration'] | undefined;
  if (!a) return '';
  if (a.route === 'sublingual') {
    return `Hold under the tongue for ${a.holdMinutes} minutes, then ${a.afterDissolve === 'spit' ? 'spit out' : 'swallow'} the saliva.${a.notes ? ` ${a.notes}` : ''}`;
  }
  return a.notes ?? '';
}
