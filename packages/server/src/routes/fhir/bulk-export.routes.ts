import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { useCaseOf } from '../../http/route-helpers.ts';
import { bulkExportStatus, cancelBulkExport, readBulkExportFile, requestBulkExport } from '../../use-cases/fhir/bulk-export.ts';
import { patientCompartmentTypes } from '../../use-cases/fhir/resource-owner.ts';
import type { KeelApp } from '../../app.ts';
import { FhirError, fhirJson, fhirQuerySchema, fhirResourceSchema, operationOutcome, queryParams, requestBase } from './fhir-http.ts';

const tags = ['fhir'];
const exportTypes = [...patientCompartmentTypes, 'Practitioner', 'Organization', 'Questionnaire'];
const ndjsonFormats = ['application/fhir+ndjson', 'application/ndjson', 'ndjson'];
const exportParams = z.object({ exportId: z.string() });
const fileParams = z.object({ exportId: z.string(), file: z.string() });
const manifestSchema = z.object({ transactionTime: z.string(), request: z.string(), requiresAccessToken: z.boolean(), output: z.array(z.object({ type: z.string(), url: z.string(), count: z.number() })), error: z.array(z.unknown()) });

function parseKickOff(request: FastifyRequest): { types: string[] | null; since: Date | null } {
  const q = queryParams(request);
  const format = q['_outputFormat']?.[0];
  if (format !== undefined && !ndjsonFormats.includes(format)) throw new FhirError(400, 'not-supported', 'The only output format is application/fhir+ndjson.');
  const types = q['_type']?.flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean) ?? null;
  const unknown = types?.filter((t) => !exportTypes.includes(t)) ?? [];
  if (unknown.length) throw new FhirError(400, 'not-supported', `This server does not export ${unknown.join(', ')}.`);
  const sinceText = q['_since']?.[0];
  const since = sinceText !== undefined ? new Date(sinceText) : null;
  if (since && (Number.isNaN(since.getTime()) || !/T/.test(sinceText ?? ''))) throw new FhirError(400, 'invalid', '_since must be a FHIR instant, e.g. 2026-01-01T00:00:00Z.');
  for (const name of ['_typeFilter', '_elements', 'patient', 'includeAssociatedData']) {
    if (q[name]) throw new FhirError(400, 'not-supported', `${name} is not supported.`);
  }
  return { types: types?.length ? types : null, since };
}

/**
 * FHIR Bulk Data export (Bulk Data Access IG, "Asynchronous Request Pattern"): kick-off answers 202 with a status
 * URL; the status URL answers 202 with X-Progress while the pg-boss job runs and then the manifest; the manifest's
 * files are NDJSON, one resource type per file. Administrators only; each step is audited.
 */
export function bulkExportRoutes(app: KeelApp): void {
  for (const [url, level] of [['/$export', 'system'], ['/Patient/$export', 'patient']] as const) {
    app.get(
      url,
      {
        config: { access: { kind: 'program', resource: 'fhir_bulk_export', action: 'write' } },
        schema: { tags, summary: `Bulk Data export kick-off (${level} level): every patient's record as NDJSON`, querystring: fhirQuerySchema, response: { 202: fhirResourceSchema } },
      },
      async (request, reply) => {
        const { types, since } = parseKickOff(request);
        const id = await requestBulkExport(useCaseOf(request), { level, types, since, requestUrl: `${requestBase(request)}${request.url.replace(/^\/fhir\/R4/, '')}` });
        return reply
          .code(202)
          .header('content-location', `${requestBase(request)}/$export-status/${id}`)
          .type(fhirJson)
          .send(operationOutcome('informational', `Export ${id} accepted; poll the Content-Location URL for its status.`, 'information'));
      },
    );
  }

  app.get(
    '/$export-status/:exportId',
    {
      config: { access: { kind: 'program', resource: 'fhir_bulk_export', action: 'read' } },
      schema: { tags, summary: 'Bulk Data export status: 202 while running, then the manifest', params: exportParams, response: { 200: manifestSchema, 202: fhirResourceSchema, 500: fhirResourceSchema } },
    },
    async (request, reply) => {
      const status = await bulkExportStatus(request.server.deps, request.params.exportId);
      if (!status) throw new FhirError(404, 'not-found', 'No such export.');
      if (status.status === 'failed') return reply.code(500).type(fhirJson).send(operationOutcome('exception', 'The export failed; request a new one.'));
      if (status.status !== 'completed') {
        const progress = status.patientsTotal ? `${status.patientsDone} of ${status.patientsTotal} patients` : 'queued';
        return reply.code(202).header('x-progress', progress).header('retry-after', '2').type(fhirJson).send(operationOutcome('informational', `Export ${status.status}: ${progress}.`, 'information'));
      }
      return reply
        .code(200)
        .type('application/json; charset=utf-8')
        .send({
          transactionTime: status.requestedAt.toISOString(),
          request: status.requestUrl,
          requiresAccessToken: true,
          output: status.files.map((f) => ({ type: f.type, url: `${requestBase(request)}/$export-file/${status.id}/${f.type}-${f.part}.ndjson`, count: f.count })),
          error: [],
        });
    },
  );

  app.delete(
    '/$export-status/:exportId',
    {
      config: { access: { kind: 'program', resource: 'fhir_bulk_export', action: 'write' } },
      schema: { tags, summary: 'Cancel a Bulk Data export and delete its files', params: exportParams, response: { 202: fhirResourceSchema } },
    },
    async (request, reply) => {
      if (!(await cancelBulkExport(useCaseOf(request), request.params.exportId))) throw new FhirError(404, 'not-found', 'No such export.');
      return reply.code(202).type(fhirJson).send(operationOutcome('informational', 'Export cancelled.', 'information'));
    },
  );

  app.get(
    '/$export-file/:exportId/:file',
    {
      config: { access: { kind: 'program', resource: 'fhir_bulk_export', action: 'read' } },
      schema: { tags, summary: 'One NDJSON file of a Bulk Data export', params: fileParams, response: { 200: z.string() } },
    },
    async (request, reply) => {
      const m = /^([A-Za-z]+)-([1-9]\d{0,6})\.ndjson$/.exec(request.params.file);
      const body = m ? await readBulkExportFile(useCaseOf(request), request.params.exportId, m[1] ?? '', Number(m[2])) : null;
      if (body === null) throw new FhirError(404, 'not-found', 'No such file.');
      return reply.type('application/fhir+ndjson').send(body);
    },
  );
}
