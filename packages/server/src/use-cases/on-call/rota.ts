// The on-call rota (docs/live-board.md, "The on-call rota"): administrators enter shifts as local wall times in a
// zone (DST-correct, weekly series), clinicians and administrators read them; a shift is cancelled, never deleted.
// The database refuses two live shifts that overlap (migrations/0017-on-call-and-live-board.ts), whatever races.
import { addDays, isValidTimeZone, wallClock, zonedTimeToUtc } from '@keel/domain';
import type { CreateOnCallShiftRequest, OnCallShift } from '@keel/contract';
import { writeAudit } from '../../audit/audit-log.ts';
import { constraintOf, sqlState } from '../../db/db-errors.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { isUuid } from '../../http/access-control.ts';
import { AppError, notFound, validationFailed } from '../../http/problem.ts';
import { publicBaseUrl, type UseCase } from '../deps.ts';

const DAY_MS = 86_400_000;

function shiftQuery(db: Db) {
  return db
    .selectFrom('on_call_shifts as s')
    .innerJoin('users as c', 'c.id', 's.clinician_id')
    .leftJoin('users as b', 'b.id', 's.backup_clinician_id')
    .select(['s.id', 's.clinician_id', 'c.name as clinician_name', 's.backup_clinician_id', 'b.name as backup_name', 's.starts_at', 's.ends_at', 's.time_zone', 's.cancelled_at']);
}
type ShiftRow = Awaited<ReturnType<ReturnType<typeof shiftQuery>['executeTakeFirstOrThrow']>>;

export function toShift(r: ShiftRow): OnCallShift {
  return {
    id: r.id,
    clinicianId: r.clinician_id,
    clinicianName: r.clinician_name,
    backupClinicianId: r.backup_clinician_id,
    backupClinicianName: r.backup_name,
    startsAt: new Date(r.starts_at).toISOString(),
    endsAt: new Date(r.ends_at).toISOString(),
    timeZone: r.time_zone,
  };
}

/** Live shifts that overlap [from, to), earliest first. */
export async function shiftsBetween(db: Db, from: Date, to: Date): Promise<OnCallShift[]> {
  const rows = await shiftQuery(db)
    .where('s.cancelled_at', 'is', null)
    .where('s.starts_at', '<', to)
    .where('s.ends_at', '>', from)
    .orderBy('s.starts_at')
    .execute();
  return rows.map(toShift);
}

/** GET /on-call/shifts: from defaults to now, to to 14 days after from. */
export async function listShifts({ deps, ctx }: UseCase, query: { from?: string | undefined; to?: string | undefined }) {
  const from = query.from ? new Date(query.from) : ctx.now;
  const to = query.to ? new Date(query.to) : new Date(from.getTime() + 14 * DAY_MS);
  if (to.getTime() <= from.getTime()) throw validationFailed([{ field: 'to', message: 'must be after from' }]);
  if (to.getTime() - from.getTime() > 400 * DAY_MS) throw validationFailed([{ field: 'to', message: 'at most 400 days after from' }]);
  return { items: await shiftsBetween(deps.database.db, from, to) };
}

/** The shift live at `at` (starts_at ≤ at < ends_at), if any: at most one, the database sees to that. */
export async function shiftAt(db: Db, at: Date): Promise<OnCallShift | null> {
  const row = await shiftQuery(db).where('s.cancelled_at', 'is', null).where('s.starts_at', '<=', at).where('s.ends_at', '>', at).orderBy('s.starts_at').limit(1).executeTakeFirst();
  return row ? toShift(row) : null;
}

export async function onCallNow({ deps, ctx }: UseCase) {
  const shift = await shiftAt(deps.database.db, ctx.now);
  return {
    shift,
    primary: shift ? { id: shift.clinicianId, name: shift.clinicianName } : null,
    backup: shift?.backupClinicianId ? { id: shift.backupClinicianId, name: shift.backupClinicianName ?? '' } : null,
  };
}

async function requireActiveClinician(db: Db, id: string, field: string): Promise<void> {
  const user = await db.selectFrom('users').select(['role', 'status']).where('id', '=', id).executeTakeFirst();
  if (!user || user.role !== 'clinician' || user.status !== 'active') throw validationFailed([{ field, message: 'must be an active clinician' }]);
}

const minuteOf = (local: string): number => Number(local.slice(11, 13)) * 60 + Number(local.slice(14, 16));

