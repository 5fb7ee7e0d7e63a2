import {
  disclosureConsentCreateRequest,
  disclosureConsentList,
  disclosureConsentParams,
  disclosureCreateRequest,
  disclosureList,
  disclosureParams,
  dischargeRequest,
  dischargeResponse,
  outsideClinicianCreateRequest,
  outsideClinicianList,
  patientParams,
  resourcesResponse,
  resourcesUpdateRequest,
  supportContactCreateRequest,
  supportContactList,
  supportContactParams,
  supportHomeResponse,
} from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import { loadContinuitySettings, replyExpectation } from '../../use-cases/continuity/continuity-settings.ts';
import {
  addOutsideClinician,
  createDisclosure,
  disclosureDocument,
  grantDisclosureConsent,
  listDisclosureConsents,
  listDisclosures,
  listOutsideClinicians,
  revokeDisclosureConsent,
} from '../../use-cases/continuity/coordination.ts';
import { dischargePatient, dischargePdf, readDischarge, type StoredDischarge } from '../../use-cases/continuity/discharge.ts';
import {
  addSupportContact,
  listSupportContacts,
  listSupportSitters,
  loadResources,
  removeSupportContact,
  updateResources,
} from '../../use-cases/continuity/support.ts';
import { binaryFileResponse } from './route-support.ts';

const dischargeView = (d: StoredDischarge) => ({
  id: d.id,
  patientId: d.patientId,
  dischargedAt: d.dischargedAt,
  clinician: d.clinician,
  signature: { id: d.signature.id, printedName: d.signature.printedName, meaning: d.signature.meaning, signedAt: d.signature.signedAt, recordSha256: d.signature.recordSha256 },
  summary: d.summary,
  summaryPdfUrl: `/api/v1/patients/${d.patientId}/discharge/summary.pdf`,
});

