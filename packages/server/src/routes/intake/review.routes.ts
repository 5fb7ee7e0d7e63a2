import { claimResponse, decisionList, decisionRequest, decisionResponse, decisionSchema, patientParams, reviewQueue } from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { notFound } from '../../http/problem.ts';
import { actorOf, patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import { claimIntake, decideIntake, decisionView, listDecisions, reviewQueue as loadReviewQueue } from '../../use-cases/intake/review.ts';

export function reviewRoutes(app: KeelApp): void {
  app.get(
    '/api/v1/review-queue',
    {
      config: { access: { kind: 'program', resource: 'review_queue', action: 'read' }, auditPatientsShown: 'review_queue.list' },
      schema: {
        tags: ['intake review'],
        summary: "Submitted intakes awaiting a decision, oldest first: the caller's care-team patients and every patient in a state where the caller is licensed",
        response: { 200: reviewQueue },
      },
    },
    async (request) => ({ items: await loadReviewQueue(useCaseOf(request), actorOf(request).userId) }),
  );

  app.post(
    '/api/v1/patients/:patientId/intake/claim',
    {
      // A program-level rule: the clinician is not on the care team yet. The use-case admits only an intake
      // awaiting review in a state where the clinician is licensed (or already on the team); otherwise 404.
      config: { access: { kind: 'program', resource: 'review_queue', action: 'read' } },
      schema: {
        tags: ['intake review'],
        summary: 'Take an intake from the review queue: the clinician joins the care team (primary if there is none)',
        params: patientParams,
        response: { 200: claimResponse },
      },
    },
    async (request) => claimIntake(useCaseOf(request), actorOf(request).userId, request.params.patientId),
  );

  app.post(
    '/api/v1/patients/:patientId/intake/decision',
    {
      config: { access: { kind: 'patient', resource: 'intake', action: 'decide' } },
      schema: {
        tags: ['intake review'],
        summary: 'Approve, decline or request more information, with a note and an electronic signature',
        params: patientParams,
        body: decisionRequest,
        response: { 201: decisionResponse },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const result = await decideIntake(uc, {
        clinicianId: actorOf(request).userId,
        patientId: patientAccessOf(request).patientId,
        decision: request.body.decision,
        note: request.body.note,
        noteVisibleToPatient: request.body.noteVisibleToPatient,
        password: request.body.signature.password,
      });
      const view = await decisionView(uc.deps.database.db, result.row);
      return reply.code(201).send({ ...view, intakeStatus: result.intakeStatus, patientStatus: result.patientStatus });
    },
  );

  app.get(
    '/api/v1/patients/:patientId/intake/decision',
    {
      config: { access: { kind: 'patient', resource: 'intake', action: 'read' } },
      schema: { tags: ['intake review'], summary: 'The latest decision with its signature, verified against the stored record', params: patientParams, response: { 200: decisionSchema } },
    },
    async (request) => {
      const { deps } = useCaseOf(request);
      const { patientId, relation } = patientAccessOf(request);
      const [latest] = await listDecisions(deps.database.db, patientId);
      if (!latest) throw notFound('decision');
      return decisionView(deps.database.db, latest, relation === 'self');
    },
  );

  app.get(
    '/api/v1/patients/:patientId/intake/decisions',
    {
      config: { access: { kind: 'patient', resource: 'intake', action: 'read' } },
      schema: { tags: ['intake review'], summary: 'Every decision on the intake, newest first, each verified', params: patientParams, response: { 200: decisionList } },
    },
    async (request) => {
      const { deps } = useCaseOf(request);
      const { patientId, relation } = patientAccessOf(request);
      const rows = await listDecisions(deps.database.db, patientId);
      return { items: await Promise.all(rows.map((r) => decisionView(deps.database.db, r, relation === 'self'))) };
    },
  );
}
