import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  abortSessionRequest,
  adverseEventList,
  adverseEventRequest,
  adverseEventResponse,
  patientAdverseEventRequest,
  authorizeRequest,
  authorizeResponse,
  checklistRequest,
  checklistResponse,
  completeSessionRequest,
  concernRequest,
  concernResponse,
  createSessionRequest,
  patientParams,
  sessionDetailResponse,
  sessionList,
  sessionParams,
  sessionResponse,
  sitterAttestationRequest,
  sitterAttestationResponse,
  sitterBaselineRequest,
  sitterBaselineSchema,
  sitterCheckRequest,
  sitterCheckResponse,
  vitalsRequest,
  vitalsResponse,
} from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { writeAudit } from '../../audit/audit-log.ts';
import type { Db } from '../../db/transaction.ts';
import { isUuid } from '../../http/access-control.ts';
import { idempotencyScopeOf } from '../../http/idempotency.ts';
import { notFound } from '../../http/problem.ts';
import { actorOf, patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import { authorizeSession } from '../../use-cases/treatment/authorize-session.ts';
import { abortSession, completeSession, startSession } from '../../use-cases/treatment/session-transitions.ts';
import {
  createSession,
  getSession,
  listAdverseEvents,
  listSessions,
  raiseSitterConcern,
  recordSitterBaseline,
  recordChecklist,
  recordSitterAttestation,
  recordSitterCheck,
  recordVitals,
  reportAdverseEvent,
} from '../../use-cases/treatment/sessions.ts';

/** The patient a session id belongs to (unknown → 404 through the access rule). */
export async function sessionPatient(db: Db, request: FastifyRequest): Promise<string | null> {
  const sessionId = (request.params as { sessionId?: unknown }).sessionId;
  if (!isUuid(sessionId)) return null;
  const row = await db.selectFrom('dosing_sessions').select('patient_id').where('id', '=', sessionId).executeTakeFirst();
  return row?.patient_id ?? null;
}

const onSession = <R extends 'session' | 'session_vitals' | 'session_checklist' | 'sitter_attestation' | 'sitter_check' | 'adverse_event'>(
  resource: R,
  action: 'read' | 'write' | 'authorize',
) => ({ access: { kind: 'patient' as const, resource, action, patientOf: sessionPatient } });

export function sessionRoutes(app: KeelApp): void {
  app.post(
    '/api/v1/patients/:patientId/sessions',
    {
      config: { access: { kind: 'patient', resource: 'session', action: 'write' } },
      schema: { tags: ['sessions'], summary: 'Schedule a session (patient or clinician)', params: patientParams, body: createSessionRequest, response: { 201: sessionResponse } },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const access = patientAccessOf(request);
      // Scheduling is the patient's or their clinician's; the sitter joins sessions but does not book them.
      if (access.relation !== 'self' && access.relation !== 'clinician') {
        await writeAudit(uc.deps.database.db, uc.ctx, { action: 'session.write', resourceType: 'session', patientId: access.patientId, outcome: 'denied', detail: { reason: `${access.relation} may not schedule` } });
        throw notFound();
      }
      return reply.code(201).send({ session: await createSession(uc, { patientId: access.patientId, scheduledFor: request.body.scheduledFor }) });
    },
  );

  app.get(
    '/api/v1/patients/:patientId/sessions',
    {
      config: { access: { kind: 'patient', resource: 'session', action: 'read' } },
      schema: { tags: ['sessions'], summary: 'Sessions with their gate evaluations, newest first', params: patientParams, response: { 200: sessionList } },
    },
    async (request) => ({ items: await listSessions(useCaseOf(request), patientAccessOf(request).patientId) }),
  );

  app.get(
    '/api/v1/sessions/:sessionId',
    {
      config: onSession('session', 'read'),
      schema: {
        tags: ['sessions'],
        summary: 'A session: gate evaluations, inputs, sitter checks expected vs recorded (missed ones marked), events',
        params: sessionParams,
        response: { 200: sessionDetailResponse },
      },
    },
    async (request) => ({ session: await getSession(useCaseOf(request), patientAccessOf(request).patientId, request.params.sessionId) }),
  );

  app.post(
    '/api/v1/sessions/:sessionId/sitter-attestation',
    {
      config: onSession('sitter_attestation', 'write'),
      schema: {
        tags: ['sessions'],
        summary: 'The assigned sitter confirms, from their own account, that they are present and sober',
        params: sessionParams,
        body: sitterAttestationRequest,
        response: { 201: sitterAttestationResponse },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const attestation = await recordSitterAttestation(useCaseOf(request), {
        patientId: patientAccessOf(request).patientId,
        sessionId: request.params.sessionId,
        sitterUserId: actor.userId,
        authSessionId: actor.sessionId,
        ...request.body,
      });
      return reply.code(201).send({ attestation });
    },
  );

  app.post(
    '/api/v1/sessions/:sessionId/vitals',
    {
      config: onSession('session_vitals', 'write'),
      schema: {
        tags: ['sessions'],
        summary: 'Record vitals (pre, during or post); a value outside human range is a 422, not a reading',
        params: sessionParams,
        body: vitalsRequest,
        response: { 201: vitalsResponse },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await recordVitals(useCaseOf(request), { patientId: patientAccessOf(request).patientId, sessionId: request.params.sessionId, ...request.body })),
  );

  app.post(
    '/api/v1/sessions/:sessionId/checklist',
    {
      config: onSession('session_checklist', 'write'),
      schema: { tags: ['sessions'], summary: 'The pre-session safety checklist', params: sessionParams, body: checklistRequest, response: { 201: checklistResponse } },
    },
    async (request, reply) =>
      reply.code(201).send(await recordChecklist(useCaseOf(request), { patientId: patientAccessOf(request).patientId, sessionId: request.params.sessionId, ...request.body })),
  );

  app.post(
    '/api/v1/sessions/:sessionId/authorize',
    {
      config: onSession('session', 'authorize'),
      schema: {
        tags: ['sessions'],
        summary: 'Run the session gate: authorized with the dose, or blocked with every reason. Accepts Idempotency-Key.',
        params: sessionParams,
        body: authorizeRequest,
        headers: z.object({ 'idempotency-key': z.string().max(200).optional() }).loose(),
        response: { 200: authorizeResponse },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const result = await authorizeSession(useCaseOf(request), {
        patientId: patientAccessOf(request).patientId,
        sessionId: request.params.sessionId,
        requestedDoseMg: request.body?.doseMg ?? null,
        idempotency: idempotencyScopeOf(request, actor.userId),
      });
      // Authorize always answers 200 (a refusal is a decision, not an error); a replay returns the stored body.
      return reply.code(200).send(result.body);
    },
  );

  app.post(
    '/api/v1/sessions/:sessionId/start',
    {
      config: onSession('session', 'write'),
      schema: {
        tags: ['sessions'],
        summary: 'Start an authorized session (take the dose): the gate runs again on fresh data; 409 naming every reason, or when the authorization expired',
        params: sessionParams,
        response: { 200: sessionResponse },
      },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      await startSession(uc, { patientId, sessionId: request.params.sessionId });
      return { session: await getSession(uc, patientId, request.params.sessionId) };
    },
  );

  app.post(
    '/api/v1/sessions/:sessionId/check-ins',
    {
      config: onSession('sitter_check', 'write'),
      schema: { tags: ['sessions'], summary: "The sitter's 15-minute check", params: sessionParams, body: sitterCheckRequest, response: { 201: sitterCheckResponse } },
    },
    async (request, reply) =>
      reply.code(201).send(
        await recordSitterCheck(useCaseOf(request), {
          patientId: patientAccessOf(request).patientId,
          sessionId: request.params.sessionId,
          sitterUserId: actorOf(request).userId,
          ...request.body,
        }),
      ),
  );

  app.post(
    '/api/v1/sessions/:sessionId/baseline',
    {
      config: onSession('sitter_check', 'write'),
      schema: {
        tags: ['sessions'],
        summary: "The sitter confirms, from their own account, whether the patient is back to their usual self",
        params: sessionParams,
        body: sitterBaselineRequest,
        response: { 201: z.object({ baseline: sitterBaselineSchema }) },
      },
    },
    async (request, reply) =>
      reply.code(201).send({
        baseline: await recordSitterBaseline(useCaseOf(request), {
          patientId: patientAccessOf(request).patientId,
          sessionId: request.params.sessionId,
          sitterUserId: actorOf(request).userId,
          ...request.body,
        }),
      }),
  );

  app.post(
    '/api/v1/sessions/:sessionId/complete',
    {
      config: onSession('session', 'write'),
      schema: {
        tags: ['sessions'],
        summary: "Complete a session with the post-session assessment: only after the minimum observation time and on the assigned sitter's own back-to-baseline confirmation (409 otherwise)",
        params: sessionParams,
        body: completeSessionRequest,
        response: { 200: sessionResponse },
      },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      await completeSession(uc, { patientId, sessionId: request.params.sessionId, ...request.body });
      return { session: await getSession(uc, patientId, request.params.sessionId) };
    },
  );

  app.post(
    '/api/v1/sessions/:sessionId/abort',
    {
      config: onSession('session', 'write'),
      schema: {
        tags: ['sessions'],
        summary: 'Abort a session: before the dose its unit goes back on hand; after the dose the clinician is alerted',
        params: sessionParams,
        body: abortSessionRequest,
        response: { 200: sessionResponse },
      },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      await abortSession(uc, { patientId, sessionId: request.params.sessionId, reason: request.body.reason });
      return { session: await getSession(uc, patientId, request.params.sessionId) };
    },
  );

  app.post(
    '/api/v1/sessions/:sessionId/adverse-events',
    {
      config: onSession('adverse_event', 'write'),
      schema: {
        tags: ['sessions'],
        summary: 'Report an adverse event; a serious one holds dosing until a clinician resolves its alert',
        params: sessionParams,
        body: adverseEventRequest,
        response: { 201: adverseEventResponse },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await reportAdverseEvent(useCaseOf(request), { patientId: patientAccessOf(request).patientId, sessionId: request.params.sessionId, ...request.body })),
  );

  app.post(
    '/api/v1/sessions/:sessionId/concerns',
    {
      // The sitter's "something is wrong": the same relation as their checks.
      config: onSession('sitter_check', 'write'),
      schema: { tags: ['sessions'], summary: 'The sitter reports that something is wrong; emergency guidance comes first', params: sessionParams, body: concernRequest, response: { 201: concernResponse } },
    },
    async (request, reply) =>
      reply.code(201).send(
        await raiseSitterConcern(useCaseOf(request), {
          patientId: patientAccessOf(request).patientId,
          sessionId: request.params.sessionId,
          sitterUserId: actorOf(request).userId,
          ...request.body,
        }),
      ),
  );

  app.post(
    '/api/v1/patients/:patientId/adverse-events',
    {
      config: { access: { kind: 'patient', resource: 'adverse_event', action: 'write' } },
      schema: {
        tags: ['sessions'],
        summary: 'Report an adverse event outside a session view (patient, sitter, clinician); a serious one pages the clinician and holds dosing',
        params: patientParams,
        body: patientAdverseEventRequest,
        response: { 201: adverseEventResponse },
      },
    },
    async (request, reply) => reply.code(201).send(await reportAdverseEvent(useCaseOf(request), { patientId: patientAccessOf(request).patientId, ...request.body })),
  );

  app.get(
    '/api/v1/patients/:patientId/adverse-events',
    {
      config: { access: { kind: 'patient', resource: 'adverse_event', action: 'read' } },
      schema: { tags: ['sessions'], summary: 'Adverse events, newest first', params: patientParams, response: { 200: adverseEventList } },
    },
    async (request) => ({ items: await listAdverseEvents(useCaseOf(request), patientAccessOf(request).patientId) }),
  );
}
