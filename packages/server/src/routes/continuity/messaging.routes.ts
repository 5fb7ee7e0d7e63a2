import { inboxQuery, inboxResponse, messageSendRequest, messageSendResponse, patientParams, threadAssignRequest, threadAssignResponse, threadList, threadParams, threadReadResponse, threadResponse } from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { writeAudit } from '../../audit/audit-log.ts';
import { notFound } from '../../http/problem.ts';
import { enforceSubmissionLimit } from '../../http/submission-limit.ts';
import { patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import { loadContinuitySettings, replyExpectation } from '../../use-cases/continuity/continuity-settings.ts';
import { assignThread, crisisPayload, listThreads, markThreadRead, responseTimes, sendMessage, staffInbox, threadMessages, threadOrNotFound } from '../../use-cases/continuity/messaging.ts';

export function messagingRoutes(app: KeelApp): void {
  app.get(
    '/api/v1/patients/:patientId/messages',
    {
      config: { access: { kind: 'patient', resource: 'message', action: 'read' } },
      schema: {
        tags: ['messages'],
        summary: 'Message threads between the patient and the care team, with unread counts and the care team’s response time',
        params: patientParams,
        response: { 200: threadList },
      },
    },
    async (request) => {
      const { deps, ctx } = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      const threads = await listThreads(deps.database.db, patientId, ctx.actorId ?? '', ctx.now);
      return {
        threads,
        replyExpectation: replyExpectation(await loadContinuitySettings(deps.database.db)),
        responseTime: await responseTimes(deps.database.db, patientId),
      };
    },
  );

  app.post(
    '/api/v1/patients/:patientId/messages',
    {
      config: { access: { kind: 'patient', resource: 'message', action: 'write' } },
      schema: {
        tags: ['messages'],
        summary: 'Send a secure message (new thread with a subject, or a reply). Not for emergencies.',
        params: patientParams,
        body: messageSendRequest,
        response: { 201: messageSendResponse },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const db = uc.deps.database.db;
      const { patientId, relation } = patientAccessOf(request);
      enforceSubmissionLimit(request, 'message', patientId);
      const result = await sendMessage(uc, patientId, relation, request.body);
      const message = (await threadMessages(db, patientId, result.threadId)).find((m) => m.id === result.messageId);
      if (!message) throw notFound('message');
      return reply.code(201).send({
        message,
        thread: await threadOrNotFound(db, patientId, result.threadId, uc.ctx.actorId ?? '', uc.ctx.now),
        replyExpectation: replyExpectation(await loadContinuitySettings(db)),
        urgent: result.urgent,
        crisis: result.urgent ? crisisPayload() : null,
        alertIds: result.alertIds,
      });
    },
  );

  app.get(
    '/api/v1/patients/:patientId/messages/:threadId',
    {
      config: { access: { kind: 'patient', resource: 'message', action: 'read' } },
      schema: { tags: ['messages'], summary: 'One thread with every message and its read receipts', params: threadParams, response: { 200: threadResponse } },
    },
    async (request) => {
      const { deps, ctx } = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      const thread = await threadOrNotFound(deps.database.db, patientId, request.params.threadId, ctx.actorId ?? '', ctx.now);
      const messages = await threadMessages(deps.database.db, patientId, thread.id);
      return { thread, messages, replyExpectation: replyExpectation(await loadContinuitySettings(deps.database.db)) };
    },
  );

  app.post(
    '/api/v1/patients/:patientId/messages/:threadId/read',
    {
      config: { access: { kind: 'patient', resource: 'message', action: 'read' } },
      schema: { tags: ['messages'], summary: 'Mark the thread read by the caller (read receipts)', params: threadParams, response: { 200: threadReadResponse } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      const marked = await markThreadRead(uc, patientId, request.params.threadId);
      return { marked, thread: await threadOrNotFound(uc.deps.database.db, patientId, request.params.threadId, uc.ctx.actorId ?? '', uc.ctx.now) };
    },
  );

  app.put(
    '/api/v1/patients/:patientId/messages/:threadId/assignment',
    {
      config: { access: { kind: 'patient', resource: 'message', action: 'write' } },
      schema: {
        tags: ['messages'],
        summary: 'Give the thread to a care-team member who answers it (null: nobody). Care team only.',
        params: threadParams,
        body: threadAssignRequest,
        response: { 200: threadAssignResponse },
      },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const { patientId, relation } = patientAccessOf(request);
      await assignThread(uc, patientId, relation, request.params.threadId, request.body.assigneeId);
      return { thread: await threadOrNotFound(uc.deps.database.db, patientId, request.params.threadId, uc.ctx.actorId ?? '', uc.ctx.now) };
    },
  );

  app.get(
    '/api/v1/inbox',
    {
      config: { access: { kind: 'program', resource: 'message_inbox', action: 'read' } },
      schema: {
        tags: ['messages'],
        summary: "The staff inbox: threads of the caller's care-team patients; urgent language first, then overdue, then waiting",
        querystring: inboxQuery,
        response: { 200: inboxResponse },
      },
    },
    async (request) => {
      const { deps, ctx } = useCaseOf(request);
      const inbox = await staffInbox(deps.database.db, ctx.actorId ?? '', ctx.now, { mine: request.query.mine === 'true', waiting: request.query.waiting === 'true' });
      await writeAudit(deps.database.db, ctx, { action: 'message_inbox.read', resourceType: 'message_inbox', outcome: 'success', detail: { count: inbox.items.length } });
      return { ...inbox, replyExpectation: replyExpectation(await loadContinuitySettings(deps.database.db)) };
    },
  );
}
