import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fullUrlOf, patientRecordResources, programOrganizationId, searchResources, sortResources, type FhirResource } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { requestContext } from '../../http/authenticate.ts';
import { isUuid } from '../../http/access-control.ts';
import { actorOf, patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import { capabilityStatement } from '../../use-cases/fhir/capability-statement.ts';
import { patientResources, questionnaire, questionnaires, readOrganization, readPractitioner } from '../../use-cases/fhir/fhir-read.ts';
import { fhirProgram } from '../../use-cases/fhir/fhir-program.ts';
import { loadPatientRecord } from '../../use-cases/fhir/load-patient-record.ts';
import { ownerOf, patientCompartmentTypes } from '../../use-cases/fhir/resource-owner.ts';
import { bulkExportRoutes } from './bulk-export.routes.ts';
import { FhirError, assertJsonFormat, registerFhirErrors, fhirJson, fhirQuerySchema, fhirResourceSchema, queryParams, searchsetBundle } from './fhir-http.ts';

const readAccess = { kind: 'patient', resource: 'fhir_export', action: 'read' } as const;
const ridParams = z.object({ rid: z.string() });
const tags = ['fhir'];

/** The patient a search covers: the one it names, the owner of the one `_id` it names, or the patient asking. */
const searchPatientOf = (type: string) => async (db: Db, request: FastifyRequest): Promise<string | null> => {
  const q = queryParams(request);
  const named = ['patient', 'subject', 'patient:Patient', 'subject:Patient'].flatMap((k) => q[k] ?? []).flatMap((v) => v.split(','));
  const ids = [...new Set(named.map((v) => v.replace(/^.*Patient\//, '')))];
  if (ids.length > 1) throw new FhirError(400, 'not-supported', 'A search covers one patient: name one patient.');
  if (ids[0] !== undefined) return ids[0];
  const idParam = q['_id'];
  if (idParam?.length === 1 && idParam[0] && !idParam[0].includes(',')) return ownerOf(db, type, idParam[0]);
  if (request.actor?.role === 'patient') return request.actor.patientId ?? null;
  throw new FhirError(400, 'required', `A search of ${type} covers one patient's record: add patient=<Patient id>.`);
};

function strictHandling(request: FastifyRequest): boolean {
  const prefer = request.headers.prefer;
  return typeof prefer === 'string' && /handling\s*=\s*strict/i.test(prefer);
}

/** Filters, sorts and pages one type's resources; a malformed value is an error, an unknown parameter is ignored. */
function searchBundle(request: FastifyRequest, type: string, resources: readonly FhirResource[], now: Date, fullUrl: (r: FhirResource) => string, path = `/${type}`): FhirResource {
  const params = queryParams(request);
  const outcome = searchResources(resources, type, params);
  if (outcome.invalid.length) throw new FhirError(400, 'invalid', `Cannot read ${outcome.invalid.join(', ')}.`);
  if (outcome.unsupported.length && strictHandling(request)) throw new FhirError(400, 'not-supported', `Unsupported search parameters: ${outcome.unsupported.join(', ')}.`);
  const sorted = sortResources(outcome.matches, params['_sort']?.[0]);
  return searchsetBundle({ request, path, matches: sorted, applied: outcome.applied, fullUrl, now });
}

/**
 * The FHIR R4 REST API (`/fhir/R4`): metadata, read of every type the export holds, search, and
 * `Patient/:id/$everything`. Reads of a patient's record go through the same access rule as the HTTP API's
 * export (`fhir_export.read`: the patient and their clinicians), so the access hook audits every one; anything
 * the caller may not see is a 404 OperationOutcome.
 */
export async function fhirRestRoutes(instance: FastifyInstance): Promise<void> {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  registerFhirErrors(app);
  app.addHook('onRequest', async (request) => assertJsonFormat(request));
  bulkExportRoutes(app);
  const program = () => fhirProgram(app.deps);
  const fullUrl = (r: FhirResource) => fullUrlOf(program().fhirBase, r);
  const now = () => app.deps.clock.now();

  app.get('/metadata', { config: { access: { kind: 'public' } }, schema: { tags, summary: 'CapabilityStatement of this FHIR server', querystring: fhirQuerySchema, response: { 200: fhirResourceSchema } } }, async (_request, reply) =>
    reply.type(fhirJson).send(capabilityStatement(program(), now().toISOString(), '0.1.0')),
  );

  // Reference data: the instruments' Questionnaires, whose canonical URLs resolve here.
  app.get('/Questionnaire/:rid', { config: { access: { kind: 'public' } }, schema: { tags, summary: 'An instrument as a Questionnaire', params: ridParams, querystring: fhirQuerySchema, response: { 200: fhirResourceSchema } } }, async (request, reply) => {
    const q = questionnaire(app.deps, request.params.rid, now());
    if (!q) throw new FhirError(404, 'not-found', `No Questionnaire/${request.params.rid}.`);
    return reply.type(fhirJson).send(q);
  });
  app.get('/Questionnaire', { config: { access: { kind: 'public' } }, schema: { tags, summary: 'Search the Questionnaires (url, _id)', querystring: fhirQuerySchema, response: { 200: fhirResourceSchema } } }, async (request, reply) => {
    const params = queryParams(request);
    const urls = (params['url'] ?? []).flatMap((u) => u.split(',')).map((u) => u.split('|')[0]);
    const all = questionnaires(app.deps, now()).filter((q) => urls.length === 0 || urls.includes(String(q['url'])));
    const { url: _url, ...rest } = params;
    const outcome = searchResources(all, 'Questionnaire', rest);
    return reply.type(fhirJson).send(searchsetBundle({ request, path: '/Questionnaire', matches: outcome.matches, applied: { ...outcome.applied, ...(params['url'] ? { url: params['url'] } : {}) }, fullUrl, now: now() }));
  });

  app.get('/Practitioner/:rid', { config: { access: { kind: 'signed-in' } }, schema: { tags, summary: 'A staff member as a Practitioner', params: ridParams, querystring: fhirQuerySchema, response: { 200: fhirResourceSchema } } }, async (request, reply) => {
    const p = isUuid(request.params.rid) ? await readPractitioner(app.deps, request.params.rid) : null;
    if (!p) throw new FhirError(404, 'not-found', `No Practitioner/${request.params.rid}.`);
    return reply.type(fhirJson).send(p);
  });
  app.get('/Organization/:rid', { config: { access: { kind: 'signed-in' } }, schema: { tags, summary: 'The program as an Organization', params: ridParams, querystring: fhirQuerySchema, response: { 200: fhirResourceSchema } } }, async (request, reply) => {
    if (request.params.rid !== programOrganizationId) throw new FhirError(404, 'not-found', `No Organization/${request.params.rid}.`);
    return reply.type(fhirJson).send(await readOrganization(app.deps));
  });

  for (const type of patientCompartmentTypes) {
    app.get(
      `/${type}/:rid`,
      {
        config: { access: { ...readAccess, patientOf: (db, request) => ownerOf(db, type, (request.params as { rid: string }).rid) } },
        schema: { tags, summary: `Read a ${type}`, params: ridParams, querystring: fhirQuerySchema, response: { 200: fhirResourceSchema } },
      },
      async (request, reply) => {
        const resources = await patientResources(app.deps, patientAccessOf(request).patientId, now(), { consentPdf: type === 'Consent' });
        const found = resources?.find((r) => r.resourceType === type && r.id === request.params.rid);
        if (!found) throw new FhirError(404, 'not-found', `No ${type}/${request.params.rid}, or you do not have access to it.`);
        return reply.type(fhirJson).send(found);
      },
    );
    if (type === 'Patient') continue;
    // Compartment search: `Patient/:id/Observation?…` is the same search with the patient in the path.
    app.get(
      `/Patient/:rid/${type}`,
      {
        config: { access: { ...readAccess, patientOf: async (_db, request) => (request.params as { rid: string }).rid } },
        schema: { tags, summary: `Search ${type} in the patient's compartment`, params: ridParams, querystring: fhirQuerySchema, response: { 200: fhirResourceSchema } },
      },
      async (request, reply) => {
        const resources = (await patientResources(app.deps, patientAccessOf(request).patientId, now(), { consentPdf: type === 'Consent' })) ?? [];
        return reply.type(fhirJson).send(searchBundle(request, type, resources, now(), fullUrl, `/Patient/${request.params.rid}/${type}`));
      },
    );
    app.get(
      `/${type}`,
      {
        config: { access: { ...readAccess, patientOf: searchPatientOf(type) } },
        schema: { tags, summary: `Search ${type} in one patient's record`, querystring: fhirQuerySchema, response: { 200: fhirResourceSchema } },
      },
      async (request, reply) => {
        const resources = (await patientResources(app.deps, patientAccessOf(request).patientId, now(), { consentPdf: type === 'Consent' })) ?? [];
        return reply.type(fhirJson).send(searchBundle(request, type, resources, now(), fullUrl));
      },
    );
  }

  app.get(
    '/Patient/:rid/$everything',
    {
      config: { access: { ...readAccess, patientOf: async (_db, request) => (request.params as { rid: string }).rid } },
      schema: { tags, summary: "Everything in one patient's record (Patient $everything)", params: ridParams, querystring: fhirQuerySchema, response: { 200: fhirResourceSchema } },
    },
    async (request, reply) => {
      const resources = (await patientResources(app.deps, patientAccessOf(request).patientId, now(), { consentPdf: true })) ?? [];
      const params = queryParams(request);
      const types = params['_type']?.flatMap((t) => t.split(','));
      const since = params['_since']?.[0];
      if (since !== undefined && Number.isNaN(Date.parse(since))) throw new FhirError(400, 'invalid', '_since must be an instant.');
      const matches = resources.filter((r) => (!types || types.includes(r.resourceType)) && (!since || Date.parse(r.meta?.lastUpdated ?? '') >= Date.parse(since)));
      const applied: Record<string, string[]> = {};
      if (params['_type']) applied['_type'] = params['_type'];
      if (params['_since']) applied['_since'] = params['_since'];
      return reply.type(fhirJson).send(searchsetBundle({ request, path: `/Patient/${request.params.rid}/$everything`, matches, applied, fullUrl, now: now() }));
    },
  );

  // Searching patients: a patient finds themself; a clinician the patients on their care team.
  app.get(
    '/Patient',
    { config: { access: { kind: 'signed-in', roles: ['patient', 'clinician'] } }, schema: { tags, summary: 'Search the patients the caller may read', querystring: fhirQuerySchema, response: { 200: fhirResourceSchema } } },
    async (request, reply) => {
      const actor = actorOf(request);
      const { deps } = useCaseOf(request);
      const at = now();
      const candidates =
        actor.role === 'patient'
          ? actor.patientId
            ? [actor.patientId]
            : []
          : (await deps.database.db.selectFrom('care_team_members').select('patient_id').where('user_id', '=', actor.userId).where('unassigned_at', 'is', null).orderBy('patient_id').execute()).map((r) => r.patient_id);
      const wantedIds = queryParams(request)['_id']?.flatMap((v) => v.split(','));
      const ids = [...new Set(candidates)].filter((id) => !wantedIds || wantedIds.includes(id));
      const patients = await inTransaction(deps.database.db, async (tx) => {
        const out: FhirResource[] = [];
        for (const id of ids) {
          const record = await loadPatientRecord(tx, id, { scope: 'patient' });
          const patient = record ? patientRecordResources(program(), record, at.toISOString()).find((r) => r.resourceType === 'Patient') : undefined;
          if (patient) out.push(patient);
        }
        return out;
      });
      const bundle = searchBundle(request, 'Patient', patients, at, fullUrl);
      // Every patient whose record leaves is on their audit record, as a read of their export.
      const returned = ((bundle['entry'] as { resource: FhirResource }[] | undefined) ?? []).map((e) => e.resource.id);
      for (const patientId of returned) {
        await writeAudit(deps.database.db, requestContext(request, at), { action: 'fhir_export.read', resourceType: 'fhir_export', resourceId: patientId, patientId, outcome: 'success', detail: { route: request.routeOptions.url } });
      }
      return reply.type(fhirJson).send(bundle);
    },
  );
}
