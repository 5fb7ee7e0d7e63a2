import {
  clinicianParams,
  complianceResponse,
  createCredentialRequest,
  credentialList,
  credentialParams,
  credentialResponse,
  expiringCredentialList,
  expiringCredentialsQuery,
  lapseListResponse,
  pathwayCreatedResponse,
  pathwayResponse,
  patientParams,
  pdmpCheckCreatedResponse,
  pdmpCheckListResponse,
  recordPathwayRequest,
  recordPdmpCheckRequest,
} from '@keel/contract';
import type { KeelApp } from '../app.ts';
import { patientAccessOf, useCaseOf } from '../http/route-helpers.ts';
import {
  createCredential,
  credentialDocument,
  expiringCredentials,
  getPathway,
  listCredentials,
  listPdmpChecks,
  recordPathway,
  recordPdmpCheck,
} from '../use-cases/compliance/compliance-records.ts';
import { expiryWindow, lapseList, patientCompliance } from '../use-cases/compliance/compliance-status.ts';
import { binaryFileResponse } from './continuity/route-support.ts';

/** Prescribing compliance (docs/compliance.md): pathway, credentials, PDMP checks, status and the lapse list. */
export function complianceRoutes(app: KeelApp): void {
  app.get(
    '/api/v1/patients/:patientId/prescribing-pathway',
    {
      config: { access: { kind: 'patient', resource: 'prescribing_pathway', action: 'read' } },
      schema: { tags: ['compliance'], summary: 'The patient’s current prescribing pathway (null when none is recorded)', params: patientParams, response: { 200: pathwayResponse } },
    },
    async (request) => ({ pathway: await getPathway(useCaseOf(request).deps.database.db, patientAccessOf(request).patientId) }),
  );

  app.post(
    '/api/v1/patients/:patientId/prescribing-pathway',
    {
      config: { access: { kind: 'patient', resource: 'prescribing_pathway', action: 'write' } },
      schema: {
        tags: ['compliance'],
        summary: 'A prescriber on the care team records the prescribing pathway with their e-signature; it supersedes the previous one',
        params: patientParams,
        body: recordPathwayRequest,
        response: { 201: pathwayCreatedResponse },
      },
    },
    async (request, reply) => {
      const { signature, ...rest } = request.body;
      const pathway = await recordPathway(useCaseOf(request), { ...rest, patientId: patientAccessOf(request).patientId, password: signature.password });
      return reply.code(201).send({ pathway });
    },
  );

  app.get(
    '/api/v1/clinicians/:userId/credentials',
    {
      // An administrator, or the clinician their own (checked by the use-case, a 404 otherwise).
      config: { access: { kind: 'signed-in', roles: ['admin', 'clinician'] } },
      schema: { tags: ['compliance'], summary: 'A clinician’s state licences and DEA registrations (admin, or the clinician themself)', params: clinicianParams, response: { 200: credentialList } },
    },
    async (request) => ({ credentials: await listCredentials(useCaseOf(request), request.params.userId) }),
  );

  app.post(
    '/api/v1/clinicians/:userId/credentials',
    {
      config: { access: { kind: 'program', resource: 'credentials', action: 'write' } },
      schema: {
        tags: ['compliance'],
        summary: 'An administrator records a state licence or DEA registration with its document',
        params: clinicianParams,
        body: createCredentialRequest,
        response: { 201: credentialResponse },
      },
    },
    async (request, reply) => reply.code(201).send({ credential: await createCredential(useCaseOf(request), { ...request.body, clinicianId: request.params.userId }) }),
  );

  app.get(
    '/api/v1/credentials/expiring',
    {
      config: { access: { kind: 'program', resource: 'credentials', action: 'read' } },
      schema: {
        tags: ['compliance'],
        summary: 'Credentials that expire within `withinDays` (default 30) of today in the program’s time zone, expired ones included',
        querystring: expiringCredentialsQuery,
        response: { 200: expiringCredentialList },
      },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const window = await expiryWindow(uc.deps.database.db, uc.ctx.now, request.query.withinDays);
      return { credentials: await expiringCredentials(uc, { withinDays: request.query.withinDays, ...window }) };
    },
  );

  app.get(
    '/api/v1/credentials/:credentialId/document',
    {
      config: { access: { kind: 'signed-in', roles: ['admin', 'clinician'] } },
      schema: { tags: ['compliance'], summary: 'The credential’s document as uploaded (admin, or the clinician it belongs to)', params: credentialParams, response: binaryFileResponse('application/octet-stream') },
    },
    async (request, reply) => {
      const doc = await credentialDocument(useCaseOf(request), request.params.credentialId);
      const safeName = doc.filename.replace(/[^A-Za-z0-9._-]/g, '_');
      return reply.type(doc.contentType).header('content-disposition', `attachment; filename="${safeName}"`).send(doc.bytes);
    },
  );

  app.get(
    '/api/v1/patients/:patientId/pdmp-checks',
    {
      config: { access: { kind: 'patient', resource: 'pdmp_check', action: 'read' } },
      schema: { tags: ['compliance'], summary: 'Prescription drug monitoring program checks on record, newest first', params: patientParams, response: { 200: pdmpCheckListResponse } },
    },
    async (request) => ({ checks: await listPdmpChecks(useCaseOf(request).deps.database.db, patientAccessOf(request).patientId) }),
  );

  app.post(
    '/api/v1/patients/:patientId/pdmp-checks',
    {
      config: { access: { kind: 'patient', resource: 'pdmp_check', action: 'write' } },
      schema: {
        tags: ['compliance'],
        summary: 'Record a PDMP check; "another prescriber found" feeds the multiple-prescribers warning sign',
        params: patientParams,
        body: recordPdmpCheckRequest,
        response: { 201: pdmpCheckCreatedResponse },
      },
    },
    async (request, reply) => reply.code(201).send({ check: await recordPdmpCheck(useCaseOf(request), { ...request.body, patientId: patientAccessOf(request).patientId }) }),
  );

  app.get(
    '/api/v1/patients/:patientId/compliance',
    {
      config: { access: { kind: 'patient', resource: 'compliance', action: 'read' } },
      schema: {
        tags: ['compliance'],
        summary: 'The patient’s prescribing-compliance status with every reason, the pathway, PDMP dates and when a telemedicine pathway lapses',
        params: patientParams,
        response: { 200: complianceResponse },
      },
    },
    async (request) => patientCompliance(useCaseOf(request), patientAccessOf(request).patientId),
  );

  app.get(
    '/api/v1/compliance/lapse-list',
    {
      config: { access: { kind: 'program', resource: 'compliance_lapse_list', action: 'read' } },
      schema: {
        tags: ['compliance'],
        summary: 'Active patients whose pathway is telemedicine_flexibility and lapses when the flexibilities end (a clinician’s own patients; every patient for an admin)',
        response: { 200: lapseListResponse },
      },
    },
    async (request) => lapseList(useCaseOf(request)),
  );
}
