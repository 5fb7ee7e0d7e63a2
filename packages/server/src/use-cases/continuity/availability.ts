import { dateText } from './sql-helpers.ts';
import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { AppError, notFound, validationFailed, type FieldError } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { availabilityWindows, openSlots, SLOT_MS, type ExceptionRule, type WeeklyRule } from './availability-windows.ts';
import { hhmmToMinutes, isValidTimeZone, minutesToHhmm } from './time-zones.ts';

export interface StaffAvailability {
  staffId: string;
  staffName: string;
  role: string;
  timeZone: string;
  weekly: WeeklyRule[];
  exceptions: (ExceptionRule & { reason: string | null })[];
}

const bookableRoles = new Set(['clinician', 'coach']);

/** A clinician's or coach's hours; anyone else (or an unknown id) is not found. */
export async function loadStaffAvailability(db: Db, staffId: string): Promise<StaffAvailability> {
  const staff = await db.selectFrom('users').select(['id', 'name', 'role', 'time_zone', 'status']).where('id', '=', staffId).executeTakeFirst();
  if (!staff || !bookableRoles.has(staff.role) || staff.status !== 'active') throw notFound('staff member');
  const weekly = await db.selectFrom('availability_weekly').selectAll().where('staff_id', '=', staffId).orderBy('weekday').orderBy('start_minute').execute();
  const exceptions = await db
    .selectFrom('availability_exceptions')
    .select(['kind', 'start_minute', 'end_minute', 'reason', dateText('on_date').as('on_date')])
    .where('staff_id', '=', staffId)
    .orderBy('availability_exceptions.on_date')
    .execute();
  return {
    staffId: staff.id,
    staffName: staff.name,
    role: staff.role,
    timeZone: staff.time_zone,
    weekly: weekly.map((w) => ({ weekday: w.weekday, startMinute: w.start_minute, endMinute: w.end_minute })),
    exceptions: exceptions.map((e) => ({
      date: e.on_date,
      kind: e.kind,
      startMinute: e.start_minute,
      endMinute: e.end_minute,
      reason: e.reason,
    })),
  };
}

export interface AvailabilityUpdate {
  timeZone?: string | undefined;
  weekly: { weekday: number; start: string; end: string }[];
  exceptions: { date: string; kind: 'available' | 'unavailable'; start?: string | undefined; end?: string | undefined; reason?: string | undefined }[];
}

function checkRange(start: string | undefined, end: string | undefined, field: string, errors: FieldError[]): void {
  if (start === undefined || end === undefined) return;
  const s = hhmmToMinutes(start);
  const e = hhmmToMinutes(end);
  if (s % 15 !== 0 || e % 15 !== 0) errors.push({ field, message: 'times must be on a quarter hour' });
  if (e <= s) errors.push({ field, message: 'end must be after start' });
}

/**
 * Replaces a staff member's weekly hours and exceptions. Only the staff member themself or an administrator may;
 * for anyone else the staff member is not found. Appointments already booked stay booked.
 */
