import { instrumentOutcome, type Relation } from '@keel/domain';
import { dischargeSummarySchema, type DischargeSummary } from '@keel/contract';
import { writeAudit } from '../../audit/audit-log.ts';
import type { Db, Tx } from '../../db/transaction.ts';
import { parseStored } from '../../db/stored-document.ts';
import { AppError, notFound } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { loadSignature, type SignatureRecord } from '../identity/signatures.ts';
import { inSigningTransaction } from '../identity/signatures.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import { activePlan, completedSessions, firstDoseAt, instrumentScores } from './collaborator-reads.ts';
import { renderPdf, type PdfBlock } from './pdf.ts';
import { cancelReminders } from './reminders.ts';
import { dateText } from './sql-helpers.ts';

/** The course of treatment as the records show it: sessions, doses, outcomes and alerts. */
export async function buildDischargeSummary(
  db: Db,
  patientId: string,
  input: { reason: string; recommendations: string[] },
): Promise<DischargeSummary> {
  const patient = await db
    .selectFrom('patients')
    .select(['name', 'state', 'created_at', dateText('date_of_birth').as('date_of_birth')])
    .where('id', '=', patientId)
    .executeTakeFirst();
  if (!patient) throw notFound('patient');
  const settings = await loadProgramSettings(db);
  const sessions = await completedSessions(db, patientId);
  const plan = await activePlan(db, patientId);
  const firstDose = await firstDoseAt(db, patientId);
  const outcomes = [];
  for (const instrument of ['phq9', 'gad7'] as const) {
    const scores = await instrumentScores(db, patientId, instrument);
    const o = instrumentOutcome({ instrument, scores, firstDoseAt: firstDose?.toISOString() }, settings.monitoring.outcomes);
    const baseline = o.baseline.kind === 'missing' ? null : o.baseline.score;
    const latest = o.latestOnTreatment ?? o.latest;
    outcomes.push({
      instrument,
      baseline: baseline?.total ?? null,
      baselineAt: baseline ? new Date(baseline.at).toISOString() : null,
      latest: latest?.total ?? null,
      latestAt: latest ? new Date(latest.at).toISOString() : null,
      changePct: o.changePct === null ? null : Math.round(o.changePct * 10) / 10,
      response: o.response,
      remission: o.remission,
    });
  }
  const alerts = await db
    .selectFrom('alerts')
    .select(['code', 'severity', 'status'])
    .where('patient_id', '=', patientId)
    .execute();
  const byCode = new Map<string, { code: string; severity: string; count: number }>();
  for (const a of alerts) {
    const key = `${a.code}|${a.severity}`;
    const entry = byCode.get(key) ?? { code: a.code, severity: a.severity, count: 0 };
    entry.count++;
    byCode.set(key, entry);
  }
  const integration = await db
    .selectFrom('appointments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patient_id', '=', patientId)
    .where('kind', '=', 'integration')
    .where('status', '=', 'completed')
    .executeTakeFirst();
  const visits = await db.selectFrom('clinician_visits').select((eb) => eb.fn.countAll<number>().as('n')).where('patient_id', '=', patientId).executeTakeFirst();
  const phase = plan?.terms['phase'];
  return {
    patient: { name: patient.name, dateOfBirth: patient.date_of_birth, state: patient.state },
    enrolledAt: new Date(patient.created_at).toISOString(),
    course: {
      sessionsCompleted: sessions.length,
      firstSessionAt: sessions[0]?.completedAt.toISOString() ?? null,
      lastSessionAt: sessions.at(-1)?.completedAt.toISOString() ?? null,
      sessionDates: sessions.map((s) => s.completedAt.toISOString()),
      dosesMg: sessions.map((s) => s.doseMg).filter((d): d is number => d !== null),
      planPhase: typeof phase === 'string' ? phase : null,
      integrationSessionsAttended: Number(integration?.n ?? 0),
      clinicianVisits: Number(visits?.n ?? 0),
    },
    outcomes,
    alerts: { total: alerts.length, open: alerts.filter((a) => a.status !== 'resolved').length, byCode: [...byCode.values()] },
    reason: input.reason,
    recommendations: input.recommendations,
  };
}

