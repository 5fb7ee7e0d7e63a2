import { messageSendRequest, messageSendResponse, patientParams, threadList, threadParams, threadReadResponse, threadResponse } from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { notFound } from '../../http/problem.ts';
import { patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import { loadContinuitySettings, replyExpectation } from '../../use-cases/continuity/continuity-settings.ts';
import { crisisPayload, listThreads, markThreadRead, responseTimes, sendMessage, threadMessages, threadOrNotFound } from '../../use-cases/continuity/messaging.ts';

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
      const threads = await listThreads(deps.database.db, patientId, ctx.actorId ?? '');
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
      const result = await sendMessage(uc, patientId, relation, request.body);
      const message = (await threadMessages(db, patientId, result.threadId)).find((m) => m.id === result.messageId);
      if (!message) throw notFound('message');
      return reply.code(201).send({
        message,
        thread: await threadOrNotFound(db, patientId, result.threadId, uc.ctx.actorId ?? ''),
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
      const thread = await threadOrNotFound(deps.database.db, patientId, request.params.threadId, ctx.actorId ?? '');
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
      return { marked, thread: await threadOrNotFound(uc.deps.database.db, patientId, request.params.threadId, uc.ctx.actorId ?? '') };
    },
  );
}
