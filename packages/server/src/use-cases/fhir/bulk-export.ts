import { patientRecordResources, resourceKey, type FhirResource } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction } from '../../db/transaction.ts';
import { systemContext } from '../alerts/escalate-alerts.ts';
import type { UseCase, UseCaseDeps } from '../deps.ts';
import { fhirProgram } from './fhir-program.ts';
import { loadPatientRecord } from './load-patient-record.ts';

/** Lines per NDJSON file: a type with more is split into parts. */
export const linesPerFile = 5_000;
/** Patients read and mapped per transaction while the job runs. */
const patientsPerBatch = 50;

export interface BulkExportRequest {
  level: 'system' | 'patient';
  /** Resource types to include; null for every type the export holds. */
  types: string[] | null;
  since: Date | null;
  requestUrl: string;
}

/**
 * Kick-off of a FHIR Bulk Data export: the request is recorded, the job enqueued and the request audited, in one
 * transaction, so an export exists if and only if its job and its audit row do.
 */
export async function requestBulkExport({ deps, ctx }: UseCase, request: BulkExportRequest): Promise<string> {
  const id = crypto.randomUUID();
  await inTransaction(deps.database.db, async (tx) => {
    await tx
      .insertInto('fhir_bulk_exports')
      .values({
        id,
        level: request.level,
        resource_types: request.types,
        since: request.since,
        request_url: request.requestUrl,
        requested_by: ctx.actorId ?? '',
        requested_at: ctx.now,
        patients_total: null,
        completed_at: null,
        error: null,
      })
      .execute();
    await deps.jobs.enqueue(tx, 'fhir.bulk-export', { exportId: id }, { singletonKey: `fhir-bulk-export:${id}` });
    await writeAudit(tx, ctx, { action: 'fhir_bulk_export.requested', resourceType: 'fhir_bulk_export', resourceId: id, outcome: 'success', detail: { level: request.level, types: request.types ?? 'all', since: request.since?.toISOString() ?? null } });
  });
  return id;
}

/**
 * The pg-boss job: maps every patient's record (the same mapping as the single-patient export) and writes one
 * NDJSON file per resource type. Resources that are not one patient's (Practitioner, Organization, Questionnaire)
 * appear once. Each patient whose record is written is audited. Safe to run twice: it starts over from nothing,
 * and an export already finished or cancelled is left alone.
 */
export async function runBulkExport(deps: UseCaseDeps, data: Record<string, unknown>, now: Date): Promise<{ status: string }> {
  const exportId = typeof data['exportId'] === 'string' ? data['exportId'] : '';
  const db = deps.database.db;
  const job = await db.selectFrom('fhir_bulk_exports').selectAll().where('id', '=', exportId).executeTakeFirst();
  if (!job || job.status === 'completed' || job.status === 'cancelled') return { status: job?.status ?? 'missing' };
  const patients = (await db.selectFrom('patients').select('id').orderBy('id').execute()).map((p) => p.id);
  await db.deleteFrom('fhir_bulk_export_files').where('export_id', '=', exportId).execute();
  await db.updateTable('fhir_bulk_exports').set({ status: 'in_progress', patients_total: patients.length, patients_done: 0 }).where('id', '=', exportId).execute();

  const program = fhirProgram(deps);
  const types = job.resource_types ? new Set(job.resource_types) : null;
  const since = job.since ? new Date(job.since).getTime() : null;
  const lines = new Map<string, string[]>();
  const parts = new Map<string, number>();
  const seen = new Set<string>();
  const ctx = { ...systemContext(now, 'fhir.bulk-export'), actorId: null };

  const flush = async (type: string, force: boolean) => {
    const pending = lines.get(type) ?? [];
    while (pending.length >= linesPerFile || (force && pending.length > 0)) {
      const chunk = pending.splice(0, linesPerFile);
      const part = (parts.get(type) ?? 0) + 1;
      parts.set(type, part);
      await db.insertInto('fhir_bulk_export_files').values({ export_id: exportId, resource_type: type, part, line_count: chunk.length, body: `${chunk.join('\n')}\n` }).execute();
    }
  };
  const keep = (r: FhirResource) => (!types || types.has(r.resourceType)) && (since === null || Date.parse(r.meta?.lastUpdated ?? '') >= since);

  try {
    for (let i = 0; i < patients.length; i += patientsPerBatch) {
      const batch = patients.slice(i, i + patientsPerBatch);
      const current = await db.selectFrom('fhir_bulk_exports').select('status').where('id', '=', exportId).executeTakeFirst();
      if (current?.status === 'cancelled') return { status: 'cancelled' };
      await inTransaction(db, async (tx) => {
        for (const patientId of batch) {
          const record = await loadPatientRecord(tx, patientId, { consentPdf: true });
          if (!record) continue;
          const resources = patientRecordResources(program, record, new Date(job.requested_at).toISOString());
          let written = 0;
          for (const r of resources) {
            const key = resourceKey(r);
            if (seen.has(key) || !keep(r)) continue;
            seen.add(key);
            const list = lines.get(r.resourceType) ?? [];
            list.push(JSON.stringify(r));
            lines.set(r.resourceType, list);
            written++;
          }
          if (written > 0) {
            await writeAudit(tx, ctx, { action: 'fhir_bulk_export.included', resourceType: 'fhir_bulk_export', resourceId: exportId, patientId, outcome: 'success', detail: { requestedBy: job.requested_by, resources: written } });
          }
        }
        await tx.updateTable('fhir_bulk_exports').set({ patients_done: Math.min(patients.length, i + batch.length) }).where('id', '=', exportId).execute();
      });
      for (const type of lines.keys()) await flush(type, false);
    }
    for (const type of lines.keys()) await flush(type, true);
    await inTransaction(db, async (tx) => {
      await tx.updateTable('fhir_bulk_exports').set({ status: 'completed', completed_at: now }).where('id', '=', exportId).where('status', '=', 'in_progress').execute();
      await writeAudit(tx, ctx, { action: 'fhir_bulk_export.completed', resourceType: 'fhir_bulk_export', resourceId: exportId, outcome: 'success', detail: { requestedBy: job.requested_by, patients: patients.length, files: [...parts.values()].reduce((a, b) => a + b, 0) } });
    });
    return { status: 'completed' };
  } catch (error) {
    // Only the error's class reaches the row: messages from drivers may quote data.
    await db.updateTable('fhir_bulk_exports').set({ status: 'failed', error: error instanceof Error ? error.name : 'Error' }).where('id', '=', exportId).execute();
    throw error;
  }
}

