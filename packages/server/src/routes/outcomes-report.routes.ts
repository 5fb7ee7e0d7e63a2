import { outcomesDrillQuery, outcomesDrillResponse, outcomesReportQuery, outcomesReportResponse, signedOutcomesReportRequest } from '@keel/contract';
import type { KeelApp } from '../app.ts';
import { writeAudit } from '../audit/audit-log.ts';
import { inTransaction } from '../db/transaction.ts';
import { actorOf, useCaseOf } from '../http/route-helpers.ts';
import { loadCohortRecords } from '../use-cases/outcomes/cohort-records.ts';
import { outcomesCsv, outcomesPdf } from '../use-cases/outcomes/outcomes-export.ts';
import { cohortMembers, loadOutcomesReport, outcomesDrillDown, outcomesReport, toResponse } from '../use-cases/outcomes/outcomes-report.ts';
import { recordDigest, signRecord } from '../use-cases/identity/signatures.ts';
import { loadProgramSettings } from '../use-cases/settings/program-settings.service.ts';
import { binaryFileResponse, textFileResponse } from './continuity/route-support.ts';

const access = { kind: 'program', resource: 'program_outcomes', action: 'read' } as const;
const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The program outcomes report (docs/outcomes-report.md): the figures, the patients behind a figure, a de-identified
 * CSV and a PDF (a draft, or signed by the person issuing it). Clinicians get their own patients, admins the program.
 */
export function outcomesReportRoutes(app: KeelApp): void {
  app.get(
    '/api/v1/reports/outcomes',
    {
      config: { access },
      schema: {
        tags: ['outcomes'],
        summary: 'Program outcomes for a period and cohort: severity, safety, dependence watch and engagement',
        querystring: outcomesReportQuery,
        response: { 200: outcomesReportResponse },
      },
    },
    async (request) => outcomesReport(useCaseOf(request), request.query),
  );

  app.get(
    '/api/v1/reports/outcomes/patients',
    {
      // Each patient shown gets a row in their own audit chain.
      config: { access, auditPatientsShown: 'outcomes_report.drill_down' },
      schema: {
        tags: ['outcomes'],
        summary: 'The patients behind one figure of the outcomes report (named; each one audited)',
        querystring: outcomesDrillQuery,
        response: { 200: outcomesDrillResponse },
      },
    },
    async (request) => outcomesDrillDown(useCaseOf(request), request.query),
  );

  app.get(
    '/api/v1/reports/outcomes.csv',
    {
      config: { access },
      schema: {
        tags: ['outcomes'],
        summary: 'De-identified per-patient rows for research: no names or ids, dates shifted per patient, ages in bands',
        querystring: outcomesReportQuery,
        response: textFileResponse('text/csv'),
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const db = uc.deps.database.db;
      const [loaded, settings] = await Promise.all([loadOutcomesReport(uc, request.query), loadProgramSettings(db)]);
      // One row per patient needs each patient's whole record (the research rows are not the report's figures).
      const reads = uc.deps.database.reads.db;
      const [records, members] = await Promise.all([loadCohortRecords(reads, loaded.patientIds), cohortMembers(reads, loaded.patientIds)]);
      await writeAudit(db, uc.ctx, {
        action: 'outcomes_report.export_csv',
        resourceType: 'program_outcomes',
        outcome: 'success',
        detail: { query: request.query, rows: records.length },
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="keel-outcomes-deidentified-${day(uc.ctx.now)}.csv"`)
        .send(outcomesCsv(loaded, records, members, settings));
    },
  );

  app.get(
    '/api/v1/reports/outcomes.pdf',
    {
      config: { access },
      schema: {
        tags: ['outcomes'],
        summary: 'The outcomes report as a PDF draft (charts, tables, definitions); sign it to release it',
        querystring: outcomesReportQuery,
        response: binaryFileResponse('application/pdf'),
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const loaded = await loadOutcomesReport(uc, request.query);
      await writeAudit(uc.deps.database.db, uc.ctx, { action: 'outcomes_report.export_pdf', resourceType: 'program_outcomes', outcome: 'success', detail: { query: request.query, signed: false } });
      const pdf = await outcomesPdf(toResponse(loaded, request.query), uc.ctx.now, null);
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="keel-outcomes-draft-${day(uc.ctx.now)}.pdf"`).send(pdf);
    },
  );

  app.post(
    '/api/v1/reports/outcomes/signed.pdf',
    {
      config: { access },
      schema: {
        tags: ['outcomes'],
        summary: 'Issue the outcomes report as a PDF signed by you (password e-signature bound to the SHA-256 of its figures)',
        body: signedOutcomesReportRequest,
        response: binaryFileResponse('application/pdf'),
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const actor = actorOf(request);
      const loaded = await loadOutcomesReport(uc, request.body.query);
      const figures = toResponse(loaded, request.body.query);
      const reportId = crypto.randomUUID();
      const signature = await inTransaction(uc.deps.database.db, async (tx) => {
        const signed = await signRecord(tx, uc, {
          signerId: actor.userId,
          password: request.body.signature.password,
          meaning: 'approved',
          recordType: 'outcomes_report',
          recordId: reportId,
          record: figures,
        });
        await writeAudit(tx, uc.ctx, {
          action: 'outcomes_report.export_pdf',
          resourceType: 'program_outcomes',
          resourceId: reportId,
          outcome: 'success',
          detail: { query: request.body.query, signed: true, signatureId: signed.id, sha256: recordDigest(figures) },
        });
        return signed;
      });
      const pdf = await outcomesPdf(figures, uc.ctx.now, signature);
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="keel-outcomes-signed-${day(uc.ctx.now)}.pdf"`).send(pdf);
    },
  );
}
