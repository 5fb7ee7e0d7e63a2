import type { Relation } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import type { AppointmentKind, AppointmentModality, AppointmentStatus } from '../../db/tables/continuity.tables.ts';
import { inTransaction, type Db, type Tx } from '../../db/transaction.ts';
import { isUuid } from '../../http/access-control.ts';
import { AppError, notFound, validationFailed } from '../../http/problem.ts';
import { publicBaseUrl, type UseCase } from '../deps.ts';
import { reevaluateWarningSigns } from '../monitoring/risk-evaluation.ts';
import { slotStarts, SLOT_MS, withinAvailability } from './availability-windows.ts';
import { loadStaffAvailability } from './availability.ts';
import { loadContinuitySettings } from './continuity-settings.ts';
import { isUniqueViolation } from '../../db/db-errors.ts';
import { cancelReminders, scheduleReminders } from './reminders.ts';
import { addDays, describeLocalTime, wallClock, zonedTimeToUtc } from './time-zones.ts';

export interface BookInput {
  patientId: string;
  staffId: string;
  kind: AppointmentKind;
  startsAt: string;
  durationMinutes?: number | undefined;
  modality?: AppointmentModality | undefined;
  sitterAssignmentId?: string | undefined;
  recurrence?: { every: 'weekly' | 'biweekly'; count: number } | undefined;
}

/** Which staff role may hold each kind of appointment. */
const staffRolesFor: Record<AppointmentKind, readonly ('clinician' | 'coach')[]> = {
  initial_evaluation: ['clinician'],
  clinician_follow_up: ['clinician'],
  integration: ['coach'],
  sitter_orientation: ['clinician', 'coach'],
};

const slotTaken = (): AppError =>
  new AppError('CONFLICT', 'That time is no longer free: someone booked it a moment ago. Choose another time.', [
    { field: 'startsAt', message: 'overlaps another appointment of this staff member' },
  ]);

/**
 * Books one appointment, or a recurring integration series (all or none), inside the staff member's availability.
 * Overlap is refused by the database: each appointment claims its 15-minute blocks in `appointment_slots`, whose
 * primary key makes a concurrent second claim fail; that failure is reported as 409.
 */
export async function bookAppointments({ deps, ctx }: UseCase, input: BookInput): Promise<string[]> {
  try {
    return await inTransaction(deps.database.db, (tx) => bookInTx(tx, { deps, ctx }, input, {}));
  } catch (error) {
    if (isUniqueViolation(error)) throw slotTaken();
    throw error;
  }
}

interface BookOptions {
  rescheduledFromId?: string;
  followUpId?: string | null;
  series?: { id: string | null; index: number | null };
}

