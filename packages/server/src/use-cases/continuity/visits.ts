import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { AppError, notFound, validationFailed } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { nullableDateText } from './sql-helpers.ts';

export interface VisitInput {
  occurredAt: string;
  modality: 'audio_video' | 'in_person';
  patientState: string;
  prescriberLicenseState: string;
  inPersonEvaluationOn?: string | undefined;
  appointmentId?: string | undefined;
  note?: string | undefined;
}

/**
 * Records a clinician visit, the telehealth prescribing record (docs/clinical-basis.md §6): modality, where the patient
 * was, the prescriber's licence state and DEA registration, and any in-person evaluation date. The licence state
 * must be one the clinician holds and the state the patient was in. The visit completes every follow-up that
 * was due by then (the gate stops holding dosing for them) and, when it names one, its appointment.
 */
export async function recordVisit({ deps, ctx }: UseCase, patientId: string, input: VisitInput): Promise<{ id: string; completedFollowUps: string[] }> {
  const clinicianId = ctx.actorId;
  if (!clinicianId) throw notFound('patient');
  const occurredAt = new Date(input.occurredAt);
  if (occurredAt.getTime() > ctx.now.getTime() + 5 * 60_000) throw validationFailed([{ field: 'occurredAt', message: 'cannot be in the future' }]);
  if (input.inPersonEvaluationOn && input.inPersonEvaluationOn > occurredAt.toISOString().slice(0, 10)) {
    throw validationFailed([{ field: 'inPersonEvaluationOn', message: 'cannot be after the visit' }]);
  }
  return inTransaction(deps.database.db, async (tx) => {
    const clinician = await tx.selectFrom('users').select(['state_licenses', 'dea_registration']).where('id', '=', clinicianId).executeTakeFirstOrThrow();
    const errors = [];
    if (!clinician.state_licenses.includes(input.prescriberLicenseState)) {
      errors.push({ field: 'prescriberLicenseState', message: `you hold no licence in ${input.prescriberLicenseState} (your licences: ${clinician.state_licenses.join(', ') || 'none recorded'})` });
    }
    if (input.prescriberLicenseState !== input.patientState) {
      errors.push({ field: 'prescriberLicenseState', message: `must be the state the patient was in during the visit (${input.patientState})` });
    }
    if (errors.length > 0) throw validationFailed(errors);

    if (input.appointmentId) {
      const a = await tx.selectFrom('appointments').select(['patient_id', 'staff_id', 'status', 'kind']).where('id', '=', input.appointmentId).forUpdate().executeTakeFirst();
      if (!a || a.patient_id !== patientId) throw validationFailed([{ field: 'appointmentId', message: "is not one of this patient's appointments" }]);
      if (a.status === 'cancelled') throw new AppError('CONFLICT', 'That appointment was cancelled.');
      if (a.status === 'booked') {
        await tx.updateTable('appointments').set({ status: 'completed', status_changed_at: ctx.now, status_changed_by: clinicianId }).where('id', '=', input.appointmentId).execute();
        await tx.updateTable('appointment_reminders').set({ status: 'cancelled', processed_at: ctx.now }).where('appointment_id', '=', input.appointmentId).where('status', '=', 'pending').execute();
      }
    }
    const id = crypto.randomUUID();
    await tx
      .insertInto('clinician_visits')
      .values({
        id,
        patient_id: patientId,
        clinician_id: clinicianId,
        occurred_at: occurredAt,
        modality: input.modality,
        patient_state: input.patientState,
        prescriber_license_state: input.prescriberLicenseState,
        prescriber_dea_registration: clinician.dea_registration,
        in_person_evaluation_on: input.inPersonEvaluationOn ?? null,
        appointment_id: input.appointmentId ?? null,
        note: input.note ?? null,
        created_at: ctx.now,
      })
      .execute();
    const completed = await tx
      .updateTable('follow_ups')
      .set({ status: 'completed', completed_at: ctx.now, completed_by: clinicianId, visit_id: id })
      .where('patient_id', '=', patientId)
      .where('status', '=', 'due')
      .where('created_at', '<=', occurredAt)
      .returning('id')
      .execute();
    await writeAudit(tx, ctx, {
      action: 'visit.record',
      resourceType: 'clinician_visit',
      resourceId: id,
      patientId,
      outcome: 'success',
      detail: { modality: input.modality, licenseState: input.prescriberLicenseState, completedFollowUps: completed.map((c) => c.id) },
    });
    return { id, completedFollowUps: completed.map((c) => c.id) };
  });
}

export async function listVisits(db: Db, patientId: string, ids?: string[]) {
  let q = db
    .selectFrom('clinician_visits as v')
    .innerJoin('users as u', 'u.id', 'v.clinician_id')
    .select([
      'v.id',
      'v.patient_id',
      'v.clinician_id',
      'u.name as clinician_name',
      'v.occurred_at',
      'v.modality',
      'v.patient_state',
      'v.prescriber_license_state',
      'v.prescriber_dea_registration',
      nullableDateText('v.in_person_evaluation_on').as('in_person_evaluation_on'),
      'v.appointment_id',
      'v.note',
    ])
    .where('v.patient_id', '=', patientId)
    .orderBy('v.occurred_at', 'desc')
    .limit(500);
  if (ids) q = q.where('v.id', 'in', ids);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patient_id,
    clinicianId: r.clinician_id,
    clinicianName: r.clinician_name,
    occurredAt: new Date(r.occurred_at).toISOString(),
    modality: r.modality,
    patientState: r.patient_state,
    prescriberLicenseState: r.prescriber_license_state,
    prescriberDeaRegistration: r.prescriber_dea_registration,
    inPersonEvaluationOn: r.in_person_evaluation_on,
    appointmentId: r.appointment_id,
    note: r.note,
  }));
}
