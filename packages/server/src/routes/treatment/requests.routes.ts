import { doseRequestList, doseRequestParams, medicationAnswerRequest, patientParams, refillRequestList, refillRequestParams } from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import { listRefillRequests } from '../../use-cases/treatment/ledger.ts';
import { answerMedicationRequest, listDoseRequests } from '../../use-cases/treatment/medication-requests.ts';

/** The clinician's side of the patient's medication requests (PDMP checks: compliance.routes.ts). */
export function requestRoutes(app: KeelApp): void {
  app.get(
    '/api/v1/patients/:patientId/dose-requests',
    {
      config: { access: { kind: 'patient', resource: 'refill', action: 'read' } },
      schema: { tags: ['medication'], summary: 'Dose requests, newest first, with the clinician’s answer', params: patientParams, response: { 200: doseRequestList } },
    },
    async (request) => ({ items: await listDoseRequests(useCaseOf(request).deps.database.db, patientAccessOf(request).patientId) }),
  );

  app.post(
    '/api/v1/patients/:patientId/dose-requests/:doseRequestId/answer',
    {
      config: { access: { kind: 'patient', resource: 'refill', action: 'decide' } },
      schema: { tags: ['medication'], summary: 'A clinician answers a dose request; the patient reads the answer', params: doseRequestParams, body: medicationAnswerRequest, response: { 200: doseRequestList } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      await answerMedicationRequest(uc, { patientId, kind: 'dose', requestId: request.params.doseRequestId, answer: request.body.answer });
      return { items: await listDoseRequests(uc.deps.database.db, patientId) };
    },
  );

  app.post(
    '/api/v1/patients/:patientId/refill-requests/:refillRequestId/answer',
    {
      config: { access: { kind: 'patient', resource: 'refill', action: 'decide' } },
      schema: { tags: ['medication'], summary: 'A clinician answers a refill request; the patient reads the answer', params: refillRequestParams, body: medicationAnswerRequest, response: { 200: refillRequestList } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      await answerMedicationRequest(uc, { patientId, kind: 'refill', requestId: request.params.refillRequestId, answer: request.body.answer });
      return { items: await listRefillRequests(uc, patientId) };
    },
  );
}
