import { alertsForEvent, crisisMessage, crisisResources, detectUrgentLanguage, type Relation } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { notFound, validationFailed } from '../../http/problem.ts';
import { raiseAlerts } from '../alerts/raise-alerts.ts';
import { publicBaseUrl, type UseCase } from '../deps.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';

export interface SendInput {
  threadId?: string | undefined;
  subject?: string | undefined;
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
    if (threadId) {
      const thread = await tx.selectFrom('message_threads').select(['id', 'awaiting_reply_since']).where('id', '=', threadId).where('patient_id', '=', patientId).forUpdate().executeTakeFirst();
      if (!thread) throw notFound('message thread');
      awaitingSince = thread.awaiting_reply_since ? new Date(thread.awaiting_reply_since) : null;
    } else {
      if (!input.subject) throw validationFailed([{ field: 'subject', message: 'a new conversation needs a subject' }]);
      threadId = crypto.randomUUID();
      await tx
        .insertInto('message_threads')
        .values({ id: threadId, patient_id: patientId, subject: input.subject, created_by: senderId, created_at: ctx.now, last_message_at: ctx.now, awaiting_reply_since: null })
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
    await tx
      .updateTable('message_threads')
      .set({
        last_message_at: ctx.now,
        awaiting_reply_since: senderRole === 'patient' ? (awaitingSince ?? ctx.now) : null,
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
    await notifyRecipients(tx, uc, patientId, senderRole, messageId);
    return { messageId, threadId, urgent: urgency.kind === 'urgent', alertIds: raised.map((r) => r.id) };
  });
}

async function notifyRecipients(tx: Db, { deps, ctx }: UseCase, patientId: string, senderRole: Sender, messageId: string): Promise<void> {
  const recipients =
    senderRole === 'patient'
      ? await tx
          .selectFrom('care_team_members as c')
          .innerJoin('users as u', 'u.id', 'c.user_id')
          .select(['u.id', 'u.email'])
          .where('c.patient_id', '=', patientId)
          .where('c.unassigned_at', 'is', null)
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

export async function listThreads(db: Db, patientId: string, viewerId: string) {
  const threads = await db.selectFrom('message_threads').selectAll().where('patient_id', '=', patientId).orderBy('last_message_at', 'desc').limit(200).execute();
  const unread = await db
    .selectFrom('messages as m')
    .select(['m.thread_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('m.patient_id', '=', patientId)
    .where('m.sender_id', '<>', viewerId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('message_reads as r').select('r.user_id').whereRef('r.message_id', '=', 'm.id').where('r.user_id', '=', viewerId))))
    .groupBy('m.thread_id')
    .execute();
  return threads.map((t) => ({
    id: t.id,
    subject: t.subject,
    createdAt: new Date(t.created_at).toISOString(),
    lastMessageAt: new Date(t.last_message_at).toISOString(),
    awaitingReplySince: t.awaiting_reply_since ? new Date(t.awaiting_reply_since).toISOString() : null,
    unreadCount: Number(unread.find((u) => u.thread_id === t.id)?.n ?? 0),
  }));
}

export async function threadOrNotFound(db: Db, patientId: string, threadId: string, viewerId: string) {
  const t = (await listThreads(db, patientId, viewerId)).find((x) => x.id === threadId);
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
