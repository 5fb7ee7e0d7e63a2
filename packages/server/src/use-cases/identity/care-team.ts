import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { AppError, notFound } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';

export async function assignCareTeamMember(
  { deps, ctx }: UseCase,
  input: { patientId: string; userId: string; role: 'clinician' | 'coach'; primary?: boolean | undefined },
): Promise<void> {
  await inTransaction(deps.database.db, async (tx) => {
    const member = await tx.selectFrom('users').select(['id', 'role', 'status']).where('id', '=', input.userId).executeTakeFirst();
    if (!member || member.status === 'deactivated') throw notFound('staff member');
    if (member.role !== input.role) {
      throw new AppError('VALIDATION_FAILED', `That account is a ${member.role}, not a ${input.role}.`, [{ field: 'role', message: `does not match the account's role (${member.role})` }]);
    }
    if (input.primary) {
      await tx.updateTable('care_team_members').set({ is_primary: false }).where('patient_id', '=', input.patientId).where('member_role', '=', input.role).where('unassigned_at', 'is', null).execute();
    }
    const existing = await tx
      .selectFrom('care_team_members')
      .select('id')
      .where('patient_id', '=', input.patientId)
      .where('user_id', '=', input.userId)
      .where('unassigned_at', 'is', null)
      .executeTakeFirst();
    if (existing) {
      if (input.primary) await tx.updateTable('care_team_members').set({ is_primary: true }).where('id', '=', existing.id).execute();
    } else {
      await tx
        .insertInto('care_team_members')
        .values({ id: crypto.randomUUID(), patient_id: input.patientId, user_id: input.userId, member_role: input.role, is_primary: input.primary ?? false, assigned_at: ctx.now, assigned_by: ctx.actorId, unassigned_at: null })
        .execute();
    }
    await writeAudit(tx, ctx, {
      action: 'care_team.assign',
      resourceType: 'care_team',
      resourceId: input.userId,
      patientId: input.patientId,
      outcome: 'success',
      detail: { role: input.role, primary: input.primary ?? false },
    });
  });
}

/**
 * Removes a member from the care team. An active patient (approved or in treatment) always keeps a clinician: the
 * last one cannot be removed until another is assigned. The patient row is locked first, so two removals at once
 * cannot each leave the other clinician as "the last".
 */
export async function unassignCareTeamMember({ deps, ctx }: UseCase, input: { patientId: string; userId: string; reason?: string | undefined }): Promise<void> {
  await inTransaction(deps.database.db, async (tx) => {
    const patient = await tx.selectFrom('patients').select('status').where('id', '=', input.patientId).forUpdate().executeTakeFirst();
    if (!patient) throw notFound('care team member');
    const result = await tx
      .updateTable('care_team_members')
      .set({ unassigned_at: ctx.now })
      .where('patient_id', '=', input.patientId)
      .where('user_id', '=', input.userId)
      .where('unassigned_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw notFound('care team member');
    if (patient.status === 'approved' || patient.status === 'active') {
      const clinicians = await tx
        .selectFrom('care_team_members')
        .select('id')
        .where('patient_id', '=', input.patientId)
        .where('member_role', '=', 'clinician')
        .where('unassigned_at', 'is', null)
        .limit(1)
        .execute();
      if (clinicians.length === 0) {
        throw new AppError('CONFLICT', 'This is the last clinician on an active patient’s care team: assign another clinician first.');
      }
    }
    await writeAudit(tx, ctx, {
      action: 'care_team.unassign',
      resourceType: 'care_team',
      resourceId: input.userId,
      patientId: input.patientId,
      outcome: 'success',
      ...(input.reason ? { detail: { reason: input.reason } } : {}),
    });
  });
}

export async function listCareTeam({ deps }: UseCase, patientId: string) {
  const rows = await deps.database.db
    .selectFrom('care_team_members as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['c.user_id', 'u.name', 'c.member_role', 'c.is_primary', 'c.assigned_at'])
    .where('c.patient_id', '=', patientId)
    .where('c.unassigned_at', 'is', null)
    .orderBy('c.member_role')
    .orderBy('c.assigned_at')
    .execute();
  return rows.map((r) => ({ userId: r.user_id, name: r.name, role: r.member_role, primary: r.is_primary, assignedAt: new Date(r.assigned_at).toISOString() }));
}

/** The patient's primary clinician on the care team (the earliest assigned when several are): the owner of their alerts and, with no signed plan, the prescriber their compliance is judged for. */
export async function primaryClinicianOf(db: Db, patientId: string): Promise<string | null> {
  const row = await db
    .selectFrom('care_team_members')
    .select('user_id')
    .where('patient_id', '=', patientId)
    .where('member_role', '=', 'clinician')
    .where('unassigned_at', 'is', null)
    .orderBy('is_primary', 'desc')
    .orderBy('assigned_at')
    .limit(1)
    .executeTakeFirst();
  return row?.user_id ?? null;
}
