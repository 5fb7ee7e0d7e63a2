// The on-call rota, the live session board and its event stream, and the session channel (docs/live-board.md).
import { z } from 'zod';
import {
  boardResponse,
  cancelOnCallShiftResponse,
  channelMessageList,
  channelMessageSchema,
  channelPostRequest,
  createOnCallShiftRequest,
  createOnCallShiftResponse,
  onCallGapsQuery,
  onCallGapsResponse,
  onCallNowResponse,
  onCallShiftList,
  onCallShiftsQuery,
  sessionParams,
  shiftParams,
} from '@keel/contract';
import type { KeelApp } from '../app.ts';
import { writeAudit } from '../audit/audit-log.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { actorOf, patientAccessOf, useCaseOf } from '../http/route-helpers.ts';
import { coverageOf, covers, liveBoard, type Coverage } from '../use-cases/live/board.ts';
import { listChannel, postToChannel } from '../use-cases/live/channel.ts';
import { liveEventsAfter, type LiveEvent } from '../use-cases/live/live-hub.ts';
import { cancelShift, createShifts, listShifts, onCallGaps, onCallNow } from '../use-cases/on-call/rota.ts';
import { sessionPatient } from './treatment/sessions.routes.ts';

/** A comment line keeps proxies from closing an idle stream. */
export const heartbeatMs = 15_000;
/** How long a stream trusts its viewer's coverage before reading it again (a shift may have started or ended). */
export const coverageTtlMs = 30_000;

