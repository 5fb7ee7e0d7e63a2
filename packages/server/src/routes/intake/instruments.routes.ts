import { listInstruments } from '@keel/domain';
import {
  assessmentCreated,
  assessmentList,
  assessmentListQuery,
  assessmentRequest,
  instrumentCodeParams,
  instrumentList,
  patientParams,
  scoreRequest,
  scoreResponse,
} from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { actorOf, patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import { listAssessments, submitAssessment } from '../../use-cases/intake/assessments.ts';
import { scoreOrRefuse, sexAtBirthOf } from '../../use-cases/intake/instrument-scoring.ts';
import { patientIdOfUser } from '../../use-cases/intake/education.ts';
import { loadProgramSettings } from '../../use-cases/settings/program-settings.service.ts';

export function instrumentRoutes(app: KeelApp): void {
  app.get(
    '/api/v1/instruments',
    {
      config: { access: { kind: 'signed-in' } },
      schema: { tags: ['instruments'], summary: 'Validated instruments: official wording, options with points, bands', response: { 200: instrumentList } },
    },
    async () => ({ items: listInstruments() }),
  );

  app.post(
    '/api/v1/instruments/:code/score',
    {
      config: { access: { kind: 'signed-in' } },
      schema: {
        tags: ['instruments'],
        summary: 'Score an answer set (nothing is stored); an incomplete or invalid set is a 422 naming each item',
        params: instrumentCodeParams,
        body: scoreRequest,
        response: { 200: scoreResponse },
      },
    },
    async (request) => {
      const { deps } = useCaseOf(request);
      const actor = actorOf(request);
      const settings = await loadProgramSettings(deps.database.db);
      let sexAtBirth = request.body.sexAtBirth;
      if (!sexAtBirth && request.params.code === 'audit-c' && actor.role === 'patient') {
        const patientId = await patientIdOfUser(deps.database.db, actor.userId);
        sexAtBirth = patientId ? await sexAtBirthOf(deps.database.db, patientId) : undefined;
      }
      const scored = scoreOrRefuse(request.params.code, request.body.answers, { sexAtBirth, settings: settings.instruments });
      return {
        code: scored.code,
        version: scored.version,
        total: scored.total,
        band: scored.band,
        flags: scored.flags,
        ...(scored.risk !== undefined ? { risk: scored.risk } : {}),
        items: scored.items,
      };
    },
  );

  app.post(
    '/api/v1/patients/:patientId/assessments',
    {
      config: { access: { kind: 'patient', resource: 'assessment', action: 'write' } },
      schema: {
        tags: ['assessments'],
        summary: 'Submit an assessment: stored item by item, scored, with the safety alerts it raised',
        params: patientParams,
        body: assessmentRequest,
        response: { 201: assessmentCreated },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const result = await submitAssessment(uc, {
        patientId: patientAccessOf(request).patientId,
        instrument: request.body.instrument,
        answers: request.body.answers,
        context: request.body.context,
        submittedBy: actorOf(request).userId,
      });
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/api/v1/patients/:patientId/assessments',
    {
      config: { access: { kind: 'patient', resource: 'assessment', action: 'read' } },
      schema: { tags: ['assessments'], summary: 'Assessment history, newest first', params: patientParams, querystring: assessmentListQuery, response: { 200: assessmentList } },
    },
    async (request) => {
      const { deps } = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      const items = await listAssessments(deps.database.db, patientId, request.query);
      return { items };
    },
  );
}