export interface BulkExportStatus {
  id: string;
  status: string;
  requestUrl: string;
  requestedAt: Date;
  patientsDone: number;
  patientsTotal: number | null;
  files: { type: string; part: number; count: number }[];
}

export async function bulkExportStatus(deps: UseCaseDeps, exportId: string): Promise<BulkExportStatus | null> {
  const row = await deps.database.db.selectFrom('fhir_bulk_exports').selectAll().where('id', '=', exportId).executeTakeFirst();
  if (!row || row.status === 'cancelled') return null;
  const files =
    row.status === 'completed'
      ? await deps.database.db.selectFrom('fhir_bulk_export_files').select(['resource_type', 'part', 'line_count']).where('export_id', '=', exportId).orderBy('resource_type').orderBy('part').execute()
      : [];
  return {
    id: row.id,
    status: row.status,
    requestUrl: row.request_url,
    requestedAt: new Date(row.requested_at),
    patientsDone: row.patients_done,
    patientsTotal: row.patients_total,
    files: files.map((f) => ({ type: f.resource_type, part: f.part, count: f.line_count })),
  };
}

/** Cancels an export and deletes its output (the status URL's DELETE). */
export async function cancelBulkExport({ deps, ctx }: UseCase, exportId: string): Promise<boolean> {
  return inTransaction(deps.database.db, async (tx) => {
    const updated = await tx.updateTable('fhir_bulk_exports').set({ status: 'cancelled' }).where('id', '=', exportId).where('status', '!=', 'cancelled').executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    await tx.deleteFrom('fhir_bulk_export_files').where('export_id', '=', exportId).execute();
    await writeAudit(tx, ctx, { action: 'fhir_bulk_export.cancelled', resourceType: 'fhir_bulk_export', resourceId: exportId, outcome: 'success' });
    return true;
  });
}

/** One output file; the download is on the audit record (the data leaves here). */
export async function readBulkExportFile({ deps, ctx }: UseCase, exportId: string, type: string, part: number): Promise<string | null> {
  return inTransaction(deps.database.db, async (tx) => {
    const file = await tx
      .selectFrom('fhir_bulk_export_files as f')
      .innerJoin('fhir_bulk_exports as e', 'e.id', 'f.export_id')
      .select(['f.body', 'f.line_count'])
      .where('f.export_id', '=', exportId)
      .where('f.resource_type', '=', type)
      .where('f.part', '=', part)
      .where('e.status', '=', 'completed')
      .executeTakeFirst();
    if (!file) return null;
    await writeAudit(tx, ctx, { action: 'fhir_bulk_export.read', resourceType: 'fhir_bulk_export', resourceId: exportId, outcome: 'success', detail: { file: `${type}-${part}`, lines: file.line_count } });
    return file.body;
  });
}
