import { z } from 'zod';
import { patientParams } from '@keel/contract';
import type { KeelApp } from '../app.ts';
import { patientAccessOf, useCaseOf } from '../http/route-helpers.ts';
import { exportPatientRecord } from '../use-cases/fhir/export-patient-record.ts';

export function fhirRoutes(app: KeelApp): void {
  app.get(
    '/api/v1/patients/:patientId/fhir',
    {
      config: { access: { kind: 'patient', resource: 'fhir_export', action: 'read' } },
      schema: {
        tags: ['interoperability'],
        summary: "The patient's record as a FHIR R4 collection Bundle with US Core 6.1 profiles (docs/fhir.md); fullUrls are this server's FHIR URLs",
        params: patientParams,
        response: { 200: z.object({ resourceType: z.literal('Bundle'), type: z.enum(['collection', 'searchset']), entry: z.array(z.object({ fullUrl: z.string(), resource: z.object({ resourceType: z.string(), id: z.string() }).loose() })) }).loose() },
      },
    },
    async (request, reply) => {
      const bundle = await exportPatientRecord(useCaseOf(request), patientAccessOf(request).patientId);
      return reply.type('application/fhir+json; charset=utf-8').send(bundle);
    },
  );
}