export async function updateAvailability(
  { deps, ctx }: UseCase,
  actor: { userId: string; role: string },
  staffId: string,
  input: AvailabilityUpdate,
): Promise<void> {
  if (actor.role !== 'admin' && actor.userId !== staffId) throw notFound('staff member');
  const errors: FieldError[] = [];
  if (input.timeZone !== undefined && !isValidTimeZone(input.timeZone)) errors.push({ field: 'timeZone', message: 'is not an IANA time zone' });
  input.weekly.forEach((w, i) => checkRange(w.start, w.end, `weekly[${i}]`, errors));
  input.exceptions.forEach((e, i) => {
    if ((e.start === undefined) !== (e.end === undefined)) errors.push({ field: `exceptions[${i}]`, message: 'give both start and end, or neither' });
    if (e.kind === 'available' && e.start === undefined) errors.push({ field: `exceptions[${i}]`, message: 'extra hours need a start and an end' });
    checkRange(e.start, e.end, `exceptions[${i}]`, errors);
  });
  if (errors.length > 0) throw validationFailed(errors);
  await inTransaction(deps.database.db, async (tx) => {
    const staff = await tx.selectFrom('users').select(['role', 'status']).where('id', '=', staffId).forUpdate().executeTakeFirst();
    if (!staff || !bookableRoles.has(staff.role) || staff.status !== 'active') throw notFound('staff member');
    if (input.timeZone !== undefined) await tx.updateTable('users').set({ time_zone: input.timeZone, updated_at: ctx.now }).where('id', '=', staffId).execute();
    await tx.deleteFrom('availability_weekly').where('staff_id', '=', staffId).execute();
    await tx.deleteFrom('availability_exceptions').where('staff_id', '=', staffId).execute();
    if (input.weekly.length > 0) {
      await tx
        .insertInto('availability_weekly')
        .values(input.weekly.map((w) => ({ id: crypto.randomUUID(), staff_id: staffId, weekday: w.weekday, start_minute: hhmmToMinutes(w.start), end_minute: hhmmToMinutes(w.end) })))
        .execute();
    }
    if (input.exceptions.length > 0) {
      await tx
        .insertInto('availability_exceptions')
        .values(
          input.exceptions.map((e) => ({
            id: crypto.randomUUID(),
            staff_id: staffId,
            on_date: e.date,
            kind: e.kind,
            start_minute: e.start === undefined ? null : hhmmToMinutes(e.start),
            end_minute: e.end === undefined ? null : hhmmToMinutes(e.end),
            reason: e.reason ?? null,
          })),
        )
        .execute();
    }
    await writeAudit(tx, ctx, { action: 'availability.update', resourceType: 'availability', resourceId: staffId, outcome: 'success', detail: { weekly: input.weekly.length, exceptions: input.exceptions.length } });
  });
}

export async function availabilityView(
  db: Db,
  staffId: string,
  query: { from?: string | undefined; to?: string | undefined; durationMinutes?: number | undefined },
  now: Date,
) {
  const a = await loadStaffAvailability(db, staffId);
  const fromMs = query.from ? new Date(query.from).getTime() : now.getTime();
  const toMs = query.to ? new Date(query.to).getTime() : fromMs + 14 * 86_400_000;
  if (toMs <= fromMs) throw validationFailed([{ field: 'to', message: 'must be after from' }]);
  if (toMs - fromMs > 62 * 86_400_000) throw new AppError('VALIDATION_FAILED', 'Ask for at most 62 days at a time.', [{ field: 'to', message: 'at most 62 days after from' }]);
  const windows = availabilityWindows({ fromMs, toMs }, a.timeZone, a.weekly, a.exceptions);
  const taken = await db
    .selectFrom('appointment_slots')
    .select('slot_start')
    .where('staff_id', '=', staffId)
    .where('slot_start', '>=', new Date(fromMs - SLOT_MS * 32))
    .where('slot_start', '<', new Date(toMs))
    .execute();
  const takenSet = new Set(taken.map((t) => new Date(t.slot_start).getTime()));
  const slots = openSlots(windows, query.durationMinutes ?? 30, takenSet, now.getTime());
  return {
    staffId: a.staffId,
    staffName: a.staffName,
    timeZone: a.timeZone,
    weekly: a.weekly.map((w) => ({ weekday: w.weekday, start: minutesToHhmm(w.startMinute), end: minutesToHhmm(w.endMinute) })),
    exceptions: a.exceptions.map((e) => ({
      date: e.date,
      kind: e.kind,
      start: e.startMinute === null ? null : minutesToHhmm(e.startMinute),
      end: e.endMinute === null ? null : minutesToHhmm(e.endMinute),
      reason: e.reason,
    })),
    openSlots: slots.map((s) => ({ startsAt: new Date(s.start).toISOString(), endsAt: new Date(s.end).toISOString() })),
  };
}