export function supportRoutes(app: KeelApp): void {
  // ---- Support network
  app.get(
    '/api/v1/patients/:patientId/support-contacts',
    {
      config: { access: { kind: 'patient', resource: 'support_contact', action: 'read' } },
      schema: { tags: ['support'], summary: "The patient's emergency and support contacts", params: patientParams, response: { 200: supportContactList } },
    },
    async (request) => {
      const { patientId } = patientAccessOf(request);
      const items = await listSupportContacts(useCaseOf(request).deps.database.db, patientId);
      return { items };
    },
  );

  app.post(
    '/api/v1/patients/:patientId/support-contacts',
    {
      config: { access: { kind: 'patient', resource: 'support_contact', action: 'write' } },
      schema: { tags: ['support'], summary: 'Add an emergency or support contact', params: patientParams, body: supportContactCreateRequest, response: { 201: supportContactList } },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      const id = await addSupportContact(uc, patientId, request.body);
      return reply.code(201).send({ items: (await listSupportContacts(uc.deps.database.db, patientId)).filter((c) => c.id === id) });
    },
  );

  app.delete(
    '/api/v1/patients/:patientId/support-contacts/:contactId',
    {
      config: { access: { kind: 'patient', resource: 'support_contact', action: 'write' } },
      schema: { tags: ['support'], summary: 'Remove a contact', params: supportContactParams, response: { 200: supportContactList } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      await removeSupportContact(uc, patientId, request.params.contactId);
      return { items: await listSupportContacts(uc.deps.database.db, patientId) };
    },
  );

  app.get(
    '/api/v1/patients/:patientId/support',
    {
      config: { access: { kind: 'patient', resource: 'support_contact', action: 'read' } },
      schema: { tags: ['support'], summary: "The patient's support network for the home page: sitters, contacts, and the resources directory", params: patientParams, response: { 200: supportHomeResponse } },
    },
    async (request) => {
      const db = useCaseOf(request).deps.database.db;
      const { patientId } = patientAccessOf(request);
      const result = {
        sitters: await listSupportSitters(db, patientId),
        contacts: await listSupportContacts(db, patientId),
        resources: (await loadResources(db)).items,
        replyExpectation: replyExpectation(await loadContinuitySettings(db)),
      };
      return result;
    },
  );

  app.get(
    '/api/v1/resources',
    {
      config: { access: { kind: 'program', resource: 'resources_directory', action: 'read' } },
      schema: { tags: ['support'], summary: 'The resources directory: crisis lines, emergency numbers, peer support', response: { 200: resourcesResponse } },
    },
    async (request) => loadResources(useCaseOf(request).deps.database.db),
  );

  app.put(
    '/api/v1/resources',
    {
      config: { access: { kind: 'program', resource: 'resources_directory', action: 'write' } },
      schema: { tags: ['support'], summary: 'Replace the resources directory (admin); 988 and 911 must stay', body: resourcesUpdateRequest, response: { 200: resourcesResponse } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      await updateResources(uc, request.body.items);
      return loadResources(uc.deps.database.db);
    },
  );

  // ---- Coordination of care
  app.get(
    '/api/v1/patients/:patientId/outside-clinicians',
    {
      config: { access: { kind: 'patient', resource: 'outside_clinician', action: 'read' } },
      schema: { tags: ['coordination'], summary: "The patient's outside clinicians", params: patientParams, response: { 200: outsideClinicianList } },
    },
    async (request) => {
      const { patientId } = patientAccessOf(request);
      const items = await listOutsideClinicians(useCaseOf(request).deps.database.db, patientId);
      return { items };
    },
  );

  app.post(
    '/api/v1/patients/:patientId/outside-clinicians',
    {
      config: { access: { kind: 'patient', resource: 'outside_clinician', action: 'write' } },
      schema: { tags: ['coordination'], summary: 'Record an outside psychiatrist, therapist or primary care clinician', params: patientParams, body: outsideClinicianCreateRequest, response: { 201: outsideClinicianList } },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      const id = await addOutsideClinician(uc, patientId, request.body);
      return reply.code(201).send({ items: (await listOutsideClinicians(uc.deps.database.db, patientId)).filter((c) => c.id === id) });
    },
  );

  app.get(
    '/api/v1/patients/:patientId/disclosure-consents',
    {
      config: { access: { kind: 'patient', resource: 'disclosure', action: 'read' } },
      schema: { tags: ['coordination'], summary: 'Release-of-information consents, active and revoked', params: patientParams, response: { 200: disclosureConsentList } },
    },
    async (request) => {
      const { deps, ctx } = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      const items = await listDisclosureConsents(deps.database.db, patientId, ctx.now);
      return { items };
    },
  );

  // Granting and revoking are the patient's own signed acts: the `consent` sign rule (patient only).
  app.post(
    '/api/v1/patients/:patientId/disclosure-consents',
    {
      config: { access: { kind: 'patient', resource: 'consent', action: 'sign' } },
      schema: {
        tags: ['coordination'],
        summary: 'The patient signs a release-of-information consent for one outside clinician (purposes, Part 2 scope)',
        params: patientParams,
        body: disclosureConsentCreateRequest,
        response: { 201: disclosureConsentList },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      const { signature, ...rest } = request.body;
      const id = await grantDisclosureConsent(uc, patientId, { ...rest, password: signature.password });
      return reply.code(201).send({ items: (await listDisclosureConsents(uc.deps.database.db, patientId, uc.ctx.now)).filter((c) => c.id === id) });
    },
  );

  app.post(
    '/api/v1/patients/:patientId/disclosure-consents/:consentId/revoke',
    {
      config: { access: { kind: 'patient', resource: 'consent', action: 'sign' } },
      schema: { tags: ['coordination'], summary: 'Revoke a release-of-information consent; no further disclosure under it', params: disclosureConsentParams, response: { 200: disclosureConsentList } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      await revokeDisclosureConsent(uc, patientId, request.params.consentId);
      return { items: (await listDisclosureConsents(uc.deps.database.db, patientId, uc.ctx.now)).filter((c) => c.id === request.params.consentId) };
    },
  );

  app.get(
    '/api/v1/patients/:patientId/disclosures',
    {
      config: { access: { kind: 'patient', resource: 'disclosure', action: 'read' } },
      schema: { tags: ['coordination'], summary: 'Every disclosure made to outside clinicians', params: patientParams, response: { 200: disclosureList } },
    },
    async (request) => {
      const { patientId } = patientAccessOf(request);
      const items = await listDisclosures(useCaseOf(request).deps.database.db, patientId);
      return { items };
    },
  );

  app.post(
    '/api/v1/patients/:patientId/disclosures',
    {
      config: { access: { kind: 'patient', resource: 'disclosure', action: 'write' } },
      schema: {
        tags: ['coordination'],
        summary: 'A clinician generates a start-of-treatment letter or the discharge summary for an outside clinician (consent required)',
        params: patientParams,
        body: disclosureCreateRequest,
        response: { 201: disclosureList },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const { patientId, relation } = patientAccessOf(request);
      const id = await createDisclosure(uc, patientId, relation, request.body);
      return reply.code(201).send({ items: (await listDisclosures(uc.deps.database.db, patientId)).filter((d) => d.id === id) });
    },
  );

  app.get(
    '/api/v1/patients/:patientId/disclosures/:disclosureId/letter.pdf',
    {
      config: { access: { kind: 'patient', resource: 'disclosure', action: 'read' } },
      schema: { tags: ['coordination'], summary: 'The exact letter that was disclosed (PDF)', params: disclosureParams, response: binaryFileResponse('application/pdf') },
    },
    async (request, reply) => {
      const { patientId } = patientAccessOf(request);
      const pdf = await disclosureDocument(useCaseOf(request), patientId, request.params.disclosureId);
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="keel-letter-${request.params.disclosureId}.pdf"`).send(pdf);
    },
  );

  // ---- Discharge
  app.post(
    '/api/v1/patients/:patientId/discharge',
    {
      config: { access: { kind: 'patient', resource: 'discharge', action: 'sign' } },
      schema: {
        tags: ['discharge'],
        summary: 'Discharge the patient with a signed summary (course, doses, outcomes, alerts, recommendations)',
        params: patientParams,
        body: dischargeRequest,
        response: { 201: dischargeResponse },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const { patientId, relation } = patientAccessOf(request);
      await dischargePatient(uc, patientId, relation, { reason: request.body.reason, recommendations: request.body.recommendations, password: request.body.signature.password });
      return reply.code(201).send(dischargeView(await readDischarge(uc, patientId)));
    },
  );

  app.get(
    '/api/v1/patients/:patientId/discharge',
    {
      config: { access: { kind: 'patient', resource: 'discharge', action: 'read' } },
      schema: { tags: ['discharge'], summary: 'The signed discharge summary', params: patientParams, response: { 200: dischargeResponse } },
    },
    async (request) => dischargeView(await readDischarge(useCaseOf(request), patientAccessOf(request).patientId)),
  );

  app.get(
    '/api/v1/patients/:patientId/discharge/summary.pdf',
    {
      config: { access: { kind: 'patient', resource: 'discharge', action: 'read' } },
      schema: { tags: ['discharge'], summary: 'The discharge summary as PDF, to download and share', params: patientParams, response: binaryFileResponse('application/pdf') },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const d = await readDischarge(uc, patientAccessOf(request).patientId);
      const pdf = await dischargePdf(d, uc.ctx.now);
      return reply.type('application/pdf').header('content-disposition', 'attachment; filename="keel-discharge-summary.pdf"').send(pdf);
    },
  );
}