export async function bookInTx(tx: Tx, uc: UseCase, input: BookInput, options: BookOptions): Promise<string[]> {
  const { deps, ctx } = uc;
  const settings = await loadContinuitySettings(tx);
  const patient = await tx
    .selectFrom('patients as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select(['p.id', 'p.state', 'p.status', 'u.email'])
    .where('p.id', '=', input.patientId)
    .executeTakeFirst();
  if (!patient) throw notFound('patient');
  if (patient.status === 'discharged') throw new AppError('CONFLICT', 'This patient has been discharged; new appointments cannot be booked.');

  const staff = await tx.selectFrom('users').select(['id', 'role', 'status', 'state_licenses', 'email']).where('id', '=', input.staffId).executeTakeFirst();
  const allowedRoles = staffRolesFor[input.kind];
  if (!staff || staff.status !== 'active' || !(allowedRoles as readonly string[]).includes(staff.role)) {
    throw validationFailed([{ field: 'staffId', message: `must be an active ${allowedRoles.join(' or ')} for a ${input.kind} appointment` }]);
  }
  if (input.kind === 'initial_evaluation') {
    // Telehealth prescribing: the evaluating clinician must hold a licence in the patient's state.
    if (!staff.state_licenses.includes(patient.state)) {
      throw validationFailed([{ field: 'staffId', message: `is not licensed in ${patient.state}, where the patient is located` }]);
    }
  } else {
    const onTeam = await tx
      .selectFrom('care_team_members')
      .select('id')
      .where('patient_id', '=', input.patientId)
      .where('user_id', '=', input.staffId)
      .where('unassigned_at', 'is', null)
      .executeTakeFirst();
    if (!onTeam) throw validationFailed([{ field: 'staffId', message: "is not on this patient's care team" }]);
  }

  const modality: AppointmentModality = input.modality ?? 'audio_video';
  if (input.kind === 'initial_evaluation' && modality !== 'audio_video') {
    throw validationFailed([{ field: 'modality', message: 'an initial evaluation is an audio-video visit' }]);
  }

  let sitterUserId: string | null = null;
  if (input.kind === 'sitter_orientation') {
    if (!input.sitterAssignmentId) throw validationFailed([{ field: 'sitterAssignmentId', message: 'is required for a sitter orientation' }]);
    const assignment = await tx
      .selectFrom('sitter_assignments')
      .select(['sitter_user_id', 'status'])
      .where('id', '=', input.sitterAssignmentId)
      .where('patient_id', '=', input.patientId)
      .executeTakeFirst();
    if (!assignment || assignment.status !== 'active' || !assignment.sitter_user_id) {
      throw validationFailed([{ field: 'sitterAssignmentId', message: "is not an active sitter of this patient" }]);
    }
    sitterUserId = assignment.sitter_user_id;
  } else if (input.sitterAssignmentId) {
    throw validationFailed([{ field: 'sitterAssignmentId', message: 'only a sitter orientation has a sitter' }]);
  }
  if (input.recurrence && input.kind !== 'integration') {
    throw validationFailed([{ field: 'recurrence', message: 'only integration sessions recur' }]);
  }

  const durationMinutes = input.durationMinutes ?? settings.appointments.defaultDurationMinutes[input.kind];
  const first = new Date(input.startsAt);
  if (first.getTime() % SLOT_MS !== 0) throw validationFailed([{ field: 'startsAt', message: 'must be on a quarter hour (:00, :15, :30, :45)' }]);
  if (durationMinutes % 15 !== 0) throw validationFailed([{ field: 'durationMinutes', message: 'must be a multiple of 15' }]);
  const earliest = ctx.now.getTime() + settings.appointments.minLeadMinutes * 60_000;
  if (first.getTime() < earliest) {
    throw validationFailed([{ field: 'startsAt', message: `must be at least ${settings.appointments.minLeadMinutes} minutes from now` }]);
  }

  const availability = await loadStaffAvailability(tx, input.staffId);
  const tz = availability.timeZone;
  // Recurring sessions keep their local wall-clock time across daylight-saving changes.
  const local = wallClock(first, tz);
  const stepDays = input.recurrence?.every === 'biweekly' ? 14 : 7;
  const count = input.recurrence?.count ?? 1;
  const starts: Date[] = [];
  for (let i = 0; i < count; i++) starts.push(i === 0 ? first : zonedTimeToUtc(addDays(local.date, i * stepDays), local.minuteOfDay, tz));
  const horizon = ctx.now.getTime() + settings.appointments.horizonDays * 86_400_000;
  for (const [i, start] of starts.entries()) {
    const end = start.getTime() + durationMinutes * 60_000;
    const field = i === 0 ? 'startsAt' : `recurrence[${i}]`;
    if (start.getTime() > horizon) throw validationFailed([{ field, message: `is more than ${settings.appointments.horizonDays} days ahead` }]);
    if (!withinAvailability(start.getTime(), end, tz, availability.weekly, availability.exceptions)) {
      throw validationFailed([{ field, message: `${describeLocalTime(start, tz)} is outside the staff member's available hours` }]);
    }
  }

  let followUpId: string | null = options.followUpId ?? null;
  if (options.followUpId === undefined && input.kind === 'clinician_follow_up') {
    // Link the oldest due follow-up that no live appointment already covers.
    const due = await tx
      .selectFrom('follow_ups as f')
      .select('f.id')
      .where('f.patient_id', '=', input.patientId)
      .where('f.status', '=', 'due')
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('appointments as a').select('a.id').whereRef('a.follow_up_id', '=', 'f.id').where('a.status', '=', 'booked'))),
      )
      .orderBy('f.due_at')
      .limit(1)
      .executeTakeFirst();
    followUpId = due?.id ?? null;
  }

  const seriesId = options.series?.id ?? (count > 1 ? crypto.randomUUID() : null);
  const ids: string[] = [];
  for (const [i, start] of starts.entries()) {
    const id = crypto.randomUUID();
    const end = new Date(start.getTime() + durationMinutes * 60_000);
    await tx
      .insertInto('appointments')
      .values({
        id,
        patient_id: input.patientId,
        staff_id: input.staffId,
        kind: input.kind,
        starts_at: start,
        ends_at: end,
        modality,
        sitter_user_id: sitterUserId,
        follow_up_id: i === 0 ? followUpId : null,
        series_id: seriesId,
        series_index: options.series?.index ?? (count > 1 ? i + 1 : null),
        rescheduled_from_id: options.rescheduledFromId ?? null,
        booked_by: ctx.actorId ?? input.staffId,
        created_at: ctx.now,
        cancelled_at: null,
        cancelled_by: null,
        cancel_reason: null,
        status_changed_at: null,
        status_changed_by: null,
      })
      .execute();
    await tx
      .insertInto('appointment_slots')
      .values(slotStarts(start.getTime(), end.getTime()).map((s) => ({ staff_id: input.staffId, slot_start: s, appointment_id: id, patient_id: input.patientId })))
      .execute();
    await scheduleReminders(tx, { id, patientId: input.patientId, startsAt: start }, ctx.now);
    await writeAudit(tx, ctx, {
      action: options.rescheduledFromId ? 'appointment.reschedule' : 'appointment.book',
      resourceType: 'appointment',
      resourceId: id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { kind: input.kind, staffId: input.staffId, seriesId, followUpId: i === 0 ? followUpId : null, rescheduledFromId: options.rescheduledFromId ?? null },
    });
    ids.push(id);
  }

  // Tell the other side that something changed; the notice carries no detail, only a sign-in link.
  const firstId = ids[0] ?? '';
  const notifyStaff = ctx.actorId !== input.staffId;
  await deps.notifier.enqueue(
    tx,
    {
      cause: `appointment:${firstId}:booked:${notifyStaff ? 'staff' : 'patient'}`,
      channel: 'email',
      recipient: notifyStaff ? staff.email : patient.email,
      subject: 'Keel: an appointment was booked',
      body: `An appointment was booked for you on Keel. Sign in to see it and add it to your calendar:\n${publicBaseUrl(deps)}/appointments\n`,
    },
    ctx.now,
  );
  return ids;
}

