// A session's channel (docs/live-board.md, "The session channel"): short messages between the patient, their
// sitter and the clinicians who cover them (care team, or on call now), kept with the session. A patient's or
// sitter's message with urgent language is flagged by the messaging module's detector and raises the same
// URGENT_MESSAGE_LANGUAGE alert as a message to the care team does, in the message's transaction.
import type { ChannelMessage } from '@keel/contract';
import { alertsForEvent, detectUrgentLanguage, type Relation } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction } from '../../db/transaction.ts';
import { notFound } from '../../http/problem.ts';
import { raiseAlerts } from '../alerts/raise-alerts.ts';
import type { UseCase } from '../deps.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import { recordLiveEvent } from './live-events.ts';

export async function listChannel({ deps }: UseCase, patientId: string, sessionId: string): Promise<{ items: ChannelMessage[] }> {
  const rows = await deps.database.db
    .selectFrom('session_channel_messages as m')
    .innerJoin('users as u', 'u.id', 'm.author_id')
    .select(['m.id', 'm.author_id', 'u.name', 'm.author_role', 'm.body', 'm.urgent', 'm.sent_at'])
    .where('m.session_id', '=', sessionId)
    .where('m.patient_id', '=', patientId)
    .orderBy('m.sent_at')
    .orderBy('m.seq')
    .limit(500)
    .execute();
  return {
    items: rows.map((r) => ({ id: r.id, authorId: r.author_id, authorName: r.name, authorRole: r.author_role, body: r.body, urgent: r.urgent, at: new Date(r.sent_at).toISOString() })),
  };
}

const senderRoles: Partial<Record<Relation, 'patient' | 'sitter' | 'clinician'>> = { self: 'patient', sitter: 'sitter', clinician: 'clinician', on_call: 'clinician' };

export async function postToChannel(uc: UseCase, input: { patientId: string; sessionId: string; relation: Relation; body: string }): Promise<ChannelMessage & { alertIds: string[] }> {
  const { deps, ctx } = uc;
  const senderRole = senderRoles[input.relation];
  if (!senderRole || ctx.actorId === null) throw notFound('session');
  return inTransaction(deps.database.db, async (tx) => {
    const session = await tx.selectFrom('dosing_sessions').select('id').where('id', '=', input.sessionId).where('patient_id', '=', input.patientId).executeTakeFirst();
    if (!session) throw notFound('session');
    const author = await tx.selectFrom('users').select(['name', 'role']).where('id', '=', ctx.actorId ?? '').executeTakeFirstOrThrow();
    const id = crypto.randomUUID();
    const urgent = senderRole !== 'clinician' && detectUrgentLanguage(input.body).kind === 'urgent';
    await tx
      .insertInto('session_channel_messages')
      .values({ id, patient_id: input.patientId, session_id: input.sessionId, author_id: ctx.actorId ?? '', author_role: author.role, body: input.body, urgent, sent_at: ctx.now })
      .execute();
    await recordLiveEvent(tx, { patientId: input.patientId, sessionId: input.sessionId, kind: 'channel.message', at: ctx.now, payload: { messageId: id, urgent } });
    const settings = await loadProgramSettings(tx);
    const candidates = alertsForEvent({ kind: 'message_sent', messageId: id, at: ctx.now.toISOString(), senderRole, text: input.body }, ctx.now, settings.monitoring.alerts);
    const raised = await raiseAlerts(tx, uc, input.patientId, candidates);
    await writeAudit(tx, ctx, {
      action: 'session_channel.post',
      resourceType: 'session_channel',
      resourceId: id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { sessionId: input.sessionId, urgent, alertIds: raised.map((a) => a.id) },
    });
    return { id, authorId: ctx.actorId ?? '', authorName: author.name, authorRole: author.role, body: input.body, urgent, at: ctx.now.toISOString(), alertIds: raised.map((a) => a.id) };
  });
}