/**
 * Discharges a patient: the clinician signs the summary (meaning "discharged", bound to the hash of the record),
 * the patient's status becomes `discharged`, and the future that no longer applies is cleared in the same
 * transaction — booked appointments are cancelled (their slots freed, reminders stopped) and follow-ups still due
 * are cancelled.
 */
export async function dischargePatient(
  uc: UseCase,
  patientId: string,
  relation: Relation,
  input: { reason: string; recommendations: string[]; password: string },
): Promise<string> {
  const { ctx } = uc;
  if (relation !== 'clinician' || !ctx.actorId) throw notFound('patient');
  const clinicianId = ctx.actorId;
  const id = crypto.randomUUID();
  const attempt = { signerId: clinicianId, recordType: 'discharge', recordId: id, patientId };
  return inSigningTransaction(uc, attempt, async (tx, sign) => {
    const patient = await tx.selectFrom('patients').select(['status']).where('id', '=', patientId).forUpdate().executeTakeFirstOrThrow();
    if (patient.status === 'discharged') throw new AppError('CONFLICT', 'This patient has already been discharged.');
    const summary = await buildDischargeSummary(tx, patientId, input);
    const record = { type: 'discharge', id, patientId, clinicianId, dischargedAt: ctx.now.toISOString(), summary };
    const signature = await sign({ ...attempt, password: input.password, meaning: 'discharged', record });
    await tx
      .insertInto('discharges')
      .values({ id, patient_id: patientId, clinician_id: clinicianId, discharged_at: ctx.now, reason: input.reason, summary: JSON.stringify(summary), record: JSON.stringify(record), signature_id: signature.id })
      .execute();
    await tx.updateTable('patients').set({ status: 'discharged' }).where('id', '=', patientId).execute();
    const future = await tx.selectFrom('appointments').select('id').where('patient_id', '=', patientId).where('status', '=', 'booked').where('starts_at', '>', ctx.now).execute();
    for (const a of future) {
      await tx.deleteFrom('appointment_slots').where('appointment_id', '=', a.id).execute();
      await tx.updateTable('appointments').set({ status: 'cancelled', cancelled_at: ctx.now, cancelled_by: clinicianId, cancel_reason: 'Patient discharged' }).where('id', '=', a.id).execute();
      await cancelReminders(tx, a.id, ctx.now);
    }
    await tx.updateTable('follow_ups').set({ status: 'cancelled' }).where('patient_id', '=', patientId).where('status', '=', 'due').execute();
    await writeAudit(tx, ctx, {
      action: 'discharge.create',
      resourceType: 'discharge',
      resourceId: id,
      patientId,
      outcome: 'success',
      detail: { signatureId: signature.id, cancelledAppointments: future.length },
    });
    return id;
  });
}

export interface StoredDischarge {
  id: string;
  patientId: string;
  dischargedAt: string;
  clinician: { id: string; name: string };
  signature: SignatureRecord;
  summary: DischargeSummary;
}

export async function loadDischarge(db: Db | Tx, patientId: string): Promise<StoredDischarge> {
  const row = await db
    .selectFrom('discharges as d')
    .innerJoin('users as u', 'u.id', 'd.clinician_id')
    .select(['d.id', 'd.patient_id', 'd.discharged_at', 'd.clinician_id', 'u.name', 'd.summary', 'd.signature_id'])
    .where('d.patient_id', '=', patientId)
    .executeTakeFirst();
  if (!row) throw notFound('discharge summary');
  const signature = await loadSignature(db, row.signature_id);
  if (!signature) throw new AppError('INTERNAL', 'The discharge signature is missing.');
  return {
    id: row.id,
    patientId: row.patient_id,
    dischargedAt: new Date(row.discharged_at).toISOString(),
    clinician: { id: row.clinician_id, name: row.name },
    signature,
    summary: parseStored(dischargeSummarySchema, row.summary, { table: 'discharges', column: 'summary', id: row.id }),
  };
}