async function lockBooked(tx: Tx, appointmentId: string) {
  const a = await tx.selectFrom('appointments').selectAll().where('id', '=', appointmentId).forUpdate().executeTakeFirst();
  if (!a) throw notFound('appointment');
  if (a.status !== 'booked') throw new AppError('CONFLICT', `This appointment is ${a.status} and cannot be changed.`);
  return a;
}

async function releaseSlots(tx: Tx, appointmentId: string): Promise<void> {
  await tx.deleteFrom('appointment_slots').where('appointment_id', '=', appointmentId).execute();
}

export async function cancelAppointment({ deps, ctx }: UseCase, appointmentId: string, reason: string): Promise<void> {
  await inTransaction(deps.database.db, async (tx) => {
    const a = await lockBooked(tx, appointmentId);
    await releaseSlots(tx, appointmentId);
    await tx
      .updateTable('appointments')
      .set({ status: 'cancelled', cancelled_at: ctx.now, cancelled_by: ctx.actorId, cancel_reason: reason })
      .where('id', '=', appointmentId)
      .execute();
    await cancelReminders(tx, appointmentId, ctx.now);
    await writeAudit(tx, ctx, { action: 'appointment.cancel', resourceType: 'appointment', resourceId: appointmentId, patientId: a.patient_id, outcome: 'success' });
    await notifyChange(tx, { deps, ctx }, a, 'cancelled');
  });
}

async function notifyChange(tx: Db, { deps, ctx }: UseCase, a: { id: string; patient_id: string; staff_id: string }, what: 'cancelled' | 'rescheduled'): Promise<void> {
  const patientUser = await tx.selectFrom('patients as p').innerJoin('users as u', 'u.id', 'p.user_id').select(['u.id', 'u.email']).where('p.id', '=', a.patient_id).executeTakeFirstOrThrow();
  const staff = await tx.selectFrom('users').select(['id', 'email']).where('id', '=', a.staff_id).executeTakeFirstOrThrow();
  for (const r of [patientUser, staff]) {
    if (r.id === ctx.actorId) continue;
    await deps.notifier.enqueue(
      tx,
      {
        cause: `appointment:${a.id}:${what}:${r.id}`,
        channel: 'email',
        recipient: r.email,
        subject: `Keel: an appointment was ${what}`,
        body: `One of your Keel appointments was ${what}. Sign in to see your schedule:\n${publicBaseUrl(deps)}/appointments\n`,
      },
      ctx.now,
    );
  }
}

