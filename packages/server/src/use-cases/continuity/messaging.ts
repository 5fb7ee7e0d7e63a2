import { sql, type Selectable, type SqlBool } from 'kysely';
import { alertsForEvent, crisisMessage, crisisResources, detectUrgentLanguage, type Relation } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { notFound, validationFailed } from '../../http/problem.ts';
import { raiseAlerts } from '../alerts/raise-alerts.ts';
import { publicBaseUrl, type UseCase } from '../deps.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import type { MessageRecipient, MessageThreadsTable } from '../../db/tables/continuity.tables.ts';
import { loadContinuitySettings } from './continuity-settings.ts';
import { replyDueAt } from './reply-clock.ts';

export interface SendInput {
  threadId?: string | undefined;
  subject?: string | undefined;
  /** A new thread's addressee, chosen by the patient: the whole care team (default) or their coach. */
  recipient?: MessageRecipient | undefined;
  body: string;
}

export interface SendResult {
  messageId: string;
  threadId: string;
  urgent: boolean;
  alertIds: string[];
}

type Sender = 'patient' | 'clinician' | 'coach';

function senderOf(relation: Relation): Sender {
  switch (relation) {
    case 'self':
      return 'patient';
    case 'clinician':
      return 'clinician';
    case 'coach':
      return 'coach';
    case 'sitter':
    case 'reviewer':
    case 'on_call':
    case 'none':
      throw notFound('patient');
  }
}

/**
 * Posts a message between a patient and their care team. A patient message is checked for self-harm language:
 * when it matches, a safety alert is raised in the same transaction (reliability I8) and the response carries the
 * crisis resources. The first care-team reply after a patient message records how long the patient waited.
 * Message text never leaves Keel: the notice by email only says that a message waits, with a sign-in link.
 */
export async function sendMessage(uc: UseCase, patientId: string, relation: Relation, input: SendInput): Promise<SendResult> {
  const { deps, ctx } = uc;
  const senderRole = senderOf(relation);
  const senderId = ctx.actorId ?? '';
  return inTransaction(deps.database.db, async (tx) => {
    let threadId = input.threadId;
    let awaitingSince: Date | null = null;
    let recipient: MessageRecipient = 'care_team';
    if (threadId) {
      const thread = await tx
        .selectFrom('message_threads')
        .select(['id', 'awaiting_reply_since', 'recipient'])
        .where('id', '=', threadId)
        .where('patient_id', '=', patientId)
        .forUpdate()
        .executeTakeFirst();
      if (!thread) throw notFound('message thread');
      awaitingSince = thread.awaiting_reply_since ? new Date(thread.awaiting_reply_since) : null;
      recipient = thread.recipient;
    } else {
      if (!input.subject) throw validationFailed([{ field: 'subject', message: 'a new conversation needs a subject' }]);
      recipient = input.recipient ?? 'care_team';
      if (recipient === 'coach' && !(await hasActiveCoach(tx, patientId))) {
        throw validationFailed([{ field: 'recipient', message: 'You have no integration coach yet; write to your care team instead.' }]);
      }
      threadId = crypto.randomUUID();
      await tx
        .insertInto('message_threads')
        .values({ id: threadId, patient_id: patientId, subject: input.subject, created_by: senderId, created_at: ctx.now, last_message_at: ctx.now, awaiting_reply_since: null, recipient, assigned_to: null, reply_due_at: null, overdue_alerted_at: null })
        .execute();
    }
    const urgency = senderRole === 'patient' ? detectUrgentLanguage(input.body) : ({ kind: 'none' } as const);
    const categories = urgency.kind === 'urgent' ? [...new Set(urgency.matches.map((m) => m.category))] : [];
    const responseSeconds = senderRole !== 'patient' && awaitingSince ? Math.max(0, Math.round((ctx.now.getTime() - awaitingSince.getTime()) / 1000)) : null;
    const messageId = crypto.randomUUID();
    await tx
      .insertInto('messages')
      .values({
        id: messageId,
        patient_id: patientId,
        thread_id: threadId,
        sender_id: senderId,
        sender_role: senderRole,
        body: input.body,
        urgent: urgency.kind === 'urgent',
        urgent_categories: categories,
        sent_at: ctx.now,
        response_seconds: responseSeconds,
      })
      .execute();
    // The sender has read their own message.
    await tx.insertInto('message_reads').values({ message_id: messageId, user_id: senderId, patient_id: patientId, read_at: ctx.now }).execute();
    // The reply clock starts with the oldest unanswered patient message and stops at the care team's reply.
    const startsWait = senderRole === 'patient' && awaitingSince === null;
    const messaging = (await loadContinuitySettings(tx)).messaging;
    await tx
      .updateTable('message_threads')
      .set({
        last_message_at: ctx.now,
        awaiting_reply_since: senderRole === 'patient' ? (awaitingSince ?? ctx.now) : null,
        ...(startsWait ? { reply_due_at: replyDueAt(ctx.now, messaging), overdue_alerted_at: null } : {}),
        ...(senderRole === 'patient' ? {} : { reply_due_at: null, overdue_alerted_at: null }),
        // The first care-team member to answer an unassigned thread takes it.
        ...(senderRole === 'patient' ? {} : { assigned_to: sql<string>`coalesce(assigned_to, ${senderId}::uuid)` }),
      })
      .where('id', '=', threadId)
      .execute();

    const settings = await loadProgramSettings(tx);
    const candidates = alertsForEvent({ kind: 'message_sent', messageId, at: ctx.now.toISOString(), senderRole, text: input.body }, ctx.now, settings.monitoring.alerts);
    const raised = await raiseAlerts(tx, uc, patientId, candidates);

    await writeAudit(tx, ctx, {
      action: 'message.send',
      resourceType: 'message',
      resourceId: messageId,
      patientId,
      outcome: 'success',
      detail: { threadId, urgent: urgency.kind === 'urgent', responseSeconds },
    });
    await notifyRecipients(tx, uc, patientId, senderRole, recipient, messageId);
    return { messageId, threadId, urgent: urgency.kind === 'urgent', alertIds: raised.map((r) => r.id) };
  });
}