const day = (iso: string | null): string => (iso ? iso.slice(0, 10) : '—');
const instrumentName = { phq9: 'PHQ-9 (depression)', gad7: 'GAD-7 (anxiety)' } as const;
const yesNo = (v: boolean | null): string => (v === null ? 'not assessable' : v ? 'yes' : 'no');

/** The discharge summary's body as PDF blocks (shared by the patient's download and the disclosure letter). */
export function dischargeBlocks(d: StoredDischarge): PdfBlock[] {
  const s = d.summary;
  const doses = s.course.dosesMg;
  const doseLine =
    doses.length === 0 ? 'No doses recorded' : `${Math.min(...doses)}–${Math.max(...doses)} mg per session (last ${doses.at(-1) ?? '—'} mg)`;
  return [
    { kind: 'fields', rows: [['Patient', s.patient.name], ['Date of birth', s.patient.dateOfBirth], ['State', s.patient.state], ['Enrolled', day(s.enrolledAt)], ['Discharged', day(d.dischargedAt)]] },
    { kind: 'heading', text: 'Course of treatment' },
    {
      kind: 'fields',
      rows: [
        ['At-home ketamine sessions completed', String(s.course.sessionsCompleted)],
        ['First and last session', `${day(s.course.firstSessionAt)} to ${day(s.course.lastSessionAt)}`],
        ['Doses', doseLine],
        ['Plan phase at discharge', s.course.planPhase ?? '—'],
        ['Integration coaching sessions attended', String(s.course.integrationSessionsAttended)],
        ['Clinician visits', String(s.course.clinicianVisits)],
      ],
    },
    ...(s.course.sessionDates.length > 0 ? [{ kind: 'paragraph' as const, text: `Session dates: ${s.course.sessionDates.map(day).join(', ')}` }] : []),
    { kind: 'heading', text: 'Outcomes (baseline = last score before the first dose)' },
    {
      kind: 'list',
      items: s.outcomes.map(
        (o) =>
          `${instrumentName[o.instrument]}: baseline ${o.baseline ?? '—'} (${day(o.baselineAt)}) → latest ${o.latest ?? '—'} (${day(o.latestAt)})` +
          `${o.changePct === null ? '' : `, change ${o.changePct}%`}; response ${yesNo(o.response)}; remission ${yesNo(o.remission)}`,
      ),
    },
    { kind: 'heading', text: 'Safety alerts during treatment' },
    {
      kind: 'paragraph',
      text:
        s.alerts.total === 0
          ? 'No safety alerts were raised.'
          : `${s.alerts.total} alert(s), ${s.alerts.open} still open at discharge: ${s.alerts.byCode.map((a) => `${a.code} (${a.severity}) × ${a.count}`).join('; ')}.`,
    },
    { kind: 'heading', text: 'Reason for discharge' },
    { kind: 'paragraph', text: s.reason },
    { kind: 'heading', text: 'Recommendations' },
    { kind: 'list', items: s.recommendations },
    { kind: 'heading', text: 'Signature' },
    {
      kind: 'paragraph',
      text: `Electronically signed by ${d.signature.printedName} on ${d.signature.signedAt} (meaning: ${d.signature.meaning}). Record SHA-256: ${d.signature.recordSha256}.`,
    },
  ];
}

const crisisFooter: PdfBlock = {
  kind: 'notice',
  text: 'In a crisis: call or text 988 (Suicide & Crisis Lifeline; veterans press 1), text HOME to 741741, or call 911 in an emergency.',
};

export async function dischargePdf(d: StoredDischarge, now: Date): Promise<Buffer> {
  return renderPdf({ title: 'Discharge summary', createdAt: now }, [
    { kind: 'title', text: 'Keel — Discharge summary' },
    { kind: 'subtitle', text: 'Medically supervised at-home ketamine therapy program. Confidential health information.' },
    ...dischargeBlocks(d),
    crisisFooter,
  ]);
}

export { crisisFooter };

/** The stored summary (patient or clinician); the read is audited by the route's access rule. */
export async function readDischarge({ deps }: UseCase, patientId: string): Promise<StoredDischarge> {
  return loadDischarge(deps.database.db, patientId);
}