/** Moves an appointment: the old one is cancelled with the reason and a new one is booked in its place, atomically. */
export async function rescheduleAppointment(
  uc: UseCase,
  appointmentId: string,
  input: { startsAt: string; durationMinutes?: number | undefined; reason: string },
): Promise<string> {
  const { deps, ctx } = uc;
  try {
    return await inTransaction(deps.database.db, async (tx) => {
      const a = await lockBooked(tx, appointmentId);
      await releaseSlots(tx, appointmentId);
      await tx
        .updateTable('appointments')
        .set({ status: 'cancelled', cancelled_at: ctx.now, cancelled_by: ctx.actorId, cancel_reason: `Rescheduled: ${input.reason}` })
        .where('id', '=', appointmentId)
        .execute();
      await cancelReminders(tx, appointmentId, ctx.now);
      const durationMinutes = input.durationMinutes ?? Math.round((new Date(a.ends_at).getTime() - new Date(a.starts_at).getTime()) / 60_000);
      let sitterAssignmentId: string | undefined;
      if (a.kind === 'sitter_orientation' && a.sitter_user_id) {
        const s = await tx
          .selectFrom('sitter_assignments')
          .select('id')
          .where('patient_id', '=', a.patient_id)
          .where('sitter_user_id', '=', a.sitter_user_id)
          .where('status', '=', 'active')
          .executeTakeFirst();
        sitterAssignmentId = s?.id;
      }
      const [id] = await bookInTx(
        tx,
        uc,
        { patientId: a.patient_id, staffId: a.staff_id, kind: a.kind, startsAt: input.startsAt, durationMinutes, modality: a.modality, sitterAssignmentId },
        { rescheduledFromId: a.id, followUpId: a.follow_up_id, series: { id: a.series_id, index: a.series_index } },
      );
      await notifyChange(tx, uc, a, 'rescheduled');
      return id ?? '';
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw slotTaken();
    throw error;
  }
}

/** After the start time, the staff member records whether the appointment happened or was missed. */
export async function setAppointmentOutcome(uc: UseCase, relation: Relation, appointmentId: string, status: 'completed' | 'missed'): Promise<void> {
  const { deps, ctx } = uc;
  if (relation !== 'clinician' && relation !== 'coach') throw notFound('appointment');
  await inTransaction(deps.database.db, async (tx) => {
    const a = await lockBooked(tx, appointmentId);
    if (new Date(a.starts_at).getTime() > ctx.now.getTime()) {
      throw new AppError('CONFLICT', 'An appointment can be marked completed or missed only once it has started.');
    }
    await tx.updateTable('appointments').set({ status, status_changed_at: ctx.now, status_changed_by: ctx.actorId }).where('id', '=', appointmentId).execute();
    await cancelReminders(tx, appointmentId, ctx.now);
    // A missed integration session is evidence of DISENGAGEMENT: the signs are read now, before the audit row.
    if (status === 'missed' && a.kind === 'integration') await reevaluateWarningSigns(tx, uc, a.patient_id, 'appointment_missed');
    await writeAudit(tx, ctx, { action: `appointment.${status}`, resourceType: 'appointment', resourceId: appointmentId, patientId: a.patient_id, outcome: 'success' });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

export interface AppointmentView {
  id: string;
  patientId: string;
  patientName: string;
  staffId: string;
  staffName: string;
  staffRole: string;
  kind: AppointmentKind;
  startsAt: string;
  endsAt: string;
  status: AppointmentStatus;
  modality: AppointmentModality;
  sitterUserId: string | null;
  followUpId: string | null;
  seriesId: string | null;
  seriesIndex: number | null;
  rescheduledFromId: string | null;
  cancelReason: string | null;
  bookedBy: string;
  createdAt: string;
  icsUrl: string;
}

export interface AppointmentFilter {
  ids?: string[];
  patientId?: string;
  staffId?: string;
  sitterUserId?: string;
  from?: string | undefined;
  to?: string | undefined;
  includeCancelled?: boolean;
}

export async function listAppointments(db: Db, filter: AppointmentFilter): Promise<AppointmentView[]> {
  let q = db
    .selectFrom('appointments as a')
    .innerJoin('patients as p', 'p.id', 'a.patient_id')
    .innerJoin('users as s', 's.id', 'a.staff_id')
    .select([
      'a.id',
      'a.patient_id',
      'p.name as patient_name',
      'a.staff_id',
      's.name as staff_name',
      's.role as staff_role',
      'a.kind',
      'a.starts_at',
      'a.ends_at',
      'a.status',
      'a.modality',
      'a.sitter_user_id',
      'a.follow_up_id',
      'a.series_id',
      'a.series_index',
      'a.rescheduled_from_id',
      'a.cancel_reason',
      'a.booked_by',
      'a.created_at',
    ])
    .orderBy('a.starts_at')
    .limit(500);
  if (filter.ids) q = q.where('a.id', 'in', filter.ids.length > 0 ? filter.ids : ['00000000-0000-0000-0000-000000000000']);
  if (filter.patientId) q = q.where('a.patient_id', '=', filter.patientId);
  if (filter.staffId) q = q.where('a.staff_id', '=', filter.staffId);
  if (filter.sitterUserId) q = q.where('a.sitter_user_id', '=', filter.sitterUserId);
  if (filter.from) q = q.where('a.ends_at', '>', new Date(filter.from));
  if (filter.to) q = q.where('a.starts_at', '<', new Date(filter.to));
  if (!filter.includeCancelled && !filter.ids) q = q.where('a.status', '<>', 'cancelled');
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patient_id,
    patientName: r.patient_name,
    staffId: r.staff_id,
    staffName: r.staff_name,
    staffRole: r.staff_role,
    kind: r.kind,
    startsAt: new Date(r.starts_at).toISOString(),
    endsAt: new Date(r.ends_at).toISOString(),
    status: r.status,
    modality: r.modality,
    sitterUserId: r.sitter_user_id,
    followUpId: r.follow_up_id,
    seriesId: r.series_id,
    seriesIndex: r.series_index,
    rescheduledFromId: r.rescheduled_from_id,
    cancelReason: r.cancel_reason,
    bookedBy: r.booked_by,
    createdAt: new Date(r.created_at).toISOString(),
    icsUrl: `/api/v1/appointments/${r.id}/ics`,
  }));
}

export async function getAppointment(db: Db, appointmentId: string): Promise<AppointmentView> {
  const [a] = await listAppointments(db, { ids: [appointmentId] });
  if (!a) throw notFound('appointment');
  return a;
}

/** The patient's follow-ups (created by the plan's cadence) with the appointment that covers each, if any. */
export async function listFollowUps(db: Db, patientId: string, now: Date) {
  const rows = await db
    .selectFrom('follow_ups as f')
    .select([
      'f.id',
      'f.reason',
      'f.due_at',
      'f.status',
      (eb) =>
        eb
          .selectFrom('appointments as a')
          .select('a.id')
          .whereRef('a.follow_up_id', '=', 'f.id')
          .where('a.status', '<>', 'cancelled')
          .orderBy('a.starts_at')
          .limit(1)
          .as('appointment_id'),
    ])
    .where('f.patient_id', '=', patientId)
    .where('f.status', '<>', 'cancelled')
    .orderBy('f.due_at')
    .limit(100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    reason: r.reason,
    dueAt: new Date(r.due_at).toISOString(),
    status: r.status,
    overdue: r.status === 'due' && new Date(r.due_at).getTime() <= now.getTime(),
    appointmentId: r.appointment_id ?? null,
  }));
}

/** The appointment's patient, for the access rule of routes keyed by appointment id. */
export async function patientOfAppointment(db: Db, appointmentId: unknown): Promise<string | null> {
  if (!isUuid(appointmentId)) return null;
  const row = await db.selectFrom('appointments').select('patient_id').where('id', '=', appointmentId).executeTakeFirst();
  return row?.patient_id ?? null;
}