async function hasActiveCoach(tx: Db, patientId: string): Promise<boolean> {
  const row = await tx.selectFrom('care_team_members').select('id').where('patient_id', '=', patientId).where('member_role', '=', 'coach').where('unassigned_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}

async function notifyRecipients(tx: Db, { deps, ctx }: UseCase, patientId: string, senderRole: Sender, recipient: MessageRecipient, messageId: string): Promise<void> {
  const recipients =
    senderRole === 'patient'
      ? await tx
          .selectFrom('care_team_members as c')
          .innerJoin('users as u', 'u.id', 'c.user_id')
          .select(['u.id', 'u.email'])
          .where('c.patient_id', '=', patientId)
          .where('c.unassigned_at', 'is', null)
          .$if(recipient === 'coach', (q) => q.where('c.member_role', '=', 'coach'))
          .execute()
      : await tx.selectFrom('patients as p').innerJoin('users as u', 'u.id', 'p.user_id').select(['u.id', 'u.email']).where('p.id', '=', patientId).execute();
  for (const r of recipients) {
    await deps.notifier.enqueue(
      tx,
      {
        cause: `message:${messageId}:${r.id}`,
        channel: 'email',
        recipient: r.email,
        subject: 'Keel: you have a new secure message',
        body: `A new secure message is waiting for you in Keel. For your privacy it is not included in this email. Sign in to read it:\n${publicBaseUrl(deps)}/messages\n`,
      },
      ctx.now,
    );
  }
}

export function crisisPayload() {
  return { message: crisisMessage, resources: crisisResources.map((r) => ({ id: r.id, name: r.name, instruction: r.instruction, contact: { ...r.contact } })) };
}

export type ThreadRow = Selectable<MessageThreadsTable> & { assignee_name: string | null; urgent_waiting: SqlBool | null };

/** The thread as every reader sees it; `now` decides whether the reply is overdue. */
function threadView(t: ThreadRow, unreadCount: number, now: Date) {
  const due = t.reply_due_at ? new Date(t.reply_due_at) : null;
  return {
    id: t.id,
    subject: t.subject,
    recipient: t.recipient,
    createdAt: new Date(t.created_at).toISOString(),
    lastMessageAt: new Date(t.last_message_at).toISOString(),
    awaitingReplySince: t.awaiting_reply_since ? new Date(t.awaiting_reply_since).toISOString() : null,
    replyDueAt: due ? due.toISOString() : null,
    overdue: due !== null && now.getTime() >= due.getTime(),
    urgent: Boolean(t.urgent_waiting),
    assignedTo: t.assigned_to ? { id: t.assigned_to, name: t.assignee_name ?? '' } : null,
    unreadCount,
  };
}

function threadRows(db: Db) {
  return db
    .selectFrom('message_threads as t')
    .leftJoin('users as a', 'a.id', 't.assigned_to')
    .selectAll('t')
    .select((eb) => [
      'a.name as assignee_name',
      // Urgent language in a patient message the care team has not answered yet.
      eb
        .exists(
          eb
            .selectFrom('messages as um')
            .select('um.id')
            .whereRef('um.thread_id', '=', 't.id')
            .where('um.urgent', '=', true)
            .where(sql<boolean>`t.awaiting_reply_since IS NOT NULL AND um.sent_at >= t.awaiting_reply_since`),
        )
        .as('urgent_waiting'),
    ]);
}

async function unreadByThread(db: Db, viewerId: string, patientIds: readonly string[]) {
  if (patientIds.length === 0) return new Map<string, number>();
  const rows = await db
    .selectFrom('messages as m')
    .select(['m.thread_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('m.patient_id', 'in', patientIds)
    .where('m.sender_id', '<>', viewerId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('message_reads as r').select('r.user_id').whereRef('r.message_id', '=', 'm.id').where('r.user_id', '=', viewerId))))
    .groupBy('m.thread_id')
    .execute();
  return new Map(rows.map((r) => [r.thread_id, Number(r.n)]));
}

export async function listThreads(db: Db, patientId: string, viewerId: string, now: Date) {
  const threads = await threadRows(db).where('t.patient_id', '=', patientId).orderBy('t.last_message_at', 'desc').limit(200).execute();
  const unread = await unreadByThread(db, viewerId, [patientId]);
  return threads.map((t) => threadView(t, unread.get(t.id) ?? 0, now));
}

/**
 * The staff inbox: every thread of the caller's care-team patients, urgent unanswered language first, then overdue
 * replies, then threads waiting for an answer (soonest due first), then the rest by latest message.
 */
export async function staffInbox(db: Db, viewerId: string, now: Date, filter: { mine?: boolean | undefined; waiting?: boolean | undefined } = {}) {
  const rows = await threadRows(db)
    .innerJoin('patients as p', 'p.id', 't.patient_id')
    .innerJoin('care_team_members as c', (join) => join.onRef('c.patient_id', '=', 't.patient_id').on('c.user_id', '=', viewerId).on('c.unassigned_at', 'is', null))
    .select(['p.name as patient_name', 'c.member_role as viewer_role'])
    .$if(filter.mine === true, (q) => q.where('t.assigned_to', '=', viewerId))
    .$if(filter.waiting === true, (q) => q.where('t.awaiting_reply_since', 'is not', null))
    .orderBy('t.last_message_at', 'desc')
    .limit(500)
    .execute();
  const unread = await unreadByThread(db, viewerId, [...new Set(rows.map((r) => r.patient_id))]);
  const lastMessages = rows.length === 0 ? [] : await db
    .selectFrom('messages as m')
    .innerJoin('users as u', 'u.id', 'm.sender_id')
    .select(['m.thread_id', 'm.body', 'm.sender_role', 'u.name'])
    .distinctOn('m.thread_id')
    .where('m.thread_id', 'in', rows.map((r) => r.id))
    .orderBy('m.thread_id')
    .orderBy('m.sent_at', 'desc')
    .execute();
  const items = rows.map((r) => {
    const last = lastMessages.find((m) => m.thread_id === r.id);
    return {
      patientId: r.patient_id,
      patientName: r.patient_name,
      thread: threadView(r, unread.get(r.id) ?? 0, now),
      lastMessage: last ? { senderName: last.name, senderRole: last.sender_role, preview: last.body.length > 140 ? `${last.body.slice(0, 139)}…` : last.body } : null,
    };
  });
  const rank = (i: (typeof items)[number]) => (i.thread.urgent ? 0 : i.thread.overdue ? 1 : i.thread.awaitingReplySince ? 2 : 3);
  items.sort((a, b) => rank(a) - rank(b) || (rank(a) <= 2 ? (a.thread.replyDueAt ?? '').localeCompare(b.thread.replyDueAt ?? '') : b.thread.lastMessageAt.localeCompare(a.thread.lastMessageAt)));
  return {
    items,
    counts: {
      unread: items.filter((i) => i.thread.unreadCount > 0).length,
      waiting: items.filter((i) => i.thread.awaitingReplySince !== null).length,
      overdue: items.filter((i) => i.thread.overdue).length,
      urgent: items.filter((i) => i.thread.urgent).length,
    },
  };
}

/** Gives the thread to one active care-team member of the patient (or to nobody); patients cannot assign. */
export async function assignThread(uc: UseCase, patientId: string, relation: Relation, threadId: string, assigneeId: string | null) {
  const { deps, ctx } = uc;
  if (relation !== 'clinician' && relation !== 'coach') throw notFound('message thread');
  return inTransaction(deps.database.db, async (tx) => {
    const thread = await tx.selectFrom('message_threads').select(['id', 'assigned_to']).where('id', '=', threadId).where('patient_id', '=', patientId).forUpdate().executeTakeFirst();
    if (!thread) throw notFound('message thread');
    if (assigneeId !== null) {
      const member = await tx.selectFrom('care_team_members').select('id').where('patient_id', '=', patientId).where('user_id', '=', assigneeId).where('unassigned_at', 'is', null).executeTakeFirst();
      if (!member) throw validationFailed([{ field: 'assigneeId', message: 'Choose someone on this patient’s care team.' }]);
    }
    await tx.updateTable('message_threads').set({ assigned_to: assigneeId }).where('id', '=', threadId).execute();
    await writeAudit(tx, ctx, {
      action: 'message_thread.assign',
      resourceType: 'message_thread',
      resourceId: threadId,
      patientId,
      outcome: 'success',
      detail: { from: thread.assigned_to, to: assigneeId },
    });
  });
}

/**
 * The inbox sweep: every thread whose reply is past due and not yet alerted raises MESSAGE_REPLY_OVERDUE (owner:
 * the primary clinician; escalated like any alert when nobody acknowledges it). Idempotent: the alert is unique
 * per wait, and the thread remembers it was alerted.
 */
export async function alertOverdueReplies(deps: UseCase['deps'], now: Date, ctx: UseCase['ctx']) {
  const due = await deps.database.db
    .selectFrom('message_threads')
    .select(['id', 'patient_id', 'awaiting_reply_since', 'reply_due_at'])
    .where('reply_due_at', '<=', now)
    .where('overdue_alerted_at', 'is', null)
    .where('awaiting_reply_since', 'is not', null)
    .orderBy('reply_due_at')
    .limit(500)
    .execute();
  const raised: string[] = [];
  for (const t of due) {
    await inTransaction(deps.database.db, async (tx) => {
      const settings = await loadProgramSettings(tx);
      const candidates = alertsForEvent(
        {
          kind: 'message_reply_overdue',
          threadId: t.id,
          awaitingSince: new Date(t.awaiting_reply_since ?? now).toISOString(),
          dueAt: new Date(t.reply_due_at ?? now).toISOString(),
        },
        now,
        settings.monitoring.alerts,
      );
      const alerts = await raiseAlerts(tx, { deps, ctx }, t.patient_id, candidates);
      // Conditional: a reply that landed meanwhile cleared the wait, and the mark is not set on a fresh one.
      await tx.updateTable('message_threads').set({ overdue_alerted_at: now }).where('id', '=', t.id).where('reply_due_at', '=', new Date(t.reply_due_at ?? now)).execute();
      raised.push(...alerts.filter((a) => a.created).map((a) => a.id));
    });
  }
  return { raised };
}

export async function threadOrNotFound(db: Db, patientId: string, threadId: string, viewerId: string, now: Date) {
  const t = (await listThreads(db, patientId, viewerId, now)).find((x) => x.id === threadId);
  if (!t) throw notFound('message thread');
  return t;
}

export async function threadMessages(db: Db, patientId: string, threadId: string) {
  const rows = await db
    .selectFrom('messages as m')
    .innerJoin('users as u', 'u.id', 'm.sender_id')
    .select(['m.id', 'm.thread_id', 'm.sender_id', 'u.name as sender_name', 'm.sender_role', 'm.body', 'm.urgent', 'm.sent_at', 'm.response_seconds'])
    .where('m.patient_id', '=', patientId)
    .where('m.thread_id', '=', threadId)
    .orderBy('m.sent_at')
    .limit(1000)
    .execute();
  const reads =
    rows.length === 0
      ? []
      : await db
          .selectFrom('message_reads as r')
          .innerJoin('users as u', 'u.id', 'r.user_id')
          .select(['r.message_id', 'r.user_id', 'u.name', 'r.read_at'])
          .where('r.message_id', 'in', rows.map((r) => r.id))
          .execute();
  return rows.map((m) => ({
    id: m.id,
    threadId: m.thread_id,
    senderId: m.sender_id,
    senderName: m.sender_name,
    senderRole: m.sender_role,
    body: m.body,
    urgent: m.urgent,
    sentAt: new Date(m.sent_at).toISOString(),
    responseMinutes: m.response_seconds === null ? null : Math.round(m.response_seconds / 6) / 10,
    readBy: reads
      .filter((r) => r.message_id === m.id && r.user_id !== m.sender_id)
      .map((r) => ({ userId: r.user_id, name: r.name, readAt: new Date(r.read_at).toISOString() })),
  }));
}

/** Read receipts: marks every message in the thread that others sent as read by the caller. */
export async function markThreadRead({ deps, ctx }: UseCase, patientId: string, threadId: string): Promise<number> {
  const viewerId = ctx.actorId ?? '';
  return inTransaction(deps.database.db, async (tx) => {
    const thread = await tx.selectFrom('message_threads').select('id').where('id', '=', threadId).where('patient_id', '=', patientId).executeTakeFirst();
    if (!thread) throw notFound('message thread');
    const unread = await tx
      .selectFrom('messages as m')
      .select('m.id')
      .where('m.thread_id', '=', threadId)
      .where('m.sender_id', '<>', viewerId)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('message_reads as r').select('r.user_id').whereRef('r.message_id', '=', 'm.id').where('r.user_id', '=', viewerId))))
      .execute();
    if (unread.length > 0) {
      await tx
        .insertInto('message_reads')
        .values(unread.map((m) => ({ message_id: m.id, user_id: viewerId, patient_id: patientId, read_at: ctx.now })))
        .onConflict((oc) => oc.columns(['message_id', 'user_id']).doNothing())
        .execute();
    }
    await writeAudit(tx, ctx, { action: 'message.read', resourceType: 'message', resourceId: threadId, patientId, outcome: 'success', detail: { marked: unread.length } });
    return unread.length;
  });
}

/** How quickly the care team answered this patient: every first reply after a patient message. */
export async function responseTimes(db: Db, patientId: string) {
  const rows = await db
    .selectFrom('messages')
    .select(['response_seconds', 'sent_at'])
    .where('patient_id', '=', patientId)
    .where('response_seconds', 'is not', null)
    .orderBy('sent_at')
    .execute();
  const minutes = rows.map((r) => (r.response_seconds ?? 0) / 60).sort((a, b) => a - b);
  const mid = Math.floor(minutes.length / 2);
  const median = minutes.length === 0 ? null : minutes.length % 2 === 1 ? (minutes[mid] ?? null) : ((minutes[mid - 1] ?? 0) + (minutes[mid] ?? 0)) / 2;
  const last = rows.at(-1);
  return {
    replies: rows.length,
    medianMinutes: median === null ? null : Math.round(median * 10) / 10,
    lastMinutes: last?.response_seconds == null ? null : Math.round((last.response_seconds / 60) * 10) / 10,
  };
}
