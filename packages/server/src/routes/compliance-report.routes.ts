import { z } from 'zod';
import { complianceReportQuery, patientParams } from '@keel/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeelApp } from '../app.ts';
import { writeAudit, writeAuditEntries } from '../audit/audit-log.ts';
import { actorOf, patientAccessOf, useCaseOf } from '../http/route-helpers.ts';
import { auditedDenials, isUuid } from '../http/access-control.ts';
import { notFound } from '../http/problem.ts';
import { loadComplianceReport, reportCsv, reportPdf, type ComplianceReport, type ReportScope } from '../use-cases/compliance/compliance-report.ts';
import { loadProgramSettings } from '../use-cases/settings/program-settings.service.ts';
import { binaryFileResponse, textFileResponse } from './continuity/route-support.ts';

const clinicianReportParams = z.strictObject({ userId: z.uuid() });
type Format = 'csv' | 'pdf';

async function buildReport(request: FastifyRequest, scope: ReportScope, query: z.infer<typeof complianceReportQuery>): Promise<ComplianceReport> {
  const uc = useCaseOf(request);
  const db = uc.deps.database.db;
  const settings = await loadProgramSettings(db);
  return loadComplianceReport(db, scope, { from: query.from, to: query.to }, settings.dosing, uc.ctx.now);
}

async function send(reply: FastifyReply, report: ComplianceReport, format: Format, filename: string) {
  if (format === 'csv') {
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}.csv"`).send(reportCsv(report));
  }
  const pdf = await reportPdf(report);
  return reply.type('application/pdf').header('content-disposition', `attachment; filename="${filename}.pdf"`).send(pdf);
}

/**
 * Records for inspection (docs/compliance.md): a patient's or a prescriber's prescriptions and dispenses with the
 * pathway, licence, DEA registration and PDMP check in force for each. Every read is audited.
 */
export function complianceReportRoutes(app: KeelApp): void {
  for (const format of ['csv', 'pdf'] as const) {
    app.get(
      `/api/v1/patients/:patientId/compliance-report.${format}`,
      {
        // The care team's clinicians, and an administrator answering an inspection; the read is audited by the rule.
        config: { access: { kind: 'patient', resource: 'compliance_report', action: 'read' } },
        schema: {
          tags: ['compliance'],
          summary: `The patient's prescribing compliance report (${format.toUpperCase()}): each prescription and dispense with its pathway, credentials and PDMP check`,
          params: patientParams,
          querystring: complianceReportQuery,
          response: format === 'csv' ? textFileResponse('text/csv') : binaryFileResponse('application/pdf'),
        },
      },
      async (request, reply) => {
        const { patientId } = patientAccessOf(request);
        const report = await buildReport(request, { kind: 'patient', patientId }, request.query);
        return send(reply, report, format, `keel-compliance-report-patient-${patientId}`);
      },
    );

    app.get(
      `/api/v1/clinicians/:userId/compliance-report.${format}`,
      {
        // An administrator, or the prescriber their own report; anyone else gets the 404 an unknown id gets.
        config: { access: { kind: 'signed-in', roles: ['admin', 'clinician'] } },
        schema: {
          tags: ['compliance'],
          summary: `A prescriber's compliance report (${format.toUpperCase()}): every prescription they signed and every dispense under their registration`,
          params: clinicianReportParams,
          querystring: complianceReportQuery,
          response: format === 'csv' ? textFileResponse('text/csv') : binaryFileResponse('application/pdf'),
        },
      },
      async (request, reply) => {
        const uc = useCaseOf(request);
        const actor = actorOf(request);
        const { userId } = request.params;
        const db = uc.deps.database.db;
        const clinician = isUuid(userId) ? await db.selectFrom('users').select(['id', 'role']).where('id', '=', userId).executeTakeFirst() : undefined;
        const allowed = clinician?.role === 'clinician' && (actor.role === 'admin' || actor.userId === userId);
        if (!allowed) {
          const denied = notFound('clinician');
          await writeAudit(db, uc.ctx, {
            action: 'compliance_report.read',
            resourceType: 'clinician',
            resourceId: clinician ? userId : null,
            outcome: 'denied',
            detail: { route: request.routeOptions.url, reason: clinician ? 'not this clinician' : 'unknown clinician' },
          });
          auditedDenials.add(denied);
          throw denied;
        }
        const report = await buildReport(request, { kind: 'clinician', clinicianId: userId }, request.query);
        // Written before the data leaves, like the access rule's audit of a patient read: one row for the report and
        // one in each listed patient's chain, so every patient's access log shows it.
        const patientIds = [...new Set(report.rows.map((r) => r.patientId))];
        await writeAuditEntries(db, uc.ctx, [
          { action: 'compliance_report.read', resourceType: 'clinician', resourceId: userId, outcome: 'success', detail: { route: request.routeOptions.url, records: report.rows.length } },
          ...patientIds.map((patientId) => ({ action: 'compliance_report.read', resourceType: 'compliance_report', resourceId: userId, patientId, outcome: 'success' as const, detail: { route: request.routeOptions.url } })),
        ]);
        return send(reply, report, format, `keel-compliance-report-prescriber-${userId}`);
      },
    );
  }
}