/**
 * The instant of a local wall time in a zone; one that happens twice (the autumn change) is its first occurrence.
 * A time that does not exist there (skipped by the spring change) is null.
 */
export function localToInstant(local: string, timeZone: string): Date | null {
  const instant = zonedTimeToUtc(local.slice(0, 10), minuteOf(local), timeZone);
  const back = wallClock(instant, timeZone);
  return back.date === local.slice(0, 10) && back.minuteOfDay === minuteOf(local) ? instant : null;
}

/**
 * Creates a shift, or a weekly series of 1 + repeatWeeks shifts at the same local times, in one transaction: all
 * or none. An overlap with any live shift (or within the series) is a 409 ON_CALL_OVERLAP naming the shift it hits.
 */
export async function createShifts(uc: UseCase, input: CreateOnCallShiftRequest): Promise<{ items: OnCallShift[] }> {
  const { deps, ctx } = uc;
  if (!isValidTimeZone(input.timeZone)) throw validationFailed([{ field: 'timeZone', message: 'must be an IANA time zone such as America/New_York' }]);
  const backupId = input.backupClinicianId ?? null;
  if (backupId === input.clinicianId) throw validationFailed([{ field: 'backupClinicianId', message: 'must be another clinician than the primary' }]);
  const weeks = input.repeatWeeks ?? 0;
  const instants = Array.from({ length: weeks + 1 }, (_, i) => {
    const startsLocal = `${addDays(input.startsLocal.slice(0, 10), 7 * i)}${input.startsLocal.slice(10)}`;
    const endsLocal = `${addDays(input.endsLocal.slice(0, 10), 7 * i)}${input.endsLocal.slice(10)}`;
    const startsAt = localToInstant(startsLocal, input.timeZone);
    const endsAt = localToInstant(endsLocal, input.timeZone);
    if (!startsAt) throw validationFailed([{ field: 'startsLocal', message: `${startsLocal} does not exist in ${input.timeZone} (the clocks change)` }]);
    if (!endsAt) throw validationFailed([{ field: 'endsLocal', message: `${endsLocal} does not exist in ${input.timeZone} (the clocks change)` }]);
    return { startsAt, endsAt };
  });
  for (const { startsAt, endsAt } of instants) {
    if (endsAt.getTime() <= startsAt.getTime()) throw validationFailed([{ field: 'endsLocal', message: 'must be after the start' }]);
    if (endsAt.getTime() - startsAt.getTime() > 7 * DAY_MS) throw validationFailed([{ field: 'endsLocal', message: 'a shift lasts at most 7 days' }]);
  }
  const ids = instants.map(() => crypto.randomUUID());
  try {
    await inTransaction(deps.database.db, async (tx) => {
      await requireActiveClinician(tx, input.clinicianId, 'clinicianId');
      if (backupId) await requireActiveClinician(tx, backupId, 'backupClinicianId');
      for (const [i, { startsAt, endsAt }] of instants.entries()) {
        await tx
          .insertInto('on_call_shifts')
          .values({ id: ids[i] ?? '', clinician_id: input.clinicianId, backup_clinician_id: backupId, starts_at: startsAt, ends_at: endsAt, time_zone: input.timeZone, created_by: ctx.actorId, created_at: ctx.now, cancelled_at: null, cancelled_by: null })
          .execute();
      }
      await writeAudit(tx, ctx, {
        action: 'on_call.create',
        resourceType: 'on_call_shift',
        resourceId: ids[0] ?? null,
        outcome: 'success',
        detail: { shiftIds: ids, clinicianId: input.clinicianId, backupClinicianId: backupId, timeZone: input.timeZone, repeatWeeks: weeks },
      });
    });
  } catch (error) {
    if (sqlState(error) === '23P01' && constraintOf(error) === 'on_call_shifts_no_overlap') throw await overlapProblem(deps.database.db, error);
    throw error;
  }
  const rows = await shiftQuery(deps.database.db).where('s.id', 'in', ids).orderBy('s.starts_at').execute();
  return { items: rows.map(toShift) };
}

async function overlapProblem(db: Db, error: unknown): Promise<AppError> {
  const clashId = (error as { detail?: unknown }).detail;
  const clash = isUuid(clashId) ? await shiftQuery(db).where('s.id', '=', clashId).executeTakeFirst() : undefined;
  const conflicting = clash ? toShift(clash) : null;
  const detail = conflicting
    ? `The shift overlaps ${conflicting.clinicianName}'s on-call shift from ${conflicting.startsAt} to ${conflicting.endsAt}; two shifts may not overlap.`
    : 'The shift overlaps another on-call shift; two shifts may not overlap.';
  return new AppError('ON_CALL_OVERLAP', detail, [{ field: 'startsLocal', message: 'overlaps another on-call shift' }], { conflictingShift: conflicting });
}

