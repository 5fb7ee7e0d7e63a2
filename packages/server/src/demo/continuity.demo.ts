import type { UseCase } from '../use-cases/deps.ts';
import { bookInTx } from '../use-cases/continuity/appointments.ts';
import { addDays, wallClock, weekdayOf, zonedTimeToUtc } from '../use-cases/continuity/time-zones.ts';
import type { DemoContext, DemoStep } from './demo-context.ts';
import { defaultContinuitySettings } from '../use-cases/continuity/continuity-settings.ts';
import { replyDueAt } from '../use-cases/continuity/reply-clock.ts';

/** The next `count` weekdays after today in `timeZone` (local dates). */
function nextWeekdays(now: Date, timeZone: string, count: number): string[] {
  const out: string[] = [];
  let date = wallClock(now, timeZone).date;
  while (out.length < count) {
    date = addDays(date, 1);
    const weekday = weekdayOf(date);
    if (weekday >= 1 && weekday <= 5) out.push(date);
  }
  return out;
}

function useCaseAs(ctx: DemoContext, actor: 'clinician' | 'coach'): UseCase {
  return { deps: ctx.deps, ctx: { actorId: ctx.users[actor], actorRole: actor, requestId: null, clientAddress: null, now: ctx.now } };
}

/** Office hours for the demo clinician and coach, and appointments in the coming week for every role. */
const appointmentsStep: DemoStep = async (ctx) => {
  const { tx } = ctx;
  for (const staff of [ctx.users.clinician, ctx.users.coach]) {
    await tx
      .insertInto('availability_weekly')
      .values([1, 2, 3, 4, 5].map((weekday) => ({ id: crypto.randomUUID(), staff_id: staff, weekday, start_minute: 9 * 60, end_minute: 17 * 60 })))
      .execute();
  }
  const staffZone = await tx.selectFrom('users').select('time_zone').where('id', '=', ctx.users.coach).executeTakeFirstOrThrow();
  const [day1, day2, day3] = nextWeekdays(ctx.now, staffZone.time_zone, 3) as [string, string, string];
  const at = (date: string, hour: number) => zonedTimeToUtc(date, hour * 60, staffZone.time_zone).toISOString();
  const patientId = ctx.patients.patient;
  await bookInTx(tx, useCaseAs(ctx, 'clinician'), { patientId, staffId: ctx.users.clinician, kind: 'clinician_follow_up', startsAt: at(day1, 10) }, {});
  await bookInTx(tx, useCaseAs(ctx, 'coach'), { patientId, staffId: ctx.users.coach, kind: 'integration', startsAt: at(day2, 11), recurrence: { every: 'weekly', count: 4 } }, {});
  const sitter = await tx.selectFrom('sitter_assignments').select('id').where('patient_id', '=', patientId).where('status', '=', 'active').executeTakeFirstOrThrow();
  await bookInTx(tx, useCaseAs(ctx, 'coach'), { patientId, staffId: ctx.users.coach, kind: 'sitter_orientation', startsAt: at(day3, 14), sitterAssignmentId: sitter.id }, {});
};

