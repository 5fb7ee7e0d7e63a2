import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { AppError, notFound } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';

const iso = (d: Date | string) => new Date(d).toISOString();

/** A patient's dose requests ("a higher dose", "the dose stopped working"), newest first, with the answer. */
export async function listDoseRequests(db: Db, patientId: string) {
  const rows = await db
    .selectFrom('dose_requests as d')
    .leftJoin('users as u', 'u.id', 'd.answered_by')
    .select(['d.id', 'd.requested_at', 'd.kind', 'd.note', 'd.answer', 'd.answered_at', 'u.name as answerer_name'])
    .where('d.patient_id', '=', patientId)
    .orderBy('d.requested_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    requestedAt: iso(r.requested_at),
    kind: r.kind,
    note: r.note,
    answer: r.answer !== null && r.answered_at !== null ? { text: r.answer, by: r.answerer_name ?? '', at: iso(r.answered_at) } : null,
  }));
}

/**
 * A clinician answers a refill or dose request in words the patient reads. One answer per request: a second is a
 * conflict (the patient already read the first); anything further goes by message or visit.
 */
export async function answerMedicationRequest({ deps, ctx }: UseCase, input: { patientId: string; kind: 'refill' | 'dose'; requestId: string; answer: string }) {
  const table = input.kind === 'refill' ? 'refill_requests' : 'dose_requests';
  return inTransaction(deps.database.db, async (tx) => {
    const row = await tx.selectFrom(table).select(['id', 'answer']).where('id', '=', input.requestId).where('patient_id', '=', input.patientId).forUpdate().executeTakeFirst();
    if (!row) throw notFound(input.kind === 'refill' ? 'refill request' : 'dose request');
    if (row.answer !== null) throw new AppError('CONFLICT', 'This request has already been answered. Write to the patient by message for anything further.');
    await tx.updateTable(table).set({ answer: input.answer, answered_by: ctx.actorId ?? '', answered_at: ctx.now }).where('id', '=', input.requestId).execute();
    await writeAudit(tx, ctx, {
      action: input.kind === 'refill' ? 'refill.answer' : 'dose_request.answer',
      resourceType: 'refill',
      resourceId: input.requestId,
      patientId: input.patientId,
      outcome: 'success',
    });
  });
}