export function liveRoutes(app: KeelApp): void {
  const tags = ['on-call'];
  app.get(
    '/api/v1/on-call/shifts',
    {
      config: { access: { kind: 'program', resource: 'on_call_rota', action: 'read' } },
      schema: { tags, summary: 'Live on-call shifts overlapping [from, to) (default: the next 14 days)', querystring: onCallShiftsQuery, response: { 200: onCallShiftList } },
    },
    async (request) => listShifts(useCaseOf(request), request.query),
  );

  app.post(
    '/api/v1/on-call/shifts',
    {
      config: { access: { kind: 'program', resource: 'on_call_rota', action: 'write' } },
      schema: {
        tags,
        summary: 'Add a shift (or a weekly series): local wall times in a time zone; 409 ON_CALL_OVERLAP names the shift it overlaps',
        body: createOnCallShiftRequest,
        response: { 201: createOnCallShiftResponse },
      },
    },
    async (request, reply) => reply.code(201).send(await createShifts(useCaseOf(request), request.body)),
  );

  app.delete(
    '/api/v1/on-call/shifts/:shiftId',
    {
      config: { access: { kind: 'program', resource: 'on_call_rota', action: 'write' } },
      schema: { tags, summary: 'Cancel a shift (kept on record)', params: shiftParams, response: { 200: cancelOnCallShiftResponse } },
    },
    async (request) => cancelShift(useCaseOf(request), request.params.shiftId),
  );

  app.get(
    '/api/v1/on-call/now',
    {
      config: { access: { kind: 'program', resource: 'on_call_rota', action: 'read' } },
      schema: { tags, summary: 'Who is on call now (primary and backup), or nulls', response: { 200: onCallNowResponse } },
    },
    async (request) => onCallNow(useCaseOf(request)),
  );

  app.get(
    '/api/v1/on-call/gaps',
    {
      config: { access: { kind: 'program', resource: 'on_call_gaps', action: 'read' } },
      schema: { tags, summary: 'Windows from now to `days` ahead that no shift covers', querystring: onCallGapsQuery, response: { 200: onCallGapsResponse } },
    },
    async (request) => onCallGaps(useCaseOf(request), request.query.days),
  );

  app.get(
    '/api/v1/board',
    {
      config: { access: { kind: 'program', resource: 'live_board', action: 'read' } },
      schema: {
        tags: ['live board'],
        summary: "Live sessions (authorized or in progress) of the patients the clinician covers now, most urgent first",
        response: { 200: boardResponse },
      },
    },
    async (request) => liveBoard(useCaseOf(request), actorOf(request).userId),
  );

  app.get(
    '/api/v1/board/stream',
    {
      config: { access: { kind: 'program', resource: 'live_board', action: 'read' } },
      schema: {
        tags: ['live board'],
        summary:
          'Server-sent events for the board: `id:` the event number, `event:` its kind, `data:` {sessionId, patientId, kind, at}; a comment every 15 s; Last-Event-ID replays what was missed',
        headers: z.object({ 'last-event-id': z.string().max(20).optional() }).loose(),
        response: { 200: z.string().describe('text/event-stream') },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const uc = useCaseOf(request);
      const { deps } = uc;
      const db = deps.database.db;
      await writeAudit(db, uc.ctx, { action: 'live_board.stream', resourceType: 'live_board', outcome: 'success' });
      let coverage: Coverage = await coverageOf(db, actor.userId, deps.clock.now());
      let coverageReadAt = Date.now();
      const currentCoverage = async () => {
        if (Date.now() - coverageReadAt > coverageTtlMs) {
          coverage = await coverageOf(db, actor.userId, deps.clock.now());
          coverageReadAt = Date.now();
        }
        return coverage;
      };
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        ...securityHeaders({ tls: deps.config.KEEL_PUBLIC_URL?.startsWith('https://') ?? false }),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-store',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      raw.write('retry: 3000\n\n');
      const sent = new Set<number>();
      let closed = false;
      const send = (e: LiveEvent) => {
        if (closed || sent.has(e.id)) return;
        sent.add(e.id);
        if (sent.size > 5000) sent.delete(sent.values().next().value ?? 0);
        raw.write(`id: ${e.id}\nevent: ${e.kind}\ndata: ${JSON.stringify({ sessionId: e.sessionId, patientId: e.patientId, kind: e.kind, at: e.at })}\n\n`);
      };
      // Events are handled one after another, so the stream keeps their order.
      let chain: Promise<void> = Promise.resolve();
      const deliver = (e: LiveEvent) => {
        chain = chain
          .then(async () => {
            if (covers(await currentCoverage(), e.patientId)) send(e);
          })
          .catch(() => undefined);
      };
      let replaying = true;
      const held: LiveEvent[] = [];
      const unsubscribe = await app.liveHub.subscribe((e) => (replaying ? held.push(e) : deliver(e)));
      const heartbeat = setInterval(() => {
        if (!closed) raw.write(': heartbeat\n\n');
      }, heartbeatMs);
      heartbeat.unref();
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        app.liveStreams.delete(close);
        raw.end();
      };
      app.liveStreams.add(close);
      request.raw.on('close', close);
      raw.on('error', close);
      const lastHeader = request.headers['last-event-id'];
      const lastId = typeof lastHeader === 'string' && /^\d{1,15}$/.test(lastHeader) ? Number(lastHeader) : null;
      if (lastId !== null) {
        for (const e of await liveEventsAfter(db, lastId, 5000)) deliver(e);
      }
      replaying = false;
      for (const e of held.splice(0)) deliver(e);
      await chain;
    },
  );

  app.get(
    '/api/v1/sessions/:sessionId/channel',
    {
      config: { access: { kind: 'patient', resource: 'session_channel', action: 'read', patientOf: sessionPatient } },
      schema: { tags: ['sessions'], summary: "The session's channel: the patient, their sitter and the clinicians covering them", params: sessionParams, response: { 200: channelMessageList } },
    },
    async (request) => listChannel(useCaseOf(request), patientAccessOf(request).patientId, request.params.sessionId),
  );

  app.post(
    '/api/v1/sessions/:sessionId/channel',
    {
      config: { access: { kind: 'patient', resource: 'session_channel', action: 'write', patientOf: sessionPatient } },
      schema: {
        tags: ['sessions'],
        summary: 'Post to the session channel; urgent language from the patient or sitter is flagged and raises an alert',
        params: sessionParams,
        body: channelPostRequest,
        response: { 201: channelMessageSchema },
      },
    },
    async (request, reply) => {
      const access = patientAccessOf(request);
      const { alertIds: _alertIds, ...message } = await postToChannel(useCaseOf(request), { patientId: access.patientId, sessionId: request.params.sessionId, relation: access.relation, body: request.body.body });
      return reply.code(201).send(message);
    },
  );
}
