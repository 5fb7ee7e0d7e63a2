import type { FastifyRequest } from 'fastify';
import {
  createPlanRequest,
  patientParams,
  planHistoryResponse,
  planParams,
  planResponse,
  signPlanRequest,
  updatePlanRequest,
} from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { isUuid } from '../../http/access-control.ts';
import type { Db } from '../../db/transaction.ts';
import { patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import {
  createPlanDraft,
  getActivePlan,
  getPlan,
  ifMatchRevision,
  planHistory,
  signPlan,
  updatePlanDraft,
} from '../../use-cases/treatment/plans.ts';

/** The patient a plan id belongs to (unknown → 404 through the access rule). */
export async function planPatient(db: Db, request: FastifyRequest): Promise<string | null> {
  const planId = (request.params as { planId?: unknown }).planId;
  if (!isUuid(planId)) return null;
  const row = await db.selectFrom('treatment_plans').select('patient_id').where('id', '=', planId).executeTakeFirst();
  return row?.patient_id ?? null;
}

export function planRoutes(app: KeelApp): void {
  app.post(
    '/api/v1/patients/:patientId/plans',
    {
      config: { access: { kind: 'patient', resource: 'plan', action: 'write' } },
      schema: {
        tags: ['plans'],
        summary: 'Draft a plan version (a change to a signed plan is a new draft with basedOn); never looser than the program',
        params: patientParams,
        body: createPlanRequest,
        response: { 201: planResponse },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      const id = await createPlanDraft(uc, { patientId, terms: request.body.terms, basedOn: request.body.basedOn });
      const plan = await getPlan(uc.deps.database.db, patientId, id);
      return reply.code(201).header('etag', `"${plan.revision}"`).send({ plan });
    },
  );

  app.put(
    '/api/v1/plans/:planId',
    {
      config: { access: { kind: 'patient', resource: 'plan', action: 'write', patientOf: planPatient } },
      schema: {
        tags: ['plans'],
        summary: 'Edit a draft (If-Match: its revision; stale → 412)',
        params: planParams,
        body: updatePlanRequest,
        response: { 200: planResponse },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      const expectedRevision = ifMatchRevision(request.headers['if-match']);
      await updatePlanDraft(uc, { patientId, planId: request.params.planId, terms: request.body.terms, expectedRevision });
      const plan = await getPlan(uc.deps.database.db, patientId, request.params.planId);
      void reply.header('etag', `"${plan.revision}"`);
      return { plan };
    },
  );

  app.post(
    '/api/v1/plans/:planId/sign',
    {
      config: { access: { kind: 'patient', resource: 'plan', action: 'sign', patientOf: planPatient } },
      schema: {
        tags: ['plans'],
        summary: 'Sign a draft as its prescriber: it becomes the active version and the previous one is superseded',
        params: planParams,
        body: signPlanRequest,
        response: { 200: planResponse },
      },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      await signPlan(uc, { patientId, planId: request.params.planId, password: request.body.signature.password });
      return { plan: await getPlan(uc.deps.database.db, patientId, request.params.planId) };
    },
  );

  app.get(
    '/api/v1/patients/:patientId/plan',
    {
      config: { access: { kind: 'patient', resource: 'plan', action: 'read' } },
      schema: { tags: ['plans'], summary: 'The active signed plan', params: patientParams, response: { 200: planResponse } },
    },
    async (request) => ({ plan: await getActivePlan(useCaseOf(request), patientAccessOf(request).patientId) }),
  );

  app.get(
    '/api/v1/patients/:patientId/plans',
    {
      config: { access: { kind: 'patient', resource: 'plan', action: 'read' } },
      schema: { tags: ['plans'], summary: 'Every plan version with its signature and what changed', params: patientParams, response: { 200: planHistoryResponse } },
    },
    async (request) => ({ items: await planHistory(useCaseOf(request), patientAccessOf(request).patientId) }),
  );
}
