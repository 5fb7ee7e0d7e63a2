import type { FastifyRequest } from 'fastify';
import { educationCompleteResponse, educationList, educationModuleDetail, educationSlugParams, patientParams } from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import type { Db } from '../../db/transaction.ts';
import { notFound } from '../../http/problem.ts';
import { actorOf, patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import { completeModule, completions, educationListing, patientIdOfUser } from '../../use-cases/intake/education.ts';
import { educationModule } from '../../use-cases/intake/education-library.ts';

/** The signed-in patient's own record (education routes address "me", not a patient id). */
const ownPatient = async (db: Db, request: FastifyRequest) =>
  request.actor?.role === 'patient' ? patientIdOfUser(db, request.actor.userId) : null;

export function educationRoutes(app: KeelApp): void {
  app.get(
    '/api/v1/education',
    {
      config: { access: { kind: 'signed-in' } },
      schema: { tags: ['education'], summary: "Education modules, with the caller's completion when the caller is a patient", response: { 200: educationList } },
    },
    async (request) => {
      const { deps } = useCaseOf(request);
      const actor = actorOf(request);
      const patientId = actor.role === 'patient' ? await patientIdOfUser(deps.database.db, actor.userId) : undefined;
      return educationListing(patientId ? await completions(deps.database.db, patientId) : null);
    },
  );

  app.get(
    '/api/v1/education/:slug',
    {
      config: { access: { kind: 'signed-in' } },
      schema: { tags: ['education'], summary: 'One education module with its Markdown body', params: educationSlugParams, response: { 200: educationModuleDetail } },
    },
    async (request) => {
      const { deps } = useCaseOf(request);
      const actor = actorOf(request);
      const module = educationModule(request.params.slug);
      if (!module) throw notFound('education module');
      const patientId = actor.role === 'patient' ? await patientIdOfUser(deps.database.db, actor.userId) : undefined;
      const done = patientId ? await completions(deps.database.db, patientId) : null;
      return { ...module, completedAt: done?.get(module.slug)?.toISOString() ?? null };
    },
  );

  app.post(
    '/api/v1/education/:slug/complete',
    {
      config: { access: { kind: 'patient', resource: 'education', action: 'write', patientOf: ownPatient } },
      schema: { tags: ['education'], summary: 'Mark a module as completed (patients)', params: educationSlugParams, response: { 200: educationCompleteResponse } },
    },
    async (request) => completeModule(useCaseOf(request), patientAccessOf(request).patientId, request.params.slug),
  );

  app.get(
    '/api/v1/patients/:patientId/education',
    {
      config: { access: { kind: 'patient', resource: 'education', action: 'read' } },
      schema: { tags: ['education'], summary: "A patient's education progress (patient, clinician, coach)", params: patientParams, response: { 200: educationList } },
    },
    async (request) => {
      const { deps } = useCaseOf(request);
      return educationListing(await completions(deps.database.db, patientAccessOf(request).patientId));
    },
  );
}
