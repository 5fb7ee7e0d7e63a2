import { intakeInstrumentCodes, intakeSections } from '@keel/domain';
import { intakeAnswersSchema, intakeFormSchema, intakeSchema, intakeSubmitResponse, patientParams, screeningResponse } from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { actorOf, patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import { crisisResourceList } from '../../use-cases/intake/instrument-scoring.ts';
import { intakeView, readIntake, saveDraft, storedScreeningOf, submitIntake } from '../../use-cases/intake/intake-flow.ts';

export function questionnaireRoutes(app: KeelApp): void {
  app.get(
    '/api/v1/intake/form',
    {
      config: { access: { kind: 'signed-in' } },
      schema: { tags: ['intake'], summary: 'The intake questionnaire: sections, fields and the questionnaires it includes', response: { 200: intakeFormSchema } },
    },
    async () => ({
      sections: intakeSections.map((s) => ({ id: s.id, title: s.title, fields: s.fields.map((f) => ({ ...f })) })),
      instruments: [...intakeInstrumentCodes],
    }),
  );

  app.get(
    '/api/v1/patients/:patientId/intake',
    {
      config: { access: { kind: 'patient', resource: 'intake', action: 'read' } },
      schema: { tags: ['intake'], summary: 'The intake (an empty draft is created on first read): answers, status, progress, screening', params: patientParams, response: { 200: intakeSchema } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const access = patientAccessOf(request);
      const row = await readIntake(uc, access.patientId);
      return intakeView(uc.deps.database.db, row, uc.ctx.now, access.relation === 'self');
    },
  );

  app.put(
    '/api/v1/patients/:patientId/intake',
    {
      config: { access: { kind: 'patient', resource: 'intake', action: 'write' } },
      schema: {
        tags: ['intake'],
        summary: 'Save draft answers: each section sent replaces the saved one; sections not sent are kept',
        params: patientParams,
        body: intakeAnswersSchema,
        response: { 200: intakeSchema },
      },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const row = await saveDraft(uc, patientAccessOf(request).patientId, request.body);
      return intakeView(uc.deps.database.db, row, uc.ctx.now, true);
    },
  );

  app.post(
    '/api/v1/patients/:patientId/intake/submit',
    {
      config: { access: { kind: 'patient', resource: 'intake', action: 'write' } },
      schema: {
        tags: ['intake'],
        summary: 'Submit the intake for clinician review: screened, questionnaires stored, safety alerts raised',
        params: patientParams,
        response: { 200: intakeSubmitResponse },
      },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      const result = await submitIntake(uc, patientId, actorOf(request).userId);
      const view = await intakeView(uc.deps.database.db, result.row, uc.ctx.now, true);
      return {
        status: 'submitted' as const,
        intakeId: result.row.id,
        submittedAt: view.submittedAt ?? uc.ctx.now.toISOString(),
        screening: result.screening,
        progress: view.progress,
        assessments: result.assessments,
        alerts: result.alerts,
        ...(result.showCrisisResources ? { crisisResources: crisisResourceList() } : {}),
      };
    },
  );

  app.get(
    '/api/v1/patients/:patientId/screening',
    {
      config: { access: { kind: 'patient', resource: 'screening', action: 'read' } },
      schema: { tags: ['intake'], summary: 'The screening result of the last intake submission (null before the first)', params: patientParams, response: { 200: screeningResponse } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      const row = await readIntake(uc, patientId);
      return { intakeId: row.id, status: row.status, screening: storedScreeningOf(row) };
    },
  );
}