/** Cancels a live shift (kept for the record, never deleted). */
export async function cancelShift({ deps, ctx }: UseCase, shiftId: string): Promise<{ shift: OnCallShift; cancelledAt: string }> {
  await inTransaction(deps.database.db, async (tx) => {
    const updated = await tx
      .updateTable('on_call_shifts')
      .set({ cancelled_at: ctx.now, cancelled_by: ctx.actorId })
      .where('id', '=', shiftId)
      .where('cancelled_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!updated) throw notFound('on-call shift');
    await writeAudit(tx, ctx, { action: 'on_call.cancel', resourceType: 'on_call_shift', resourceId: shiftId, outcome: 'success' });
  });
  const row = await shiftQuery(deps.database.db).where('s.id', '=', shiftId).executeTakeFirstOrThrow();
  return { shift: toShift(row), cancelledAt: ctx.now.toISOString() };
}

/** Windows in [from, to) that no live shift covers, earliest first. */
export function uncoveredWindows(shifts: readonly { startsAt: string; endsAt: string }[], from: Date, to: Date): { startsAt: string; endsAt: string }[] {
  const gaps: { startsAt: string; endsAt: string }[] = [];
  let cursor = from.getTime();
  const sorted = [...shifts].map((s) => ({ start: Date.parse(s.startsAt), end: Date.parse(s.endsAt) })).sort((a, b) => a.start - b.start);
  for (const s of sorted) {
    if (s.start > cursor) gaps.push({ startsAt: new Date(cursor).toISOString(), endsAt: new Date(Math.min(s.start, to.getTime())).toISOString() });
    cursor = Math.max(cursor, s.end);
    if (cursor >= to.getTime()) break;
  }
  if (cursor < to.getTime()) gaps.push({ startsAt: new Date(cursor).toISOString(), endsAt: to.toISOString() });
  return gaps.filter((g) => Date.parse(g.endsAt) > Date.parse(g.startsAt));
}

export async function onCallGaps({ deps, ctx }: UseCase, days: number) {
  const to = new Date(ctx.now.getTime() + days * DAY_MS);
  return { items: uncoveredWindows(await shiftsBetween(deps.database.db, ctx.now, to), ctx.now, to) };
}

/**
 * The daily `on-call.gap-notices` job: every administrator hears of each uncovered window that starts within the
 * next 48 hours, once per gap (the outbox deduplicates on the gap's start; a gap already open when the job runs is
 * named by the end of the shift before it, so the next run does not announce it again).
 */
export async function sendOnCallGapNotices(deps: UseCase['deps'], now: Date): Promise<{ gaps: number; notices: number }> {
  const db = deps.database.db;
  const horizon = new Date(now.getTime() + 48 * 3_600_000);
  const gaps = uncoveredWindows(await shiftsBetween(db, now, horizon), now, horizon);
  if (gaps.length === 0) return { gaps: 0, notices: 0 };
  const before = await db.selectFrom('on_call_shifts').select('ends_at').where('cancelled_at', 'is', null).where('ends_at', '<=', now).orderBy('ends_at', 'desc').limit(1).executeTakeFirst();
  const admins = await db.selectFrom('users').select(['id', 'email']).where('role', '=', 'admin').where('status', '=', 'active').execute();
  let notices = 0;
  await inTransaction(db, async (tx) => {
    for (const gap of gaps) {
      const key = gap.startsAt === now.toISOString() ? (before ? new Date(before.ends_at).toISOString() : 'no-shift-yet') : gap.startsAt;
      for (const admin of admins) {
        await deps.notifier.enqueue(
          tx,
          {
            cause: `on-call-gap:${key}:${admin.id}`,
            channel: 'email',
            recipient: admin.email,
            subject: 'Keel: nobody is on call for part of the next two days',
            body: `No clinician is on call from ${gap.startsAt} to ${gap.endsAt} (UTC). Sign in to Keel to fill the rota:\n${publicBaseUrl(deps)}/admin/on-call\n`,
          },
          now,
        );
        notices++;
      }
    }
  });
  return { gaps: gaps.length, notices };
}
