// Appointment reminders, 24 hours and 1 hour before. Each is a row scheduled in the booking transaction; a sweep
// (run by the server's worker loop) turns the due ones into outbox messages. Two guards keep it to one message
// per reminder however often the sweep runs or races itself: the row is claimed with SKIP LOCKED and marked sent
// in the same transaction, and the outbox's unique `cause` (`appointment:<id>:24h`) drops a second enqueue.
import { sql } from 'kysely';
import type { Db, Tx } from '../../db/transaction.ts';
import { inTransaction } from '../../db/transaction.ts';
import { publicBaseUrl, type UseCaseDeps } from '../deps.ts';
import { describeLocalTime } from './time-zones.ts';

export const reminderOffsets = [
  { kind: '24h', ms: 24 * 3_600_000 },
  { kind: '1h', ms: 3_600_000 },
] as const;

export async function scheduleReminders(tx: Tx, appointment: { id: string; patientId: string; startsAt: Date }, now: Date): Promise<void> {
  const rows = reminderOffsets
    .map((o) => ({ kind: o.kind, dueAt: new Date(appointment.startsAt.getTime() - o.ms) }))
    // A reminder whose time has already passed at booking would only arrive late; the booking notice stands in.
    .filter((r) => r.dueAt.getTime() > now.getTime());
  if (rows.length === 0) return;
  await tx
    .insertInto('appointment_reminders')
    .values(rows.map((r) => ({ id: crypto.randomUUID(), appointment_id: appointment.id, patient_id: appointment.patientId, offset_kind: r.kind, due_at: r.dueAt, processed_at: null })))
    .onConflict((oc) => oc.columns(['appointment_id', 'offset_kind']).doNothing())
    .execute();
}

export async function cancelReminders(tx: Tx, appointmentId: string, now: Date): Promise<void> {
  await tx
    .updateTable('appointment_reminders')
    .set({ status: 'cancelled', processed_at: now })
    .where('appointment_id', '=', appointmentId)
    .where('status', '=', 'pending')
    .execute();
}

/** Sends every reminder due at `now` (at most `batch`); returns how many reminders were processed. */
export async function sendDueAppointmentReminders(deps: UseCaseDeps, now: Date, batch = 100): Promise<number> {
  return inTransaction(deps.database.db, async (tx) => {
    const due = await sql<{ id: string; appointment_id: string; offset_kind: '24h' | '1h' }>`
      SELECT id, appointment_id, offset_kind FROM appointment_reminders
      WHERE status = 'pending' AND due_at <= ${now}
      ORDER BY due_at LIMIT ${batch} FOR UPDATE SKIP LOCKED`.execute(tx);
    for (const r of due.rows) {
      const sent = await sendOne(tx, deps, r, now);
      await tx.updateTable('appointment_reminders').set({ status: sent ? 'sent' : 'cancelled', processed_at: now }).where('id', '=', r.id).execute();
    }
    return due.rows.length;
  });
}

async function sendOne(
  tx: Db,
  deps: UseCaseDeps,
  reminder: { appointment_id: string; offset_kind: '24h' | '1h' },
  now: Date,
): Promise<boolean> {
  const a = await tx
    .selectFrom('appointments as a')
    .innerJoin('patients as p', 'p.id', 'a.patient_id')
    .innerJoin('users as pu', 'pu.id', 'p.user_id')
    .innerJoin('users as su', 'su.id', 'a.staff_id')
    .select(['a.id', 'a.status', 'a.starts_at', 'pu.email as patient_email', 'pu.time_zone as patient_tz', 'su.email as staff_email', 'su.time_zone as staff_tz'])
    .where('a.id', '=', reminder.appointment_id)
    .executeTakeFirst();
  if (!a || a.status !== 'booked' || new Date(a.starts_at).getTime() <= now.getTime()) return false;
  const link = `${publicBaseUrl(deps)}/appointments`;
  const when = (tz: string) => describeLocalTime(new Date(a.starts_at), tz);
  const lead = reminder.offset_kind === '24h' ? 'tomorrow' : 'in one hour';
  const recipients = [
    { suffix: '', email: a.patient_email, tz: a.patient_tz },
    { suffix: ':staff', email: a.staff_email, tz: a.staff_tz },
  ];
  for (const r of recipients) {
    // Only the time and a sign-in link: the kind of appointment and who it is with stay inside Keel.
    await deps.notifier.enqueue(
      tx,
      {
        cause: `appointment:${a.id}:${reminder.offset_kind}${r.suffix}`,
        channel: 'email',
        recipient: r.email,
        subject: 'Keel: appointment reminder',
        body: `You have a Keel appointment ${lead}: ${when(r.tz)}.\nSign in to see the details or to reschedule:\n${link}\n`,
      },
      now,
    );
  }
  return true;
}
