import { consentDocumentSchema, consentList, consentSignatureSchema, consentSignRequest, patientParams } from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { actorOf, patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import { currentConsent } from '../../use-cases/intake/consent-document.ts';
import { consentView, listConsents, signConsent } from '../../use-cases/intake/consent.ts';

export function consentRoutes(app: KeelApp): void {
  app.get(
    '/api/v1/consent/current',
    {
      config: { access: { kind: 'signed-in' } },
      schema: { tags: ['consent'], summary: 'The informed-consent document in force (Markdown) with its version and SHA-256', response: { 200: consentDocumentSchema } },
    },
    async () => currentConsent(),
  );

  app.post(
    '/api/v1/patients/:patientId/consents',
    {
      config: { access: { kind: 'patient', resource: 'consent', action: 'sign' } },
      schema: {
        tags: ['consent'],
        summary: 'Sign the current consent version (re-enter your password); any other version is refused',
        params: patientParams,
        body: consentSignRequest,
        response: { 201: consentSignatureSchema },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const row = await signConsent(uc, {
        patientId: patientAccessOf(request).patientId,
        signerId: actorOf(request).userId,
        version: request.body.version,
        password: request.body.signature.password,
      });
      return reply.code(201).send(await consentView(uc.deps.database.db, row));
    },
  );

  app.get(
    '/api/v1/patients/:patientId/consents',
    {
      config: { access: { kind: 'patient', resource: 'consent', action: 'read' } },
      schema: { tags: ['consent'], summary: "The patient's consent signatures and whether the current version is signed", params: patientParams, response: { 200: consentList } },
    },
    async (request) => {
      const { deps } = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      const result = await listConsents(deps.database.db, patientId);
      return result;
    },
  );
}
