import {
  correctionRequest,
  countRequest,
  countResponse,
  dispenseRequest,
  dispenseResponse,
  disposalRequest,
  doseRequestBody,
  doseRequestResponse,
  ledgerEntryResponse,
  ledgerResponse,
  lossRequest,
  patientParams,
  refillRequestBody,
  refillRequestList,
  refillRequestResponse,
} from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import {
  getLedger,
  listRefillRequests,
  recordCorrection,
  recordCount,
  recordDispense,
  recordDisposal,
  recordDoseRequest,
  recordLoss,
  requestRefill,
} from '../../use-cases/treatment/ledger.ts';

export function ledgerRoutes(app: KeelApp): void {
  app.post(
    '/api/v1/patients/:patientId/dispenses',
    {
      config: { access: { kind: 'patient', resource: 'dispense', action: 'write' } },
      schema: {
        tags: ['medication'],
        summary: 'Record a dispense with its DEA fields; the ledger gains a `dispensed` entry',
        params: patientParams,
        body: dispenseRequest,
        response: { 201: dispenseResponse },
      },
    },
    async (request, reply) => reply.code(201).send(await recordDispense(useCaseOf(request), { patientId: patientAccessOf(request).patientId, ...request.body })),
  );

  app.get(
    '/api/v1/patients/:patientId/ledger',
    {
      config: { access: { kind: 'patient', resource: 'ledger', action: 'read' } },
      schema: { tags: ['medication'], summary: 'Ledger entries, on hand and whether the ledger reconciles', params: patientParams, response: { 200: ledgerResponse } },
    },
    async (request) => getLedger(useCaseOf(request), patientAccessOf(request).patientId),
  );

  app.post(
    '/api/v1/patients/:patientId/ledger/counts',
    {
      config: { access: { kind: 'patient', resource: 'ledger', action: 'write' } },
      schema: { tags: ['medication'], summary: 'Record a pill count: the discrepancy against the ledger', params: patientParams, body: countRequest, response: { 201: countResponse } },
    },
    async (request, reply) => reply.code(201).send(await recordCount(useCaseOf(request), { patientId: patientAccessOf(request).patientId, ...request.body })),
  );

  app.post(
    '/api/v1/patients/:patientId/ledger/losses',
    {
      // The patient and their clinician may both report a loss.
      config: { access: { kind: 'patient', resource: 'ledger_loss', action: 'write' } },
      schema: { tags: ['medication'], summary: 'Report lost or stolen units with the circumstances', params: patientParams, body: lossRequest, response: { 201: ledgerEntryResponse } },
    },
    async (request, reply) => reply.code(201).send(await recordLoss(useCaseOf(request), { patientId: patientAccessOf(request).patientId, ...request.body })),
  );

  app.post(
    '/api/v1/patients/:patientId/ledger/corrections',
    {
      config: { access: { kind: 'patient', resource: 'ledger', action: 'write' } },
      schema: { tags: ['medication'], summary: 'Correct an entry (a signed delta that names the entry it corrects)', params: patientParams, body: correctionRequest, response: { 201: ledgerEntryResponse } },
    },
    async (request, reply) => reply.code(201).send(await recordCorrection(useCaseOf(request), { patientId: patientAccessOf(request).patientId, ...request.body })),
  );

  app.post(
    '/api/v1/patients/:patientId/ledger/disposals',
    {
      config: { access: { kind: 'patient', resource: 'ledger', action: 'write' } },
      schema: { tags: ['medication'], summary: 'Record units returned to the clinic or destroyed, with the manner', params: patientParams, body: disposalRequest, response: { 201: ledgerEntryResponse } },
    },
    async (request, reply) => reply.code(201).send(await recordDisposal(useCaseOf(request), { patientId: patientAccessOf(request).patientId, ...request.body })),
  );

  app.post(
    '/api/v1/patients/:patientId/refill-requests',
    {
      config: { access: { kind: 'patient', resource: 'refill', action: 'write' } },
      schema: { tags: ['medication'], summary: 'Ask for a refill: granted from the eligible date, else held with reasons', params: patientParams, body: refillRequestBody, response: { 201: refillRequestResponse } },
    },
    async (request, reply) =>
      reply.code(201).send({ refillRequest: await requestRefill(useCaseOf(request), { patientId: patientAccessOf(request).patientId, note: request.body.note }) }),
  );

  app.get(
    '/api/v1/patients/:patientId/refill-requests',
    {
      config: { access: { kind: 'patient', resource: 'refill', action: 'read' } },
      schema: { tags: ['medication'], summary: 'Refill requests and their outcomes', params: patientParams, response: { 200: refillRequestList } },
    },
    async (request) => ({ items: await listRefillRequests(useCaseOf(request), patientAccessOf(request).patientId) }),
  );

  app.post(
    '/api/v1/patients/:patientId/dose-requests',
    {
      // A patient's request about their medication: the `refill` resource is the patient's own medication request.
      config: { access: { kind: 'patient', resource: 'refill', action: 'write' } },
      schema: { tags: ['medication'], summary: 'Ask for a higher dose, or report that the dose stopped working', params: patientParams, body: doseRequestBody, response: { 201: doseRequestResponse } },
    },
    async (request, reply) => reply.code(201).send(await recordDoseRequest(useCaseOf(request), { patientId: patientAccessOf(request).patientId, ...request.body })),
  );
}