/** A coaching note with practices, and journal entries: one shared with the coach, one private. */
const integrationStep: DemoStep = async (ctx) => {
  const { tx, now } = ctx;
  const patientId = ctx.patients.patient;
  const practices = await tx.selectFrom('practices').select(['id', 'slug']).where('slug', 'in', ['box-breathing', 'post-session-journaling', 'daily-walk']).execute();
  const noteId = crypto.randomUUID();
  const yesterday = new Date(now.getTime() - 86_400_000);
  await tx
    .insertInto('coaching_notes')
    .values({
      id: noteId,
      patient_id: patientId,
      coach_id: ctx.users.coach,
      appointment_id: null,
      session_on: yesterday.toISOString().slice(0, 10),
      themes: ['reconnecting with friends', 'self-compassion'],
      insights: 'Sam described feeling "less stuck" after the last session and named two friends to call this week.',
      practices_assigned: practices.filter((p) => p.slug !== 'daily-walk').map((p) => p.slug),
      next_steps: 'Call one friend before our next session; five minutes of box breathing each evening.',
      created_at: yesterday,
    })
    .execute();
  for (const p of practices) {
    await tx
      .insertInto('practice_assignments')
      .values({
        id: crypto.randomUUID(),
        patient_id: patientId,
        practice_id: p.id,
        assigned_by: ctx.users.coach,
        assigned_at: yesterday,
        coaching_note_id: p.slug === 'daily-walk' ? null : noteId,
        frequency: p.slug === 'daily-walk' ? 'most days' : null,
        status: p.slug === 'daily-walk' ? 'completed' : 'assigned',
        completed_at: p.slug === 'daily-walk' ? now : null,
        completion_note: null,
      })
      .execute();
  }
  const entries = [
    { body: 'After the session I felt a quiet I have not felt in months. I want to talk about it with Jordan.', shared: true, at: new Date(now.getTime() - 2 * 86_400_000) },
    { body: 'Private: some old memories about my dad came up. Not ready to share yet.', shared: false, at: new Date(now.getTime() - 36 * 3_600_000) },
  ];
  for (const e of entries) {
    await tx
      .insertInto('journal_entries')
      .values({ id: crypto.randomUUID(), patient_id: patientId, author_id: ctx.users.patient, body: e.body, prompt: null, session_id: null, shared_with_coach: e.shared, shared_with_clinician: false, written_at: e.at, updated_at: e.at })
      .execute();
  }
};

/** Two threads: one with a patient message the clinician has not read, one with a clinician message the patient has not read. */
const messagesStep: DemoStep = async (ctx) => {
  const { tx, now } = ctx;
  const patientId = ctx.patients.patient;
  const threads = [
    { subject: 'Sleep after sessions', from: ctx.users.patient, role: 'patient' as const, body: 'I have been sleeping less the night after a session. Is that expected?', minutesAgo: 90 },
    { subject: 'Your follow-up visit', from: ctx.users.clinician, role: 'clinician' as const, body: 'Looking forward to our follow-up this week. Please complete your PHQ-9 before then.', minutesAgo: 30 },
  ];
  for (const th of threads) {
    const threadId = crypto.randomUUID();
    const messageId = crypto.randomUUID();
    const at = new Date(now.getTime() - th.minutesAgo * 60_000);
    await tx
      .insertInto('message_threads')
      .values({
        id: threadId,
        patient_id: patientId,
        subject: th.subject,
        created_by: th.from,
        created_at: at,
        last_message_at: at,
        awaiting_reply_since: th.role === 'patient' ? at : null,
        // The reply clock a real message starts (use-cases/continuity/reply-clock.ts).
        reply_due_at: th.role === 'patient' ? replyDueAt(at, defaultContinuitySettings.messaging) : null,
      })
      .execute();
    await tx
      .insertInto('messages')
      .values({ id: messageId, patient_id: patientId, thread_id: threadId, sender_id: th.from, sender_role: th.role, body: th.body, urgent: false, urgent_categories: [], sent_at: at, response_seconds: null })
      .execute();
    await tx.insertInto('message_reads').values({ message_id: messageId, user_id: th.from, patient_id: patientId, read_at: at }).execute();
  }
};

/** A support contact and an outside primary care clinician (no consent yet: disclosure waits for the patient). */
const supportStep: DemoStep = async (ctx) => {
  const patientId = ctx.patients.patient;
  await ctx.tx
    .insertInto('support_contacts')
    .values({ id: crypto.randomUUID(), patient_id: patientId, name: 'Priya Patel', relationship: 'sister', phone: '555-0142', email: null, is_emergency_contact: true, note: null, created_at: ctx.now, removed_at: null })
    .execute();
  await ctx.tx
    .insertInto('outside_clinicians')
    .values({ id: crypto.randomUUID(), patient_id: patientId, kind: 'primary_care', name: 'Dr. Lee Chen', organization: 'Demo Family Medicine', phone: '555-0100', fax: '555-0101', email: null, address: null, created_at: ctx.now, removed_at: null })
    .execute();
};

/** Demo data for the continuity part of the program. */
export const continuityDemoSteps: DemoStep[] = [appointmentsStep, integrationStep, messagesStep, supportStep];
